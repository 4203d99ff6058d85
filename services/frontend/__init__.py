"""The frontend core shared by v1 and v2: page, static files, settings, backend client, probes.

The two frontends differ only in the ``BackendGuard`` they plug into ``create_app``.
"""

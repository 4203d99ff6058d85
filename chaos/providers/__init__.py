"""Activity providers: one module per ``type`` (``http``, ``process``, ``python``), each
holding its fields, its checks before a run and how it runs, and one table of them.

The experiment model, its pydantic-free fast check, its semantic checks and the runner all
read ``PROVIDERS``; none names a provider type. A new type is a module exposing a
``ProviderType`` (see ``http.py``) and one line in ``table.py``. Importing this package
imports no client library and no pydantic: a provider imports what it runs with inside
``run`` and ``load``.
"""

from chaos.providers.base import (
    NON_EMPTY,
    Call,
    NonEmptyText,
    Problem,
    ProviderType,
    TargetUse,
)
from chaos.providers.table import PROVIDERS

__all__ = [
    "NON_EMPTY",
    "PROVIDERS",
    "Call",
    "NonEmptyText",
    "Problem",
    "ProviderType",
    "TargetUse",
]

"""Drivers: one per target (Kubernetes, local supervisord stack). See ``base.Driver``."""

"""How patiently chaosrun talks to the Kubernetes API (environment: ``CHAOSRUN_KUBE_*``).

Read by hand rather than with pydantic-settings: importing it costs more than a whole run's
work on a small namespace, for four numbers.
"""

from __future__ import annotations

import math
import os
from typing import ClassVar

from chaos.errors import BadInput

PREFIX = "CHAOSRUN_KUBE_"


class KubeSettings:
    """Seconds, each > 0; an explicit argument wins over ``CHAOSRUN_KUBE_<NAME>`` (any case),
    which wins over the default."""

    DEFAULTS: ClassVar[dict[str, float]] = {
        # Per request: a dead cluster must be reported quickly, a slow answer waited for.
        "connect_timeout": 5.0,
        "read_timeout": 30.0,
        # One operation with all its retries of transient failures (429, 5xx, timeouts, resets).
        "retry_deadline": 60.0,
        # How long a restore waits for the deleted Deployment to finish going away.
        "restore_wait": 60.0,
    }
    connect_timeout: float
    read_timeout: float
    retry_deadline: float
    restore_wait: float

    def __init__(self, **given: float) -> None:
        unknown = sorted(set(given) - set(self.DEFAULTS))
        if unknown:
            raise TypeError(f"unknown Kubernetes setting(s): {', '.join(unknown)}")
        environ = {key.upper(): value for key, value in os.environ.items()}
        for name, default in self.DEFAULTS.items():
            variable = PREFIX + name.upper()
            raw = given.get(name, environ.get(variable, default))
            try:
                value = float(raw)
            except (TypeError, ValueError):
                value = math.nan
            if not value > 0:
                raise BadInput(f"{variable} must be a number of seconds above 0 (got {raw!r})")
            setattr(self, name, value)

    @property
    def request_timeout(self) -> tuple[float, float]:
        return (self.connect_timeout, self.read_timeout)

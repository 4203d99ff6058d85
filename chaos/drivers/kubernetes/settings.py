"""How patiently chaosrun talks to the Kubernetes API (environment: ``CHAOSRUN_KUBE_*``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class KubeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHAOSRUN_KUBE_")

    # Per request, seconds: a dead cluster must be reported quickly, a slow answer waited for.
    connect_timeout: float = Field(default=5.0, gt=0)
    read_timeout: float = Field(default=30.0, gt=0)
    # One operation with all its retries of transient failures (429, 5xx, timeouts, resets).
    retry_deadline: float = Field(default=60.0, gt=0)
    # How long a restore waits for the deleted Deployment to finish going away.
    restore_wait: float = Field(default=60.0, gt=0)

    @property
    def request_timeout(self) -> tuple[float, float]:
        return (self.connect_timeout, self.read_timeout)

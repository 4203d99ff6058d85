"""Settings of the local stand-in cluster (environment variables ``CHAOSRUN_LOCAL_*``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from chaos.defaults import DEMO_SLOW_CALL_RATE, DEMO_SLOW_CALL_THRESHOLD
from chaos.statedir import default_state_dir


class LocalSettings(BaseSettings):
    """How ``chaosrun local up`` lays out the stack. Port 0 means: pick a free port."""

    model_config = SettingsConfigDict(env_prefix="CHAOSRUN_LOCAL_")

    state_dir: Path = Field(default_factory=default_state_dir)
    backend_port: int = Field(default=0, ge=0, le=65535)
    front_v1_port: int = Field(default=0, ge=0, le=65535)
    front_v2_port: int = Field(default=0, ge=0, le=65535)
    # v2's breaker: a short open state so that a local run sees it close again.
    breaker_wait: float = Field(default=5.0, gt=0)
    backend_timeout: float = Field(default=1.0, gt=0)
    # v2's slow calls (slowCallDurationThreshold, slowCallRateThreshold): a slowed-down backend
    # (`chaosrun latency`) opens its breaker while the frontends still get answers.
    slow_call_threshold: float = Field(default=DEMO_SLOW_CALL_THRESHOLD, gt=0)
    slow_call_rate: float = Field(default=DEMO_SLOW_CALL_RATE, gt=0, le=100)

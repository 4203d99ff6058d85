"""The v2 breaker's settings (Resilience4j's names in brackets in each description)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.frontend_v2.breaker import BreakerConfig


class BreakerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BREAKER_", extra="ignore", frozen=True)

    window_size: int = Field(
        default=10, ge=1, le=10000, description="Outcomes kept in the window (slidingWindowSize)."
    )
    failure_rate_threshold: float = Field(
        default=80,
        gt=0,
        le=100,
        description="Failure rate in percent at or above which the breaker opens "
        "(failureRateThreshold).",
    )
    minimum_calls: int = Field(
        default=100,
        ge=1,
        description="Outcomes needed before the rate is evaluated, clamped to the window size "
        "(minimumNumberOfCalls).",
    )
    wait_duration_open: float = Field(
        default=60,
        ge=0,
        le=86400,
        description="Seconds the open breaker rejects every call before the next call "
        "half-opens it (waitDurationInOpenState).",
    )
    permitted_calls_half_open: int = Field(
        default=10,
        ge=1,
        le=10000,
        description="Trial calls admitted in half-open, decided together "
        "(permittedNumberOfCallsInHalfOpenState).",
    )

    def to_config(self) -> BreakerConfig:
        return BreakerConfig(
            window_size=self.window_size,
            failure_rate_threshold=self.failure_rate_threshold,
            minimum_calls=self.minimum_calls,
            wait_duration_open=self.wait_duration_open,
            permitted_calls_half_open=self.permitted_calls_half_open,
        )

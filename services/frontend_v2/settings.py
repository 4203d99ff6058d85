"""v2's breaker settings (Resilience4j's names in brackets in each description).

Every default is the original's configuration or Resilience4j's own default, so the breaker
behaves as the tutorial shows unless a variable says otherwise.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from services.frontend.bulkhead import BulkheadConfig
from services.frontend.client import FAILURE_KINDS, FailureKind
from services.frontend_v2.config import BreakerConfig, SlidingWindowType

#: The breaker's name: the ``name`` of its metrics, its key in the actuator's JSON.
BREAKER_NAME = "backend"

FailureKinds = Annotated[tuple[FailureKind, ...], NoDecode]
KINDS = ", ".join(FAILURE_KINDS)


class BreakerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BREAKER_", extra="ignore", frozen=True)

    window_size: int = Field(
        default=10,
        ge=1,
        le=10000,
        description="Outcomes kept in the window, or its seconds when TIME_BASED "
        "(slidingWindowSize).",
    )
    sliding_window_type: SlidingWindowType = Field(
        default=SlidingWindowType.COUNT_BASED,
        description="COUNT_BASED: the last outcomes; TIME_BASED: the outcomes of the last "
        "seconds (slidingWindowType).",
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
        description="Outcomes needed before the rates are evaluated, clamped to the window "
        "size when COUNT_BASED (minimumNumberOfCalls).",
    )
    slow_call_duration_threshold: float = Field(
        default=60,
        gt=0,
        le=86400,
        description="Seconds above which a call is slow (slowCallDurationThreshold).",
    )
    slow_call_rate_threshold: float = Field(
        default=100,
        gt=0,
        le=100,
        description="Slow-call rate in percent at or above which the breaker opens "
        "(slowCallRateThreshold).",
    )
    wait_duration_open: float = Field(
        default=60,
        ge=0,
        le=86400,
        description="Seconds the open breaker rejects every call before it half-opens "
        "(waitDurationInOpenState).",
    )
    automatic_transition_open_to_half_open: bool = Field(
        default=False,
        description="true: a timer half-opens the breaker when the wait is over, without "
        "waiting for a call (automaticTransitionFromOpenToHalfOpenEnabled).",
    )
    permitted_calls_half_open: int = Field(
        default=10,
        ge=1,
        le=10000,
        description="Trial calls admitted in half-open, decided together "
        "(permittedNumberOfCallsInHalfOpenState).",
    )
    max_wait_duration_half_open: float = Field(
        default=0,
        ge=0,
        le=86400,
        description="Seconds after which a half-open breaker with no decision opens again; "
        "0: it waits for its trial calls (maxWaitDurationInHalfOpenState).",
    )
    record_exceptions: FailureKinds = Field(
        default=FAILURE_KINDS,
        description=f"Failure kinds recorded as failures, comma-separated ({KINDS}); a kind "
        "left out counts as a success (recordExceptions).",
    )
    ignore_exceptions: FailureKinds = Field(
        default=(),
        description="Failure kinds that count as neither success nor failure, "
        "comma-separated; wins over BREAKER_RECORD_EXCEPTIONS (ignoreExceptions).",
    )
    event_consumer_buffer_size: int = Field(
        default=100,
        ge=1,
        le=100000,
        description="Events kept for /actuator/circuitbreakerevents (eventConsumerBufferSize).",
    )
    admin_enabled: bool = Field(
        default=False,
        description=f"true: POST /actuator/circuitbreakers/{BREAKER_NAME} switches the "
        "breaker's state (CLOSE, FORCE_OPEN, DISABLE, METRICS_ONLY).",
    )

    @field_validator("record_exceptions", "ignore_exceptions", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("sliding_window_type", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("max_wait_duration_half_open")
    @classmethod
    def _whole_milliseconds(cls, value: float) -> float:
        if 0 < value < 0.001:
            raise ValueError("must be 0 or at least 0.001 (1 ms)")
        return value

    def to_config(self) -> BreakerConfig:
        return BreakerConfig(
            window_size=self.window_size,
            failure_rate_threshold=self.failure_rate_threshold,
            minimum_calls=self.minimum_calls,
            wait_duration_open=self.wait_duration_open,
            permitted_calls_half_open=self.permitted_calls_half_open,
            sliding_window_type=self.sliding_window_type,
            slow_call_duration_threshold=self.slow_call_duration_threshold,
            slow_call_rate_threshold=self.slow_call_rate_threshold,
            automatic_transition_open_to_half_open=self.automatic_transition_open_to_half_open,
            max_wait_duration_half_open=self.max_wait_duration_half_open,
            record_exceptions=frozenset(self.record_exceptions),
            ignore_exceptions=frozenset(self.ignore_exceptions),
        )


class BulkheadSettings(BaseSettings):
    """v2's bulkhead around the backend call (Resilience4j's ``BulkheadConfig``)."""

    model_config = SettingsConfigDict(env_prefix="BULKHEAD_", extra="ignore", frozen=True)

    max_concurrent_calls: int = Field(
        default=25,
        ge=0,
        le=10000,
        description="Backend calls v2 runs at once; one more gets the fallback "
        "(maxConcurrentCalls).",
    )
    max_wait_duration: float = Field(
        default=0,
        ge=0,
        le=60,
        description="Seconds a call waits for a free place before it gets the fallback; 0: "
        "at once (maxWaitDuration).",
    )

    def to_config(self) -> BulkheadConfig:
        return BulkheadConfig(self.max_concurrent_calls, self.max_wait_duration)

"""The breaker's events, as Resilience4j publishes them, and the bounded buffer that keeps the
latest ones for ``/actuator/circuitbreakerevents`` (Resilience4j's ``CircularEventConsumer``)."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol


class EventType(StrEnum):
    """``CircuitBreakerEvent.Type``. A slow call is a SUCCESS or ERROR whose duration is over
    ``slowCallDurationThreshold``; SLOW_CALL_RATE_EXCEEDED says when their rate crossed it."""

    SUCCESS = "SUCCESS"
    ERROR = "ERROR"
    IGNORED_ERROR = "IGNORED_ERROR"
    NOT_PERMITTED = "NOT_PERMITTED"
    STATE_TRANSITION = "STATE_TRANSITION"
    FAILURE_RATE_EXCEEDED = "FAILURE_RATE_EXCEEDED"
    SLOW_CALL_RATE_EXCEEDED = "SLOW_CALL_RATE_EXCEEDED"


@dataclass(frozen=True, slots=True)
class BreakerEvent:
    circuit_breaker_name: str
    type: EventType
    creation_time: float  # seconds since the epoch
    duration: float | None = None  # seconds, for SUCCESS, ERROR, IGNORED_ERROR
    error: BaseException | None = None  # for ERROR, IGNORED_ERROR
    state_transition: str | None = None  # e.g. CLOSED_TO_OPEN, for STATE_TRANSITION
    rate: float | None = None  # for *_RATE_EXCEEDED

    def to_dto(self) -> dict[str, Any]:
        """Resilience4j's ``CircuitBreakerEventDTO``: absent fields are left out, as its JSON
        shows them. ``creationTime`` is ISO 8601 with the offset, microseconds included."""
        dto: dict[str, Any] = {
            "circuitBreakerName": self.circuit_breaker_name,
            "type": self.type.value,
            "creationTime": datetime.fromtimestamp(self.creation_time, UTC).isoformat(),
        }
        if self.error is not None:
            cls = type(self.error)
            dto["errorMessage"] = f"{cls.__module__}.{cls.__qualname__}: {self.error}"
        if self.duration is not None:
            dto["durationInMs"] = int(self.duration * 1000)
        if self.state_transition is not None:
            dto["stateTransition"] = self.state_transition
        return dto


class EventConsumer(Protocol):
    def consume(self, event: BreakerEvent) -> None:
        """Called under the breaker's lock: quick, never blocking."""
        ...


class EventPublisher:
    """Hands each event of one breaker to its consumers (Resilience4j's ``EventProcessor``)."""

    def __init__(self, circuit_breaker_name: str) -> None:
        self.circuit_breaker_name = circuit_breaker_name
        self._consumers: list[EventConsumer] = []

    def add_consumer(self, consumer: EventConsumer) -> None:
        self._consumers = [*self._consumers, consumer]  # a new list: publishing never locks

    def publish(
        self,
        event_type: EventType,
        *,
        duration: float | None = None,
        error: BaseException | None = None,
        state_transition: str | None = None,
        rate: float | None = None,
    ) -> None:
        if consumers := self._consumers:
            event = BreakerEvent(
                self.circuit_breaker_name,
                event_type,
                time.time(),
                duration,
                error,
                state_transition,
                rate,
            )
            for consumer in consumers:
                consumer.consume(event)


class CircularEventConsumer:
    """The last ``capacity`` events, oldest first (``eventConsumerBufferSize``)."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._events: deque[BreakerEvent] = deque(maxlen=capacity)
        self._lock = threading.Lock()

    def consume(self, event: BreakerEvent) -> None:
        with self._lock:
            self._events.append(event)

    def buffered(self) -> list[BreakerEvent]:
        with self._lock:
            return list(self._events)

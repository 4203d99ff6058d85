"""Spring Boot Actuator's circuit-breaker endpoints, shaped as resilience4j-spring-boot3 serves
them, so tools written for the Java original read v2 unchanged:

* ``GET /actuator/health``: the ``circuitBreakers`` component (``CircuitBreakersHealthIndicator``)
  with each breaker's ``UP``/``CIRCUIT_OPEN``/``CIRCUIT_HALF_OPEN``/``UNKNOWN`` and details,
  aggregated with Spring Boot's default status order;
* ``GET /actuator/circuitbreakers``: ``{"circuitBreakers": {name: CircuitBreakerDetails}}``;
* ``GET /actuator/circuitbreakerevents[/{name}[/{eventType}]]``: the buffered events, oldest
  first, as ``{"circuitBreakerEvents": [CircuitBreakerEventDTO...]}``;
* ``GET /actuator/bulkheads`` and ``/actuator/bulkheadevents[/{name}[/{eventType}]]``: the
  bulkhead's name and its buffered events, as resilience4j-spring-boot3 serves them;
* ``POST /actuator/circuitbreakers/{name}`` with ``{"updateState": "CLOSE" | "FORCE_OPEN" |
  "DISABLE" | "METRICS_ONLY"}``: only when the admin setting enables it (METRICS_ONLY is this
  project's addition to Resilience4j's ``UpdateState``).
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services.contract import (
    BREAKER_CLOSED,
    BREAKER_EVENTS_PATH,
    BREAKER_HALF_OPEN,
    BREAKER_OPEN,
    BULKHEAD_EVENTS_PATH,
    BULKHEADS_PATH,
    CIRCUIT_BREAKERS_PATH,
)
from services.frontend.bulkhead import BulkheadEventType, SemaphoreBulkhead
from services.frontend_v2.breaker import SlidingWindowCircuitBreaker
from services.frontend_v2.events import CircularEventConsumer, EventType

#: Spring Boot's ``SimpleStatusAggregator`` default order; other statuses do not aggregate.
STATUS_ORDER = ("DOWN", "OUT_OF_SERVICE", "UP", "UNKNOWN")
HEALTH_STATUS = {
    BREAKER_CLOSED: "UP",
    BREAKER_OPEN: "CIRCUIT_OPEN",
    BREAKER_HALF_OPEN: "CIRCUIT_HALF_OPEN",
}

UPDATES: dict[str, Callable[[SlidingWindowCircuitBreaker], None]] = {
    "CLOSE": SlidingWindowCircuitBreaker.transition_to_closed_state,
    "FORCE_OPEN": SlidingWindowCircuitBreaker.transition_to_forced_open_state,
    "DISABLE": SlidingWindowCircuitBreaker.transition_to_disabled_state,
    "METRICS_ONLY": SlidingWindowCircuitBreaker.transition_to_metrics_only_state,
}


def java_float(value: float) -> str:
    """``Float.toString``: the shortest decimal that reads back as the same 32-bit float,
    always with a fraction (``80.0``, ``-1.0``, ``33.333332``)."""
    single = struct.unpack("f", struct.pack("f", value))[0]
    for digits in range(1, 10):
        text = f"{single:.{digits}g}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == single:
            break
    plain = format(Decimal(text), "f")
    return plain if "." in plain else plain + ".0"


def percent(value: float) -> str:
    return java_float(value) + "%"


def aggregate(statuses: Iterable[str]) -> str:
    known = [status for status in statuses if status in STATUS_ORDER]
    return min(known, key=STATUS_ORDER.index) if known else "UNKNOWN"


def circuit_breaker_details(breaker: SlidingWindowCircuitBreaker) -> dict[str, Any]:
    """``CircuitBreakerDetails``, in the health indicator's order."""
    snap = breaker.snapshot()
    return {
        "failureRate": percent(snap.failure_rate),
        "failureRateThreshold": percent(breaker.config.failure_rate_threshold),
        "slowCallRate": percent(snap.slow_call_rate),
        "slowCallRateThreshold": percent(breaker.config.slow_call_rate_threshold),
        "bufferedCalls": snap.buffered_calls,
        "slowCalls": snap.slow_calls,
        "slowFailedCalls": snap.slow_failed_calls,
        "failedCalls": snap.failed_calls,
        "notPermittedCalls": snap.not_permitted_calls,
        "state": snap.state.upper(),
    }


def health(breaker: SlidingWindowCircuitBreaker) -> dict[str, Any]:
    details = circuit_breaker_details(breaker)
    status = HEALTH_STATUS.get(breaker.state_name, "UNKNOWN")
    breakers = {
        "status": aggregate([status]),
        "details": {breaker.name or "": {"status": status, "details": details}},
    }
    components: dict[str, dict[str, Any]] = {"circuitBreakers": breakers, "ping": {"status": "UP"}}
    return {
        "status": aggregate(component["status"] for component in components.values()),
        "components": components,
    }


def add_actuator_routes(
    app: FastAPI,
    breaker: SlidingWindowCircuitBreaker,
    events: CircularEventConsumer,
    admin_enabled: bool,
) -> None:
    name = breaker.name or ""

    @app.get("/actuator/health")
    async def actuator_health() -> JSONResponse:
        body = health(breaker)
        return JSONResponse(body, status_code=503 if body["status"] == "DOWN" else 200)

    @app.get(CIRCUIT_BREAKERS_PATH)
    async def circuit_breakers() -> dict[str, Any]:
        return {"circuitBreakers": {name: circuit_breaker_details(breaker)}}

    add_event_routes(
        app,
        BREAKER_EVENTS_PATH,
        "circuitBreakerEvents",
        events.buffered,
        lambda event: event.circuit_breaker_name,
        EventType,
    )

    if not admin_enabled:
        return

    @app.post(CIRCUIT_BREAKERS_PATH + "/{wanted}")
    async def update_state(wanted: str, request: Request) -> JSONResponse:
        if wanted != name:
            return JSONResponse({"error": f"no circuit breaker named {wanted!r}"}, 404)
        try:
            body = await request.json()
            update = UPDATES[body["updateState"]]
        except (ValueError, TypeError, KeyError):
            expected = " | ".join(UPDATES)
            message = f'expected a JSON body {{"updateState": "{expected}"}}'
            return JSONResponse({"error": message}, 400)
        update(breaker)
        return JSONResponse(
            {
                "circuitBreakerName": name,
                "currentState": breaker.state_name.upper(),
                "message": f"{name} state has been changed successfully",
            }
        )


def add_bulkhead_routes(app: FastAPI, bulkhead: SemaphoreBulkhead) -> None:
    """``BulkheadEndpoint`` (the names of the bulkheads) and ``BulkheadEventsEndpoint``
    (``{"bulkheadEvents": [BulkheadEventDTO...]}``, ``/{name}[/{eventType}]`` narrowing it)."""

    @app.get(BULKHEADS_PATH)
    async def bulkheads() -> dict[str, Any]:
        return {"bulkheads": [bulkhead.name]}

    add_event_routes(
        app,
        BULKHEAD_EVENTS_PATH,
        "bulkheadEvents",
        lambda: list(bulkhead.events),
        lambda event: event.bulkhead_name,
        BulkheadEventType,
    )


class _Event(Protocol):
    @property
    def type(self) -> StrEnum: ...

    def to_dto(self) -> dict[str, Any]: ...


E = TypeVar("E", bound=_Event)


def add_event_routes(
    app: FastAPI,
    path: str,
    key: str,
    buffered: Callable[[], Iterable[E]],
    owner: Callable[[E], str],
    types: type[StrEnum],
) -> None:
    """An events endpoint as resilience4j-spring-boot3 serves them: ``{key: [dto...]}``,
    oldest first, at ``path``, ``path/{name}`` and ``path/{name}/{eventType}``."""

    def event_list(wanted: str | None = None, event_type: StrEnum | None = None) -> Any:
        return {
            key: [
                event.to_dto()
                for event in buffered()
                if (wanted is None or owner(event) == wanted)
                and (event_type is None or event.type is event_type)
            ]
        }

    @app.get(path)
    async def all_events() -> Any:
        return event_list()

    @app.get(path + "/{wanted}")
    async def events_of(wanted: str) -> Any:
        return event_list(wanted)

    @app.get(path + "/{wanted}/{event_type}")
    async def events_of_type(wanted: str, event_type: str) -> Any:
        try:
            return event_list(wanted, types(event_type.upper()))
        except ValueError:
            known = ", ".join(types)
            return JSONResponse({"error": f"unknown event type {event_type!r} ({known})"}, 400)

"""v2's Spring Boot Actuator endpoints, over real HTTP to a real v2 process: the shapes and
field names of resilience4j-spring-boot3's ``CircuitBreakersHealthIndicator``,
``CircuitBreakerEndpoint`` (``CircuitBreakerDetails``) and ``CircuitBreakerEventsEndpoint``
(``CircuitBreakerEventDTO``), and the admin transition that is off unless enabled."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from services.contract import BACKEND_MESSAGE, FALLBACK_MESSAGE, MESSAGE_PATH, METRICS_PATH
from services.frontend_v2.actuator import java_float
from testbed.polling import wait_until
from testbed.procs import Service, free_port, running_service
from tests.services.frontend_support import (
    breaker,
    frontend_env,
    get,
    h2,
    json_of,
    post,
    wait_for_log,
)

DETAILS = {
    "failureRate",
    "failureRateThreshold",
    "slowCallRate",
    "slowCallRateThreshold",
    "bufferedCalls",
    "slowCalls",
    "slowFailedCalls",
    "failedCalls",
    "notPermittedCalls",
    "state",
}


def refused() -> str:
    return f"http://127.0.0.1:{free_port()}{MESSAGE_PATH}"


def fallbacks(v2: Service, n: int) -> None:
    for _ in range(n):
        page = get(v2.url)
        assert (page.status_code, h2(page.text)) == (200, FALLBACK_MESSAGE)


def breaker_health(v2: Service) -> tuple[str, str, dict[str, Any]]:
    """The root status, the circuitBreakers component's, and the breaker's own entry."""
    response = get(f"{v2.url}/actuator/health")
    assert response.status_code == 200  # the frontend is healthy whatever its backend does
    body = response.json()
    component = body["components"]["circuitBreakers"]
    return body["status"], component["status"], component["details"]["backend"]


def served(backend: Service) -> int:
    metrics = get(f"{backend.url}{METRICS_PATH}").text
    found = re.search(r"^backend_messages_total (\S+)", metrics, re.M)
    assert found is not None
    return int(float(found.group(1)))


def test_health_and_details_follow_the_breaker(log_dir: Path) -> None:
    """``CircuitBreakersHealthIndicator``: CLOSED is UP, OPEN is CIRCUIT_OPEN, HALF_OPEN is
    CIRCUIT_HALF_OPEN, with the ``CircuitBreakerDetails`` fields; Spring Boot's default
    ``StatusAggregator`` leaves such custom statuses out, so the component reads UNKNOWN and
    the application stays UP (HTTP 200). ``/actuator/circuitbreakers`` has the same details."""
    env = frontend_env(
        refused(),
        BREAKER_WAIT_DURATION_OPEN="3",
        BREAKER_AUTOMATIC_TRANSITION_OPEN_TO_HALF_OPEN="true",
    )
    with running_service("services.frontend_v2", log_dir, env=env) as v2:
        root, component, entry = breaker_health(v2)
        assert (root, component, entry["status"]) == ("UP", "UP", "UP")
        assert entry["details"] == {
            "failureRate": "-1.0%",
            "failureRateThreshold": "80.0%",
            "slowCallRate": "-1.0%",
            "slowCallRateThreshold": "100.0%",
            "bufferedCalls": 0,
            "slowCalls": 0,
            "slowFailedCalls": 0,
            "failedCalls": 0,
            "notPermittedCalls": 0,
            "state": "CLOSED",
        }
        fallbacks(v2, 3)
        details = json_of(v2, "/actuator/circuitbreakers")["circuitBreakers"]["backend"]
        assert set(details) == DETAILS
        assert (details["bufferedCalls"], details["failedCalls"], details["failureRate"]) == (
            3,
            3,
            "-1.0%",
        )
        fallbacks(v2, 8)  # the 10th opens it, the 11th is not permitted
        root, component, entry = breaker_health(v2)
        assert (root, component, entry["status"]) == ("UP", "UNKNOWN", "CIRCUIT_OPEN")
        assert entry["details"]["state"] == "OPEN"
        assert entry["details"]["failureRate"] == "100.0%"
        assert entry["details"]["notPermittedCalls"] == 1
        # automaticTransitionFromOpenToHalfOpenEnabled: a timer half-opens it, nobody calls.
        wait_until(lambda: breaker_health(v2)[2]["status"] == "CIRCUIT_HALF_OPEN", timeout=15)
        assert breaker_health(v2)[2]["details"]["state"] == "HALF_OPEN"
        wait_for_log(v2, r"WARNING .*changed state: open -> half_open")


def test_events_are_buffered_with_resilience4j_names(log_dir: Path) -> None:
    """``/actuator/circuitbreakerevents``: the latest eventConsumerBufferSize events, oldest
    first, as ``CircuitBreakerEventDTO`` (circuitBreakerName, type, creationTime,
    errorMessage, durationInMs, stateTransition); filtered by name and by event type."""
    env = frontend_env(refused(), BREAKER_EVENT_CONSUMER_BUFFER_SIZE="12")
    with running_service("services.frontend_v2", log_dir, env=env) as v2:
        fallbacks(v2, 11)
        events = json_of(v2, "/actuator/circuitbreakerevents")["circuitBreakerEvents"]
        assert [e["type"] for e in events] == [
            *["ERROR"] * 9,  # the first of ten ERRORs has left the buffer of 12
            "FAILURE_RATE_EXCEEDED",
            "STATE_TRANSITION",
            "NOT_PERMITTED",
        ]
        error, transition, rejected = events[0], events[10], events[11]
        assert set(error) == {
            "circuitBreakerName",
            "type",
            "creationTime",
            "errorMessage",
            "durationInMs",
        }
        assert error["circuitBreakerName"] == "backend"
        assert error["errorMessage"].startswith(
            "services.frontend.client.BackendUnavailable: cannot connect to "
        )
        assert isinstance(error["durationInMs"], int) and 0 <= error["durationInMs"] < 1000
        assert transition["stateTransition"] == "CLOSED_TO_OPEN"
        assert set(rejected) == {"circuitBreakerName", "type", "creationTime"}
        times = [datetime.fromisoformat(e["creationTime"]) for e in events]
        assert times == sorted(times)
        assert json_of(v2, "/actuator/circuitbreakerevents/backend")["circuitBreakerEvents"] == (
            events
        )
        only = json_of(v2, "/actuator/circuitbreakerevents/backend/state_transition")
        assert only["circuitBreakerEvents"] == [transition]
        assert json_of(v2, "/actuator/circuitbreakerevents/other") == {"circuitBreakerEvents": []}
        assert get(f"{v2.url}/actuator/circuitbreakerevents/backend/BOGUS").status_code == 400


def test_the_admin_transition_is_off_unless_enabled(log_dir: Path) -> None:
    """Without BREAKER_ADMIN_ENABLED nobody can switch the breaker over HTTP."""
    with running_service("services.frontend_v2", log_dir, env=frontend_env(refused())) as v2:
        answer = post(f"{v2.url}/actuator/circuitbreakers/backend", {"updateState": "DISABLE"})
        assert answer.status_code in (404, 405)
        assert breaker(v2)["state"] == "closed"


def test_the_admin_transition_switches_the_special_states(log_dir: Path) -> None:
    """``CircuitBreakerEndpoint.updateCircuitBreakerState`` (``{"updateState": ...}``):
    FORCE_OPEN rejects every call (fallback, the backend never called), DISABLE admits every
    call and records none, METRICS_ONLY records without opening, CLOSE goes back to a fresh
    closed breaker; the answer is ``CircuitBreakerUpdateStateResponse``."""
    port = free_port()
    env = frontend_env(f"http://127.0.0.1:{port}{MESSAGE_PATH}", BREAKER_ADMIN_ENABLED="true")
    with running_service("services.frontend_v2", log_dir, env=env) as v2:
        admin = f"{v2.url}/actuator/circuitbreakers/backend"

        def update(state: str) -> dict[str, Any]:
            answer = post(admin, {"updateState": state})
            assert answer.status_code == 200, answer.text
            body: dict[str, Any] = answer.json()
            return body

        with running_service("services.backend", log_dir, port=port) as backend:
            assert h2(get(v2.url).text) == BACKEND_MESSAGE
            assert update("FORCE_OPEN") == {
                "circuitBreakerName": "backend",
                "currentState": "FORCED_OPEN",
                "message": "backend state has been changed successfully",
            }
            before = served(backend)
            fallbacks(v2, 5)
            assert served(backend) == before
            assert breaker_health(v2)[2]["status"] == "UNKNOWN"
            assert breaker(v2)["not_permitted_calls"] == 5
        wait_for_log(v2, r"WARNING .*changed state: closed -> forced_open")

        assert update("DISABLE")["currentState"] == "DISABLED"
        fallbacks(v2, 15)  # the backend is gone: every call fails, none is recorded
        state = breaker(v2)
        assert (state["state"], state["buffered_calls"], state["totals"]["failed"]) == (
            "disabled",
            0,
            15,
        )
        assert update("METRICS_ONLY")["currentState"] == "METRICS_ONLY"
        fallbacks(v2, 15)
        state = breaker(v2)
        assert (state["state"], state["buffered_calls"], state["failure_rate"]) == (
            "metrics_only",
            10,
            100.0,
        )
        assert update("CLOSE")["currentState"] == "CLOSED"
        assert (breaker(v2)["state"], breaker(v2)["buffered_calls"]) == ("closed", 0)

        assert post(admin, {"updateState": "HALF_OPEN"}).status_code == 400
        assert post(admin, ["CLOSE"]).status_code == 400
        assert (
            post(f"{v2.url}/actuator/circuitbreakers/other", {"updateState": "CLOSE"}).status_code
            == 404
        )


def test_rates_are_written_as_java_writes_a_float() -> None:
    """``CircuitBreakerDetails`` holds ``metrics.getFailureRate() + "%"``: Java's
    ``Float.toString`` of a 32-bit float, so one failure in three reads ``33.333332%``."""
    assert [java_float(v) for v in (100 / 3, -1.0, 80.0, 12.5, 100.0)] == [
        "33.333332",
        "-1.0",
        "80.0",
        "12.5",
        "100.0",
    ]

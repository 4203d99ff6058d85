"""v2's ``/metrics`` under Micrometer's names, labels and types, as resilience4j-micrometer's
``TaggedCircuitBreakerMetrics`` exposes a Spring Boot app's breaker to Prometheus, read over
real HTTP from a real v2 process (parsed with prometheus-client's own parser)."""

from __future__ import annotations

import time
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from services.contract import BACKEND_MESSAGE, FALLBACK_MESSAGE, MESSAGE_PATH, METRICS_PATH
from services.frontend_v2.metrics import TimeWindowMax
from testbed.procs import Service, free_port, running_service
from tests.services.breaker_support import FakeClock
from tests.services.fake_backends import ErrorServer, SlowServer
from tests.services.frontend_support import breaker, frontend_env, get, h2

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]

STATES = ["closed", "open", "half_open", "disabled", "forced_open", "metrics_only"]


def scrape(v2: Service) -> tuple[dict[str, str], Samples]:
    """The metric families' types by name, and every sample by (name, labels)."""
    response = get(f"{v2.url}{METRICS_PATH}")
    assert response.status_code == 200
    types: dict[str, str] = {}
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        types[family.name] = family.type
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return types, samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, frozenset({"name": "backend", **labels}.items()))]


def test_every_micrometer_series_is_there_with_its_labels(log_dir: Path) -> None:
    """The series of ``AbstractCircuitBreakerMetrics``: a state gauge per
    ``CircuitBreaker.State`` (lower case), a timer per kind of call (``_count``, ``_sum`` and
    ``_max``), the not-permitted counter, both rates (-1 until evaluated), and the buffered
    and slow calls by kind, all tagged ``name``."""
    env = frontend_env(f"http://127.0.0.1:{free_port()}{MESSAGE_PATH}")
    with running_service("services.frontend_v2", log_dir, env=env) as v2:
        types, samples = scrape(v2)
    for state in STATES:
        expected = 1.0 if state == "closed" else 0.0
        assert value(samples, "resilience4j_circuitbreaker_state", state=state) == expected
    assert types["resilience4j_circuitbreaker_state"] == "gauge"
    assert types["resilience4j_circuitbreaker_calls_seconds"] == "summary"
    assert types["resilience4j_circuitbreaker_calls_seconds_max"] == "gauge"
    for kind in ("successful", "failed", "ignored"):
        for suffix in ("_count", "_sum", "_max"):
            name = "resilience4j_circuitbreaker_calls_seconds" + suffix
            assert value(samples, name, kind=kind) == 0.0
    assert types["resilience4j_circuitbreaker_not_permitted_calls"] == "counter"
    not_permitted = "resilience4j_circuitbreaker_not_permitted_calls_total"
    assert value(samples, not_permitted, kind="not_permitted") == 0.0
    assert value(samples, "resilience4j_circuitbreaker_failure_rate") == -1.0
    assert value(samples, "resilience4j_circuitbreaker_slow_call_rate") == -1.0
    for kind in ("successful", "failed"):
        assert value(samples, "resilience4j_circuitbreaker_buffered_calls", kind=kind) == 0.0
        assert value(samples, "resilience4j_circuitbreaker_slow_calls", kind=kind) == 0.0
    assert types["frontend_breaker_state"] == "gauge"  # the project's own series stay


def test_a_slow_backend_opens_the_breaker_on_the_slow_call_rate(log_dir: Path) -> None:
    """A backend that answers, but slowly: every call succeeds yet each is over
    slowCallDurationThreshold, so at 100 % slow calls (slowCallRateThreshold's default) the
    breaker opens on the 10th and the next page is the fallback at once, the backend not even
    called. The timer, slow-call gauges, rate and state show it."""
    with SlowServer(0.15) as slow:
        env = frontend_env(
            slow.url, BACKEND_TIMEOUT="2", BREAKER_SLOW_CALL_DURATION_THRESHOLD="0.1"
        )
        with running_service("services.frontend_v2", log_dir, env=env) as v2:
            for _ in range(10):
                assert h2(get(v2.url).text) == BACKEND_MESSAGE
            started = time.monotonic()
            page = get(v2.url)
            assert (page.status_code, h2(page.text)) == (200, FALLBACK_MESSAGE)
            assert time.monotonic() - started < 0.15  # not waiting for the slow backend
            assert slow.served == 10
            _, samples = scrape(v2)
            assert breaker(v2)["slow_calls"] == 10
    assert value(samples, "resilience4j_circuitbreaker_state", state="open") == 1.0
    assert value(samples, "resilience4j_circuitbreaker_slow_call_rate") == 100.0
    assert value(samples, "resilience4j_circuitbreaker_failure_rate") == 0.0
    assert value(samples, "resilience4j_circuitbreaker_slow_calls", kind="successful") == 10.0
    assert value(samples, "resilience4j_circuitbreaker_slow_calls", kind="failed") == 0.0
    assert value(samples, "resilience4j_circuitbreaker_buffered_calls", kind="successful") == 10
    assert value(samples, "resilience4j_circuitbreaker_buffered_calls", kind="failed") == 0
    calls = "resilience4j_circuitbreaker_calls_seconds"
    assert value(samples, calls + "_count", kind="successful") == 10.0
    assert value(samples, calls + "_sum", kind="successful") >= 1.5
    assert value(samples, calls + "_max", kind="successful") >= 0.15
    not_permitted = "resilience4j_circuitbreaker_not_permitted_calls_total"
    assert value(samples, not_permitted, kind="not_permitted") == 1.0


def test_failed_and_ignored_calls_are_timed_under_their_kind(log_dir: Path) -> None:
    """``onError`` feeds the ``failed`` timer, ``onIgnoredError`` the ``ignored`` one: with
    BREAKER_IGNORE_EXCEPTIONS=http_4xx a 404 still gets the fallback page but neither counts
    in the window nor as a failure."""
    with ErrorServer(404) as not_found, ErrorServer(503) as unavailable:
        for url, kind in ((not_found.url, "ignored"), (unavailable.url, "failed")):
            env = frontend_env(url, BREAKER_IGNORE_EXCEPTIONS="http_4xx")
            with running_service("services.frontend_v2", log_dir, env=env) as v2:
                for _ in range(3):
                    page = get(v2.url)
                    assert (page.status_code, h2(page.text)) == (200, FALLBACK_MESSAGE)
                _, samples = scrape(v2)
                state = breaker(v2)
            calls = "resilience4j_circuitbreaker_calls_seconds_count"
            assert value(samples, calls, kind=kind) == 3.0
            failed = "resilience4j_circuitbreaker_buffered_calls"
            if kind == "ignored":
                assert (state["buffered_calls"], state["totals"]["ignored"]) == (0, 3)
                assert value(samples, calls, kind="failed") == 0.0
            else:
                assert value(samples, failed, kind="failed") == 3.0


def test_the_max_forgets_what_is_older_than_two_minutes() -> None:
    """Micrometer's ``TimeWindowMax`` (expiry 2 minutes, 3 buffers): the max of the recent
    samples, forgetting a sample between 80 and 120 s after it was recorded."""
    clock = FakeClock()
    window = TimeWindowMax(clock)
    window.record(0.5)
    window.record(0.2)
    assert window.poll() == 0.5
    clock.advance(79)
    assert window.poll() == 0.5
    window.record(0.3)
    clock.advance(41)  # 120 s after the 0.5
    assert window.poll() == 0.3
    clock.advance(120)
    assert window.poll() == 0.0

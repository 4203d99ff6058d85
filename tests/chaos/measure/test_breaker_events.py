"""The prober's breaker lane from v2's events endpoint, against real v1/v2/backend processes:
each transition at the millisecond v2 timestamped it, none lost between two probes, and
``/breaker`` sampled instead where the endpoint is missing."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from chaos.measure import Measurement, Prober, breaker_url_of
from chaos.measure.breaker_events import parse_creation_time
from chaos.report.timeline.rows import breaker_segments
from services.contract import BACKEND_MESSAGE, BREAKER_EVENTS_PATH, BREAKER_PATH, MESSAGE_PATH
from testbed.polling import wait_until
from testbed.procs import free_port, running_service
from tests.chaos.measure.fake_frontend import fake_frontend
from tests.services.frontend_support import frontend_env, get, h2

WAIT_OPEN = 0.3  # the v2 under test half-opens this long after opening


def calls(url: str, n: int) -> None:
    for _ in range(n):
        get(url)


def v2_events(url: str) -> list[dict[str, str]]:
    path = f"{url}{BREAKER_EVENTS_PATH}/backend/STATE_TRANSITION"
    events: list[dict[str, str]] = httpx.get(path, timeout=5).json()["circuitBreakerEvents"]
    return events


def pairs(m: Measurement) -> list[tuple[str, str]]:
    return [(t.from_state, t.to_state) for t in m.summary.breaker_transitions]


def test_transitions_between_two_probes_are_all_there_at_the_millisecond(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = frontend_env(
        f"http://127.0.0.1:{port}{MESSAGE_PATH}", BREAKER_WAIT_DURATION_OPEN=str(WAIT_OPEN)
    )
    with running_service("services.frontend_v2", tmp_path, env=env) as v2:
        # One probe at t = 0, the next long after the test: whatever the breaker does in
        # between, only its events can show.
        prober = Prober(v2.url + "/", interval=60, breaker_url=breaker_url_of(v2.url))
        prober.start()
        calls(v2.url, 10)  # the backend is not there: the breaker opens
        with running_service("services.backend", tmp_path, port=port):
            # After the wait, the first call half-opens it; ten good trial calls close it.
            wait_until(
                lambda: h2(get(v2.url).text) == BACKEND_MESSAGE, what="a call to get through"
            )
            calls(v2.url, 9)
            m = prober.stop()
        events = v2_events(v2.url)

    assert len(m.samples) == 1
    assert pairs(m) == [("closed", "open"), ("open", "half_open"), ("half_open", "closed")]
    assert m.breaker_source == "events"
    assert m.samples[0].breaker == "closed"
    assert m.started_at is not None
    wall0 = datetime.fromisoformat(m.started_at).timestamp()
    assert [e["stateTransition"] for e in events] == [
        "CLOSED_TO_OPEN",
        "OPEN_TO_HALF_OPEN",
        "HALF_OPEN_TO_CLOSED",
    ]
    for transition, event in zip(m.summary.breaker_transitions, events, strict=True):
        assert abs(wall0 + transition.t - parse_creation_time(event["creationTime"])) < 0.001
    # The report's lane: each state from its own transition to the next, half-open included.
    t = [tr.t for tr in m.summary.breaker_transitions]
    assert breaker_segments(m, m.duration) == [
        (0.0, t[0], "closed"),
        (t[0], t[1], "open"),
        (t[1], t[2], "half_open"),
        (t[2], m.duration, "closed"),
    ]
    # Into the journal and back, as the report reads it.
    again = Measurement.model_validate(json.loads(json.dumps(m.to_journal())))
    assert again == m


def test_each_probe_gets_the_state_in_force_when_it_was_sent(tmp_path: Path) -> None:
    env = frontend_env(f"http://127.0.0.1:{free_port()}{MESSAGE_PATH}")  # no backend
    with running_service("services.frontend_v2", tmp_path, env=env) as v2:
        prober = Prober(v2.url + "/", interval=0.05, breaker_url=breaker_url_of(v2.url))
        prober.start()
        # The prober's own failing calls open the breaker (10-call window, 80 %).
        wait_until(lambda: v2_events(v2.url), what="the breaker to open")
        wait_until(lambda: prober.breaker_source == "events", what="the events endpoint")
        live = wait_until(prober.breaker_transitions, what="the transition, while probing")
        m = prober.stop()
    assert live == m.summary.breaker_transitions
    (opened,) = m.summary.breaker_transitions
    assert (opened.from_state, opened.to_state) == ("closed", "open")
    assert m.breaker_source == "events"
    for sample in m.samples:
        assert sample.breaker == ("closed" if sample.t < opened.t else "open"), sample


def test_a_restarted_v2_closed_anew_is_a_transition(tmp_path: Path) -> None:
    """A new v2 process starts with its breaker closed and publishes no event for it."""
    port = free_port()
    env = frontend_env(f"http://127.0.0.1:{free_port()}{MESSAGE_PATH}")  # no backend
    with running_service("services.frontend_v2", tmp_path, env=env, port=port) as v2:
        prober = Prober(v2.url + "/", interval=60, breaker_url=breaker_url_of(v2.url))
        prober.start()
        calls(v2.url, 10)
        wait_until(prober.breaker_transitions, what="the breaker to open")
    with running_service("services.frontend_v2", tmp_path, env=env, port=port) as again:
        assert get(f"{again.url}{BREAKER_PATH}").json()["state"] == "closed"
        wait_until(lambda: len(prober.breaker_transitions()) == 2, what="the restart's reset")
        m = prober.stop()
    assert pairs(m) == [("closed", "open"), ("open", "closed")]
    assert m.samples[0].breaker == "closed"


def test_without_the_events_endpoint_breaker_is_read_after_each_probe() -> None:
    with fake_frontend(actuator=False) as older_v2:
        prober = Prober(older_v2.url + "/", interval=0.05, breaker_url=breaker_url_of(older_v2.url))
        prober.start()
        wait_until(lambda: len(older_v2.served) >= 2, what="/breaker to be read")
        older_v2.state = "open"
        wait_until(lambda: "open" in older_v2.served[-2:], what="/breaker to say open")
        m = prober.stop()
    assert m.breaker_source == "samples"
    (opened,) = m.summary.breaker_transitions
    assert (opened.from_state, opened.to_state) == ("closed", "open")
    first_open = next(s for s in m.samples if s.breaker == "open")
    assert opened.t == first_open.t


@pytest.mark.parametrize("skew", [3600.0, -3600.0])
def test_a_frontend_clock_far_off_places_transitions_when_they_were_read(skew: float) -> None:
    with fake_frontend(actuator=True, skew=skew) as v2:
        prober = Prober(v2.url + "/", interval=60, breaker_url=breaker_url_of(v2.url))
        prober.start()
        wait_until(lambda: prober.breaker_source == "events", what="the events endpoint")
        opened_at = v2.transition("open")
        wait_until(prober.breaker_transitions, what="the transition")
        m = prober.stop()
    (opened,) = m.summary.breaker_transitions
    assert (opened.from_state, opened.to_state) == ("closed", "open")
    assert m.started_at is not None
    wall0 = datetime.fromisoformat(m.started_at).timestamp()
    # Within a poll of the truth, not an hour off (nor dropped as outside the measurement).
    assert 0 <= opened.t <= m.duration
    assert abs(wall0 + opened.t - opened_at) < 1.0


def test_v1_has_neither_endpoint(tmp_path: Path) -> None:
    env = frontend_env(f"http://127.0.0.1:{free_port()}{MESSAGE_PATH}")
    with running_service("services.frontend_v1", tmp_path, env=env) as v1:
        prober = Prober(v1.url + "/", interval=0.05, breaker_url=breaker_url_of(v1.url))
        prober.start()
        time.sleep(0.3)  # a few probes
        m = prober.stop()
    assert m.breaker_source == "samples"
    assert m.summary.breaker_transitions == []
    assert m.samples and all(s.breaker is None for s in m.samples)
    assert all(s.status == 502 for s in m.samples)


@pytest.mark.parametrize(
    ("text", "epoch"),
    [
        # What v2 writes (Python's isoformat, microseconds, UTC offset).
        ("2026-11-30T01:53:17.123456+00:00", 1796003597.123456),
        # What resilience4j-spring-boot writes (ZonedDateTime.toString(): nanoseconds, zone id).
        ("2026-11-30T02:53:17.123456789+01:00[Europe/Paris]", 1796003597.123456),
        ("2026-11-30T01:53:17Z", 1796003597.0),
    ],
)
def test_creation_times_of_both_implementations_are_read(text: str, epoch: float) -> None:
    assert parse_creation_time(text) == pytest.approx(epoch, abs=1e-6)


def test_a_creation_time_without_an_offset_is_refused() -> None:
    with pytest.raises(ValueError, match="has no offset"):
        parse_creation_time("2026-11-30T01:53:17.5")

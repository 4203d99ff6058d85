"""Which failures count: ``recordExceptions`` and ``ignoreExceptions`` by failure kind, and the
kinds the frontend's client gives its failures. Each docstring cites the Resilience4j rule."""

from __future__ import annotations

import httpx
import pytest

from services.contract import MESSAGE_PATH
from services.frontend.client import FAILURE_KINDS, BackendClient, BackendUnavailable
from services.frontend.settings import BackendClientSettings
from services.frontend_v2 import CallNotPermittedError
from testbed.procs import free_port
from tests.services.breaker_support import (
    Backend,
    FakeClock,
    Recorder,
    new_breaker,
    run,
    to_half_open,
)
from tests.services.fake_backends import ErrorServer, HangingServer

pytestmark = pytest.mark.anyio


async def test_every_kind_is_recorded_by_default(clock: FakeClock) -> None:
    """Resilience4j's default record predicate records every exception as a failure; SPEC: a
    connect error, a timeout or any non-2xx answer is a failure."""
    breaker = new_breaker(clock)
    backend = Backend(clock)
    for kind in FAILURE_KINDS:
        await run(breaker, backend.taking(0.01, failure=kind))
    snap = breaker.snapshot()
    assert (snap.buffered_calls, snap.failed_calls) == (5, 5)


async def test_an_ignored_failure_is_neither_success_nor_failure(clock: FakeClock) -> None:
    """ignoreExceptions: "a list of exceptions that are ignored and neither count as a failure
    nor success"; each is published as IGNORED_ERROR with its duration."""
    breaker = new_breaker(clock, ignore_exceptions=frozenset({"http_4xx"}))
    events = Recorder()
    breaker.events.add_consumer(events)
    backend = Backend(clock)
    await run(breaker, backend.taking(0.2, failure="http_4xx"), 12)
    snap = breaker.snapshot()
    assert (snap.state, snap.buffered_calls, snap.total_ignored_calls) == ("closed", 0, 12)
    assert set(events.types) == {"IGNORED_ERROR"}
    assert events.events[0].duration == pytest.approx(0.2)


async def test_an_ignored_trial_call_gives_its_half_open_permit_back(clock: FakeClock) -> None:
    """``handleThrowable`` calls ``releasePermission()`` for an ignored exception: in
    half-open the trial permit returns, so ignored trials never use up the 10 permits."""
    breaker = new_breaker(clock, ignore_exceptions=frozenset({"http_4xx"}))
    backend = Backend(clock)
    await to_half_open(breaker, backend, clock)
    await run(breaker, backend.taking(0.01, failure="http_4xx"), 9)
    for trial in range(10):
        await run(breaker, backend.taking(0.01))
        assert breaker.state_name == ("closed" if trial == 9 else "half_open")
    assert breaker.snapshot().total_not_permitted_calls == 0


async def test_a_kind_that_is_not_recorded_counts_as_a_success(clock: FakeClock) -> None:
    """recordExceptions: "a list of exceptions that are recorded as a failure ... All other
    exceptions count as a success, unless they are explicitly ignored"."""
    breaker = new_breaker(
        clock, record_exceptions=frozenset({"connect_error", "timeout", "http_5xx"})
    )
    backend = Backend(clock)
    await run(breaker, backend.taking(0.01, failure="http_4xx"), 10)
    snap = breaker.snapshot()
    assert (snap.state, snap.buffered_calls, snap.failed_calls) == ("closed", 10, 0)
    assert snap.total_successful_calls == 10
    await run(breaker, backend.taking(0.01, failure="http_5xx"), 8)
    assert breaker.state_name == "open"


async def test_ignore_wins_over_record(clock: FakeClock) -> None:
    """``handleThrowable`` tests the ignore predicate first: a kind both recorded and ignored
    is ignored."""
    breaker = new_breaker(
        clock,
        record_exceptions=frozenset(FAILURE_KINDS),
        ignore_exceptions=frozenset({"timeout"}),
    )
    backend = Backend(clock)
    await run(breaker, backend.taking(0.01, failure="timeout"), 10)
    snap = breaker.snapshot()
    assert (snap.buffered_calls, snap.total_ignored_calls) == (0, 10)


async def test_the_client_names_each_kind_of_failure() -> None:
    """What the kinds mean, over real loopback HTTP: refused -> connect_error, no answer in
    time -> timeout, 5xx -> http_5xx, 4xx -> http_4xx, any other non-2xx -> other."""

    async def kind_of(url: str) -> str:
        settings = BackendClientSettings(backend_url=url, backend_timeout=0.3)
        async with httpx.AsyncClient() as http:
            with pytest.raises(BackendUnavailable) as raised:
                await BackendClient(http, settings).fetch_message()
        return raised.value.kind

    assert await kind_of(f"http://127.0.0.1:{free_port()}{MESSAGE_PATH}") == "connect_error"
    with HangingServer() as hang:
        assert await kind_of(hang.url) == "timeout"
    for status, kind in ((503, "http_5xx"), (500, "http_5xx"), (404, "http_4xx"), (302, "other")):
        with ErrorServer(status) as err:
            assert await kind_of(err.url) == kind, status


async def test_a_rejected_call_is_not_a_failure_kind(clock: FakeClock) -> None:
    """A call the breaker did not permit never ran: it raises ``CallNotPermittedError`` and is
    counted as not permitted, not recorded, whatever the failure settings."""
    breaker = new_breaker(clock, ignore_exceptions=frozenset(FAILURE_KINDS))
    backend = Backend(clock)
    breaker.transition_to_forced_open_state()
    with pytest.raises(CallNotPermittedError):
        await breaker.call_async(backend.ok)
    snap = breaker.snapshot()
    assert (snap.total_not_permitted_calls, snap.total_ignored_calls, backend.calls) == (1, 0, 0)

"""The frontends under more calls than they take, over real HTTP to real processes: v2's
bulkhead answers the fallback at once and says so in Resilience4j's terms, v1 answers 503
when its pool stays busy, and a page whose client has gone cancels its backend call."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from services.contract import (
    BULKHEAD_EVENTS_PATH,
    BULKHEADS_PATH,
    FALLBACK_MESSAGE,
    METRICS_PATH,
)
from services.frontend_v1.guard import BUSY
from testbed.polling import wait_until
from testbed.procs import Service, running_service
from tests.services.fake_backends import HangingServer
from tests.services.frontend_support import breaker, get, h2, json_of, wait_for_log

HELD = "30"  # BACKEND_TIMEOUT while a call is held open by the hanging backend


@contextmanager
def held_page(frontend: Service, hang: HangingServer) -> Iterator[Future[httpx.Response]]:
    """One page whose backend call hangs (so it holds its place) while the block runs."""
    with ThreadPoolExecutor(1) as pool:
        page = pool.submit(httpx.get, frontend.url, timeout=60)
        wait_until(lambda: hang.accepted >= 1, 20, "the held call reaching the backend")
        try:
            yield page
        finally:
            hang.close()  # the held call fails and the page returns


AVAILABLE = 'resilience4j_bulkhead_available_concurrent_calls{name="backend"}'
MAX_ALLOWED = 'resilience4j_bulkhead_max_allowed_concurrent_calls{name="backend"}'
REJECTED = 'frontend_bulkhead_calls_total{kind="rejected",name="backend"}'


def metric(service: Service, sample: str) -> float:
    """One sample of ``/metrics``, named as Prometheus prints it (``name{labels}``)."""
    for line in get(service.url + METRICS_PATH).text.splitlines():
        name, _, value = line.rpartition(" ")
        if name == sample:
            return float(value)
    raise AssertionError(f"no {sample} in /metrics")


def test_v2_bulkhead_rejects_at_once_with_the_fallback(log_dir: Path) -> None:
    env = {"BACKEND_TIMEOUT": HELD, "BULKHEAD_MAX_CONCURRENT_CALLS": "1"}
    with (
        HangingServer() as hang,
        running_service(
            "services.frontend_v2", log_dir, env={**env, "BACKEND_URL": hang.url}
        ) as v2,
    ):
        assert json_of(v2, BULKHEADS_PATH) == {"bulkheads": ["backend"]}
        with held_page(v2, hang):
            page = get(v2.url)
            assert (page.status_code, h2(page.text)) == (200, FALLBACK_MESSAGE)
            wait_for_log(v2, r"ERROR .*Fallback : Bulkhead 'backend' is full")
            assert hang.accepted == 1  # the rejected call never reached the backend
            assert metric(v2, AVAILABLE) == 0
            assert metric(v2, MAX_ALLOWED) == 1
            assert metric(v2, REJECTED) == 1
            # A rejection is no verdict on the backend: the breaker saw nothing of it.
            state = breaker(v2)
            assert (state["buffered_calls"], state["not_permitted_calls"]) == (0, 0)
        events = json_of(v2, BULKHEAD_EVENTS_PATH)["bulkheadEvents"]
        assert [e["type"] for e in events][:2] == ["CALL_PERMITTED", "CALL_REJECTED"]
        assert {e["bulkheadName"] for e in events} == {"backend"}
        rejected = json_of(v2, BULKHEAD_EVENTS_PATH + "/backend/call_rejected")
        assert len(rejected["bulkheadEvents"]) == 1
        wait_until(lambda: metric(v2, AVAILABLE) == 1, 20, "the held call's permit back")


def test_v1_answers_503_at_once_when_its_pool_stays_busy(log_dir: Path) -> None:
    env = {
        "BACKEND_TIMEOUT": HELD,
        "BACKEND_MAX_CONNECTIONS": "1",
        "BACKEND_POOL_TIMEOUT": "0.05",
    }
    with (
        HangingServer() as hang,
        running_service(
            "services.frontend_v1", log_dir, env={**env, "BACKEND_URL": hang.url}
        ) as v1,
        held_page(v1, hang),
    ):
        page = get(v1.url)
        assert (page.status_code, h2(page.text)) == (503, BUSY)
        assert hang.accepted == 1
        wait_for_log(v1, r"WARNING .*Busy: no free connection to .* within 0.05 s")


def _send_page_request(port: int) -> socket.socket:
    conn = socket.create_connection(("127.0.0.1", port))
    conn.sendall(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
    return conn


@pytest.mark.parametrize("module", ["services.frontend_v1", "services.frontend_v2"])
def test_a_page_whose_client_left_cancels_its_backend_call(module: str, log_dir: Path) -> None:
    with HangingServer() as hang:
        env = {"BACKEND_TIMEOUT": HELD, "BACKEND_URL": hang.url}
        with running_service(module, log_dir, env=env) as frontend:
            client = _send_page_request(frontend.port)
            wait_until(lambda: hang.accepted == 1, 20, "the page's backend call")
            client.close()
            wait_until(
                lambda: hang.closed_by_client == 1,
                20,
                f"{module} closing its backend connection once its client left",
            )
            if module.endswith("v2"):
                state = breaker(frontend)
                assert state["totals"]["cancelled"] == 1
                assert (state["buffered_calls"], state["failed_calls"]) == (0, 0)
                assert metric(frontend, AVAILABLE) == 25

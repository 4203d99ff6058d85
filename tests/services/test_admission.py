"""Admission control, over real HTTP to real processes: beyond MAX_REQUESTS_IN_PROGRESS a page
is answered as soon as it is read (v1 503, v2 its fallback) without reaching the guard, while
probes still get through; on a kept-alive connection the same answer comes through uvicorn."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest

from services.contract import FALLBACK_MESSAGE, LIVENESS_PATH
from services.frontend.page import SECURITY_HEADERS
from services.frontend_v1.guard import BUSY
from testbed.procs import Service, running_service
from tests.services.fake_backends import HangingServer
from tests.services.frontend_support import breaker, get, h2, wait_for_log
from tests.services.test_overload import HELD, REJECTED, held_page, metric

SHED = "frontend_pages_shed_total"
EXPECTED = {
    "services.frontend_v1": (503, BUSY, r"WARNING .*Busy: too many pages in progress"),
    "services.frontend_v2": (
        200,
        FALLBACK_MESSAGE,
        r"ERROR .*Fallback : too many pages in progress",
    ),
}


def _limited(module: str, hang: HangingServer, log_dir: Path) -> AbstractContextManager[Service]:
    env = {"BACKEND_TIMEOUT": HELD, "BACKEND_URL": hang.url, "MAX_REQUESTS_IN_PROGRESS": "1"}
    return running_service(module, log_dir, env=env)


def _check_shed_page(module: str, page: httpx.Response) -> None:
    status, message, _ = EXPECTED[module]
    assert (page.status_code, h2(page.text)) == (status, message)
    for name, value in SECURITY_HEADERS.items():
        assert page.headers[name] == value


@pytest.mark.parametrize("module", sorted(EXPECTED))
def test_a_page_beyond_the_limit_is_shed_at_once(module: str, log_dir: Path) -> None:
    with HangingServer() as hang, _limited(module, hang, log_dir) as frontend:
        assert metric(frontend, SHED) == 0
        with held_page(frontend, hang):
            page = get(frontend.url)
            _check_shed_page(module, page)
            # Read whole in one go, the request was answered by the protocol itself.
            assert page.headers["connection"] == "close"
            wait_for_log(frontend, EXPECTED[module][2])
            assert hang.accepted == 1  # the shed page never called the backend
            assert metric(frontend, SHED) == 1
            # Probes are never shed.
            assert get(frontend.url + LIVENESS_PATH).status_code == 200
            if module.endswith("v2"):
                assert metric(frontend, REJECTED) == 0  # it never reached the bulkhead
                state = breaker(frontend)
                assert (state["buffered_calls"], state["not_permitted_calls"]) == (0, 0)
        # Under the limit again, a page goes to the guard (the backend is gone: v1's 502).
        page = get(frontend.url)
        assert page.status_code == (502 if module.endswith("v1") else 200)
        assert metric(frontend, SHED) == 1


@pytest.mark.parametrize("module", sorted(EXPECTED))
def test_a_kept_alive_connection_gets_the_same_answer(module: str, log_dir: Path) -> None:
    with (
        HangingServer() as hang,
        _limited(module, hang, log_dir) as frontend,
        httpx.Client(timeout=10) as client,
    ):
        assert client.get(frontend.url + LIVENESS_PATH).status_code == 200
        with held_page(frontend, hang):
            # The connection's second request: uvicorn parses it and the admission app
            # answers it, leaving the connection open.
            page = client.get(frontend.url)
            _check_shed_page(module, page)
            assert page.headers.get("connection") != "close"
            assert client.get(frontend.url + LIVENESS_PATH).status_code == 200
            assert metric(frontend, SHED) == 1
            assert hang.accepted == 1

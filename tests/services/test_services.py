"""The three services as real uvicorn processes on free loopback ports, called over HTTP."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from services.contract import (
    BACKEND_MESSAGE,
    BREAKER_PATH,
    FALLBACK_MESSAGE,
    LIVENESS_PATH,
    MESSAGE_PATH,
    METRICS_PATH,
    PAGE_TITLE,
    READINESS_PATH,
)
from testbed.procs import REPO_ROOT, Service, free_port, running_service
from tests.services.fake_backends import CannedServer, ErrorServer, HangingServer, gzip_bomb
from tests.services.frontend_support import (
    TIMEOUT,
    breaker,
    frontend_env,
    get,
    h2,
    wait_for_log,
)

JST = timezone(timedelta(hours=9))
FRONTENDS = ["services.frontend_v1", "services.frontend_v2"]


@pytest.fixture(scope="module")
def backend(log_dir: Path) -> Iterator[Service]:
    with running_service("services.backend", log_dir) as service:
        yield service


@pytest.fixture(scope="module", params=FRONTENDS, ids=["v1", "v2"])
def frontend(request: pytest.FixtureRequest, backend: Service, log_dir: Path) -> Iterator[Service]:
    env = frontend_env(f"{backend.url}{MESSAGE_PATH}")
    with running_service(request.param, log_dir, env=env) as service:
        yield service


# --- backend
def test_backend_answers_its_message_as_plain_text(backend: Service) -> None:
    response = get(f"{backend.url}{MESSAGE_PATH}")
    assert response.status_code == 200
    assert response.text == BACKEND_MESSAGE
    assert response.headers["content-type"].startswith("text/plain")


def test_backend_probes_and_metrics(backend: Service) -> None:
    assert get(f"{backend.url}{LIVENESS_PATH}").json() == {"status": "ok"}
    assert get(f"{backend.url}{READINESS_PATH}").json() == {"status": "ready"}
    get(f"{backend.url}{MESSAGE_PATH}")
    metrics = get(f"{backend.url}{METRICS_PATH}")
    assert metrics.headers["content-type"].startswith("text/plain")
    served = re.search(r"^backend_messages_total (\d+)", metrics.text, re.M)
    assert served is not None and int(float(served.group(1))) >= 1


# --- frontends, backend up
def test_frontend_renders_the_backend_message(frontend: Service) -> None:
    response = get(frontend.url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert h2(response.text) == BACKEND_MESSAGE


def test_page_has_title_brand_and_jst_clock(frontend: Service) -> None:
    before = datetime.now(JST)
    page = get(frontend.url).text
    after = datetime.now(JST)
    assert re.search(rf"<title>{PAGE_TITLE}</title>", page)
    assert re.search(rf'<span class="navbar-brand">{PAGE_TITLE}</span>', page)
    clock = re.search(r'<time class="navbar-clock" datetime="([^"]+)">([^<]+)</time>', page)
    assert clock is not None, page
    shown = clock.group(2)
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2} \d{2}:\d{2}", shown)
    assert shown in {before.strftime("%Y/%m/%d %H:%M"), after.strftime("%Y/%m/%d %H:%M")}
    assert datetime.fromisoformat(clock.group(1)).utcoffset() == timedelta(hours=9)


def test_page_references_no_external_url_and_serves_its_own_css(frontend: Service) -> None:
    page = get(frontend.url).text
    assert "http://" not in page and "https://" not in page
    links = re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', page)
    assert links, "the page links its stylesheet"
    for link in links:
        assert link.startswith("/") and not link.startswith("//"), link
        served = get(frontend.url + link)
        assert served.status_code == 200
        assert "url(" not in served.text  # the CSS pulls nothing in either
    assert any(
        get(frontend.url + link).headers["content-type"].startswith("text/css") for link in links
    )


def test_frontend_probes_and_metrics(frontend: Service) -> None:
    assert get(f"{frontend.url}{LIVENESS_PATH}").json() == {"status": "ok"}
    assert get(f"{frontend.url}{READINESS_PATH}").json() == {"status": "ready"}
    get(frontend.url)
    metrics = get(f"{frontend.url}{METRICS_PATH}").text
    ok = re.search(r'^frontend_pages_total\{outcome="ok"\} (\d+)', metrics, re.M)
    assert ok is not None and float(ok.group(1)) >= 1
    if frontend.module.endswith("v2"):
        assert 'frontend_breaker_state{state="closed"} 1.0' in metrics
        assert 'frontend_breaker_state{state="open"} 0.0' in metrics
        assert re.search(
            r'^frontend_breaker_calls_total\{outcome="successful"\} [1-9]', metrics, re.M
        )
    else:
        assert "frontend_breaker" not in metrics
        assert get(f"{frontend.url}{BREAKER_PATH}").status_code == 404


def test_v2_breaker_endpoint_shows_state_counts_and_config(backend: Service, log_dir: Path) -> None:
    with running_service(
        "services.frontend_v2", log_dir, env=frontend_env(f"{backend.url}{MESSAGE_PATH}")
    ) as v2:
        fresh = breaker(v2)
        assert fresh["state"] == "closed"
        assert (fresh["buffered_calls"], fresh["failed_calls"], fresh["not_permitted_calls"]) == (
            0,
            0,
            0,
        )
        assert fresh["failure_rate"] == -1.0
        assert fresh["config"] == {
            "window_size": 10,
            "failure_rate_threshold": 80.0,
            "minimum_calls": 100,
            "minimum_calls_effective": 10,
            "wait_duration_open": 60.0,
            "permitted_calls_half_open": 10,
            "sliding_window_type": "COUNT_BASED",
            "slow_call_duration_threshold": 60.0,
            "slow_call_rate_threshold": 100.0,
            "automatic_transition_open_to_half_open": False,
            "max_wait_duration_half_open": 0.0,
            "record_exceptions": ["connect_error", "http_4xx", "http_5xx", "other", "timeout"],
            "ignore_exceptions": [],
        }
        assert (fresh["slow_call_rate"], fresh["slow_calls"], fresh["slow_failed_calls"]) == (
            -1.0,
            0,
            0,
        )
        for _ in range(3):
            assert h2(get(v2.url).text) == BACKEND_MESSAGE
        after = breaker(v2)
        assert (after["buffered_calls"], after["failed_calls"]) == (3, 0)
        assert after["totals"]["successful"] == 3


# --- backend stopped, then back
def test_backend_stopped_then_back(log_dir: Path) -> None:
    """v1 fails with 502 and recovers at once; v2 falls back, opens at call 10 on its fresh
    breaker, and after the backend is back recovers through half-open to closed."""
    port = free_port()
    backend_url = f"http://127.0.0.1:{port}{MESSAGE_PATH}"
    wait = "0.5"
    with (
        running_service("services.frontend_v1", log_dir, env=frontend_env(backend_url)) as v1,
        running_service(
            "services.frontend_v2",
            log_dir,
            env=frontend_env(backend_url, BREAKER_WAIT_DURATION_OPEN=wait),
        ) as v2,
    ):
        # Backend up: both render the message (v1 only: v2's breaker must stay fresh).
        with running_service("services.backend", log_dir, port=port):
            assert h2(get(v1.url).text) == BACKEND_MESSAGE
        # Backend stopped.
        down = get(v1.url)
        assert down.status_code == 502
        assert h2(down.text) == "The backend is unavailable."
        assert f"<title>{PAGE_TITLE}</title>" in down.text
        assert "http://" not in down.text and "https://" not in down.text
        wait_for_log(
            v1, r"ERROR \[services\.frontend_v1\.guard\] Backend unavailable: cannot connect"
        )
        for service in (v1, v2):
            assert (
                get(f"{service.url}{READINESS_PATH}").status_code == 200
            )  # ready without the backend
            assert get(f"{service.url}{LIVENESS_PATH}").status_code == 200
        for call in range(1, 11):
            page = get(v2.url)
            assert page.status_code == 200
            assert h2(page.text) == FALLBACK_MESSAGE
            state = breaker(v2)
            expected = "open" if call == 10 else "closed"
            assert (state["state"], state["buffered_calls"], state["failed_calls"]) == (
                expected,
                call,
                call,
            ), f"call {call}"
        assert breaker(v2)["failure_rate"] == 100.0
        wait_for_log(v2, r"ERROR \[services\.frontend_v2\.guard\] Fallback : cannot connect to ")
        wait_for_log(v2, r"WARNING .*changed state: closed -> open")
        metrics = get(f"{v2.url}{METRICS_PATH}").text
        assert 'frontend_breaker_state{state="open"} 1.0' in metrics
        assert 'frontend_breaker_calls_total{outcome="failed"} 10.0' in metrics
        assert 'frontend_pages_total{outcome="fallback"} 10.0' in metrics

        # Backend back on the same port.
        with running_service("services.backend", log_dir, port=port):
            assert h2(get(v1.url).text) == BACKEND_MESSAGE
            deadline = time.monotonic() + 10 * float(wait) + 5
            while h2(get(v2.url).text) != BACKEND_MESSAGE:  # rejected until the wait is over
                assert time.monotonic() < deadline, "v2 never tried the backend again"
                time.sleep(0.05)
            state = breaker(v2)
            assert (state["state"], state["buffered_calls"], state["failed_calls"]) == (
                "half_open",
                1,
                0,
            )
            for trial in range(2, 11):
                assert h2(get(v2.url).text) == BACKEND_MESSAGE
                state = breaker(v2)
                expected = "closed" if trial == 10 else "half_open"
                assert state["state"] == expected, f"trial {trial}"
            assert (state["buffered_calls"], state["failed_calls"]) == (0, 0)  # a fresh window
        wait_for_log(v2, r"WARNING .*changed state: open -> half_open")
        wait_for_log(v2, r"WARNING .*changed state: half_open -> closed")


# --- backend hanging
def test_backend_hanging_is_bounded_by_the_timeout(log_dir: Path) -> None:
    with HangingServer() as hang:
        env = frontend_env(hang.url)
        with running_service("services.frontend_v1", log_dir, env=env) as v1:
            page = get(v1.url)  # the client's own timeout would fail the test on a hang
            assert page.status_code == 502
            assert h2(page.text) == "The backend is unavailable."
            assert hang.accepted >= 1
            wait_for_log(v1, rf"ERROR .*Backend unavailable: no answer from .* within {TIMEOUT} s")
        with running_service("services.frontend_v2", log_dir, env=env) as v2:
            for call in range(1, 11):
                page = get(v2.url)
                assert (page.status_code, h2(page.text)) == (200, FALLBACK_MESSAGE)
                state = breaker(v2)
                assert state["state"] == ("open" if call == 10 else "closed"), f"call {call}"
            wait_for_log(v2, rf"ERROR .*Fallback : no answer from .* within {TIMEOUT} s")
            # Open (wait 60 s by default): rejected at once, the backend is not even dialled.
            tried = hang.accepted
            for _ in range(3):
                page = get(v2.url)
                assert (page.status_code, h2(page.text)) == (200, FALLBACK_MESSAGE)
            assert hang.accepted == tried
            state = breaker(v2)
            assert (state["state"], state["not_permitted_calls"]) == ("open", 3)
            wait_for_log(v2, r"ERROR .*Fallback : circuit breaker is open: call not permitted")
            assert get(f"{v2.url}{READINESS_PATH}").status_code == 200


# --- backend answering an error status
@pytest.mark.parametrize("status", [503, 404])
def test_backend_error_status_is_a_failure(status: int, log_dir: Path) -> None:
    with ErrorServer(status) as err:
        env = frontend_env(err.url)
        with (
            running_service("services.frontend_v1", log_dir, env=env) as v1,
            running_service("services.frontend_v2", log_dir, env=env) as v2,
        ):
            page = get(v1.url)
            assert (page.status_code, h2(page.text)) == (502, "The backend is unavailable.")
            wait_for_log(v1, rf"ERROR .*Backend unavailable: .* answered HTTP {status}")
            page = get(v2.url)
            assert (page.status_code, h2(page.text)) == (200, FALLBACK_MESSAGE)
            wait_for_log(v2, rf"ERROR .*Fallback : .* answered HTTP {status}")
            state = breaker(v2)
            assert (state["state"], state["buffered_calls"], state["failed_calls"]) == (
                "closed",
                1,
                1,
            )


# --- backend answering too much
MAX_BODY = 65536  # BACKEND_MAX_BODY_BYTES's default
OVER_THE_CAP = {
    "huge": (b"x" * (8 * 1024 * 1024), {}),
    "gzip-bomb": (gzip_bomb(256 * 1024 * 1024), {"Content-Encoding": "gzip"}),
}


def peak_memory_kib(service: Service) -> int:
    """The process's peak resident memory so far (VmHWM), in KiB."""
    for line in Path(f"/proc/{service.proc.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmHWM for pid {service.proc.pid}")


@pytest.mark.parametrize("answer", OVER_THE_CAP)
def test_backend_answer_over_the_size_cap_is_a_failure(answer: str, log_dir: Path) -> None:
    body, headers = OVER_THE_CAP[answer]
    with CannedServer(200, body, headers) as canned:
        env = frontend_env(canned.url)
        with (
            running_service("services.frontend_v1", log_dir, env=env) as v1,
            running_service("services.frontend_v2", log_dir, env=env) as v2,
        ):
            before = {v1.port: peak_memory_kib(v1), v2.port: peak_memory_kib(v2)}
            page = get(v1.url)
            assert (page.status_code, h2(page.text)) == (502, "The backend is unavailable.")
            over = rf"answered more than {MAX_BODY} bytes"
            wait_for_log(v1, rf"ERROR .*Backend unavailable: .* {over}")
            page = get(v2.url)
            assert (page.status_code, h2(page.text)) == (200, FALLBACK_MESSAGE)
            wait_for_log(v2, rf"ERROR .*Fallback : .* {over}")
            state = breaker(v2)
            assert (state["buffered_calls"], state["failed_calls"]) == (1, 1)
            # Inflating even one 64 KiB network chunk of the bomb at once would take ~64 MiB.
            for service in (v1, v2):
                assert peak_memory_kib(service) - before[service.port] < 16 * 1024


def test_answer_within_the_cap_is_read_compressed_or_not(backend: Service, log_dir: Path) -> None:
    size = len(BACKEND_MESSAGE.encode())
    packed = gzip.compress(BACKEND_MESSAGE.encode())
    with CannedServer(200, packed, {"Content-Encoding": "gzip"}) as gzipped:
        caps = {
            (gzipped.url, size): (200, BACKEND_MESSAGE),
            (f"{backend.url}{MESSAGE_PATH}", size): (200, BACKEND_MESSAGE),
            (f"{backend.url}{MESSAGE_PATH}", size - 1): (502, "The backend is unavailable."),
        }
        for (url, cap), expected in caps.items():
            env = frontend_env(url, BACKEND_MAX_BODY_BYTES=str(cap))
            with running_service("services.frontend_v1", log_dir, env=env) as v1:
                page = get(v1.url)
                assert (page.status_code, h2(page.text)) == expected, (url, cap)


# --- configuration
@pytest.mark.parametrize(
    ("module", "variable", "value"),
    [
        ("services.backend", "PORT", "eighty"),
        ("services.frontend_v1", "BACKEND_TIMEOUT", "0"),
        ("services.frontend_v2", "BREAKER_FAILURE_RATE_THRESHOLD", "120"),
        ("services.frontend_v2", "LOG_LEVEL", "LOUD"),
    ],
)
def test_invalid_setting_is_one_sentence_and_exit_code_2(
    module: str, variable: str, value: str
) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "HOST": "127.0.0.1", variable: value}
    done = subprocess.run(
        [sys.executable, "-m", module],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(f"Invalid environment setting {variable}: ")
    assert repr(value) in done.stderr

"""A real Prometheus (Debian's ``prometheus``) scrapes v2 on loopback while its backend goes
away, and its PromQL API sees the breaker open under the name a dashboard for the Java
original queries: ``resilience4j_circuitbreaker_state{state="open"} == 1``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from services.contract import BACKEND_MESSAGE, FALLBACK_MESSAGE, MESSAGE_PATH
from testbed.polling import wait_until
from testbed.procs import free_port, running_service
from tests.services.frontend_support import frontend_env, get, h2
from tests.support.prometheus import Prometheus, running_prometheus

OPEN = 'resilience4j_circuitbreaker_state{state="open"} == 1'
CLOSED = 'resilience4j_circuitbreaker_state{state="closed"} == 1'


def scraped(prometheus: Prometheus, promql: str) -> list[dict[str, Any]]:
    """What ``promql`` returns once it returns anything (scrapes come every 500 ms)."""
    result: list[dict[str, Any]] = wait_until(
        lambda: prometheus.query(promql), timeout=30, what=f"Prometheus to see {promql}"
    )
    return result


def test_prometheus_sees_the_breaker_open_while_the_backend_is_stopped(
    log_dir: Path, tmp_path: Path
) -> None:
    port = free_port()
    env = frontend_env(f"http://127.0.0.1:{port}{MESSAGE_PATH}")
    with (
        running_service("services.frontend_v2", log_dir, env=env) as v2,
        running_prometheus({"frontend-v2": [f"127.0.0.1:{v2.port}"]}, tmp_path) as prometheus,
    ):
        with running_service("services.backend", log_dir, port=port):
            assert h2(get(v2.url).text) == BACKEND_MESSAGE
            (closed,) = scraped(prometheus, CLOSED)
            assert closed["metric"]["name"] == "backend"
            assert prometheus.query(OPEN) == []
        # The backend is stopped: ten fallbacks later the breaker is open.
        for _ in range(10):
            page = get(v2.url)
            assert (page.status_code, h2(page.text)) == (200, FALLBACK_MESSAGE)
        (opened,) = scraped(prometheus, OPEN)
        assert opened["metric"] == {
            "__name__": "resilience4j_circuitbreaker_state",
            "job": "frontend-v2",
            "instance": f"127.0.0.1:{v2.port}",
            "name": "backend",
            "state": "open",
        }
        assert opened["value"][1] == "1"
        assert prometheus.query(CLOSED) == []
        (rate,) = prometheus.query('resilience4j_circuitbreaker_failure_rate{name="backend"}')
        assert float(rate["value"][1]) == pytest.approx(90.0)  # 9 failures and the 1 success

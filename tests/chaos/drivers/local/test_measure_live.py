"""The Prober against real services: a controlled outage, and the breaker seen through v2."""

from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from chaos.drivers.local import LocalDriver, LocalStack
from chaos.measure import Prober, breaker_url_of
from chaos.measure.models import Sample
from services.contract import MESSAGE_PATH
from testbed.polling import answers, wait_until
from testbed.procs import REPO_ROOT, free_port

INTERVAL = 0.1
# The test's own clock readings (process reaped, first answer seen) lag the true edges a little.
EDGE_SLACK = 0.01


def _start_backend(port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "PYTHONPATH": str(REPO_ROOT)}
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "services.backend"],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _accepts(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait_serving(port: int, proc: subprocess.Popen[bytes]) -> tuple[float, float]:
    """Poll tightly until the backend answers. The monotonic times between which it began to:
    the start of the last check that failed, the end of the first that succeeded (a busy
    machine may stretch either check, never move the edge outside them)."""
    deadline = time.monotonic() + 20
    last_failed = time.monotonic()
    while time.monotonic() < deadline:
        assert proc.poll() is None, "backend exited"
        started = time.monotonic()
        if _accepts(port) and answers(f"http://127.0.0.1:{port}{MESSAGE_PATH}"):
            return last_failed, time.monotonic()
        last_failed = started
        time.sleep(0.002)
    raise TimeoutError("backend did not start")


def _edge_spacings(samples: list[Sample]) -> list[float]:
    """Time between the two samples on either side of every ok/failed change."""
    return [b.t - a.t for a, b in itertools.pairwise(samples) if a.ok != b.ok]


@pytest.fixture
def backend_port() -> Iterator[int]:
    yield free_port()


def test_controlled_outage_matches_within_one_probe_interval(
    tmp_path: Path, backend_port: int
) -> None:
    log = tmp_path / "backend.log"
    proc = _start_backend(backend_port, log)
    try:
        _wait_serving(backend_port, proc)
        prober = Prober(f"http://127.0.0.1:{backend_port}{MESSAGE_PATH}", interval=INTERVAL)
        prober.start()
        time.sleep(0.5)  # some healthy probes first
        killed_at = time.monotonic()
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        down_at = time.monotonic()  # the process is dead: its port refuses from here on
        assert not _accepts(backend_port)
        time.sleep(1.2)  # the outage
        proc = _start_backend(backend_port, log)
        up_from, up_by = _wait_serving(backend_port, proc)
        time.sleep(0.4)  # some healthy probes after
        measurement = prober.stop()
    finally:
        proc.kill()
        proc.wait()

    # The true outage began between the kill and the reaping, and ended between the last
    # failed check and the first answer the test saw.
    shortest, longest = up_from - down_at, up_by - killed_at
    summary = measurement.summary
    assert len(summary.outages) == 1, summary.outages
    # Each edge is known to within the spacing of the two samples around it: INTERVAL,
    # unless the machine delayed the prober's thread (then the spacing says by how much).
    resolution = max(_edge_spacings(measurement.samples))
    low, high = shortest - resolution - EDGE_SLACK, longest + resolution + EDGE_SLACK
    assert low <= summary.longest_outage <= high, (summary.longest_outage, low, high)
    assert summary.time_to_recover == pytest.approx(summary.longest_outage)
    assert set(summary.errors_by_kind) <= {"connect", "transport"}
    assert summary.ok > 0 and summary.ok < summary.requests
    assert summary.availability is not None and 0 < summary.availability < 100
    assert measurement.samples[0].ok and measurement.samples[-1].ok
    assert prober.stop() is measurement  # idempotent


def test_v1_fails_while_v2_stays_available_and_its_breaker_opens(
    stack: LocalStack, driver: LocalDriver
) -> None:
    v1 = driver.service_url("frontend-v1", "default")
    v2 = driver.service_url("frontend-v2", "default")
    assert v1 and v2
    p1 = Prober(v1 + "/", interval=INTERVAL)
    p2 = Prober(v2 + "/", interval=INTERVAL, breaker_url=breaker_url_of(v2))
    snapshot = driver.get_deployment("back", "default")
    p1.start()
    p2.start()
    driver.delete_deployment("back", "default")
    try:
        # Enough failing calls reach v2 to open its breaker (10-call window, 80 %).
        time.sleep(2.0)
    finally:
        driver.restore_deployment(snapshot)
    wait_until(lambda: answers(v1 + "/"), what="v1 to answer 200 again")
    m1 = p1.stop()
    m2 = p2.stop()

    assert m1.summary.errors_by_kind.get("http_502", 0) > 0
    assert m1.summary.availability is not None and m1.summary.availability < 100
    assert m1.summary.longest_outage > 0
    assert m2.summary.availability == 100.0
    assert m2.summary.errors_by_kind == {}
    seen = [(t.from_state, t.to_state) for t in m2.summary.breaker_transitions]
    assert ("closed", "open") in seen
    assert all(s.breaker is not None for s in m2.samples)
    assert m2.breaker_source == "events"  # v2's own transition times, not probes' readings
    assert dict(m2.summary_rows())["Breaker transitions"].startswith("closed→open")

"""Item 4: recovery on the local target (the supervisord stand-in cluster).

A private stack (``LocalStack`` in a temporary state directory, free ports) is brought up and
the chaos goes through ``LocalDriver``, the same calls ``chaosrun pod/deployment --target
local`` make.

* pod kill: ``delete_pod`` of the frontend's pod (default grace period: SIGTERM, as
  ``chaosrun pod`` does) once the pod is steady (ready, and RUNNING for supervisord); the
  clock runs from the call until ``GET /`` of the frontend answers 200 again from the new
  process (the old one must first have stopped answering). The time to the new pid is
  recorded too. v1 and v2 alternate. Separately, v1's pod is killed again as soon as its
  replacement is ready, before supervisord's ``startsecs`` (1 s) have passed.
* backend restore: the ``back`` Deployment is deleted while a steady client calls v2
  (every 20 ms) until v2's breaker is open; then the Deployment is restored from its snapshot
  and the clock runs until ``GET /breaker`` says ``closed``. That time contains the rest of
  the open state (the local stack's ``BREAKER_WAIT_DURATION_OPEN``, 5 s by default) and the
  10 half-open trial calls, so the backend's own start time is given beside it.
"""

from __future__ import annotations

import contextlib
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import Summary, alternate, log
from services.contract import BREAKER_CLOSED, BREAKER_OPEN, BREAKER_PATH, READINESS_PATH
from testbed.polling import wait_until

NS = "default"
CLIENT_INTERVAL = 0.02


def _get(url: str, timeout: float = 1.0) -> httpx.Response | None:
    try:
        return httpx.get(url, timeout=timeout, trust_env=False)
    except httpx.HTTPError:
        return None


def _pod_kill(driver: Any, program: Any) -> dict[str, float]:
    selector = ",".join(f"{k}={v}" for k, v in program.labels.items())
    pods = driver.list_pods(NS, selector)
    if len(pods) != 1 or not pods[0].ready:
        raise RuntimeError(f"expected one ready pod for {selector}, got {pods}")
    old = pods[0].name
    page = f"{program.url}/"
    start = time.perf_counter()
    driver.delete_pod(old, NS)
    went_down = wait_until(
        lambda: (r := _get(page, 0.2)) is None or r.status_code != 200,
        10,
        "the old pod to stop answering",
        0.002,
    )
    assert went_down
    new_pid_at = None
    while True:
        now = time.perf_counter()
        if new_pid_at is None:
            names = [p.name for p in driver.list_pods(NS, selector)] if now - start > 0 else []
            if names and old not in names:
                new_pid_at = now
        response = _get(page, 0.5)
        if response is not None and response.status_code == 200:
            answered = time.perf_counter() - start
            break
        if now - start > 30:
            raise TimeoutError(f"{program.name} did not answer within 30 s of the pod kill")
        time.sleep(0.005)
    return {
        "answering_s": answered,
        "new_pod_s": (new_pid_at - start) if new_pid_at else answered,
    }


class SteadyClient:
    """GET a URL every ``interval`` seconds in a thread, as users would."""

    def __init__(self, url: str, interval: float = CLIENT_INTERVAL) -> None:
        self.url, self.interval = url, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(timeout=3.0, trust_env=False) as client:
            while not self._stop.is_set():
                with contextlib.suppress(httpx.HTTPError):
                    client.get(self.url)
                self._stop.wait(self.interval)

    def __enter__(self) -> SteadyClient:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def _breaker(url: str) -> dict[str, Any]:
    response = _get(f"{url}{BREAKER_PATH}")
    return response.json() if response is not None else {}


def _in_state(url: str, state: str) -> bool:
    return bool(_breaker(url).get("state") == state)


def _restore(driver: Any, back: Any, v2: Any) -> dict[str, float]:
    wait_until(lambda: _in_state(v2.url, BREAKER_CLOSED), 60, "v2's breaker closed", 0.01)
    snapshot = driver.get_deployment("back", NS)
    with SteadyClient(f"{v2.url}/"):
        driver.delete_deployment("back", NS)
        deleted = time.perf_counter()
        wait_until(lambda: _in_state(v2.url, BREAKER_OPEN), 30, "v2's breaker open", 0.01)
        opened = time.perf_counter()
        start = time.perf_counter()
        driver.restore_deployment(snapshot)
        wait_until(
            lambda: (
                (r := _get(f"{back.url}{READINESS_PATH}", 0.2)) is not None and r.status_code == 200
            ),
            30,
            "the backend ready",
            0.005,
        )
        backend_ready = time.perf_counter() - start
        wait_until(lambda: _in_state(v2.url, BREAKER_CLOSED), 120, "v2's breaker closed", 0.01)
        closed = time.perf_counter() - start
    return {
        "open_after_delete_s": opened - deleted,
        "backend_ready_s": backend_ready,
        "breaker_closed_s": closed,
    }


def _settled(stack: Any, program: Any, timeout: float = 30) -> None:
    """Ready, and RUNNING for supervisord (up for more than startsecs): a steady pod."""
    stack.wait_ready([program], timeout)
    wait_until(
        lambda: stack.client.call("getProcessInfo", program.name)["statename"] == "RUNNING",
        timeout,
        f"{program.name} RUNNING",
        0.05,
    )


def run(reps: int, out_dir: Path) -> dict[str, Any]:
    from chaos.drivers.local.driver import LocalDriver
    from chaos.drivers.local.settings import LocalSettings
    from chaos.drivers.local.stack import LocalStack

    state = Path(tempfile.mkdtemp(prefix="local-", dir=out_dir))
    settings = LocalSettings(state_dir=state)
    stack = LocalStack(state, settings)
    log(f"recovery: local stack in {state}")
    layout = stack.up().layout
    try:
        driver = LocalDriver(state)
        programs = layout.programs
        kills: dict[str, list[dict[str, float]]] = {"front-v1": [], "front-v2": []}
        for _, name in alternate(reps, list(kills)):
            _settled(stack, programs[name])
            kills[name].append(_pod_kill(driver, programs[name]))
        # A pod killed again as soon as it is ready, before supervisord counts its start as
        # successful (startsecs): supervisord treats that as a failed start and backs off.
        early: list[dict[str, float]] = []
        for _ in range(2):
            _settled(stack, programs["front-v1"])
            _pod_kill(driver, programs["front-v1"])
            stack.wait_ready([programs["front-v1"]], 30)
            early.append(_pod_kill(driver, programs["front-v1"]))
        log(
            "  pod kill -> answering: "
            + ", ".join(
                f"{n} {Summary.of([k['answering_s'] for k in v]).median:.2f} s"
                for n, v in kills.items()
            )
        )
        back, v2 = programs["back"], programs["front-v2"]
        restores = [_restore(driver, back, v2) for _ in range(max(1, reps // 2))]
        log(
            "  restore -> breaker closed: "
            f"{Summary.of([r['breaker_closed_s'] for r in restores]).median:.2f} s"
        )
        return {
            "reps": reps,
            "breaker_wait_s": settings.breaker_wait,
            "backend_timeout_s": settings.backend_timeout,
            "client_interval_s": CLIENT_INTERVAL,
            "pod_kill": {
                name: {
                    key: Summary.of([k[key] for k in series]).as_dict()
                    for key in ("new_pod_s", "answering_s")
                }
                for name, series in kills.items()
            },
            "pod_kill_while_starting": {
                key: Summary.of([k[key] for k in early]).as_dict()
                for key in ("new_pod_s", "answering_s")
            },
            "restore": {
                key: Summary.of([r[key] for r in restores]).as_dict()
                for key in ("open_after_delete_s", "backend_ready_s", "breaker_closed_s")
            },
        }
    finally:
        stack.down()

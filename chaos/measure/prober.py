"""Probe a URL on a fixed schedule in the background while chaos runs.

The schedule is open-loop: request ``k`` is sent at ``start + k * interval`` whatever the
previous answers took, by a small worker pool with kept-alive connections
(``chaos.measure.transport``). A slow
or hanging target therefore shows up as errors and latency, not as fewer probes. Ticks are
only skipped (and counted as ``missed_ticks``) if every worker is still busy.
"""

from __future__ import annotations

import json
import math
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime

from chaos.defaults import PROBE_INTERVAL
from chaos.measure.breaker_events import BreakerEvents
from chaos.measure.models import Measurement, Sample, Transition, find_transitions
from chaos.measure.transport import Client, ProbeError, open_client
from services.contract import BREAKER_PATH

MAX_WORKERS = 32


def breaker_url_of(frontend_url: str) -> str:
    """Where frontend v2, served at ``frontend_url``, shows its breaker's state."""
    return frontend_url.rstrip("/") + BREAKER_PATH


class Prober:
    """Probe ``url`` every ``interval`` seconds between ``start()`` and ``stop()``.

    With ``breaker_url`` (v2's, see ``breaker_url_of``), the breaker's transitions come from
    v2's events endpoint at the times v2 made them, and each sample gets the state in force
    when it was sent (while probing: the state as of the last read of the events); a frontend
    without that endpoint has ``/breaker`` read after each probe.
    """

    def __init__(
        self,
        url: str,
        *,
        interval: float = PROBE_INTERVAL,
        timeout: float = 1.0,
        breaker_url: str | None = None,
    ) -> None:
        if interval <= 0:
            raise ValueError("the probe interval must be positive")
        if timeout <= 0:
            raise ValueError("the probe timeout must be positive")
        self.url = url
        self.interval = interval
        self.timeout = timeout
        self.breaker_url = breaker_url
        self._workers = min(MAX_WORKERS, math.ceil(timeout / interval) + 2)
        self._lock = threading.Lock()
        self._samples: list[Sample] = []
        self._in_flight = 0
        self._missed = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._client: Client | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._t0 = 0.0
        self._started_at: str | None = None
        self._result: Measurement | None = None
        self._events: BreakerEvents | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Start probing in a background thread; returns at once."""
        if self._thread is not None:
            return
        urls = [self.url, self.breaker_url or self.url]
        self._client = open_client(urls, self.timeout, self._workers)
        self._pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="prober")
        self._started_at = datetime.now(UTC).isoformat()
        self._t0 = time.monotonic()
        if self.breaker_url:
            self._events = BreakerEvents(self.breaker_url, timeout=self.timeout)
            self._events.start()
        self._thread = threading.Thread(target=self._schedule, name="prober-clock", daemon=True)
        self._thread.start()

    def stop(self) -> Measurement:
        """Stop probing, wait for probes in flight, and return the measurement (idempotent)."""
        if self._result is not None:
            return self._result
        duration = 0.0
        if self._thread is not None:
            duration = time.monotonic() - self._t0
            self._stop.set()
            self._thread.join()
            assert self._pool is not None and self._client is not None
            self._pool.shutdown(wait=True)
            self._client.close()
        with self._lock:
            samples = list(self._samples)
            missed = self._missed
        timeline = None
        if self._events is not None and self._started_at is not None:
            wall0 = datetime.fromisoformat(self._started_at).timestamp()
            timeline = self._events.stop(wall0, duration, samples)
        if timeline is not None:
            samples = timeline.label(samples)
        self._result = Measurement.build(
            url=self.url,
            breaker_url=self.breaker_url,
            interval=self.interval,
            timeout=self.timeout,
            started_at=self._started_at,
            duration=duration,
            samples=samples,
            missed_ticks=missed,
            transitions=timeline.transitions if timeline is not None else None,
        )
        return self._result

    def snapshot(self) -> tuple[list[Sample], float]:
        """The samples so far (by send time) and the seconds since ``start()``, while running."""
        with self._lock:
            samples = list(self._samples)
        elapsed = time.monotonic() - self._t0 if self._thread is not None else 0.0
        return sorted(samples, key=lambda s: s.t), elapsed

    @property
    def running(self) -> bool:
        return self._thread is not None and self._result is None

    def breaker_transitions(self) -> list[Transition]:
        """The breaker's transitions so far, also while probing (samples in flight carry no
        breaker state when it comes from v2's events)."""
        if self._result is not None:
            return self._result.summary.breaker_transitions
        with self._lock:
            samples = sorted(self._samples, key=lambda s: s.t)
        if self._events is not None and self._events.present and self._started_at is not None:
            wall0 = datetime.fromisoformat(self._started_at).timestamp()
            elapsed = time.monotonic() - self._t0
            return self._events.timeline(wall0, elapsed, samples).transitions
        return find_transitions(samples)

    @property
    def breaker_source(self) -> str | None:
        """``events`` once v2's events endpoint answered, ``samples`` while ``/breaker`` is read
        after each probe, None without a breaker URL."""
        if self.breaker_url is None:
            return None
        return "events" if self._events is not None and self._events.present else "samples"

    def __enter__(self) -> Prober:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- internals -------------------------------------------------------------------------

    def _schedule(self) -> None:
        assert self._pool is not None
        tick = 0
        while not self._stop.is_set():
            with self._lock:
                busy = self._in_flight >= self._workers
                if busy:
                    self._missed += 1
                else:
                    self._in_flight += 1
            if not busy:
                future: Future[None] = self._pool.submit(self._probe)
                future.add_done_callback(self._done)
            tick += 1
            # Next tick on the fixed grid; if we fell behind, skip to the next future tick.
            now = time.monotonic() - self._t0
            next_tick = max(tick, math.floor(now / self.interval) + 1)
            if next_tick > tick:
                with self._lock:
                    self._missed += next_tick - tick
                tick = next_tick
            self._stop.wait(self._t0 + tick * self.interval - time.monotonic())

    def _done(self, _future: Future[None]) -> None:
        with self._lock:
            self._in_flight -= 1

    def _probe(self) -> None:
        assert self._client is not None
        sent = time.monotonic()
        status: int | None = None
        error: str | None
        try:
            status, _ = self._client.get(self.url)
            error = None if 200 <= status < 300 else f"http_{status}"
        except ProbeError as exc:
            error = exc.kind
        latency_ms = (time.monotonic() - sent) * 1000
        events = self._events
        if events is not None and events.present:
            # As of the last read of the events; stop() labels each sample exactly.
            breaker = events.current_state()
        else:
            breaker = self._read_breaker() if self.breaker_url else None
        sample = Sample(
            t=round(sent - self._t0, 4),
            status=status,
            latency_ms=round(latency_ms, 3),
            error=error,
            breaker=breaker,
        )
        with self._lock:
            self._samples.append(sample)

    def _read_breaker(self) -> str | None:
        assert self._client is not None and self.breaker_url is not None
        try:
            state = json.loads(self._client.get(self.breaker_url)[1]).get("state")
        except (ProbeError, ValueError, AttributeError):
            return None
        return str(state) if state is not None else None

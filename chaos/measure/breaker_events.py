"""The breaker's transitions as v2 timestamps them, from its Resilience4j actuator.

``GET /actuator/circuitbreakers`` names the breaker; ``GET /actuator/circuitbreakerevents/
{name}/STATE_TRANSITION`` lists its buffered transitions, each with its ``creationTime``
(wall clock, ISO 8601) and ``stateTransition`` (``CLOSED_TO_OPEN``...). A thread polls it
every ``BREAKER_EVENTS_INTERVAL`` and keeps every transition it has seen, so one that the
bounded buffer later drops is not lost, and several between two probes all show. Each is
placed on the measurement's axis by its own timestamp, not by when a probe noticed it.

A frontend that stops answering and comes back was maybe restarted, its breaker closed anew
without an event: then ``/breaker`` is read once, and a state other than the events' last is
a transition placed at that reading. A frontend without the endpoint (v1, an older v2) leaves
the reader ``absent``: the prober then reads ``/breaker`` after each probe instead.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from chaos.defaults import BREAKER_EVENTS_INTERVAL
from chaos.measure.models import Sample, Transition
from services.contract import BREAKER_EVENTS_PATH, BREAKER_PATH, CIRCUIT_BREAKERS_PATH

if TYPE_CHECKING:
    import httpx

TRANSITION = "STATE_TRANSITION"
NO_ANSWER = 599  # the status _get gives a request that got no answer (taken as a 5xx)
# A transition first listed by a poll happened since the previous poll was sent. Stamped
# further than this outside that window, the frontend's clock is not the runner's: the
# transition is placed in the window instead (to within a poll interval).
CLOCK_SLACK = 0.5
# Java's ZonedDateTime.toString() may add a zone id ("[Europe/Paris]") and nanoseconds.
_ZONE_ID = re.compile(r"\[[^\]]*\]$")
_FRACTION = re.compile(r"(\.\d{6})\d+")


class Found(Enum):
    UNKNOWN = "unknown"  # not asked yet, or no answer yet
    PRESENT = "present"
    ABSENT = "absent"


@dataclass(frozen=True)
class BreakerTimeline:
    """The transitions within a measurement (t in its seconds) and the state it began in."""

    initial: str | None
    transitions: list[Transition]

    def state_at(self, t: float) -> str | None:
        state = self.initial
        for transition in self.transitions:
            if transition.t > t:
                break
            state = transition.to_state
        return state

    def label(self, samples: list[Sample]) -> list[Sample]:
        """``samples`` with the state in force when each was sent."""
        return [s.model_copy(update={"breaker": self.state_at(s.t)}) for s in samples]


def state_name(resilience4j: str) -> str:
    """``HALF_OPEN`` -> ``half_open``: the names ``/breaker`` and the report use."""
    return resilience4j.strip().lower()


def parse_creation_time(text: str) -> float:
    """Seconds since the epoch of a ``creationTime`` (``ValueError`` if unreadable)."""
    cleaned = _FRACTION.sub(r"\1", _ZONE_ID.sub("", text.strip()))
    moment = datetime.fromisoformat(cleaned)
    if moment.tzinfo is None:
        raise ValueError(f"creationTime {text!r} has no offset")
    return moment.timestamp()


def base_of(breaker_url: str) -> str | None:
    """The frontend's root for a ``/breaker`` URL (None for any other URL)."""
    stripped = breaker_url.rstrip("/")
    return stripped[: -len(BREAKER_PATH)] if stripped.endswith(BREAKER_PATH) else None


class BreakerEvents:
    """Poll a frontend's transition events in a thread between ``start()`` and ``stop()``."""

    def __init__(
        self, breaker_url: str, *, timeout: float, interval: float = BREAKER_EVENTS_INTERVAL
    ) -> None:
        self.base = base_of(breaker_url)
        self.breaker_url = breaker_url
        self.timeout = timeout
        self.interval = interval
        self.found = Found.UNKNOWN if self.base else Found.ABSENT
        self._events_url: str | None = None
        self._unanswered = False  # the last poll got no answer: the frontend may restart
        self._found_in: str | None = None  # the state /breaker gave when the endpoint was found
        self._last_sent: float | None = None  # wall clock when the last answered poll was sent
        # (creationTime text, stateTransition) -> (epoch seconds, from, to)
        self._seen: dict[tuple[str, str], tuple[float, str, str]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._client: httpx.Client | None = None

    @property
    def present(self) -> bool:
        """True once the endpoint has answered: ``/breaker`` need not be read any more."""
        return self.found is Found.PRESENT

    def start(self) -> None:
        if self.found is Found.ABSENT or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="breaker-events", daemon=True)
        self._thread.start()

    def stop(self, wall0: float, duration: float, sampled: list[Sample]) -> BreakerTimeline | None:
        """Stop polling, read the events one last time, and return the transitions between
        ``wall0`` (epoch seconds at t = 0) and ``duration``; None when the frontend has no
        events endpoint (then the samples' own ``/breaker`` readings stand)."""
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            if self._client is not None:
                if self.present:
                    self._poll()
                self._client.close()
        return self.timeline(wall0, duration, sampled) if self.present else None

    def current_state(self) -> str | None:
        """The state as of the last read: the latest transition's, else what ``/breaker``
        said when the endpoint was found."""
        with self._lock:
            latest = max(self._seen.values(), default=None)
        return latest[2] if latest is not None else self._found_in

    def timeline(self, wall0: float, until: float, sampled: list[Sample]) -> BreakerTimeline:
        """The transitions seen so far between ``wall0`` and ``until`` seconds after it."""
        with self._lock:
            seen = sorted(self._seen.values())
        before = [new for at, _, new in seen if at < wall0]
        during = [
            Transition(t=round(at - wall0, 4), from_state=old, to_state=new)
            for at, old, new in seen
            if wall0 <= at <= wall0 + until
        ]
        if during:
            initial: str | None = during[0].from_state
        elif before:
            initial = before[-1]
        else:  # no transition at all: what /breaker said before the endpoint answered
            initial = next((s.breaker for s in sampled if s.breaker), self._found_in)
        return BreakerTimeline(initial, during)

    # -- internals -------------------------------------------------------------------------

    def _run(self) -> None:
        # httpx is imported and the client made here, not in start(): the probing starts at once.
        import httpx

        assert self.base is not None
        secure = self.base.startswith("https://")  # plain http needs no CA bundle
        self._client = httpx.Client(timeout=self.timeout, trust_env=False, verify=secure)
        try:
            self._discover()
            while self.present and not self._stop.is_set():
                self._poll()
                self._stop.wait(self.interval)
        except Exception:  # the measurement goes on, reading /breaker instead
            if not self.present:
                self.found = Found.ABSENT

    def _get(self, url: str) -> tuple[int, Any]:
        """The status and JSON answer (None if not JSON) of ``url``; ``(NO_ANSWER, None)``
        when it does not answer."""
        import httpx

        assert self._client is not None
        try:
            response = self._client.get(url)
        except httpx.HTTPError:
            return NO_ANSWER, None
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, None

    def _discover(self) -> None:
        """Find the breaker's events, asking again while the frontend does not answer or
        answers 5xx; anything else without them means it has none."""
        while not self._stop.is_set():
            status, body = self._get(f"{self.base}{CIRCUIT_BREAKERS_PATH}")
            if status >= 500:
                self._stop.wait(self.interval)
                continue
            breakers = body.get("circuitBreakers") if isinstance(body, dict) else None
            # One breaker, as v2 and the Java original have: its transitions are the lane.
            if status != 200 or not isinstance(breakers, dict) or len(breakers) != 1:
                self.found = Found.ABSENT
                return
            (name,) = breakers
            self._events_url = (
                f"{self.base}{BREAKER_EVENTS_PATH}/{quote(str(name), safe='')}/{TRANSITION}"
            )
            sent = time.time()
            status, body = self._get(self._events_url)
            if status >= 500:
                self._stop.wait(self.interval)
                continue
            if status == 200 and self._ingest(body, sent):
                _, breaker = self._get(self.breaker_url)
                state = breaker.get("state") if isinstance(breaker, dict) else None
                self._found_in = state if isinstance(state, str) else None
                self.found = Found.PRESENT
            else:
                self.found = Found.ABSENT
            return

    def _poll(self) -> None:
        """Add the transitions the endpoint lists now."""
        assert self._events_url is not None
        sent = time.time()
        status, body = self._get(self._events_url)
        if status == NO_ANSWER:
            self._unanswered = True  # restarting or busy: the next poll will tell
            return
        if self._ingest(body, sent) and self._unanswered:
            self._unanswered = False
            self._reconcile()

    def _reconcile(self) -> None:
        """After an answerless spell: what ``/breaker`` says now, if not the events' last
        state, became the state then (a restarted frontend starts closed, without an event)."""
        _, body = self._get(self.breaker_url)
        read_at = time.time()
        state = body.get("state") if isinstance(body, dict) else None
        with self._lock:
            seen = sorted(self._seen.values())
            last = seen[-1][2] if seen else None
            if isinstance(state, str) and last is not None and state != last:
                key = (f"read at {read_at}", f"{last}_TO_{state}")
                self._seen[key] = (read_at, last, state)

    def _ingest(self, body: Any, sent: float) -> bool:
        """Keep the transitions of the answer to a poll sent at ``sent``; False if it is no
        list of events."""
        events = body.get("circuitBreakerEvents") if isinstance(body, dict) else None
        if not isinstance(events, list):
            return False
        fresh: dict[tuple[str, str], tuple[float, str, str]] = {}
        for event in events:
            if not isinstance(event, dict) or event.get("type") != TRANSITION:
                continue
            when, change = event.get("creationTime"), event.get("stateTransition")
            if not isinstance(when, str) or not isinstance(change, str) or "_TO_" not in change:
                continue
            try:
                at = parse_creation_time(when)
            except ValueError:
                continue
            old, new = change.split("_TO_", 1)
            fresh[(when, change)] = (at, state_name(old), state_name(new))
        received = time.time()
        with self._lock:
            for key, (at, old, new) in fresh.items():
                if key in self._seen:
                    continue
                since = self._last_sent
                if at > received + CLOCK_SLACK:  # stamped in the future: it was listed by now
                    at = received if since is None else (since + received) / 2
                elif since is not None and at < since - CLOCK_SLACK:
                    at = (since + received) / 2
                self._seen[key] = (at, old, new)
            self._last_sent = sent
        return True

"""What a live measurement records, and the figures derived from it.

A ``Measurement`` is a plain pydantic model, so it round-trips through the journal:
``Measurement.model_validate(journal["measurements"])`` rebuilds it (the HTML report does).
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, Field

from chaos.measure.text import millis, percent, seconds


class Sample(BaseModel):
    """One probe of the target URL."""

    t: float = Field(description="seconds since the measurement started, when the request was sent")
    status: int | None = Field(default=None, description="HTTP status, None if no answer")
    latency_ms: float = Field(description="time until the answer (or the error), in milliseconds")
    error: str | None = Field(
        default=None,
        description="None when the answer was 2xx, else the kind: connect, timeout, "
        "transport or http_<status>",
    )
    breaker: str | None = Field(
        default=None,
        description="v2's breaker state: in force when the probe was sent (from its events), "
        "or read after the probe (from /breaker)",
    )

    @property
    def ok(self) -> bool:
        return self.error is None


class Transition(BaseModel):
    """A change of the breaker state: when v2 made it (from its events), or the first sample
    that read the new state (from /breaker)."""

    t: float
    from_state: str
    to_state: str


class Outage(BaseModel):
    """A maximal run of failed samples."""

    start: float
    end: float
    ongoing: bool = Field(description="True when the measurement stopped during the outage")

    @property
    def duration(self) -> float:
        return self.end - self.start


class Summary(BaseModel):
    requests: int
    ok: int
    availability: float | None = Field(description="percent of requests answered 2xx")
    errors_by_kind: dict[str, int]
    time_to_first_error: float | None = Field(description="seconds from start to the first error")
    longest_outage: float = Field(description="seconds; 0 when nothing failed")
    outages: list[Outage]
    time_to_recover: float | None = Field(
        description="seconds from the first error to the first success after the last error; "
        "None when nothing failed or it never recovered"
    )
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    latency_p99_ms: float | None
    breaker_transitions: list[Transition]
    missed_ticks: int = 0


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile of ``values`` (None for an empty list)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def find_outages(samples: list[Sample], duration: float) -> list[Outage]:
    """Runs of failed samples; an outage ends at the first successful sample after it."""
    outages: list[Outage] = []
    start: float | None = None
    for sample in samples:
        if not sample.ok and start is None:
            start = sample.t
        elif sample.ok and start is not None:
            outages.append(Outage(start=start, end=sample.t, ongoing=False))
            start = None
    if start is not None:
        outages.append(Outage(start=start, end=max(duration, start), ongoing=True))
    return outages


def find_transitions(samples: list[Sample]) -> list[Transition]:
    transitions: list[Transition] = []
    previous: str | None = None
    for sample in samples:
        if sample.breaker is None:
            continue
        if previous is not None and sample.breaker != previous:
            transitions.append(Transition(t=sample.t, from_state=previous, to_state=sample.breaker))
        previous = sample.breaker
    return transitions


def summarise(
    samples: list[Sample],
    duration: float,
    missed_ticks: int = 0,
    transitions: list[Transition] | None = None,
) -> Summary:
    """The figures of ``samples``; the breaker's ``transitions`` are found in the samples'
    states unless given."""
    ok = sum(1 for s in samples if s.ok)
    errors: dict[str, int] = {}
    for sample in samples:
        if sample.error is not None:
            errors[sample.error] = errors.get(sample.error, 0) + 1
    outages = find_outages(samples, duration)
    first_error = outages[0].start if outages else None
    recovered = outages and not outages[-1].ongoing
    answered = [s.latency_ms for s in samples if s.status is not None]
    return Summary(
        requests=len(samples),
        ok=ok,
        availability=100.0 * ok / len(samples) if samples else None,
        errors_by_kind=dict(sorted(errors.items(), key=lambda kv: (-kv[1], kv[0]))),
        time_to_first_error=first_error,
        longest_outage=max((o.duration for o in outages), default=0.0),
        outages=outages,
        time_to_recover=outages[-1].end - outages[0].start if recovered else None,
        latency_p50_ms=percentile(answered, 50),
        latency_p95_ms=percentile(answered, 95),
        latency_p99_ms=percentile(answered, 99),
        breaker_transitions=find_transitions(samples) if transitions is None else transitions,
        missed_ticks=missed_ticks,
    )


class Measurement(BaseModel):
    """Every probe sent while the chaos ran, and its summary."""

    url: str
    breaker_url: str | None = None
    breaker_source: Literal["events", "samples"] | None = Field(
        default=None,
        description="where the breaker transitions come from: v2's events (exact times) or "
        "/breaker read after each probe (to within a probe interval)",
    )
    interval: float
    timeout: float
    started_at: str | None = Field(default=None, description="ISO 8601 UTC wall-clock start")
    duration: float = Field(default=0.0, description="seconds from start() to stop()")
    samples: list[Sample] = Field(default_factory=list)
    summary: Summary

    @classmethod
    def build(
        cls,
        *,
        url: str,
        breaker_url: str | None,
        interval: float,
        timeout: float,
        started_at: str | None,
        duration: float,
        samples: list[Sample],
        missed_ticks: int = 0,
        transitions: list[Transition] | None = None,
    ) -> Measurement:
        """With ``transitions`` (from v2's events) the breaker lane is theirs; without, it is
        found in the samples' ``/breaker`` readings."""
        ordered = sorted(samples, key=lambda s: s.t)
        source: Literal["events", "samples"] | None = None
        if breaker_url is not None:
            source = "samples" if transitions is None else "events"
        return cls(
            url=url,
            breaker_url=breaker_url,
            breaker_source=source,
            interval=interval,
            timeout=timeout,
            started_at=started_at,
            duration=duration,
            samples=ordered,
            summary=summarise(ordered, duration, missed_ticks, transitions),
        )

    def to_journal(self) -> dict[str, Any]:
        """A JSON-able dict, stored at the journal's top-level key ``measurements``."""
        return self.model_dump(mode="json")

    def summary_rows(self) -> list[tuple[str, str]]:
        """(label, value) pairs for a console table."""
        s = self.summary
        errors = ", ".join(f"{kind} x{n}" for kind, n in s.errors_by_kind.items()) or "none"
        outage = seconds(s.longest_outage) if s.outages else "none"
        if s.outages and s.outages[-1].ongoing and s.longest_outage == s.outages[-1].duration:
            outage += " (still down at the end)"
        if self.breaker_url is None:
            breaker = "n/a"
        elif s.breaker_transitions:
            digits = 3 if self.breaker_source == "events" else 1  # exact, or to a probe
            breaker = ", ".join(
                f"{tr.from_state}→{tr.to_state} @{tr.t:.{digits}f}s" for tr in s.breaker_transitions
            )
        else:
            states = {x.breaker for x in self.samples if x.breaker is not None}
            breaker = f"none (stayed {states.pop()})" if len(states) == 1 else "none"
        return [
            ("Probed URL", self.url),
            (
                "Requests",
                f"{s.requests} every {self.interval * 1000:.0f} ms over {self.duration:.1f} s",
            ),
            ("Availability", percent(s.availability)),
            ("Errors by kind", errors),
            ("Time to first error", seconds(s.time_to_first_error)),
            ("Longest outage", outage),
            ("Time to recover", seconds(s.time_to_recover)),
            (
                "Latency p50 / p95 / p99",
                " / ".join(
                    millis(v) for v in (s.latency_p50_ms, s.latency_p95_ms, s.latency_p99_ms)
                ),
            ),
            ("Breaker transitions", breaker),
        ]

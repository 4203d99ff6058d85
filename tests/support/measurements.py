"""Measurements built by hand, for the summary figures and the report's timelines."""

from __future__ import annotations

from chaos.measure import Measurement, Sample


def sample(t: float, status: int | None, latency_ms: float, breaker: str | None = None) -> Sample:
    """A probe as the prober records it: ``connect`` with no status, ``http_<status>`` off 2xx."""
    ok = status is not None and 200 <= status < 300
    error = None if ok else ("connect" if status is None else f"http_{status}")
    return Sample(t=t, status=status, latency_ms=latency_ms, error=error, breaker=breaker)


def measurement(
    samples: list[Sample],
    duration: float,
    url: str = "http://127.0.0.1:1/",
    breaker_url: str | None = None,
) -> Measurement:
    """Probes every 0.1 s with a 1 s timeout, as ``chaosrun`` measures by default."""
    return Measurement.build(
        url=url,
        breaker_url=breaker_url,
        interval=0.1,
        timeout=1.0,
        started_at=None,
        duration=duration,
        samples=samples,
    )

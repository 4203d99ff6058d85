"""The figures derived from samples: outages, recovery, percentiles, breaker transitions."""

from __future__ import annotations

from chaos.measure import Measurement, Sample, breaker_url_of
from chaos.measure.models import percentile
from tests.support.measurements import measurement, sample


def _sample(t: float, status: int | None, breaker: str | None = None) -> Sample:
    return sample(t, status, latency_ms=t * 10 + 1, breaker=breaker)


def _measure(samples: list[Sample], duration: float, breaker: bool = False) -> Measurement:
    return measurement(
        samples, duration, breaker_url=breaker_url_of("http://127.0.0.1:1") if breaker else None
    )


def test_two_outages_longest_and_recovery() -> None:
    statuses = [200, 200, None, None, 200, 502, 502, 502, 200, 200]
    m = _measure([_sample(i / 10, s) for i, s in enumerate(statuses)], duration=1.0)
    s = m.summary
    assert s.requests == 10
    assert s.ok == 5
    assert s.availability == 50.0
    assert s.errors_by_kind == {"http_502": 3, "connect": 2}
    assert s.time_to_first_error == 0.2
    assert len(s.outages) == 2
    assert abs(s.longest_outage - 0.3) < 1e-9
    assert abs((s.time_to_recover or 0) - 0.6) < 1e-9
    # only answered requests count for latency: 8 of them
    assert s.latency_p50_ms is not None and s.latency_p99_ms == 10.0


def test_outage_until_the_end_is_ongoing_and_not_recovered() -> None:
    statuses = [200, 200, 200, None, None]
    m = _measure([_sample(i / 10, s) for i, s in enumerate(statuses)], duration=0.5)
    assert m.summary.outages[-1].ongoing
    assert abs(m.summary.longest_outage - 0.2) < 1e-9
    assert m.summary.time_to_recover is None
    rows = dict(m.summary_rows())
    assert "still down" in rows["Longest outage"]
    assert rows["Time to recover"] == "-"


def test_all_good_has_no_errors() -> None:
    m = _measure([_sample(i / 10, 200) for i in range(5)], duration=0.5)
    assert m.summary.availability == 100.0
    assert m.summary.time_to_first_error is None
    assert m.summary.longest_outage == 0.0
    assert dict(m.summary_rows())["Errors by kind"] == "none"


def test_breaker_transitions_skip_unknown_states() -> None:
    states = ["closed", "closed", None, "open", "open", "half_open", "closed"]
    m = _measure(
        [_sample(i / 10, 200, b) for i, b in enumerate(states)], duration=0.7, breaker=True
    )
    got = [(t.from_state, t.to_state) for t in m.summary.breaker_transitions]
    assert got == [("closed", "open"), ("open", "half_open"), ("half_open", "closed")]
    assert "closed→open" in dict(m.summary_rows())["Breaker transitions"]


def test_samples_are_sorted_and_journal_round_trips() -> None:
    m = _measure([_sample(0.2, 200), _sample(0.1, None), _sample(0.0, 200)], duration=0.3)
    assert [s.t for s in m.samples] == [0.0, 0.1, 0.2]
    again = Measurement.model_validate(m.to_journal())
    assert again == m


def test_nearest_rank_percentile() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile(values, 99) == 99.0
    assert percentile([], 50) is None

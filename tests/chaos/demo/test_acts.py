"""The acts as data: act 4 (the slow backend) and the checks that judge it."""

from __future__ import annotations

from pathlib import Path

from chaos.defaults import DEMO_PAGE_TIMEOUT, DEMO_SLOW_DELAY, LATENCY_FAULT_MARGIN
from chaos.demo.acts import ACTS, pages_take
from chaos.demo.story import DemoOptions, act_chaos
from chaos.experiment.builtin import FRONTEND_PROBE, LatencyChaos, builtin_experiment
from tests.support.measurements import measurement, sample


def test_act_4_puts_v1_and_v2_side_by_side_under_a_slow_backend() -> None:
    slow = [a for a in ACTS if a.group == "slow"]
    assert [(a.number, a.frontend, a.chaos, a.expected) for a in slow] == [
        (4, "v1", "latency", "deviated"),
        (4, "v2", "latency", "completed"),
    ]
    assert len({a.journal_name for a in ACTS}) == len(ACTS)
    # v2's recovery is watched after act 3, before the backend is slowed down.
    assert [a.number for a in ACTS if a.recovery] == [3]


def test_act_4_runs_chaosrun_latency_with_the_demo_delay_and_page_timeout(
    tmp_path: Path,
) -> None:
    options = DemoOptions(output_dir=tmp_path)
    chaos = act_chaos(ACTS[-1], options)
    assert chaos == LatencyChaos(
        delay=DEMO_SLOW_DELAY,
        duration=options.slow_pause,
        page_timeout=DEMO_PAGE_TIMEOUT,
        through_proxy=False,
    )
    experiment = builtin_experiment(chaos, "http://127.0.0.1:9/")
    (action,) = experiment["method"]
    assert action["provider"]["func"] == "slow_down"
    assert action["provider"]["arguments"]["duration"] == options.slow_pause + LATENCY_FAULT_MARGIN
    assert action["pauses"] == {"after": options.slow_pause}
    assert [r["provider"]["func"] for r in experiment["rollbacks"]] == ["restore_speed"]
    (page,) = [
        p for p in experiment["steady-state-hypothesis"]["probes"] if p["name"] == FRONTEND_PROBE
    ]
    assert page["provider"]["timeout"] == DEMO_PAGE_TIMEOUT < DEMO_SLOW_DELAY


def test_pages_take_the_delay_when_most_of_them_do() -> None:
    def pages(*latencies_ms: float) -> object:
        return measurement(
            [sample(i / 10, 200, ms) for i, ms in enumerate(latencies_ms)], duration=1
        )

    holds = pages_take(0.8)
    assert holds({}, pages(3, 805, 810, 820, 2))  # type: ignore[arg-type]
    assert not holds({}, pages(3, 805, 810, 2, 2))  # type: ignore[arg-type]
    assert not holds({}, None)

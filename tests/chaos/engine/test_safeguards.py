"""``chaosaddons.controls.safeguards``, run natively, against a real HTTP target that flips."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.chaos.engine.http_target import Target
from tests.chaos.engine.test_runner import (
    experiment,
    http_probe,
    read_journal,
    run,
    set_status,
)


def safeguards(*probes: dict[str, Any], **arguments: Any) -> list[dict[str, Any]]:
    return [
        {
            "name": "safeguard",
            "provider": {
                "type": "python",
                "module": "chaosaddons.controls.safeguards",
                "arguments": {"probes": list(probes), **arguments},
            },
        }
    ]


def test_a_frequency_probe_out_of_tolerance_interrupts_the_pause_and_rollbacks_play(
    target: Target, tmp_path: Path, log_lines: list[str]
) -> None:
    raw = experiment(
        target,
        [{**set_status(target.url, 503, "break-it"), "pauses": {"after": 30}}],
        controls=safeguards({**http_probe("target-up"), "frequency": 0.05}),
    )
    result = run(raw, tmp_path)
    assert (result.status, result.exit_code) == ("interrupted", 1)
    journal = read_journal(tmp_path)
    assert journal["status"] == "interrupted"
    assert [r["activity"]["name"] for r in journal["run"]] == ["break-it"]
    assert journal["rollbacks"][0]["status"] == "succeeded"
    assert target.status == 200
    assert journal["steady_states"]["after"] is None
    assert journal["interruption"]["reason"].startswith("safeguard 'target-up' is not in")
    assert any(
        line.startswith("The run was interrupted: safeguard 'target-up' is not in its tolerance")
        and "got status 503" in line
        for line in log_lines
    ), log_lines


def test_a_probe_run_once_before_stops_the_run_before_anything(
    target: Target, tmp_path: Path
) -> None:
    raw = experiment(
        target,
        [set_status(target.url, 503, "break-it")],
        controls=safeguards(http_probe("is-it-500", tolerance=500)),
    )
    result = run(raw, tmp_path)
    assert result.status == "interrupted"
    journal = read_journal(tmp_path)
    assert journal["run"] == [] and journal["rollbacks"] == []
    assert journal["steady_states"]["before"] is None
    assert target.hits == ["GET /"]  # the safeguard's probe only


def test_a_background_probe_runs_once_and_interrupts(target: Target, tmp_path: Path) -> None:
    slow = http_probe("slow-is-500", url="${url}slow?s=0.2", tolerance=500)
    raw = experiment(
        target,
        [{**set_status(target.url, 503, "break-it"), "pauses": {"after": 30}}],
        controls=safeguards({**slow, "background": True}),
    )
    result = run(raw, tmp_path)
    assert result.status == "interrupted"
    assert read_journal(tmp_path)["rollbacks"][0]["status"] == "succeeded"
    assert target.status == 200
    assert target.hits.count("GET /slow") == 1


def test_interrupt_after_activity_lets_the_current_activity_end(
    target: Target, tmp_path: Path
) -> None:
    raw = experiment(
        target,
        [
            {**set_status(target.url, 503, "break-it"), "pauses": {"after": 0.5}},
            set_status(target.url, 500, "never"),
        ],
        controls=safeguards(
            {**http_probe("target-up"), "frequency": 0.05}, interrupt_after_activity=True
        ),
    )
    result = run(raw, tmp_path)
    assert result.status == "interrupted"
    journal = read_journal(tmp_path)
    assert [r["activity"]["name"] for r in journal["run"]] == ["break-it"]
    assert target.status == 200


def test_safeguards_within_tolerance_leave_the_run_alone(target: Target, tmp_path: Path) -> None:
    raw = experiment(
        target,
        [{**set_status(target.url, 200, "harmless"), "pauses": {"after": 0.3}}],
        controls=safeguards(
            http_probe("before"),
            {**http_probe("often"), "frequency": 0.05},
            {**http_probe("once"), "background": True},
        ),
    )
    assert run(raw, tmp_path).status == "completed"


@pytest.mark.parametrize("dry", [{"dry_run": True}, {"dry": "probes"}, {"dry": "activities"}])
def test_a_safeguard_not_run_in_a_dry_run_does_not_stop_it(
    target: Target, tmp_path: Path, dry: dict[str, Any]
) -> None:
    """Dry probes are not judged against their tolerance (chaostoolkit-lib skips the check)."""
    raw = experiment(
        target,
        [set_status(target.url, 200)],
        controls=safeguards(http_probe("is-it-500", tolerance=500)),
    )
    assert run(raw, tmp_path, **dry).status == "completed"
    assert "GET /" not in target.hits

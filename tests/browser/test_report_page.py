"""``chaosrun report`` of two real runs side by side, in headless Chromium: the backend deleted
under frontend v1 and under v2 on the local stack, with SLO gates. With
``CHAOSRUN_UPDATE_SCREENSHOTS=1`` the screenshot replaces ``docs/screenshots/report-v1-v2.png``."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from chaos.demo.acts import ACTS
from chaos.demo.story import DemoOptions, run_act
from chaos.drivers.local import LocalDriver, LocalSettings
from testbed.procs import REPO_ROOT
from tests.chaos.cli.helpers import chaosrun
from tests.support.local_stack import local_stack_up

SCREENSHOT = REPO_ROOT / "docs" / "screenshots" / "report-v1-v2.png"


@pytest.fixture
def journals(tmp_path: Path) -> list[Path]:
    """The demo's acts 2 and 3, run for real."""
    settings = LocalSettings(breaker_wait=30, backend_timeout=1)
    options = DemoOptions(output_dir=tmp_path, pause=2, probe_interval=0.1)
    with local_stack_up(tmp_path / "stack", settings) as stack:
        driver = LocalDriver(stack.state_dir)
        results = []
        for act in ACTS[1:3]:  # the backend deleted under v1, then v2
            programs = list(stack.layout().programs.values())  # type: ignore[union-attr]
            stack.wait_ready(programs, 60)
            results.append(run_act(act, driver, options))
    assert [r.verdict for r in results] == ["deviated", "completed"]
    return [r.journal_path for r in results]


def test_two_runs_side_by_side_in_chromium(
    journals: list[Path], browser: Any, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    result = chaosrun("report", *journals, "-o", out)
    assert result.exit_code == 0, result.output
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(out.as_uri(), wait_until="load")
        timelines = page.locator("svg.timeline")
        assert timelines.count() == 2
        boxes = [timelines.nth(i).bounding_box() for i in range(2)]
        assert all(box and box["width"] > 300 and box["height"] > 100 for box in boxes)
        # side by side: the two cards share a row
        assert boxes[0] and boxes[1] and boxes[0]["y"] == boxes[1]["y"]
        assert boxes[0]["x"] < boxes[1]["x"]
        gates = page.locator("table.gates")
        assert gates.count() == 2 and gates.first.is_visible()
        text = page.locator("main").inner_text()
        assert "availability>=99%" in text and "availability>=100%" in text
        assert "✗ not met" in text and "✓ met" in text
        assert requests == [out.as_uri()]
        assert problems == []
        shot = tmp_path / SCREENSHOT.name
        page.screenshot(path=str(shot), full_page=True)
    finally:
        page.close()
    if os.environ.get("CHAOSRUN_UPDATE_SCREENSHOTS") == "1":
        shutil.copy(shot, SCREENSHOT)

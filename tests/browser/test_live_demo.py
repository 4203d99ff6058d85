"""``chaosrun demo --live`` in headless Chromium: the console says where to look, one page
shows the four acts (five runs: act 4 is played under v1 and v2) one after another. With
``CHAOSRUN_UPDATE_SCREENSHOTS=1`` the screenshot of act 2 replaces
``docs/screenshots/live-demo-act2.png``."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from testbed.polling import wait_until
from testbed.procs import REPO_ROOT
from tests.support.browser import Console, chromium

SCREENSHOT = REPO_ROOT / "docs" / "screenshots" / "live-demo-act2.png"


def test_the_demo_shows_its_four_acts_on_one_live_page(tmp_path: Path) -> None:
    demo = Console(
        "demo", "--output-dir", str(tmp_path / "demo"), "--pause", "4",
        "--live", "0", "--live-linger", "120", env={"COLUMNS": "200"},
    )  # fmt: skip
    shot = tmp_path / SCREENSHOT.name
    try:
        url = demo.live_url()
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1100, "height": 1000})
            page.goto(url)

            def act_two_paused() -> bool:
                act = page.locator("#act").inner_text()
                return act.startswith("Act 2") and page.locator("#phase").inner_text() == "pause"

            wait_until(act_two_paused, timeout=120, what="act 2's pause")
            wait_until(
                lambda: int(page.locator("#chart").get_attribute("data-points") or 0) >= 2,
                timeout=30,
                what="act 2's chart",
            )
            page.screenshot(path=str(shot), full_page=True)
            wait_until(lambda: page.locator("#runs li").count() == 5, timeout=240, what="four acts")
            runs = page.locator("#runs").inner_text().splitlines()
            assert [line.split(" ")[1] for line in runs] == ["1:", "2:", "3:", "4:", "4:"], runs
            verdicts = [line.split("?: ")[1].split(" ")[0] for line in runs]
            assert verdicts == ["completed", "deviated", "completed", "deviated", "completed"]
        wait_until(lambda: "The story came out as expected." in demo.text, timeout=60)
    finally:
        demo.stop()
    if os.environ.get("CHAOSRUN_UPDATE_SCREENSHOTS") == "1":
        shutil.copy(shot, SCREENSHOT)

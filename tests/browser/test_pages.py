"""What a person sees: each frontend page in headless Chromium, before and after the backend goes.

Drives the system Chromium (Debian packages ``chromium``/``chromium-driver``, installed by
``scripts/install-system-deps``) through Playwright; nothing is downloaded. Screenshots go to
the test's temporary directory; with ``CHAOSRUN_UPDATE_SCREENSHOTS=1`` they also replace the
ones under ``docs/screenshots/`` shown in the README.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from chaos.drivers.local import LocalDriver, LocalStack
from services.contract import BACKEND_MESSAGE, FALLBACK_MESSAGE, PAGE_TITLE
from testbed.procs import REPO_ROOT

SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"


def _look(browser: Any, url: str, shot: Path) -> tuple[int, dict[str, str]]:
    """Load ``url`` like a person would; return the HTTP status and the visible texts."""
    page = browser.new_page(viewport={"width": 900, "height": 420})
    try:
        response = page.goto(url, wait_until="load")
        assert response is not None
        seen = {
            "title": page.title(),
            "brand": page.locator(".navbar-brand").inner_text(),
            "clock": page.locator(".navbar-clock").inner_text(),
            "message": page.locator("h2").inner_text(),
            "body": page.locator("body").inner_text(),
            # the stylesheet is served by the app itself and applied (no CDN)
            "navbar_bg": page.locator(".navbar").evaluate(
                "e => getComputedStyle(e).backgroundColor"
            ),
        }
        assert page.locator("h2").is_visible()
        page.screenshot(path=str(shot))
        return response.status, seen
    finally:
        page.close()


def _publish(shot: Path) -> None:
    if os.environ.get("CHAOSRUN_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, SCREENSHOTS / shot.name)


def test_pages_before_and_after_the_backend_goes(
    stack: LocalStack, browser: Any, tmp_path: Path
) -> None:
    driver = LocalDriver(stack.state_dir)
    v1 = driver.service_url("frontend-v1", "default")
    v2 = driver.service_url("frontend-v2", "default")
    assert v1 and v2

    for name, url in (("v1", v1), ("v2", v2)):
        shot = tmp_path / f"frontend-{name}-backend-message.png"
        status, seen = _look(browser, url + "/", shot)
        assert status == 200
        assert seen["title"] == PAGE_TITLE and seen["brand"] == PAGE_TITLE
        assert seen["message"] == BACKEND_MESSAGE
        assert len(seen["clock"]) == len("2024/01/01 12:00")  # yyyy/MM/dd HH:mm
        assert seen["navbar_bg"] not in ("rgba(0, 0, 0, 0)", "transparent")
        if name == "v1":
            _publish(shot.rename(tmp_path / "frontend-backend-message.png"))

    snapshot = driver.get_deployment("back", "default")
    driver.delete_deployment("back", "default")
    try:
        status, seen = _look(browser, v1 + "/", tmp_path / "frontend-v1-502.png")
        assert status == 502
        assert seen["brand"] == PAGE_TITLE
        assert "unavailable" in seen["message"].lower()
        assert "502" in seen["body"]
        assert BACKEND_MESSAGE not in seen["body"]
        _publish(tmp_path / "frontend-v1-502.png")

        status, seen = _look(browser, v2 + "/", tmp_path / "frontend-v2-fallback.png")
        assert status == 200
        assert seen["brand"] == PAGE_TITLE
        assert seen["message"] == FALLBACK_MESSAGE
        assert BACKEND_MESSAGE not in seen["body"]
        _publish(tmp_path / "frontend-v2-fallback.png")
    finally:
        driver.restore_deployment(snapshot)


def test_report_renders_offline_with_its_timelines(browser: Any, tmp_path: Path) -> None:
    """The demo's report needs nothing but its own file: no request leaves the page."""
    from chaos.report import Report, ReportSection, write_report
    from tests.support.measurements import measurement, sample

    statuses = [200] * 5 + [502] * 15
    m = measurement([sample(i / 10, s, latency_ms=3.0) for i, s in enumerate(statuses)], 2.0)
    path = write_report(
        tmp_path / "report.html",
        Report(
            title="chaosrun demo", subtitle="test", sections=[ReportSection("Act", measurement=m)]
        ),
    )
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(path.as_uri(), wait_until="load")
        assert requests == [path.as_uri()]
        box = page.locator("svg.timeline").bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100
        assert page.locator("svg.timeline rect").count() >= 20
    finally:
        page.close()


def test_report_draws_the_slow_backend_lanes_side_by_side(browser: Any, tmp_path: Path) -> None:
    """Act 4's two runs (a group) share a row: v1's slow lane beside v2's fast one."""
    from chaos.report import Report, ReportSection, write_report
    from tests.support.measurements import measurement, sample

    def run(latency_ms: float, title: str) -> ReportSection:
        samples = [sample(i / 10, 200, latency_ms=latency_ms) for i in range(20)]
        return ReportSection(title, measurement=measurement(samples, 2.0), group="slow")

    path = write_report(
        tmp_path / "report.html",
        Report(
            title="chaosrun demo",
            subtitle="test",
            sections=[run(800.0, "Act 4: v1"), run(2.0, "Act 4: v2")],
            groups={"slow": "The backend is slow"},
        ),
    )
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.goto(path.as_uri(), wait_until="load")
        v1, v2 = (page.locator("svg.timeline").nth(i).bounding_box() for i in range(2))
        assert v1 is not None and v2 is not None
        assert abs(v1["y"] - v2["y"]) < 1 and v1["x"] + v1["width"] <= v2["x"]
        assert "100 ms" in (page.locator("svg.timeline").nth(0).text_content() or "")
        assert "100 ms" not in (page.locator("svg.timeline").nth(1).text_content() or "")
    finally:
        page.close()

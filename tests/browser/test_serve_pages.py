"""``chaosrun serve`` in headless Chromium over a real SQLite history: the runs listed and
filtered, a run's report, a comparison, a trend; a title with markup is text on every page.
With ``CHAOSRUN_UPDATE_SCREENSHOTS=1`` the list replaces ``docs/screenshots/history-list.png``."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from testbed.procs import REPO_ROOT
from tests.support.browser import Console
from tests.support.cli import run_chaosrun
from tests.support.journals import made_journal, write_journal

SCREENSHOT = REPO_ROOT / "docs" / "screenshots" / "history-list.png"
HOSTILE = 'Checkout <script>window.pwned = 1</script><img src="/x" onerror="window.pwned = 2">'


def _runs() -> list[dict[str, Any]]:
    day = "2026-01-1{}T10:00:00+00:00"
    return [
        made_journal("Frontend keeps answering", run_id="RUN0A1", start=day.format(0),
                     availability=99.2, p99=180.0, labels={"version": "v1"}),
        made_journal("Frontend keeps answering", run_id="RUN0A2", start=day.format(1),
                     availability=100.0, p99=120.0, labels={"version": "v2"}),
        made_journal("Frontend keeps answering", run_id="RUN0A3", start=day.format(2),
                     availability=72.5, outage=4.0, p99=950.0, status="failed", deviated=True,
                     after=False, labels={"version": "v3"}),
        made_journal(HOSTILE, run_id="RUN0B1", start=day.format(3), availability=98.0,
                     labels={"team": "pay<b>ments</b>"}),
        made_journal(HOSTILE, run_id="RUN0B2", start=day.format(4), availability=100.0,
                     labels={"team": "pay<b>ments</b>"}),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    where = tmp_path_factory.mktemp("serve")
    store = where / "history.db"
    files = [write_journal(where / f"{i}.json", j) for i, j in enumerate(_runs())]
    imported = run_chaosrun("history", "import", *map(str, files), "--history", str(store),
                            timeout=60)  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    app = Console("serve", "--port", "0", "--history", str(store))
    try:
        yield app.url_after("Serving the run history on")
    finally:
        app.stop()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    page = browser.new_page(viewport={"width": 1200, "height": 700})
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("dialog", lambda dialog: problems.append(dialog.message))
    yield page
    assert page.evaluate("window.pwned") is None  # no markup of a run ever ran
    assert problems == []
    page.close()


def _ids(page: Any) -> list[str]:
    return [str(a) for a in page.locator("#runs a.run").all_inner_texts()]


def test_the_list_shows_every_run_and_filters_them(served: str, page: Any, tmp_path: Path) -> None:
    page.goto(served)
    assert _ids(page) == ["RUN0B2", "RUN0B1", "RUN0A3", "RUN0A2", "RUN0A1"]
    assert page.locator("td.title").first.inner_text() == HOSTILE
    assert "team=pay<b>ments</b>" in page.locator("#runs").inner_text()
    row = page.locator("#runs tr", has_text="RUN0A3")
    assert "deviated" in row.inner_text() and "72.50 %" in row.inner_text()
    shot = tmp_path / SCREENSHOT.name
    page.screenshot(path=str(shot), full_page=True)
    if os.environ.get("CHAOSRUN_UPDATE_SCREENSHOTS") == "1":
        shutil.copy(shot, SCREENSHOT)

    page.fill("input[name=title]", "keeps")
    page.click("form.filter button")
    assert _ids(page) == ["RUN0A3", "RUN0A2", "RUN0A1"]
    page.fill("input[name=label]", "version=v2")
    page.click("form.filter button")
    assert _ids(page) == ["RUN0A2"]
    page.goto(served + "?status=deviated")
    assert _ids(page) == ["RUN0A3"]
    page.goto(served + "?title=nothing+like+it")
    assert page.locator("#none").is_visible()


def test_a_run_opens_its_report(served: str, page: Any) -> None:
    page.goto(served)
    page.click("#runs a.run >> text=RUN0B1")
    assert page.url.endswith("/runs/RUN0B1")
    text = page.locator("body").inner_text()
    assert HOSTILE in text
    page.goto(served + "runs/NOPE")
    assert "No stored run has the id NOPE." in page.locator("#error").inner_text()


def test_two_runs_compared_from_the_list(served: str, page: Any) -> None:
    page.goto(served)
    page.fill("input[name=base]", "RUN0A2")
    page.fill("input[name=candidate]", "RUN0A3")
    page.click("form.compare button")
    table = page.locator("#comparison")
    availability = table.locator("tr", has_text="availability").inner_text().split("\t")
    assert availability[:4] == ["availability", "100%", "72.50%", "-27.50%"]
    assert availability[-1] == "worse"
    page.goto(served + "compare?base=RUN0B1&candidate=RUN0B2")
    assert HOSTILE in page.locator("body").inner_text()


def test_an_experiments_trend(served: str, page: Any) -> None:
    page.goto(served)
    page.locator("#runs tr", has_text="RUN0B2").locator("a.trend").click()
    assert page.locator("#trend-title").inner_text() == HOSTILE
    assert page.locator("svg.trend circle.score").count() == 2
    assert page.locator("#trend-runs a").all_inner_texts() == ["RUN0B1", "RUN0B2"]

"""``--live`` in headless Chromium during a real run on the local stack: the chart moves, the
phase changes, the breaker and the gate show, the verdict appears; ``/events`` carries what
``--events-file`` holds; a title with markup stays text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from chaos.drivers.local import LocalDriver, LocalStack
from testbed.polling import wait_until
from tests.support.browser import Console

HOSTILE = '<script>window.pwned = 1</script><img src="/x" onerror="window.pwned = 2">'


def _text(page: Any, selector: str) -> str:
    return str(page.locator(selector).inner_text())


def _stream(url: str) -> list[dict[str, Any]]:
    """Every event of a run that ended, from the top of ``/events``."""
    events = []
    with httpx.stream("GET", url + "events", timeout=10) as answer:
        for line in answer.iter_lines():
            if line.startswith("data: {") and not line.startswith("data: {}"):
                events.append(json.loads(line.removeprefix("data: ")))
            if line == "event: closed":
                break
    return events


def test_the_live_page_follows_a_deployment_run(
    stack: LocalStack, browser: Any, tmp_path: Path
) -> None:
    v2 = LocalDriver(stack.state_dir).service_url("frontend-v2", "default")
    assert v2 is not None
    events_file, journal = tmp_path / "events.ndjson", tmp_path / "journal.json"
    run = Console(
        "deployment", "--target", "local", "--state-dir", str(stack.state_dir),
        "--frontend-url", v2, "--pause", "8", "--slo", "availability>=99%",
        "--events-file", str(events_file), "--journal-path", str(journal),
        "--live", "0", "--live-linger", "120",
    )  # fmt: skip
    page = browser.new_page(viewport={"width": 1100, "height": 1000})
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    try:
        url = run.live_url()
        page.goto(url)
        wait_until(lambda: _text(page, "#phase") == "pause", timeout=30, what="the pause")
        assert "s left" in _text(page, "#countdown")
        assert _text(page, "#title") == "What happens if the backend service is down?"

        def points() -> int:
            return int(page.locator("#chart").get_attribute("data-points") or 0)

        first = wait_until(points, timeout=30, what="a first second drawn")
        wait_until(lambda: points() > first, timeout=30, what="the chart to move")
        assert page.locator("#avail-line").count() == 1
        wait_until(lambda: _text(page, "#verdict") == "completed", timeout=60, what="verdict")
        assert _text(page, "#phase") == "ended"
        assert "score" in _text(page, "#score")
        assert "closed → open" in _text(page, "#transitions")
        gate = page.locator("#gates li")
        assert gate.get_attribute("data-state") == "met"
        assert "availability>=99%" in gate.inner_text()
        assert "rollback: restore-backend-service — succeeded" in _text(page, "#activities")
        wait_until(lambda: _text(page, "#connection") == "the run is over", what="stream end")

        # /events carries the events file's events, in order; /journal is the journal
        streamed = _stream(url)
        written = [json.loads(line) for line in events_file.read_text().splitlines()]
        assert [(e["event"], e["t"]) for e in streamed] == [(e["event"], e["t"]) for e in written]
        assert sum(e["event"] == "samples" for e in streamed) >= 8  # each second of the pause
        served = httpx.get(url + "journal").json()
        assert served["status"] == "completed" and served == json.loads(journal.read_text())
        page.reload()  # a reload shows the whole run
        wait_until(lambda: _text(page, "#verdict") == "completed", what="verdict after reload")
        assert points() >= 8
        assert problems == []
    finally:
        page.close()
        run.stop()


def test_a_title_with_markup_is_shown_as_text(
    stack: LocalStack, browser: Any, tmp_path: Path
) -> None:
    v1 = LocalDriver(stack.state_dir).service_url("frontend", "default")
    experiment = tmp_path / "hostile.json"
    experiment.write_text(
        json.dumps(
            {
                "title": HOSTILE,
                "description": "markup in every text the page shows",
                "method": [
                    {
                        "type": "probe",
                        "name": HOSTILE,
                        "provider": {"type": "http", "url": v1},
                        "pauses": {"after": 3},
                    }
                ],
            }
        )
    )
    run = Console(
        "run", str(experiment), "--target", "local", "--state-dir", str(stack.state_dir),
        "--measure-url", str(v1), "--journal-path", str(tmp_path / "j.json"),
        "--live", "0", "--live-linger", "120",
    )  # fmt: skip
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        url = run.live_url()
        page.goto(url)
        wait_until(lambda: _text(page, "#verdict") == "completed", timeout=60, what="verdict")
        assert _text(page, "#title") == HOSTILE
        assert HOSTILE in _text(page, "#activities")
        assert page.evaluate("window.pwned") is None
        assert page.locator("main img, header img, header script").count() == 0
        asked = sorted({r.removeprefix(url) for r in requests})
        assert asked == ["", "events", "live.css", "live.js"]  # nothing the markup named
    finally:
        page.close()
        run.stop()

"""The score in every report format and the metrics; the HTML report's trend (the experiment's
last stored runs, score and availability, drawn inline; nothing when the store holds fewer than
two or cannot be read)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chaos.history import open_store, row_of
from chaos.report import pages
from chaos.report.runs import view_of
from tests.support.journals import made_journal


def _store(url: str, runs: int, title: str = "Frontend keeps answering") -> None:
    store = open_store(url)
    for n in range(runs):
        journal = made_journal(
            title,
            run_id=f"01TREND{n:06d}",
            start=f"2026-01-{n + 1:02d}T10:00:00+00:00",
            availability=90.0 + n,
        )
        store.add(row_of(journal))
    store.close()


def test_the_card_shows_the_last_runs_of_its_experiment(history_url: str) -> None:
    _store(history_url, 3)
    _store(history_url, 2, title="Another experiment")
    html = pages.html_of([view_of(made_journal(availability=99.0), "journal.json")])
    assert "Last 3 runs of this experiment" in html
    trend = html[html.index('<svg class="trend"') :]
    trend = trend[: trend.index("</svg>")]
    assert len(re.findall(r'<circle class="score"', trend)) == 3
    assert len(re.findall(r'<circle class="availability"', trend)) == 3
    assert "01TREND000000" in trend and "https://" not in trend.replace("http://www.w3.org", "")


def test_no_trend_without_history(history_url: str) -> None:
    _store(history_url, 1)
    html = pages.html_of([view_of(made_journal(availability=99.0), "journal.json")])
    assert '<svg class="trend"' not in html


def test_an_unreadable_store_costs_the_report_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "dir.db").mkdir()
    monkeypatch.setenv("CHAOSRUN_HISTORY", str(tmp_path / "dir.db"))
    html = pages.html_of([view_of(made_journal(availability=99.0), "journal.json")])
    assert "<html" in html and '<svg class="trend"' not in html


def test_the_score_is_in_every_format() -> None:
    from chaos.report import formats, metrics

    view = view_of(made_journal(after=False, availability=100.0), "journal.json")
    assert "chaosrun_score" in metrics.metrics_text(view)
    assert re.search(r"^chaosrun_score\{.*\} 76\.5$", metrics.metrics_text(view), re.M)
    assert "| 76.5/100 |" in formats.markdown_of([view])
    assert formats.verdict_of([view])["runs"][0]["score"] == 76.5
    html = pages.html_of([view])
    assert "Resilience score: 76.5/100 (" in html

"""The Markdown report shows titles and names as text; ``chaosrun report`` writes where it is
told, in one sentence when it cannot."""

from __future__ import annotations

import json
import re
from pathlib import Path

from chaos.report.formats import markdown_of
from chaos.report.runs import view_of
from tests.support.cli import run_chaosrun

CTK_JOURNAL = Path(__file__).parent / "ctk-journal.json"
HOSTILE_TITLE = "Pipes | and <img src=x onerror=alert(1)>\nin two lines\r\u2028& more"
HOSTILE_NAME = "probe|with\n`ticks` <b>"


def hostile_journal() -> dict[str, object]:
    journal = json.loads(CTK_JOURNAL.read_text())
    journal["experiment"]["title"] = HOSTILE_TITLE
    journal["steady_states"]["before"]["probes"][0]["activity"]["name"] = HOSTILE_NAME
    journal["steady_states"]["after"]["probes"][0]["activity"]["name"] = HOSTILE_NAME
    return journal


def cells(row: str) -> list[str]:
    """A GFM table row's cells: split on the pipes not escaped by a backslash."""
    return re.split(r"(?<!\\)\|", row.strip())[1:-1]


def test_markdown_escapes_pipes_line_breaks_and_html_in_titles_and_names() -> None:
    text = markdown_of([view_of(hostile_journal(), "run|one\n.json")])
    assert "<img" not in text  # HTML outside code spans is escaped
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    lines = text.splitlines()
    tables = [line for line in lines if line.startswith("|")]
    header = cells(tables[0])
    runs = tables[2]
    assert len(cells(runs)) == len(header), runs
    assert "Pipes \\| and" in runs and "in two lines" in runs
    checks = [line for line in tables if HOSTILE_NAME.split("|")[0] in line]
    assert checks and all(len(cells(row)) == 3 for row in checks), checks
    # A name goes in a code span no backtick inside it can close, shown literally.
    assert "``probe\\|with `ticks` <b>``" in checks[0]
    (heading,) = [line for line in lines if line.startswith("### ")]
    assert "in two lines" in heading and "&amp; more" in heading


def test_report_to_a_full_device_is_one_sentence(tmp_path: Path) -> None:
    done = run_chaosrun(
        "report", str(CTK_JOURNAL), "--format", "markdown", "-o", "/dev/full", timeout=60
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "could not write the report to /dev/full: no space left on device." in done.stderr
    assert "Traceback" not in done.stderr


def test_report_of_a_journal_with_a_lone_surrogate_escapes_it(tmp_path: Path) -> None:
    journal = json.loads(CTK_JOURNAL.read_text())
    journal["experiment"]["title"] = "Lone \ud800 surrogate"
    path = tmp_path / "journal.json"
    path.write_text(json.dumps(journal))  # ensure_ascii: the file holds "\ud800"
    done = run_chaosrun("report", str(path), "--format", "markdown", timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Lone \\ud800 surrogate" in done.stdout

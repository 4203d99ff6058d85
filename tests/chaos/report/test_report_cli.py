"""``chaosrun report``: chaosrun's journals and a Chaos Toolkit journal, in every format;
``--report``/``--junit`` at the end of a run. The runs are real: a target on loopback that
goes down during the method."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import xmlschema

from tests.chaos.cli.helpers import chaosrun, write
from tests.chaos.engine.http_target import Target
from tests.support.outage import outage_experiment

HERE = Path(__file__).parent
CTK_JOURNAL = HERE / "ctk-journal.json"
SCHEMA = HERE / "junit.xsd"


@pytest.fixture
def journals(target: Target, tmp_path: Path) -> tuple[Path, Path]:
    """Two runs of the same experiment: one judged by a gate it misses (deviated), one by a
    gate it meets (completed), the second writing its own HTML and JUnit reports."""
    experiment = write(tmp_path / "e.json", outage_experiment(target))
    common = ["run", experiment, "--measure-url", target.url, "--probe-interval", "0.05"]
    strict, lenient = tmp_path / "strict.json", tmp_path / "lenient.json"
    result = chaosrun(*common, "--journal-path", strict, "--slo", "availability>=99.5%")
    assert result.exit_code == 1, result.output
    result = chaosrun(
        *common,
        "--journal-path",
        lenient,
        "--slo",
        "availability>=1%",
        "--report",
        tmp_path / "lenient.html",
        "--junit",
        tmp_path / "lenient.xml",
    )
    assert result.exit_code == 0, result.output
    return strict, lenient


def _report(*args: object) -> str:
    result = chaosrun("report", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_html_side_by_side_with_a_chaos_toolkit_journal(
    journals: tuple[Path, Path], tmp_path: Path
) -> None:
    strict, lenient = journals
    out = tmp_path / "report.html"
    _report(strict, lenient, CTK_JOURNAL, "-o", out)
    html = out.read_text()
    trends = html.count('<svg class="trend"')  # both runs are in the test's history
    assert trends == 2
    assert html.count("<svg") - trends == 2  # the Chaos Toolkit journal has no measurement
    assert "Side by side, on one time scale" in html
    assert html.count('class="card"') == 3
    assert "The frontend survives the loss of its backend" in html
    assert "No live measurement in this journal." in html
    assert "availability&gt;=99.5%" in html and "✗ not met" in html and "✓ met" in html
    assert "1 of 3 run(s) completed without deviation." in html
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)


def test_markdown_for_a_job_summary(journals: tuple[Path, Path]) -> None:
    strict, lenient = journals
    text = _report(strict, lenient, CTK_JOURNAL, "--format", "markdown")
    assert text.startswith("## chaosrun report")
    assert "| `strict.json` | Target blips | ❌ deviated |" in text
    assert "| `lenient.json` | Target blips | ✅ completed |" in text
    assert "| slo `availability>=99.5%` | ❌ | seen " in text
    assert "| hypothesis after `front-service-must-still-respond` | ❌ | got status 502" in text


def test_junit_is_valid_and_failures_carry_the_reason(
    journals: tuple[Path, Path], tmp_path: Path
) -> None:
    strict, lenient = journals
    out = tmp_path / "junit.xml"
    _report(strict, lenient, CTK_JOURNAL, "--format", "junit", "-o", out)
    schema = xmlschema.XMLSchema(SCHEMA)
    schema.validate(out)
    schema.validate(tmp_path / "lenient.xml")  # written by `run --junit`
    doc = schema.to_dict(out)
    suites = doc["testsuite"]
    assert len(suites) == 3
    strict_suite, lenient_suite, ctk_suite = suites
    cases = {c["@name"]: c for c in strict_suite["testcase"]}
    assert set(cases) >= {"before: target-answers", "after: target-answers", "availability>=99.5%"}
    gate = cases["availability>=99.5%"]
    assert gate["@classname"] == "chaosrun.slo"
    assert "bound >=99.5%" in gate["failure"]["@message"]
    assert "failure" not in cases["restore-target"]
    assert strict_suite["@failures"] == 1 and lenient_suite["@failures"] == 0
    ctk = {c["@name"]: c for c in ctk_suite["testcase"]}
    assert "got status 502" in ctk["after: front-service-must-still-respond"]["failure"]["@message"]
    assert "kubectl exited with 1" in ctk["recreate-backend"]["failure"]["@message"]


def test_a_broken_junit_file_fails_the_schema(journals: tuple[Path, Path], tmp_path: Path) -> None:
    """The schema check can fail: a test case without its classname is refused."""
    text = _report(journals[0], "--format", "junit")
    broken = tmp_path / "broken.xml"
    broken.write_text(text.replace('classname="chaosrun.slo"', "", 1))
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        xmlschema.XMLSchema(SCHEMA).validate(broken)


def test_json_verdict_is_one_object(journals: tuple[Path, Path]) -> None:
    strict, lenient = journals
    verdict = json.loads(_report(strict, lenient, CTK_JOURNAL, "--format", "json"))
    assert verdict["passed"] is False
    by_name = {run["journal"]: run for run in verdict["runs"]}
    assert by_name["lenient.json"]["passed"] is True
    assert [f["name"] for f in by_name["strict.json"]["failed"]] == ["availability>=99.5%"]
    ctk = by_name["ctk-journal.json"]
    assert (ctk["status"], ctk["deviated"], ctk["availability"]) == ("completed", True, None)


def test_run_writes_its_html_report(journals: tuple[Path, Path], tmp_path: Path) -> None:
    html = (tmp_path / "lenient.html").read_text()
    assert html.count("<svg") == 1 and "availability&gt;=1%" in html


@pytest.mark.parametrize(
    ("content", "says"),
    [("{not json", "is not JSON"), ('{"status": "completed"}', "has no 'experiment' object")],
)
def test_not_a_journal_is_bad_input(tmp_path: Path, content: str, says: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content)
    result = chaosrun("report", path)
    assert result.exit_code == 2
    assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_unknown_format_is_bad_input() -> None:
    result = chaosrun("report", CTK_JOURNAL, "--format", "pdf")
    assert result.exit_code == 2
    assert "--format must be one of html, markdown, junit, json" in result.stderr

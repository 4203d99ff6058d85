"""The text formats of a report: Markdown (a CI job summary), JUnit XML, a JSON verdict."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from chaos.history.score import score_text
from chaos.measure.text import millis, percent, seconds
from chaos.report.runs import RunView


def _mark(ok: bool) -> str:
    return "✅" if ok else "❌"


def markdown_of(views: list[RunView]) -> str:
    """Markdown for a CI job summary (GitHub flavour): one table, then each run's checks."""
    lines = ["## chaosrun report", ""]
    lines += [
        "| Run | Experiment | Result | Score | Availability | Longest outage | Time to recover "
        "| p95 |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for v in views:
        s = v.measurement.summary if v.measurement else None
        lines.append(
            f"| {_code(v.name)} | {_cell(v.title)} | {_mark(v.ok)} {_cell(v.verdict)} "
            f"| {score_text(v.score)} "
            f"| {percent(s.availability) if s else '-'} "
            f"| {seconds(s.longest_outage) if s else '-'} "
            f"| {seconds(s.time_to_recover) if s else '-'} "
            f"| {millis(s.latency_p95_ms) if s else '-'} |"
        )
    for v in views:
        heading = f"### {_mark(v.ok)} {_cell(v.title)} ({_code(v.name)}): {_cell(v.verdict)}"
        lines += ["", heading, ""]
        if v.interruption:
            lines += [f"Interrupted: {_cell(v.interruption)}", ""]
        if not v.checks:
            lines.append("No checks recorded.")
            continue
        lines += ["| Check | | Detail |", "|---|---|---|"]
        for c in v.checks:
            name = f"{_cell(c.kind)} {_cell(c.phase)} {_code(c.name)}".replace("  ", " ")
            lines.append(f"| {name} | {_mark(c.passed)} | {_cell(c.detail)} |")
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    """Every line break (``\\r``, ``\\n``, U+2028 ...) as a space: a table row is one line."""
    return " ".join(str(text).splitlines())


def _cell(text: str) -> str:
    """Text in a table cell or a heading: HTML shown as text, ``|`` not a column."""
    return html.escape(_one_line(text), quote=False).replace("|", "\\|")


def _code(text: str) -> str:
    """A code span (taken literally, HTML included) that no backtick in ``text`` can end."""
    text = _one_line(text).replace("|", "\\|")
    ticks = "`" * (1 + max((len(run) for run in re.findall("`+", text)), default=0))
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def junit_of(views: list[RunView]) -> str:
    """JUnit XML: a test suite per journal; a test case per hypothesis probe check, per SLO
    gate and per rollback, a failure carrying the reason."""
    from xml.etree import ElementTree as ET

    root = ET.Element("testsuites", name="chaosrun")
    total = failed = 0
    for index, v in enumerate(views):
        failures = sum(1 for c in v.checks if not c.passed)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=f"{v.title} ({v.name})",
            id=str(index),
            tests=str(len(v.checks)),
            failures=str(failures),
            errors="0",
            skipped="0",
            time=f"{v.duration or 0:.3f}",
            timestamp=str(v.journal.get("start") or "")[:19] or "1970-01-01T00:00:00",
            hostname=str(v.journal.get("node") or "localhost"),
            package="chaosrun",
        )
        properties = ET.SubElement(suite, "properties")
        for key, value in (("status", v.status), ("deviated", str(v.deviated).lower())):
            ET.SubElement(properties, "property", name=key, value=value)
        for c in v.checks:
            name = f"{c.phase}: {c.name}" if c.phase else c.name
            case = ET.SubElement(
                suite,
                "testcase",
                name=name,
                classname=f"chaosrun.{c.kind}",
                time=f"{c.duration:.3f}",
            )
            if not c.passed:
                ET.SubElement(
                    case, "failure", message=c.detail or "failed", type=c.kind
                ).text = f"{c.kind} {name}: {c.detail}"
        out = f"status {v.status}, deviated {str(v.deviated).lower()}"
        if v.interruption:
            out += f"; interrupted: {v.interruption}"
        ET.SubElement(suite, "system-out").text = out
        ET.SubElement(suite, "system-err").text = ""
        total += len(v.checks)
        failed += failures
    root.set("tests", str(total))
    root.set("failures", str(failed))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def verdict_of(views: list[RunView]) -> dict[str, Any]:
    """One object: passed overall, and per run its status, figures, failed checks."""
    runs = []
    for v in views:
        s = v.measurement.summary if v.measurement else None
        runs.append(
            {
                "journal": v.name,
                "title": v.title,
                "status": v.status,
                "deviated": v.deviated,
                "passed": v.ok,
                "duration": v.duration,
                "interruption": v.interruption,
                "score": v.score,
                "availability": s.availability if s else None,
                "longest_outage": s.longest_outage if s else None,
                "time_to_recover": s.time_to_recover if s else None,
                "latency_p95_ms": s.latency_p95_ms if s else None,
                "checks": len(v.checks),
                "failed": [
                    {"kind": c.kind, "name": c.name, "phase": c.phase, "detail": c.detail}
                    for c in v.checks
                    if not c.passed
                ],
            }
        )
    return {"passed": all(r["passed"] for r in runs), "runs": runs}


def json_of(views: list[RunView]) -> str:
    return json.dumps(verdict_of(views), indent=2, ensure_ascii=False) + "\n"

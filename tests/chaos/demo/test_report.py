"""The HTML report and its SVG timelines, drawn from measurements."""

from __future__ import annotations

import re
from pathlib import Path

from chaos.measure import Measurement, breaker_url_of
from chaos.report import Report, ReportSection, render_html, timeline_svg
from chaos.report.timeline import BREAKER_COLOURS, COLOURS
from tests.support.file_limit import write_past_the_limit
from tests.support.measurements import measurement, sample


def _measurement(statuses: list[int | None], breaker: list[str] | None = None) -> Measurement:
    samples = [
        sample(i / 10, status, latency_ms=2.0 + i, breaker=breaker[i] if breaker else None)
        for i, status in enumerate(statuses)
    ]
    return measurement(
        samples,
        duration=len(statuses) / 10,
        url="http://127.0.0.1:9/<x>",
        breaker_url=breaker_url_of("http://127.0.0.1:9") if breaker else None,
    )


def test_timeline_draws_every_probe_the_outage_and_the_breaker() -> None:
    states = ["closed"] * 3 + ["open"] * 4 + ["half_open"] * 2 + ["closed"]
    m = _measurement([200, 200, 502, 502, None, None, 200, 200, 200, 200], states)
    svg = timeline_svg(m)
    assert svg.count(f'fill="{COLOURS["ok"]}"><title>t=') == 2 * 6  # bar + dot per good probe
    assert svg.count(f'fill="{COLOURS["http_5xx"]}"><title>t=') == 2 * 2
    assert svg.count(f'fill="{COLOURS["connect"]}"><title>t=') == 2 * 2
    assert "outage 0.40 s" in svg
    for state in ("closed", "open", "half_open"):
        assert f'fill="{BREAKER_COLOURS[state]}"><title>breaker {state}' in svg
    assert "&lt;x&gt;" in svg and "<x>" not in svg  # text is escaped


def test_timeline_without_breaker_has_no_breaker_row_and_marks_ongoing_outage() -> None:
    svg = timeline_svg(_measurement([200, 200, 502, 502]))
    assert ">breaker<" not in svg
    assert "down to the end" in svg


def test_shared_time_scale_leaves_room_after_a_shorter_run() -> None:
    short = _measurement([200] * 10)  # 1 s
    svg = timeline_svg(short, x_max=4.0)
    assert ">4 s<" in svg
    assert "end of measurement" in svg


def test_page_is_self_contained_and_groups_side_by_side() -> None:
    a = ReportSection(
        title="Act 2 <v1>",
        frontend="v1",
        expected="deviated",
        verdict="deviated",
        as_expected=True,
        measurement=_measurement([200, 502, 502]),
        journal_file="act2.json",
        checks=[("v1 answers 502", True)],
        group="backend",
    )
    b = ReportSection(
        title="Act 3",
        frontend="v2",
        expected="completed",
        verdict="failed",
        as_expected=False,
        measurement=_measurement([200, 200, 200], ["closed"] * 3),
        group="backend",
    )
    html = render_html(
        Report(
            title="t",
            subtitle="s",
            sections=[a, b],
            as_expected=False,
            headline="not as expected",
            groups={"backend": "side by side"},
        )
    )
    assert html.count('<div class="grid">') == 1
    assert html.count("<svg") == 2
    assert "Act 2 &lt;v1&gt;" in html
    assert 'class="banner bad"' in html
    assert 'href="act2.json"' in html
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)


def test_the_report_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    report.write_text("<p>the previous report</p>")
    write_past_the_limit(
        "from chaos.report import Report, ReportSection, write_report\n"
        'write_report(target, Report("x" * 100_000, "", [ReportSection("act")]))',
        report,
    )
    assert report.read_text() == "<p>the previous report</p>"
    assert list(tmp_path.iterdir()) == [report]  # no temporary file left behind

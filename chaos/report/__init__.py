"""Self-contained HTML reports of chaos runs, with an inline SVG timeline per measurement."""

from chaos.report.html import Report, ReportSection, render_html, write_report
from chaos.report.timeline import timeline_svg

__all__ = ["Report", "ReportSection", "render_html", "timeline_svg", "write_report"]

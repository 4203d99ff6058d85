"""``chaosrun report``: journals in, one document out, in the format asked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from chaos.errors import BadInput
from chaos.report.runs import RunView

FORMATS = ("html", "markdown", "junit", "json")


def renderer(fmt: str) -> Callable[[list[RunView]], str]:
    from chaos.report import formats, pages

    table: dict[str, Callable[[list[RunView]], str]] = {
        "html": pages.html_of,
        "markdown": formats.markdown_of,
        "junit": formats.junit_of,
        "json": formats.json_of,
    }
    if fmt not in table:
        raise BadInput(f"--format must be one of {', '.join(FORMATS)} (got {fmt!r}).")
    return table[fmt]


def render(views: list[RunView], fmt: str) -> str:
    return renderer(fmt)(views)


def write_text(path: Path, text: str) -> None:
    from chaos.files import write_output

    write_output(path, text)

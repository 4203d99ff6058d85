"""What a run writes at its end besides the journal: ``--report``, ``--junit``,
``--metrics-file``, ``--pushgateway``. A failure here is told, and changes no verdict."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from chaos.engine.options import Outputs
from chaos.engine.settings import RunResult

logger = logging.getLogger("chaosrun")


def write_outputs(result: RunResult, outputs: Outputs, name: str = "journal.json") -> None:
    if not (outputs.report or outputs.junit or outputs.metrics or outputs.pushgateway):
        return
    from chaos.report import formats, metrics, pages
    from chaos.report.render import write_text
    from chaos.report.runs import view_of

    view = view_of(result.journal, name)
    done: list[tuple[str, Any, Callable[[], None]]] = []
    if outputs.report:
        path = outputs.report
        done.append(("report", path, lambda: write_text(path, pages.html_of([view]))))
    if outputs.junit:
        junit = outputs.junit
        done.append(("JUnit report", junit, lambda: write_text(junit, formats.junit_of([view]))))
    if outputs.metrics:
        file = outputs.metrics
        done.append(("metrics", file, lambda: metrics.write_metrics_file(file, view)))
    if outputs.pushgateway:
        url = outputs.pushgateway
        done.append(("metrics pushed", url, lambda: metrics.push(url, view)))
    for what, where, write in done:
        try:
            write()
        except Exception as exc:
            logger.error("Could not write the %s to %s: %s", what, where, exc)
            continue
        logger.info("%s written to %s", what[0].upper() + what[1:], where)

"""What a run writes at its end besides the journal: ``--report``, ``--junit``,
``--metrics-file``, ``--pushgateway``. A failure here is told, and changes no verdict."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from chaos.engine.options import Outputs
from chaos.engine.settings import RunResult
from chaos.files import why_not_written

logger = logging.getLogger("chaosrun")


def write_outputs(result: RunResult, outputs: Outputs, name: str = "journal.json") -> None:
    if not (outputs.report or outputs.junit or outputs.metrics or outputs.pushgateway):
        return
    from chaos.report import formats, metrics, pages
    from chaos.report.render import write_text
    from chaos.report.runs import view_of

    try:
        view = view_of(result.journal, name)
    except Exception as exc:
        logger.error("Could not build the run's reports: %s.", why_not_written(exc))
        return
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
        done.append(("metrics", url, lambda: metrics.push(url, view)))
    for what, where, write in done:
        pushed = where == outputs.pushgateway
        try:
            write()
        except Exception as exc:
            verb = "push" if pushed else "write"
            logger.error("Could not %s the %s to %s: %s.", verb, what, where, why_not_written(exc))
            continue
        verb = "pushed" if pushed else "written"
        logger.info("%s %s to %s", what[0].upper() + what[1:], verb, where)

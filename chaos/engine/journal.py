"""The run journal, in the Chaos Toolkit's layout, written atomically."""

from __future__ import annotations

import json
import logging
import os
import platform
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chaos import __version__
from chaos.experiment.journal import Journal
from chaos.files import is_special, is_stdout, why_not_written, write_output
from chaos.statedir import default_state_dir

logger = logging.getLogger("chaosrun")


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


class MachinePlatform:
    """The journal's ``platform``: ``platform.platform()`` runs ``uname -p`` in a subprocess
    (~5 ms), so it is asked in a thread when the run starts and read when the run ends."""

    def __init__(self) -> None:
        self._value: str | None = None
        self._thread = threading.Thread(target=self._ask, name="chaosrun-platform", daemon=True)
        self._thread.start()

    def _ask(self) -> None:
        self._value = platform.platform()

    def get(self) -> str:
        self._thread.join()
        return self._value if self._value is not None else platform.platform()


def new_journal(experiment: dict[str, Any]) -> Journal:
    """A journal at the start of a run; its ``platform`` is filled in when the run ends
    (``MachinePlatform``)."""
    return {
        "chaoslib-version": None,
        "chaosrun-version": __version__,
        "platform": "",
        "node": platform.node(),
        "experiment": experiment,
        "start": now_iso(),
        "status": None,
        "deviated": False,
        "steady_states": {"before": None, "after": None, "during": []},
        "run": [],
        "rollbacks": [],
        "end": None,
        "duration": None,
    }


def journal_text(journal: Journal) -> str:
    return json.dumps(journal, indent=2, ensure_ascii=False, default=str) + "\n"


def fallback_dirs() -> list[Path]:
    """Where a journal goes when its own path cannot be written: the state directory, then
    the temporary directory (``TMPDIR`` as given, else the system's)."""
    import tempfile

    return [
        default_state_dir() / "journals",
        Path(os.environ.get("TMPDIR") or tempfile.gettempdir()),
    ]


def save_journal(
    path: Path, journal: Journal, fallbacks: Iterable[Path] | None = None
) -> Path | None:
    """Write the journal to ``path``, else to a fallback directory; where it went, or None
    when it could be written nowhere. Each failure is one logged sentence."""
    try:
        text = journal_text(journal)
    except Exception as exc:  # a value JSON cannot hold (a cycle): nowhere will do better
        logger.error("Could not write the journal: %s; it is lost.", why_not_written(exc))
        return None
    try:
        # A link is followed (its target replaced), unless it leads to a device or a pipe.
        write_output(path if is_stdout(path) or is_special(path) else path.resolve(), text)
    except Exception as exc:
        why = why_not_written(exc)
    else:
        if not is_stdout(path):
            logger.info("Journal written to %s", path)
        return path
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"journal-{stamp}-{os.getpid()}.json"
    tried = []
    for directory in fallback_dirs() if fallbacks is None else fallbacks:
        fallback = directory / name
        try:
            write_output(fallback, text)
        except Exception:
            tried.append(str(fallback))
            continue
        logger.error(
            "Could not write the journal to %s (%s); it was written to %s instead.",
            path,
            why,
            fallback,
        )
        return fallback
    logger.error(
        "Could not write the journal to %s (%s), nor to %s; it is lost.",
        path,
        why,
        " or ".join(tried) or "any fallback",
    )
    return None

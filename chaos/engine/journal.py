"""The run journal, in the Chaos Toolkit's layout, written atomically."""

from __future__ import annotations

import json
import platform
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chaos import __version__
from chaos.experiment.journal import Journal
from chaos.files import write_atomic


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


def write_journal(path: Path, journal: Journal) -> None:
    """Write ``journal`` as JSON via a temporary file and a rename (never half-written)."""
    text = json.dumps(journal, indent=2, ensure_ascii=False, default=str)
    write_atomic(path.resolve(), text + "\n")

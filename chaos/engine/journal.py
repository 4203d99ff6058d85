"""The run journal, in the Chaos Toolkit's layout, written atomically."""

from __future__ import annotations

import json
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chaos import __version__
from chaos.experiment.journal import Journal
from chaos.files import write_atomic


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def new_journal(experiment: dict[str, Any]) -> Journal:
    return {
        "chaoslib-version": None,
        "chaosrun-version": __version__,
        "platform": platform.platform(),
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

"""The run journal, in the Chaos Toolkit's layout, written atomically."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chaos import __version__


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def new_journal(experiment: dict[str, Any]) -> dict[str, Any]:
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


def write_journal(path: Path, journal: dict[str, Any]) -> None:
    """Write ``journal`` as JSON via a temporary file and a rename (never half-written)."""
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(journal, handle, indent=2, ensure_ascii=False, default=str)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise

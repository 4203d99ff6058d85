"""Where chaosrun keeps state between runs (the local stack, run records)."""

from __future__ import annotations

import os
from pathlib import Path


def default_state_dir() -> Path:
    """``$XDG_STATE_HOME/chaosrun``, else ``~/.local/state/chaosrun``."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "chaosrun"

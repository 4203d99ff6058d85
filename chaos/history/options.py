"""Where a run is remembered and with which labels: what the CLI hands the session."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from chaos.errors import BadInput
from chaos.statedir import default_state_dir

HISTORY_ENV = "CHAOSRUN_HISTORY"
HISTORY_FILE = "history.db"


def default_history_url() -> str:
    """``$CHAOSRUN_HISTORY``, else the SQLite file in chaosrun's state directory."""
    configured = os.environ.get(HISTORY_ENV, "").strip()
    return configured or str(default_state_dir() / HISTORY_FILE)


def parse_label(text: str) -> tuple[str, str]:
    """``key=value`` as a pair; ``BadInput`` with one sentence otherwise."""
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise BadInput(f"--label must be key=value, such as version=v2 (got {text!r}).")
    return key, value.strip()


@dataclass(frozen=True)
class HistoryOptions:
    """``url`` None: ``$CHAOSRUN_HISTORY``, else SQLite in the state directory."""

    url: str | None = None
    enabled: bool = True
    labels: tuple[tuple[str, str], ...] = ()

    def resolved_url(self) -> str:
        return self.url or default_history_url()

    @classmethod
    def of(
        cls, url: str | None, enabled: bool, labels: list[str] | tuple[str, ...]
    ) -> HistoryOptions:
        """From the options as written (``--history``, ``--no-history``, ``--label k=v``)."""
        return cls(url or None, enabled, tuple(parse_label(label) for label in labels))


def sqlite_path_of(url: str) -> Path | None:
    """The SQLite file a URL names (a path, ``sqlite:///path``), None for PostgreSQL."""
    if url.startswith(("postgresql://", "postgres://")):
        return None
    if url.startswith("sqlite://"):
        return Path(url.removeprefix("sqlite://")).expanduser()
    if "://" in url:
        raise BadInput(
            f"the history store {url!r} is neither a file, sqlite:///PATH nor postgresql://...; "
            "set --history or CHAOSRUN_HISTORY to one of those."
        )
    return Path(url).expanduser()

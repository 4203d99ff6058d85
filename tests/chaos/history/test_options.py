"""What a run is given about its history, as the CLI will hand it over (``--history``,
``--no-history``, ``--label``), and ``CHAOSRUN_HISTORY`` as the default."""

from __future__ import annotations

from pathlib import Path

import pytest

from chaos.errors import BadInput
from chaos.history import HISTORY_ENV, HistoryOptions, open_store
from chaos.history.lookup import since_iso


def test_options_from_the_command_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    options = HistoryOptions.of(None, True, ["version=v2", "commit = abc"])
    assert options.labels == (("version", "v2"), ("commit", "abc"))
    monkeypatch.setenv(HISTORY_ENV, str(tmp_path / "env.db"))
    assert options.resolved_url() == str(tmp_path / "env.db")
    assert HistoryOptions.of("postgresql://h/db", True, []).resolved_url() == "postgresql://h/db"
    monkeypatch.delenv(HISTORY_ENV)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert HistoryOptions().resolved_url() == str(tmp_path / "state" / "chaosrun" / "history.db")


@pytest.mark.parametrize("label", ["version", "=v2", ""])
def test_a_label_must_be_key_value(label: str) -> None:
    with pytest.raises(BadInput, match=r"^--label must be key=value, such as version=v2"):
        HistoryOptions.of(None, True, [label])


def test_a_url_of_another_database_is_one_sentence() -> None:
    with pytest.raises(BadInput, match=r"neither a file, sqlite:///PATH nor postgresql://"):
        open_store("mysql://127.0.0.1/chaos")


def test_since_reads_ages_and_dates() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    assert since_iso("7d", now) == "2026-01-03T12:00:00.000+00:00"
    assert since_iso("12h", now) == "2026-01-10T00:00:00.000+00:00"
    assert since_iso("2026-01-05") == "2026-01-05T00:00:00.000+00:00"
    with pytest.raises(BadInput, match="--since must be an age"):
        since_iso("last week")

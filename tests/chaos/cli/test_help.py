"""What every ``--help`` shows: flags as flags, and examples that work as written."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from chaos.cli.main import app
from testbed.procs import REPO_ROOT
from tests.chaos.cli.helpers import chaosrun

GROUP: Any = get_command(app)


def commands(group: Any = GROUP, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    """Every command and group, by the words that name it (the app itself: ``()``)."""
    found = {path: group}
    for name, command in getattr(group, "commands", {}).items():
        found.update(commands(command, (*path, name)))
    return found


COMMANDS = commands()
NAMES = sorted(COMMANDS)


def help_text(path: tuple[str, ...]) -> str:
    """The help as printed on a terminal wide enough to keep each example on one line."""
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return result.output


def examples(text: str) -> list[list[str]]:
    """The command lines after ``Example:`` in a help text."""
    lines = re.findall(r"Example: (chaosrun [^\n│]*)", text)
    return [shlex.split(line)[1:] for line in lines]


@pytest.mark.parametrize("path", NAMES, ids=lambda p: " ".join(p) or "chaosrun")
def test_a_flag_shows_no_placeholder(path: tuple[str, ...]) -> None:
    text = help_text(path)
    assert "--help" in text
    assert "<bool>" not in text


def test_the_commands_have_examples() -> None:
    """The check below has examples to check."""
    with_examples = [p for p in NAMES if examples(help_text(p))]
    assert len(with_examples) >= 7, with_examples


@pytest.mark.parametrize("path", NAMES, ids=lambda p: " ".join(p) or "chaosrun")
def test_every_example_is_a_command_line_that_works(path: tuple[str, ...]) -> None:
    """Each example names a command and options that exist, with values they accept; the
    experiment files it names are in the repository and valid."""
    for args in examples(help_text(path)):
        assert tuple(args[: len(path)]) == path, args
        command = COMMANDS[path]
        with command.make_context(" ".join(path), args[len(path) :]) as ctx:
            params = ctx.params
        file = params.get("file")
        if file is not None:
            assert (REPO_ROOT / file).is_file(), f"{args}: {file} does not exist"
            checked = chaosrun("validate", REPO_ROOT / file)
            assert checked.exit_code == 0, checked.output


def test_the_report_example_works_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its journals are the reader's own: here two copies of a real one."""
    (args,) = examples(help_text(("report",)))
    sample = (REPO_ROOT / "tests" / "chaos" / "report" / "ctk-journal.json").read_text()
    for name in args[1:]:
        if name.endswith(".json"):
            (tmp_path / name).write_text(sample)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    written = [tmp_path / name for name in args if name.endswith(".html")]
    assert written and all(path.stat().st_size > 0 for path in written)

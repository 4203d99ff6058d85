"""Every option the READMEs' command table names exists on its command, as ``--help`` shows
it: a newcomer copying an option from the table never meets "No such option"."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main

from chaos.cli.main import app
from testbed.procs import REPO_ROOT

READMES = [REPO_ROOT / "README.md", REPO_ROOT / "README.ja.md"]
ROW = re.compile(r"^\| `chaosrun ([a-z][a-z |\\]*?)(?: [A-Z.]+)?` \|.*\| (.*) \|$")
OPTION = re.compile(r"(?<![\w-])(--?[a-z][a-z-]*)")


def _command(path: list[str]) -> Any:
    """The click command Typer builds for ``chaosrun PATH...``."""
    command: Any = typer.main.get_command(app)
    for word in path:
        command = command.commands[word]
    return command


def _spellings(command: Any) -> set[str]:
    return {
        spelling for param in command.params for spelling in (*param.opts, *param.secondary_opts)
    }


def table_rows(readme: Path) -> list[tuple[list[list[str]], list[str]]]:
    """Each row's commands (``local up|status|down`` is three) and the options it names."""
    rows = []
    for line in readme.read_text().splitlines():
        found = ROW.match(line)
        if not found:
            continue
        words = found.group(1).replace("\\", "").split()
        commands = [[*words[:-1], last] for last in words[-1].split("|")]
        options = [
            m for cell in re.findall(r"`([^`]*)`", found.group(2)) for m in OPTION.findall(cell)
        ]
        rows.append((commands, options))
    return rows


@pytest.mark.parametrize("readme", READMES, ids=lambda p: p.name)
def test_every_option_in_the_command_table_exists_on_its_command(readme: Path) -> None:
    rows = table_rows(readme)
    assert len(rows) >= 9, "the command table was not found"
    for commands, options in rows:
        for path in commands:
            missing = set(options) - _spellings(_command(path))
            assert not missing, f"chaosrun {' '.join(path)} has no {sorted(missing)}"


def test_the_check_sees_an_option_a_command_lacks(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("| `chaosrun run FILE` | run it | `--frontend-url URL` |\n")
    ((path, options),) = [(commands[0], options) for commands, options in table_rows(readme)]
    assert path == ["run"] and options == ["--frontend-url"]
    assert "--frontend-url" not in _spellings(_command(path))


CLAUSE = re.compile(
    r"^(?:Common options of )?((?:`[a-z]+`(?:, | and |、| と )?)+)"
    r"(?:: | also take | takes? | の共通オプション: | はさらに | は )(.*)$",
    re.S,
)


def common_clauses(readme: Path) -> list[tuple[list[str], list[str]]]:
    """The common-options paragraph, clause by clause (``;`` apart): which commands take which
    options."""
    text = readme.read_text()
    start = min(
        i for i in (text.find("Common options of"), text.find("の共通オプション")) if i >= 0
    )
    start = text.rfind("\n", 0, start) + 1
    paragraph = text[start : text.index("\n\n", start)]
    clauses = []
    for clause in paragraph.split(";\n"):
        found = CLAUSE.match(clause.strip())
        assert found, f"a clause of the common options reads no command: {clause[:60]!r}"
        commands = re.findall(r"`([a-z]+)`", found.group(1))
        options = [
            m for cell in re.findall(r"`([^`]*)`", found.group(2)) for m in OPTION.findall(cell)
        ]
        clauses.append((commands, options))
    return clauses


@pytest.mark.parametrize("readme", READMES, ids=lambda p: p.name)
def test_every_common_option_exists_on_each_command_it_is_said_of(readme: Path) -> None:
    clauses = common_clauses(readme)
    assert clauses[0][0] == ["pod", "deployment", "scale", "latency", "partition", "drain", "run"]
    assert len(clauses[0][1]) > 20
    for commands, options in clauses:
        for command in commands:
            missing = set(options) - _spellings(_command([command]))
            assert not missing, f"chaosrun {command} has no {sorted(missing)}"


@pytest.mark.parametrize("readme", READMES, ids=lambda p: p.name)
def test_an_option_said_of_some_commands_only_is_not_on_the_others(readme: Path) -> None:
    """What the paragraph gives to some commands only, the others do not take: docs and
    behaviour say the same thing (--seed, --record-in-cluster, --frontend-url)."""
    clauses = common_clauses(readme)
    everyone = set(clauses[0][0])
    for commands, options in clauses[1:]:
        for command in everyone - set(commands):
            extra = set(options) & _spellings(_command([command]))
            said_elsewhere = {o for cs, os_ in clauses[1:] if command in cs for o in os_}
            assert not extra - said_elsewhere, f"chaosrun {command} also takes {sorted(extra)}"

"""The console script's own reading of ``pod``/``deployment``/``run`` command lines agrees
with Typer's: whatever it reads, Typer reads the same values from; what it cannot read
exactly, it leaves to Typer."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command

from chaos.cli import fastargs
from chaos.cli.main import app
from testbed.procs import REPO_ROOT

GROUP: Any = get_command(app)


def typer_values(args: list[str]) -> dict[str, Any] | None:
    """What the Typer command is called with, or None when Typer refuses the line."""
    command = GROUP.commands[args[0]]
    try:
        with command.make_context(args[0], list(args[1:])) as ctx:
            return dict(ctx.params)
    except Exception:  # a usage error, or --help's exit
        return None


def fast_values(args: list[str]) -> dict[str, Any] | None:
    parsed = fastargs.parse(args)
    if parsed is None:
        return None
    _, values = parsed
    return values


@pytest.mark.parametrize("command", sorted(fastargs.COMMANDS))
def test_every_option_and_default_is_typers(command: str) -> None:
    """Both readers know the same spellings and give the same defaults."""
    args = [command, "experiment.json"] if command == "run" else [command]
    assert fast_values(args) == typer_values(args)
    typer_spellings = {
        opt
        for param in GROUP.commands[command].params
        for opt in (*param.opts, *param.secondary_opts)
        if opt.startswith("-")
    }
    assert typer_spellings - {"--help"} == set(fastargs.COMMANDS[command])


LINES = [
    ["pod", "--pause", "0", "--frontend-url", "http://127.0.0.1:1/", "--journal-path", "j.json"],
    ["pod", "--selector=app=back", "-n", "demo", "--qty", "2", "--mode", "percentage", "--rand"],
    ["pod", "--all", "--grace-period", "0", "--seed=-3", "--order", "oldest", "-v"],
    ["pod", "--probe-interval", "0.01", "--no-measure", "--dry-run", "--target", "local"],
    ["pod", "--name-pattern", "front-.*", "--selector", "", "--state-dir", "/tmp/x"],
    ["deployment", "--name", "back", "--no-rollback", "--pause", ".5", "--breaker-url", "u"],
    ["deployment", "--context", "fake", "--kubeconfig", "k.yaml", "--allow-system-namespaces"],
    ["deployment", "--record-in-cluster", "--print-journal", "--namespace=kube-system"],
    ["run", "e.json", "--var", "a=1", "--var=b:int=2", "--measure-url", "http://x/", "-n", "ns"],
    ["run", "e.json", "--var-file", "v.yaml", "--var-file=w.json", "--control-file", "c.json"],
    ["run", "e.json", "--settings", "s.yaml", "--dry", "pause", "--rollback-strategy", "always"],
    ["run", "https://x/e.json", "--hypothesis-strategy", "continuously", "--fail-fast"],
    ["run", "e.json", "--hypothesis-frequency", "0.5"],
    ["pod", "--slo", "p99<=250ms", "--slo=availability>=99.5%", "--abort-if", "outage>2s"],
    ["deployment", "--report", "r.html", "--junit", "j.xml", "--events-file", "e.ndjson"],
    ["run", "e.json", "--metrics-file", "m.prom", "--pushgateway", "http://127.0.0.1:9091"],
    ["run", "--journal-path", "out.json", "e.yaml"],
    ["latency", "--delay", "300", "--error-share=0.5", "--duration", "0", "--service", "s"],
    ["latency", "--page-timeout", "0.5", "-n", "demo", "--frontend-url", "http://x/"],
    # Left to Typer: bad values, unknown or missing options, help, odd spellings.
    ["pod", "--qty", "-1"],
    ["pod", "--qty=-1"],
    ["pod", "--grace-period=-1"],
    ["pod", "--qty", "1.5"],
    ["pod", "--pause", "-1"],
    ["pod", "--pause", "nan"],
    ["pod", "--pause", "1e3"],
    ["pod", "--probe-interval", "0"],
    ["pod", "--target", "moon"],
    ["pod", "--dry-run=yes"],
    ["pod", "--selektor", "app=front"],
    ["pod", "--help"],
    ["pod", "-vn", "demo"],
    ["pod", "--seed"],
    ["pod", "--frontend-url", "--pause"],
    ["pod", "extra"],
    ["deployment", "--", "--name"],
    ["run"],
    ["run", "a.json", "b.json"],
    ["run", "e.json", "--hypothesis-frequency", "0"],
    ["run", "e.json", "--fail-fast=1"],
    ["run", "--journal-path", "", "e.json"],
    ["latency", "--delay", "301"],
    ["latency", "--error-share", "1.5"],
    ["latency", "--page-timeout", "0"],
]


@pytest.mark.parametrize("args", LINES, ids=lambda a: " ".join(a))
def test_a_line_is_read_as_typer_reads_it_or_left_to_typer(args: list[str]) -> None:
    fast = fast_values(args)
    if fast is not None:
        assert fast == typer_values(args)


def test_the_bad_lines_are_left_to_typer() -> None:
    """The check above can fail: these would be read differently or refused by Typer."""
    refused = LINES[LINES.index(["pod", "--qty", "-1"]) :]
    assert [args for args in refused if fast_values(args) is not None] == []
    accepted = LINES[: LINES.index(["pod", "--qty", "-1"])]
    assert [args for args in accepted if fast_values(args) is None] == []


VALUES = ["0", "1", "-2", "0.25", ".5", "x", "", "app=front", "http://127.0.0.1:9/", "-v", "1e2"]


def test_random_lines_agree() -> None:
    rng = random.Random(15)
    checked = 0
    for _ in range(3000):
        command = rng.choice(list(fastargs.COMMANDS))
        spellings = [*fastargs.COMMANDS[command], "--bogus"]
        args = [command]
        if command == "run" and rng.random() < 0.9:
            args.append("e.json")
        for _ in range(rng.randint(0, 5)):
            spelling = rng.choice(spellings)
            read = fastargs.COMMANDS[command].get(spelling)
            if read is not None and read[1] is fastargs.FLAG:
                args.append(spelling)
            elif rng.random() < 0.3:
                args.append(f"{spelling}={rng.choice(VALUES)}")
            else:
                args += [spelling, rng.choice(VALUES)]
        fast = fast_values(args)
        if fast is not None:
            checked += 1
            assert fast == typer_values(args), args
    assert checked > 300


def test_an_environment_variable_of_an_option_leaves_the_line_to_typer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CHAOSRUN_PRINT_JOURNAL", "1")
    assert fastargs.parse(["pod"]) is None


def test_the_console_script_runs_a_plain_line_without_typer(tmp_path: Path) -> None:
    """Bad input found by the command itself (not by the option parser): same sentence,
    same exit code, through the fast path; Typer never imported."""
    probe = (
        "import sys\n"
        "sys.argv = ['chaosrun', *sys.argv[1:]]\n"
        "from chaos.cli.entry import main\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    print('EXIT', exc.code)\n"
        "print('TYPER', 'typer' in sys.modules)\n"
    )
    journal = str(tmp_path / "j.json")
    done = subprocess.run(
        [sys.executable, "-c", probe, "pod", "--mode", "sideways", "--journal-path", journal],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Error: --mode must be one of" in done.stderr
    assert "EXIT 2" in done.stdout and "TYPER False" in done.stdout, done.stdout

"""The console script: ``--version`` answers before the CLI framework is imported."""

from __future__ import annotations

import subprocess
import sys

from chaos import __version__
from tests.support.procs import REPO_ROOT

PROBE = """
import sys
sys.argv = ["chaosrun", *sys.argv[1:]]
from chaos.cli.entry import main
try:
    main()
except SystemExit as exc:
    print("EXIT", exc.code)
print("LOADED", sorted(m for m in ("typer", "pydantic", "rich", "httpx") if m in sys.modules))
"""


def _entry(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout


def test_version_is_printed_without_loading_the_cli() -> None:
    out = _entry("--version")
    assert out.splitlines()[0] == f"chaosrun {__version__}"
    assert "LOADED []" in out


def test_every_other_command_goes_to_the_typer_app() -> None:
    out = _entry("--help")
    assert "Usage: chaosrun" in out
    assert "EXIT 0" in out
    assert "'typer'" in out


def test_python_dash_m_chaos_uses_the_same_entry() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "chaos", "--version"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stdout == f"chaosrun {__version__}\n"

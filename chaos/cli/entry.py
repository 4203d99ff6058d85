"""The ``chaosrun`` console script.

``--version`` is answered before the Typer app (and pydantic, rich, click) is imported, so
scripts that ask for it pay only for the interpreter.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from chaos import __version__

        print(f"chaosrun {__version__}")
        return
    from chaos.cli.main import app

    app(prog_name="chaosrun")

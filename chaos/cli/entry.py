"""The ``chaosrun`` console script.

Two spellings are answered before the Typer app (and pydantic, rich, click) is imported,
so scripts and CI jobs that use them pay only for what they need: ``--version``, and
``validate FILE [-v]``. Everything else, ``--help`` included, goes to the Typer app.
"""

from __future__ import annotations

import sys


def main() -> None:
    args = sys.argv[1:]
    if args == ["--version"]:
        from chaos import __version__

        print(f"chaosrun {__version__}")
        return
    from chaos.cli.validating import plain_validate_args, validate_file

    plain = plain_validate_args(args)
    if plain is not None:
        sys.exit(validate_file(*plain))
    from chaos.cli.main import app

    app(prog_name="chaosrun")

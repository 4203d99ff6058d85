"""The ``chaosrun`` console script.

Some spellings are answered before the Typer app (and pydantic, rich, click) is imported,
so scripts and CI jobs that use them pay only for what they need: ``--version``,
``validate FILE [-v]``, and ``pod``, ``deployment``, ``latency`` and ``run`` with the plain
options ``chaos.cli.fastargs`` reads; ``history`` and ``compare`` get a Typer app of their own
(``chaos.cli.readers``). Everything else, ``--help`` included, goes to the whole Typer app.
"""

from __future__ import annotations

import sys


def main() -> None:
    args = sys.argv[1:]
    # httpx imports its own command-line tool (rich, click, pygments: ~50 ms) whenever they
    # are installed, as they are beside Typer; chaosrun never uses it. Without this module
    # httpx defines a stub in its place.
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    if args == ["--version"]:
        from chaos import __version__

        print(f"chaosrun {__version__}")
        return
    from chaos.cli.validating import plain_validate_args, validate_file

    plain = plain_validate_args(args)
    if plain is not None:
        sys.exit(validate_file(*plain))
    from chaos.cli import fastargs

    parsed = fastargs.parse(args)
    if parsed is not None:
        sys.exit(fastargs.main(*parsed))
    if args[:1] in (["history"], ["compare"]):
        from chaos.cli.readers import app as readers

        readers(prog_name="chaosrun")
        return
    from chaos.cli.main import app

    app(prog_name="chaosrun")

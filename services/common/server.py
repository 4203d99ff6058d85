"""Run a service under uvicorn: ``python -m services.<name>`` ends up here."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from services.common.logs import configure_logging
from services.common.settings import ServerSettings, SettingsError

#: Exit code for invalid settings (bad input), as for the chaosrun CLI.
EXIT_BAD_CONFIG = 2


def serve(load: Callable[[], tuple[ServerSettings, FastAPI]]) -> None:
    """Build the app with ``load`` (which reads the settings) and serve it until stopped.

    An invalid setting ends the process with one sentence on stderr and exit code 2.
    """
    try:
        server, app = load()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(EXIT_BAD_CONFIG) from None
    configure_logging(server.log_level_number)
    logging.getLogger(__name__).info("Starting %s on %s:%d", app.title, server.host, server.port)
    uvicorn.run(
        app,
        host=server.host,
        port=server.port,
        log_config=None,
        log_level=server.log_level_number,
    )

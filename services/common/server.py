"""Run a service under uvicorn: ``python -m services.<name>`` ends up here.

``server_config`` is the one place that says how uvicorn serves a service (parser, limits,
timeouts); the Dockerfiles, the manifests, the local stack and the tests all start a service
with ``python -m``, so they all get it.
"""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from services.common.logs import configure_logging
from services.common.protocol import ServiceConfig
from services.common.settings import ServerSettings, SettingsError

#: Exit code for invalid settings (bad input), as for the chaosrun CLI.
EXIT_BAD_CONFIG = 2
#: uvicorn's own exit code when the server could not start (the port taken, say).
EXIT_STARTUP_FAILED = 3
GC_YOUNG_THRESHOLD = 10_000


def server_config(app: FastAPI, server: ServerSettings) -> ServiceConfig:
    """How uvicorn serves ``app``: h11 with the request head capped, a deadline on each
    request, and a bounded keep-alive."""
    return ServiceConfig(
        app,
        request_timeout=server.request_timeout,
        host=server.host,
        port=server.port,
        log_config=None,
        log_level=server.log_level_number,
        h11_max_incomplete_event_size=server.max_request_head_bytes,
        timeout_keep_alive=server.keep_alive_timeout,
    )


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
    # Everything imported and built so far lives as long as the process: out of the cyclic
    # collector's sight, its collections no longer walk it again and again under load. A page
    # allocates hundreds of short-lived objects: at CPython's default threshold (700) the
    # young generation was collected every page or two during a burst.
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 10, 10)
    uvicorn_server = uvicorn.Server(server_config(app, server))
    uvicorn_server.run()
    if not uvicorn_server.started:
        raise SystemExit(EXIT_STARTUP_FAILED)

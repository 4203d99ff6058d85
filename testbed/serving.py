"""A ``socketserver`` server (``http.server`` and the like) served on a thread."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# How often serve_forever() looks for a shutdown: with the default half second, each test that
# stops a server would wait for it that long.
POLL_INTERVAL = 0.02


def serving_thread(server: socketserver.BaseServer) -> threading.Thread:
    """The thread that serves ``server`` once started (stop it with ``server.shutdown()``)."""
    return threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": POLL_INTERVAL}, daemon=True
    )


@contextmanager
def serving(server: socketserver.BaseServer) -> Iterator[threading.Thread]:
    """Serve ``server`` for the block, then shut it down and close it."""
    thread = serving_thread(server)
    thread.start()
    try:
        yield thread
    finally:
        server.shutdown()
        server.server_close()

"""``chaosrun serve``: the run history as a small web app (runs, reports, comparisons,
trends), served by uvicorn until Ctrl-C."""

from __future__ import annotations

import socket
from typing import Annotated

import typer

from chaos.cli.history import Store
from chaos.errors import BadInput

EPILOG = (
    "Example: chaosrun serve --port 8000\n\n"
    "Then open http://127.0.0.1:8000/. It reads the history as `chaosrun history` does "
    "(SQLite or PostgreSQL). "
    "Exit codes: 0 stopped with Ctrl-C, 2 bad input (a port that cannot be bound, a store "
    "that cannot be read)."
)


def _bound(host: str, port: int) -> socket.socket:
    """The listening socket, bound here so that a busy port is one sentence, not a log."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise BadInput(
            f"--host {host} --port {port} cannot listen ({exc.strerror or exc})."
        ) from None
    sock.listen(128)
    return sock


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="Port to listen on (0: any free port).")
    ] = 8000,
    store_url: Store = None,
) -> None:
    """Browse the run history in a browser: runs (filter by title, label, status), each run's
    report, two runs compared, each experiment's trend."""
    import uvicorn

    from chaos.cli.history import open_history
    from chaos.live.address import LiveAddress
    from chaos.serve.app import make_app

    open_history(store_url).close()  # a store that cannot be read is told now
    sock = _bound(host, port)
    if not LiveAddress(host, port).loopback:
        typer.echo(
            f"Warning: chaosrun serve listens on {host}: anyone who reaches it sees the runs.",
            err=True,
        )
    shown_host, shown_port = sock.getsockname()[:2]
    shown = f"[{shown_host}]" if ":" in shown_host else shown_host
    typer.echo(f"Serving the run history on http://{shown}:{shown_port}/ (Ctrl-C stops)", err=True)
    config = uvicorn.Config(make_app(store_url), log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()

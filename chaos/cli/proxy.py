"""``chaosrun proxy``: the fault proxy by hand, or as the command of a proxy Deployment."""

from __future__ import annotations

from typing import Annotated

import typer

EPILOG = (
    "Example: chaosrun proxy --listen 127.0.0.1:9081 --upstream http://127.0.0.1:8081 "
    "--delay 0.5 --error-share 0.1\n\n"
    "Every request waits --delay seconds, then --error-share of them are answered 503 "
    "without calling the upstream; the others are forwarded (HTTP/1.1, kept-alive "
    "connections on both sides, bodies streamed, the client's Host kept, Via added). "
    "GET /__chaosrun/ready is answered by the proxy itself: 200 once the upstream accepts "
    "connections, 503 before. SIGTERM or Ctrl-C stops it after the requests in flight."
)


def proxy(
    listen: Annotated[
        str, typer.Option(help="HOST:PORT to listen on (port 0: any free port).")
    ] = "127.0.0.1:8080",
    upstream: Annotated[
        str | None,
        typer.Option(
            help="http://HOST:PORT, or http://HOST:PORT/PREFIX, the requests are forwarded to."
        ),
    ] = None,
    delay: Annotated[float, typer.Option(help="Seconds every request waits.")] = 0.0,
    error_share: Annotated[
        float, typer.Option(help="Share of requests answered 503 (0 to 1).")
    ] = 0.0,
    seed: Annotated[
        int | None, typer.Option(help="Seed of the choice of failing requests (reproducible).")
    ] = None,
) -> None:
    """Forward HTTP requests to --upstream, adding a delay and a share of 503 errors."""
    from chaos.cli.logs import setup_logging
    from chaos.errors import BadInput
    from chaos.proxy import proxy_options, serve

    if not upstream:
        raise BadInput("--upstream is required: the http:// URL to forward to.")
    options = proxy_options(listen, upstream, delay, error_share, seed)
    setup_logging()
    serve(options)

"""``chaosrun proxy``: the fault proxy by hand, or as the command of a proxy Deployment."""

from __future__ import annotations

from chaos.cli.options import Values, declared

EPILOG = (
    "Example: chaosrun proxy --listen 127.0.0.1:9081 --upstream http://127.0.0.1:8081 "
    "--delay 0.5 --error-share 0.1\n\n"
    "Every request waits --delay seconds, then --error-share of them are answered 503 "
    "without calling the upstream; the others are forwarded (HTTP/1.1, kept-alive "
    "connections on both sides, bodies streamed, the client's Host kept, Via added). "
    "GET /__chaosrun/ready is answered by the proxy itself: 200 once the upstream accepts "
    "connections, 503 before. SIGTERM or Ctrl-C stops it after the requests in flight."
)


@declared("proxy")
def proxy(values: Values) -> None:
    """Forward HTTP requests to --upstream, adding a delay and a share of 503 errors."""
    from chaos.cli.logs import setup_logging
    from chaos.errors import BadInput
    from chaos.proxy import proxy_options, serve

    upstream = values["upstream"]
    if not upstream:
        raise BadInput("--upstream is required: the http:// URL to forward to.")
    options = proxy_options(
        values["listen"], upstream, values["delay"], values["error_share"], values["seed"]
    )
    setup_logging()
    serve(options)

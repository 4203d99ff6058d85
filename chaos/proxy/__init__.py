"""The fault proxy behind ``chaosrun proxy``: an HTTP/1.1 reverse proxy on asyncio that adds a
delay to every request and answers a share of them with 503 without calling the upstream.

It holds no chaos logic beyond those two faults and knows nothing of Kubernetes: the
``latency --service`` fault runs it as the command of a proxy Deployment, the local target as
a process in front of the backend.
"""

from chaos.proxy.options import ProxyOptions, Upstream, parse_listen, parse_upstream, proxy_options
from chaos.proxy.server import READY_PATH, FaultProxy, serve

__all__ = [
    "READY_PATH",
    "FaultProxy",
    "ProxyOptions",
    "Upstream",
    "parse_listen",
    "parse_upstream",
    "proxy_options",
    "serve",
]

"""The ``http`` provider: one request with httpx; output ``{status, headers, body}``."""

from __future__ import annotations

import ssl
from functools import cache
from typing import Any

import httpcore  # noqa: F401  (see below)
import httpx

from chaos.actions.errors import ActivityFailed
from chaos.experiment.model import HttpProvider

DEFAULT_TIMEOUT = 10.0

# httpx imports its transport, httpcore, only when the first Client is built (~12 ms).
# Importing it with this module (before the run's clock, see Runner._load_providers) keeps
# that out of the first probe's duration in the journal, which should show the system
# under test, not our imports.


def _timeout(value: Any) -> httpx.Timeout:
    if value is None:
        return httpx.Timeout(DEFAULT_TIMEOUT)
    if isinstance(value, list):
        connect, read = (float(v) for v in value)
        return httpx.Timeout(read, connect=connect)
    return httpx.Timeout(float(value))


@cache
def _tls(verify: bool) -> ssl.SSLContext:
    """One TLS context per process: building one loads the CA bundle (~30 ms)."""
    return httpx.create_ssl_context(verify=verify)


def _verify(url: str, verify: bool) -> ssl.SSLContext | bool:
    # Plain http needs no TLS context at all; each probe still opens a fresh connection,
    # as the Chaos Toolkit's does, so a killed server is never hidden by a pooled one.
    return False if url.startswith("http://") else _tls(verify)


def run_http(provider: HttpProvider) -> dict[str, Any]:
    method = provider.method.upper()
    headers = {str(k): str(v) for k, v in provider.headers.items()}
    kwargs: dict[str, Any] = {}
    args = provider.arguments
    if args is not None:
        if method in ("GET", "HEAD", "DELETE", "OPTIONS") and isinstance(args, dict):
            kwargs["params"] = args
        elif isinstance(args, dict | list) and "form" not in str(
            headers.get("Content-Type", headers.get("content-type", ""))
        ):
            kwargs["json"] = args
        elif isinstance(args, dict):
            kwargs["data"] = args
        else:
            kwargs["content"] = str(args)
    try:
        verify = _verify(provider.url, provider.verify_tls)
        with httpx.Client(verify=verify, timeout=_timeout(provider.timeout)) as client:
            response = client.request(method, provider.url, headers=headers, **kwargs)
    except httpx.TimeoutException:
        raise ActivityFailed(f"{method} {provider.url} timed out") from None
    except httpx.HTTPError as exc:
        reason = str(exc) or type(exc).__name__
        raise ActivityFailed(f"{method} {provider.url} failed: {reason}") from None
    body: Any
    if "json" in response.headers.get("content-type", ""):
        try:
            body = response.json()
        except ValueError:
            body = response.text
    else:
        body = response.text
    return {"status": response.status_code, "headers": dict(response.headers), "body": body}

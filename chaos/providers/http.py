"""The ``http`` provider: one request; output ``{status, headers, body}``.

httpx is the reference: ``https://`` requests go through it, and a plain ``http://`` one is
built as httpx would build it (``http_request``) and exchanged by h11, httpx's own HTTP/1.1
engine, over a socket (``http_wire``; the body decoded in ``http_reply``), because importing
httpx and httpcore costs a short run more than its requests. httpx is imported only to run
an https request (or an unusual http one), never to validate one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from chaos.actions.errors import ActivityFailed
from chaos.providers.base import Call, NonEmptyText, Problem, ProviderType
from chaos.values import has_variables, timeout_problem

if TYPE_CHECKING:
    import ssl

    from chaos.providers.http_request import PlainRequest

DEFAULT_TIMEOUT = 10.0
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


@dataclass(frozen=True)
class HttpSpec:
    url: NonEmptyText
    method: str = "GET"
    headers: dict[str, Any] = field(default_factory=dict)
    arguments: Any = None
    # Seconds, or [connect, read].
    timeout: float | list[float] | str | None = None
    verify_tls: bool = True


def check(spec: HttpSpec) -> list[Problem]:
    problems: list[Problem] = []
    if not has_variables(spec.url) and not re.match(r"^https?://", spec.url):
        problems.append(Problem("url", f"must start with http:// or https:// (got {spec.url!r})"))
    if spec.method.upper() not in METHODS:
        problems.append(Problem("method", f"unsupported HTTP method {spec.method!r}"))
    timeout = spec.timeout
    if isinstance(timeout, list):
        if len(timeout) != 2:
            problems.append(Problem("timeout", "must be a number or [connect, read]"))
        for i, part in enumerate(timeout):
            if problem := timeout_problem(part):
                problems.append(Problem(f"timeout[{i}]", problem))
    elif problem := timeout_problem(timeout):
        problems.append(Problem("timeout", problem))
    return problems


def load(specs: list[HttpSpec]) -> None:
    # The plain-http path's modules and httpx's version for its User-Agent, so the first
    # probe's duration in the journal shows the system under test, not our imports; httpx
    # (~40 ms) only when an activity will go through it (https, or a request it rewrites).
    import chaos.providers.http_wire  # noqa: F401
    from chaos.providers.http_request import default_headers

    default_headers()
    if any(as_plain_request(spec) is None for spec in specs):
        import httpcore  # noqa: F401
        import httpx  # noqa: F401


def _timeouts(value: Any) -> tuple[float, float]:
    """(connect, read): one number is both."""
    if value is None:
        return DEFAULT_TIMEOUT, DEFAULT_TIMEOUT
    if isinstance(value, list):
        connect, read = (float(v) for v in value)
        return connect, read
    return float(value), float(value)


@cache
def _tls(verify: bool) -> ssl.SSLContext:
    """One TLS context per process: building one loads the CA bundle (~30 ms)."""
    import httpx

    return httpx.create_ssl_context(verify=verify)


def _verify(url: str, verify: bool) -> ssl.SSLContext | bool:
    # Plain http needs no TLS context at all; each probe still opens a fresh connection,
    # as the Chaos Toolkit's does, so a killed server is never hidden by a pooled one.
    return False if url.startswith("http://") else _tls(verify)


def _says_json(headers: dict[str, str]) -> bool:
    """The request's ``Content-Type`` names JSON (``application/json``, ``...+json``)."""
    value = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    media = value.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _request_body(method: str, headers: dict[str, str], args: Any) -> dict[str, Any]:
    """httpx's keyword for the activity's ``arguments``, where the Chaos Toolkit puts them:
    a GET's in the query string; any other method's in the body, as JSON only when the
    ``Content-Type`` header says JSON, form-encoded otherwise (a string as it is)."""
    if args is None:
        return {}
    if method == "GET":
        return {"params": args}
    if _says_json(headers):
        return {"json": args}
    if isinstance(args, dict):
        return {"data": args}
    if isinstance(args, list) and all(isinstance(p, list | tuple) and len(p) == 2 for p in args):
        return {"content": urlencode([tuple(p) for p in args]), "form": True}
    return {"content": str(args)}


def _request(spec: HttpSpec) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The method, the headers and httpx's keyword for the arguments."""
    method = spec.method.upper()
    headers = {str(k): str(v) for k, v in spec.headers.items()}
    kwargs = _request_body(method, headers, spec.arguments)
    if kwargs.pop("form", False) and not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    return method, headers, kwargs


def as_plain_request(spec: HttpSpec) -> PlainRequest | None:
    """The request ``run`` sends with the standard library, as httpx would; None when it
    goes through httpx."""
    from chaos.providers.http_request import plain_request

    method, headers, kwargs = _request(spec)
    return plain_request(method, spec.url, headers, kwargs)


def run(spec: HttpSpec, call: Call) -> dict[str, Any]:
    plain = as_plain_request(spec)
    if plain is None:
        return run_with_httpx(spec)
    from chaos.providers.http_wire import send

    return send(plain, spec.url, *_timeouts(spec.timeout))


def run_with_httpx(spec: HttpSpec) -> dict[str, Any]:
    """The reference path: every https request, and a plain one ``run`` cannot send as
    httpx would."""
    import httpx

    from chaos.providers.http_reply import headers_as_sent

    method, headers, kwargs = _request(spec)
    connect, read = _timeouts(spec.timeout)
    try:
        verify = _verify(spec.url, spec.verify_tls)
        with httpx.Client(verify=verify, timeout=httpx.Timeout(read, connect=connect)) as client:
            response = client.request(method, spec.url, headers=headers, **kwargs)
    except httpx.TimeoutException:
        raise ActivityFailed(f"{method} {spec.url} timed out") from None
    except httpx.HTTPError as exc:
        reason = str(exc) or type(exc).__name__
        raise ActivityFailed(f"{method} {spec.url} failed: {reason}") from None
    body: Any
    if "json" in response.headers.get("content-type", ""):
        try:
            body = response.json()
        except ValueError:
            body = response.text
    else:
        body = response.text
    raw = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw]
    return {"status": response.status_code, "headers": headers_as_sent(raw), "body": body}


PROVIDER = ProviderType(name="http", spec=HttpSpec, check=check, run=run, load=load)

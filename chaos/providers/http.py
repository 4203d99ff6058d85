"""The ``http`` provider: one request with httpx; output ``{status, headers, body}``.

httpx is imported only to run a request (or by ``load``), never to validate one.
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

    import httpx

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


def load() -> None:
    # httpx imports its transport, httpcore, only when the first Client is built (~12 ms):
    # importing both here keeps that out of the first probe's duration in the journal,
    # which should show the system under test, not our imports.
    import httpcore  # noqa: F401
    import httpx  # noqa: F401


def _timeout(value: Any) -> httpx.Timeout:
    import httpx

    if value is None:
        return httpx.Timeout(DEFAULT_TIMEOUT)
    if isinstance(value, list):
        connect, read = (float(v) for v in value)
        return httpx.Timeout(read, connect=connect)
    return httpx.Timeout(float(value))


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


def _headers_as_sent(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """Response headers with their names as the server wrote them; repeats joined."""
    out: dict[str, str] = {}
    seen: dict[str, str] = {}
    for key, value in raw:
        name, text = key.decode("latin-1"), value.decode("latin-1")
        first = seen.setdefault(name.lower(), name)
        out[first] = f"{out[first]}, {text}" if first in out else text
    return out


def run(spec: HttpSpec, call: Call) -> dict[str, Any]:
    import httpx

    method = spec.method.upper()
    headers = {str(k): str(v) for k, v in spec.headers.items()}
    kwargs = _request_body(method, headers, spec.arguments)
    if kwargs.pop("form", False) and not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        verify = _verify(spec.url, spec.verify_tls)
        with httpx.Client(verify=verify, timeout=_timeout(spec.timeout)) as client:
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
    headers_out = _headers_as_sent(response.headers.raw)
    return {"status": response.status_code, "headers": headers_out, "body": body}


PROVIDER = ProviderType(name="http", spec=HttpSpec, check=check, run=run, load=load)

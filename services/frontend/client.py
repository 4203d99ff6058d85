"""The one backend call the frontends make, over a pooled ``httpx.AsyncClient``."""

from __future__ import annotations

import asyncio
from typing import Literal, get_args

import httpx

from services.frontend.settings import BackendClientSettings

#: What went wrong with a backend call: v2's breaker can record or ignore each kind.
FailureKind = Literal["connect_error", "timeout", "http_5xx", "http_4xx", "other"]
FAILURE_KINDS: tuple[FailureKind, ...] = get_args(FailureKind)


class BackendUnavailable(Exception):
    """The backend call failed; the message says why, in a few words, ``kind`` how."""

    def __init__(self, message: str, kind: FailureKind = "other") -> None:
        super().__init__(message)
        self.kind: FailureKind = kind


def status_kind(status: int) -> FailureKind:
    if 500 <= status <= 599:
        return "http_5xx"
    if 400 <= status <= 499:
        return "http_4xx"
    return "other"


def new_http_client(settings: BackendClientSettings) -> httpx.AsyncClient:
    """The process-wide connection pool, every phase bounded by the backend timeout."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.backend_timeout),
        limits=httpx.Limits(
            max_connections=settings.backend_max_connections,
            max_keepalive_connections=settings.backend_max_connections,
        ),
    )


class BackendClient:
    def __init__(self, http: httpx.AsyncClient, settings: BackendClientSettings) -> None:
        self._http = http
        self.url = settings.backend_url
        self.timeout = settings.backend_timeout

    async def fetch_message(self) -> str:
        """GET the backend's message; any failure raises ``BackendUnavailable``.

        A failure is a connect error, no complete answer within the timeout (a deadline on
        the whole call, not per phase) or any non-2xx status.
        """
        try:
            async with asyncio.timeout(self.timeout):
                response = await self._http.get(self.url)
        except (TimeoutError, httpx.TimeoutException):
            raise BackendUnavailable(
                f"no answer from {self.url} within {self.timeout:g} s", "timeout"
            ) from None
        except httpx.ConnectError as exc:
            raise BackendUnavailable(
                f"cannot connect to {self.url} ({exc or 'refused'})", "connect_error"
            ) from None
        except httpx.HTTPError as exc:
            raise BackendUnavailable(
                f"call to {self.url} failed ({type(exc).__name__}: {exc})"
            ) from None
        if not response.is_success:
            raise BackendUnavailable(
                f"{self.url} answered HTTP {response.status_code}",
                status_kind(response.status_code),
            )
        return response.text

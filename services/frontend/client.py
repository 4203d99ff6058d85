"""The one backend call the frontends make, over a pooled ``httpx.AsyncClient``."""

from __future__ import annotations

import asyncio
import zlib
from typing import Literal, get_args

import httpx

from services.frontend.bulkhead import BulkheadConfig, BulkheadFullError, SemaphoreBulkhead
from services.frontend.settings import BackendClientSettings

# Only encodings whose decoding this module bounds itself are asked for; an answer in any
# other encoding counts as a failed call.
ACCEPT_ENCODING = "gzip, deflate"
_WBITS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}
#: What went wrong with a backend call: v2's breaker can record or ignore each kind.
FailureKind = Literal["connect_error", "timeout", "http_5xx", "http_4xx", "other"]
FAILURE_KINDS: tuple[FailureKind, ...] = get_args(FailureKind)


class BackendUnavailable(Exception):
    """The backend call failed; the message says why, in a few words, ``kind`` how."""

    def __init__(self, message: str, kind: FailureKind = "other") -> None:
        super().__init__(message)
        self.kind: FailureKind = kind


class BackendBusy(BackendUnavailable):
    """Every pooled connection stayed busy for the pool timeout: the call was not made."""


def status_kind(status: int) -> FailureKind:
    if 500 <= status <= 599:
        return "http_5xx"
    if 400 <= status <= 499:
        return "http_4xx"
    return "other"


class _BodyRefused(Exception):
    """The answer's body cannot be read within the limits; the message says why."""


def new_http_client(settings: BackendClientSettings) -> httpx.AsyncClient:
    """The process-wide connection pool, every phase bounded by the backend timeout and the
    wait for a free connection by the shorter pool timeout."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.backend_timeout, pool=settings.backend_pool_timeout),
        limits=httpx.Limits(
            max_connections=settings.backend_max_connections,
            max_keepalive_connections=settings.backend_max_connections,
        ),
        headers={"Accept-Encoding": ACCEPT_ENCODING},
    )


def _inflater(content_encoding: str) -> zlib._Decompress | None:
    """The decompressor for the answer's ``Content-Encoding``; None for an unencoded body."""
    codings = [c.strip().lower() for c in content_encoding.split(",")]
    codings = [c for c in codings if c not in ("", "identity")]
    if not codings:
        return None
    if len(codings) > 1 or codings[0] not in _WBITS:
        raise _BodyRefused(f"answered in an unsupported Content-Encoding {content_encoding!r}")
    return zlib.decompressobj(_WBITS[codings[0]])


async def read_capped(response: httpx.Response, limit: int) -> bytes:
    """The decoded body, read as it arrives; more than ``limit`` decoded bytes is refused.

    httpx's own decoders inflate a whole network chunk at once (a gzip bomb turns 64 KiB on
    the wire into ~64 MiB), so the raw stream is inflated here with zlib's ``max_length``:
    memory stays within ``limit`` plus one network chunk whatever the backend sends.
    """
    inflater = _inflater(response.headers.get("content-encoding", ""))
    body = bytearray()
    try:
        async for chunk in response.aiter_raw():
            if inflater is not None:
                chunk = inflater.decompress(chunk, limit - len(body) + 1)
            body += chunk
            if len(body) > limit:
                raise _BodyRefused(f"answered more than {limit} bytes")
        if inflater is not None:
            body += inflater.flush()
    except zlib.error as exc:
        raise _BodyRefused(f"answered a body that does not decode ({exc})") from None
    if len(body) > limit:
        raise _BodyRefused(f"answered more than {limit} bytes")
    return bytes(body)


class BackendClient:
    def __init__(self, http: httpx.AsyncClient, settings: BackendClientSettings) -> None:
        self._http = http
        self.url = settings.backend_url
        self.timeout = settings.backend_timeout
        self.pool_timeout = settings.backend_pool_timeout
        self.max_body = settings.backend_max_body_bytes
        # httpx's pool rescans every queued request whenever a connection frees up: with
        # thousands queued the event loop does little else. Calls wait here instead, in
        # order, for one of the pool's connections, and give up after the pool timeout.
        self._pool_gate = SemaphoreBulkhead(
            "pool",
            BulkheadConfig(settings.backend_max_connections, settings.backend_pool_timeout),
            event_buffer_size=1,
        )

    async def fetch_message(self) -> str:
        """GET the backend's message; any failure raises ``BackendUnavailable``.

        A failure is a connect error, no complete answer within the timeout (a deadline on
        the whole call, not per phase), any non-2xx status or a body over ``max_body``
        decoded bytes (or one that does not decode).
        """
        try:
            async with (
                asyncio.timeout(self.timeout),
                self._pool_gate.permit(),
                self._http.stream("GET", self.url) as answer,
            ):
                if not answer.is_success:
                    raise BackendUnavailable(
                        f"{self.url} answered HTTP {answer.status_code}",
                        status_kind(answer.status_code),
                    )
                body = await read_capped(answer, self.max_body)
        except (BulkheadFullError, httpx.PoolTimeout):
            raise BackendBusy(
                f"no free connection to {self.url} within {self.pool_timeout:g} s"
            ) from None
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
        except _BodyRefused as exc:
            raise BackendUnavailable(f"{self.url} {exc}") from None
        return body.decode(answer.encoding or "utf-8", errors="replace")

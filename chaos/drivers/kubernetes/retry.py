"""Transient API failures, retried as a careful operator would: capped backoff, a deadline.

A failure is *transient* when trying again may work: 429 (the server asks us to slow down,
with ``Retry-After``), a 5xx, a timeout, a dropped connection, a refused connection (an API
server restarting). It is *ambiguous* when the request may have been applied although no
answer says so (a 5xx other than 429's kind of refusal, a read timeout, a connection reset
after the request went out): a destructive call must then read the object's state instead
of assuming either outcome.
"""

from __future__ import annotations

import email.utils
import logging
import time
from dataclasses import dataclass, field

import urllib3
from kubernetes import client

from chaos.signalstate import stop_pending

logger = logging.getLogger("chaosrun")

TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})
# Failures that happen before the request reaches the server: never ambiguous.
_NOT_SENT = (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError)


def transient_status(exc: client.ApiException) -> bool:
    return exc.status in TRANSIENT_STATUSES


def may_have_applied(exc: BaseException) -> bool:
    """True when the failed request may still have been carried out by the server."""
    if isinstance(exc, client.ApiException):
        return exc.status != 429 and transient_status(exc)
    reason: BaseException | None = exc
    while isinstance(reason, urllib3.exceptions.MaxRetryError):
        reason = reason.reason
    return not isinstance(reason, _NOT_SENT)


def retry_after(exc: BaseException) -> float | None:
    """The server's ``Retry-After`` in seconds (delta or HTTP date), if it sent one."""
    headers = getattr(exc, "headers", None)
    value = headers.get("Retry-After") if headers is not None else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


@dataclass
class Backoff:
    """Capped exponential delays within a deadline (seconds from creation)."""

    deadline: float
    first: float = 0.2
    cap: float = 5.0
    _until: float = field(init=False)
    _next: float = field(init=False)

    def __post_init__(self) -> None:
        self._until = time.monotonic() + self.deadline
        self._next = self.first

    def wait(self, why: str, hint: float | None = None) -> bool:
        """Sleep before the next try and return True; False when the deadline forbids it,
        or when a stopping signal waits for this call to end (``chaos.signalstate``).

        ``hint`` is the server's own ``Retry-After``; it is honoured up to the cap.
        """
        if stop_pending():
            logger.warning("  %s; not trying again: the run is stopping", why)
            return False
        delay = min(self.cap, hint if hint is not None else self._next)
        if time.monotonic() + delay > self._until:
            return False
        logger.warning("  %s; trying again in %.1fs", why, delay)
        time.sleep(delay)
        self._next = min(self.cap, self._next * 2)
        return True

"""Resilience4j's ``SemaphoreBulkhead`` on asyncio: at most ``max_concurrent_calls`` calls run
at once; a call that finds none free waits up to ``max_wait_duration`` seconds (in arrival
order, as Resilience4j's fair semaphore), then is rejected with ``BulkheadFullError``.

* a permit is taken by ``acquire_permission`` (``try_acquire_permission`` never waits) and
  given back by ``on_complete``, whatever the call's outcome; ``permit()`` does both around
  a block, cancellation included;
* each attempt publishes ``CALL_PERMITTED`` or ``CALL_REJECTED``, each completion
  ``CALL_FINISHED`` (``BulkheadEvent.Type``);
* ``available_concurrent_calls`` and ``max_allowed_concurrent_calls`` are its metrics.

It lives on the event loop's thread: no lock, and no ``await`` between a check and the change
it decides.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class BulkheadConfig:
    """Resilience4j's ``BulkheadConfig`` defaults."""

    max_concurrent_calls: int = 25  # maxConcurrentCalls
    max_wait_duration: float = 0.0  # maxWaitDuration, seconds; 0: reject at once

    def __post_init__(self) -> None:
        if self.max_concurrent_calls < 0:
            raise ValueError("max_concurrent_calls must not be negative")
        if self.max_wait_duration < 0:
            raise ValueError("max_wait_duration must not be negative")


class BulkheadEventType(StrEnum):
    CALL_PERMITTED = "CALL_PERMITTED"
    CALL_REJECTED = "CALL_REJECTED"
    CALL_FINISHED = "CALL_FINISHED"


@dataclass(frozen=True, slots=True)
class BulkheadEvent:
    bulkhead_name: str
    type: BulkheadEventType
    creation_time: float  # seconds since the epoch

    def to_dto(self) -> dict[str, Any]:
        """resilience4j-spring-boot's ``BulkheadEventDTO``."""
        return {
            "bulkheadName": self.bulkhead_name,
            "type": self.type.value,
            "creationTime": datetime.fromtimestamp(self.creation_time, UTC).isoformat(),
        }


class BulkheadFullError(Exception):
    """Resilience4j's ``BulkheadFullException``: the call was not run."""

    def __init__(self, name: str) -> None:
        super().__init__(f"Bulkhead '{name}' is full and does not permit further calls")
        self.name = name


class SemaphoreBulkhead:
    def __init__(
        self, name: str, config: BulkheadConfig | None = None, event_buffer_size: int = 100
    ) -> None:
        self.name = name
        self.config = config or BulkheadConfig()
        self._available = self.config.max_concurrent_calls
        self._waiters: deque[asyncio.Future[None]] = deque()
        self.events: deque[BulkheadEvent] = deque(maxlen=event_buffer_size)
        self.counts = dict.fromkeys(BulkheadEventType, 0)

    @property
    def available_concurrent_calls(self) -> int:
        return self._available

    @property
    def max_allowed_concurrent_calls(self) -> int:
        return self.config.max_concurrent_calls

    def _publish(self, event_type: BulkheadEventType) -> None:
        self.counts[event_type] += 1
        self.events.append(BulkheadEvent(self.name, event_type, time.time()))

    def _take_free_permit(self) -> bool:
        # Fair: a free permit goes to a waiting call before a new one.
        if self._available > 0 and not self._waiters:
            self._available -= 1
            return True
        return False

    def try_acquire_permission(self) -> bool:
        """Take a permit if one is free now (``Bulkhead.tryAcquirePermission`` with no wait)."""
        permitted = self._take_free_permit()
        self._publish(
            BulkheadEventType.CALL_PERMITTED if permitted else BulkheadEventType.CALL_REJECTED
        )
        return permitted

    async def acquire_permission(self) -> None:
        """Take a permit, waiting up to ``max_wait_duration``; else raise ``BulkheadFullError``."""
        if self._take_free_permit():
            self._publish(BulkheadEventType.CALL_PERMITTED)
            return
        if self.config.max_wait_duration > 0 and await self._wait_for_permit():
            self._publish(BulkheadEventType.CALL_PERMITTED)
            return
        self._publish(BulkheadEventType.CALL_REJECTED)
        raise BulkheadFullError(self.name)

    async def _wait_for_permit(self) -> bool:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout(self.config.max_wait_duration):
                await waiter
            return True
        except TimeoutError:
            # A permit handed over as the wait ran out is still ours.
            return waiter.done() and not waiter.cancelled()
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.on_complete(publish=False)
            raise
        finally:
            if not waiter.done():
                waiter.cancel()
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    def on_complete(self, *, publish: bool = True) -> None:
        """Give a permit back (``Bulkhead.onComplete``): to the longest waiter, if any."""
        if publish:
            self._publish(BulkheadEventType.CALL_FINISHED)
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._available += 1

    @asynccontextmanager
    async def permit(self) -> AsyncIterator[None]:
        """``async with bulkhead.permit(): ...`` runs the block under a permit."""
        await self.acquire_permission()
        try:
            yield
        finally:
            self.on_complete()

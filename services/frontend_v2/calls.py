"""The ways code calls through the breaker: a coroutine, a plain callable, a ``with`` block or a
decorated function. Each takes a permit, runs, and reports how it ended, with its duration."""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Awaitable, Callable, Iterator
from functools import wraps
from typing import Any, TypeVar

T = TypeVar("T")


class GuardedCalls:
    """The call paths of ``SlidingWindowCircuitBreaker``, over its ``_acquire``/``_finish``."""

    _clock: Callable[[], float]

    def _acquire(
        self, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> int:
        """Take a permit or raise; return the generation of the state that gave it."""
        raise NotImplementedError

    def _finish(self, generation: int, started: float, exc: BaseException | None) -> None:
        """Record how the call admitted by ``_acquire`` ended."""
        raise NotImplementedError

    @contextlib.contextmanager
    def _permit(
        self, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Iterator[None]:
        """Take a permit, run the block, record its outcome. The lock is taken only inside
        ``_acquire`` and ``_finish``, never for the duration of the block."""
        generation = self._acquire(func, args, kwargs)
        started = self._clock()
        try:
            yield
        except BaseException as exc:
            self._finish(generation, started, exc)
            raise
        self._finish(generation, started, None)

    async def call_async(self, func: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        """Await ``func(*args, **kwargs)`` under the breaker (no lock held while awaiting)."""
        with self._permit(func, args, kwargs):
            return await func(*args, **kwargs)

    def call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a plain callable under the breaker, with the same window semantics."""
        with self._permit(func, args, kwargs):
            return func(*args, **kwargs)

    @contextlib.contextmanager
    def calling(self) -> Iterator[None]:
        """``with breaker.calling(): ...`` guards a synchronous block."""
        with self._permit(self.calling, (), {}):
            yield

    def __call__(self, *call_args: Any, **call_kwargs: Any) -> Callable[..., Any]:
        """``@breaker`` guards plain functions and ``async def`` functions alike."""

        def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
            if inspect.iscoroutinefunction(func):

                @wraps(func)
                async def guarded_async(*args: Any, **kwargs: Any) -> Any:
                    return await self.call_async(func, *args, **kwargs)

                return guarded_async

            @wraps(func)
            def guarded(*args: Any, **kwargs: Any) -> Any:
                return self.call(func, *args, **kwargs)

            return guarded

        return decorate(call_args[0]) if call_args else decorate

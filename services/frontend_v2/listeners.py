"""pybreaker listeners the app plugs into the breaker."""

from __future__ import annotations

import logging

import pybreaker

from services.frontend_v2.states import STATE_NAMES

log = logging.getLogger("services.frontend_v2.breaker")


class StateChangeLogger(pybreaker.CircuitBreakerListener):
    """Log every state change at WARNING with the old and the new state."""

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self._log = logger or log

    def state_change(
        self,
        cb: pybreaker.CircuitBreaker,
        old_state: pybreaker.CircuitBreakerState | None,
        new_state: pybreaker.CircuitBreakerState,
    ) -> None:
        old = STATE_NAMES.get(old_state.name, old_state.name) if old_state else "none"
        new = STATE_NAMES.get(new_state.name, new_state.name)
        self._log.warning("Circuit breaker %s changed state: %s -> %s", cb.name, old, new)

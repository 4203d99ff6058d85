"""The breaker's six states under their three spellings, and pybreaker state classes for the
three special ones Resilience4j adds (DISABLED, FORCED_OPEN, METRICS_ONLY).

pybreaker knows "closed", "open" and "half-open"; the project's API (``/breaker``, metric
labels) writes ``half_open``; Resilience4j (actuator, events) writes ``HALF_OPEN``.
"""

from __future__ import annotations

import pybreaker

from services.contract import (
    BREAKER_CLOSED,
    BREAKER_DISABLED,
    BREAKER_FORCED_OPEN,
    BREAKER_HALF_OPEN,
    BREAKER_METRICS_ONLY,
    BREAKER_OPEN,
)

STATE_DISABLED = "disabled"
STATE_FORCED_OPEN = "forced-open"
STATE_METRICS_ONLY = "metrics-only"

#: pybreaker's state name -> the project's (``services.contract``).
STATE_NAMES = {
    pybreaker.STATE_CLOSED: BREAKER_CLOSED,
    pybreaker.STATE_OPEN: BREAKER_OPEN,
    pybreaker.STATE_HALF_OPEN: BREAKER_HALF_OPEN,
    STATE_DISABLED: BREAKER_DISABLED,
    STATE_FORCED_OPEN: BREAKER_FORCED_OPEN,
    STATE_METRICS_ONLY: BREAKER_METRICS_ONLY,
}

#: Resilience4j publishes call events (success, error, not permitted...) only in these states;
#: DISABLED and FORCED_OPEN publish state transitions only (``State.allowPublish``).
PUBLISHING_STATES = frozenset(
    {pybreaker.STATE_CLOSED, pybreaker.STATE_OPEN, pybreaker.STATE_HALF_OPEN, STATE_METRICS_ONLY}
)

#: States that never record outcomes nor change state by themselves.
UNMETERED_STATES = frozenset({STATE_DISABLED, STATE_FORCED_OPEN})


def resilience4j_name(state: str) -> str:
    """``half-open`` -> ``HALF_OPEN`` (Resilience4j's ``CircuitBreaker.State``)."""
    return STATE_NAMES[state].upper()


def transition_name(old: str, new: str) -> str:
    """Resilience4j's ``StateTransition``, e.g. ``CLOSED_TO_OPEN``."""
    return f"{resilience4j_name(old)}_TO_{resilience4j_name(new)}"


class SpecialState(pybreaker.CircuitBreakerState):
    """A state pybreaker stores and announces to its listeners like its own three. The
    breaker subclass implements what calls do in it, so it needs no ``call`` logic."""

    state_name = ""

    def __init__(
        self,
        cb: pybreaker.CircuitBreaker,
        prev_state: pybreaker.CircuitBreakerState | None = None,
        notify: bool = False,
    ) -> None:
        super().__init__(cb, self.state_name)
        if notify:
            for listener in cb.listeners:
                listener.state_change(cb, prev_state, self)


class DisabledState(SpecialState):
    state_name = STATE_DISABLED


class ForcedOpenState(SpecialState):
    state_name = STATE_FORCED_OPEN


class MetricsOnlyState(SpecialState):
    state_name = STATE_METRICS_ONLY


SPECIAL_STATES: dict[str, type[SpecialState]] = {
    cls.state_name: cls for cls in (DisabledState, ForcedOpenState, MetricsOnlyState)
}

"""Frontend v2: the backend call wrapped in a Resilience4j-style circuit breaker with a fallback.

``python -m services.frontend_v2`` runs it; the names below are what other code may use.
"""

from services.frontend_v2.breaker import CallNotPermittedError, SlidingWindowCircuitBreaker
from services.frontend_v2.config import BreakerConfig, SlidingWindowType
from services.frontend_v2.events import BreakerEvent, CircularEventConsumer, EventType
from services.frontend_v2.listeners import StateChangeLogger
from services.frontend_v2.snapshot import BreakerSnapshot

__all__ = [
    "BreakerConfig",
    "BreakerEvent",
    "BreakerSnapshot",
    "CallNotPermittedError",
    "CircularEventConsumer",
    "EventType",
    "SlidingWindowCircuitBreaker",
    "SlidingWindowType",
    "StateChangeLogger",
]

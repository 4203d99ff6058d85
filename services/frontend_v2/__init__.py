"""Frontend v2: the backend call wrapped in a sliding-window circuit breaker with a fallback."""

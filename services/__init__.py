"""The demo services: a backend and two frontends (v1 direct, v2 behind a circuit breaker)."""

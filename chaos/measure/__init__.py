"""Live measurement: probe the frontend on a fixed interval while the chaos runs.

Usage (the engine does this around the method)::

    from chaos.measure import Prober, Measurement

    prober = Prober("http://127.0.0.1:8080/", breaker_url=None)
    prober.start()          # background thread, returns at once
    ...                     # actions and pauses
    m: Measurement = prober.stop()
    journal["measurements"] = m.to_journal()
    for label, value in m.summary_rows(): ...

Its names are imported when first used: a run that measures nothing imports neither the
models (pydantic) nor the prober's HTTP client.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chaos.measure.models import Measurement, Outage, Sample, Summary, Transition
    from chaos.measure.prober import Prober, breaker_url_of

__all__ = [
    "Measurement",
    "Outage",
    "Prober",
    "Sample",
    "Summary",
    "Transition",
    "breaker_url_of",
]

_HOMES = {
    "Measurement": "models",
    "Outage": "models",
    "Sample": "models",
    "Summary": "models",
    "Transition": "models",
    "Prober": "prober",
    "breaker_url_of": "prober",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f"chaos.measure.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

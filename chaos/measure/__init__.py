"""Live measurement: probe the frontend on a fixed interval while the chaos runs.

Usage (the engine does this around the method)::

    from chaos.measure import Prober, Measurement

    prober = Prober("http://127.0.0.1:8080/", breaker_url=None)
    prober.start()          # background thread, returns at once
    ...                     # actions and pauses
    m: Measurement = prober.stop()
    journal["measurements"] = m.to_journal()
    for label, value in m.summary_rows(): ...
"""

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

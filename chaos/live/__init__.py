"""``--live``: the run's events served to browsers while it lasts (a page, Server-Sent Events,
the journal at the end), from a thread of its own so the measurement keeps its schedule."""

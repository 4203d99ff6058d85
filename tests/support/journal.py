"""The journal layout SPEC.md fixes, written out here (not taken from the runner) so that a
test catches the runner drifting from it."""

#: The Chaos Toolkit journal's top-level keys.
JOURNAL_KEYS = frozenset(
    {
        "experiment",
        "start",
        "end",
        "duration",
        "status",
        "deviated",
        "steady_states",
        "run",
        "rollbacks",
    }
)

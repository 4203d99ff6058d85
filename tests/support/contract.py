"""The texts SPEC.md fixes, written out again (not imported from the services) so that a test
catches a service drifting from the contract."""

BACKEND_MESSAGE = "Hello, I'm backend!"
FALLBACK = "Sorry...I'm frontend."
TITLE = "サンプルアプリケーション"

#: The Chaos Toolkit journal's top-level keys (SPEC, "A journal ... with the layout").
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

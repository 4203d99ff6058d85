"""Exceptions raised by chaos actions and probes."""

from __future__ import annotations

from chaos.errors import RunFailure


class ActivityFailed(RunFailure):
    """An action or probe could not do its job; the message is one sentence for the user."""

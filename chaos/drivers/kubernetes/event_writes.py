"""core/v1 Events chaosrun writes on the objects it changes (``kubectl describe`` shows them)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from chaos.drivers.kubernetes.transport import CORE, ApiCalls


class EventWrites(ApiCalls):
    def create_event(self, namespace: str, body: dict[str, Any]) -> None:
        """POST one Event, once: an Event is a trail, never worth a retry loop."""
        self.send("POST", f"{CORE}/namespaces/{quote(namespace)}/events", body=body)

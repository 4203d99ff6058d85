"""``chaosk8s``: chaostoolkit-kubernetes 0.39's catalogue as chaosrun runs it, one module here
per module of the extension (``chaos.actions.chaosk8s.pod.probes`` is ``chaosk8s.pod.probes``).
This module is ``chaosk8s`` itself: ``discover`` and ``create_k8s_api_client``."""

from __future__ import annotations

import platform
import uuid
from datetime import UTC, datetime
from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.declare import declare, planned

__all__ = ["create_k8s_api_client", "discover"]

EXTENSION = "chaostoolkit-kubernetes"
VERSION = "0.39.0"


@planned(
    "other",
    destructive=False,
    undo="not run (a client object)",
    why="it returns a Python client object, which an experiment run by chaosrun has no use for",
)
def create_k8s_api_client(ctx: RunContext, secrets: Any = None) -> Any:
    raise NotImplementedError


@declare("other", uses_target=False)
def discover(ctx: RunContext, discover_system: bool = True) -> dict[str, Any]:
    """The Chaos Toolkit's discovery document of this catalogue: its activities with their
    arguments, defaults and types, as ``chaostoolkit discover`` lists them."""
    from chaos.actions.discovery import activities

    plt = platform.uname()
    return {
        "chaoslib_version": None,
        "id": str(uuid.uuid4()),
        "target": "kubernetes",
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "platform": {
            "system": plt.system,
            "node": plt.node,
            "release": plt.release,
            "version": plt.version,
            "machine": plt.machine,
            "proc": plt.processor,
            "python": platform.python_version(),
        },
        "extension": {"name": EXTENSION, "version": VERSION},
        "activities": activities("chaosk8s."),
        "system": None,
    }

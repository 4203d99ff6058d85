"""What the read-only probes share: listing objects through the driver, waiting for a state,
and the chaosk8s habit of raising or answering False."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.errors import ActivityFailed
from chaos.drivers.base import ObjectKind, Selection

logger = logging.getLogger("chaosrun")

# Seconds between two looks at an object while a probe waits for its state.
WAIT_INTERVAL = 0.5


def by_name(name: str | None) -> str | None:
    """The field selector chaosk8s lists a named object with."""
    return f"metadata.name={name}" if name else None


def listing(
    ctx: RunContext,
    kind: ObjectKind,
    ns: str | None = None,
    label_selector: str | None = None,
    field_selector: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """The API's list answer, whole (what ``_preload_content=False`` gives chaosk8s)."""
    selection = Selection(ns, label_selector or None, field_selector or None, limit)
    return ctx.driver().list_objects(kind, selection)


def items(
    ctx: RunContext,
    kind: ObjectKind,
    ns: str | None = None,
    label_selector: str | None = None,
    field_selector: str | None = None,
) -> list[dict[str, Any]]:
    found = listing(ctx, kind, ns, label_selector, field_selector).get("items") or []
    return [item for item in found if isinstance(item, dict)]


def field(obj: dict[str, Any], *path: str) -> Any:
    """``obj[a][b]...``, None where a level is missing (the client's model would say None)."""
    node: Any = obj
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def count(obj: dict[str, Any], *path: str) -> int:
    """A replica count: absent means none (the API leaves zero counts out)."""
    value = field(obj, *path)
    return value if isinstance(value, int) else 0


def verdict(ok: bool, message: str, raise_on_failure: bool) -> bool:
    """True; or, as chaosk8s does, ``message`` raised, or False when asked not to raise."""
    if ok:
        return True
    if raise_on_failure:
        raise ActivityFailed(message)
    logger.debug(message)
    return False


def wait_for(state: Callable[[], bool], timeout: Any) -> bool:
    """Look until ``state()`` holds (True) or ``timeout`` seconds pass (False); always one look."""
    deadline = time.monotonic() + float(timeout)
    while True:
        if state():
            return True
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(WAIT_INTERVAL, left))

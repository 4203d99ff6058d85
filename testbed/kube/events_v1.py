"""``events.k8s.io/v1`` Events: the same objects as core/v1 Events, seen through the real
server's field conversion (``regarding`` is ``involvedObject``, ``note`` is ``message``,
``reportingController`` is ``reportingComponent``, ``deprecated*`` the old counters), so an
Event written in one group is read in the other."""

from __future__ import annotations

import re
from typing import Any

from starlette.responses import JSONResponse, Response

from testbed.kube.resources import EVENTS, EVENTS_V1, ApiError, Obj, merge_patch
from testbed.kube.store import Store

_RENAMED = {  # events.k8s.io/v1 field -> core/v1 field
    "regarding": "involvedObject",
    "note": "message",
    "reportingController": "reportingComponent",
    "deprecatedSource": "source",
    "deprecatedFirstTimestamp": "firstTimestamp",
    "deprecatedLastTimestamp": "lastTimestamp",
    "deprecatedCount": "count",
}
_SAME = (
    "metadata",
    "eventTime",
    "series",
    "action",
    "reason",
    "related",
    "type",
    "reportingInstance",
)


def to_core(event: Obj) -> Obj:
    core = {key: event[key] for key in _SAME if key in event}
    core.update({old: event[new] for new, old in _RENAMED.items() if new in event})
    return core


def from_core(event: Obj) -> Obj:
    v1 = {key: event[key] for key in _SAME if key in event}
    v1.update({new: event[old] for new, old in _RENAMED.items() if old in event})
    return {"kind": "Event", "apiVersion": EVENTS_V1.api_version, **v1}


def core_fields(selector: str | None) -> str | None:
    """A field selector on events.k8s.io/v1 names, in core/v1 names."""
    if not selector:
        return selector
    renamed = []
    for part in selector.split(","):
        head, rest = re.match(r"\s*([A-Za-z]*)(.*)", part).groups()  # type: ignore[union-attr]
        renamed.append(_RENAMED.get(head, head) + rest)
    return ",".join(renamed)


def answer(
    store: Store,
    method: str,
    namespace: str | None,
    name: str | None,
    query: dict[str, str],
    body: Any,
) -> Response:
    if name is None and method == "GET":
        items, rv = store.list(
            EVENTS, namespace, query.get("labelSelector"), core_fields(query.get("fieldSelector"))
        )
        limit = int(query.get("limit") or 0) or None
        listed = [
            {k: v for k, v in from_core(e).items() if k not in ("kind", "apiVersion")}
            for e in items
        ]
        return JSONResponse(
            {
                "kind": "EventList",
                "apiVersion": EVENTS_V1.api_version,
                "metadata": {"resourceVersion": rv},
                "items": listed[:limit],
            }
        )
    if name is None and method == "POST" and isinstance(body, dict):
        if namespace is None:
            raise ApiError(405, "MethodNotAllowed", "create needs a namespace in the path")
        return JSONResponse(from_core(store.create(EVENTS, namespace, to_core(body))), 201)
    if name is not None and method == "GET":
        return JSONResponse(from_core(store.get(EVENTS, namespace, name)))
    if name is not None and method == "PATCH" and isinstance(body, dict):
        with store.lock:
            patched = merge_patch(from_core(store.get(EVENTS, namespace, name)), body)
            return JSONResponse(
                from_core(store.replace(EVENTS, namespace, name, to_core(patched), None))
            )
    if name is not None and method == "DELETE":
        gone = from_core(store.get(EVENTS, namespace, name))
        store.delete(EVENTS, namespace, name)
        return JSONResponse(
            {
                "kind": "Status",
                "apiVersion": "v1",
                "metadata": {},
                "status": "Success",
                "details": {
                    "name": gone["metadata"]["name"],
                    "group": "events.k8s.io",
                    "kind": "events",
                },
            }
        )
    raise ApiError(405, "MethodNotAllowed", f"{method} is not allowed here")

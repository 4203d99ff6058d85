"""Watches (``?watch=true`` on a list path): newline-delimited JSON events, as the real server
streams them. Without a ``resourceVersion`` (or with ``0``) the objects that exist come first as
``ADDED``; then every change of a matching object as ``ADDED``, ``MODIFIED`` or ``DELETED``,
until ``timeoutSeconds`` pass or the client goes away."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import StreamingResponse

from testbed.kube.resources import ApiError, Obj, Resource
from testbed.kube.store import Key, Store, selection

_POLL = 0.02  # seconds between looks at the store's change counter
_LONGEST = 1800  # the real server ends a watch after 30-60 minutes


def watch_response(
    store: Store,
    request: Request,
    resource: Resource,
    namespace: str | None,
    query: dict[str, str],
) -> StreamingResponse:
    wanted = selection(resource, namespace, query.get("labelSelector"), query.get("fieldSelector"))
    try:
        timeout = min(int(query.get("timeoutSeconds", _LONGEST)), _LONGEST)
        since = int(query.get("resourceVersion") or 0)
    except ValueError:
        raise ApiError(
            400, "BadRequest", "timeoutSeconds and resourceVersion must be integers"
        ) from None

    def matching() -> dict[Key, Obj]:
        with store.lock:
            return {key: obj for key, _, obj in store.entries() if wanted(key, obj)}

    def events(seen: dict[Key, Obj], first: bool) -> tuple[list[tuple[str, Obj]], dict[Key, Obj]]:
        found: list[tuple[str, Obj]] = []
        now: dict[Key, Obj] = {}
        with store.lock:
            for key, obj in matching().items():
                rv = obj["metadata"]["resourceVersion"]
                before = seen.get(key)
                if before is not None and before["metadata"]["resourceVersion"] == rv:
                    now[key] = before
                    continue
                now[key] = copy.deepcopy(obj)
                if first and since and int(rv) <= since:
                    continue  # the client has seen it already
                found.append(
                    ("MODIFIED" if before is not None or (first and since) else "ADDED", now[key])
                )
        found += [("DELETED", obj) for key, obj in seen.items() if key not in now]
        return found, now

    async def stream() -> AsyncIterator[bytes]:
        deadline = time.monotonic() + timeout
        seen: dict[Key, Obj] = {}
        first = True
        writes = -1
        while time.monotonic() < deadline:
            if store.writes != writes:
                writes = store.writes
                found, seen = events(seen, first)
                first = False
                for kind, obj in found:
                    yield (json.dumps({"type": kind, "object": obj}) + "\n").encode()
            if await request.is_disconnected():
                return
            await asyncio.sleep(_POLL)

    return StreamingResponse(stream(), media_type="application/json")

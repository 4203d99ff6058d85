"""The fake Kubernetes API server's HTTP face: a Starlette app over a ``Store``.

Speaks the REST paths the official client uses (``/api/v1/...``, ``/apis/{group}/{version}/...``
for the built-in kinds and those CustomResourceDefinitions define, with or without a trailing
slash), discovery (``discovery``), watches (``watch``), the subresources ``status``, ``scale``,
``pods/eviction`` (``disruption``), ``pods/log`` and ``pods/exec`` (``pod_io``), bearer-token
authentication with 403s a test may switch on (``access``), ``Status`` bodies for errors, and
records every request so tests can check what the driver actually sent (e.g.
``gracePeriodSeconds``, ``propagationPolicy``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from testbed.kube import events_v1
from testbed.kube.access import Access, verb_of
from testbed.kube.discovery import discover
from testbed.kube.disruption import evict
from testbed.kube.pod_io import ExecLog, pod_log, upgrade_required
from testbed.kube.proxy import ServiceProxy, is_service_proxy
from testbed.kube.resources import EVENTS_V1, PODS, ApiError, Resource, no_such_path
from testbed.kube.scale import scale_of
from testbed.kube.store import Store
from testbed.kube.watch import watch_response

PATCH_TYPES = (
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
)
_EXEC_PATH = "/api/v1/namespaces/{namespace}/pods/{name}/exec"
_TRUE = ("1", "t", "T", "TRUE", "true", "True")  # what Go's strconv.ParseBool takes for true


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    body: Any


class FakeApiServer:
    def __init__(self, store: Store, token: str, viewer_token: str | None = None) -> None:
        self.store = store
        self.users = {token: "admin"}  # bearer token -> user name
        if viewer_token:
            self.users[viewer_token] = "viewer"  # may read, may not write (RBAC "view")
        self.requests: list[RecordedRequest] = []
        self._lists: dict[tuple[Any, ...], tuple[int, bytes]] = {}
        self.proxy = ServiceProxy(store)
        self.access = Access()  # ``access.deny(verb, resource)``: 403 from then on
        self.execs = ExecLog(store)  # the commands run through ``pods/exec``
        self.app = Starlette(
            routes=[
                WebSocketRoute(_EXEC_PATH, self._exec),
                Route(
                    "/{path:path}", self._handle, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]
                ),
            ]
        )

    def _user(self, authorization: str) -> str | None:
        if not authorization.startswith("Bearer "):
            return None
        return self.users.get(authorization.removeprefix("Bearer "))

    async def _exec(self, websocket: WebSocket) -> None:
        user = self._user(websocket.headers.get("authorization", ""))

        def check(namespace: str, name: str) -> None:
            self.access.check(user or "", "create", PODS, "exec", namespace, name)

        await self.execs.serve(websocket, user, check)

    async def _handle(self, request: Request) -> Response:
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return self._error(ApiError(400, "BadRequest", "the request body is not valid JSON"))
        query = dict(request.query_params)
        self.requests.append(RecordedRequest(request.method, request.url.path, query, body))
        user = self._user(request.headers.get("authorization", ""))
        if user is None:
            return self._error(ApiError(401, "Unauthorized", "Unauthorized"))
        parts = [p for p in request.url.path.split("/") if p]
        try:
            if parts[:2] == ["api", "v1"] and is_service_proxy(parts[2:]):
                if user == "viewer" and request.method != "GET":
                    raise ApiError(
                        403, "Forbidden", f'User "{user}" cannot proxy to services with a write'
                    )
                return await self.proxy.forward(request, parts[2:], raw)
            return await self._dispatch(request, parts, query, body, user)
        except ApiError as exc:
            return self._error(exc)

    @staticmethod
    def _error(exc: ApiError) -> Response:
        return JSONResponse(exc.status(), status_code=exc.code)

    async def _dispatch(
        self, request: Request, parts: list[str], query: dict[str, str], body: Any, user: str
    ) -> Response:
        method = request.method
        if method == "GET" and (document := discover(parts, self.store.registry)) is not None:
            return JSONResponse(document)
        if parts[:1] == ["api"] and len(parts) >= 3:
            group_version, rest = parts[1], parts[2:]
        elif parts[:1] == ["apis"] and len(parts) >= 4:
            group_version, rest = f"{parts[1]}/{parts[2]}", parts[3:]
        else:
            raise no_such_path()
        resource, namespace, name, sub = self._route(group_version, rest)
        watch = query.get("watch") in _TRUE
        self.access.check(user, verb_of(method, name, watch), resource, sub, namespace, name)
        if watch and method == "GET" and name is None:
            return watch_response(self.store, request, resource, namespace, query)
        if resource is EVENTS_V1:
            return events_v1.answer(self.store, method, namespace, name, query, body)
        if name is None:
            return self._collection(method, resource, namespace, query, body)
        if sub in ("eviction", "exec", "log"):
            return self._pod_subresource(method, namespace or "", name, sub, query, body)
        return self._object(request, resource, namespace, name, sub, query, body)

    def _pod_subresource(
        self, method: str, namespace: str, name: str, sub: str, query: dict[str, str], body: Any
    ) -> Response:
        if sub == "log" and method == "GET":
            return PlainTextResponse(pod_log(self.store, namespace, name, query.get("container")))
        if sub == "exec" and method in ("GET", "POST"):
            self.store.get(PODS, namespace, name)  # 404 first, as the real server
            raise upgrade_required()
        if sub == "eviction" and method == "POST":
            if not isinstance(body, dict):
                raise ApiError(400, "BadRequest", "the request body must be an Eviction object")
            with self.store.lock:
                return JSONResponse(evict(self.store, namespace, name, body), status_code=201)
        raise ApiError(405, "MethodNotAllowed", f"{method} is not allowed on pods/{sub}")

    def _route(
        self, group_version: str, rest: list[str]
    ) -> tuple[Resource, str | None, str | None, str | None]:
        registry = self.store.registry

        def find(plural: str) -> Resource:
            found = registry.find(group_version, plural)
            if found is None:
                raise no_such_path()
            return found

        inner = registry.find(group_version, rest[2]) if len(rest) >= 3 else None
        if rest[0] == "namespaces" and inner is not None and inner.namespaced:
            if len(rest) > 5:
                raise no_such_path()
            resource = find(rest[2])
            name = rest[3] if len(rest) > 3 else None
            sub = rest[4] if len(rest) > 4 else None
            namespace: str | None = rest[1]
        else:
            if len(rest) > 3:
                raise no_such_path()
            resource = find(rest[0])
            name = rest[1] if len(rest) > 1 else None
            sub = rest[2] if len(rest) > 2 else None
            namespace = None
            if name is not None and resource.namespaced:
                raise no_such_path()
        if sub is not None and sub not in resource.subresources:
            raise no_such_path()
        return resource, namespace, name, sub

    def _collection(
        self,
        method: str,
        resource: Resource,
        namespace: str | None,
        query: dict[str, str],
        body: Any,
    ) -> Response:
        store = self.store
        if method == "POST":
            if not isinstance(body, dict):
                raise ApiError(400, "BadRequest", "the request body must be a JSON object")
            if resource.namespaced and namespace is None:
                raise ApiError(405, "MethodNotAllowed", "create needs a namespace in the path")
            return JSONResponse(store.create(resource, namespace, body), status_code=201)
        if method == "GET":
            return self._list(resource, namespace, query)
        if method != "DELETE":
            raise ApiError(405, "MethodNotAllowed", f"{method} is not allowed on a collection")
        items, rv = store.list(
            resource, namespace, query.get("labelSelector"), query.get("fieldSelector")
        )
        options = self._delete_options(query, body)
        for item in items:
            meta = item["metadata"]
            store.delete(resource, meta.get("namespace"), meta["name"], *options)
        # As on a real server, list items carry no kind/apiVersion of their own.
        items = [
            {k: v for k, v in item.items() if k not in ("kind", "apiVersion")} for item in items
        ]
        return JSONResponse(
            {
                "kind": f"{resource.kind}List",
                "apiVersion": resource.api_version,
                "metadata": {"resourceVersion": rv},
                "items": items,
            }
        )

    def _list(self, resource: Resource, namespace: str | None, query: dict[str, str]) -> Response:
        """A list, answered from the serialized copy of the same query while nothing changed
        (so that the benchmarks measure the tools, not this server, on large namespaces)."""
        key = (resource.api_version, resource.plural, namespace, tuple(sorted(query.items())))
        writes = self.store.writes  # read first: the cached body is never older than its tag
        cached = self._lists.get(key)
        if cached is None or cached[0] != writes:
            body = self.store.list_json(
                resource, namespace, query.get("labelSelector"), query.get("fieldSelector")
            )
            cached = self._lists[key] = (writes, body)
        return Response(cached[1], media_type="application/json")

    @staticmethod
    def _delete_options(query: dict[str, str], body: Any) -> tuple[str | None, int | None]:
        options = body if isinstance(body, dict) else {}
        policy = query.get("propagationPolicy") or options.get("propagationPolicy")
        grace = query.get("gracePeriodSeconds", options.get("gracePeriodSeconds"))
        try:
            return policy, None if grace is None else int(grace)
        except ValueError:
            raise ApiError(400, "BadRequest", f"invalid gracePeriodSeconds {grace!r}") from None

    def _object(
        self,
        request: Request,
        resource: Resource,
        namespace: str | None,
        name: str,
        sub: str | None,
        query: dict[str, str],
        body: Any,
    ) -> Response:
        store, method = self.store, request.method
        if method == "GET":
            obj = store.get(resource, namespace, name)
            return JSONResponse(scale_of(obj) if sub == "scale" else obj)
        content_type = request.headers.get("content-type", "").split(";")[0].strip()
        if method == "PATCH" and content_type not in PATCH_TYPES:
            raise ApiError(
                415,
                "UnsupportedMediaType",
                f"the fake API server does not accept {content_type or 'untyped'} patches",
            )
        if method in ("PATCH", "PUT") and not isinstance(body, dict):
            raise ApiError(400, "BadRequest", "the request body must be a JSON object")
        if method == "PATCH":
            return JSONResponse(store.patch(resource, namespace, name, body, sub))
        if method == "PUT":
            return JSONResponse(store.replace(resource, namespace, name, body, sub))
        if method == "DELETE" and sub is None:
            lingering = store.delete(resource, namespace, name, *self._delete_options(query, body))
            if lingering is not None:
                return JSONResponse(lingering)
            details = {"name": name, "kind": resource.plural}
            if resource.group:
                details["group"] = resource.group
            return JSONResponse(
                {
                    "kind": "Status",
                    "apiVersion": "v1",
                    "metadata": {},
                    "status": "Success",
                    "details": details,
                }
            )
        raise ApiError(405, "MethodNotAllowed", f"{method} is not allowed here")

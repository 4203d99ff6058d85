"""The fake Kubernetes API server's HTTP face: a Starlette app over a ``Store``.

Speaks the REST paths the official client uses (``/api/v1/...``, ``/apis/apps/v1/...``, with or
without a trailing slash), discovery (``/version``, ``/api``, ``/apis``, group versions),
bearer-token authentication, ``Status`` bodies for errors, and records every request so tests
can check what the driver actually sent (e.g. ``gracePeriodSeconds``, ``propagationPolicy``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from testbed.kube.proxy import ServiceProxy, is_service_proxy
from testbed.kube.resources import RESOURCES, ApiError, Obj, Resource
from testbed.kube.store import Store

PATCH_TYPES = (
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    body: Any


def _version_info() -> Obj:
    return {
        "major": "1",
        "minor": "31",
        "gitVersion": "v1.31.0-fake.chaosrun",
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2026-01-01T00:00:00Z",
        "goVersion": "go1.22.0",
        "compiler": "gc",
        "platform": "linux/amd64",
    }


def _resource_list(group_version: str) -> Obj:
    resources: list[Obj] = []
    for res in RESOURCES:
        if res.api_version != group_version:
            continue
        resources.append(
            {
                "name": res.plural,
                "singularName": res.kind.lower(),
                "namespaced": res.namespaced,
                "kind": res.kind,
                "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update"],
            }
        )
        for sub in res.subresources:
            kind = "Scale" if sub == "scale" else res.kind
            resources.append(
                {
                    "name": f"{res.plural}/{sub}",
                    "namespaced": res.namespaced,
                    "kind": kind,
                    "verbs": ["get", "patch", "update"],
                }
            )
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": resources,
    }


def _group(name: str) -> Obj:
    version = {"groupVersion": f"{name}/v1", "version": "v1"}
    return {
        "kind": "APIGroup",
        "apiVersion": "v1",
        "name": name,
        "versions": [version],
        "preferredVersion": version,
    }


class FakeApiServer:
    def __init__(self, store: Store, token: str, viewer_token: str | None = None) -> None:
        self.store = store
        self.users = {token: "admin"}  # bearer token -> user name
        if viewer_token:
            self.users[viewer_token] = "viewer"  # may read, may not write (RBAC "view")
        self.requests: list[RecordedRequest] = []
        self.proxy = ServiceProxy(store)
        self.app = Starlette(
            routes=[
                Route(
                    "/{path:path}", self._handle, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]
                )
            ]
        )

    async def _handle(self, request: Request) -> Response:
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return self._error(ApiError(400, "BadRequest", "the request body is not valid JSON"))
        query = dict(request.query_params)
        self.requests.append(RecordedRequest(request.method, request.url.path, query, body))
        auth = request.headers.get("authorization", "")
        user = self.users.get(auth.removeprefix("Bearer ")) if auth.startswith("Bearer ") else None
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
            return self._dispatch(request, parts, query, body, user)
        except ApiError as exc:
            return self._error(exc)

    @staticmethod
    def _error(exc: ApiError) -> Response:
        return JSONResponse(exc.status(), status_code=exc.code)

    def _dispatch(
        self, request: Request, parts: list[str], query: dict[str, str], body: Any, user: str
    ) -> Response:
        method = request.method
        if parts == ["version"]:
            return JSONResponse(_version_info())
        if parts == ["api"]:
            return JSONResponse(
                {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}
            )
        if parts == ["apis"]:
            return JSONResponse(
                {"kind": "APIGroupList", "apiVersion": "v1", "groups": [_group("apps")]}
            )
        if parts == ["apis", "apps"]:
            return JSONResponse(_group("apps"))
        if parts[:1] == ["api"] and len(parts) >= 2:
            group_version, rest = parts[1], parts[2:]
        elif parts[:1] == ["apis"] and len(parts) >= 3:
            group_version, rest = f"{parts[1]}/{parts[2]}", parts[3:]
        else:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        if not rest:
            if method != "GET" or group_version not in {r.api_version for r in RESOURCES}:
                raise ApiError(404, "NotFound", "the server could not find the requested resource")
            return JSONResponse(_resource_list(group_version))
        resource, namespace, name, sub = self._route(group_version, rest)
        if user == "viewer" and method != "GET":
            raise self._forbidden(user, method, resource, namespace, name, sub)
        if query.get("watch") in ("true", "1"):
            raise ApiError(405, "MethodNotAllowed", "watch is not supported by the fake API server")
        if name is None:
            return self._collection(method, resource, namespace, query, body)
        return self._object(request, resource, namespace, name, sub, query, body)

    @staticmethod
    def _forbidden(
        user: str,
        method: str,
        resource: Resource,
        namespace: str | None,
        name: str | None,
        sub: str | None,
    ) -> ApiError:
        verb = {"POST": "create", "PUT": "update", "PATCH": "patch"}.get(
            method, "delete" if name else "deletecollection"
        )
        plural = f"{resource.plural}/{sub}" if sub else resource.plural
        where = f' in the namespace "{namespace}"' if namespace else ""
        return ApiError(
            403,
            "Forbidden",
            f'{resource.qualified} "{name or ""}" is forbidden: User "{user}" cannot {verb} '
            f'resource "{plural}" in API group "{resource.group}"{where}',
            {"name": name or "", "kind": resource.plural, "group": resource.group},
        )

    @staticmethod
    def _route(
        group_version: str, rest: list[str]
    ) -> tuple[Resource, str | None, str | None, str | None]:
        def find(plural: str) -> Resource:
            for res in RESOURCES:
                if res.api_version == group_version and res.plural == plural:
                    return res
            raise ApiError(404, "NotFound", "the server could not find the requested resource")

        namespaced_plurals = {r.plural for r in RESOURCES if r.namespaced}
        if rest[0] == "namespaces" and len(rest) >= 3 and rest[2] in namespaced_plurals:
            if len(rest) > 5:
                raise ApiError(404, "NotFound", "the server could not find the requested resource")
            resource = find(rest[2])
            name = rest[3] if len(rest) > 3 else None
            sub = rest[4] if len(rest) > 4 else None
            namespace: str | None = rest[1]
        else:
            if len(rest) > 3:
                raise ApiError(404, "NotFound", "the server could not find the requested resource")
            resource = find(rest[0])
            name = rest[1] if len(rest) > 1 else None
            sub = rest[2] if len(rest) > 2 else None
            namespace = None
            if name is not None and resource.namespaced:
                raise ApiError(404, "NotFound", "the server could not find the requested resource")
        if sub is not None and sub not in resource.subresources:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
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
        items, rv = store.list(
            resource, namespace, query.get("labelSelector"), query.get("fieldSelector")
        )
        if method == "DELETE":
            options = self._delete_options(query, body)
            for item in items:
                meta = item["metadata"]
                store.delete(resource, meta.get("namespace"), meta["name"], *options)
        elif method != "GET":
            raise ApiError(405, "MethodNotAllowed", f"{method} is not allowed on a collection")
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
            return JSONResponse(store.scale_of(resource, obj) if sub == "scale" else obj)
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

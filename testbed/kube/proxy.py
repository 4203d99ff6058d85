"""The API server's service proxy (``/api/v1/namespaces/{ns}/services/{name}[:port]/proxy/...``):
the request goes on to the real process a test routed the Service to, as the real API server
sends it on to one of the Service's pods."""

from __future__ import annotations

import httpx
from starlette.requests import Request
from starlette.responses import Response

from testbed.kube.resources import SERVICES, ApiError
from testbed.kube.store import Store


def is_service_proxy(rest: list[str]) -> bool:
    return (
        len(rest) >= 5
        and rest[0] == "namespaces"
        and rest[2] == "services"
        and (rest[4] == "proxy")
    )


class ServiceProxy:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.routes: dict[tuple[str, str], str] = {}  # (namespace, service) -> base URL

    def route(self, service: str, url: str, namespace: str = "default") -> None:
        """Requests proxied to ``service`` go to ``url`` (a real process on loopback)."""
        self.routes[(namespace, service)] = url.rstrip("/")

    async def forward(self, request: Request, rest: list[str], body: bytes) -> Response:
        namespace, ref = rest[1], rest[3]
        name, _, port = ref.partition(":")
        service = self.store.get(SERVICES, namespace, name)  # 404 as the real one does
        ports = service.get("spec", {}).get("ports") or []
        # Like the real proxy: a named port must be asked for by its name.
        if not any((p.get("name") or "") == port for p in ports):
            raise ApiError(
                503, "ServiceUnavailable", f'no service port "{port}" found for service "{name}"'
            )
        base = self.routes.get((namespace, name))
        if base is None:
            raise ApiError(
                503, "ServiceUnavailable", f'no endpoints available for service "{name}"'
            )
        path = "/" + "/".join(rest[5:])
        # The client's own headers go on, but Authorization: the real API server consumes
        # the credentials it authenticated the client with.
        headers = {
            name: value for name, value in request.headers.items() if name.lower().startswith("x-")
        }
        headers["content-type"] = request.headers.get("content-type", "application/json")
        try:
            async with httpx.AsyncClient(trust_env=False, timeout=10.0) as client:
                answer = await client.request(
                    request.method,
                    base + path,
                    params=dict(request.query_params),
                    content=body or None,
                    headers=headers,
                )
        except httpx.HTTPError as exc:
            raise ApiError(
                503, "ServiceUnavailable", f"error trying to reach service: {exc}"
            ) from None
        return Response(
            answer.content,
            status_code=answer.status_code,
            media_type=answer.headers.get("content-type"),
        )

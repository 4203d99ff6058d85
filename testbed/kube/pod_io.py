"""A pod's log and exec subresources. The fake runs no containers, so:

- ``pods/log`` answers the text in the pod's annotation ``fake.chaosrun/log`` (empty if none),
  404 for an unknown pod, 400 for a container the pod does not have, as the real server does;
- ``pods/exec`` over a websocket (the client's ``stream()``, channel protocol ``v4``) records the
  command in ``ExecLog`` and ends as a command that printed ``fake.chaosrun/exec-stdout``
  (annotation, may be empty) and exited 0; a plain HTTP request is answered 400 ``Upgrade
  request required``, as the real server answers one.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass

from starlette.websockets import WebSocket

from testbed.kube.resources import PODS, ApiError, Obj
from testbed.kube.store import Store

LOG_ANNOTATION = "fake.chaosrun/log"
EXEC_STDOUT_ANNOTATION = "fake.chaosrun/exec-stdout"
_PROTOCOLS = ("v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io")


def pod_log(store: Store, namespace: str, name: str, container: str | None) -> str:
    pod = store.get(PODS, namespace, name)
    _check_container(pod, container)
    return str((pod["metadata"].get("annotations") or {}).get(LOG_ANNOTATION, ""))


def _check_container(pod: Obj, container: str | None) -> None:
    names = [c.get("name") for c in pod["spec"].get("containers") or []]
    if container and container not in names:  # "" is no container named, as None
        raise ApiError(
            400,
            "BadRequest",
            f"container {container} is not valid for pod {pod['metadata']['name']}",
        )


def upgrade_required() -> ApiError:
    return ApiError(400, "BadRequest", "Upgrade request required")


@dataclass(frozen=True)
class Exec:
    namespace: str
    pod: str
    container: str | None
    command: tuple[str, ...]


class ExecLog:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.calls: list[Exec] = []
        self._lock = threading.Lock()

    async def serve(
        self, websocket: WebSocket, user: str | None, check: Callable[[str, str], None]
    ) -> None:
        offered = [
            p.strip() for p in websocket.headers.get("sec-websocket-protocol", "").split(",")
        ]
        protocol = next((p for p in _PROTOCOLS if p in offered), None)
        await websocket.accept(subprotocol=protocol)
        namespace, name = websocket.path_params["namespace"], websocket.path_params["name"]
        container = websocket.query_params.get("container")
        try:
            if user is None:
                raise ApiError(401, "Unauthorized", "Unauthorized")
            check(namespace, name)  # 403 if the user may not exec there
            pod = self.store.get(PODS, namespace, name)
            _check_container(pod, container)
            command = tuple(websocket.query_params.getlist("command"))
            with self._lock:
                self.calls.append(Exec(namespace, name, container, command))
            stdout = (pod["metadata"].get("annotations") or {}).get(EXEC_STDOUT_ANNOTATION, "")
            if stdout:
                await websocket.send_bytes(b"\x01" + stdout.encode())
            result: Obj = {"metadata": {}, "status": "Success"}
        except ApiError as exc:
            result = exc.status()
        await websocket.send_bytes(b"\x03" + json.dumps(result).encode())
        await websocket.close()

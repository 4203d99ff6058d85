"""A command in a pod's container, over the API server's ``pods/exec`` websocket (the client's
``stream``, as ``kubectl exec`` speaks it)."""

from __future__ import annotations

import json
from typing import Any

from chaos.drivers.base import ExecResult
from chaos.drivers.kubernetes.transport import ApiCalls

STDOUT_CHANNEL = 1
STDERR_CHANNEL = 2
ERROR_CHANNEL = 3


def _status(error: str) -> tuple[int, str]:
    """The exit code and message the error channel's ``Status`` carries ("" is success)."""
    if not error.strip():
        return 0, ""
    try:
        status: Any = json.loads(error)
    except ValueError:
        return 1, error.strip()
    if not isinstance(status, dict) or status.get("status") == "Success":
        return 0, ""
    causes = (status.get("details") or {}).get("causes") or []
    code = next((c.get("message") for c in causes if c.get("reason") == "ExitCode"), None)
    try:
        return int(code) if code is not None else 1, str(status.get("message", ""))
    except ValueError:
        return 1, str(status.get("message", ""))


class PodExec(ApiCalls):
    def exec_in_pod(
        self,
        pod: str,
        namespace: str,
        command: list[str],
        container: str | None,
        timeout: float,
    ) -> ExecResult:
        from kubernetes import client
        from kubernetes.stream import stream

        def run() -> ExecResult:
            core = client.CoreV1Api(self.api_client)
            options: dict[str, Any] = {"container": container} if container else {}
            response = stream(
                core.connect_get_namespaced_pod_exec,
                pod,
                namespace,
                command=command,
                stderr=True,
                stdin=False,
                stdout=True,
                tty=False,
                _preload_content=False,
                **options,
            )
            response.run_forever(timeout=timeout)
            stdout = response.read_channel(STDOUT_CHANNEL)
            stderr = response.read_channel(STDERR_CHANNEL)
            code, message = _status(response.read_channel(ERROR_CHANNEL))
            response.close()
            return ExecResult(code, stdout, stderr or message)

        # Not repeated: the command may have run.
        return self.once(f"exec in pod {pod!r} in namespace {namespace!r}", None, run)

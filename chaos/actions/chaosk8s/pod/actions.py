"""``chaosk8s.pod.actions``."""

from __future__ import annotations

from typing import Any

from chaos.actions import pod_exec, pods
from chaos.actions.context import RunContext
from chaos.actions.declare import BY_CONTROLLERS, IRREVERSIBLE, declare

__all__ = ["delete_pods", "exec_in_pods", "terminate_pods"]

terminate_pods = declare("action", destructive=True, undo=BY_CONTROLLERS)(pods.terminate_pods)
# The name chaosk8s used before terminate_pods (kept for the tutorial's files).
delete_pods = declare("action", destructive=True, undo=BY_CONTROLLERS)(pods.delete_pods)


@declare("action", destructive=True, local=False, undo=IRREVERSIBLE, irreversible=True)
def exec_in_pods(
    ctx: RunContext,
    cmd: str | list[str],
    label_selector: str | None = None,
    name_pattern: str | None = None,
    all: bool = False,
    rand: bool = False,
    mode: str = "fixed",
    qty: int = 1,
    ns: str = "default",
    order: str = "alphabetic",
    container_name: str | None = None,
    request_timeout: int = 60,
    secrets: Any = None,
) -> list[dict[str, Any]]:
    """Run ``cmd`` in the selected pods' container ``container_name`` (the first when none);
    what a command does cannot be undone: refused unless --allow-irreversible."""
    return pod_exec.exec_in_pods(
        ctx,
        cmd,
        pod_exec.PodChoice(label_selector, name_pattern, all, rand, mode, qty, ns, order),
        container_name,
        request_timeout,
    )

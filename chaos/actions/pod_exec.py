"""``exec_in_pods``: a command in the chosen pods' containers. What a command does cannot be
undone, so a run makes it only with --allow-irreversible, and its journal says so."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.errors import ActivityFailed
from chaos.actions.pods import guard_namespace, matching_pods, select_pods


@dataclass(frozen=True)
class PodChoice:
    """Which pods, as chaosk8s' pod functions choose them."""

    label_selector: str | None
    name_pattern: str | None
    all: bool
    rand: bool
    mode: str
    qty: int
    ns: str
    order: str


def exec_in_pods(
    ctx: RunContext,
    cmd: str | list[str],
    choice: PodChoice,
    container_name: str | None,
    request_timeout: int,
) -> list[dict[str, Any]]:
    if not cmd:
        raise ActivityFailed("A command must be set to run a container")
    command = shlex.split(cmd) if isinstance(cmd, str) else [str(c) for c in cmd]
    ns = choice.ns
    guard_namespace(ctx, ns)
    pods = [
        p
        for p in matching_pods(ctx, ns, choice.label_selector, choice.name_pattern)
        if not p.terminating
    ]
    chosen = select_pods(
        pods,
        all=choice.all,
        rand=choice.rand,
        mode=choice.mode,
        qty=choice.qty,
        order=choice.order,
        ctx=ctx,
    )
    names = [p.name for p in chosen]
    if ctx.announce_dry_run(f"run {shlex.join(command)!r} in pod", ns, names):
        return []
    if not ctx.allow_irreversible:
        raise ActivityFailed(
            "what a command run in a pod does cannot be undone (pass --allow-irreversible if "
            "you really mean it)"
        )
    driver = ctx.driver()
    results = []
    for name in names:
        ctx.irreversible(f"run {shlex.join(command)!r} in pod {ns}/{name}")
        done = driver.exec_in_pod(name, ns, command, container_name, float(request_timeout))
        results.append(
            {
                "pod_name": name,
                "exit_code": done.exit_code,
                "cmd": cmd,
                "stdout": done.stdout,
                "stderr": done.stderr,
            }
        )
    return results

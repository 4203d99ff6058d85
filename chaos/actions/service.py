"""A slow Service that knows nothing of chaosrun: ``chaosrun.service.slow_down`` and its
rollback ``restore_speed``.

A fault proxy goes in front of the Service's pods: a shadow Service selects them, the proxy
(``chaosrun proxy``) forwards to it with the delay and the share of errors, and the Service's
selector is swapped to the proxy's pods once they are Ready. Before anything is created, the
original selector and the names of what will be created are in the run record (fsynced), so a
rollback, a signal or ``chaosrun restore`` puts the selector back and deletes the rest.
"""

from __future__ import annotations

import os
import time
from typing import Any

from chaos.actions.affected import guard_service
from chaos.actions.backend import MAX_DELAY, fault_spec
from chaos.actions.context import MadeChange, RunContext
from chaos.actions.errors import ActivityFailed
from chaos.actions.pods import guard_namespace
from chaos.defaults import PROXY_IMAGE, PROXY_IMAGE_ENV, PROXY_READY_TIMEOUT
from chaos.drivers.base import (
    Driver,
    DriverError,
    NotFound,
    ProxyFault,
    ServiceInfo,
    ServiceProxy,
    proxy_name,
    shadow_name,
)
from chaos.values import has_variables
from services.contract import BACKEND_SERVICE

#: The run record's kind for a Service put behind the fault proxy.
PROXY_KIND = "ServiceProxy"
#: What taking it away did, for the Event on the Service.
UNFRONTED = "took the fault proxy away: the selector is back, the proxy and shadow Service deleted"


def resolve_image(image: str | None = None) -> str:
    """The proxy's image: the argument, else ``CHAOSRUN_PROXY_IMAGE``, else the runner's own."""
    return image or os.environ.get(PROXY_IMAGE_ENV) or PROXY_IMAGE


_BOUNDS = {"delay": (0.0, MAX_DELAY), "error_share": (0.0, 1.0), "ready_timeout": (1.0, 3600.0)}


def argument_problems(arguments: dict[str, Any]) -> list[str]:
    """What ``chaosrun validate`` can tell about ``slow_down``'s arguments before the run."""
    problems: list[str] = []
    for name, (low, high) in _BOUNDS.items():
        value = arguments.get(name)
        if value is None or has_variables(value):
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not low <= value <= high
        ):
            problems.append(f"argument '{name}' must be a number from {low:g} to {high:g}")
    for name in ("service", "proxy_image"):
        value = arguments.get(name)
        if value is None or has_variables(value):
            continue
        if not isinstance(value, str) or not value.strip():
            problems.append(f"argument '{name}' must be a non-empty string")
    return problems


def plan_of(manifest: dict[str, Any], namespace: str) -> ServiceProxy:
    """The proxy a run record's entry names (checked by ``chaos.records.kinds`` before)."""
    return ServiceProxy(
        service=str(manifest["service"]),
        namespace=namespace,
        selector={str(k): str(v) for k, v in dict(manifest["selector"]).items()},
        shadow=str(manifest["shadow"]),
        proxy=str(manifest["proxy"]),
        run=str(manifest["run"]),
    )


def _run_id(ctx: RunContext) -> str:
    from chaos.records.store import new_record_id

    if ctx.records is not None:
        return ctx.records.opened().id
    return str(ctx.record.setdefault("proxy_run", new_record_id()))


# A Service's name is a DNS label (63 characters at most): the shadow's adds its suffix.
MAX_NAME = 63 - len(shadow_name(""))


def refusal(service: str, ns: str, selector: dict[str, str], ports: list[Any]) -> str | None:
    """Why the fault proxy cannot go in front of this Service (one sentence), or None."""
    if len(service) > MAX_NAME:
        return (
            f"Service name {service!r} is longer than {MAX_NAME} characters, too long to name "
            "the fault proxy's shadow Service after it"
        )
    if not selector:
        return (
            f"Service {ns}/{service} has no selector (its endpoints are managed by hand), so "
            "there are no pods to put the fault proxy in front of"
        )
    if len(ports) != 1:
        return (
            f"Service {ns}/{service} has {len(ports)} ports; the fault proxy serves Services "
            "with exactly one"
        )
    if str(ports[0].get("protocol", "TCP")) != "TCP":
        return f"Service {ns}/{service} serves {ports[0]['protocol']}; the fault proxy is HTTP"
    return None


def _service(ctx: RunContext, service: str, ns: str) -> ServiceInfo:
    try:
        return ctx.driver().get_service(service, ns)
    except NotFound as exc:
        raise ActivityFailed(str(exc)) from None


def slow_down(
    ctx: RunContext,
    service: str = BACKEND_SERVICE,
    delay: float = 1.0,
    error_share: float = 0.0,
    ns: str = "default",
    proxy_image: str | None = None,
    ready_timeout: float = PROXY_READY_TIMEOUT,
    secrets: Any = None,
) -> dict[str, Any]:
    """Put the fault proxy in front of ``service``: every answer ``delay`` seconds late, a share
    ``error_share`` (0..1) of calls answered 503, until ``restore_speed`` (or the rollback)."""
    spec = fault_spec(delay, error_share, 1)
    guard_namespace(ctx, ns)
    image = resolve_image(proxy_image)
    what = (
        f"put the fault proxy ({image}; {spec['delay']:g} s, {spec['error_share']:.0%} errors) "
        "in front of Service"
    )
    if ctx.limits:
        guard_service(ctx, _service(ctx, service, ns))
    if ctx.announce_dry_run(what, ns, [service]):
        return {"active": False, "service": service, "image": image}
    driver = ctx.driver()
    info = _service(ctx, service, ns)
    if problem := refusal(service, ns, info.selector, info.ports):
        raise ActivityFailed(problem)
    plan = ServiceProxy(
        service, ns, info.selector, shadow_name(service), proxy_name(service), _run_id(ctx)
    )
    from chaos.records.model import ObjectState
    from chaos.records.writer import RecordError

    manifest = {
        "service": service,
        "selector": dict(plan.selector),
        "shadow": plan.shadow,
        "proxy": plan.proxy,
        "run": plan.run,
    }
    try:
        entry = ctx.before_change(PROXY_KIND, service, ns, manifest)
    except RecordError as exc:
        raise ActivityFailed(f"{exc}, so Service '{service}' was not slowed down") from None
    change = MadeChange(PROXY_KIND, service, ns, time.monotonic(), entry, undo=plan)
    ctx.changes.append(change)
    fault = ProxyFault(spec["delay"], spec["error_share"], image, float(ready_timeout))
    try:
        driver.front_service(plan, info.ports, fault)
    except DriverError as exc:
        # Whatever was created before the failure is taken away again at once.
        _undo(ctx, driver, plan, change, "undone after a failed start")
        raise ActivityFailed(f"could not slow Service {ns}/{service} down: {exc}") from None
    ctx.mark(entry, ObjectState.CHANGED)
    ctx.event("Service", service, ns, "ChaosInjected", f"{what} {ns}/{service}")
    state = {"service": service, "namespace": ns, "image": image, **spec}
    state.pop("duration")
    ctx.record.setdefault("proxies", []).append({**state, "proxy": plan.proxy})
    return {"active": True, **state}


def undo_proxy(driver: Driver, plan: ServiceProxy) -> None:
    """The Service's selector back, then the proxy and the shadow Service gone (idempotent)."""
    driver.unfront_service(plan)


def _undo(
    ctx: RunContext, driver: Driver, plan: ServiceProxy, change: MadeChange, why: str
) -> None:
    from chaos.records.model import ObjectState

    try:
        undo_proxy(driver, plan)
    except DriverError as exc:
        ctx.notice(
            f"Could not undo the fault proxy of Service {plan.namespace}/{plan.service}: {exc}"
        )
        return
    change.reverted = True
    ctx.mark(change.entry, ObjectState.RESTORED, why)
    ctx.event("Service", plan.service, plan.namespace, "ChaosReverted", f"{UNFRONTED} ({why})")


def restore_speed(
    ctx: RunContext, service: str = BACKEND_SERVICE, ns: str = "default", secrets: Any = None
) -> list[dict[str, Any]]:
    """Rollback: take this run's fault proxy away from ``service`` (its selector back, the
    proxy and the shadow Service deleted). ``time_slowed``: seconds from the swap to the undo."""
    pending = ctx.pending_changes(PROXY_KIND, service, ns)
    if ctx.dry_run:
        ctx.notice(f"Dry run: would take the fault proxy away from Service {ns}/{service}")
        return []
    if not pending:
        ctx.notice(
            f"Nothing to restore: this run put no fault proxy in front of Service {ns}/{service}"
        )
        return []
    from chaos.records.model import ObjectState

    driver = ctx.driver()
    ended = []
    for change in pending:
        plan = change.undo
        assert isinstance(plan, ServiceProxy)
        try:
            undo_proxy(driver, plan)
        except DriverError as exc:
            raise ActivityFailed(
                f"could not take the fault proxy away from Service {ns}/{service}: {exc}"
            ) from None
        change.reverted = True
        ctx.mark(change.entry, ObjectState.RESTORED, "fault proxy taken away")
        ctx.event("Service", service, ns, "ChaosReverted", UNFRONTED)
        ended.append(
            {
                "service": service,
                "namespace": ns,
                "time_slowed": round(time.monotonic() - change.made_at, 3),
            }
        )
    ctx.record.setdefault("speed_restores", []).extend(ended)
    return ended

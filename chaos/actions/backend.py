"""A slow backend: ``chaosrun.backend.slow_down`` and its rollback ``restore_speed``.

The backend injects the fault itself (``services/backend/faults.py``, only when its
``BACKEND_FAULTS_ENABLED=true``); the action asks for it through the driver's
``call_service``, so it reaches the backend as the frontends do: through its Service. The
fault is in the run record before it is asked for, and ends by itself after ``duration``.

Every request carries the backend's token (``BACKEND_FAULTS_TOKEN``), found in this order:
the activity's secrets (key ``faults_token``), ``CHAOSRUN_FAULTS_TOKEN``, then the target
(Kubernetes: the Secret ``FAULTS_TOKEN_SECRET``; local: the stack's token file). Never on the
command line, where other users' ``ps`` would see it.
"""

from __future__ import annotations

import os
import time
from typing import Any

from chaos.actions.context import MadeChange, RunContext
from chaos.actions.errors import ActivityFailed
from chaos.actions.pods import guard_namespace
from chaos.drivers.base import Driver, DriverError, NotFound, Unauthorized
from services.contract import (
    BACKEND_SERVICE,
    FAULTS_PATH,
    FAULTS_TOKEN_HEADER,
    FAULTS_TOKEN_KEY,
    FAULTS_TOKEN_SECRET,
)

#: The run record's kind for a fault injected into a Service.
FAULT_KIND = "ServiceFault"
#: The runner's way to be given the backend's fault token.
FAULTS_TOKEN_ENV = "CHAOSRUN_FAULTS_TOKEN"
#: The key of an activity's secrets that holds it (Chaos Toolkit ``secrets``).
FAULTS_TOKEN_SECRET_KEY = "faults_token"
#: Bounds the backend itself enforces (services.backend.faults), checked here first.
MAX_DELAY = 300.0
MAX_DURATION = 86400.0


def _number(name: str, value: Any, low: float, high: float, low_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ActivityFailed(f"{name} must be a number of seconds or a share, not {value!r}")
    number = float(value)
    if not (low < number if low_open else low <= number) or number > high:
        bound = f"more than {low:g}" if low_open else f"at least {low:g}"
        raise ActivityFailed(f"{name} must be {bound} and at most {high:g} (got {value!r})")
    return number


def fault_spec(delay: Any, error_share: Any, duration: Any) -> dict[str, float]:
    """The fault as the backend takes it; ``ActivityFailed`` for values out of bounds."""
    return {
        "delay": _number("delay", delay, 0, MAX_DELAY),
        "error_share": _number("error_share", error_share, 0, 1),
        "duration": _number("duration", duration, 0, MAX_DURATION, low_open=True),
    }


def fault_headers(driver: Driver, service: str, ns: str, secrets: Any = None) -> dict[str, str]:
    """The header carrying the backend's token (see the module's docstring); none when no
    token is to be found (the backend then answers 401)."""
    token = secrets.get(FAULTS_TOKEN_SECRET_KEY) if isinstance(secrets, dict) else None
    token = token or os.environ.get(FAULTS_TOKEN_ENV) or driver.faults_token(service, ns)
    return {FAULTS_TOKEN_HEADER: str(token).strip()} if token else {}


def token_refused(service: str, ns: str) -> str:
    """Why a fault request was refused, and what to do (one sentence, no final stop)."""
    return (
        f"Service '{service}' in namespace '{ns}' refused the fault request: the backend's "
        f"token (BACKEND_FAULTS_TOKEN) is missing or wrong; set {FAULTS_TOKEN_ENV} to it, or "
        f"keep it under key '{FAULTS_TOKEN_KEY}' of Secret '{FAULTS_TOKEN_SECRET}' in that "
        "namespace (the local stack's own token is found by itself)"
    )


def faults_off(service: str, ns: str) -> str:
    """Why a Service takes no faults (one sentence, no final stop)."""
    return (
        f"Service '{service}' in namespace '{ns}' does not accept faults: its backend must run "
        "with BACKEND_FAULTS_ENABLED=true and a BACKEND_FAULTS_TOKEN (the local stack does; "
        "on Kubernetes, the k8s/overlays/faults component)"
    )


def _not_accepted(service: str, ns: str) -> ActivityFailed:
    return ActivityFailed(faults_off(service, ns))


def slow_down(
    ctx: RunContext,
    delay: float,
    error_share: float = 0.0,
    duration: float = 60.0,
    service: str = BACKEND_SERVICE,
    ns: str = "default",
    secrets: Any = None,
) -> dict[str, Any]:
    """Make the backend behind ``service`` answer ``delay`` seconds late, and fail a share
    ``error_share`` (0..1) of its calls with 503, for ``duration`` seconds at most (it ends
    by itself then; ``restore_speed`` ends it sooner)."""
    spec = fault_spec(delay, error_share, duration)
    guard_namespace(ctx, ns)
    what = f"slow Service down ({spec['delay']:g} s, {spec['error_share']:.0%} errors) in"
    if ctx.announce_dry_run(what, ns, [service]):
        return {"active": False, **spec}
    # Imported here, not by validation (which reads this module for the signatures).
    from chaos.records.model import ObjectState
    from chaos.records.writer import RecordError

    driver = ctx.driver()
    headers = fault_headers(driver, service, ns, secrets)
    try:
        entry = ctx.before_change(FAULT_KIND, service, ns, {"service": service, "fault": spec})
    except RecordError as exc:
        raise ActivityFailed(f"{exc}, so Service '{service}' was not slowed down") from None
    # Before the request leaves: a signal right after it must find the change to revert.
    change = MadeChange(FAULT_KIND, service, ns, time.monotonic(), entry)
    ctx.changes.append(change)
    try:
        state = driver.call_service(service, ns, "PUT", FAULTS_PATH, spec, headers)
    except NotFound:
        ctx.changes.remove(change)
        ctx.mark(entry, ObjectState.UNTOUCHED, "the backend does not accept faults")
        raise _not_accepted(service, ns) from None
    except Unauthorized:
        ctx.changes.remove(change)
        ctx.mark(entry, ObjectState.UNTOUCHED, "the backend refused the token")
        raise ActivityFailed(token_refused(service, ns)) from None
    ctx.mark(entry, ObjectState.CHANGED)
    ctx.record.setdefault("faults", []).append({"service": service, "namespace": ns, **spec})
    return dict(state) if isinstance(state, dict) else {"active": True, **spec}


def end_fault(driver: Driver, service: str, ns: str, secrets: Any = None) -> dict[str, Any]:
    """Ask the backend behind ``service`` to answer normally again (idempotent)."""
    try:
        headers = fault_headers(driver, service, ns, secrets)
        state = driver.call_service(service, ns, "DELETE", FAULTS_PATH, None, headers)
    except NotFound:
        raise _not_accepted(service, ns) from None
    except Unauthorized:
        raise ActivityFailed(token_refused(service, ns)) from None
    return dict(state) if isinstance(state, dict) else {"active": False}


def restore_speed(
    ctx: RunContext, service: str = BACKEND_SERVICE, ns: str = "default", secrets: Any = None
) -> list[dict[str, Any]]:
    """Rollback: end the faults this run injected into ``service``; nothing injected means
    nothing to do. ``time_slowed`` is the seconds from the fault to its end."""
    pending = [
        c
        for c in ctx.changes
        if not c.reverted and c.kind == FAULT_KIND and c.name == service and c.namespace == ns
    ]
    if ctx.dry_run:
        ctx.notice(f"Dry run: would restore the speed of Service {ns}/{service}")
        return []
    from chaos.records.model import ObjectState

    if not pending:
        ctx.notice(f"Nothing to restore: this run did not slow Service {ns}/{service} down")
        return []
    try:
        end_fault(ctx.driver(), service, ns, secrets)
    except DriverError as exc:
        raise ActivityFailed(
            f"could not restore the speed of Service {ns}/{service}: {exc}"
        ) from None
    now = time.monotonic()
    ended = []
    for change in pending:
        change.reverted = True
        ctx.mark(change.entry, ObjectState.RESTORED, "fault ended")
        ended.append(
            {"service": service, "namespace": ns, "time_slowed": round(now - change.made_at, 3)}
        )
    ctx.record.setdefault("speed_restores", []).extend(ended)
    return ended

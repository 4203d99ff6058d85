"""A namespace's policy: the ConfigMap ``chaosrun-policy`` (on the local target, the file
``policy`` in the state directory), keys ``max-percent``, ``min-healthy``, ``faults``,
``windows`` and ``require-label``. Read for every namespace a run changes, before any change;
flags and files may only tighten it. No policy: the built-in guards only."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chaos.actions.blast import BlastLimits, Floor, parse_floor
from chaos.drivers.base import Driver, DriverError, NotFound, ObjectKind
from chaos.engine.windows import Window, parse_windows
from chaos.errors import BadInput

POLICY = "chaosrun-policy"
POLICY_FILE = "policy"
CONFIGMAPS = ObjectKind("ConfigMap", "", "v1", "configmaps")
KEYS = ("max-percent", "min-healthy", "faults", "windows", "require-label")
# The command each of the tutorial's functions is, so that ``faults: pod`` allows both.
COMMANDS = {
    "terminate_pods": "pod",
    "delete_pods": "pod",
    "delete_deployment": "deployment",
    "slow_down": "latency",
    "scale_deployment": "scale",
    "scale_statefulset": "scale",
    "create_network_policy": "partition",
    "drain_nodes": "drain",
}


@dataclass(frozen=True)
class Policy:
    where: str  # "chaosrun-policy in default", or "the policy file /state/policy"
    max_percent: float | None = None
    min_healthy: Floor | None = None
    faults: frozenset[str] | None = None
    windows: tuple[Window, ...] = ()
    require_label: str | None = None


def _parse(data: dict[str, Any], where: str) -> Policy:
    def bad(key: str, why: str) -> BadInput:
        return BadInput(f"{where}: {key} {why}; fix the policy or ask its owner.")

    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise bad(unknown[0], f"is not a policy key (keys: {', '.join(KEYS)})")
    share = None
    if data.get("max-percent") not in (None, ""):
        try:
            share = float(data["max-percent"])
        except (TypeError, ValueError):
            raise bad("max-percent", "must be a number from 0 to 100") from None
        if not 0 <= share <= 100:
            raise bad("max-percent", "must be a number from 0 to 100")
    try:
        floor = (
            parse_floor(str(data["min-healthy"]), "min-healthy")
            if data.get("min-healthy") not in (None, "")
            else None
        )
        windows = tuple(parse_windows(data["windows"])) if data.get("windows") else ()
    except ValueError as exc:
        raise BadInput(f"{where}: {exc}; fix the policy or ask its owner.") from None
    faults = data.get("faults")
    if isinstance(faults, str):
        faults = faults.replace(",", " ").split()
    label = str(data["require-label"]).strip() if data.get("require-label") else None
    return Policy(
        where,
        share,
        floor,
        frozenset(str(f) for f in faults) if faults else None,
        windows,
        label,
    )


def read_policy(driver: Driver, namespace: str, state_dir: Path | None) -> Policy | None:
    """``namespace``'s policy, None when there is none; ``BadInput`` when it cannot be read
    (a run never goes ahead unchecked)."""
    if state_dir is not None:
        import yaml

        path = state_dir / POLICY_FILE
        if not path.exists():
            return None
        where = f"the policy file {path}"
        try:
            data = yaml.safe_load(path.read_text()) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise BadInput(f"{where} cannot be read ({exc}); nothing was changed.") from None
        if not isinstance(data, dict):
            raise BadInput(f"{where} must be a mapping of {', '.join(KEYS)}.")
        return _parse(data, where)
    where = f"{POLICY} in {namespace}"
    try:
        found = driver.read_object(CONFIGMAPS, POLICY, namespace)
    except NotFound:
        return None
    except DriverError as exc:
        raise BadInput(
            f"cannot read ConfigMap {POLICY} in namespace {namespace!r} ({exc}); a run never "
            "goes ahead unchecked: grant get on it, or ask the namespace's owner."
        ) from None
    return _parse(dict(found.get("data") or {}), where)


def _tighter_floor(given: Floor | None, policy: Floor, where: str, flag: bool) -> Floor:
    """The higher of ``given`` and ``policy``'s floor; ``given`` lower refused when it is the
    flag's (``flag``), not another namespace's policy."""
    if given is None:
        return policy
    for mine, theirs in ((given.count, policy.count), (given.percent, policy.percent)):
        if flag and mine is not None and theirs is not None and mine < theirs:
            raise BadInput(
                f"refused by {where}: --min-healthy {given.text} is looser than its "
                f"min-healthy {policy.text}."
            )
    count = (
        max(given.count or 0, policy.count or 0) if {given.count, policy.count} != {None} else None
    )
    percent = (
        max(given.percent or 0, policy.percent or 0)
        if {given.percent, policy.percent} != {None}
        else None
    )
    if (count, percent) == (given.count, given.percent):
        return given
    if (count, percent) == (policy.count, policy.percent):
        return policy
    return Floor(f"{given.text} and {policy.text}", count, percent)


def _check_faults(policy: Policy, functions: set[str]) -> None:
    if policy.faults is None:
        return
    for func in sorted(functions):
        names = {func, COMMANDS.get(func, func)}
        if not names & policy.faults:
            allowed = ", ".join(sorted(policy.faults))
            raise BadInput(
                f"refused by {policy.where}: its faults allow {allowed}, not "
                f"{COMMANDS.get(func, func)} ({func})."
            )


def _check_windows(policy: Policy, now: datetime) -> None:
    if not policy.windows or any(w.contains(now) for w in policy.windows):
        return
    zone = policy.windows[0].zone
    shown = now.astimezone(zone).strftime("%a %H:%M")
    texts = "; ".join(w.text for w in policy.windows)
    raise BadInput(
        f"refused by {policy.where}: chaos is allowed only in {texts} (it is {shown} "
        f"{zone.key} now)."
    )


def apply_policy(
    policy: Policy, limits: BlastLimits, functions: set[str], now: datetime | None = None
) -> BlastLimits:
    """``limits`` tightened by ``policy`` (``BadInput`` naming it when a flag is looser, a
    fault not allowed, or the time outside its windows). A limit that came from another
    namespace's policy is not a flag: the stricter of the two applies."""
    _check_faults(policy, functions)
    _check_windows(policy, now or datetime.now(UTC))
    if policy.max_percent is not None:
        mine = limits.max_percent
        if mine is not None and mine > policy.max_percent and limits.share_by is None:
            raise BadInput(
                f"refused by {policy.where}: --max-percent {mine:g} is looser "
                f"than its max-percent {policy.max_percent:g}."
            )
        if mine is None or mine >= policy.max_percent:
            limits = replace(limits, max_percent=policy.max_percent, share_by=policy.where)
    if policy.min_healthy is not None:
        flag = limits.floor_by is None
        floor = _tighter_floor(limits.min_healthy, policy.min_healthy, policy.where, flag)
        by = policy.where if floor != limits.min_healthy else limits.floor_by
        limits = replace(limits, min_healthy=floor, floor_by=by)
    if policy.require_label is not None:
        limits = replace(limits, require_label=policy.require_label, label_by=policy.where)
    return limits

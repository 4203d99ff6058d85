"""The experiments behind ``chaosrun pod``, ``deployment``, ``scale`` and ``latency``: the original
tutorial's (and its slow-backend sequel), built as Chaos Toolkit dicts and run by the same
engine as ``chaosrun run``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chaos.defaults import (
    BACKEND_DEPLOYMENT,
    FRONTEND_SELECTOR,
    LATENCY_DELAY,
    LATENCY_FAULT_MARGIN,
    NAMESPACE,
    PAGE_TIMEOUT,
    PAUSE,
)
from services.contract import BACKEND_SERVICE

# The hypothesis's probes, by name: readers of a journal find them by these.
HEALTH_PROBE = "all-services-are-healthy"
FRONTEND_PROBE = "front-service-must-still-respond"


@dataclass(frozen=True)
class PodChaos:
    """``chaosrun pod``: which frontend pods to terminate, as chaosk8s' terminate_pods takes it."""

    namespace: str = NAMESPACE
    pause: float = PAUSE
    label_selector: str | None = FRONTEND_SELECTOR
    name_pattern: str | None = None
    qty: int = 1
    mode: str = "fixed"
    all_pods: bool = False
    rand: bool = False
    order: str = "alphabetic"
    grace_period: int | None = None


@dataclass(frozen=True)
class DeploymentChaos:
    """``chaosrun deployment``: the Deployment to delete, and whether to restore it."""

    namespace: str = NAMESPACE
    pause: float = PAUSE
    name: str = BACKEND_DEPLOYMENT
    rollback: bool = True


@dataclass(frozen=True)
class LatencyChaos:
    """``chaosrun latency``: how slow the backend gets, and for how long before the
    hypothesis is checked again (its page must answer within ``page_timeout``)."""

    namespace: str = NAMESPACE
    delay: float = LATENCY_DELAY
    error_share: float = 0.0
    duration: float = PAUSE
    service: str = BACKEND_SERVICE
    page_timeout: float = PAGE_TIMEOUT
    # True: a fault proxy in front of the Service (any Service); False: the backend's own
    # fault route (the demo's act 4).
    through_proxy: bool = True
    proxy_image: str | None = None  # None: CHAOSRUN_PROXY_IMAGE, else the runner's image


# What ``chaosrun scale --kind`` takes, and the chaosk8s module and function that scale it.
SCALE_KINDS = {
    "deployment": ("chaosk8s.deployment.actions", "scale_deployment"),
    "statefulset": ("chaosk8s.statefulset.actions", "scale_statefulset"),
}


@dataclass(frozen=True)
class ScaleChaos:
    """``chaosrun scale``: the workload to scale, to how many replicas, and whether the
    rollback scales it back to the count it had."""

    name: str
    replicas: int | None  # None: not given (refused before the run)
    kind: str = "deployment"
    namespace: str = NAMESPACE
    pause: float = PAUSE
    rollback: bool = True


Chaos = PodChaos | DeploymentChaos | LatencyChaos | ScaleChaos


def hypothesis(namespace: str, page_timeout: float = PAGE_TIMEOUT) -> dict[str, Any]:
    return {
        "title": "Services are all available and healthy",
        "probes": [
            {
                "type": "probe",
                "name": HEALTH_PROBE,
                "tolerance": True,
                "provider": {
                    "type": "python",
                    "module": "chaosk8s.probes",
                    "func": "all_pods_healthy",
                    "arguments": {"ns": namespace},
                },
            },
            {
                "type": "probe",
                "name": FRONTEND_PROBE,
                "tolerance": 200,
                "provider": {"type": "http", "url": "${frontend_url}", "timeout": page_timeout},
            },
        ],
    }


def _python_action(
    name: str, module: str, func: str, arguments: dict[str, Any], pause: float | None = None
) -> dict[str, Any]:
    action: dict[str, Any] = {
        "type": "action",
        "name": name,
        "provider": {"type": "python", "module": module, "func": func, "arguments": arguments},
    }
    if pause is not None:
        action["pauses"] = {"after": pause}
    return action


def _experiment(
    *,
    title: str,
    description: str,
    tag: str,
    namespace: str,
    frontend_url: str,
    method: dict[str, Any],
    rollbacks: list[dict[str, Any]],
    page_timeout: float = PAGE_TIMEOUT,
) -> dict[str, Any]:
    return {
        "version": "1.0.0",
        "title": title,
        "description": description,
        "tags": ["kubernetes", tag],
        "configuration": {"frontend_url": frontend_url},
        "steady-state-hypothesis": hypothesis(namespace, page_timeout),
        "method": [method],
        "rollbacks": rollbacks,
    }


def pod_experiment(chaos: PodChaos, frontend_url: str) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "ns": chaos.namespace,
        "qty": chaos.qty,
        "mode": chaos.mode,
        "order": chaos.order,
    }
    if chaos.label_selector:
        arguments["label_selector"] = chaos.label_selector
    if chaos.name_pattern:
        arguments["name_pattern"] = chaos.name_pattern
    if chaos.all_pods:
        arguments["all"] = True
    if chaos.rand:
        arguments["rand"] = True
    if chaos.grace_period is not None:
        arguments["grace_period"] = chaos.grace_period
    return _experiment(
        title="What happens if we terminate the frontend pod?",
        description="The frontend's ReplicaSet should start a new pod and the frontend "
        "should keep answering.",
        tag="pod",
        namespace=chaos.namespace,
        frontend_url=frontend_url,
        method=_python_action(
            "terminate-frontend-pod",
            "chaosk8s.pod.actions",
            "terminate_pods",
            arguments,
            chaos.pause,
        ),
        rollbacks=[],
    )


def deployment_experiment(chaos: DeploymentChaos, frontend_url: str) -> dict[str, Any]:
    target = {"name": chaos.name, "ns": chaos.namespace}
    rollbacks: list[dict[str, Any]] = []
    if chaos.rollback:
        rollbacks.append(
            _python_action(
                "restore-backend-service", "chaosrun.deployment", "restore_deployment", target
            )
        )
    return _experiment(
        title="What happens if the backend service is down?",
        description="Delete the backend Deployment: does the frontend still answer?",
        tag="deployment",
        namespace=chaos.namespace,
        frontend_url=frontend_url,
        method=_python_action(
            "stop-backend-service",
            "chaosk8s.deployment.actions",
            "delete_deployment",
            dict(target),
            chaos.pause,
        ),
        rollbacks=rollbacks,
    )


def latency_experiment(chaos: LatencyChaos, frontend_url: str) -> dict[str, Any]:
    target = {"service": chaos.service, "ns": chaos.namespace}
    if chaos.through_proxy:
        module = "chaosrun.service"
        # The proxy stays until the rollback: the hypothesis after the pause meets it.
        fault: dict[str, Any] = {
            "delay": chaos.delay,
            "error_share": chaos.error_share,
            **target,
        }
        if chaos.proxy_image:
            fault["proxy_image"] = chaos.proxy_image
    else:
        module = "chaosrun.backend"
        # The fault outlives the pause, so the hypothesis after it still meets a slow backend;
        # the rollback ends it, or it ends by itself if the runner is gone.
        fault = {
            "delay": chaos.delay,
            "error_share": chaos.error_share,
            "duration": chaos.duration + LATENCY_FAULT_MARGIN,
            **target,
        }
    return _experiment(
        title="What happens if the backend is slow?",
        description=f"The backend answers {chaos.delay:g} s late"
        + (f" and fails {chaos.error_share:.0%} of its calls" if chaos.error_share else "")
        + f": does the frontend still answer within {chaos.page_timeout:g} s?",
        tag="latency",
        namespace=chaos.namespace,
        frontend_url=frontend_url,
        method=_python_action("slow-backend-down", module, "slow_down", fault, chaos.duration),
        rollbacks=[_python_action("restore-backend-speed", module, "restore_speed", target)],
        page_timeout=chaos.page_timeout,
    )


def scale_experiment(chaos: ScaleChaos, frontend_url: str) -> dict[str, Any]:
    module, func = SCALE_KINDS[chaos.kind]
    arguments = {"name": chaos.name, "replicas": chaos.replicas, "ns": chaos.namespace}
    rollbacks: list[dict[str, Any]] = []
    if chaos.rollback:
        # chaosrun's own rollback: every change of the run undone from its record.
        rollbacks.append(_python_action("scale-back", "chaosrun.changes", "undo_changes", {}))
    return _experiment(
        title=f"What happens if {chaos.name} runs {chaos.replicas} replica(s)?",
        description=f"Scale the {chaos.kind} {chaos.name} to {chaos.replicas} replica(s): "
        "does the frontend still answer?",
        tag="scale",
        namespace=chaos.namespace,
        frontend_url=frontend_url,
        method=_python_action(f"scale-{chaos.kind}", module, func, arguments, chaos.pause),
        rollbacks=rollbacks,
    )


def builtin_experiment(chaos: Chaos, frontend_url: str) -> dict[str, Any]:
    if isinstance(chaos, ScaleChaos):
        return scale_experiment(chaos, frontend_url)
    if isinstance(chaos, PodChaos):
        return pod_experiment(chaos, frontend_url)
    if isinstance(chaos, LatencyChaos):
        return latency_experiment(chaos, frontend_url)
    return deployment_experiment(chaos, frontend_url)


# What partition's and drain's experiments (chaos.experiment.cutoffs) are made of.
python_action = _python_action
experiment_of = _experiment

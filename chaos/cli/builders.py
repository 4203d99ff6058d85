"""The experiments behind ``chaosrun pod`` and ``chaosrun deployment``: the original
tutorial's, built as Chaos Toolkit dicts and run by the same engine as ``chaosrun run``."""

from __future__ import annotations

from typing import Any


def hypothesis(namespace: str) -> dict[str, Any]:
    return {
        "title": "Services are all available and healthy",
        "probes": [
            {
                "type": "probe",
                "name": "all-services-are-healthy",
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
                "name": "front-service-must-still-respond",
                "tolerance": 200,
                "provider": {"type": "http", "url": "${frontend_url}", "timeout": 5},
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
) -> dict[str, Any]:
    return {
        "version": "1.0.0",
        "title": title,
        "description": description,
        "tags": ["kubernetes", tag],
        "configuration": {"frontend_url": frontend_url},
        "steady-state-hypothesis": hypothesis(namespace),
        "method": [method],
        "rollbacks": rollbacks,
    }


def pod_experiment(
    *,
    namespace: str,
    frontend_url: str,
    pause: float,
    label_selector: str | None,
    name_pattern: str | None,
    qty: int,
    mode: str,
    all_pods: bool,
    rand: bool,
    order: str,
    grace_period: int | None,
) -> dict[str, Any]:
    arguments: dict[str, Any] = {"ns": namespace, "qty": qty, "mode": mode, "order": order}
    if label_selector:
        arguments["label_selector"] = label_selector
    if name_pattern:
        arguments["name_pattern"] = name_pattern
    if all_pods:
        arguments["all"] = True
    if rand:
        arguments["rand"] = True
    if grace_period is not None:
        arguments["grace_period"] = grace_period
    return _experiment(
        title="What happens if we terminate the frontend pod?",
        description="The frontend's ReplicaSet should start a new pod and the frontend "
        "should keep answering.",
        tag="pod",
        namespace=namespace,
        frontend_url=frontend_url,
        method=_python_action(
            "terminate-frontend-pod", "chaosk8s.pod.actions", "terminate_pods", arguments, pause
        ),
        rollbacks=[],
    )


def deployment_experiment(
    *, namespace: str, frontend_url: str, pause: float, name: str, rollback: bool
) -> dict[str, Any]:
    target = {"name": name, "ns": namespace}
    rollbacks: list[dict[str, Any]] = []
    if rollback:
        rollbacks.append(
            _python_action(
                "restore-backend-service", "chaosrun.deployment", "restore_deployment", target
            )
        )
    return _experiment(
        title="What happens if the backend service is down?",
        description="Delete the backend Deployment: does the frontend still answer?",
        tag="deployment",
        namespace=namespace,
        frontend_url=frontend_url,
        method=_python_action(
            "stop-backend-service",
            "chaosk8s.deployment.actions",
            "delete_deployment",
            dict(target),
            pause,
        ),
        rollbacks=rollbacks,
    )

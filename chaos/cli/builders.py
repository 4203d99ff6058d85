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
    return {
        "version": "1.0.0",
        "title": "What happens if we terminate the frontend pod?",
        "description": "The frontend's ReplicaSet should start a new pod and the frontend "
        "should keep answering.",
        "tags": ["kubernetes", "pod"],
        "configuration": {"frontend_url": frontend_url},
        "steady-state-hypothesis": hypothesis(namespace),
        "method": [
            {
                "type": "action",
                "name": "terminate-frontend-pod",
                "provider": {
                    "type": "python",
                    "module": "chaosk8s.pod.actions",
                    "func": "terminate_pods",
                    "arguments": arguments,
                },
                "pauses": {"after": pause},
            }
        ],
        "rollbacks": [],
    }


def deployment_experiment(
    *, namespace: str, frontend_url: str, pause: float, name: str, rollback: bool
) -> dict[str, Any]:
    rollbacks: list[dict[str, Any]] = []
    if rollback:
        rollbacks.append(
            {
                "type": "action",
                "name": "restore-backend-service",
                "provider": {
                    "type": "python",
                    "module": "chaosrun.deployment",
                    "func": "restore_deployment",
                    "arguments": {"name": name, "ns": namespace},
                },
            }
        )
    return {
        "version": "1.0.0",
        "title": "What happens if the backend service is down?",
        "description": "Delete the backend Deployment: does the frontend still answer?",
        "tags": ["kubernetes", "deployment"],
        "configuration": {"frontend_url": frontend_url},
        "steady-state-hypothesis": hypothesis(namespace),
        "method": [
            {
                "type": "action",
                "name": "stop-backend-service",
                "provider": {
                    "type": "python",
                    "module": "chaosk8s.deployment.actions",
                    "func": "delete_deployment",
                    "arguments": {"name": name, "ns": namespace},
                },
                "pauses": {"after": pause},
            }
        ],
        "rollbacks": rollbacks,
    }

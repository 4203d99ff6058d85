"""The networking, node, crd and Chaos Mesh mutating functions, each with how a test comes to
call it (the objects it needs first and its arguments, as the extension's docs show them), the
kind and name it changes, and the change it makes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chaos.drivers.base import INGRESSES, NETWORKPOLICIES, NODES, ObjectKind
from chaos.drivers.kubernetes import KubernetesDriver
from tests.support.kube_objects import NETWORKCHAOS, STRESSCHAOS, create, define
from tests.support.workloads import spec_file

Setup = Callable[[KubernetesDriver, Path], dict[str, Any]]

WIDGETS = ObjectKind("Widget", "example.com", "v1", "widgets")
GLOBAL_WIDGETS = ObjectKind("GlobalWidget", "example.com", "v1", "globalwidgets", False)
WIDGET_GROUP = {"group": "example.com", "version": "v1", "plural": "widgets"}
GLOBAL_GROUP = {"group": "example.com", "version": "v1", "plural": "globalwidgets"}


def ingress(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": name},
        "spec": {"rules": [{"host": "shop.example.com"}]},
    }


def policy(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name},
        "spec": {"podSelector": {"matchLabels": {"app": "back"}}, "policyTypes": ["Ingress"]},
    }


def widget(kind: str, name: str) -> dict[str, Any]:
    return {
        "apiVersion": "example.com/v1",
        "kind": kind,
        "metadata": {"name": name},
        "spec": {"size": 1},
    }


def _existing(kind: ObjectKind, body: dict[str, Any], **arguments: Any) -> Setup:
    def setup(driver: KubernetesDriver, tmp: Path) -> dict[str, Any]:
        create(driver, kind, {k: v for k, v in body.items() if k != "apiVersion"})
        return arguments

    return setup


def _given(**arguments: Any) -> Setup:
    return lambda driver, tmp: arguments


def _file(body: dict[str, Any], **arguments: Any) -> Setup:
    return lambda driver, tmp: {"spec_path": spec_file(tmp, body), **arguments}


def _defined(kind: ObjectKind, name: str, then: Setup) -> Setup:
    def setup(driver: KubernetesDriver, tmp: Path) -> dict[str, Any]:
        define(driver, kind, name)
        return then(driver, tmp)

    return setup


def _cordoned(driver: KubernetesDriver, tmp: Path) -> dict[str, Any]:
    driver.patch_object(NODES, "node-1", None, {"spec": {"unschedulable": True}})
    return {"name": "node-1"}


def _chaos(kind: ObjectKind, kind_name: str, **arguments: Any) -> Setup:
    return _defined(kind, kind_name, _given(**arguments))


def _widget(**arguments: Any) -> Setup:
    return _defined(
        WIDGETS,
        "Widget",
        _existing(WIDGETS, widget("Widget", "w"), name="w", **WIDGET_GROUP, **arguments),
    )


def _global(**arguments: Any) -> Setup:
    body = widget("GlobalWidget", "g")
    return _defined(
        GLOBAL_WIDGETS,
        "GlobalWidget",
        _existing(GLOBAL_WIDGETS, body, name="g", **GLOBAL_GROUP, **arguments),
    )


def _no_widget(**arguments: Any) -> Setup:
    return _defined(WIDGETS, "Widget", _given(**arguments))


def _policy(policy_name: str, **arguments: Any) -> Setup:
    return _existing(NETWORKPOLICIES, policy(policy_name), **arguments)


NETWORK_FAULTS: list[tuple[str, dict[str, Any]]] = [
    ("add_latency", {"latency": "50ms"}),
    ("set_loss", {"loss": "25"}),
    ("duplicate_packets", {"duplicate": "10"}),
    ("reorder_packets", {"reorder": "10", "gap": "5"}),
    ("corrupt_packets", {"corrupt": "5"}),
    ("set_bandwidth", {"rate": "1mbps", "limit": 100, "buffer": 10000}),
]
NETWORK = "chaosk8s.chaosmesh.network.actions"
STRESS = "chaosk8s.chaosmesh.stress.actions"
CRD = "chaosk8s.crd.actions"
NET = "chaosk8s.networking.actions"

# (function, how its arguments come about, the kind and name it changes, the change's op)
NP, DENY_IN, DENY_OUT, DNS = (
    NETWORKPOLICIES,
    "chaostoolkit-deny-all-ingress",
    "chaostoolkit-deny-all-egress",
    "chaostoolkit-allow-dns",
)
NODE = "chaosk8s.node.actions"
BACK = {"app": "back"}
OTHER_HOST = {"spec": {"rules": [{"host": "other.example.com"}]}}
LAG = {"kind": "NetworkChaos", "metadata": {"name": "lag"}, "spec": {"action": "delay"}}
HOT = {"kind": "StressChaos", "metadata": {"name": "hot"}, "spec": {"mode": "one"}}
WIDGET_TEXT = json.dumps(widget("Widget", "w"))

# (function, how its arguments come about, the kind and name it changes, the change's op)
CASES: list[tuple[str, Setup, ObjectKind, str, str]] = [
    (f"{NET}.create_ingress", _file(ingress("shop")), INGRESSES, "shop", "created"),
    (f"{NET}.delete_ingress",
     _existing(INGRESSES, ingress("shop"), name="shop"), INGRESSES, "shop", "deleted"),
    (f"{NET}.update_ingress",
     _existing(INGRESSES, ingress("shop"), name="shop", spec=OTHER_HOST),
     INGRESSES, "shop", "updated"),
    (f"{NET}.create_network_policy", _given(spec=policy("keep-out")), NP, "keep-out", "created"),
    (f"{NET}.remove_network_policy",
     _policy("keep-out", name="keep-out"), NP, "keep-out", "deleted"),
    (f"{NET}.deny_all_ingress", _given(label_selectors=BACK), NP, DENY_IN, "created"),
    (f"{NET}.remove_deny_all_ingress", _policy(DENY_IN), NP, DENY_IN, "deleted"),
    (f"{NET}.deny_all_egress", _given(), NP, DENY_OUT, "created"),
    (f"{NET}.remove_deny_all_egress", _policy(DENY_OUT), NP, DENY_OUT, "deleted"),
    (f"{NET}.allow_dns_access", _given(label_selectors=BACK), NP, DNS, "created"),
    (f"{NET}.remove_allow_dns_access", _policy(DNS), NP, DNS, "deleted"),
    (f"{NODE}.cordon_node", _given(name="node-1"), NODES, "node-1", "cordoned"),
    (f"{NODE}.uncordon_node", _cordoned, NODES, "node-1", "cordoned"),
    (f"{NODE}.drain_nodes", _given(name="node-1", timeout=30), NODES, "node-1", "cordoned"),
    (f"{NODE}.create_node", _given(meta={"name": "extra"}), NODES, "extra", "created"),
    (f"{CRD}.create_custom_object",
     _no_widget(resource=widget("Widget", "w"), **WIDGET_GROUP), WIDGETS, "w", "created"),
    (f"{CRD}.apply_from_json", _no_widget(resource=WIDGET_TEXT), WIDGETS, "w", "created"),
    (f"{CRD}.apply_from_yaml", _no_widget(resource=WIDGET_TEXT), WIDGETS, "w", "created"),
    (f"{CRD}.delete_custom_object", _widget(), WIDGETS, "w", "deleted"),
    (f"{CRD}.patch_custom_object",
     _widget(resource={"spec": {"size": 9}}), WIDGETS, "w", "updated"),
    (f"{CRD}.replace_custom_object",
     _widget(resource={"spec": {"other": True}}), WIDGETS, "w", "updated"),
    (f"{CRD}.create_cluster_custom_object",
     _defined(GLOBAL_WIDGETS, "GlobalWidget",
              _given(resource=widget("GlobalWidget", "g"), **GLOBAL_GROUP)),
     GLOBAL_WIDGETS, "g", "created"),
    (f"{CRD}.delete_cluster_custom_object", _global(), GLOBAL_WIDGETS, "g", "deleted"),
    (f"{CRD}.patch_cluster_custom_object",
     _global(resource={"spec": {"size": 9}}), GLOBAL_WIDGETS, "g", "updated"),
    (f"{CRD}.replace_cluster_custom_object",
     _global(resource={"spec": {"other": True}}), GLOBAL_WIDGETS, "g", "updated"),
    *[(f"{NETWORK}.{func}", _chaos(NETWORKCHAOS, "NetworkChaos", name="lag", **args),
       NETWORKCHAOS, "lag", "created") for func, args in NETWORK_FAULTS],
    (f"{NETWORK}.delete_network_fault",
     _defined(NETWORKCHAOS, "NetworkChaos", _existing(NETWORKCHAOS, LAG, name="lag")),
     NETWORKCHAOS, "lag", "deleted"),
    (f"{STRESS}.stress_cpu", _chaos(STRESSCHAOS, "StressChaos", name="hot", workers=1, load=50),
     STRESSCHAOS, "hot", "created"),
    (f"{STRESS}.stress_memory", _chaos(STRESSCHAOS, "StressChaos", name="hot", size="64MB"),
     STRESSCHAOS, "hot", "created"),
    (f"{STRESS}.delete_stressor",
     _defined(STRESSCHAOS, "StressChaos", _existing(STRESSCHAOS, HOT, name="hot")),
     STRESSCHAOS, "hot", "deleted"),
]  # fmt: skip

"""chaosrun's restricted security contexts, held to the Pod Security Standard's restricted profile
(tests/support/pod_security.py), and that profile's checks each able to fail."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from chaos.drivers.kubernetes import (
    CONTAINER_SECURITY_CONTEXT,
    POD_SECURITY_CONTEXT,
    restricted_pod_spec,
)
from tests.support.pod_security import violations

Spec = dict[str, Any]


def proxy_pod_spec() -> Spec:
    """A pod spec as the fault proxy's Deployment would have it, before it is made restricted."""
    return {
        "containers": [
            {
                "name": "proxy",
                "image": "chaosrun-runner:v1",
                "command": ["chaosrun", "proxy", "--listen", "0.0.0.0:8081"],
                "ports": [{"containerPort": 8081}],
                "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
            }
        ],
        "initContainers": [{"name": "wait", "image": "chaosrun-runner:v1"}],
        "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "16Mi"}}],
    }


def test_a_plain_pod_spec_is_refused() -> None:
    assert violations(proxy_pod_spec())


def test_restricted_pod_spec_is_admitted() -> None:
    spec = restricted_pod_spec(proxy_pod_spec())
    assert violations(spec) == []
    assert spec["containers"][0]["command"] == proxy_pod_spec()["containers"][0]["command"]


def test_restricted_pod_spec_overrides_weaker_settings_and_shares_nothing() -> None:
    weak = proxy_pod_spec()
    weak["securityContext"] = {"runAsUser": 0}
    weak["containers"][0]["securityContext"] = {"privileged": True}
    spec = restricted_pod_spec(weak)
    assert violations(spec) == []
    spec["containers"][0]["securityContext"]["capabilities"]["drop"].clear()
    spec["securityContext"]["seccompProfile"]["type"] = "Unconfined"
    assert CONTAINER_SECURITY_CONTEXT["capabilities"] == {"drop": ["ALL"]}
    assert POD_SECURITY_CONTEXT["seccompProfile"] == {"type": "RuntimeDefault"}
    assert weak["securityContext"] == {"runAsUser": 0}


def _set(path: str, value: Any) -> Callable[[Spec], None]:
    """Set ``value`` at the dotted ``path`` of a spec (``c`` is the first container)."""

    def change(spec: Spec) -> None:
        keys = path.split(".")
        node = spec["containers"][0] if keys[0] == "c" else spec
        for key in keys[1:-1] if keys[0] == "c" else keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = value

    return change


def _drop(path: str) -> Callable[[Spec], None]:
    def change(spec: Spec) -> None:
        keys = path.split(".")
        node = spec["containers"][0] if keys[0] == "c" else spec
        for key in keys[1:-1] if keys[0] == "c" else keys[:-1]:
            node = node[key]
        del node[keys[-1]]

    return change


def _no_seccomp_anywhere(spec: Spec) -> None:
    del spec["securityContext"]["seccompProfile"]


# Each breaks one control of the profile (baseline, then restricted).
BREAKS: dict[str, Callable[[Spec], None]] = {
    "hostProcess": _set("securityContext.windowsOptions", {"hostProcess": True}),
    "hostNetwork": _set("hostNetwork", True),
    "hostPID": _set("hostPID", True),
    "hostIPC": _set("hostIPC", True),
    "privileged": _set("c.securityContext.privileged", True),
    "baseline capability": _set("c.securityContext.capabilities.add", ["SYS_ADMIN"]),
    "hostPath": _set("volumes", [{"name": "root", "hostPath": {"path": "/"}}]),
    "hostPort": _set("c.ports", [{"containerPort": 8081, "hostPort": 8081}]),
    "AppArmor": _set("c.securityContext.appArmorProfile", {"type": "Unconfined"}),
    "AppArmor annotation": lambda spec: None,  # the annotation is passed below
    "SELinux type": _set("securityContext.seLinuxOptions", {"type": "spc_t"}),
    "SELinux user": _set("c.securityContext.seLinuxOptions", {"user": "system_u"}),
    "procMount": _set("c.securityContext.procMount", "Unmasked"),
    "seccomp Unconfined": _set("c.securityContext.seccompProfile", {"type": "Unconfined"}),
    "sysctl": _set("securityContext.sysctls", [{"name": "kernel.msgmax", "value": "1"}]),
    "volume type": _set("volumes", [{"name": "nfs", "nfs": {"server": "x", "path": "/"}}]),
    "privilege escalation": _drop("c.securityContext.allowPrivilegeEscalation"),
    "runAsNonRoot": _set("c.securityContext.runAsNonRoot", False),
    "runAsUser 0": _set("c.securityContext.runAsUser", 0),
    "no seccomp": _no_seccomp_anywhere,
    "capabilities not dropped": _set("c.securityContext.capabilities", {"drop": ["NET_RAW"]}),
    "restricted capability": _set(
        "c.securityContext.capabilities", {"drop": ["ALL"], "add": ["CHOWN"]}
    ),
}


@pytest.mark.parametrize("control", sorted(BREAKS))
def test_each_control_of_the_profile_can_fail(control: str) -> None:
    spec = restricted_pod_spec(proxy_pod_spec())
    BREAKS[control](spec)
    annotations = {}
    if control == "AppArmor annotation":
        annotations = {"container.apparmor.security.beta.kubernetes.io/proxy": "unconfined"}
    assert violations(spec, annotations), f"{control} was not caught"


def test_the_profile_allows_what_it_allows() -> None:
    spec = restricted_pod_spec(proxy_pod_spec())
    spec["containers"][0]["securityContext"]["capabilities"]["add"] = ["NET_BIND_SERVICE"]
    spec["securityContext"]["sysctls"] = [{"name": "net.ipv4.ip_unprivileged_port_start"}]
    spec["volumes"].append({"name": "config", "configMap": {"name": "chaosrun-policy"}})
    del spec["containers"][0]["securityContext"]["runAsNonRoot"]  # the pod's is enough
    assert violations(copy.deepcopy(spec), {"unrelated": "x"}) == []

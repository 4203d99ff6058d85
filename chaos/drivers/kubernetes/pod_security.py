"""The security context of every pod chaosrun creates: the restricted Pod Security Standard.

A pod chaosrun creates (the fault proxy of ``chaosrun latency --service``, say) must start in a
namespace labelled ``pod-security.kubernetes.io/enforce: restricted``, as the guides label the
demo's: non-root (the images' user, 10001), no privilege escalation, no capabilities, seccomp
RuntimeDefault, and a read-only root filesystem. The manifests of k8s/ use the same values
(tests/manifests/test_pod_security.py holds both to the profile).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

# The numeric user and group of the images (USER 10001:10001 in the Dockerfiles).
IMAGE_USER: Final = 10001

POD_SECURITY_CONTEXT: Final[Mapping[str, Any]] = MappingProxyType(
    {
        "runAsNonRoot": True,
        "runAsUser": IMAGE_USER,
        "runAsGroup": IMAGE_USER,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
)
CONTAINER_SECURITY_CONTEXT: Final[Mapping[str, Any]] = MappingProxyType(
    {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
    }
)


def restricted_pod_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the pod spec ``spec`` with the restricted security contexts on the pod and on
    every container (what the spec set there itself is replaced)."""
    result = copy.deepcopy(dict(spec))
    result["securityContext"] = copy.deepcopy(dict(POD_SECURITY_CONTEXT))
    for field in ("initContainers", "containers"):
        for container in result.get(field) or []:
            container["securityContext"] = copy.deepcopy(dict(CONTAINER_SECURITY_CONTEXT))
    return result

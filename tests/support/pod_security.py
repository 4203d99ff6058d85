"""The Pod Security Standards' restricted profile, as rules over a pod spec.

The checks of https://kubernetes.io/docs/concepts/security/pod-security-standards/ (the Baseline
controls, which Restricted includes, then Restricted's own), at the latest policy version, as the
Pod Security Admission controller applies them to a Pod or, for warnings, to a workload's pod
template. A namespace labelled ``pod-security.kubernetes.io/enforce: restricted`` admits a pod
only when ``violations`` finds nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

Spec = Mapping[str, Any]

ENFORCE_LABEL = "pod-security.kubernetes.io/enforce"

BASELINE_CAPABILITIES = frozenset(
    {
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    }
)
SAFE_SYSCTLS = frozenset(
    {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
    }
)
SELINUX_TYPES = frozenset(
    {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}
)
RESTRICTED_VOLUME_SOURCES = frozenset(
    {
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "persistentVolumeClaim",
        "projected",
        "secret",
    }
)
CONFINED_PROFILES = frozenset({"RuntimeDefault", "Localhost"})
APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


def containers(spec: Spec) -> Iterator[tuple[str, Spec]]:
    for field in ("initContainers", "containers", "ephemeralContainers"):
        for container in spec.get(field) or []:
            yield f"{field}[{container.get('name', '?')}]", container


def _context(obj: Spec) -> Spec:
    return obj.get("securityContext") or {}


def _baseline(spec: Spec, annotations: Spec) -> Iterator[str]:
    pod = _context(spec)
    contexts = [("pod", pod), *((where, _context(c)) for where, c in containers(spec))]
    for where, ctx in contexts:
        if (ctx.get("windowsOptions") or {}).get("hostProcess"):
            yield f"{where}: windowsOptions.hostProcess"
        selinux = ctx.get("seLinuxOptions") or {}
        if selinux.get("type", "") not in SELINUX_TYPES:
            yield f"{where}: seLinuxOptions.type {selinux['type']}"
        if selinux.get("user") or selinux.get("role"):
            yield f"{where}: seLinuxOptions.user or role set"
        if (ctx.get("seccompProfile") or {}).get("type") == "Unconfined":
            yield f"{where}: seccompProfile Unconfined"
        apparmor = (ctx.get("appArmorProfile") or {}).get("type")
        if apparmor is not None and apparmor not in CONFINED_PROFILES:
            yield f"{where}: appArmorProfile {apparmor}"
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(field):
            yield f"pod: {field}"
    for sysctl in pod.get("sysctls") or []:
        if sysctl.get("name") not in SAFE_SYSCTLS:
            yield f"pod: sysctl {sysctl.get('name')}"
    for volume in spec.get("volumes") or []:
        if "hostPath" in volume:
            yield f"volume {volume.get('name')}: hostPath"
    for key, value in annotations.items():
        if key.startswith(APPARMOR_ANNOTATION) and not (
            value == "runtime/default" or str(value).startswith("localhost/")
        ):
            yield f"annotation {key}: {value}"
    for where, container in containers(spec):
        ctx = _context(container)
        if ctx.get("privileged"):
            yield f"{where}: privileged"
        added = set((ctx.get("capabilities") or {}).get("add") or [])
        if added - BASELINE_CAPABILITIES:
            yield f"{where}: adds capabilities {sorted(added - BASELINE_CAPABILITIES)}"
        if ctx.get("procMount", "Default") != "Default":
            yield f"{where}: procMount {ctx['procMount']}"
        for port in container.get("ports") or []:
            if port.get("hostPort"):
                yield f"{where}: hostPort {port['hostPort']}"


def _restricted(spec: Spec) -> Iterator[str]:
    pod = _context(spec)
    for volume in spec.get("volumes") or []:
        sources = set(volume) - {"name"}
        if not sources <= RESTRICTED_VOLUME_SOURCES:
            yield f"volume {volume.get('name')}: type {sorted(sources)}"
    if pod.get("runAsNonRoot") is False:
        yield "pod: runAsNonRoot false"
    if pod.get("runAsUser") == 0:
        yield "pod: runAsUser 0"
    pod_seccomp = (pod.get("seccompProfile") or {}).get("type")
    if pod_seccomp is not None and pod_seccomp not in CONFINED_PROFILES:
        yield f"pod: seccompProfile {pod_seccomp}"
    for where, container in containers(spec):
        ctx = _context(container)
        if ctx.get("allowPrivilegeEscalation") is not False:
            yield f"{where}: allowPrivilegeEscalation not false"
        non_root = ctx.get("runAsNonRoot")
        if non_root is False or (non_root is None and pod.get("runAsNonRoot") is not True):
            yield f"{where}: runAsNonRoot not true (here or on the pod)"
        if ctx.get("runAsUser") == 0:
            yield f"{where}: runAsUser 0"
        seccomp = (ctx.get("seccompProfile") or {}).get("type")
        if seccomp is None and pod_seccomp is None:
            yield f"{where}: no seccompProfile (here or on the pod)"
        elif seccomp is not None and seccomp not in CONFINED_PROFILES:
            yield f"{where}: seccompProfile {seccomp}"
        capabilities = ctx.get("capabilities") or {}
        if "ALL" not in (capabilities.get("drop") or []):
            yield f"{where}: capabilities do not drop ALL"
        added = set(capabilities.get("add") or []) - {"NET_BIND_SERVICE"}
        if added:
            yield f"{where}: adds capabilities {sorted(added)}"


def violations(spec: Spec, annotations: Spec | None = None) -> list[str]:
    """What keeps a pod with this spec (and these pod annotations) out of a restricted namespace."""
    return [*_baseline(spec, annotations or {}), *_restricted(spec)]

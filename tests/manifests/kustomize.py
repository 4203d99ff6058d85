"""Build the kustomizations of k8s/ with kubectl, as users do, and read the objects."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from testbed.procs import REPO_ROOT

K8S = REPO_ROOT / "k8s"
OVERLAYS = {"v1": K8S / "overlays" / "v1", "v2": K8S / "overlays" / "v2"}
RUNNER = {
    "pod": K8S / "runner" / "pod",
    "deployment": K8S / "runner" / "deployment",
    "scale": K8S / "runner" / "scale",
}
# The overlays on kind: the same, with the frontend Service at the node port that the kind
# cluster config maps to the host.
KIND = {"v1": K8S / "kind" / "v1", "v2": K8S / "kind" / "v2"}
KIND_CLUSTER = K8S / "kind" / "cluster.yaml"
# The Kubernetes versions the manifests are validated against: the oldest one still supported
# by the managed services (AKS) we document, and the newest kubernetes-validate knows.
OLDEST_KUBERNETES = "1.30"

Obj = dict[str, Any]


def kubectl() -> str:
    path = shutil.which("kubectl")
    if path is None:
        raise RuntimeError("kubectl is not installed (scripts/install-system-deps installs it)")
    return path


def build(path: Path) -> list[Obj]:
    """``kubectl kustomize PATH``: the objects ``kubectl apply -k PATH`` would send."""
    done = subprocess.run(
        [kubectl(), "kustomize", str(path)], capture_output=True, text=True, timeout=60
    )
    if done.returncode != 0:
        raise RuntimeError(f"kubectl kustomize {path} failed: {done.stderr.strip()}")
    return [obj for obj in yaml.safe_load_all(done.stdout) if obj]


def apply(objects: list[Obj], kubeconfig: Path, namespace: str = "default") -> None:
    """Send the objects to the API server of ``kubeconfig`` with the official client."""
    from kubernetes import config, utils

    api = config.new_client_from_config(config_file=str(kubeconfig))
    try:
        for obj in objects:
            utils.create_from_dict(api, obj, namespace=namespace)
    finally:
        api.close()


def find(objects: list[Obj], kind: str, name: str) -> Obj:
    matches = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected one {kind} {name!r}, found {len(matches)}"
    return matches[0]


def pod_specs(objects: list[Obj]) -> Iterator[tuple[str, Obj]]:
    """(object name, pod spec) of every workload."""
    for obj in objects:
        if obj["kind"] in ("Deployment", "Job", "StatefulSet", "DaemonSet"):
            yield obj["metadata"]["name"], obj["spec"]["template"]["spec"]


def container(deployment: Obj) -> Obj:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1, f"{deployment['metadata']['name']} should run one container"
    return dict(containers[0])


def images(objects: list[Obj]) -> set[str]:
    return {c["image"] for _, spec in pod_specs(objects) for c in spec["containers"]}


def experiment_of(job_spec: Obj) -> str:
    """The chaosrun command a Job's pod runs (``chaosrun deployment ...``: ``deployment``)."""
    command: list[str] = job_spec["template"]["spec"]["containers"][0]["command"]
    return command[1]


def cronjob_of(argv: list[str]) -> str | None:
    """The CronJob of ``kubectl create job NAME --from=cronjob/SOURCE`` (or ``--from X``)."""
    for n, word in enumerate(argv):
        source = word.removeprefix("--from=") if word.startswith("--from=") else None
        if word == "--from" and n + 1 < len(argv):
            source = argv[n + 1]
        if source and source.startswith(("cronjob/", "cronjobs/", "cronjob.batch/")):
            return source.partition("/")[2]
    return None

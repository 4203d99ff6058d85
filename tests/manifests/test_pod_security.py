"""Every pod k8s/ runs is admitted under the restricted Pod Security Standard, and the guides
enforce it on the namespace they deploy into."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml

from chaos.drivers.kubernetes import CONTAINER_SECURITY_CONTEXT, POD_SECURITY_CONTEXT
from tests.manifests.kustomize import K8S, Obj, build
from tests.manifests.test_docs import command_sequence, guide_text
from tests.support.pod_security import ENFORCE_LABEL, violations

WORKLOADS = {"Deployment", "Job", "CronJob", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod"}


def kustomizations() -> list[Path]:
    """Every directory of k8s/ that ``kubectl apply -k`` accepts (components are built with
    the kustomizations that use them)."""
    found = []
    for path in sorted(K8S.rglob("kustomization.yaml")):
        if yaml.safe_load(path.read_text())["kind"] == "Kustomization":
            found.append(path.parent)
    return found


def pod_templates(objects: list[Obj]) -> list[tuple[str, Obj, Obj]]:
    """(kind/name, pod metadata, pod spec) of every object that makes pods."""
    found = []
    for obj in objects:
        if obj["kind"] not in WORKLOADS:
            continue
        if obj["kind"] == "CronJob":
            template = obj["spec"]["jobTemplate"]["spec"]["template"]
        else:
            template = obj if obj["kind"] == "Pod" else obj["spec"]["template"]
        name = f"{obj['kind']}/{obj['metadata']['name']}"
        found.append((name, template.get("metadata") or {}, template["spec"]))
    return found


KUSTOMIZATIONS = kustomizations()


def test_every_kustomization_is_found() -> None:
    names = {str(path.relative_to(K8S)) for path in KUSTOMIZATIONS}
    assert {
        "overlays/v1",
        "overlays/v2",
        "kind/v1",
        "runner/pod",
        "runner/deployment",
        "runner/schedule",
    } <= names


@pytest.mark.parametrize("path", KUSTOMIZATIONS, ids=lambda p: str(p.relative_to(K8S)))
def test_every_pod_is_admitted_under_restricted(path: Path) -> None:
    for name, meta, spec in pod_templates(build(path)):
        assert violations(spec, meta.get("annotations")) == [], f"{path}: {name}"


@pytest.mark.parametrize("path", KUSTOMIZATIONS, ids=lambda p: str(p.relative_to(K8S)))
def test_every_namespace_made_enforces_restricted(path: Path) -> None:
    for obj in build(path):
        if obj["kind"] == "Namespace":
            labels = obj["metadata"].get("labels") or {}
            assert labels.get(ENFORCE_LABEL) == "restricted", obj["metadata"]["name"]


def test_the_manifests_use_chaosruns_security_contexts() -> None:
    """One definition of "restricted" for what k8s/ deploys and what chaosrun creates."""
    templates = [t for path in KUSTOMIZATIONS for t in pod_templates(build(path))]
    assert templates
    for name, _, spec in templates:
        expected = dict(POD_SECURITY_CONTEXT)
        if any("persistentVolumeClaim" in v for v in spec.get("volumes") or []):
            # A claimed volume is made writable for the image's user through its group.
            expected["fsGroup"] = POD_SECURITY_CONTEXT["runAsGroup"]
        assert spec["securityContext"] == expected, name
        for container in spec["containers"]:
            assert container["securityContext"] == dict(CONTAINER_SECURITY_CONTEXT), name


def overlay_namespaces(path: str) -> set[str]:
    """The namespaces ``kubectl apply -k PATH`` puts pods in (unset: the context's, default)."""
    objects = build(K8S.parent / path)
    return {
        obj["metadata"].get("namespace", "default") for obj in objects if obj["kind"] in WORKLOADS
    }


@pytest.mark.parametrize("guide", ["aks.md", "kind.md", "README.md"])
def test_the_guides_enforce_restricted_where_they_deploy(guide: str) -> None:
    """Before the first pod lands in a namespace, the guide labels it (namespaces k8s/ makes
    itself carry the label in their manifest, test above)."""
    labelled: set[str] = set()
    made = {
        obj["metadata"]["name"]
        for path in KUSTOMIZATIONS
        for obj in build(path)
        if obj["kind"] == "Namespace"
    }
    applies = 0
    for argv in command_sequence(guide_text(guide)):
        if argv[:3] == ["kubectl", "label", "namespace"]:
            words = [w for w in argv[3:] if not w.startswith("-")]
            if f"{ENFORCE_LABEL}=restricted" in words:
                labelled.add(words[0])
        elif argv[:3] == ["kubectl", "apply", "-k"]:
            applies += 1
            missing = overlay_namespaces(argv[3]) - labelled - made
            assert not missing, f"{guide}: `{shlex.join(argv)}` before labelling {missing}"
    assert applies, f"{guide} applies no kustomization"

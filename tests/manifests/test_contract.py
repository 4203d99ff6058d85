"""The manifests say what ``services/contract.py`` and the services' own defaults say.

Numbers come from the code (the services' settings models, their probe routes), not from a
second copy here: if a default moves, either the manifests move with it or this fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from fastapi import FastAPI
from fastapi.routing import APIRoute

from services import contract
from services.backend.faults import FaultSettings
from services.backend.settings import BackendServerSettings
from services.common.probes import add_probes, new_registry
from services.frontend.settings import BackendClientSettings, FrontendServerSettings
from tests.manifests.kustomize import (
    K8S,
    KIND,
    Obj,
    build,
    container,
    find,
    images,
    pod_specs,
)

BACKEND_PORT = BackendServerSettings.model_fields["port"].default
FRONTEND_PORT = FrontendServerSettings.model_fields["port"].default
BACKEND_URL = urlsplit(BackendClientSettings.model_fields["backend_url"].default)


def probe_routes() -> set[str]:
    app = FastAPI()
    add_probes(app, new_registry())
    return {route.path for route in app.routes if isinstance(route, APIRoute)}


def named_port(c: Obj, name: str) -> int:
    return int(next(p["containerPort"] for p in c["ports"] if p["name"] == name))


def target_port(service: Obj, c: Obj) -> int:
    (port,) = service["spec"]["ports"]
    target = port["targetPort"]
    return named_port(c, target) if isinstance(target, str) else int(target)


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_the_four_objects_of_spec(overlays: dict[str, list[Obj]], version: str) -> None:
    objects = overlays[version]
    assert sorted((o["kind"], o["metadata"]["name"]) for o in objects) == [
        ("Deployment", "back"),
        ("Deployment", "front"),
        ("Service", "backend"),
        ("Service", "frontend"),
    ]
    for deployment, label in (("back", "back"), ("front", "front")):
        d = find(objects, "Deployment", deployment)
        assert d["spec"]["selector"]["matchLabels"] == {"app": label}
        assert d["spec"]["template"]["metadata"]["labels"]["app"] == label
        assert "namespace" not in d["metadata"], "the namespace is the user's (kubectl -n)"


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_ports_follow_spec_and_the_service_defaults(
    overlays: dict[str, list[Obj]], version: str
) -> None:
    objects = overlays[version]
    back = container(find(objects, "Deployment", "back"))
    front = container(find(objects, "Deployment", "front"))
    backend = find(objects, "Service", "backend")
    frontend = find(objects, "Service", "frontend")

    # The containers listen where the services listen by default (no PORT override needed),
    # and the backend's fault route is off (the default): nothing can make it fail.
    assert "env" not in front, "the services' defaults are the config"
    assert "env" not in back, "the fault route is off in k8s/base"
    assert named_port(back, "http") == BACKEND_PORT == contract.BACKEND_PORT
    assert named_port(front, "http") == FRONTEND_PORT == contract.FRONTEND_PORT

    # backend: ClusterIP on the backend's port -> the back pods; the frontend's default URL
    # names it.
    assert backend["spec"].get("type", "ClusterIP") == "ClusterIP"
    assert backend["spec"]["selector"] == {"app": "back"}
    assert backend["spec"]["ports"][0]["port"] == contract.BACKEND_PORT
    assert target_port(backend, back) == BACKEND_PORT
    assert (BACKEND_URL.hostname, BACKEND_URL.port) == (
        contract.BACKEND_SERVICE,
        backend["spec"]["ports"][0]["port"],
    )
    assert BACKEND_URL.path == contract.MESSAGE_PATH

    # frontend: LoadBalancer 80 -> the frontend's port on the front pods.
    assert frontend["spec"]["type"] == "LoadBalancer"
    assert frontend["spec"]["selector"] == {"app": "front"}
    assert frontend["spec"]["ports"][0]["port"] == 80
    assert target_port(frontend, front) == FRONTEND_PORT


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_probes_hit_the_services_probe_routes(overlays: dict[str, list[Obj]], version: str) -> None:
    routes = probe_routes()
    assert {contract.LIVENESS_PATH, contract.READINESS_PATH} <= routes
    for name in ("back", "front"):
        c = container(find(overlays[version], "Deployment", name))
        assert c["livenessProbe"]["httpGet"]["path"] == contract.LIVENESS_PATH
        assert c["readinessProbe"]["httpGet"]["path"] == contract.READINESS_PATH
        for probe in ("livenessProbe", "readinessProbe"):
            assert c[probe]["httpGet"]["path"] in routes
            assert c[probe]["httpGet"]["port"] in ("http", named_port(c, "http"))


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_frontend_pods_are_annotated_for_prometheus(
    overlays: dict[str, list[Obj]], version: str
) -> None:
    """The conventional ``prometheus.io/*`` pod annotations (what the usual
    ``kubernetes_sd_configs`` relabelling keeps) point a scraper at the frontend's metrics
    route on its container port; annotation values are strings, as Kubernetes requires."""
    front = find(overlays[version], "Deployment", "front")
    annotations = front["spec"]["template"]["metadata"]["annotations"]
    assert annotations == {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": str(FRONTEND_PORT),
        "prometheus.io/path": contract.METRICS_PATH,
    }
    assert annotations["prometheus.io/path"] in probe_routes()
    assert int(annotations["prometheus.io/port"]) == named_port(container(front), "http")


def test_overlays_select_the_frontend_image(overlays: dict[str, list[Obj]]) -> None:
    for version in ("v1", "v2"):
        objects = overlays[version]
        assert (
            container(find(objects, "Deployment", "front"))["image"]
            == f"chaosrun-frontend:{version}"
        )
        assert container(find(objects, "Deployment", "back"))["image"] == "chaosrun-backend:v1"
    # Switching versions changes the frontend image and nothing else.
    v1 = [o for o in overlays["v1"] if o["metadata"]["name"] != "front"]
    v2 = [o for o in overlays["v2"] if o["metadata"]["name"] != "front"]
    assert v1 == v2


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_the_kind_overlays_only_fix_the_frontend_node_port(
    overlays: dict[str, list[Obj]], version: str
) -> None:
    """k8s/kind/vN is k8s/overlays/vN with a nodePort the kind cluster can map to the host."""
    kind = build(KIND[version])
    frontend = find(kind, "Service", "frontend")
    (port,) = frontend["spec"]["ports"]
    assert 30000 <= port.pop("nodePort") <= 32767  # the API server's default node port range
    assert kind == overlays[version], "only the frontend Service's nodePort may differ"
    # Still SPEC's Service: a LoadBalancer (it has node ports too), so cloud-provider-kind works.
    assert frontend["spec"]["type"] == "LoadBalancer"
    assert port["port"] == 80


def test_workloads_are_hardened(
    overlays: dict[str, list[Obj]], runner_jobs: dict[str, list[Obj]]
) -> None:
    workloads = [w for objs in (*overlays.values(), *runner_jobs.values()) for w in pod_specs(objs)]
    assert len(workloads) == 7
    for name, spec in workloads:
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True, name
        assert pod["runAsUser"] != 0, name
        assert pod["seccompProfile"] == {"type": "RuntimeDefault"}, name
        for c in spec["containers"]:
            sc = c["securityContext"]
            assert sc["readOnlyRootFilesystem"] is True, name
            assert sc["allowPrivilegeEscalation"] is False, name
            assert sc["runAsNonRoot"] is True, name
            assert sc["capabilities"] == {"drop": ["ALL"]}, name
            for kind in ("requests", "limits"):
                assert set(c["resources"][kind]) == {"cpu", "memory"}, f"{name} {kind}"
            assert c["imagePullPolicy"] == "IfNotPresent", name
            assert not c["image"].endswith(":latest") and ":" in c["image"], name


def test_the_runner_may_do_only_what_chaosrun_does(runner_jobs: dict[str, list[Obj]]) -> None:
    for objects in runner_jobs.values():
        role = find(objects, "Role", "chaosrun")
        rules = {
            (group, resource, *rule.get("resourceNames", [])): sorted(rule["verbs"])
            for rule in role["rules"]
            for group in rule["apiGroups"]
            for resource in rule["resources"]
        }
        assert rules == {
            ("", "pods"): ["delete", "get", "list"],
            ("apps", "deployments"): ["create", "delete", "get"],
            # latency --service: the Service read and its selector patched, the shadow made.
            ("", "services"): ["create", "delete", "get", "patch"],
            ("apps", "deployments/scale"): ["patch"],
            ("", "configmaps"): ["create", "delete", "get", "update"],
            ("networking.k8s.io", "networkpolicies"): ["create", "delete", "get"],
            ("", "pods/eviction"): ["create"],
            # The key of the run records' seals: made once, then read by its name only.
            ("", "secrets"): ["create"],
            ("", "secrets", "chaosrun-records-key"): ["get"],
            # Every run: the namespace's policy and the halt switch, by name; an Event per change.
            ("", "configmaps", "chaosrun-policy", "chaosrun-halt"): ["get"],
            ("", "events"): ["create"],
        }
        assert not [o for o in objects if o["kind"] in ("ClusterRole", "ClusterRoleBinding")]
        binding = find(objects, "RoleBinding", "chaosrun")
        assert binding["metadata"]["namespace"] == role["metadata"]["namespace"] == "default"
        assert binding["roleRef"] == {
            "apiGroup": "rbac.authorization.k8s.io",
            "kind": "Role",
            "name": "chaosrun",
        }
        account = find(objects, "ServiceAccount", "chaosrun")
        assert binding["subjects"] == [
            {
                "kind": "ServiceAccount",
                "name": "chaosrun",
                "namespace": account["metadata"]["namespace"],
            }
        ]
        (job,) = [o for o in objects if o["kind"] == "Job"]
        spec = job["spec"]["template"]["spec"]
        assert spec["serviceAccountName"] == "chaosrun"
        assert job["metadata"]["namespace"] == account["metadata"]["namespace"] != "default"
        assert images(objects) == {"chaosrun-runner:v1"}


def _keys(node: object) -> Iterator[tuple[str, object]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key), value
            yield from _keys(value)
    elif isinstance(node, list):
        for item in node:
            yield from _keys(item)


def test_the_registry_is_set_in_one_place() -> None:
    """Only k8s/images names the images' registry; every other file uses the placeholders."""
    setters = set()
    for path in K8S.rglob("*.yaml"):
        for doc in yaml.safe_load_all(path.read_text()):
            for key, value in _keys(doc):
                if key == "newName":
                    setters.add(str(path.relative_to(K8S)))
                if key == "image":
                    assert "/" not in str(value), f"{path}: {value} names a registry"
    assert setters == {"images/images.yaml"}


def test_the_faults_component_opens_the_route_with_a_token_from_a_secret(
    tmp_path: Path,
) -> None:
    """``k8s/overlays/faults`` added to an install, as its comment tells users to do."""
    overlays = Path(os.path.relpath(K8S / "overlays", tmp_path))
    (tmp_path / "kustomization.yaml").write_text(
        yaml.safe_dump(
            {"resources": [str(overlays / "v2")], "components": [str(overlays / "faults")]}
        )
    )
    back = container(find(build(tmp_path), "Deployment", "back"))
    assert back["env"] == [
        {"name": "BACKEND_FAULTS_ENABLED", "value": "true"},
        {
            "name": "BACKEND_FAULTS_TOKEN",
            "valueFrom": {
                "secretKeyRef": {
                    "name": contract.FAULTS_TOKEN_SECRET,
                    "key": contract.FAULTS_TOKEN_KEY,
                }
            },
        },
    ]
    enabled, token = (FaultSettings.model_fields[name] for name in ("enabled", "token"))
    assert enabled.default is False and token.default.get_secret_value() == ""

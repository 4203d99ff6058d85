"""What users deploy, applied to the fake Kubernetes API server, then chaosrun against it.

The built overlay is sent object by object through the official ``kubernetes`` client (what
``kubectl apply -k`` sends); real backend and frontend processes stand for the pods
(``ProcessBinding``); chaosrun runs as a separate process with the exact command line of the
in-cluster Job (k8s/runner/...), only the frontend URL, the journal and the pause changed for a
machine without cluster DNS.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from testbed.kube.server import RecordedRequest
from tests.manifests.demo import Demo
from tests.manifests.kustomize import Obj, find
from tests.support.cli import run_chaosrun


def job_argv(runner_jobs: dict[str, list[Obj]], experiment: str, **overrides: str) -> list[str]:
    """The Job's command line, with ``--option value`` pairs replaced by ``overrides``."""
    (job,) = [o for o in runner_jobs[experiment] if o["kind"] == "Job"]
    (c,) = job["spec"]["template"]["spec"]["containers"]
    argv = list(c["command"]) + list(c.get("args", []))
    for option, value in overrides.items():
        flag = "--" + option.replace("_", "-")
        if flag in argv:
            argv[argv.index(flag) + 1] = value
        else:
            argv += [flag, value]
    return argv


def chaosrun(argv: list[str], kubeconfig_path: Path) -> subprocess.CompletedProcess[str]:
    assert argv[0] == "chaosrun"
    return run_chaosrun(*argv[1:], timeout=90, env={"KUBECONFIG": str(kubeconfig_path)})


def journal(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text()))


VERBS = {"POST": "create", "PUT": "update", "PATCH": "patch"}


def rbac_request(method: str, path: str, query: dict[str, str]) -> tuple[str, ...] | None:
    """(namespace, apiGroup, resource[/subresource], verb) of an API request, as RBAC sees it;
    None for the discovery paths every authenticated client may read."""
    parts = [p for p in path.split("/") if p]
    if parts[:1] == ["api"]:
        group, rest = "", parts[2:]
    elif parts[:1] == ["apis"]:
        group, rest = parts[1], parts[3:]
    else:
        return None  # /version, /healthz ...
    if len(rest) < 3 or rest[0] != "namespaces":
        return None if not rest else ("", group, "/".join(rest[:1]), "?")
    namespace, resource, named = rest[1], rest[2:], len(rest) >= 4
    if method == "GET":
        verb = "watch" if query.get("watch") in ("true", "1") else ("get" if named else "list")
    elif method == "DELETE":
        verb = "delete" if named else "deletecollection"
    else:
        verb = VERBS[method]
    name = resource[0] + ("/" + resource[2] if len(resource) > 2 else "")
    return namespace, group, name, verb


def assert_role_allows(role: Obj, requests: list[Any]) -> set[tuple[str, ...]]:
    """Every request the runner made is allowed by ``role`` (in the Role's namespace)."""
    allowed = {
        (role["metadata"]["namespace"], group, resource, verb)
        for rule in role["rules"]
        for group in rule["apiGroups"]
        for resource in rule["resources"]
        for verb in rule["verbs"]
    }
    made = {r for req in requests if (r := rbac_request(req.method, req.path, req.query))}
    assert made, "chaosrun made no API request"
    assert made <= allowed, f"the runner's Role does not allow {sorted(made - allowed)}"
    for req in requests:
        _assert_named_allowed(role, req.method, req.path, req.query)
    return made


def _assert_named_allowed(role: Obj, method: str, path: str, query: dict[str, str]) -> None:
    """A request covered only by rules that list resourceNames names one of those objects."""
    seen = rbac_request(method, path, query)
    if seen is None:
        return
    _, group, resource, verb = seen
    rules = [
        rule
        for rule in role["rules"]
        if group in rule["apiGroups"] and resource in rule["resources"] and verb in rule["verbs"]
    ]
    if rules and all("resourceNames" in rule for rule in rules):
        name = path.rstrip("/").split("/")[-1]
        names = {n for rule in rules for n in rule["resourceNames"]}
        assert name in names, f"the runner's Role does not allow {verb} on {resource} {name!r}"


def test_chaosrun_pod_against_the_v1_install(
    demo: Demo, overlays: dict[str, list[Obj]], runner_jobs: dict[str, list[Obj]], tmp_path: Path
) -> None:
    front = demo.deploy(overlays["v1"], "v1")
    (victim,) = demo.cluster.pod_names(selector="app=front")
    journal_path = tmp_path / "pod.json"
    argv = job_argv(
        runner_jobs,
        "pod",
        frontend_url=f"{front.url}/",
        journal_path=str(journal_path),
        pause="4",  # room for the replacement frontend process to start on a busy machine
    )
    first_request = len(demo.cluster.api.requests)
    done = chaosrun(argv, demo.kubeconfig)
    assert done.returncode == 0, done.stdout + done.stderr
    # What the in-cluster Job would do, its Role allows (RBAC, checked on the real requests).
    role = find(runner_jobs["pod"], "Role", "chaosrun")
    made = assert_role_allows(role, demo.cluster.api.requests[first_request:])
    assert ("default", "", "pods", "delete") in made
    run = journal(journal_path)
    assert (run["status"], run["deviated"]) == ("completed", False)
    # The frontend pod was really terminated and the ReplicaSet replaced it.
    assert victim not in demo.cluster.pod_names(selector="app=front")
    assert len(demo.cluster.wait_ready("app=front")) == 1
    assert "Experiment ended with status: completed" in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("version", "code", "status", "deviated"),
    [("v1", 1, "failed", True), ("v2", 0, "completed", False)],
)
def test_chaosrun_deployment_story(
    demo: Demo,
    overlays: dict[str, list[Obj]],
    runner_jobs: dict[str, list[Obj]],
    tmp_path: Path,
    version: str,
    code: int,
    status: str,
    deviated: bool,
) -> None:
    """SPEC's story: deleting `back` breaks v1 (deviated: the journal says failed) and not v2."""
    front = demo.deploy(overlays[version], version)
    journal_path = tmp_path / "deployment.json"
    argv = job_argv(
        runner_jobs,
        "deployment",
        frontend_url=f"{front.url}/",
        journal_path=str(journal_path),
        pause="2",
    )
    first_request = len(demo.cluster.api.requests)
    done = chaosrun(argv, demo.kubeconfig)
    output = done.stdout + done.stderr
    assert done.returncode == code, output
    role = find(runner_jobs["deployment"], "Role", "chaosrun")
    made = assert_role_allows(role, demo.cluster.api.requests[first_request:])
    assert {("default", "apps", "deployments", v) for v in ("delete", "create")} <= made
    run = journal(journal_path)
    assert (run["status"], run["deviated"]) == (status, deviated), output
    # The rollback restored the backend Deployment from its snapshot.
    assert demo.cluster.deployment("back") is not None
    demo.cluster.wait_ready("app=back")


def test_requests_map_to_rbac_as_the_api_server_does() -> None:
    assert rbac_request("GET", "/api/v1/namespaces/default/pods", {}) == (
        "default",
        "",
        "pods",
        "list",
    )
    assert rbac_request("GET", "/api/v1/namespaces/default/pods", {"watch": "true"}) == (
        "default",
        "",
        "pods",
        "watch",
    )
    assert rbac_request("PATCH", "/apis/apps/v1/namespaces/default/deployments/back/scale", {}) == (
        "default",
        "apps",
        "deployments/scale",
        "patch",
    )
    collection = rbac_request("DELETE", "/apis/apps/v1/namespaces/default/deployments", {})
    assert collection is not None and collection[3] == "deletecollection"
    assert rbac_request("GET", "/version", {}) is None
    role = {
        "metadata": {"namespace": "default"},
        "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]}],
    }
    with pytest.raises(AssertionError, match="does not allow"):
        assert_role_allows(
            role, [RecordedRequest("DELETE", "/api/v1/namespaces/default/pods/x", {}, None)]
        )


# Read only to resolve a delete whose answer was lost (did it go through?): a run without
# faults never sends them. (ConfigMaps are read by every run: the policy, the halt.)
READ_BACKS = {("default", "", "pods", "get")}
# Granted for the commands the Jobs do not run (tests/manifests/test_cluster_scope.py runs
# them against the same Role).
OTHER_COMMANDS = {
    *(("default", "networking.k8s.io", "networkpolicies", v) for v in ("get", "create", "delete")),
    ("default", "", "pods/eviction", "create"),
}


def test_the_role_grants_only_what_the_jobs_use(
    demo: Demo, overlays: dict[str, list[Obj]], runner_jobs: dict[str, list[Obj]], tmp_path: Path
) -> None:
    front = demo.deploy(overlays["v2"], "v2")
    made: set[tuple[str, ...]] = set()
    for experiment in ("pod", "deployment", "scale"):
        argv = job_argv(
            runner_jobs,
            experiment,
            frontend_url=f"{front.url}/",
            journal_path=str(tmp_path / f"{experiment}.json"),
            # The killed frontend pod's process starts again within the pause: a new uvicorn
            # takes seconds on a busy machine.
            pause="6" if experiment == "pod" else "2",
        )
        first_request = len(demo.cluster.api.requests)
        done = chaosrun(argv, demo.kubeconfig)
        assert done.returncode == 0, done.stdout + done.stderr
        role = find(runner_jobs[experiment], "Role", "chaosrun")
        made |= assert_role_allows(role, demo.cluster.api.requests[first_request:])
        demo.cluster.wait_ready("app=back")
        demo.cluster.wait_ready("app=front")
    # The guides' proxy-latency step runs with the same Role.
    latency = ["chaosrun", "latency", "--service", "backend", "--frontend-url", f"{front.url}/"]
    latency += ["--duration", "0.5", "--no-measure", "--journal-path", str(tmp_path / "l.json")]
    first_request = len(demo.cluster.api.requests)
    done = chaosrun(latency, demo.kubeconfig)
    assert done.returncode == 0, done.stdout + done.stderr
    made |= assert_role_allows(role, demo.cluster.api.requests[first_request:])
    allowed = {
        (role["metadata"]["namespace"], group, resource, verb)
        for rule in role["rules"]
        for group in rule["apiGroups"]
        for resource in rule["resources"]
        for verb in rule["verbs"]
    }
    assert allowed - READ_BACKS - OTHER_COMMANDS == made

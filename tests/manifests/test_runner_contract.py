"""The manifests name what chaosrun targets by default, and the Jobs run valid commands."""

from __future__ import annotations

import inspect

import pytest

from chaos.actions.deployments import frontend_url
from chaos.drivers.kubernetes.settings import KubeSettings
from tests.manifests.cli import UsageError, default, parse
from tests.manifests.kustomize import Obj, find


def selector_matches(selector: str, labels: dict[str, str]) -> bool:
    pairs = [term.split("=", 1) for term in selector.split(",")]
    return all(len(p) == 2 and labels.get(p[0].strip()) == p[1].strip() for p in pairs)


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_chaosrun_defaults_hit_the_deployed_objects(
    overlays: dict[str, list[Obj]], version: str
) -> None:
    objects = overlays[version]
    front = find(objects, "Deployment", "front")
    back = find(objects, "Deployment", "back")
    # `chaosrun pod` terminates the frontend's pods and nothing else.
    selector = default("pod", "selector")
    assert selector_matches(selector, front["spec"]["template"]["metadata"]["labels"])
    assert not selector_matches(selector, back["spec"]["template"]["metadata"]["labels"])
    # `chaosrun deployment` deletes the backend Deployment.
    assert default("deployment", "name") == back["metadata"]["name"]
    # Both default to the namespace kubectl apply uses when none is given.
    assert default("pod", "namespace") == default("deployment", "namespace") == "default"
    # Without --frontend-url the URL comes from this Service, which has a load balancer.
    service = inspect.signature(frontend_url).parameters["service"].default
    assert find(objects, "Service", service)["spec"]["type"] == "LoadBalancer"


@pytest.mark.parametrize("experiment", ["pod", "deployment"])
def test_the_jobs_run_valid_chaosrun_commands(
    runner_jobs: dict[str, list[Obj]], overlays: dict[str, list[Obj]], experiment: str
) -> None:
    (job,) = [o for o in runner_jobs[experiment] if o["kind"] == "Job"]
    (c,) = job["spec"]["template"]["spec"]["containers"]
    argv = c["command"] + c.get("args", [])
    assert argv[:2] == ["chaosrun", experiment]
    params = parse(argv)
    role = find(runner_jobs[experiment], "Role", "chaosrun")
    assert params["namespace"] == role["metadata"]["namespace"]
    # The frontend through its Service's cluster DNS name and port.
    frontend = find(overlays["v1"], "Service", "frontend")
    port = frontend["spec"]["ports"][0]["port"]
    host = f"frontend.{params['namespace']}.svc.cluster.local"
    assert params["frontend_url"] in (f"http://{host}/", f"http://{host}:{port}/")
    assert port == 80
    # The journal goes to the only writable place of a read-only container: the /tmp volume.
    mounts = {m["mountPath"] for m in c["volumeMounts"]}
    assert str(params["journal_path"]).startswith("/tmp/") and "/tmp" in mounts
    if experiment == "pod":
        assert selector_matches(params["selector"], {"app": "front"})
    else:
        assert params["name"] == "back"
        assert params["no_rollback"] is False


@pytest.mark.parametrize("experiment", ["pod", "deployment"])
def test_the_jobs_lose_nothing_when_their_pod_goes(
    runner_jobs: dict[str, list[Obj]], experiment: str
) -> None:
    """The journal reaches the log; the deployment Job keeps its snapshot in the cluster; a
    SIGTERM leaves time for the rollback's restore, however long it waits."""
    (job,) = [o for o in runner_jobs[experiment] if o["kind"] == "Job"]
    spec = job["spec"]["template"]["spec"]
    (c,) = spec["containers"]
    params = parse(c["command"] + c.get("args", []))
    assert params["print_journal"] is True
    assert params.get("record_in_cluster", False) is (experiment == "deployment")
    settings = KubeSettings()
    assert spec["terminationGracePeriodSeconds"] > max(
        settings.restore_wait, settings.retry_deadline
    )


def test_parse_rejects_an_unknown_option() -> None:
    """The check above can fail: a misspelt option is an error."""
    with pytest.raises(UsageError):
        parse(["chaosrun", "pod", "--selektor", "app=front"])


def test_the_schedule_runs_the_deployment_job_with_a_history_that_stays(
    runner_jobs: dict[str, list[Obj]],
) -> None:
    from chaos.history.options import HISTORY_ENV
    from tests.manifests.kustomize import K8S, build

    objects = build(K8S / "runner" / "schedule")
    assert not [o for o in objects if o["kind"] == "Job"]
    cron = find(objects, "CronJob", "chaosrun-schedule")
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    spec = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    (job,) = [o for o in runner_jobs["deployment"] if o["kind"] == "Job"]
    (c,) = spec["containers"]
    (job_c,) = job["spec"]["template"]["spec"]["containers"]
    assert c["command"] == job_c["command"]
    env = {e["name"]: e for e in c["env"]}
    secret = env[HISTORY_ENV]["valueFrom"]["secretKeyRef"]
    assert (secret["name"], secret["key"], secret["optional"]) == ("chaosrun-history", "url", True)
    # Without the Secret: SQLite in the state directory, on the claimed volume.
    state = env["XDG_STATE_HOME"]["value"]
    (mount,) = [m for m in c["volumeMounts"] if m["mountPath"] == state]
    (volume,) = [v for v in spec["volumes"] if v["name"] == mount["name"]]
    claim = volume["persistentVolumeClaim"]["claimName"]
    assert find(objects, "PersistentVolumeClaim", claim)["metadata"]["namespace"] == "chaosrun"

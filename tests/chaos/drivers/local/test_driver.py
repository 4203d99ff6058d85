"""LocalDriver against a real supervisord running the real services on loopback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chaos.drivers.base import Driver, NotFound, TargetUnreachable
from chaos.drivers.local import LocalDriver, LocalStack
from services.contract import BACKEND_MESSAGE, FALLBACK_MESSAGE, MESSAGE_PATH
from testbed.polling import answers, get, wait_until


def _url(driver: LocalDriver, service: str) -> str:
    url = driver.service_url(service, "default")
    assert url is not None
    return url


def test_driver_fulfils_the_protocol_and_lists_the_stack(driver: LocalDriver) -> None:
    assert isinstance(driver, Driver)
    driver.check_reachable()
    pods = driver.list_pods("default")
    assert sorted(p.labels["app"] for p in pods) == ["back", "front", "front"]
    assert all(p.phase == "Running" and p.ready for p in pods)
    fronts = driver.list_pods("default", "app=front")
    assert {p.labels["version"] for p in fronts} == {"v1", "v2"}
    assert [p.labels["version"] for p in driver.list_pods("default", "app=front,version!=v1")] == [
        "v2"
    ]
    assert driver.list_pods("other") == []
    names = sorted(d.name for d in driver.list_deployments("default"))
    assert names == ["back", "front-v1", "front-v2"]
    assert _url(driver, "frontend") == _url(driver, "frontend-v1")
    assert _url(driver, "frontend") != _url(driver, "frontend-v2")
    assert driver.service_url("nope", "default") is None


def test_frontends_show_the_backend_message(driver: LocalDriver) -> None:
    for service in ("frontend-v1", "frontend-v2"):
        response = get(_url(driver, service) + "/")
        assert response.status_code == 200
        assert BACKEND_MESSAGE in response.text


def test_killed_pod_is_replaced_by_a_new_pid_that_serves(driver: LocalDriver) -> None:
    (old,) = driver.list_pods("default", "app=front,version=v1")
    old_pid = int(old.name.rsplit("-", 1)[1])
    driver.delete_pod(old.name, "default")

    def replaced() -> bool:
        pods = driver.list_pods("default", "app=front,version=v1")
        return len(pods) == 1 and pods[0].name != old.name and pods[0].ready

    wait_until(replaced, what="a new front-v1 pod")
    (new,) = driver.list_pods("default", "app=front,version=v1")
    new_pid = int(new.name.rsplit("-", 1)[1])
    assert new_pid != old_pid
    with pytest.raises(ProcessLookupError):
        os.kill(old_pid, 0)
    response = get(_url(driver, "frontend") + "/")
    assert response.status_code == 200 and BACKEND_MESSAGE in response.text
    with pytest.raises(NotFound):
        driver.delete_pod(old.name, "default")  # the old pod is gone


def test_pods_killed_as_soon_as_they_start_keep_coming_back(driver: LocalDriver) -> None:
    # supervisord treats an exit within `startsecs` as a failed start and, after a few,
    # gives the program up (FATAL); a ReplicaSet never does. Kill each new pod at once.
    seen: list[str] = []

    def fresh() -> list[str]:
        pods = driver.list_pods("default", "app=front,version=v1")
        return [p.name for p in pods if p.name not in seen]

    for _ in range(7):
        wait_until(lambda: bool(fresh()), what="a new front-v1 pod")
        (pod,) = fresh()
        seen.append(pod)
        driver.delete_pod(pod, "default")
    wait_until(lambda: answers(_url(driver, "frontend") + "/"), what="front-v1 to serve again")
    response = get(_url(driver, "frontend") + "/")
    assert response.status_code == 200 and BACKEND_MESSAGE in response.text


def test_deleted_backend_v1_fails_v2_falls_back_and_restore_recovers(
    driver: LocalDriver, stack: LocalStack
) -> None:
    snapshot = driver.get_deployment("back", "default")
    backend_url = _url(driver, "backend")
    driver.delete_deployment("back", "default")
    try:
        assert "back" not in {d.name for d in driver.list_deployments("default")}
        assert driver.list_pods("default", "app=back") == []
        with pytest.raises(NotFound):
            driver.get_deployment("back", "default")
        assert {r.name: r.state for r in stack.status()}["back"] == "DELETED"

        v1 = get(_url(driver, "frontend-v1") + "/")
        assert v1.status_code == 502
        assert BACKEND_MESSAGE not in v1.text
        v2 = get(_url(driver, "frontend-v2") + "/")
        assert v2.status_code == 200
        assert FALLBACK_MESSAGE in v2.text
    finally:
        driver.restore_deployment(snapshot)

    assert driver.get_deployment("back", "default") == snapshot
    wait_until(lambda: answers(backend_url + MESSAGE_PATH), what="the backend to answer again")
    assert get(_url(driver, "frontend-v1") + "/").status_code == 200

    # v2 recovers once its breaker lets calls through again (1 s wait in this stack).
    wait_until(
        lambda: answers(_url(driver, "frontend-v2") + "/", BACKEND_MESSAGE),
        what="v2 to show the backend message again",
    )
    driver.restore_deployment(snapshot)  # restoring a running Deployment changes nothing
    assert len(driver.list_pods("default", "app=back")) == 1


def test_scale_to_zero_and_back(driver: LocalDriver) -> None:
    driver.scale_deployment("front-v2", "default", 0)
    try:
        wait_until(lambda: driver.list_pods("default", "version=v2") == [], what="no v2 pod")
        assert "front-v2" in {d.name for d in driver.list_deployments("default")}
    finally:
        driver.scale_deployment("front-v2", "default", 1)
    wait_until(
        lambda: [p.ready for p in driver.list_pods("default", "version=v2")] == [True],
        what="v2 ready again",
    )


def test_a_catalogue_scale_is_undone_on_the_local_target(driver: LocalDriver) -> None:
    from chaos.actions.changes import undo_all
    from chaos.actions.chaosk8s.deployment.actions import scale_deployment
    from chaos.actions.context import RunContext
    from chaos.drivers.base import DEPLOYMENTS

    ctx = RunContext(driver_factory=lambda: driver)
    try:
        assert scale_deployment(ctx, "front-v2", 0)["previous"] == 1
        wait_until(lambda: driver.list_pods("default", "version=v2") == [], what="no v2 pod")
        assert [(e.op.value, e.previous) for e in ctx.undoable] == [("scaled", 1)]
    finally:
        assert undo_all(ctx) == ["Deployment default/front-v2: undone"]
    assert driver.read_object(DEPLOYMENTS, "front-v2", "default")["spec"]["replicas"] == 1
    wait_until(
        lambda: [p.ready for p in driver.list_pods("default", "version=v2")] == [True],
        what="v2 ready again",
    )


def test_unknown_objects_are_not_found(driver: LocalDriver) -> None:
    with pytest.raises(NotFound):
        driver.get_deployment("nope", "default")
    with pytest.raises(NotFound):
        driver.get_deployment("back", "kube-system")
    with pytest.raises(NotFound):
        driver.delete_pod("front-v1-1", "default")
    with pytest.raises(NotFound):
        driver.delete_pod("garbage", "default")


def test_no_stack_is_unreachable_with_a_hint(tmp_path: Path) -> None:
    with pytest.raises(TargetUnreachable, match="chaosrun local up"):
        LocalDriver(tmp_path).check_reachable()

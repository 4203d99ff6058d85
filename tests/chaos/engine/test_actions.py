"""chaos.actions over a Driver: selection, terminations, health verdicts, snapshots."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from chaos.actions.context import RunContext
from chaos.actions.deployments import (
    delete_deployment,
    frontend_url,
    restore_deployment,
    scale_deployment,
)
from chaos.actions.errors import ActivityFailed
from chaos.actions.pods import (
    all_microservices_healthy,
    all_pods_healthy,
    count_pods,
    delete_pods,
    pods_in_phase,
    terminate_pods,
)
from chaos.drivers.base import Driver, PodInfo
from chaos.drivers.factory import TargetRef
from chaos.records import RecordStore, RecordWriter, RunRecord
from tests.chaos.engine.memory_driver import MemoryDriver

DELETED_FOR = 0.2  # seconds a test keeps a deleted Deployment deleted


@pytest.fixture
def driver() -> MemoryDriver:
    d = MemoryDriver()
    d.add_deployment("front", {"app": "front"}, replicas=3)
    d.add_deployment("back", {"app": "back", "tier": "api"}, replicas=1)
    return d


def ctx_for(driver: MemoryDriver, **kwargs: object) -> RunContext:
    return RunContext(driver_factory=lambda: driver, **kwargs)  # type: ignore[arg-type]


def test_memory_driver_fulfils_the_protocol(driver: MemoryDriver) -> None:
    assert isinstance(driver, Driver)


def test_terminate_by_selector_hits_the_first_alphabetically(driver: MemoryDriver) -> None:
    ctx = ctx_for(driver)
    assert terminate_pods(ctx, label_selector="app=front") == ["front-1"]
    assert driver.deleted_pods == ["front-1"]
    # The "Deployment" replaced it with a new pod.
    assert "front-5" in {p.name for p in driver.list_pods("default")}


def test_terminate_qty_all_and_percentage(driver: MemoryDriver) -> None:
    assert terminate_pods(ctx_for(driver), label_selector="app=front", qty=2) == [
        "front-1",
        "front-2",
    ]
    d2 = MemoryDriver()
    d2.add_deployment("front", {"app": "front"}, replicas=3)
    assert len(terminate_pods(ctx_for(d2), label_selector="app=front", all=True)) == 3
    d3 = MemoryDriver()
    d3.add_deployment("front", {"app": "front"}, replicas=3)
    # ceil(50% of 3) = 2
    hit = terminate_pods(ctx_for(d3), label_selector="app=front", mode="percentage", qty=50)
    assert hit == ["front-1", "front-2"]


def test_terminate_by_name_pattern_is_a_regex_search(driver: MemoryDriver) -> None:
    assert terminate_pods(ctx_for(driver), name_pattern="nt-[23]$", qty=5) == [
        "front-2",
        "front-3",
    ]
    assert terminate_pods(ctx_for(driver), label_selector="tier in (api)", name_pattern="^ba") == [
        "back-4"
    ]


def test_order_oldest_uses_creation_time(driver: MemoryDriver) -> None:
    driver.add_pod(
        PodInfo("front-0-old", "default", "Running", True, created=None, labels={"app": "front"})
    )
    # created=None sorts last; front-1 is the oldest with a timestamp.
    assert terminate_pods(ctx_for(driver), label_selector="app=front", order="oldest") == [
        "front-1"
    ]


def test_rand_with_seed_is_reproducible_and_recorded() -> None:
    picks = []
    for _ in range(2):
        d = MemoryDriver()
        d.add_deployment("front", {"app": "front"}, replicas=10)
        ctx = ctx_for(d, seed=1234)
        picks.append(terminate_pods(ctx, label_selector="app=front", rand=True, qty=3))
        assert ctx.record["seed"] == 1234
    assert picks[0] == picks[1]
    assert len(set(picks[0])) == 3


def test_rand_without_seed_records_the_seed_it_drew() -> None:
    d = MemoryDriver()
    d.add_deployment("front", {"app": "front"}, replicas=5)
    ctx = ctx_for(d)
    first = terminate_pods(ctx, label_selector="app=front", rand=True, qty=2)
    seed = ctx.record["seed"]
    assert isinstance(seed, int)
    d2 = MemoryDriver()
    d2.add_deployment("front", {"app": "front"}, replicas=5)
    assert (
        terminate_pods(ctx_for(d2, seed=seed), label_selector="app=front", rand=True, qty=2)
        == first
    )


def test_selector_matching_nothing_fails_clearly(driver: MemoryDriver) -> None:
    with pytest.raises(ActivityFailed, match="no pod matches label selector 'app=nope'"):
        terminate_pods(ctx_for(driver), label_selector="app=nope")
    assert driver.deleted_pods == []


def test_invalid_inputs_fail_clearly(driver: MemoryDriver) -> None:
    ctx = ctx_for(driver)
    with pytest.raises(ActivityFailed, match="invalid label selector"):
        terminate_pods(ctx, label_selector="app in (front")
    with pytest.raises(ActivityFailed, match="invalid name pattern"):
        terminate_pods(ctx, name_pattern="(")
    with pytest.raises(ActivityFailed, match="mode must be one of"):
        terminate_pods(ctx, label_selector="app=front", mode="some")
    with pytest.raises(ActivityFailed, match="order must be one of"):
        terminate_pods(ctx, label_selector="app=front", order="newest")
    assert driver.deleted_pods == []


def test_system_namespace_is_refused_unless_allowed() -> None:
    d = MemoryDriver()
    d.add_deployment("dns", {"app": "dns"}, namespace="kube-system")
    with pytest.raises(ActivityFailed, match="system namespace 'kube-system'"):
        terminate_pods(ctx_for(d), label_selector="app=dns", ns="kube-system")
    assert d.deleted_pods == []
    allowed = ctx_for(d, allow_system_namespaces=True)
    assert terminate_pods(allowed, label_selector="app=dns", ns="kube-system") == ["dns-1"]


def test_dry_run_selects_but_changes_nothing(driver: MemoryDriver) -> None:
    ctx = ctx_for(driver, dry_run=True)
    assert terminate_pods(ctx, label_selector="app=front", all=True) == [
        "front-1",
        "front-2",
        "front-3",
    ]
    assert delete_deployment(ctx, name="back") == ["back"]
    assert driver.deleted_pods == []
    assert ("default", "back") in driver.deployments


def test_deprecated_delete_pods_uses_name_label_then_app_label(driver: MemoryDriver) -> None:
    hit = delete_pods(ctx_for(driver), name="front")
    assert hit == ["front-1", "front-2", "front-3"]
    driver.add_pod(PodInfo("legacy-x", "default", "Running", True, labels={"name": "legacy"}))
    assert delete_pods(ctx_for(driver), name="legacy") == ["legacy-x"]
    with pytest.raises(ActivityFailed, match="no pod matches"):
        delete_pods(ctx_for(driver), name="ghost")


def test_all_pods_healthy_names_the_unhealthy_pods(driver: MemoryDriver) -> None:
    ctx = ctx_for(driver)
    assert all_pods_healthy(ctx) is True
    assert all_microservices_healthy(ctx) is True
    driver.set_pod("front-2", ready=False)
    driver.set_pod("back-4", phase="Pending", ready=False)
    with pytest.raises(ActivityFailed) as info:
        all_pods_healthy(ctx)
    message = str(info.value)
    assert "front-2 (Running, not ready)" in message
    assert "back-4 (Pending)" in message
    assert "front-1" not in message


def test_pods_in_phase_and_count(driver: MemoryDriver) -> None:
    ctx = ctx_for(driver)
    assert pods_in_phase(ctx, label_selector="app=front") is True
    assert count_pods(ctx, label_selector="app=front") == 3
    driver.set_pod("front-3", phase="Pending")
    assert count_pods(ctx, label_selector="app=front", phase="Running") == 2
    with pytest.raises(ActivityFailed, match="front-3 \\(Pending\\)"):
        pods_in_phase(ctx, label_selector="app=front")
    with pytest.raises(ActivityFailed, match="no pod matches"):
        pods_in_phase(ctx, label_selector="app=ghost")


def test_delete_deployment_snapshots_then_restore_records_time(driver: MemoryDriver) -> None:
    ctx = ctx_for(driver)
    started = time.monotonic()
    assert delete_deployment(ctx, name="back") == ["back"]
    assert ("default", "back") not in driver.deployments
    assert ctx.record["snapshots"][0]["name"] == "back"
    time.sleep(DELETED_FOR)
    restored = restore_deployment(ctx, name="back")
    elapsed = time.monotonic() - started
    assert [r["name"] for r in restored] == ["back"]
    # From the delete to the restore: at least the time it stayed deleted, at most the
    # test's own span (plus the half millisecond of rounding to ms).
    assert DELETED_FOR <= restored[0]["time_to_restore"] <= elapsed + 0.0005
    assert ctx.record["restores"] == restored
    assert driver.deployments[("default", "back")]["labels"] == {"app": "back", "tier": "api"}
    # Restoring twice does nothing.
    assert restore_deployment(ctx, name="back") == []


def test_delete_deployment_by_selector(driver: MemoryDriver) -> None:
    ctx = ctx_for(driver)
    assert delete_deployment(ctx, label_selector="tier=api") == ["back"]
    assert [r["name"] for r in restore_deployment(ctx)] == ["back"]


def test_delete_deployment_guards(driver: MemoryDriver) -> None:
    ctx = ctx_for(driver)
    with pytest.raises(ActivityFailed, match="neither a name nor a label selector"):
        delete_deployment(ctx)
    with pytest.raises(ActivityFailed, match="Deployment 'ghost' not found in namespace 'default'"):
        delete_deployment(ctx, name="ghost")
    with pytest.raises(ActivityFailed, match="no Deployment matches"):
        delete_deployment(ctx, label_selector="app=ghost")
    assert len(driver.deployments) == 2


def test_scale_deployment(driver: MemoryDriver) -> None:
    ctx = ctx_for(driver)
    assert scale_deployment(ctx, name="front", replicas=1)["replicas"] == 1
    assert count_pods(ctx, label_selector="app=front") == 1
    with pytest.raises(ActivityFailed, match="not found"):
        scale_deployment(ctx, name="ghost", replicas=1)
    with pytest.raises(ActivityFailed, match="non-negative"):
        scale_deployment(ctx, name="front", replicas=-1)


def test_frontend_url_from_the_service(driver: MemoryDriver) -> None:
    ctx = ctx_for(driver)
    with pytest.raises(ActivityFailed, match=r"Service 'frontend'.*no load-balancer address"):
        frontend_url(ctx)
    driver.services[("default", "frontend")] = "http://10.0.0.7:80/"
    assert frontend_url(ctx) == "http://10.0.0.7:80/"


def test_driver_is_built_lazily_once() -> None:
    built: list[MemoryDriver] = []

    def factory() -> MemoryDriver:
        built.append(MemoryDriver())
        return built[-1]

    ctx = RunContext(driver_factory=factory)
    assert built == []
    assert ctx.driver() is ctx.driver()
    assert len(built) == 1


class _StoreInterruptedAt(RecordStore):
    """A record store where a signal lands while the ``n``-th write is under way."""

    def __init__(self, directory: Path, n: int) -> None:
        super().__init__(directory)
        self.writes = 0
        self.n = n

    def save(self, record: RunRecord) -> None:
        super().save(record)
        self.writes += 1
        if self.writes == self.n:
            raise KeyboardInterrupt


def test_a_signal_right_after_the_delete_still_finds_the_snapshot(
    driver: MemoryDriver, tmp_path: Path
) -> None:
    """The snapshot is kept for the rollback before the DELETE leaves, so a signal landing
    anywhere after it (here: while the record notes the delete) cannot lose the Deployment."""
    store = _StoreInterruptedAt(tmp_path, n=2)  # 1: written ahead, 2: "deleted"
    ctx = ctx_for(driver, records=RecordWriter(store, TargetRef))
    with pytest.raises(KeyboardInterrupt):
        delete_deployment(ctx, name="back")
    assert ("default", "back") not in driver.deployments

    assert [r["name"] for r in restore_deployment(ctx, name="back")] == ["back"]

    assert ("default", "back") in driver.deployments

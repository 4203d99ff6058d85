"""chaosrun.service.slow_down / restore_speed (the fault proxy) over the in-memory Driver."""

from __future__ import annotations

from pathlib import Path

import pytest

from chaos.actions.context import RunContext
from chaos.actions.errors import ActivityFailed
from chaos.actions.registry import lookup
from chaos.actions.service import PROXY_KIND, argument_problems, restore_speed, slow_down
from chaos.drivers.base import DriverError, ProxyFault, ServiceProxy
from chaos.drivers.factory import TargetRef
from chaos.engine.recovery import Found, Recovery, Verdict
from chaos.records import RecordStore, RecordWriter
from chaos.records.model import ObjectState
from tests.chaos.engine.memory_driver import MemoryDriver

ORIGINAL = {"app": "shop"}


@pytest.fixture
def driver() -> MemoryDriver:
    d = MemoryDriver()
    d.selectors[("default", "shop")] = dict(ORIGINAL)
    return d


def ctx_for(driver: MemoryDriver, **kwargs: object) -> RunContext:
    return RunContext(driver_factory=lambda: driver, **kwargs)  # type: ignore[arg-type]


def test_both_are_registered_with_latencys_argument_names() -> None:
    slow = lookup("chaosrun.service", "slow_down")
    restore = lookup("chaosrun.service", "restore_speed")
    assert slow is not None and slow.kind == "action" and slow.destructive
    assert restore is not None and not restore.destructive
    assert [p.name for p in slow.parameters()][:4] == ["service", "delay", "error_share", "ns"]
    assert slow.check is argument_problems


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ({"delay": -1}, "argument 'delay' must be a number from 0 to 300"),
        ({"error_share": 2}, "argument 'error_share' must be a number from 0 to 1"),
        ({"delay": "slow"}, "argument 'delay' must be a number from 0 to 300"),
        ({"service": ""}, "argument 'service' must be a non-empty string"),
        ({"proxy_image": 3}, "argument 'proxy_image' must be a non-empty string"),
    ],
)
def test_validate_names_each_bad_argument(arguments: dict[str, object], problem: str) -> None:
    assert argument_problems(arguments) == [problem]
    assert argument_problems({"delay": "${d}", "service": "${s}"}) == []


def test_the_original_selector_is_recorded_before_the_proxy_and_restore_undoes_it(
    driver: MemoryDriver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHAOSRUN_PROXY_IMAGE", "reg/runner:v7")
    store = RecordStore(tmp_path)
    writer = RecordWriter(store, TargetRef)
    ctx = ctx_for(driver, records=writer)
    seen: list[tuple[ObjectState, dict[str, object]]] = []
    original = driver.front_service

    def front(plan: ServiceProxy, ports: list[dict[str, object]], fault: ProxyFault) -> None:
        assert writer.record is not None and fault.image == "reg/runner:v7"
        seen.extend((o.state, o.manifest) for o in writer.record.objects)
        original(plan, ports, fault)

    driver.front_service = front  # type: ignore[method-assign]
    state = slow_down(ctx, service="shop", delay=1.5, error_share=0.1)
    assert state["active"] is True and state["image"] == "reg/runner:v7"
    ((written_state, manifest),) = seen
    assert written_state is ObjectState.CHANGING
    assert manifest["selector"] == ORIGINAL
    assert driver.selectors[("default", "shop")] != ORIGINAL
    writer.finish("interrupted")  # the run ends without its rollback

    (record,) = store.unfinished()[0]
    assert [(o.kind, o.state) for o in record.objects] == [(PROXY_KIND, ObjectState.CHANGED)]
    recovery = Recovery(store, lambda ref: driver)
    (outcome,) = recovery.restore(Found(record, local=True))
    assert outcome.verdict is Verdict.RESTORED
    assert driver.selectors[("default", "shop")] == ORIGINAL
    assert store.unfinished()[0] == []


def test_the_rollback_takes_the_proxy_away_once(driver: MemoryDriver) -> None:
    ctx = ctx_for(driver)
    slow_down(ctx, service="shop", delay=1)
    (ended,) = restore_speed(ctx, service="shop")
    assert ended["service"] == "shop"
    assert restore_speed(ctx, service="shop") == []
    assert driver.proxy_calls == [("front", "shop"), ("unfront", "shop")]
    assert driver.selectors[("default", "shop")] == ORIGINAL


def test_a_failed_start_undoes_what_it_made_and_says_why(
    driver: MemoryDriver, tmp_path: Path
) -> None:
    def refuse(plan: ServiceProxy, ports: list[dict[str, object]], fault: ProxyFault) -> None:
        driver.proxy_calls.append(("front", plan.service))
        raise DriverError("chaosrun may not create deployments in namespace 'default'")

    driver.front_service = refuse  # type: ignore[method-assign]
    writer = RecordWriter(RecordStore(tmp_path), TargetRef)
    ctx = ctx_for(driver, records=writer)
    with pytest.raises(ActivityFailed, match="may not create deployments"):
        slow_down(ctx, service="shop", delay=1)
    assert driver.proxy_calls == [("front", "shop"), ("unfront", "shop")]
    assert writer.record is not None
    assert [o.state for o in writer.record.objects] == [ObjectState.RESTORED]
    assert restore_speed(ctx, service="shop") == []


@pytest.mark.parametrize(
    ("selector", "ports", "why"),
    [
        ({}, [{"port": 80}], "has no selector"),
        (ORIGINAL, [{"port": 80}, {"port": 81}], "has 2 ports"),
        (ORIGINAL, [{"port": 53, "protocol": "UDP"}], "serves UDP"),
    ],
)
def test_services_the_proxy_cannot_front_are_refused_before_any_change(
    driver: MemoryDriver, selector: dict[str, str], ports: list[dict[str, object]], why: str
) -> None:
    from chaos.drivers.base import ServiceInfo

    driver.get_service = lambda name, namespace: ServiceInfo(name, namespace, selector, ports)  # type: ignore[method-assign]
    with pytest.raises(ActivityFailed, match=why):
        slow_down(ctx_for(driver), service="shop", delay=1)
    assert driver.proxy_calls == []


def test_dry_run_and_a_missing_service_touch_nothing(driver: MemoryDriver) -> None:
    assert slow_down(ctx_for(driver, dry_run=True), service="shop", delay=1)["active"] is False
    with pytest.raises(ActivityFailed, match="Service nope not found"):
        slow_down(ctx_for(driver), service="nope", delay=1)
    assert driver.proxy_calls == []

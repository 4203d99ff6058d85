"""chaosrun.backend.slow_down / restore_speed over a Driver (the in-memory one)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chaos.actions.backend import FAULT_KIND, FAULTS_TOKEN_ENV, restore_speed, slow_down
from chaos.actions.context import RunContext
from chaos.actions.errors import ActivityFailed
from chaos.actions.registry import lookup
from chaos.drivers.factory import TargetRef
from chaos.engine.recovery import Found, Recovery, Verdict
from chaos.records import RecordStore, RecordWriter
from chaos.records.model import ObjectState
from services.contract import FAULTS_PATH, FAULTS_TOKEN_HEADER
from tests.chaos.engine.memory_driver import MemoryDriver

PUT = ("default", "backend", "PUT", FAULTS_PATH)
DELETE = ("default", "backend", "DELETE", FAULTS_PATH)


@pytest.fixture
def driver() -> MemoryDriver:
    d = MemoryDriver()
    d.answers[PUT] = {"active": True, "delay": 1.5, "error_share": 0.1, "remaining": 30}
    d.answers[DELETE] = {"active": False}
    return d


def ctx_for(driver: MemoryDriver, **kwargs: object) -> RunContext:
    return RunContext(driver_factory=lambda: driver, **kwargs)  # type: ignore[arg-type]


def test_both_are_registered_as_chaosrun_functions() -> None:
    slow = lookup("chaosrun.backend", "slow_down")
    restore = lookup("chaosrun.backend", "restore_speed")
    assert slow is not None and slow.kind == "action" and slow.destructive
    assert restore is not None and restore.kind == "action" and not restore.destructive
    assert [p.name for p in slow.parameters()][:3] == ["delay", "error_share", "duration"]


def test_slow_down_asks_the_backend_service_and_the_rollback_ends_it(
    driver: MemoryDriver,
) -> None:
    ctx = ctx_for(driver)
    state = slow_down(ctx, delay=1.5, error_share=0.1, duration=30)
    assert state["active"] is True
    assert driver.service_calls == [(*PUT, {"delay": 1.5, "error_share": 0.1, "duration": 30.0})]
    assert ctx.record["faults"] == [
        {
            "service": "backend",
            "namespace": "default",
            "delay": 1.5,
            "error_share": 0.1,
            "duration": 30.0,
        }
    ]
    ended = restore_speed(ctx)
    assert [e["service"] for e in ended] == ["backend"]
    assert driver.service_calls[-1] == (*DELETE, None)
    assert restore_speed(ctx) == []  # nothing left to end
    assert len(driver.service_calls) == 2


def test_the_rollback_does_nothing_when_nothing_was_slowed(driver: MemoryDriver) -> None:
    assert restore_speed(ctx_for(driver)) == []
    assert driver.service_calls == []


@pytest.mark.parametrize(
    ("arguments", "word"),
    [
        ({"delay": -1}, "delay"),
        ({"delay": 301}, "delay"),
        ({"delay": "slow"}, "delay"),
        ({"delay": True}, "delay"),
        ({"delay": 1, "error_share": 1.5}, "error_share"),
        ({"delay": 1, "duration": 0}, "duration"),
    ],
)
def test_values_out_of_bounds_fail_before_anything_is_asked(
    driver: MemoryDriver, arguments: dict[str, object], word: str
) -> None:
    with pytest.raises(ActivityFailed, match=word):
        slow_down(ctx_for(driver), **arguments)  # type: ignore[arg-type]
    assert driver.service_calls == []


def test_a_backend_without_faults_enabled_is_one_clear_sentence(
    driver: MemoryDriver, tmp_path: Path
) -> None:
    del driver.answers[PUT]
    writer = RecordWriter(RecordStore(tmp_path), TargetRef)
    ctx = ctx_for(driver, records=writer)
    with pytest.raises(ActivityFailed, match="BACKEND_FAULTS_ENABLED=true"):
        slow_down(ctx, delay=1)
    assert ctx.changes == []
    assert writer.record is not None
    assert [o.state for o in writer.record.objects] == [ObjectState.UNTOUCHED]


def test_dry_run_and_system_namespaces_touch_nothing(driver: MemoryDriver) -> None:
    assert slow_down(ctx_for(driver, dry_run=True), delay=1)["active"] is False
    with pytest.raises(ActivityFailed, match="system namespace"):
        slow_down(ctx_for(driver), delay=1, ns="kube-system")
    assert driver.service_calls == []


def test_the_fault_is_in_the_run_record_before_it_is_asked_and_restore_ends_it(
    driver: MemoryDriver, tmp_path: Path
) -> None:
    """A runner killed while the backend is slow leaves a record that ``chaosrun restore``
    reverts: the fault is written (state ``changing``) before the PUT leaves."""
    store = RecordStore(tmp_path)
    writer = RecordWriter(store, TargetRef)
    ctx = ctx_for(driver, records=writer)
    seen: list[ObjectState] = []
    original = driver.call_service

    def call_service(*args: object, **kwargs: object) -> object:
        """The in-memory target, noting what the record said when the request arrived."""
        assert writer.record is not None
        seen.extend(o.state for o in writer.record.objects)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    driver.call_service = call_service  # type: ignore[method-assign]
    slow_down(ctx, delay=2)
    assert seen == [ObjectState.CHANGING]
    writer.finish("interrupted")  # the run ends without its rollback

    (record,) = store.unfinished()[0]
    assert [(o.kind, o.name, o.state) for o in record.objects] == [
        (FAULT_KIND, "backend", ObjectState.CHANGED)
    ]
    recovery = Recovery(store, lambda ref: driver)  # type: ignore[arg-type,return-value]
    (outcome,) = recovery.restore(Found(record, local=True))
    assert outcome.verdict is Verdict.RESTORED
    assert driver.service_calls[-1][:4] == DELETE
    assert store.unfinished()[0] == []


# -- the backend's token ------------------------------------------------------------------

TOKEN = "the-token-the-backend-keeps-0123"


def sent_tokens(driver: MemoryDriver) -> list[str | None]:
    return [headers.get(FAULTS_TOKEN_HEADER) for headers in driver.service_headers]


def test_the_token_comes_from_the_target_and_goes_with_every_request(
    driver: MemoryDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(FAULTS_TOKEN_ENV, raising=False)
    driver.faults_tokens[("default", "backend")] = TOKEN
    ctx = ctx_for(driver)
    slow_down(ctx, delay=1, duration=30)
    restore_speed(ctx)
    assert sent_tokens(driver) == [TOKEN, TOKEN]
    assert TOKEN not in json.dumps(ctx.record)  # never in the journal


def test_the_activity_secrets_then_the_environment_come_before_the_target(
    driver: MemoryDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    driver.faults_tokens[("default", "backend")] = "kept-by-the-target-0123456"
    monkeypatch.setenv(FAULTS_TOKEN_ENV, "from-the-environment-0123")
    ctx = ctx_for(driver)
    with pytest.raises(ActivityFailed):
        slow_down(ctx, delay=1, duration=30, secrets={"faults_token": "from-the-secrets-0123"})
    with pytest.raises(ActivityFailed):
        slow_down(ctx, delay=1, duration=30)
    assert sent_tokens(driver) == ["from-the-secrets-0123", "from-the-environment-0123"]


def test_a_refused_token_fails_the_action_in_one_sentence_and_records_no_change(
    driver: MemoryDriver, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(FAULTS_TOKEN_ENV, raising=False)
    driver.faults_tokens[("default", "backend")] = TOKEN
    writer = RecordWriter(RecordStore(tmp_path), TargetRef)
    ctx = ctx_for(driver, records=writer)
    with pytest.raises(ActivityFailed) as failed:
        slow_down(ctx, delay=1, duration=30, secrets={"faults_token": "wrong-token-0123456789"})
    message = str(failed.value)
    assert "refused the fault request" in message and FAULTS_TOKEN_ENV in message
    assert "\n" not in message and "wrong-token" not in message
    assert ctx.changes == []
    record = writer.record
    assert record is not None and record.objects[0].state == ObjectState.UNTOUCHED

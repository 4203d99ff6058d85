"""The backend's fault injection: off unless enabled, then a delay and errors for a while."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from services.backend.faults import ERROR_STATUS, Faults, FaultSpec
from services.contract import BACKEND_MESSAGE, FAULTS_PATH, MESSAGE_PATH
from testbed.procs import Service, running_service


@pytest.fixture(scope="module")
def faulty(log_dir: Path) -> Iterator[Service]:
    with running_service(
        "services.backend", log_dir, env={"BACKEND_FAULTS_ENABLED": "true"}
    ) as service:
        yield service


@pytest.fixture
def backend(faulty: Service) -> Iterator[str]:
    yield faulty.url
    httpx.delete(faulty.url + FAULTS_PATH, timeout=5)


def test_without_the_setting_there_is_no_fault_route_and_message_is_the_contract(
    log_dir: Path,
) -> None:
    with running_service("services.backend", log_dir) as plain:
        spec = {"delay": 5, "error_share": 1, "duration": 60}
        assert httpx.put(plain.url + FAULTS_PATH, json=spec, timeout=5).status_code == 404
        assert httpx.get(plain.url + FAULTS_PATH, timeout=5).status_code == 404
        answer = httpx.get(plain.url + MESSAGE_PATH, timeout=1)
    assert (answer.status_code, answer.text) == (200, BACKEND_MESSAGE)
    assert answer.headers["content-type"].startswith("text/plain")


def test_enabled_but_no_fault_keeps_the_contract(backend: str) -> None:
    assert httpx.get(backend + FAULTS_PATH, timeout=5).json()["active"] is False
    answer = httpx.get(backend + MESSAGE_PATH, timeout=1)
    assert (answer.status_code, answer.text) == (200, BACKEND_MESSAGE)
    assert answer.headers["content-type"].startswith("text/plain")


def test_a_delay_makes_a_caller_with_a_shorter_timeout_give_up_until_it_is_ended(
    backend: str,
) -> None:
    started = httpx.put(
        backend + FAULTS_PATH, json={"delay": 30, "duration": 600}, timeout=5
    ).json()
    assert started["active"] is True and started["delay"] == 30
    assert 0 < started["remaining"] <= 600
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(backend + MESSAGE_PATH, timeout=0.3)
    ended = httpx.delete(backend + FAULTS_PATH, timeout=5).json()
    assert ended["active"] is False
    assert httpx.get(backend + MESSAGE_PATH, timeout=1).text == BACKEND_MESSAGE


def test_an_error_share_of_one_fails_every_call_with_503(backend: str) -> None:
    spec = {"delay": 0, "error_share": 1, "duration": 600}
    assert httpx.put(backend + FAULTS_PATH, json=spec, timeout=5).status_code == 200
    for _ in range(3):
        assert httpx.get(backend + MESSAGE_PATH, timeout=1).status_code == ERROR_STATUS


@pytest.mark.parametrize(
    "spec",
    [
        {"delay": -1, "duration": 10},
        {"delay": 1, "error_share": 1.5, "duration": 10},
        {"delay": 1, "duration": 0},
        {"delay": 1},
        {"delay": 1, "duration": 10, "surprise": True},
    ],
)
def test_a_fault_out_of_bounds_is_refused(backend: str, spec: dict[str, object]) -> None:
    assert httpx.put(backend + FAULTS_PATH, json=spec, timeout=5).status_code == 422
    assert httpx.get(backend + FAULTS_PATH, timeout=5).json()["active"] is False


def test_a_fault_ends_by_itself_after_its_duration() -> None:
    now = [100.0]
    faults = Faults(clock=lambda: now[0], dice=lambda: 0.5)
    faults.start(FaultSpec(delay=2, error_share=0.6, duration=10))
    assert faults.decide() == (2, True)  # 0.5 < 0.6: this call fails
    now[0] = 109.9
    assert faults.state().active and faults.state().remaining == pytest.approx(0.1)
    now[0] = 110.0
    assert faults.decide() == (0.0, False)
    assert faults.state().active is False


def test_the_error_share_is_a_share() -> None:
    rolls = iter([0.1, 0.3, 0.29, 0.99])
    faults = Faults(clock=lambda: 0.0, dice=lambda: next(rolls))
    faults.start(FaultSpec(delay=0, error_share=0.3, duration=10))
    assert [faults.decide()[1] for _ in range(4)] == [True, False, True, False]

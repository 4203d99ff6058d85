"""The backend's fault injection: off unless enabled, then a delay and errors for a while,
asked for only with the backend's token."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from services.backend.faults import ERROR_STATUS, Faults, FaultSpec
from services.contract import BACKEND_MESSAGE, FAULTS_PATH, FAULTS_TOKEN_HEADER, MESSAGE_PATH
from testbed.procs import REPO_ROOT, Service, free_port, running_service

TOKEN = secrets.token_urlsafe(32)
ENABLED = {"BACKEND_FAULTS_ENABLED": "true", "BACKEND_FAULTS_TOKEN": TOKEN}


@pytest.fixture(scope="module")
def faulty(log_dir: Path) -> Iterator[Service]:
    with running_service("services.backend", log_dir, env=ENABLED) as service:
        yield service


@pytest.fixture
def backend(faulty: Service) -> Iterator[httpx.Client]:
    """A client of the backend that sends its token."""
    with httpx.Client(
        base_url=faulty.url, headers={FAULTS_TOKEN_HEADER: TOKEN}, timeout=5, trust_env=False
    ) as client:
        yield client
        client.delete(FAULTS_PATH)


@pytest.mark.parametrize(
    "given",
    [None, "", TOKEN[:-1], TOKEN + "x", TOKEN.swapcase(), b"\xe9" * 43],
    ids=["none", "empty", "shorter", "longer", "other-case", "latin-1"],
)
def test_the_fault_route_without_the_token_answers_401_and_changes_nothing(
    faulty: Service, given: str | bytes | None
) -> None:
    raw = given.encode() if isinstance(given, str) else given
    headers = {} if raw is None else {FAULTS_TOKEN_HEADER.encode(): raw}
    spec = {"delay": 5, "error_share": 1, "duration": 60}
    with httpx.Client(base_url=faulty.url, headers=headers, timeout=5, trust_env=False) as c:
        answers = [c.put(FAULTS_PATH, json=spec), c.get(FAULTS_PATH), c.delete(FAULTS_PATH)]
        assert [a.status_code for a in answers] == [401, 401, 401]
        assert answers[0].headers["www-authenticate"]
        # The token in another header (Authorization, as a bearer) does not count either.
        bearer = {"Authorization": f"Bearer {TOKEN}"}
        assert c.put(FAULTS_PATH, json=spec, headers=bearer).status_code == 401
        answer = c.get(MESSAGE_PATH, timeout=1)
    assert (answer.status_code, answer.text) == (200, BACKEND_MESSAGE)


def test_the_fault_route_with_the_token_answers(backend: httpx.Client) -> None:
    assert backend.get(FAULTS_PATH).status_code == 200


@pytest.mark.parametrize("token", [None, "", "short-token"])
def test_enabled_without_a_token_of_16_characters_the_backend_does_not_start(
    token: str | None,
) -> None:
    env = {
        **os.environ,
        "PORT": str(free_port()),
        "HOST": "127.0.0.1",
        "PYTHONPATH": str(REPO_ROOT),
    }
    env["BACKEND_FAULTS_ENABLED"] = "true"
    env.pop("BACKEND_FAULTS_TOKEN", None)
    if token is not None:
        env["BACKEND_FAULTS_TOKEN"] = token
    done = subprocess.run(
        [sys.executable, "-m", "services.backend"],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "BACKEND_FAULTS_TOKEN" in done.stderr and "Traceback" not in done.stderr
    assert token is None or token not in done.stderr or token == ""


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


def test_enabled_but_no_fault_keeps_the_contract(backend: httpx.Client) -> None:
    assert backend.get(FAULTS_PATH).json()["active"] is False
    answer = backend.get(MESSAGE_PATH, timeout=1)
    assert (answer.status_code, answer.text) == (200, BACKEND_MESSAGE)
    assert answer.headers["content-type"].startswith("text/plain")


def test_a_delay_makes_a_caller_with_a_shorter_timeout_give_up_until_it_is_ended(
    backend: httpx.Client,
) -> None:
    started = backend.put(FAULTS_PATH, json={"delay": 30, "duration": 600}).json()
    assert started["active"] is True and started["delay"] == 30
    assert 0 < started["remaining"] <= 600
    with pytest.raises(httpx.ReadTimeout):
        backend.get(MESSAGE_PATH, timeout=0.3)
    ended = backend.delete(FAULTS_PATH).json()
    assert ended["active"] is False
    assert backend.get(MESSAGE_PATH, timeout=1).text == BACKEND_MESSAGE


def test_an_error_share_of_one_fails_every_call_with_503(backend: httpx.Client) -> None:
    spec = {"delay": 0, "error_share": 1, "duration": 600}
    assert backend.put(FAULTS_PATH, json=spec).status_code == 200
    for _ in range(3):
        assert backend.get(MESSAGE_PATH, timeout=1).status_code == ERROR_STATUS


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
def test_a_fault_out_of_bounds_is_refused(backend: httpx.Client, spec: dict[str, object]) -> None:
    assert backend.put(FAULTS_PATH, json=spec).status_code == 422
    assert backend.get(FAULTS_PATH).json()["active"] is False


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

"""Fixtures every test may use, in one place: no conftest imports fixtures sideways."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from testbed.kube.cluster import FakeCluster
from testbed.postgres import PostgresServer, start_postgres
from tests.chaos.engine.http_target import Target, http_target

# The session's own HOME, XDG_STATE_HOME and records directory, and the check that the real
# state directory is left as it was; the markers scripts/test selects on (kube_api, slow, serial).
pytest_plugins = ["tests.support.own_home", "tests.support.groups"]


@pytest.fixture(autouse=True)
def own_run_records(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Each test keeps its run records and its run history to itself (and never in the
    user's state directory), so one test's unfinished record never shows up as a warning in
    another's output."""
    monkeypatch.setenv("CHAOSRUN_RECORDS_DIR", str(tmp_path_factory.mktemp("runs")))
    history = tmp_path_factory.mktemp("history") / "history.db"
    monkeypatch.setenv("CHAOSRUN_HISTORY", str(history))
    yield


@pytest.fixture
def fake_cluster() -> Iterator[FakeCluster]:
    """The tests' Kubernetes API server on loopback, with its controller loop."""
    cluster = FakeCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def kubeconfig(fake_cluster: FakeCluster, tmp_path: Path) -> Path:
    """A kubeconfig file whose current context ``fake`` reaches ``fake_cluster``."""
    return fake_cluster.write_kubeconfig(tmp_path / "kubeconfig")


@pytest.fixture
def kube_api(kubeconfig: Path) -> Iterator[Any]:
    """The real ``kubernetes`` client (an ``ApiClient``) talking to ``fake_cluster``."""
    from kubernetes import config

    api = config.new_client_from_config(str(kubeconfig))
    try:
        yield api
    finally:
        api.close()


@pytest.fixture
def target() -> Iterator[Target]:
    """A small controllable HTTP server on loopback (see ``tests/chaos/engine/http_target.py``)."""
    with http_target() as t:
        yield t


@pytest.fixture(scope="session")
def proxy_upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fault proxy's tests' upstream (``tests/support/upstream_app.py``) under uvicorn."""
    from testbed.procs import running_service

    logs = tmp_path_factory.mktemp("upstream")
    with running_service("tests.support.upstream_app", logs) as service:
        yield service.url


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server on loopback (Debian's ``postgresql``), one per session.
    Skipped when it is not installed, except in CI (``CI=true``), where that fails."""
    server = start_postgres()
    if server is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not installed (bash scripts/install-system-deps)")
        pytest.skip("PostgreSQL is not installed (bash scripts/install-system-deps)")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def history_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """An empty history store of each kind: a SQLite file, a fresh PostgreSQL database;
    also ``CHAOSRUN_HISTORY``, for the runs a test starts."""
    if request.param == "sqlite":
        url = str(tmp_path / "history.db")
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        url = server.create_database(f"t{uuid.uuid4().hex[:12]}")
    monkeypatch.setenv("CHAOSRUN_HISTORY", url)
    return url

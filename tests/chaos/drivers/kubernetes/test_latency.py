"""The slow backend on Kubernetes: the real ``kubernetes`` client reaches the backend's fault
route through the API server's service proxy (the tests' API server sends it on to a real
backend process), as ``chaosrun.backend.slow_down`` (the demo's fault) and ``chaosrun restore``
do. ``chaosrun latency`` itself goes through the fault proxy: test_service_proxy.py."""

from __future__ import annotations

import base64
import json
import secrets
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from chaos.drivers.base import NotFound, Unauthorized
from chaos.drivers.kubernetes import KubernetesDriver
from chaos.experiment.builtin import LatencyChaos, builtin_experiment
from services.contract import (
    BACKEND_SERVICE,
    FAULTS_PATH,
    FAULTS_TOKEN_HEADER,
    FAULTS_TOKEN_KEY,
    FAULTS_TOKEN_SECRET,
    MESSAGE_PATH,
)
from testbed.kube.cluster import FakeCluster, ProcessBinding, wait_until
from testbed.kube.resources import EVENTS, SECRETS, SERVICES
from testbed.procs import Service, start_service
from tests.chaos.cli.helpers import read_until
from tests.chaos.drivers.kubernetes.stack import Stack, cli_env
from tests.support.cli import run_chaosrun, spawn_chaosrun

PROXY = f"/api/v1/namespaces/default/services/{BACKEND_SERVICE}"
TOKEN = secrets.token_urlsafe(32)
FAULTS_ENV = {"BACKEND_FAULTS_ENABLED": "true", "BACKEND_FAULTS_TOKEN": TOKEN}


def keep_token(cluster: FakeCluster, token: str) -> None:
    """The Secret the backend's token comes from, as k8s/overlays/faults expects it."""
    cluster.store.create(
        SECRETS,
        "default",
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": FAULTS_TOKEN_SECRET, "namespace": "default"},
            "data": {FAULTS_TOKEN_KEY: base64.b64encode(token.encode()).decode()},
        },
    )


@pytest.fixture
def slow_stack(fake_cluster: FakeCluster, kubeconfig: Path, tmp_path: Path) -> Iterator[Stack]:
    """Frontend v1 and a backend that accepts faults, the backend's Service routed to it."""
    logs = tmp_path / "logs"
    logs.mkdir()
    backend = ProcessBinding(
        fake_cluster, "app=back", "services.backend", logs, env=FAULTS_ENV
    ).start()
    frontend: Service | None = None
    try:
        frontend = start_service(
            "services.frontend_v1",
            logs,
            env={"BACKEND_URL": f"{backend.url}{MESSAGE_PATH}", "BACKEND_TIMEOUT": "1"},
        )
        fake_cluster.seed_demo(frontend_port=frontend.port)
        fake_cluster.route_service(BACKEND_SERVICE, backend.url)
        keep_token(fake_cluster, TOKEN)
        wait_until(lambda: backend.running, 20, "the backend process to run")
        yield Stack(
            fake_cluster,
            kubeconfig,
            tmp_path,
            bound_backend=backend,
            running_frontend=frontend,
            env=cli_env(kubeconfig, tmp_path),
        )
    finally:
        if frontend is not None:
            frontend.stop()
        backend.stop()


def fault_active(stack: Stack) -> bool:
    headers = {FAULTS_TOKEN_HEADER: TOKEN}
    answer = httpx.get(stack.backend.url + FAULTS_PATH, headers=headers, timeout=5)
    return bool(answer.json()["active"])


def proxied(stack: Stack, method: str) -> list[str]:
    return [
        r.path
        for r in stack.cluster.api.requests
        if r.method == method and r.path.startswith(PROXY) and "/proxy/" in r.path
    ]


def test_the_driver_uses_the_service_port_by_name_as_the_proxy_wants(
    slow_stack: Stack, driver: KubernetesDriver
) -> None:
    slow_stack.cluster.store.patch(
        SERVICES,
        "default",
        BACKEND_SERVICE,
        {"spec": {"ports": [{"name": "http", "port": 8081, "targetPort": "http"}]}},
    )
    headers = {FAULTS_TOKEN_HEADER: TOKEN}
    answer = driver.call_service(BACKEND_SERVICE, "default", "GET", FAULTS_PATH, None, headers)
    assert answer["active"] is False
    assert driver.faults_token(BACKEND_SERVICE, "default") == TOKEN
    with pytest.raises(Unauthorized):
        driver.call_service(BACKEND_SERVICE, "default", "GET", FAULTS_PATH)
    assert proxied(slow_stack, "GET") == [f"{PROXY}:http/proxy{FAULTS_PATH}"] * 2
    with pytest.raises(NotFound):
        driver.call_service(BACKEND_SERVICE, "default", "GET", "/no/such/route")
    with pytest.raises(NotFound):
        driver.call_service("no-such-service", "default", "GET", FAULTS_PATH)


def test_latency_slows_the_backend_through_its_service_and_the_rollback_ends_it(
    slow_stack: Stack,
) -> None:
    # The page's timeout well under the delay, yet above what a busy machine adds: the
    # hypothesis before the fault must still be met there.
    result = slow_stack.chaosrun(
        *backend_fault(slow_stack, delay=3, duration=0.5, page_timeout=1.5), "--no-measure"
    )
    assert result.returncode == 1, result.stdout + result.stderr
    journal = slow_stack.journal()
    assert journal["deviated"] is True, result.stdout + result.stderr
    (_, page) = journal["steady_states"]["after"]["probes"]
    assert page["tolerance_met"] is False  # v1 waited for the slow backend: 502 or no answer
    assert [r["status"] for r in journal["rollbacks"]] == ["succeeded"]
    assert proxied(slow_stack, "PUT") == [f"{PROXY}/proxy{FAULTS_PATH}"]
    assert proxied(slow_stack, "DELETE") == [f"{PROXY}/proxy{FAULTS_PATH}"]
    assert not fault_active(slow_stack)
    # An Event on the Service for the fault and one for its end, with the run's id.
    events = sorted(
        (
            e
            for e in slow_stack.cluster.store.list(EVENTS, "default")[0]
            if (e.get("source") or {}).get("component") == "chaosrun"
        ),
        key=lambda e: int(e["metadata"]["annotations"]["chaosrun.io/sequence"]),
    )
    assert [(e["reason"], e["involvedObject"]["kind"]) for e in events] == [
        ("ChaosInjected", "Service"),
        ("ChaosReverted", "Service"),
    ]
    assert {e["reportingInstance"] for e in events} == {journal["chaosrun"]["run_id"]}


def backend_fault(stack: Stack, **fields: Any) -> list[str]:
    """``chaosrun run`` of the latency experiment on the backend's own fault route."""
    chaos = LatencyChaos(through_proxy=False, **fields)
    path = stack.workdir / "backend-fault.json"
    path.write_text(json.dumps(builtin_experiment(chaos, stack.frontend.url)))
    return ["run", str(path)]


def _slow_run(stack: Stack, journal: str) -> subprocess.Popen[str]:
    args = backend_fault(stack, duration=60)
    proc = spawn_chaosrun(
        *args, "--no-measure", "--journal-path", journal, env=stack.env, cwd=stack.workdir
    )
    read_until(proc, "Pausing after activity for 60s...")
    assert fault_active(stack)
    return proc


def test_sigterm_ends_the_fault_and_sigkill_leaves_it_to_restore(slow_stack: Stack) -> None:
    proc = _slow_run(slow_stack, "a.json")
    try:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 1
    assert json.loads((slow_stack.workdir / "a.json").read_text())["status"] == "interrupted"
    assert not fault_active(slow_stack)

    proc = _slow_run(slow_stack, "b.json")
    proc.kill()
    proc.communicate(timeout=30)
    assert fault_active(slow_stack)
    restored = slow_stack.chaosrun("restore")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "ServiceFault default/backend" in restored.stdout
    wait_until(lambda: not fault_active(slow_stack), 10, "the fault to end")


def test_dry_run_reads_the_fault_route_and_changes_nothing(slow_stack: Stack) -> None:
    result = slow_stack.chaosrun(*backend_fault(slow_stack), "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Dry run: would slow Service down" in result.stderr + result.stdout
    assert proxied(slow_stack, "PUT") == [] and proxied(slow_stack, "DELETE") == []
    assert not fault_active(slow_stack)


def test_without_the_token_the_fault_is_refused_and_nothing_changes(slow_stack: Stack) -> None:
    slow_stack.cluster.store.delete(SECRETS, "default", FAULTS_TOKEN_SECRET)
    args = (*backend_fault(slow_stack, duration=0.2), "--no-measure")
    ran = slow_stack.chaosrun(*args)
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert "refused the fault request" in ran.stdout + ran.stderr
    assert "Traceback" not in ran.stdout + ran.stderr
    assert not fault_active(slow_stack)
    refused = len(proxied(slow_stack, "PUT"))

    # The token given in the environment instead of a Secret.
    env = {**slow_stack.env, "CHAOSRUN_FAULTS_TOKEN": TOKEN}
    given = run_chaosrun(*args, timeout=120, env=env, cwd=slow_stack.workdir)
    assert given.returncode in (0, 1), given.stdout + given.stderr
    assert len(proxied(slow_stack, "PUT")) == refused + 1
    assert not fault_active(slow_stack)

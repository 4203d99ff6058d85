"""The fault rig: the fake cluster behind a fault-injecting proxy, a frontend that always
answers 200, and ``chaosrun`` as a real child process whose kubeconfig points at the proxy.

The frontend does not depend on the backend, so every run's verdict is ``completed`` unless
a fault or a signal changes it: what these tests judge is whether ``back`` comes back.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from testbed.kube.cluster import FakeCluster
from testbed.kube.faults import FaultProxy
from testbed.kube.resources import CONFIGMAPS
from testbed.polling import wait_until
from tests.chaos.engine.http_target import Target, http_target
from tests.support.cli import run_chaosrun, spawn_chaosrun

# Short client timeouts so that an unanswered request costs a second, not thirty.
CLIENT_SETTINGS = {
    "CHAOSRUN_KUBE_READ_TIMEOUT": "1",
    "CHAOSRUN_KUBE_RETRY_DEADLINE": "20",
    "CHAOSRUN_KUBE_RESTORE_WAIT": "20",
}


@dataclass
class Rig:
    cluster: FakeCluster
    proxy: FaultProxy
    frontend: Target
    home: Path

    @property
    def kubeconfig(self) -> Path:
        return self.home / "kubeconfig"

    @property
    def journal_path(self) -> Path:
        return self.home / "journal.json"

    @property
    def records_dir(self) -> Path:
        return self.home / ".local" / "state" / "chaosrun" / "runs"

    def env(self) -> dict[str, str]:
        env = {
            "KUBECONFIG": str(self.kubeconfig),
            "HOME": str(self.home),
            "PYTHONFAULTHANDLER": "1",  # a stuck run says where (see ``stop``)
            **CLIENT_SETTINGS,
        }
        for name in ("XDG_STATE_HOME", "CHAOSRUN_RECORDS_DIR", "KUBERNETES_SERVICE_HOST"):
            env[name] = ""
        return env

    def deployment_args(self, *extra: str, pause: float = 0) -> list[str]:
        return [
            "deployment",
            "--frontend-url",
            self.frontend.url,
            "--pause",
            str(pause),
            "--no-measure",
            "--journal-path",
            str(self.journal_path),
            *extra,
        ]

    def chaosrun(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return run_chaosrun(*args, timeout=timeout, env=self.env())

    def spawn(self, *args: str) -> subprocess.Popen[str]:
        return spawn_chaosrun(*args, env=self.env())

    # -- what the tests judge ---------------------------------------------------------

    def back(self) -> dict[str, Any] | None:
        return self.cluster.deployment("back")

    def back_standing(self) -> bool:
        back = self.back()
        return back is not None and not back["metadata"].get("deletionTimestamp")

    def wait_back_standing(self) -> None:
        wait_until(self.back_standing, 30, "Deployment back to stand again", interval=0.05)

    def journal(self) -> dict[str, Any]:
        return dict(json.loads(self.journal_path.read_text()))

    def records(self) -> list[dict[str, Any]]:
        if not self.records_dir.is_dir():
            return []
        return [json.loads(p.read_text()) for p in sorted(self.records_dir.glob("*.json"))]

    def open_records(self) -> list[dict[str, Any]]:
        return [r for r in self.records() if not r["done"]]

    def object_states(self) -> list[str]:
        return [o["state"] for r in self.records() for o in r["objects"]]

    def cluster_records(self) -> list[dict[str, Any]]:
        return self.cluster.store.list(CONFIGMAPS, "default")[0]

    def kill_with_its_machine(self, process: subprocess.Popen[str]) -> None:
        """SIGKILL the run and lose this machine's disk: only the in-cluster record is left."""
        stop(process, signal.SIGKILL)
        for path in self.records_dir.iterdir():
            path.unlink()


@pytest.fixture
def rig(fake_cluster: FakeCluster, tmp_path: Path) -> Iterator[Rig]:
    fake_cluster.seed_demo()
    proxy = FaultProxy(fake_cluster.port).start()
    config = fake_cluster.kubeconfig()
    for entry in config["clusters"]:
        if entry["name"] == "fake":
            entry["cluster"]["server"] = proxy.url
    with http_target() as frontend:
        rig = Rig(fake_cluster, proxy, frontend, tmp_path)
        rig.kubeconfig.write_text(yaml.safe_dump(config))
        try:
            yield rig
        finally:
            proxy.stop()


def stop(process: subprocess.Popen[str], sig: signal.Signals) -> str:
    """Send ``sig`` and return everything the process printed until it ended. A run that
    does not end is made to print where it is stuck (SIGABRT: ``PYTHONFAULTHANDLER``)."""
    os.kill(process.pid, sig)
    try:
        output, _ = process.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGABRT)
        output, _ = process.communicate(timeout=30)
        raise AssertionError(f"chaosrun did not end after {sig.name}:\n{output}") from None
    return output


def judge_stopped(
    rig: Rig, process: subprocess.Popen[str], sig: signal.Signals, output: str, in_rollback: bool
) -> None:
    """After ``sig``: a SIGKILLed run is restored by ``chaosrun restore``; any other signal
    interrupts the run, whose rollback undoes the change (one in its rollback goes on)."""
    if sig is signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL
        restored = rig.chaosrun("restore")
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "Deployment default/back:" in restored.stdout
        return
    journal = rig.journal()
    if in_rollback:  # the rollback goes on through the first signal
        assert journal["status"] == "completed", output
    else:
        assert process.returncode == 1, output
        assert journal["status"] == "interrupted", output

"""The end-to-end stack: fake cluster, real backend bound to ``back``, real frontend, CLI."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from testbed.kube.cluster import FakeCluster, ProcessBinding
from testbed.procs import REPO_ROOT, Service
from tests.support.cli import run_chaosrun, spawn_chaosrun

# Given as --frontend-url where the CLI must stop before probing anything (guards, dry runs).
UNUSED_URL = "http://127.0.0.1:9"


@dataclass
class Stack:
    """One end-to-end setup; a bare stack has the cluster but no service processes."""

    cluster: FakeCluster
    kubeconfig: Path
    workdir: Path
    bound_backend: ProcessBinding | None = None
    running_frontend: Service | None = None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def backend(self) -> ProcessBinding:
        assert self.bound_backend is not None, "a bare stack has no backend"
        return self.bound_backend

    @property
    def frontend(self) -> Service:
        assert self.running_frontend is not None, "a bare stack has no frontend"
        return self.running_frontend

    @property
    def frontend_url(self) -> str:
        return self.running_frontend.url if self.running_frontend else UNUSED_URL

    @property
    def journal_path(self) -> Path:
        return self.workdir / "journal.json"

    def journal(self) -> dict[str, Any]:
        return dict(json.loads(self.journal_path.read_text()))

    def chaosrun(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return run_chaosrun(*args, timeout=timeout, env=self.env, cwd=self.workdir)

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return spawn_chaosrun(*args, env=self.env, cwd=self.workdir, merge_stderr=False)


def cli_env(kubeconfig_path: Path, home: Path) -> dict[str, str]:
    env = {**os.environ, "KUBECONFIG": str(kubeconfig_path), "HOME": str(home)}
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    env.pop("KUBERNETES_SERVICE_HOST", None)
    return env

"""Debian's real Prometheus Pushgateway on loopback (``scripts/install-system-deps`` installs
the package ``prometheus-pushgateway``), and what it holds, read back from its API."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from testbed.polling import wait_until
from testbed.procs import free_port


@dataclass
class Pushgateway:
    url: str
    log_path: Path

    def groups(self) -> list[dict[str, Any]]:
        """``/api/v1/metrics``: one entry per pushed group, its labels and metric families."""
        response = httpx.get(f"{self.url}/api/v1/metrics", timeout=5, trust_env=False)
        response.raise_for_status()
        body = response.json()
        assert body["status"] == "success", body
        groups: list[dict[str, Any]] = body["data"]
        return groups


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/-/ready", timeout=1, trust_env=False).status_code == 200
    except httpx.TransportError:
        return False


@contextmanager
def running_pushgateway(workdir: Path) -> Iterator[Pushgateway]:
    binary = shutil.which("prometheus-pushgateway")
    if binary is None:
        pytest.fail("prometheus-pushgateway is missing: run scripts/install-system-deps.")
    port = free_port()
    log_path = workdir / "pushgateway.log"
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(
            [binary, f"--web.listen-address=127.0.0.1:{port}"],
            cwd=workdir,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    gateway = Pushgateway(f"http://127.0.0.1:{port}", log_path)
    try:
        wait_until(lambda: proc.poll() is not None or _ready(gateway.url), 30, "pushgateway")
        if proc.poll() is not None:
            raise RuntimeError(f"the pushgateway exited:\n{log_path.read_text()}")
        yield gateway
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

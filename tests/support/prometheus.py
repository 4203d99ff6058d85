"""Debian's real ``prometheus`` server on loopback, scraping what a test names, and its PromQL
HTTP API (``/api/v1/query``). ``scripts/install-system-deps`` installs the package."""

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
import yaml

from testbed.polling import wait_until
from testbed.procs import free_port

SCRAPE_INTERVAL = "500ms"
SCRAPE_TIMEOUT = "400ms"


@dataclass
class Prometheus:
    url: str
    proc: subprocess.Popen[bytes]
    log_path: Path

    def query(self, promql: str) -> list[dict[str, Any]]:
        """The instant vector ``promql`` evaluates to now (``data.result``)."""
        response = httpx.get(
            f"{self.url}/api/v1/query", params={"query": promql}, timeout=5, trust_env=False
        )
        response.raise_for_status()
        body = response.json()
        assert body["status"] == "success", body
        result: list[dict[str, Any]] = body["data"]["result"]
        return result

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def prometheus_binary() -> str:
    found = shutil.which("prometheus")
    if found is None:
        pytest.fail("prometheus is missing: run scripts/install-system-deps (Debian prometheus).")
    return found


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/-/ready", timeout=1, trust_env=False).status_code == 200
    except httpx.TransportError:
        return False


@contextmanager
def running_prometheus(jobs: dict[str, list[str]], workdir: Path) -> Iterator[Prometheus]:
    """A Prometheus scraping ``/metrics`` of each job's ``host:port`` targets every 500 ms,
    its data in ``workdir``, listening on a free loopback port until the block ends."""
    config = {
        "global": {"scrape_interval": SCRAPE_INTERVAL, "scrape_timeout": SCRAPE_TIMEOUT},
        "scrape_configs": [
            {"job_name": job, "static_configs": [{"targets": targets}]}
            for job, targets in jobs.items()
        ],
    }
    config_path = workdir / "prometheus.yml"
    config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
    port = free_port()
    log_path = workdir / "prometheus.log"
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(
            [
                prometheus_binary(),
                f"--config.file={config_path}",
                f"--storage.tsdb.path={workdir / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            cwd=workdir,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    server = Prometheus(f"http://127.0.0.1:{port}", proc, log_path)
    try:
        wait_until(lambda: proc.poll() is not None or _ready(server.url), 60, "prometheus ready")
        if proc.poll() is not None:
            raise RuntimeError(f"prometheus exited with {proc.returncode}:\n{server.log()}")
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

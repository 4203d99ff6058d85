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


def binary(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: run scripts/install-system-deps (Debian {name}).")
    return found


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/-/ready", timeout=1, trust_env=False).status_code == 200
    except httpx.TransportError:
        return False


@contextmanager
def serving(
    argv: list[str], workdir: Path, name: str, timeout: float
) -> Iterator[tuple[str, Path]]:
    """Run a server of the Prometheus family (``argv``, without its listen address) on a free
    loopback port until the block ends, its log in ``workdir``; yields its URL and log once
    its ``/-/ready`` answers 200."""
    port = free_port()
    log_path = workdir / f"{name}.log"
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(
            [*argv, f"--web.listen-address=127.0.0.1:{port}"],
            cwd=workdir,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: proc.poll() is not None or _ready(url), timeout, f"{name} ready")
        if proc.poll() is not None:
            log = log_path.read_text(errors="replace")
            raise RuntimeError(f"{name} exited with {proc.returncode}:\n{log}")
        yield url, log_path
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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
    argv = [
        binary("prometheus"),
        f"--config.file={config_path}",
        f"--storage.tsdb.path={workdir / 'data'}",
    ]
    with serving(argv, workdir, "prometheus", 60) as (url, log_path):
        yield Prometheus(url, log_path)

"""Debian's real Prometheus Pushgateway on loopback (``scripts/install-system-deps`` installs
the package ``prometheus-pushgateway``), and what it holds, read back from its API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.support.prometheus import binary, serving


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


@contextmanager
def running_pushgateway(workdir: Path) -> Iterator[Pushgateway]:
    with serving([binary("prometheus-pushgateway")], workdir, "pushgateway", 30) as (url, log):
        yield Pushgateway(url, log)

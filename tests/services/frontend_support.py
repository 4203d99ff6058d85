"""Helpers for the tests that run the frontends as real processes and call them over HTTP."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx

from services.contract import BREAKER_PATH
from testbed.procs import Service

TIMEOUT = 0.3  # BACKEND_TIMEOUT of the frontends under test, in seconds
CLIENT_TIMEOUT = TIMEOUT + 5  # a test fails instead of hanging if a frontend ever hangs


def frontend_env(backend_url: str, **extra: str) -> dict[str, str]:
    return {"BACKEND_URL": backend_url, "BACKEND_TIMEOUT": str(TIMEOUT), **extra}


def get(url: str) -> httpx.Response:
    return httpx.get(url, timeout=CLIENT_TIMEOUT)


def post(url: str, body: Any) -> httpx.Response:
    return httpx.post(url, json=body, timeout=CLIENT_TIMEOUT)


def h2(page: str) -> str:
    found = re.findall(r"<h2[^>]*>(.*?)</h2>", page, re.S)
    assert len(found) == 1, page
    return str(found[0]).strip()


def json_of(service: Service, path: str) -> Any:
    response = get(f"{service.url}{path}")
    assert response.status_code == 200, response.text
    return response.json()


def breaker(service: Service) -> dict[str, Any]:
    """v2's ``GET /breaker``."""
    body: dict[str, Any] = json_of(service, BREAKER_PATH)
    return body


def wait_for_log(service: Service, pattern: str, timeout: float = 5.0) -> str:
    """Poll the process output for a line matching ``pattern``; return the line."""
    deadline = time.monotonic() + timeout
    while True:
        for line in service.log().splitlines():
            if re.search(pattern, line):
                return line
        if time.monotonic() > deadline:
            raise AssertionError(f"no log line matches {pattern!r}:\n{service.log()}")
        time.sleep(0.05)

"""Polling over loopback HTTP instead of sleeping."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx


def get(url: str) -> httpx.Response:
    return httpx.get(url, timeout=3.0, trust_env=False)


def answers(url: str, text: str | None = None) -> bool:
    """True when ``url`` answers 200 (and contains ``text``); False while it refuses."""
    try:
        response = get(url)
    except httpx.TransportError:
        return False
    return response.status_code == 200 and (text is None or text in response.text)


def wait_until(
    condition: Callable[[], Any], timeout: float = 20.0, what: str = "", interval: float = 0.05
) -> Any:
    """Poll ``condition`` until it returns something truthy; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:g}s waiting for {what or condition}")
        time.sleep(interval)

"""Headless Chromium (the system's ``/usr/bin/chromium``) driven by Playwright, and a
``chaosrun`` child whose console is read as it goes."""

from __future__ import annotations

import os
import re
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from testbed.polling import wait_until
from tests.support.cli import spawn_chaosrun

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator[Any]:
    """The system's Chromium, headless (Debian's package: nothing is downloaded)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-system-deps (Debian chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Console:
    """A running ``chaosrun``: its merged output, read line by line in a thread."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.proc: subprocess.Popen[str] = spawn_chaosrun(*args, env=env)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def live_url(self, timeout: float = 60) -> str:
        """Where the console says the live view is."""
        return self.url_after("Live view: open", timeout)

    def url_after(self, words: str, timeout: float = 60) -> str:
        """The URL the console writes after ``words``."""
        found: list[str] = []

        def said() -> bool:
            match = re.search(re.escape(words) + r" (http://\S+)", self.text)
            if match:
                found.append(match.group(1))
            return bool(match)

        wait_until(said, timeout=timeout, what="the live view's address")
        return found[0]

    def wait(self, timeout: float = 120) -> int:
        code = self.proc.wait(timeout)
        self._reader.join(5)
        return code

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(30)

"""Show the engine's Chaos Toolkit-style lines and a live progress line while acts run."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

_STYLES = {logging.WARNING: "yellow", logging.ERROR: "red", logging.CRITICAL: "bold red"}


class _EngineLines(logging.Handler):
    """Prints each engine log line above the progress display."""

    def __init__(self, display: ProgressDisplay) -> None:
        super().__init__(logging.INFO)
        self.display = display

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
            style = _STYLES.get(record.levelno, "dim")
            self.display.console.print(f"    {message}", style=style, highlight=False, markup=False)
            self.display.step(message)
        except Exception:
            self.handleError(record)


class ProgressDisplay:
    """One progress line per phase: a spinner while work runs, a bar while a pause runs."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(bar_width=24),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._task: TaskID | None = None
        self._prefix = ""
        self._lock = threading.Lock()
        self._pause: tuple[float, float] | None = None  # (start, seconds)
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def phase(self, text: str) -> None:
        """A new phase (e.g. an act); following engine lines refine it. Restarts the clock."""
        self._prefix = text
        with self._lock:
            if self._task is not None:
                self.progress.reset(self._task)
        self.step("")

    def step(self, text: str) -> None:
        with self._lock:
            self._pause = None
            if self._task is not None:
                description = f"{self._prefix} - {text}" if text else self._prefix
                self.progress.update(self._task, description=description, total=None, completed=0)

    def countdown(self, seconds: float, when: str) -> None:
        """A bar that fills over ``seconds``: the engine's pause hook (``RunHooks.on_pause``)."""
        text = f"pausing {when} the activity for {seconds:g}s"
        with self._lock:
            self._pause = (time.monotonic(), seconds)
            if self._task is not None:
                self.progress.update(
                    self._task,
                    description=f"{self._prefix} - {text}",
                    total=max(seconds, 0.01),
                    completed=0,
                )

    def _tick(self) -> None:
        while not self._stop.wait(0.1):
            with self._lock:
                if self._pause is not None and self._task is not None:
                    start, seconds = self._pause
                    done = min(time.monotonic() - start, seconds)
                    self.progress.update(self._task, completed=done)

    @contextmanager
    def running(self, logger_name: str = "chaosrun") -> Iterator[ProgressDisplay]:
        """Show the display and route the engine's log lines through it."""
        logger = logging.getLogger(logger_name)
        saved = (list(logger.handlers), logger.level, logger.propagate)
        for handler in saved[0]:
            logger.removeHandler(handler)
        logger.addHandler(_EngineLines(self))
        logger.setLevel(logging.INFO)
        logger.propagate = False
        self._task = self.progress.add_task(self._prefix or "Starting", total=None)
        self._stop.clear()
        self._ticker = threading.Thread(target=self._tick, name="demo-progress", daemon=True)
        self.progress.start()
        self._ticker.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._ticker.join()
            self.progress.stop()
            self._task = None
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
            for handler in saved[0]:
                logger.addHandler(handler)
            logger.setLevel(saved[1])
            logger.propagate = saved[2]

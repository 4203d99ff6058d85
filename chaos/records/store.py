"""Run records on disk: one JSON file per run, written durably, locked while the run lives."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from pathlib import Path

from chaos.files import write_atomic
from chaos.records.model import RunRecord, now_iso
from chaos.statedir import default_state_dir

RECORDS_DIR_ENV = "CHAOSRUN_RECORDS_DIR"
# Finished records are kept for looking back; beyond this many the oldest go.
KEEP_FINISHED = 50


def default_records_dir() -> Path:
    """``$CHAOSRUN_RECORDS_DIR``, else ``runs/`` in chaosrun's state directory."""
    configured = os.environ.get(RECORDS_DIR_ENV)
    return Path(configured).expanduser() if configured else default_state_dir() / "runs"


def record_text(record: RunRecord) -> str:
    return json.dumps(record.to_dict(), indent=2) + "\n"


def new_record_id() -> str:
    import secrets  # only a run that records something needs it (hmac, hashlib: ~3 ms)

    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + secrets.token_hex(3)


class RecordStore:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else default_records_dir()

    def path(self, record_id: str) -> Path:
        return self.directory / f"{record_id}.json"

    def _lock_path(self, record_id: str) -> Path:
        return self.directory / f"{record_id}.lock"

    def save(self, record: RunRecord) -> None:
        """Write ``record``; when this returns it is on disk (raises ``OSError`` if not)."""
        record.updated = now_iso()
        write_atomic(self.path(record.id), record_text(record))

    def load(self) -> tuple[list[RunRecord], list[str]]:
        """Every record, oldest first, and one line per file that is not a readable record."""
        records: list[RunRecord] = []
        problems: list[str] = []
        if not self.directory.is_dir():
            return records, problems
        for path in sorted(self.directory.glob("*.json")):
            try:
                records.append(RunRecord.from_dict(json.loads(path.read_text(encoding="utf-8"))))
            except (OSError, ValueError) as exc:
                problems.append(f"{path}: {exc}")
        return records, problems

    def unfinished(self) -> tuple[list[RunRecord], list[str]]:
        records, problems = self.load()
        return [r for r in records if not r.done], problems

    def hold(self, record_id: str, wait: bool = True) -> int | None:
        """Lock the record for the life of this process (the kernel drops it if we die).

        With ``wait=False``: None when another process holds it (its run still lives).
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._lock_path(record_id), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        return fd

    def release(self, record_id: str, fd: int, *, finished: bool) -> None:
        if finished:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._lock_path(record_id))
        os.close(fd)

    def in_progress(self, record_id: str) -> bool:
        """True while the run that owns the record still lives (it holds the lock)."""
        try:
            fd = os.open(self._lock_path(record_id), os.O_RDWR)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        return False

    def prune(self) -> None:
        """Drop the oldest finished records beyond ``KEEP_FINISHED`` (never an open one)."""
        records, _ = self.load()
        finished = [r for r in records if r.done]
        for record in finished[: max(0, len(finished) - KEEP_FINISHED)]:
            with contextlib.suppress(FileNotFoundError):
                self.path(record.id).unlink()

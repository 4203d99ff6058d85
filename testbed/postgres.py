"""A real PostgreSQL server (Debian's ``postgresql`` package) on a free loopback port, for the
history store's tests and benchmarks: ``initdb`` and ``pg_ctl`` as a non-root user (as root,
through ``runuser -u postgres``), trust authentication, gone when stopped."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from testbed.procs import free_port

USER = "postgres"


def binaries() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` holding ``initdb`` and ``pg_ctl``."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    return Path(found[-1]).parent if found else None


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", USER, "--", *command] if os.geteuid() == 0 else command


@dataclass
class PostgresServer:
    bin_dir: Path
    directory: Path
    port: int = 0

    @property
    def url(self) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/postgres"

    def url_of(self, database: str) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def start(self) -> PostgresServer:
        data = self.directory / "data"
        if os.geteuid() == 0:
            shutil.chown(self.directory, USER)
        run = [str(self.bin_dir / "initdb"), "-D", str(data), "-U", USER, "--auth=trust"]
        subprocess.run(_as_owner([*run, "-E", "UTF8"]), check=True, capture_output=True)
        self.port = free_port()
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} "
            "-c fsync=off -c max_connections=60"
        )
        start = [str(self.bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-t", "60"]
        log = ["-l", str(self.directory / "server.log"), "start"]
        subprocess.run(_as_owner(start + log), check=True, capture_output=True)
        return self

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
        return self.url_of(name)

    def stop(self) -> None:
        stop = [str(self.bin_dir / "pg_ctl"), "-D", str(self.directory / "data"), "-m", "fast"]
        subprocess.run(_as_owner([*stop, "-w", "stop"]), check=False, capture_output=True)
        shutil.rmtree(self.directory, ignore_errors=True)


def start_postgres() -> PostgresServer | None:
    """A started server, or None when the binaries are not installed."""
    bin_dir = binaries()
    if bin_dir is None:
        return None
    # Not under pytest's 0700 temporary root: the server's user must reach its directory.
    directory = Path(tempfile.mkdtemp(prefix="chaosrun-pg-"))
    return PostgresServer(bin_dir, directory).start()

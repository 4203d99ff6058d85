"""The local stand-in cluster's lifecycle: the three services as programs of one supervisord.

A "Deployment" is a program: deleting it stops it, removes it from supervisord's running
configuration and deletes its file pair; restoring writes them back from the snapshot and
adds it again. A "pod" is the program's process: killing it makes supervisord start a new
one (``autorestart``), with a new pid and so a new pod name. The files are described in
``state.py``.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chaos.drivers.base import DriverError
from chaos.drivers.local.config import program_conf, supervisord_conf
from chaos.drivers.local.layout import Layout, Program, ProgramStatus, programs_on
from chaos.drivers.local.ports import choose_ports, port_is_open, readyz
from chaos.drivers.local.processes import (
    ProcessId,
    identify,
    is_running,
    runs_supervisord_with,
    signal_if_running,
)
from chaos.drivers.local.settings import LocalSettings
from chaos.drivers.local.state import (
    StackStateError,
    StatePaths,
    locked,
    read_model,
    write_model,
)
from chaos.drivers.local.supervisor import SupervisorClient, SupervisorFault
from chaos.drivers.local.token import secret_environment, write_new_token
from chaos.files import write_atomic

STOP_TIMEOUT = 20.0  # seconds ``down`` waits for the processes and ports to go away


@dataclass(frozen=True)
class StackUp:
    """What ``up`` did."""

    layout: Layout
    started: bool  # False: the stack already ran (deleted programs were added back)
    notes: tuple[str, ...] = ()


class LocalStack:
    """Bring the local stack up and down, and read its state."""

    def __init__(self, state_dir: Path | None = None, settings: LocalSettings | None = None):
        self.settings = settings or LocalSettings()
        self.state_dir = (state_dir or self.settings.state_dir).expanduser().resolve()
        self.paths = StatePaths.under(self.state_dir)
        self.socket_path = self.paths.socket
        self.client = SupervisorClient(self.socket_path)

    # -- layout and programs ---------------------------------------------------------------

    def layout(self) -> Layout | None:
        """The layout ``up`` wrote; None if there is none; StackStateError if unreadable."""
        return read_model(self.paths.layout, Layout)

    def _plan(self) -> tuple[Layout, tuple[str, ...]]:
        """The layout to start: the previous one's ports if still free, else fresh ones."""
        notes: tuple[str, ...] = ()
        try:
            previous = self.layout()
        except StackStateError:
            # Nothing runs: the old layout only suggested ports, so a fresh one is as good.
            previous = None
            notes = (f"Replaced the unreadable layout {self.paths.layout} (nothing was running).",)
        wanted = {
            "back": self.settings.backend_port,
            "front-v1": self.settings.front_v1_port,
            "front-v2": self.settings.front_v2_port,
        }
        old = {p.name: p.port for p in previous.programs.values()} if previous else {}
        ports = choose_ports(wanted, old)
        programs = programs_on(ports, self.settings)
        layout = Layout(
            state_dir=str(self.state_dir),
            socket=str(self.socket_path),
            programs={p.name: p for p in programs},
        )
        return layout, notes

    def write_program(self, program: Program) -> None:
        """Its definition (the snapshot) and supervisord's ``.conf``, with the token."""
        write_model(self.paths.programs / f"{program.name}.json", program)
        secret = secret_environment(program, self.paths.faults_token)
        write_atomic(
            self.paths.programs / f"{program.name}.conf",
            program_conf(program, self.log_path(program.name), secret),
        )

    def remove_program(self, name: str) -> None:
        for suffix in (".conf", ".json"):
            (self.paths.programs / f"{name}{suffix}").unlink(missing_ok=True)

    def live_programs(self) -> dict[str, Program]:
        if not self.paths.programs.exists():
            return {}
        found = [read_model(p, Program) for p in sorted(self.paths.programs.glob("*.json"))]
        return {p.name: p for p in found if p is not None}

    # -- up --------------------------------------------------------------------------------

    def running(self) -> bool:
        return self.client.alive()

    def up(self, timeout: float = 30.0) -> StackUp:
        """Start the stack (or heal it: re-add deleted programs); wait until all are ready.

        Under the stack's lock: of two ``up`` at once, one starts the stack and the other
        finds it running. Only an ``up`` that started supervisord stops it if it fails.
        """
        with locked(self.paths):
            if self.running():
                layout = self._running_layout()
                self._heal(layout)
                self.wait_ready(list(layout.programs.values()), timeout)
                return StackUp(layout, started=False)
            layout, notes = self._plan()
            self._write_state(layout)
            try:
                self._start_supervisord()
                self.wait_ready(list(layout.programs.values()), timeout)
            except BaseException:
                self._stop(STOP_TIMEOUT)
                raise
            return StackUp(layout, started=True, notes=notes)

    def _running_layout(self) -> Layout:
        layout = self.layout()
        if layout is None:
            raise StackStateError(
                f"supervisord runs under {self.state_dir} without its layout "
                f"{self.paths.layout}; `chaosrun local down` stops it and `chaosrun local up` "
                "then starts a fresh stack."
            )
        return layout

    def _write_state(self, layout: Layout) -> None:
        self.paths.logs.mkdir(parents=True, exist_ok=True)
        write_new_token(self.paths.faults_token)
        if self.paths.programs.exists():
            for stale in self.paths.programs.iterdir():
                stale.unlink()
        for program in layout.programs.values():
            self.write_program(program)
        write_atomic(self.paths.conf, supervisord_conf(self.paths))
        write_model(self.paths.layout, layout)

    def _start_supervisord(self) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "supervisor.supervisord", "-c", str(self.paths.conf)],
            cwd=self.state_dir,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise DriverError(
                f"supervisord did not start ({detail[-1] if detail else result.returncode})."
            )
        deadline = time.monotonic() + 10
        while not self.running():
            if time.monotonic() > deadline:
                raise DriverError(
                    f"supervisord did not answer on {self.socket_path}; "
                    f"see {self.paths.logs / 'supervisord.log'}."
                )
            time.sleep(0.05)

    def _heal(self, layout: Layout) -> None:
        live = {info["name"] for info in self.client.call("getAllProcessInfo")}
        for name, program in layout.programs.items():
            if name in live:
                with contextlib.suppress(SupervisorFault):  # ALREADY_STARTED
                    self.client.call("startProcessGroup", name, False)
                continue
            self.add_program(program)

    def add_program(self, program: Program) -> None:
        self.write_program(program)
        self.client.call("reloadConfig")
        try:
            self.client.call("addProcessGroup", program.name)
        except SupervisorFault as fault:
            if fault.kind != "ALREADY_ADDED":
                raise

    def wait_ready(self, programs: list[Program], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pending = [p for p in programs if p.replicas > 0]
        while pending:
            pending = [p for p in pending if not readyz(p.url)]
            if not pending:
                return
            for program in pending:
                info = self._info(program.name)
                if info is not None and info["statename"] in ("FATAL", "BACKOFF"):
                    tail = self.log_tail(program.name, 1)
                    if info["statename"] == "FATAL" or "Error" in tail:
                        raise DriverError(
                            f"Program {program.name} does not start ({tail or 'no output'}); "
                            f"see {self.log_path(program.name)}."
                        )
            if time.monotonic() > deadline:
                names = ", ".join(p.name for p in pending)
                raise DriverError(
                    f"The local stack did not become ready in {timeout:.0f}s: {names}."
                )
            time.sleep(0.1)

    def log_path(self, name: str) -> Path:
        return self.paths.logs / f"{name}.log"

    def log_tail(self, name: str, lines: int = 20) -> str:
        try:
            text = self.log_path(name).read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(line for line in text.strip().splitlines()[-lines:])

    def _info(self, name: str) -> dict[str, Any] | None:
        try:
            info: dict[str, Any] = self.client.call("getProcessInfo", name)
        except SupervisorFault:
            return None
        return info

    # -- down ------------------------------------------------------------------------------

    def supervisord_pid(self) -> int | None:
        try:
            return int(self.paths.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def supervisord_process(self) -> ProcessId | None:
        """The process the pid file names if it is this stack's supervisord: alive, and its
        command line names supervisord and this stack's configuration file."""
        pid = self.supervisord_pid()
        process = identify(pid) if pid else None
        if process is None:
            return None
        return process if runs_supervisord_with(process, self.paths.conf) else None

    def down(self, timeout: float = STOP_TIMEOUT) -> bool:
        """Stop supervisord and every program; True if something was running.

        Signals only processes proven to be this stack's: its supervisord (see
        ``supervisord_process``) and the programs' processes it listed, by start time.
        """
        if not self.state_dir.is_dir():
            return False
        with locked(self.paths):
            return self._stop(timeout)

    def _stop(self, timeout: float) -> bool:
        ports = self._known_ports()
        supervisord = self.supervisord_process()
        was_running = self.running()
        children: list[ProcessId] = []
        if was_running:
            children = self._children()
            with contextlib.suppress(DriverError):
                self.client.call("shutdown")
        elif supervisord is not None:
            # This stack's supervisord, alive but not answering: ask it to terminate.
            signal_if_running(supervisord, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while supervisord is not None and is_running(supervisord) and time.monotonic() < deadline:
            self._nudge()
            time.sleep(0.03)
        for child in children:
            while is_running(child) and time.monotonic() < deadline:
                time.sleep(0.05)
            signal_if_running(child, signal.SIGKILL)
        for port in ports:
            while port_is_open(port) and time.monotonic() < deadline:
                time.sleep(0.05)
        if not self.running():
            self.socket_path.unlink(missing_ok=True)
            if self.supervisord_process() is None:  # gone, or the file was stale
                self.paths.pid_file.unlink(missing_ok=True)
        return was_running or supervisord is not None

    def _children(self) -> list[ProcessId]:
        """The programs' processes as supervisord lists them, each pinned by its start time."""
        try:
            infos = self.client.call("getAllProcessInfo")
        except DriverError:
            return []
        found = (identify(int(info["pid"])) for info in infos if info["pid"])
        return [process for process in found if process is not None]

    def _known_ports(self) -> list[int]:
        """The programs' ports, from whatever state is still readable."""
        with contextlib.suppress(StackStateError):
            layout = self.layout()
            if layout is not None:
                return [p.port for p in layout.programs.values()]
        with contextlib.suppress(StackStateError):
            return [p.port for p in self.live_programs().values()]
        return []

    def _nudge(self) -> None:
        """Turn supervisord's loop (it polls once a second): any XML-RPC call wakes it, so
        it reaps stopped children and exits without waiting for its next tick."""
        if not self.socket_path.exists():
            return
        with contextlib.suppress(Exception):  # it may go away mid-call: that is the point
            self.client.call("getState")

    # -- status ----------------------------------------------------------------------------

    def status(self) -> list[ProgramStatus]:
        layout = self.layout()
        if layout is None:
            return []
        running = self.running()
        infos: dict[str, dict[str, Any]] = {}
        if running:
            infos = {info["name"]: info for info in self.client.call("getAllProcessInfo")}
        rows = []
        for name, program in layout.programs.items():
            info = infos.get(name)
            if info is None:
                state = "DELETED" if running else "DOWN"
                pid = None
                started = None
            else:
                state = str(info["statename"])
                pid = int(info["pid"]) or None
                started = float(info["start"]) or None
            rows.append(
                ProgramStatus(
                    name=name,
                    state=state,
                    pid=pid,
                    port=program.port,
                    url=program.url,
                    labels=program.labels,
                    ready=pid is not None and readyz(program.url),
                    started=started,
                )
            )
        return rows

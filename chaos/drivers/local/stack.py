"""The local stand-in cluster: the three services as programs of one supervisord.

Everything lives under one state directory::

    <state_dir>/stack.json          the layout: programs, ports, URLs, labels (kept after down)
    <state_dir>/supervisord.conf    supervisord's configuration
    <state_dir>/supervisord.pid     its pid while it runs
    <state_dir>/supervisor.sock     its XML-RPC unix socket (under /tmp if the path is too long)
    <state_dir>/programs/<name>.conf / .json   one file pair per live "Deployment"
    <state_dir>/logs/               supervisord's and every program's output

A "Deployment" is a program: deleting it stops it, removes it from supervisord's running
configuration and deletes its file pair; restoring writes them back from the snapshot and
adds it again. A "pod" is the program's process: killing it makes supervisord start a new
one (``autorestart``), with a new pid and so a new pod name.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from pydantic import BaseModel, Field

from chaos.drivers.base import DriverError
from chaos.drivers.local.settings import LocalSettings
from chaos.drivers.local.supervisor import SupervisorClient, SupervisorFault

NAMESPACE = "default"
HOST = "127.0.0.1"
SOCKET_PATH_MAX = 100  # sun_path is 108 bytes on Linux


class Program(BaseModel):
    """One supervised program: the local Deployment's manifest (JSON in the journal)."""

    name: str
    module: str
    service: str = Field(description="the Kubernetes Service it stands in for")
    labels: dict[str, str]
    port: int
    environment: dict[str, str] = Field(default_factory=dict)
    replicas: int = 1

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"


class Layout(BaseModel):
    """The stack as ``up`` laid it out (``stack.json``)."""

    state_dir: str
    socket: str
    programs: dict[str, Program]


class ProgramStatus(BaseModel):
    name: str
    state: str  # supervisord's state name, or DELETED
    pid: int | None
    port: int
    url: str
    labels: dict[str, str]
    ready: bool
    started: float | None = None


# The services' names: the Kubernetes Service each program stands in for.
SERVICE_ALIASES = {
    "backend": "back",
    "back": "back",
    "frontend": "front-v1",
    "front": "front-v1",
    "frontend-v1": "front-v1",
    "front-v1": "front-v1",
    "frontend-v2": "front-v2",
    "front-v2": "front-v2",
}


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def port_is_open(port: int) -> bool:
    """True while something accepts connections on 127.0.0.1:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((HOST, port)) == 0


def pick_port(wanted: int, taken: set[int]) -> int:
    if wanted:
        if wanted in taken or not port_is_free(wanted):
            raise DriverError(f"Port {wanted} on {HOST} is already in use: choose another one.")
        return wanted
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((HOST, 0))
            port = int(sock.getsockname()[1])
        if port not in taken:
            return port


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours counts as gone.
    with contextlib.suppress(ChildProcessError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    return True


def project_root() -> Path:
    """The directory holding the ``services`` package (children run from there)."""
    spec = importlib.util.find_spec("services")
    if spec is None or not spec.submodule_search_locations:
        raise DriverError("The services package is not importable: install chaosrun first.")
    return Path(next(iter(spec.submodule_search_locations))).resolve().parent


def readyz(url: str, timeout: float = 0.5) -> bool:
    try:
        response = httpx.get(f"{url}/readyz", timeout=timeout, trust_env=False)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def _ini_value(value: str) -> str:
    return value.replace("%", "%%")


def _environment(env: dict[str, str]) -> str:
    items = []
    for key, value in env.items():
        escaped = _ini_value(value).replace("\\", "\\\\").replace('"', '\\"')
        items.append(f'{key}="{escaped}"')
    return ",".join(items)


class LocalStack:
    """Bring the local stack up and down, and read its state."""

    def __init__(self, state_dir: Path | None = None, settings: LocalSettings | None = None):
        self.settings = settings or LocalSettings()
        self.state_dir = (state_dir or self.settings.state_dir).expanduser().resolve()
        self.conf_path = self.state_dir / "supervisord.conf"
        self.pid_path = self.state_dir / "supervisord.pid"
        self.layout_path = self.state_dir / "stack.json"
        self.programs_dir = self.state_dir / "programs"
        self.logs_dir = self.state_dir / "logs"
        self.socket_path = self._socket_path()
        self.client = SupervisorClient(self.socket_path)

    def _socket_path(self) -> Path:
        path = self.state_dir / "supervisor.sock"
        if len(str(path)) <= SOCKET_PATH_MAX:
            return path
        digest = hashlib.sha1(str(self.state_dir).encode()).hexdigest()[:12]
        return Path("/tmp") / f"chaosrun-{digest}.sock"

    # -- layout ----------------------------------------------------------------------------

    def layout(self) -> Layout | None:
        if not self.layout_path.exists():
            return None
        try:
            return Layout.model_validate_json(self.layout_path.read_text())
        except ValueError as exc:
            raise DriverError(f"The local stack's layout {self.layout_path} is corrupt.") from exc

    def _plan(self) -> Layout:
        """The layout to start: the previous one's ports if still free, else fresh ones."""
        s = self.settings
        previous = self.layout()
        old = previous.programs if previous else {}
        taken: set[int] = set()

        def port(name: str, wanted: int) -> int:
            if not wanted and name in old and port_is_free(old[name].port):
                wanted = old[name].port
            chosen = pick_port(wanted, taken)
            taken.add(chosen)
            return chosen

        back_port = port("back", s.backend_port)
        v1_port = port("front-v1", s.front_v1_port)
        v2_port = port("front-v2", s.front_v2_port)
        backend_url = f"http://{HOST}:{back_port}/message"
        front_env = {"BACKEND_URL": backend_url, "BACKEND_TIMEOUT": str(s.backend_timeout)}
        programs = [
            Program(
                name="back",
                module="services.backend",
                service="backend",
                labels={"app": "back"},
                port=back_port,
            ),
            Program(
                name="front-v1",
                module="services.frontend_v1",
                service="frontend",
                labels={"app": "front", "version": "v1"},
                port=v1_port,
                environment=dict(front_env),
            ),
            Program(
                name="front-v2",
                module="services.frontend_v2",
                service="frontend-v2",
                labels={"app": "front", "version": "v2"},
                port=v2_port,
                environment={**front_env, "BREAKER_WAIT_DURATION_OPEN": str(s.breaker_wait)},
            ),
        ]
        return Layout(
            state_dir=str(self.state_dir),
            socket=str(self.socket_path),
            programs={p.name: p for p in programs},
        )

    def _supervisord_conf(self) -> str:
        return "\n".join(
            [
                "; written by chaosrun local up",
                "[unix_http_server]",
                f"file={_ini_value(str(self.socket_path))}",
                "chmod=0700",
                "",
                "[supervisord]",
                f"logfile={_ini_value(str(self.logs_dir / 'supervisord.log'))}",
                "logfile_maxbytes=5MB",
                "logfile_backups=1",
                f"pidfile={_ini_value(str(self.pid_path))}",
                f"childlogdir={_ini_value(str(self.logs_dir))}",
                "identifier=chaosrun",
                "nodaemon=false",
                "",
                "[rpcinterface:supervisor]",
                "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
                "",
                "[supervisorctl]",
                f"serverurl=unix://{_ini_value(str(self.socket_path))}",
                "",
                "[include]",
                f"files = {_ini_value(str(self.programs_dir))}/*.conf",
                "",
            ]
        )

    def program_conf(self, program: Program) -> str:
        env = {
            "HOST": HOST,
            "PORT": str(program.port),
            "PYTHONPATH": str(project_root()),
            "PYTHONUNBUFFERED": "1",
            # The services call each other on loopback: never through a proxy.
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
            **program.environment,
        }
        log = self.log_path(program.name)
        return "\n".join(
            [
                f"[program:{program.name}]",
                f"command={_ini_value(sys.executable)} -m {program.module}",
                f"directory={_ini_value(str(project_root()))}",
                f"environment={_environment(env)}",
                f"autostart={'true' if program.replicas > 0 else 'false'}",
                "autorestart=true",
                # A "pod" killed within a second of its start must come back at once, as a
                # ReplicaSet's would: with startsecs>0 supervisord calls that a failed start,
                # backs off 1 s, 2 s, ... and after startretries leaves the program FATAL.
                "startsecs=0",
                "stopsignal=TERM",
                "stopwaitsecs=5",
                "stopasgroup=true",
                "killasgroup=true",
                "redirect_stderr=true",
                f"stdout_logfile={_ini_value(str(log))}",
                "stdout_logfile_maxbytes=5MB",
                "stdout_logfile_backups=1",
                "",
            ]
        )

    def write_program(self, program: Program) -> None:
        self.programs_dir.mkdir(parents=True, exist_ok=True)
        (self.programs_dir / f"{program.name}.json").write_text(program.model_dump_json(indent=2))
        (self.programs_dir / f"{program.name}.conf").write_text(self.program_conf(program))

    def remove_program(self, name: str) -> None:
        for suffix in (".conf", ".json"):
            (self.programs_dir / f"{name}{suffix}").unlink(missing_ok=True)

    def live_program(self, name: str) -> Program | None:
        path = self.programs_dir / f"{name}.json"
        if not path.exists():
            return None
        return Program.model_validate_json(path.read_text())

    def live_programs(self) -> dict[str, Program]:
        if not self.programs_dir.exists():
            return {}
        programs = [
            Program.model_validate_json(p.read_text())
            for p in sorted(self.programs_dir.glob("*.json"))
        ]
        return {p.name: p for p in programs}

    # -- lifecycle -------------------------------------------------------------------------

    def running(self) -> bool:
        return self.client.alive()

    def up(self, timeout: float = 30.0) -> Layout:
        """Start the stack (or heal it: re-add deleted programs); wait until all are ready."""
        if self.running():
            layout = self.layout()
            if layout is None:
                raise DriverError(f"supervisord runs under {self.state_dir} without a layout.")
            self._heal(layout)
        else:
            layout = self._start()
        self.wait_ready(list(layout.programs.values()), timeout)
        return layout

    def _start(self) -> Layout:
        layout = self._plan()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        if self.programs_dir.exists():
            for stale in self.programs_dir.iterdir():
                stale.unlink()
        for program in layout.programs.values():
            self.write_program(program)
        self.conf_path.write_text(self._supervisord_conf())
        self.layout_path.write_text(layout.model_dump_json(indent=2))
        result = subprocess.run(
            [sys.executable, "-m", "supervisor.supervisord", "-c", str(self.conf_path)],
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
                    f"see {self.logs_dir / 'supervisord.log'}."
                )
            time.sleep(0.05)
        return layout

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
        return self.logs_dir / f"{name}.log"

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

    def supervisord_pid(self) -> int | None:
        try:
            return int(self.pid_path.read_text().strip())
        except (OSError, ValueError):
            return None

    def down(self, timeout: float = 20.0) -> bool:
        """Stop supervisord and every program; True if something was running."""
        layout = self.layout()
        child_pids: list[int] = []
        was_running = self.running()
        sup_pid = self.supervisord_pid()
        if was_running:
            child_pids = [
                int(info["pid"]) for info in self.client.call("getAllProcessInfo") if info["pid"]
            ]
            with contextlib.suppress(DriverError):
                self.client.call("shutdown")
        deadline = time.monotonic() + timeout
        for pid in [p for p in [sup_pid] if p]:
            while pid_alive(pid) and time.monotonic() < deadline:
                self._nudge()
                time.sleep(0.03)
            if pid_alive(pid) and not was_running:
                # A supervisord that no longer answers: ask it to terminate.
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
        for pid in child_pids:
            while pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if pid_alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        if layout is not None:
            for program in layout.programs.values():
                while port_is_open(program.port) and time.monotonic() < deadline:
                    time.sleep(0.05)
        if self.socket_path.exists() and not self.running():
            self.socket_path.unlink(missing_ok=True)
        return was_running

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

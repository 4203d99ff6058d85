"""supervisord's configuration for the local stack, rendered from its layout."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from chaos.drivers.base import DriverError
from chaos.drivers.local.layout import HOST, Program
from chaos.drivers.local.state import StatePaths


def project_root() -> Path:
    """The directory holding the ``services`` package (children run from there)."""
    spec = importlib.util.find_spec("services")
    if spec is None or not spec.submodule_search_locations:
        raise DriverError("The services package is not importable: install chaosrun first.")
    return Path(next(iter(spec.submodule_search_locations))).resolve().parent


def _ini_value(value: str) -> str:
    return value.replace("%", "%%")


def _environment(env: dict[str, str]) -> str:
    items = []
    for key, value in env.items():
        escaped = _ini_value(value).replace("\\", "\\\\").replace('"', '\\"')
        items.append(f'{key}="{escaped}"')
    return ",".join(items)


def supervisord_conf(paths: StatePaths) -> str:
    return "\n".join(
        [
            "; written by chaosrun local up",
            "[unix_http_server]",
            f"file={_ini_value(str(paths.socket))}",
            "chmod=0700",
            "",
            "[supervisord]",
            f"logfile={_ini_value(str(paths.logs / 'supervisord.log'))}",
            "logfile_maxbytes=5MB",
            "logfile_backups=1",
            f"pidfile={_ini_value(str(paths.pid_file))}",
            f"childlogdir={_ini_value(str(paths.logs))}",
            "identifier=chaosrun",
            "nodaemon=false",
            "",
            "[rpcinterface:supervisor]",
            "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
            "",
            "[supervisorctl]",
            f"serverurl=unix://{_ini_value(str(paths.socket))}",
            "",
            "[include]",
            f"files = {_ini_value(str(paths.programs))}/*.conf",
            "",
        ]
    )


def program_conf(program: Program, log: Path, secret: dict[str, str] | None = None) -> str:
    """supervisord's section for ``program``; ``secret`` adds environment variables that are
    kept out of the program's definition (and so out of snapshots and journals)."""
    env = {
        "HOST": HOST,
        "PORT": str(program.port),
        "PYTHONPATH": str(project_root()),
        "PYTHONUNBUFFERED": "1",
        # The services call each other on loopback: never through a proxy.
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
        **program.environment,
        **(secret or {}),
    }
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

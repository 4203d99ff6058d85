"""The local backend's fault-route token: a new one each time the stack starts, kept in the state
directory (0600) and handed to the backend through its supervisord file (0600) only, never
through the program's definition, which snapshots and so journals are made of."""

from __future__ import annotations

import secrets
from pathlib import Path

from chaos.drivers.local.layout import FAULTS_ENABLED_ENV, FAULTS_TOKEN_ENV, Program
from chaos.drivers.local.state import StackStateError
from chaos.files import write_atomic


def write_new_token(path: Path) -> None:
    write_atomic(path, secrets.token_urlsafe(32) + "\n")  # 0600, as write_atomic leaves it


def read_token(path: Path) -> str | None:
    """The token; None before the stack first started; ``StackStateError`` if unreadable."""
    try:
        return path.read_text().strip() or None
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StackStateError(
            f"The local stack's token file {path} cannot be read ({exc.strerror}); "
            "`chaosrun local down` and `chaosrun local up` make a new one."
        ) from None


def secret_environment(program: Program, path: Path) -> dict[str, str]:
    """What ``program`` gets besides its definition: the token, if it accepts faults."""
    if program.environment.get(FAULTS_ENABLED_ENV) != "true":
        return {}
    return {FAULTS_TOKEN_ENV: read_token(path) or ""}

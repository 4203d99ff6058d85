"""Fault injection in the backend: ``GET /message`` answers late, or fails, for a while.

Off unless ``BACKEND_FAULTS_ENABLED=true``: without it the admin route does not exist and
``/message`` is exactly the contract's. With it, ``PUT FAULTS_PATH`` (JSON ``delay``,
``error_share``, ``duration``) makes every answer wait ``delay`` seconds and a share of them
fail with 503, until ``duration`` has passed or ``DELETE FAULTS_PATH`` ends it. The fault
ends by itself, so a chaos runner that died cannot leave the backend slow for ever.

Anything that reaches the backend could otherwise slow it down, so every request to the route
must carry ``BACKEND_FAULTS_TOKEN`` in the ``FAULTS_TOKEN_HEADER`` header (compared in
constant time); without it, or with another value: 401. Enabled without a token, the backend
does not start.
"""

from __future__ import annotations

import asyncio
import hmac
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Header, HTTPException
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.contract import FAULTS_PATH, FAULTS_TOKEN_HEADER

#: The longest delay and duration a fault may ask for, in seconds.
MAX_DELAY = 300.0
MAX_DURATION = 86400.0
#: The shortest token the route accepts to be configured with.
MIN_TOKEN_LENGTH = 16
#: What a call picked to fail gets.
ERROR_STATUS = 503
ERROR_TEXT = "Injected fault: the backend was told to fail this call."


class FaultSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BACKEND_FAULTS_", extra="ignore", frozen=True)

    enabled: bool = Field(
        default=False,
        description=f"true: PUT {FAULTS_PATH} (delay, error_share, duration) makes GET /message "
        f"slow or failing for a while, DELETE {FAULTS_PATH} ends it; false: the route does not "
        "exist.",
    )
    token: SecretStr = Field(
        default=SecretStr(""),
        validate_default=True,
        description=f"Required when faults are enabled (at least {MIN_TOKEN_LENGTH} "
        f"characters): every request to {FAULTS_PATH} must carry it in the "
        f"{FAULTS_TOKEN_HEADER} header, else 401. On Kubernetes, from a Secret.",
    )

    @field_validator("token")
    @classmethod
    def _token_when_enabled(cls, token: SecretStr, info: ValidationInfo) -> SecretStr:
        if info.data.get("enabled") and len(token.get_secret_value()) < MIN_TOKEN_LENGTH:
            raise ValueError(
                f"BACKEND_FAULTS_ENABLED=true needs a token of at least {MIN_TOKEN_LENGTH} "
                "characters, or anyone reaching the backend could make it fail"
            )
        return token


class FaultSpec(BaseModel):
    """What a chaos action asks for."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    delay: float = Field(ge=0, le=MAX_DELAY, description="seconds every answer waits")
    error_share: float = Field(default=0.0, ge=0, le=1, description="share of calls failing")
    duration: float = Field(gt=0, le=MAX_DURATION, description="seconds until it ends itself")


class FaultState(BaseModel):
    """What ``GET``, ``PUT`` and ``DELETE FAULTS_PATH`` answer."""

    active: bool
    delay: float = 0.0
    error_share: float = 0.0
    remaining: float = 0.0  # seconds until the fault ends by itself


@dataclass(frozen=True)
class _Fault:
    spec: FaultSpec
    until: float


class Faults:
    """The backend's current fault, if any (thread-safe; the clock and the dice injectable)."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        dice: Callable[[], float] = random.random,
    ) -> None:
        self._clock = clock
        self._dice = dice
        self._lock = threading.Lock()
        self._fault: _Fault | None = None

    def _current(self) -> _Fault | None:
        fault = self._fault
        if fault is not None and self._clock() >= fault.until:
            self._fault = fault = None
        return fault

    def state(self) -> FaultState:
        with self._lock:
            fault = self._current()
            if fault is None:
                return FaultState(active=False)
            return FaultState(
                active=True,
                delay=fault.spec.delay,
                error_share=fault.spec.error_share,
                remaining=round(max(0.0, fault.until - self._clock()), 3),
            )

    def start(self, spec: FaultSpec) -> FaultState:
        """Replace any fault by ``spec``, from now on."""
        with self._lock:
            self._fault = _Fault(spec, self._clock() + spec.duration)
        return self.state()

    def end(self) -> FaultState:
        with self._lock:
            self._fault = None
        return FaultState(active=False)

    def decide(self) -> tuple[float, bool]:
        """For one call: the seconds it waits and whether it then fails."""
        with self._lock:
            fault = self._current()
        if fault is None:
            return 0.0, False
        fails = fault.spec.error_share > 0 and self._dice() < fault.spec.error_share
        return fault.spec.delay, fails

    async def apply(self) -> bool:
        """Wait as the fault says; True when this call must fail."""
        delay, fails = self.decide()
        if delay:
            await asyncio.sleep(delay)
        return fails


def token_check(token: str) -> Callable[[str | None], None]:
    """A dependency that lets a request through only with ``token`` in its header."""
    if len(token) < MIN_TOKEN_LENGTH:
        raise ValueError(f"the fault route needs a token of at least {MIN_TOKEN_LENGTH} characters")
    expected = token.encode()

    def check(
        given: Annotated[str | None, Header(alias=FAULTS_TOKEN_HEADER)] = None,
    ) -> None:
        if not hmac.compare_digest((given or "").encode(), expected):
            raise HTTPException(
                status_code=401,
                detail=f"The fault route needs the backend's token in {FAULTS_TOKEN_HEADER}.",
                headers={"WWW-Authenticate": f'Token header="{FAULTS_TOKEN_HEADER}"'},
            )

    return check


def add_fault_routes(app: FastAPI, faults: Faults, token: str) -> None:
    """``GET``/``PUT``/``DELETE FAULTS_PATH``, each needing ``token``; call only when
    ``FaultSettings.enabled``."""
    guarded = [Depends(token_check(token))]

    @app.get(FAULTS_PATH, include_in_schema=False, dependencies=guarded)
    async def read_fault() -> FaultState:
        return faults.state()

    @app.put(FAULTS_PATH, include_in_schema=False, dependencies=guarded)
    async def start_fault(spec: FaultSpec) -> FaultState:
        return faults.start(spec)

    @app.delete(FAULTS_PATH, include_in_schema=False, dependencies=guarded)
    async def end_fault() -> FaultState:
        return faults.end()

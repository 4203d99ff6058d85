"""What the local stack is made of: its programs ("Deployments"), their layout and status."""

from __future__ import annotations

from pydantic import BaseModel, Field

from chaos.drivers.local.settings import LocalSettings
from services.contract import MESSAGE_PATH

NAMESPACE = "default"
HOST = "127.0.0.1"
# The backend's settings that open its fault route (services.backend.faults.FaultSettings).
FAULTS_ENABLED_ENV = "BACKEND_FAULTS_ENABLED"
FAULTS_TOKEN_ENV = "BACKEND_FAULTS_TOKEN"

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


def programs_on(ports: dict[str, int], settings: LocalSettings) -> list[Program]:
    """The three programs, on the ports given by program name."""
    backend_url = f"http://{HOST}:{ports['back']}{MESSAGE_PATH}"
    front_env = {"BACKEND_URL": backend_url, "BACKEND_TIMEOUT": str(settings.backend_timeout)}
    return [
        Program(
            name="back",
            module="services.backend",
            service="backend",
            labels={"app": "back"},
            port=ports["back"],
            # A chaos playground: `chaosrun latency` may slow it down (with the stack's token,
            # which the program's supervisord file holds, not this definition).
            environment={FAULTS_ENABLED_ENV: "true"},
        ),
        Program(
            name="front-v1",
            module="services.frontend_v1",
            service="frontend",
            labels={"app": "front", "version": "v1"},
            port=ports["front-v1"],
            environment=dict(front_env),
        ),
        Program(
            name="front-v2",
            module="services.frontend_v2",
            service="frontend-v2",
            labels={"app": "front", "version": "v2"},
            port=ports["front-v2"],
            environment={
                **front_env,
                "BREAKER_WAIT_DURATION_OPEN": str(settings.breaker_wait),
                "BREAKER_SLOW_CALL_DURATION_THRESHOLD": str(settings.slow_call_threshold),
                "BREAKER_SLOW_CALL_RATE_THRESHOLD": str(settings.slow_call_rate),
            },
        ),
    ]

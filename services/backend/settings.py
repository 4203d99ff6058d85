"""The backend's settings: only where it listens."""

from __future__ import annotations

from pydantic import Field

from services.common.settings import ServerSettings
from services.contract import BACKEND_PORT


class BackendServerSettings(ServerSettings):
    port: int = Field(
        default=BACKEND_PORT, ge=1, le=65535, description="Port the HTTP server listens on."
    )

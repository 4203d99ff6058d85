"""The backend's settings: only where it listens."""

from __future__ import annotations

from pydantic import Field

from services.common.settings import ServerSettings


class BackendServerSettings(ServerSettings):
    port: int = Field(default=8081, ge=1, le=65535, description="Port the HTTP server listens on.")

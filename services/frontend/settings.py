"""The frontend's settings: where it listens and how it reaches the backend."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.common.settings import ServerSettings
from services.contract import BACKEND_URL, FRONTEND_PORT


class FrontendServerSettings(ServerSettings):
    port: int = Field(
        default=FRONTEND_PORT, ge=1, le=65535, description="Port the HTTP server listens on."
    )


class BackendClientSettings(BaseSettings):
    """How the frontend calls the backend."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    backend_url: str = Field(
        default=BACKEND_URL,
        pattern=r"^https?://",
        description="URL of the backend's message endpoint.",
    )
    backend_timeout: float = Field(
        default=2.0,
        gt=0,
        le=60,
        description="Seconds one backend call may take in total (connect, send, answer) "
        "before it counts as failed.",
    )
    backend_max_connections: int = Field(
        default=100,
        ge=1,
        le=10000,
        description="Size of the frontend's pool of connections to the backend.",
    )
    backend_pool_timeout: float = Field(
        default=0.25,
        gt=0,
        le=60,
        description="Seconds a page waits for a free connection of the pool; when none frees "
        "up, v1 answers 503 at once and v2 its fallback.",
    )
    backend_max_body_bytes: int = Field(
        default=65536,
        ge=1,
        le=64 * 1024 * 1024,
        description="Largest backend answer the frontend reads, in bytes after decompression; "
        "a longer one counts as failed.",
    )

"""Server settings (HOST, PORT, LOG_LEVEL) and helpers to load and document any settings model.

Every setting of every service is a pydantic-settings field: its environment variable is the
field name in upper case (after the model's ``env_prefix``), its default and description are
the field's, so the configuration table in the README is generated from the models.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]

S = TypeVar("S", bound=BaseSettings)


class ServerSettings(BaseSettings):
    """Where a service listens and how much it logs."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    host: str = Field(default="0.0.0.0", description="Address the HTTP server binds to.")
    # No default here: each service declares its own port (services.contract).
    port: int = Field(ge=1, le=65535, description="Port the HTTP server listens on.")
    max_request_head_bytes: int = Field(
        default=16384,
        ge=1024,
        le=1024 * 1024,
        description="Largest request line plus headers a client may send, in bytes; a longer "
        "one is answered 400 and the connection closed.",
    )
    request_timeout: float = Field(
        default=10.0,
        gt=0,
        le=3600,
        description="Seconds a client has to send a whole request once it connects or starts "
        "one; a slower client is disconnected.",
    )
    keep_alive_timeout: float = Field(
        default=5.0,
        gt=0,
        le=3600,
        description="Seconds an idle keep-alive connection stays open.",
    )
    log_level: LogLevel = Field(
        default="INFO", description="Log level of the service's stdout log (DEBUG ... CRITICAL)."
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @property
    def log_level_number(self) -> int:
        return int(logging.getLevelNamesMapping()[self.log_level])


class SettingsError(Exception):
    """A setting from the environment is invalid; the message is one sentence for the user."""


def env_name(model: type[BaseSettings], field: str) -> str:
    prefix = str(model.model_config.get("env_prefix", ""))
    return (prefix + field).upper()


def load_settings(model: type[S]) -> S:
    """Read ``model`` from the environment, turning validation errors into one sentence."""
    try:
        return model()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "?"
            value = error.get("input")
            secret = (
                field in model.model_fields and model.model_fields[field].annotation is SecretStr
            )
            shown = (
                f" (got {value!r})" if isinstance(value, str | int | float) and not secret else ""
            )
            problems.append(f"{env_name(model, field)}: {error['msg']}{shown}")
        raise SettingsError("Invalid environment setting " + "; ".join(problems) + ".") from None


@dataclass(frozen=True)
class SettingDoc:
    """One row of the configuration table."""

    name: str
    default: str
    description: str


def _show_default(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, tuple | frozenset | list):
        return ",".join(str(item) for item in value)
    return str(value)


def describe(model: type[BaseSettings]) -> list[SettingDoc]:
    """The environment variables of ``model`` with their defaults and descriptions."""
    return [
        SettingDoc(env_name(model, name), _show_default(field.default), field.description or "")
        for name, field in model.model_fields.items()
    ]

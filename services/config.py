"""Every environment variable of every service, with its default: ``python -m services.config``.

Prints the configuration table (Markdown) that the README shows; tests check it against the
contract, so the table cannot drift from the code.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic_settings import BaseSettings

from services.backend.faults import FaultSettings
from services.backend.settings import BackendServerSettings
from services.common.settings import describe
from services.frontend.settings import BackendClientSettings, FrontendServerSettings
from services.frontend_v2.settings import BreakerSettings, BulkheadSettings

#: Which settings models each service reads.
SERVICES: dict[str, tuple[type[BaseSettings], ...]] = {
    "backend": (BackendServerSettings, FaultSettings),
    "frontend_v1": (FrontendServerSettings, BackendClientSettings),
    "frontend_v2": (
        FrontendServerSettings,
        BackendClientSettings,
        BreakerSettings,
        BulkheadSettings,
    ),
}


@dataclass(frozen=True)
class ConfigRow:
    name: str
    default: str
    services: tuple[str, ...]
    description: str


def config_rows() -> list[ConfigRow]:
    """One row per (variable, default), listing the services that read it."""
    rows: dict[tuple[str, str, str], list[str]] = {}
    for service, models in SERVICES.items():
        for model in models:
            for doc in describe(model):
                rows.setdefault((doc.name, doc.default, doc.description), []).append(service)
    order = {name: i for i, (name, _, _) in reversed(list(enumerate(rows)))}
    return sorted(
        (
            ConfigRow(name, default, tuple(services), description)
            for (name, default, description), services in rows.items()
        ),
        key=lambda row: order[row.name],
    )


def markdown_table() -> str:
    lines = ["| Variable | Default | Services | Description |", "|---|---|---|---|"]
    for row in config_rows():
        services = "all" if len(row.services) == len(SERVICES) else ", ".join(row.services)
        default = f"`{row.default}`" if row.default else "(empty)"
        lines.append(f"| `{row.name}` | {default} | {services} | {row.description} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())

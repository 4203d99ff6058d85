"""Every setting is an environment variable with a documented default, as SPEC says."""

from __future__ import annotations

import pytest

from services.common.settings import load_settings
from services.config import SERVICES, config_rows, markdown_table
from services.frontend.settings import BackendClientSettings, FrontendServerSettings
from services.frontend_v2.settings import BreakerSettings

EXPECTED = {
    ("HOST", "0.0.0.0"),
    ("PORT", "8081"),
    ("PORT", "8080"),
    ("LOG_LEVEL", "INFO"),
    ("BACKEND_URL", "http://backend:8081/message"),
    ("BACKEND_TIMEOUT", "2"),
    ("BACKEND_MAX_CONNECTIONS", "100"),
    ("BACKEND_MAX_BODY_BYTES", "65536"),
    ("BREAKER_WINDOW_SIZE", "10"),
    ("BREAKER_FAILURE_RATE_THRESHOLD", "80"),
    ("BREAKER_MINIMUM_CALLS", "100"),
    ("BREAKER_WAIT_DURATION_OPEN", "60"),
    ("BREAKER_PERMITTED_CALLS_HALF_OPEN", "10"),
}


def test_every_setting_is_documented_with_its_default() -> None:
    rows = config_rows()
    assert {(row.name, row.default) for row in rows} == EXPECTED
    assert all(row.description.endswith(")") or row.description.endswith(".") for row in rows)
    ports = {row.default: row.services for row in rows if row.name == "PORT"}
    assert ports == {"8081": ("backend",), "8080": ("frontend_v1", "frontend_v2")}
    table = markdown_table()
    assert table.count("\n") == len(rows) + 1
    assert "| `BREAKER_WAIT_DURATION_OPEN` | `60` | frontend_v2 |" in table
    assert set(SERVICES) == {"backend", "frontend_v1", "frontend_v2"}


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "9000")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("BACKEND_URL", "http://127.0.0.1:1/message")
    monkeypatch.setenv("BACKEND_TIMEOUT", "0.3")
    monkeypatch.setenv("BREAKER_WAIT_DURATION_OPEN", "0.2")
    monkeypatch.setenv("BREAKER_MINIMUM_CALLS", "5")
    server = load_settings(FrontendServerSettings)
    assert (server.port, server.log_level) == (9000, "DEBUG")
    client = load_settings(BackendClientSettings)
    assert (client.backend_url, client.backend_timeout) == ("http://127.0.0.1:1/message", 0.3)
    config = load_settings(BreakerSettings).to_config()
    assert (config.wait_duration_open, config.effective_minimum_calls) == (0.2, 5)

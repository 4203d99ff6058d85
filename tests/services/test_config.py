"""Every setting is an environment variable with a documented default, as SPEC says."""

from __future__ import annotations

import pytest
from pydantic_settings import BaseSettings

from services.common.settings import SettingsError, load_settings
from services.config import SERVICES, config_rows, markdown_table
from services.contract import BACKEND_PORT, BACKEND_URL, FRONTEND_PORT, MESSAGE_PATH
from services.frontend.bulkhead import BulkheadConfig
from services.frontend.client import FAILURE_KINDS
from services.frontend.settings import BackendClientSettings, FrontendServerSettings
from services.frontend_v2 import BreakerConfig, SlidingWindowType
from services.frontend_v2.settings import BreakerSettings, BulkheadSettings

EXPECTED = {
    ("HOST", "0.0.0.0"),
    ("PORT", str(BACKEND_PORT)),
    ("PORT", str(FRONTEND_PORT)),
    ("LOG_LEVEL", "INFO"),
    ("MAX_REQUEST_HEAD_BYTES", "16384"),
    ("REQUEST_TIMEOUT", "10"),
    ("KEEP_ALIVE_TIMEOUT", "5"),
    ("BACKEND_URL", BACKEND_URL),
    ("BACKEND_TIMEOUT", "2"),
    ("BACKEND_MAX_CONNECTIONS", "100"),
    ("BACKEND_POOL_TIMEOUT", "0.25"),
    ("BACKEND_MAX_BODY_BYTES", "65536"),
    ("BACKEND_FAULTS_ENABLED", "false"),
    ("BACKEND_FAULTS_TOKEN", ""),
    ("BREAKER_WINDOW_SIZE", "10"),
    ("BREAKER_FAILURE_RATE_THRESHOLD", "80"),
    ("BREAKER_MINIMUM_CALLS", "100"),
    ("BREAKER_WAIT_DURATION_OPEN", "60"),
    ("BREAKER_PERMITTED_CALLS_HALF_OPEN", "10"),
    ("BREAKER_SLIDING_WINDOW_TYPE", "COUNT_BASED"),
    ("BREAKER_SLOW_CALL_DURATION_THRESHOLD", "60"),
    ("BREAKER_SLOW_CALL_RATE_THRESHOLD", "100"),
    ("BREAKER_AUTOMATIC_TRANSITION_OPEN_TO_HALF_OPEN", "false"),
    ("BREAKER_MAX_WAIT_DURATION_HALF_OPEN", "0"),
    ("BREAKER_RECORD_EXCEPTIONS", "connect_error,timeout,http_5xx,http_4xx,other"),
    ("BREAKER_IGNORE_EXCEPTIONS", ""),
    ("BREAKER_EVENT_CONSUMER_BUFFER_SIZE", "100"),
    ("BREAKER_ADMIN_ENABLED", "false"),
    ("BULKHEAD_MAX_CONCURRENT_CALLS", "25"),
    ("BULKHEAD_MAX_WAIT_DURATION", "0"),
}


def test_every_setting_is_documented_with_its_default() -> None:
    rows = config_rows()
    assert {(row.name, row.default) for row in rows} == EXPECTED
    assert all(row.description.endswith(")") or row.description.endswith(".") for row in rows)
    ports = {row.default: row.services for row in rows if row.name == "PORT"}
    assert ports == {
        str(BACKEND_PORT): ("backend",),
        str(FRONTEND_PORT): ("frontend_v1", "frontend_v2"),
    }
    table = markdown_table()
    assert table.count("\n") == len(rows) + 1
    assert "| `BREAKER_WAIT_DURATION_OPEN` | `60` | frontend_v2 |" in table
    assert set(SERVICES) == {"backend", "frontend_v1", "frontend_v2"}


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "9000")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("BACKEND_URL", f"http://127.0.0.1:1{MESSAGE_PATH}")
    monkeypatch.setenv("BACKEND_TIMEOUT", "0.3")
    monkeypatch.setenv("BREAKER_WAIT_DURATION_OPEN", "0.2")
    monkeypatch.setenv("BREAKER_MINIMUM_CALLS", "5")
    server = load_settings(FrontendServerSettings)
    assert (server.port, server.log_level) == (9000, "DEBUG")
    client = load_settings(BackendClientSettings)
    assert (client.backend_url, client.backend_timeout) == (
        f"http://127.0.0.1:1{MESSAGE_PATH}",
        0.3,
    )
    config = load_settings(BreakerSettings).to_config()
    assert (config.wait_duration_open, config.effective_minimum_calls) == (0.2, 5)


def test_breaker_defaults_are_the_tutorials_and_resilience4js() -> None:
    """Unset, every breaker setting gives the original's configuration (window 10, 80 %) and
    Resilience4j's defaults for the rest, so the tutorial's breaker is unchanged."""
    assert load_settings(BreakerSettings).to_config() == BreakerConfig(
        record_exceptions=frozenset(FAILURE_KINDS)
    )
    assert BreakerConfig() == BreakerConfig(
        window_size=10,
        failure_rate_threshold=80,
        minimum_calls=100,
        wait_duration_open=60,
        permitted_calls_half_open=10,
        sliding_window_type=SlidingWindowType.COUNT_BASED,
        slow_call_duration_threshold=60,
        slow_call_rate_threshold=100,
        automatic_transition_open_to_half_open=False,
        max_wait_duration_half_open=0,
        ignore_exceptions=frozenset(),
    )


def test_breaker_lists_and_enums_read_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BREAKER_SLIDING_WINDOW_TYPE", "time_based")
    monkeypatch.setenv("BREAKER_RECORD_EXCEPTIONS", "connect_error, timeout")
    monkeypatch.setenv("BREAKER_IGNORE_EXCEPTIONS", "http_4xx")
    monkeypatch.setenv("BREAKER_AUTOMATIC_TRANSITION_OPEN_TO_HALF_OPEN", "true")
    config = load_settings(BreakerSettings).to_config()
    assert config.sliding_window_type is SlidingWindowType.TIME_BASED
    assert config.record_exceptions == {"connect_error", "timeout"}
    assert config.ignore_exceptions == {"http_4xx"}
    assert config.automatic_transition_open_to_half_open


@pytest.mark.parametrize(
    ("model", "variable", "value"),
    [
        (BreakerSettings, "BREAKER_IGNORE_EXCEPTIONS", "http_418"),
        (BreakerSettings, "BREAKER_SLIDING_WINDOW_TYPE", "SESSION_BASED"),
        (BreakerSettings, "BREAKER_MAX_WAIT_DURATION_HALF_OPEN", "0.0001"),
        (BreakerSettings, "BREAKER_SLOW_CALL_RATE_THRESHOLD", "0"),
        (BulkheadSettings, "BULKHEAD_MAX_CONCURRENT_CALLS", "-1"),
        (BulkheadSettings, "BULKHEAD_MAX_WAIT_DURATION", "soon"),
    ],
)
def test_invalid_breaker_and_bulkhead_settings_name_their_variable(
    monkeypatch: pytest.MonkeyPatch, model: type[BaseSettings], variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=f"^Invalid environment setting {variable}: "):
        load_settings(model)


def test_bulkhead_defaults_are_resilience4js(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings(BulkheadSettings).to_config() == BulkheadConfig()
    monkeypatch.setenv("BULKHEAD_MAX_CONCURRENT_CALLS", "3")
    monkeypatch.setenv("BULKHEAD_MAX_WAIT_DURATION", "0.5")
    assert load_settings(BulkheadSettings).to_config() == BulkheadConfig(3, 0.5)

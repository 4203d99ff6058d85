"""chaostoolkit-prometheus's probes run natively against Debian's real ``prometheus`` on
loopback, scraping a real frontend v2 whose backend has stopped (so its breaker is open)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chaos.actions.context import RunContext
from chaos.actions.errors import ActivityFailed
from chaos.actions.prometheus import query, query_interval
from chaos.engine.tolerance import within_tolerance
from chaos.experiment import ExperimentError, validate_experiment
from services.contract import BACKEND_MESSAGE, MESSAGE_PATH
from testbed.polling import wait_until
from testbed.procs import free_port, running_service
from tests.services.frontend_support import frontend_env, get, h2
from tests.support.cli import run_chaosrun
from tests.support.prometheus import Prometheus, running_prometheus

STATE = "resilience4j_circuitbreaker_state"
OPEN = f'{STATE}{{state="open"}}'
# What a Chaos Toolkit user writes to say "the instant vector's first value is 1".
VALUE_IS_ONE = {"type": "jsonpath", "path": "$.data.result[0].value[1]", "expect": "1"}


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prometheus]:
    """A Prometheus that has seen v2's breaker open."""
    workdir = tmp_path_factory.mktemp("prometheus")
    port = free_port()
    env = frontend_env(f"http://127.0.0.1:{port}{MESSAGE_PATH}")
    with (
        running_service("services.frontend_v2", workdir, env=env) as v2,
        running_prometheus({"frontend-v2": [f"127.0.0.1:{v2.port}"]}, workdir) as server,
    ):
        with running_service("services.backend", workdir, port=port) as backend:
            # Its first answer pays the backend's own warm-up, not within v2's short budget.
            assert get(backend.url + MESSAGE_PATH).status_code == 200
            assert h2(get(v2.url).text) == BACKEND_MESSAGE
        for _ in range(10):
            get(v2.url)
        wait_until(lambda: server.query(f"{OPEN} == 1"), 30, "Prometheus to see the breaker open")
        yield server


def config(server: Prometheus) -> dict[str, Any]:
    return {"prometheus_base_url": server.url}


def test_query_returns_prometheus_payload_as_the_extension_does(prometheus: Prometheus) -> None:
    payload = query(RunContext(), OPEN, timeout=5, configuration=config(prometheus))
    assert payload["status"] == "success"
    assert payload["data"]["resultType"] == "vector"
    (series,) = payload["data"]["result"]
    assert series["metric"]["state"] == "open"
    assert series["value"][1] == "1"
    assert within_tolerance(VALUE_IS_ONE, payload)
    closed = query(RunContext(), f'{STATE}{{state="closed"}}', configuration=config(prometheus))
    assert not within_tolerance(VALUE_IS_ONE, closed)


def test_query_at_a_moment_before_any_scrape_finds_nothing(prometheus: Prometheus) -> None:
    payload = query(RunContext(), OPEN, when="2 hours ago", configuration=config(prometheus))
    assert payload["data"]["result"] == []
    assert not within_tolerance({"type": "jsonpath", "path": "$.data.result[0]"}, payload)


def test_query_interval_returns_a_matrix(prometheus: Prometheus) -> None:
    payload = query_interval(
        RunContext(), OPEN, "1 minute ago", "now", step=1, configuration=config(prometheus)
    )
    assert payload["status"] == "success"
    assert payload["data"]["resultType"] == "matrix"
    (series,) = payload["data"]["result"]
    assert series["values"][-1][1] == "1"


def test_a_bad_query_fails_with_prometheus_message(prometheus: Prometheus) -> None:
    with pytest.raises(ActivityFailed) as info:
        query(RunContext(), "sum(", configuration=config(prometheus))
    message = str(info.value)
    assert message.startswith("Prometheus rejected the query 'sum(': ")
    assert "parse error" in message
    assert "\n" not in message


def test_an_unreachable_server_fails_with_one_sentence() -> None:
    base = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ActivityFailed) as info:
        query(RunContext(), "up", configuration={"prometheus_base_url": base})
    assert str(info.value).startswith(f"cannot reach Prometheus at {base}: ")


def experiment(server: Prometheus, state: str) -> dict[str, Any]:
    return {
        "title": f"Prometheus sees the breaker {state}",
        "description": "A hypothesis on what Prometheus scraped from frontend v2.",
        "configuration": {"prometheus_base_url": server.url},
        "steady-state-hypothesis": {
            "title": f"The breaker is {state}",
            "probes": [
                {
                    "type": "probe",
                    "name": f"breaker-is-{state}",
                    "tolerance": VALUE_IS_ONE,
                    "provider": {
                        "type": "python",
                        "module": "chaosprometheus.probes",
                        "func": "query",
                        "arguments": {"query": f'{STATE}{{state="{state}"}}'},
                    },
                }
            ],
        },
        "method": [
            {
                "type": "probe",
                "name": "breaker-state-over-the-last-minute",
                "provider": {
                    "type": "python",
                    "module": "chaosprometheus.probes",
                    "func": "query_interval",
                    "arguments": {"query": STATE, "start": "1 minute ago", "end": "now"},
                },
            }
        ],
    }


@pytest.mark.parametrize(("state", "exit_code"), [("open", 0), ("closed", 1)])
def test_chaosrun_run_checks_a_hypothesis_on_prometheus(
    prometheus: Prometheus, tmp_path: Path, state: str, exit_code: int
) -> None:
    path = tmp_path / "experiment.json"
    path.write_text(json.dumps(experiment(prometheus, state)))
    journal_path = tmp_path / "journal.json"
    result = run_chaosrun("run", str(path), "--journal-path", str(journal_path), timeout=60)
    assert result.returncode == exit_code, result.stdout + result.stderr
    journal = json.loads(journal_path.read_text())
    (probe,) = journal["steady_states"]["before"]["probes"]
    assert probe["status"] == "succeeded"
    assert probe["tolerance_met"] is (exit_code == 0)
    assert probe["output"]["data"]["result"][0]["metric"]["state"] == state
    if exit_code == 0:
        (interval,) = journal["run"]
        assert interval["status"] == "succeeded"
        assert interval["output"]["data"]["resultType"] == "matrix"


def prometheus_probe(func: str, arguments: dict[str, Any]) -> dict[str, Any]:
    provider = {"type": "python", "module": "chaosprometheus.probes", "func": func}
    return {"type": "probe", "name": "p", "provider": {**provider, "arguments": arguments}}


def in_method(probe: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": "t",
        "description": "d",
        "configuration": {"since": "1 hour ago"},
        "method": [probe],
    }


def problems(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(ExperimentError) as info:
        validate_experiment(raw)
    return info.value.problems


def test_prometheus_probes_validate_against_the_extensions_signatures() -> None:
    good = [
        prometheus_probe("query", {"query": "up", "when": "2 minutes ago", "timeout": 5}),
        prometheus_probe("query", {"query": "up", "when": "2026-11-30T01:00:00Z"}),
        prometheus_probe(
            "query_interval", {"query": "up", "start": "${since}", "end": "now", "step": "15s"}
        ),
    ]
    for probe in good:
        validate_experiment(in_method(probe))
    cases = [
        (prometheus_probe("query", {}), "missing required argument 'query'"),
        (prometheus_probe("query", {"query": "up", "at": "now"}), "unexpected argument 'at'"),
        (
            prometheus_probe("query", {"query": "up", "when": "yesterday-ish"}),
            "argument 'when': cannot read 'yesterday-ish' as a moment",
        ),
        (
            prometheus_probe("query_interval", {"query": "up", "start": "5 fortnights ago"}),
            "missing required argument 'end' for chaosprometheus.probes.query_interval",
        ),
        (
            prometheus_probe("query_interval", {"query": "up", "start": "5 fortnights ago"}),
            "argument 'start': unknown time unit 'fortnights'",
        ),
        (prometheus_probe("query", {"query": " "}), "argument 'query' must be a non-empty"),
        (prometheus_probe("compute_mean", {"query": "up"}), "unknown chaosprometheus function"),
    ]
    for probe, expected in cases:
        found = problems(in_method(probe))
        assert any(expected in p for p in found), (expected, found)

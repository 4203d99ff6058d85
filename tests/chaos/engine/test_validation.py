"""Loading and validating experiment files: precise messages, no client imports."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from chaos.experiment import (
    MAX_PAUSE,
    ExperimentError,
    load_experiment_file,
    load_raw,
    validate_experiment,
)
from chaos.experiment.model import Ref
from chaos.parsing import MAX_ALIAS_VALUES
from testbed.procs import REPO_ROOT

EXPERIMENTS = REPO_ROOT / "experiments"

BASE: dict[str, Any] = {
    "title": "t",
    "description": "d",
    "configuration": {"url": "http://127.0.0.1:1/"},
    "steady-state-hypothesis": {
        "title": "h",
        "probes": [
            {
                "type": "probe",
                "name": "up",
                "tolerance": 200,
                "provider": {"type": "http", "url": "${url}"},
            }
        ],
    },
    "method": [
        {
            "type": "action",
            "name": "kill",
            "provider": {
                "type": "python",
                "module": "chaosk8s.pod.actions",
                "func": "terminate_pods",
                "arguments": {"label_selector": "app=front"},
            },
        },
        {"ref": "up"},
    ],
    "rollbacks": [],
}


def problems(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(ExperimentError) as info:
        validate_experiment(raw)
    return info.value.problems


def edited(path: str, value: Any) -> dict[str, Any]:
    """BASE with ``value`` set at a dotted path (list indices as numbers)."""
    raw = copy.deepcopy(BASE)
    parts = path.split(".")
    node: Any = raw
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    elif value is None:
        del node[last]
    else:
        node[last] = value
    return raw


def test_base_is_valid() -> None:
    experiment = validate_experiment(copy.deepcopy(BASE))
    assert isinstance(experiment.method[1], Ref)
    assert experiment.find("up") is not None


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (
            "method.0.provider.func",
            "delete_pod",
            "method[0].provider.func: unknown chaosk8s function 'delete_pod'",
        ),
        ("title", None, "title: is required"),
        ("method", None, "method: is required"),
        ("description", None, "description: is required"),
        ("description", "", "description: must not be empty"),
        ("method.0.type", "act", "method[0].type: must be 'action' or 'probe' (got 'act')"),
        (
            "method.0.provider.type",
            "ftp",
            "method[0].provider.type: must be one of 'python', 'http', 'process'",
        ),
        (
            "method.0.provider.module",
            "chaosk8s.node.actions",
            "method[0].provider.module: module 'chaosk8s.node.actions' is not supported",
        ),
        (
            "method.0.provider.arguments",
            {"selector": "x"},
            "method[0].provider.arguments: unexpected argument 'selector'",
        ),
        (
            "method.0.provider.module",
            "no_such_module_x",
            "method[0].provider.module: cannot import module 'no_such_module_x'",
        ),
        ("method.1", {"ref": "nope"}, "method[1].ref: no activity named 'nope'"),
        (
            "steady-state-hypothesis.probes.0.tolerance",
            None,
            "steady-state-hypothesis.probes[0].tolerance: a hypothesis probe needs a tolerance",
        ),
        (
            "steady-state-hypothesis.probes.0.tolerance",
            {"type": "jsonpath"},
            "steady-state-hypothesis.probes[0].tolerance: a jsonpath tolerance needs a 'path'",
        ),
        (
            "steady-state-hypothesis.probes.0.tolerance",
            {"type": "jsonpath", "path": "$.[["},
            "steady-state-hypothesis.probes[0].tolerance: invalid JSON path '$.[['",
        ),
        (
            "steady-state-hypothesis.probes.0.tolerance",
            {"type": "probe", "name": "p", "provider": {"type": "python", "module": "json"}},
            "steady-state-hypothesis.probes[0].tolerance: a probe tolerance must be a probe",
        ),
        (
            "steady-state-hypothesis.probes.0.tolerance",
            {"type": "soon"},
            "unsupported tolerance type 'soon' (use regex, range, jsonpath or probe)",
        ),
        (
            "method.0.provider",
            {"type": "process", "path": "true", "arguments": {"a": 1}},
            "method[0].provider.arguments: must be a string or a list (got a mapping)",
        ),
        (
            "steady-state-hypothesis.probes.0.tolerance",
            {"type": "regex", "pattern": "("},
            "invalid regex pattern",
        ),
        (
            "steady-state-hypothesis.probes.0.tolerance",
            {"type": "range", "range": [1]},
            "'range': [min, max]",
        ),
        (
            "steady-state-hypothesis.probes.0.type",
            "action",
            "steady-state-hypothesis.probes[0].type: the steady-state hypothesis may only hold",
        ),
        (
            "steady-state-hypothesis.probes.0.provider.url",
            "ftp://x",
            "steady-state-hypothesis.probes[0].provider.url: must start with http://",
        ),
        (
            "steady-state-hypothesis.probes.0.provider.method",
            "FETCH",
            "unsupported HTTP method 'FETCH'",
        ),
        (
            "configuration",
            {"url": {"type": "vault", "path": "x"}},
            "configuration.url.type: unsupported type 'vault'",
        ),
        (
            "configuration",
            {"url": {"type": "env"}},
            "configuration.url.key: an 'env' entry needs the variable's name",
        ),
        ("method.0.pauses", {"after": -1}, "method[0].pauses.after: must not be negative"),
        ("method.0.pauses", {"after": "soon"}, "method[0].pauses.after: must be a number"),
        (
            "method.0.pauses",
            {"before": float("nan")},
            "method[0].pauses.before: must be a finite number (got nan)",
        ),
        (
            "method.0.pauses",
            {"after": MAX_PAUSE + 1},
            f"method[0].pauses.after: must be at most {MAX_PAUSE} seconds (got 86401)",
        ),
        (
            "steady-state-hypothesis.probes.0.provider.timeout",
            "5s",
            "steady-state-hypothesis.probes[0].provider.timeout: must be a number (got '5s')",
        ),
        (
            "steady-state-hypothesis.probes.0.provider.timeout",
            [float("-inf"), 0],
            "steady-state-hypothesis.probes[0].provider.timeout[0]: must be a finite number",
        ),
        (
            "steady-state-hypothesis.probes.0.provider.timeout",
            [1, 0],
            "steady-state-hypothesis.probes[0].provider.timeout[1]: must be positive",
        ),
        (
            "method.0",
            {
                "type": "action",
                "name": "p",
                "provider": {"type": "process", "path": "true", "timeout": "later"},
            },
            "method[0].provider.timeout: must be a number (got 'later')",
        ),
        (
            "method.0",
            {
                "type": "action",
                "name": "p",
                "provider": {"type": "process", "path": "no-such-binary-xyz"},
            },
            "method[0].provider.path: executable 'no-such-binary-xyz' cannot be found",
        ),
        (
            "method.0",
            {
                "type": "action",
                "name": "p",
                "provider": {
                    "type": "python",
                    "module": "tests.chaos.engine.sample_functions",
                    "func": "missing",
                },
            },
            "provider.func: module 'tests.chaos.engine.sample_functions' has no function 'missing'",
        ),
        (
            "method.0",
            {
                "type": "action",
                "name": "p",
                "provider": {
                    "type": "python",
                    "module": "tests.chaos.engine.sample_functions",
                    "func": "add",
                },
            },
            "missing required argument 'a' for tests.chaos.engine.sample_functions.add",
        ),
        (
            "method.0",
            {
                "type": "action",
                "name": "p",
                "provider": {
                    "type": "python",
                    "module": "chaosk8s.pod.actions",
                    "func": "delete_pods",
                },
            },
            "missing required argument 'name' for chaosk8s.pod.actions.delete_pods",
        ),
    ],
)
def test_problems_name_the_place(path: str, value: Any, expected: str) -> None:
    found = problems(edited(path, value))
    assert any(p.startswith(expected) or expected in p for p in found), found


def test_functions_accepting_kwargs_and_injected_parameters_validate() -> None:
    raw = edited(
        "method.0",
        {
            "type": "action",
            "name": "p",
            "provider": {
                "type": "python",
                "module": "tests.chaos.engine.sample_functions",
                "func": "flexible",
                "arguments": {"anything": 1},
            },
        },
    )
    validate_experiment(raw)
    raw = edited(
        "method.0",
        {
            "type": "probe",
            "name": "p",
            "provider": {
                "type": "python",
                "module": "tests.chaos.engine.sample_functions",
                "func": "echo_configuration",
                "arguments": {"key": "url"},
            },
        },
    )
    validate_experiment(raw)


def test_load_reports_bad_files(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(ExperimentError, match="does not exist"):
        load_raw(missing)
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"title": "x",\n  "method": [}')
    with pytest.raises(ExperimentError, match=r"line 2 column \d+: invalid JSON"):
        load_raw(bad_json)
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("title: [unclosed\nmethod: x\n")
    with pytest.raises(ExperimentError, match="invalid YAML"):
        load_raw(bad_yaml)
    scalar = tmp_path / "scalar.yaml"
    scalar.write_text("just text\n")
    with pytest.raises(ExperimentError, match="top level must be a mapping"):
        load_raw(scalar)


@pytest.mark.parametrize(
    "name", ["pod.json", "deployment.json", "pod.yaml", "deployment-with-restore.yaml"]
)
def test_shipped_experiments_are_valid(name: str) -> None:
    experiment, _raw = load_experiment_file(EXPERIMENTS / name)
    assert experiment.title
    names = [a.name for a in experiment.activities()]
    assert "front-service-must-still-respond" in names
    assert any(isinstance(m, Ref) for m in experiment.method)


def test_pod_json_is_in_the_tutorials_style() -> None:
    raw = json.loads((EXPERIMENTS / "pod.json").read_text())
    action = raw["method"][0]
    assert action["provider"]["func"] == "delete_pods"
    assert action["provider"]["arguments"]["name"] == "front"
    assert action["pauses"]["after"] > 0
    assert raw["rollbacks"] == []
    http = raw["steady-state-hypothesis"]["probes"][1]
    assert http["tolerance"] == 200 and http["provider"]["url"] == "${frontend_url}"
    assert raw["configuration"]["frontend_url"]["type"] == "env"
    yaml_raw = load_raw(EXPERIMENTS / "pod.yaml")
    assert yaml_raw == raw


WRAPPER = """
import sys
from chaos.cli.main import app
try:
    app(sys.argv[1:], prog_name="chaosrun")
except SystemExit as exc:
    code = exc.code
heavy = sorted(m for m in ("kubernetes", "fastapi", "httpx") if m in sys.modules)
print("EXIT", code, "HEAVY", ",".join(heavy) or "none")
"""


@pytest.mark.parametrize("name", ["pod.json", "deployment-with-restore.yaml"])
def test_validate_does_not_import_kubernetes(name: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, "validate", str(EXPERIMENTS / name)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Experiment looks valid" in done.stdout, done.stdout + done.stderr
    assert "EXIT 0 HEAVY none" in done.stdout, done.stdout + done.stderr


def test_help_does_not_import_heavy_modules() -> None:
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, "--help"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "EXIT 0 HEAVY none" in done.stdout, done.stdout + done.stderr


def test_limits_of_pauses_and_timeouts_are_inclusive() -> None:
    raw = edited("method.0.pauses", {"before": 0, "after": MAX_PAUSE})
    raw["steady-state-hypothesis"]["probes"][0]["provider"]["timeout"] = [0.5, 30]
    validate_experiment(raw)
    raw["steady-state-hypothesis"]["probes"][0]["provider"]["timeout"] = "${t}"
    validate_experiment(raw)


def test_yaml_aliases_may_add_up_to_the_bound(tmp_path: Path) -> None:
    # An anchored list of 999 scalars is 1,000 values; each alias to it adds 1,000 more.
    copies, rest = divmod(MAX_ALIAS_VALUES, 1000)
    assert rest == 0
    text = (
        "title: t\nmethod: [{ref: x}]\n"
        f"big: &big [{', '.join(['v'] * 999)}]\n"
        f"copies: [{', '.join(['*big'] * copies)}]\n"
        "one: &one v\n"
    )
    path = tmp_path / "aliases.yaml"
    path.write_text(text)
    assert len(load_raw(path)["copies"]) == copies
    path.write_text(text + "more: *one\n")
    with pytest.raises(ExperimentError, match=r"YAML aliases expand to more than 100000 values"):
        load_raw(path)


def test_an_empty_method_is_valid_for_a_hypothesis_only_experiment() -> None:
    assert validate_experiment(edited("method", [])).method == []


def test_valid_jsonpath_and_probe_tolerances() -> None:
    probe_tolerance = {
        "type": "probe",
        "name": "is-positive",
        "provider": {
            "type": "python",
            "module": "tests.chaos.engine.sample_functions",
            "func": "answered",
            "arguments": {"expected": 200},
        },
    }
    for tolerance in ({"type": "jsonpath", "path": "$.body.items[*]", "count": 2}, probe_tolerance):
        validate_experiment(edited("steady-state-hypothesis.probes.0.tolerance", tolerance))


def test_validate_reports_an_unset_environment_variable_as_run_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from chaos.experiment import check_experiment

    raw = edited("configuration", {"url": {"type": "env", "key": "CHAOSRUN_TEST_UNSET"}})
    monkeypatch.delenv("CHAOSRUN_TEST_UNSET", raising=False)
    with pytest.raises(ExperimentError) as info:
        check_experiment(raw)
    assert info.value.problems == [
        "configuration.url: environment variable CHAOSRUN_TEST_UNSET is not set and has no default"
    ]
    monkeypatch.setenv("CHAOSRUN_TEST_UNSET", "http://127.0.0.1:1/")
    check_experiment(raw)


def _safeguards(**arguments: Any) -> list[dict[str, Any]]:
    return [
        {
            "name": "safeguard",
            "provider": {
                "type": "python",
                "module": "chaosaddons.controls.safeguards",
                "arguments": arguments,
            },
        }
    ]


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (
            "runtime",
            {"hypothesis": {"strategy": "sometimes", "frequency": 0}},
            [
                "runtime.hypothesis.strategy: must be one of default, before-method-only, "
                "after-method-only, during-method-only, continuously",
                "runtime.hypothesis.frequency: must be a positive number of seconds",
            ],
        ),
        (
            "controls",
            _safeguards(probes=[{"type": "probe", "name": "p", "provider": {"type": "http"}}]),
            ["controls[0].provider.arguments.probes[0]: must be a probe with a name, a provider"],
        ),
        (
            "controls",
            _safeguards(
                probes=[
                    {
                        "type": "probe",
                        "name": "p",
                        "frequency": -1,
                        "provider": {"type": "http", "url": "${url}"},
                    }
                ],
                every="1s",
            ),
            [
                "controls[0].provider.arguments.every: unexpected argument",
                "controls[0].provider.arguments.probes[0].tolerance: a hypothesis probe needs",
                "controls[0].provider.arguments.probes[0].frequency: must be a positive number",
            ],
        ),
        ("controls", _safeguards(), ["controls[0].provider.arguments.probes: must be a non-empty"]),
    ],
)
def test_runtime_and_safeguards_are_checked(path: str, value: Any, expected: list[str]) -> None:
    found = problems(edited(path, value))
    assert len(found) == len(expected), found
    for line, start in zip(found, expected, strict=True):
        assert line.startswith(start), found

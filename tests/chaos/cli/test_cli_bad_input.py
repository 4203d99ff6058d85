"""Bad input that used to end in a traceback (RecursionError, MemoryError, an OverflowError
mid-run) or in a run that never ends: each is one sentence on stderr and exit 2, whether the
file is validated, run, or dry-run. ``chaosrun`` runs as a real child process throughout."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from chaos.parsing import MAX_ALIAS_VALUES, MAX_FILE_BYTES, MAX_NESTING
from tests.support.cli import run_chaosrun

LIMIT = "(chaosrun's limit)"
TOO_DEEP = f"nested deeper than {MAX_NESTING} levels {LIMIT}"
DEEP = 100_000  # far past Python's recursion limit


def chaosrun(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_chaosrun(*(str(a) for a in args), timeout=120, env=env)


def nested(depth: int) -> Any:
    """A value whose lists nest ``depth`` levels deep (a scalar is level 0)."""
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


def experiment(arguments: Any = None, pauses: dict[str, Any] | None = None) -> dict[str, Any]:
    """One python action (``json.dumps``: it exists everywhere and takes any argument)."""
    action: dict[str, Any] = {
        "type": "action",
        "name": "dump",
        "provider": {
            "type": "python",
            "module": "json",
            "func": "dumps",
            "arguments": {"obj": "x" if arguments is None else arguments},
        },
    }
    if pauses is not None:
        action["pauses"] = pauses
    return {"title": "t", "description": "d", "method": [action]}


def http_probe(timeout: Any) -> dict[str, Any]:
    return {
        "title": "t",
        "description": "d",
        "method": [
            {
                "type": "probe",
                "name": "look",
                "provider": {"type": "http", "url": "http://127.0.0.1:9/", "timeout": timeout},
            }
        ],
    }


# The experiment's own levels above ``arguments.obj``: document, method, action, provider,
# arguments.
ABOVE_ARGUMENT = 5

BOMB = "title: bomb\nl0: &l0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9)
)
BOMB += (
    "method:\n- {type: action, name: a, provider: {type: process, path: 'true', arguments: *l8}}\n"
)


def _json(doc: dict[str, Any]) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / "exp.json"
        path.write_text(json.dumps(doc))
        return path

    return make


def _text(name: str, text: str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / name
        path.write_text(text)
        return path

    return make


def _oversized(tmp: Path) -> Path:
    path = tmp / "big.json"
    text = json.dumps(experiment())
    path.write_text(text + " " * (MAX_FILE_BYTES + 1 - len(text)))
    return path


CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "deep JSON": (
        _text("deep.json", '{"title": "t", "x": ' + "[" * DEEP + "]" * DEEP + "}"),
        TOO_DEEP,
    ),
    "deep YAML": (_text("deep.yaml", "title: t\nx: " + "[" * DEEP + "]" * DEEP + "\n"), TOO_DEEP),
    "deep JSON, neither .json nor .yaml": (
        _text("deep.txt", '{"title": "t", "x": ' + "[" * DEEP + "]" * DEEP + "}"),
        TOO_DEEP,
    ),
    "one level too deep": (_json(experiment(nested(MAX_NESTING + 1 - ABOVE_ARGUMENT))), TOO_DEEP),
    "/dev/zero": (lambda tmp: Path("/dev/zero"), f"the file is larger than 4 MiB {LIMIT}"),
    "one byte too large": (_oversized, f"the file is larger than 4 MiB {LIMIT}"),
    "YAML alias bomb": (
        _text("bomb.yaml", BOMB),
        f"YAML aliases expand to more than {MAX_ALIAS_VALUES} values {LIMIT}",
    ),
    "YAML alias inside itself": (
        _text("loop.yaml", "title: t\nx: &a [*a]\nmethod: [{ref: x}]\n"),
        "a YAML alias refers to a node that contains it",
    ),
    "NaN pause": (
        _text("nan.json", json.dumps(experiment(pauses={"after": float("nan")}))),
        "method[0].pauses.after: must be a finite number (got nan)",
    ),
    "infinite pause": (
        _text(
            "inf.yaml",
            "title: t\ndescription: d\nmethod:\n- {type: action, name: a, "
            "provider: {type: process, path: 'true'}, pauses: {before: .inf}}\n",
        ),
        "method[0].pauses.before: must be a finite number (got inf)",
    ),
    "enormous pause": (
        _json(experiment(pauses={"after": 1e300})),
        "method[0].pauses.after: must be at most 86400 seconds (got 1e+300)",
    ),
    "pause of 5000 digits": (
        _text(
            "digits.json",
            '{"title": "t", "description": "d", "method": [{"type": "action", "name": "a", '
            '"provider": {"type": "process", "path": "true"}, '
            '"pauses": {"after": ' + "9" * 5000 + "}}]}",
        ),
        "invalid JSON (exceeds the limit (4300 digits) for integer string conversion)",
    ),
    "non-numeric http timeout": (
        _json(http_probe("soon")),
        "method[0].provider.timeout: must be a number (got 'soon')",
    ),
    "NaN http timeout": (
        _text("t.json", json.dumps(http_probe(float("nan")))),
        "method[0].provider.timeout: must be a finite number (got nan)",
    ),
    "infinite read timeout": (
        _text("t.json", json.dumps(http_probe([1, float("inf")]))),
        "method[0].provider.timeout[1]: must be a finite number (got inf)",
    ),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("command", [["validate"], ["run", "--dry-run"]])
def test_bad_file_is_one_sentence_and_exit_2(case: str, command: list[str], tmp_path: Path) -> None:
    make, problem = CASES[case]
    path = make(tmp_path)
    result = chaosrun(*command, path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr == f"Error: invalid experiment {path}: {problem}\n"


@pytest.mark.parametrize("case", ["NaN pause", "enormous pause", "non-numeric http timeout"])
def test_run_refuses_bad_numbers_before_any_activity(case: str, tmp_path: Path) -> None:
    make, problem = CASES[case]
    path = make(tmp_path)
    journal = tmp_path / "journal.json"
    result = chaosrun("run", path, "--journal-path", journal)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr == f"Error: invalid experiment {path}: {problem}\n"
    assert "Running experiment" not in result.stdout
    assert not journal.exists()


def test_a_file_nested_to_the_limit_runs(tmp_path: Path) -> None:
    """The bound leaves room for everything downstream (validation, substitution, the
    call, the journal), also with a ``--var`` value as deep as allowed put into it."""
    path = tmp_path / "edge.json"
    raw = experiment(nested(MAX_NESTING - ABOVE_ARGUMENT))
    raw["method"].append(experiment("${deep}")["method"][0] | {"name": "dump-var"})
    path.write_text(json.dumps(raw))
    journal = tmp_path / "journal.json"
    var = f"deep:json={json.dumps(nested(MAX_NESTING))}"
    result = chaosrun("run", path, "--var", var, "--journal-path", journal)
    assert result.returncode == 0, result.stdout + result.stderr
    run = json.loads(journal.read_text())["run"]
    assert [entry["status"] for entry in run] == ["succeeded", "succeeded"]
    assert run[1]["output"] == json.dumps(nested(MAX_NESTING))


def test_a_file_of_exactly_the_size_limit_validates(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    text = json.dumps(experiment())
    path.write_text(text + " " * (MAX_FILE_BYTES - len(text)))
    result = chaosrun("validate", path)
    assert result.returncode == 0, result.stderr


def test_yaml_aliases_within_the_bound_are_expanded(tmp_path: Path) -> None:
    path = tmp_path / "anchors.yaml"
    path.write_text(
        "title: t\n"
        "description: d\n"
        "method:\n"
        "- {type: action, name: a, provider: &dump {type: python, module: json, func: dumps,"
        " arguments: {obj: &big [" + ", ".join(["x"] * 1000) + "]}}}\n"
        "- {type: action, name: b, provider: *dump}\n"
        "- {type: action, name: c, provider: {type: python, module: json, func: dumps,"
        " arguments: {obj: [*big, *big, *big]}}}\n"
    )
    journal = tmp_path / "journal.json"
    result = chaosrun("run", path, "--journal-path", journal)
    assert result.returncode == 0, result.stdout + result.stderr
    outputs = [json.loads(entry["output"]) for entry in json.loads(journal.read_text())["run"]]
    assert outputs == [["x"] * 1000, ["x"] * 1000, [["x"] * 1000] * 3]


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, DEEP // 2])
def test_var_json_nested_too_deep_exit_2(depth: int, tmp_path: Path) -> None:
    path = tmp_path / "exp.json"
    path.write_text(json.dumps(experiment("${deep}")))
    value = "[" * depth + "]" * depth
    result = chaosrun("run", path, "--var", f"deep:json={value}", "--dry-run")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr == f"Error: --var deep: {TOO_DEEP}.\n"


def test_env_json_configuration_nested_too_deep_exit_2(tmp_path: Path) -> None:
    raw = experiment("${deep}")
    raw["configuration"] = {"deep": {"type": "env", "key": "DEEP", "env_var_type": "json"}}
    path = tmp_path / "exp.json"
    path.write_text(json.dumps(raw))
    # Half of DEEP: an environment string may not exceed 128 KiB.
    value = "[" * (DEEP // 2) + "]" * (DEEP // 2)
    result = chaosrun("run", path, "--dry-run", env={"DEEP": value})
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr == f"Error: configuration.deep: {TOO_DEEP}.\n"


@pytest.mark.parametrize(
    ("pause", "problem"),
    [("inf", "must be a finite number (got inf)"), ("1e9", "must be at most 86400 seconds")],
)
@pytest.mark.parametrize("command", ["pod", "deployment"])
def test_pause_option_out_of_range_exit_2(command: str, pause: str, problem: str) -> None:
    # Refused before any cluster is looked for: no kubeconfig is needed.
    result = chaosrun(command, "--pause", pause, "--kubeconfig", "/nonexistent")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(f"Error: --pause {problem}")
    assert len(result.stderr.splitlines()) == 1


KUBECONFIGS: dict[str, tuple[str, str]] = {
    "bad YAML": (
        "apiVersion: v1\nclusters: [\n",
        "line 3 column 1: invalid YAML (expected the node content, but found '<stream end>')",
    ),
    "a list": ("- a\n- b\n", "the top level must be a mapping, not list"),
    "a string": ("just text\n", "the top level must be a mapping, not str"),
    "contexts not a list": (
        "contexts: 5\ncurrent-context: a\n",
        "'contexts' must be a list of entries, each with a name and a 'context' mapping",
    ),
    "a cluster that is not a mapping": (
        "clusters: [{name: c, cluster: 5}]\n",
        "'clusters' must be a list of entries, each with a name and a 'cluster' mapping",
    ),
}


@pytest.mark.parametrize("case", KUBECONFIGS)
def test_unusable_kubeconfig_is_one_sentence_and_exit_2(case: str, tmp_path: Path) -> None:
    text, problem = KUBECONFIGS[case]
    path = tmp_path / "kubeconfig"
    path.write_text(text)
    result = chaosrun("pod", "--kubeconfig", path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr == f"Error: the kubeconfig {path} is not usable: {problem}.\n"


def test_kubeconfig_value_of_the_wrong_type_is_one_sentence_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "kubeconfig"
    path.write_text(
        "current-context: a\n"
        "contexts: [{name: a, context: {cluster: c, user: u}}]\n"
        "clusters: [{name: c, cluster: {server: 5}}]\n"
        "users: [{name: u, user: {token: t}}]\n"
    )
    result = chaosrun("pod", "--kubeconfig", path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(
        f"Error: the kubeconfig {path} is not usable: the client library cannot read it ("
    )
    assert len(result.stderr.splitlines()) == 1

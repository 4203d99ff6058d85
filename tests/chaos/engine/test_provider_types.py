"""A provider type is one module plus its line in the table: the model, the fast structure
check, the checks before a run and the runner all learn a new type from the table alone."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from chaos.experiment.schema import PROVIDER_MODELS
from chaos.providers import PROVIDERS, TargetUse
from testbed.procs import REPO_ROOT

# A new type, registered the way a line in chaos/providers/table.py registers one, before
# anything reads the table. A separate interpreter keeps the tests' own table as shipped.
NEW_TYPE = """
import json, sys
from dataclasses import dataclass
from chaos.providers import PROVIDERS, NonEmptyText, Problem, ProviderType

@dataclass(frozen=True)
class EchoSpec:
    text: NonEmptyText
    times: float = 1

def check(spec):
    return [] if spec.times >= 1 else [Problem("times", "must be at least 1")]

def run(spec, call):
    return spec.text * int(spec.times)

PROVIDERS["echo"] = ProviderType(name="echo", spec=EchoSpec, check=check, run=run)

from chaos.actions.context import RunContext
from chaos.engine.runner import RunSettings, run_experiment
from chaos.experiment import ExperimentError, check_experiment, validate_experiment
from chaos.experiment.shape import conforms

def with_provider(provider):
    action = {"type": "action", "name": "say", "provider": {"type": "echo", **provider}}
    return {"title": "t", "description": "d", "method": [action]}

def problems(raw):
    try:
        check_experiment(raw)
    except ExperimentError as exc:
        return exc.problems
    return []

good = with_provider({"text": "hi", "times": 2})
model = validate_experiment(good)
result = run_experiment(model, good, RunContext(), RunSettings())
print(json.dumps({
    "conforms": conforms(good),
    "output": result.journal["run"][0]["output"],
    "semantic": problems(with_provider({"text": "hi", "times": 0})),
    "structural": problems(with_provider({"times": 2})),
    "unknown": problems(with_provider({"type": "ftp"})),
}))
"""


def test_a_new_provider_type_needs_only_its_module_and_the_table() -> None:
    done = subprocess.run(
        [sys.executable, "-c", NEW_TYPE],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    seen: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    assert seen == {
        "conforms": True,
        "output": "hihi",
        "semantic": ["method[0].provider.times: must be at least 1"],
        "structural": ["method[0].provider.text: is required"],
        "unknown": ["method[0].provider.type: must be one of 'python', 'http', 'process', 'echo'"],
    }


def test_each_provider_type_has_a_model_named_for_it() -> None:
    assert list(PROVIDER_MODELS) == list(PROVIDERS) == ["python", "http", "process"]
    names = [model.__name__ for model in PROVIDER_MODELS.values()]
    assert names == ["PythonProvider", "HttpProvider", "ProcessProvider"]


def test_only_chaosruns_own_functions_act_on_the_target() -> None:
    python, http = PROVIDERS["python"], PROVIDERS["http"]
    terminate = python.read({"module": "chaosk8s.pod.actions", "func": "terminate_pods"})
    assert python.target_use(terminate, "default") == TargetUse("default", destructive=True)
    count = python.read({"module": "chaosk8s.pod.probes", "func": "count_pods"})
    in_ns = python.read({**vars(count), "arguments": {"ns": "${ns}"}})
    assert python.target_use(in_ns, "default") == TargetUse("${ns}", destructive=False)
    imported = python.read({"module": "tests.chaos.engine.sample_functions", "func": "add"})
    assert python.target_use(imported, "default") is None
    assert http.target_use(http.read({"url": "http://127.0.0.1:1/"}), "default") is None


def test_prometheus_probes_neither_reach_the_target_nor_run_in_a_dry_run() -> None:
    python = PROVIDERS["python"]
    for func in ("query", "query_interval"):
        probe = python.read({"module": "chaosprometheus.probes", "func": func})
        assert python.target_use(probe, "default") is None
        assert python.runs_in_dry_run(probe) is False
    count = python.read({"module": "chaosk8s.pod.probes", "func": "count_pods"})
    assert python.runs_in_dry_run(count) is True

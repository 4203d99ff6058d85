"""The chaostoolkit-kubernetes 0.39 catalogue as chaosrun declares it: every function under
its module path with the extension's signature, accepted by ``chaosrun validate`` with no
extension installed, and refused before a run when chaosrun does not run it natively."""

from __future__ import annotations

import ast
import importlib.util
import inspect
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from chaos.actions import catalogue
from chaos.actions.registry import NativeFunction, all_functions, lookup
from chaos.experiment import ExperimentError, check_experiment
from testbed.procs import REPO_ROOT
from tests.chaos.cli.helpers import chaosrun, write

# Beside the clone, as CI and the team's machines have it (never shipped with chaosrun).
CATALOGUE_FILE = REPO_ROOT.parent / "shared" / "chaosk8s-0.39-catalogue.json"
needs_catalogue = pytest.mark.skipif(
    not CATALOGUE_FILE.is_file(),
    reason=f"{CATALOGUE_FILE} is absent (a clone without ../shared): nothing to compare with",
)
INJECTED = ("secrets", "configuration")

# Values as the extension's documentation shows them, by argument name (then by type).
EXAMPLES: dict[str, Any] = {
    "name": "back",
    "label_selector": "app=back",
    "spec_path": "./manifests/thing.json",
    "replicas": 2,
    "cmd": "ls /",
    "conditions": [{"type": "Ready", "status": "True"}],
    "spec": {"replicas": 2},
    "group": "chaos-mesh.org",
    "version": "v1alpha1",
    "plural": "networkchaos",
    "pattern": "Hello",
    "rate": "1mbps",
    "limit": 100,
    "buffer": 10000,
    "workers": 1,
    "load": 50,
    "last": "10 minutes",
    "value": {"back-1": "Hello, I'm backend!"},
    "resource": {"apiVersion": "chaos-mesh.org/v1alpha1", "kind": "NetworkChaos"},
    "label_selectors": {"app": "back"},
}
BY_TYPE = {"str": "x", "int": 1, "bool": True, "dict": {"a": "b"}}


def released() -> list[dict[str, Any]]:
    return list(json.loads(CATALOGUE_FILE.read_text())["functions"])


def chaosk8s() -> list[NativeFunction]:
    return [f for f in all_functions() if f.module.startswith("chaosk8s")]


def declared(qualified: str) -> NativeFunction:
    module, _, func = qualified.rpartition(".")
    found = lookup(module, func)
    assert found is not None, qualified
    return found


def example(param: inspect.Parameter) -> Any:
    if param.name in EXAMPLES:
        return EXAMPLES[param.name]
    if param.default is not inspect.Parameter.empty and param.default is not None:
        return param.default
    text = str(param.annotation)
    return next((v for t, v in BY_TYPE.items() if text.startswith(t)), "x")


def arguments_of(native: NativeFunction) -> dict[str, Any]:
    return {p.name: example(p) for p in native.parameters() if p.name not in INJECTED}


def experiment(natives: list[NativeFunction]) -> dict[str, Any]:
    return {
        "title": "every chaosk8s function",
        "description": "generated from the catalogue",
        "method": [
            {
                "type": "probe" if f.kind == "probe" else "action",
                "name": f"call-{f.module}.{f.func}",
                "provider": {
                    "type": "python",
                    "module": f.module,
                    "func": f.func,
                    "arguments": arguments_of(f),
                },
            }
            for f in natives
        ],
    }


@needs_catalogue
def test_every_catalogue_function_is_registered_with_its_signature() -> None:
    for entry in released():
        qualified = f"{entry['module']}.{entry['function']}"
        native = lookup(entry["module"], entry["function"])
        assert native is not None, f"{qualified} is not registered"
        assert native.kind == entry["kind"], qualified
        ours = [
            (p.name, p.default is inspect.Parameter.empty, p.default) for p in native.parameters()
        ]
        theirs = [
            (
                p["name"],
                p["required"],
                inspect.Parameter.empty if p["required"] else ast.literal_eval(p["default"]),
            )
            for p in entry["parameters"]
        ]
        assert ours == theirs, qualified


@needs_catalogue
def test_nothing_registered_under_chaosk8s_beyond_the_catalogue_but_the_tutorials_names() -> None:
    listed = {(e["module"], e["function"]) for e in released()}
    extra = {(f.module, f.func) for f in chaosk8s()} - listed
    assert extra == {
        ("chaosk8s.pod.actions", "delete_pods"),
        ("chaosk8s.probes", "all_pods_healthy"),
    }


def test_the_extension_is_not_installed() -> None:
    """What follows proves chaosrun's own declarations, not the extension's."""
    assert importlib.util.find_spec("chaosk8s") is None


@pytest.mark.parametrize("native", chaosk8s(), ids=lambda f: f"{f.module}.{f.func}")
def test_validate_accepts_each_function_with_documented_arguments(
    native: NativeFunction, tmp_path: Path
) -> None:
    path = write(tmp_path / "experiment.json", experiment([native]))
    check_experiment(json.loads(path.read_text()), source=str(path))


def test_chaosrun_validate_accepts_the_whole_catalogue(tmp_path: Path) -> None:
    result = chaosrun("validate", write(tmp_path / "all.json", experiment(chaosk8s())))
    assert result.exit_code == 0, result.stderr
    assert "Experiment looks valid" in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("qualified", "arguments", "expected"),
    [
        (
            "chaosk8s.deployment.probes.deployment_available_and_healthy",
            {},
            "missing required argument 'name'",
        ),
        (
            "chaosk8s.node.actions.cordon_node",
            {"name": "n1", "selector": "x"},
            "unexpected argument 'selector'",
        ),
    ],
)
def test_validate_names_the_activity_and_the_argument(
    qualified: str, arguments: dict[str, Any], expected: str, tmp_path: Path
) -> None:
    raw = experiment([declared(qualified)])
    raw["method"][0]["provider"]["arguments"] = arguments
    result = chaosrun("validate", write(tmp_path / "e.json", raw))
    assert result.exit_code == 2
    assert f"method[0].provider.arguments: {expected} for {qualified}" in result.stderr


def test_validate_checks_a_log_duration(tmp_path: Path) -> None:
    raw = experiment([declared("chaosk8s.pod.probes.read_pod_logs")])
    raw["method"][0]["provider"]["arguments"]["last"] = "a while"
    with pytest.raises(ExperimentError) as info:
        check_experiment(raw)
    assert "'last' must be a duration such as '10 minutes', not 'a while'" in str(
        info.value.lines()
    )


def test_every_catalogue_function_runs_natively_but_the_client_factory() -> None:
    declared_only = [
        f.qualified for f in all_functions() if f.qualified.startswith("chaosk8s") and not f.native
    ]
    assert declared_only == ["chaosk8s.create_k8s_api_client"]


def test_the_client_factory_is_refused_with_its_reason(tmp_path: Path) -> None:
    raw = experiment([declared("chaosk8s.create_k8s_api_client")])
    result = chaosrun("run", write(tmp_path / "e.json", raw), "--no-measure")
    assert result.exit_code == 2
    assert "chaosk8s.create_k8s_api_client cannot be run by chaosrun: it returns a Python" in (
        result.stderr
    )


def test_a_cluster_only_probe_on_the_local_target_needs_a_cluster(tmp_path: Path) -> None:
    raw = experiment([declared("chaosk8s.node.probes.get_nodes")])
    result = chaosrun("run", write(tmp_path / "e.json", raw), "--target", "local", "--no-measure")
    assert result.exit_code == 2, result.stdout + result.stderr
    assert (
        "chaosk8s.node.probes.get_nodes needs a Kubernetes cluster: the local target has no "
        "such objects"
    ) in result.stderr


@pytest.mark.parametrize(
    ("module", "install"),
    [
        ("chaosaws.ec2.actions", "pip install chaostoolkit-aws"),
        ("chaos_unheard_of.probes", "install the package providing 'chaos_unheard_of'"),
    ],
)
def test_a_module_not_installed_names_the_package(
    module: str, install: str, tmp_path: Path
) -> None:
    raw = experiment([])
    raw["method"] = [
        {
            "type": "action",
            "name": "a",
            "provider": {"type": "python", "module": module, "func": "f"},
        }
    ]
    result = chaosrun("validate", write(tmp_path / "e.json", raw))
    assert result.exit_code == 2
    assert f"cannot import module '{module}': it is not installed ({install})" in result.stderr


def test_discover_lists_the_catalogue_as_chaostoolkit_discover_does() -> None:
    from chaos.actions.chaosk8s import discover
    from chaos.actions.context import RunContext

    found = discover(RunContext())
    assert found["extension"] == {"name": "chaostoolkit-kubernetes", "version": "0.39.0"}
    json.dumps(found)  # a journal can hold it
    by_name = {(a["mod"], a["name"]): a for a in found["activities"]}
    scale = by_name[("chaosk8s.deployment.actions", "scale_deployment")]
    assert scale["type"] == "action"
    assert scale["arguments"] == [
        {"name": "name", "type": "string"},
        {"name": "replicas", "type": "integer"},
        {"name": "ns", "default": "default", "type": "string"},
        {"name": "secrets", "default": None, "type": "object"},
    ]
    assert ("chaosk8s", "discover") not in by_name


def test_every_declaring_module_is_listed_and_only_named_ones_are_imported() -> None:
    root = REPO_ROOT / "chaos" / "actions"
    files = {
        ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        for path in (root / "chaosk8s").rglob("*.py")
        if path.name != "__init__.py" or path.parent == root / "chaosk8s"
    }
    assert files == set(catalogue.MODULES)
    code = (
        "import sys; from chaos.actions.registry import lookup; "
        "lookup('chaosk8s.node.probes', 'get_nodes'); "
        "print(sorted(m for m in sys.modules if m.startswith('chaos.actions.chaosk8s.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    loaded = "['chaos.actions.chaosk8s.node', 'chaos.actions.chaosk8s.node.probes']"
    assert out.stdout.strip() == loaded

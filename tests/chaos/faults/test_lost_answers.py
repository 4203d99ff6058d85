"""A change whose every answer is lost, or whose repeat is refused because the first attempt
went through, is left open in the run record, never closed as untouched: ``chaosrun restore``
(or the run's own rollback) undoes it."""

from __future__ import annotations

import json
from typing import Any

import yaml

from testbed.kube.resources import SERVICES
from tests.chaos.faults.conftest import Rig
from tests.chaos.faults.test_fault_matrix_scale import replicas, scale_args
from tests.support.cli import run_chaosrun


def test_a_scale_whose_answers_are_all_lost_is_undone(rig: Rig) -> None:
    # Every PATCH of the scale is made, then answered 504, until the client gives up (each
    # fault takes the first request it sees that no fault before it took).
    for _ in range(200):
        rig.proxy.add("applied-504", "PATCH", r"/deployments/back/scale$")
    env = {**rig.env(), "CHAOSRUN_KUBE_RETRY_DEADLINE": "1"}

    result = run_chaosrun(*scale_args(rig), timeout=120, env=env)

    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "an attempt may have been applied, so the outcome is unknown" in output
    # Left open, not closed as untouched: the rollback's scale back was made too (its answers
    # lost as well), and the end of the run found the Deployment as it was.
    assert replicas(rig) == 1
    assert rig.object_states() == ["restored"]
    assert rig.open_records() == []


SERVICE = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "extra", "labels": {"made-by": "test"}},
    "spec": {"selector": {"app": "extra"}, "ports": [{"port": 80}]},
}


def test_a_create_whose_answer_was_lost_and_repeat_refused_is_ours_and_undone(
    rig: Rig,
) -> None:
    # The first POST creates the Service and its answer is lost; the repeat gets a 409.
    rig.proxy.add("applied-reset", "POST", r"/namespaces/default/services$")
    spec = rig.home / "service.yaml"
    spec.write_text(yaml.safe_dump(SERVICE))
    experiment: dict[str, Any] = {
        "title": "t",
        "description": "d",
        "method": [
            {
                "type": "action",
                "name": "add-service",
                "provider": {
                    "type": "python",
                    "module": "chaosk8s.service.actions",
                    "func": "create_service_endpoint",
                    "arguments": {"spec_path": str(spec)},
                },
            }
        ],
    }
    path = rig.home / "experiment.json"
    path.write_text(json.dumps(experiment))

    result = rig.chaosrun("run", str(path), "--no-measure", "--journal-path", str(rig.journal_path))

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert len(rig.proxy.requests("POST", r"/services$")) == 2  # the repeat was refused
    assert rig.cluster.store.get(SERVICES, "default", "extra")["metadata"]["labels"] == {
        "made-by": "test"
    }
    assert [r["name"] for r in rig.records()[0]["objects"]] == ["extra"]
    assert rig.object_states() == ["changed"]
    restored = rig.chaosrun("restore")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert rig.object_states() == ["restored"]
    assert rig.cluster.store.list(SERVICES, "default")[0] == [
        s
        for s in rig.cluster.store.list(SERVICES, "default")[0]
        if s["metadata"]["name"] != "extra"
    ]

"""Every mutating catalogue function, killed with SIGKILL right after its change: `chaosrun
restore` brings the object back to exactly its prior state, from the run record alone."""

from __future__ import annotations

import json
import signal

import pytest

from chaos.drivers.base import NotFound, ObjectKind
from chaos.drivers.kubernetes import KubernetesDriver
from testbed.polling import wait_until
from tests.chaos.faults.conftest import Rig, stop
from tests.support.catalogue_changes import CASES as WORKLOAD_CASES
from tests.support.catalogue_changes import Setup
from tests.support.network_node_changes import CASES as NETWORK_NODE_CASES
from tests.support.workloads import SECRET_VALUE, content

CASES = WORKLOAD_CASES + NETWORK_NODE_CASES


def _content(driver: KubernetesDriver, kind: ObjectKind, name: str) -> object:
    try:
        found = driver.read_object(kind, name, "default")
    except NotFound:
        return None
    if found["metadata"].get("deletionTimestamp"):
        return None  # going: a foreground delete's last moment
    return content(found)


def _experiment(function: str, arguments: dict[str, object]) -> dict[str, object]:
    module, _, func = function.rpartition(".")
    return {
        "title": f"{func}, then a long pause",
        "description": "killed in the pause",
        "method": [
            {
                "type": "action",
                "name": func,
                "provider": {
                    "type": "python",
                    "module": module,
                    "func": func,
                    "arguments": arguments,
                },
                "pauses": {"after": 120},
            }
        ],
    }


@pytest.mark.parametrize(
    ("function", "setup", "kind", "name", "op"), CASES, ids=[c[0].rpartition(".")[2] for c in CASES]
)
def test_killed_after_its_change_restore_brings_back_the_prior_state(
    rig: Rig, function: str, setup: Setup, kind: ObjectKind, name: str, op: str
) -> None:
    driver = KubernetesDriver(kubeconfig=str(rig.kubeconfig))
    arguments = setup(driver, rig.home)
    before = _content(driver, kind, name)
    path = rig.home / "experiment.json"
    path.write_text(json.dumps(_experiment(function, arguments)))

    process = rig.spawn("run", str(path), "--no-measure", "--journal-path", str(rig.journal_path))
    wait_until(
        lambda: rig.object_states() in (["changed"], ["deleted"]),
        60,
        f"{function} to make its change",
        interval=0.02,
    )
    assert _content(driver, kind, name) != before or op == "deleted"
    output = stop(process, signal.SIGKILL)
    assert process.returncode == -signal.SIGKILL
    (entry,) = [o for r in rig.records() for o in r["objects"]]
    assert entry["op"] == op
    assert SECRET_VALUE not in output

    restored = rig.chaosrun("restore")

    assert restored.returncode == 0, restored.stdout + restored.stderr
    where = f"default/{name}" if kind.namespaced else name
    assert f" {where}:" in restored.stdout
    assert SECRET_VALUE not in restored.stdout + restored.stderr
    wait_until(lambda: _content(driver, kind, name) == before, 30, f"{kind.kind} {name} back")
    assert rig.open_records() == []
    again = rig.chaosrun("restore")
    assert again.returncode == 0 and _content(driver, kind, name) == before

"""``chaosrun partition`` and ``chaosrun drain`` end to end: the CLI as a subprocess against the
tests' API server with the real backend and frontend; each change undone by the rollback, or
by ``chaosrun restore`` after a SIGKILL; a 403 said in one sentence and what was changed undone."""

from __future__ import annotations

import json
import signal
from typing import Any

from testbed.kube.cluster import wait_until
from testbed.kube.resources import NETWORKPOLICIES, NODES
from tests.chaos.drivers.kubernetes.stack import Stack

POLICY = "chaosrun-partition"


def policy(stack: Stack) -> dict[str, Any] | None:
    found = [
        p
        for p in stack.cluster.store.items(NETWORKPOLICIES)
        if p["metadata"]["name"] == POLICY and not p["metadata"].get("deletionTimestamp")
    ]
    return found[0] if found else None


def unschedulable(stack: Stack, node: str = "node-1") -> bool:
    (found,) = [n for n in stack.cluster.store.items(NODES) if n["metadata"]["name"] == node]
    return bool(found.get("spec", {}).get("unschedulable"))


def run_args(stack: Stack, command: str, *extra: str, pause: str = "0.2") -> list[str]:
    return [command, *extra, "--frontend-url", stack.frontend_url, "--pause", pause, "--no-measure"]


def test_partition_dry_run_shows_the_policy_and_creates_nothing(bare_stack: Stack) -> None:
    result = bare_stack.chaosrun(*run_args(bare_stack, "partition", "--egress", "--dry-run"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Dry run: would create NetworkPolicy default/{POLICY}" in result.stderr + result.stdout
    assert policy(bare_stack) is None
    posts = [r for r in bare_stack.cluster.api.requests if r.method == "POST"]
    assert not [r for r in posts if "networkpolicies" in r.path]


def test_partition_denies_the_backend_and_the_rollback_deletes_it(stack_v2: Stack) -> None:
    result = stack_v2.chaosrun(
        *run_args(stack_v2, "partition", "--selector", "app=back", "--egress", "--allow-dns")
    )
    assert result.returncode == 0, result.stdout + result.stderr
    created = [
        r.body
        for r in stack_v2.cluster.api.requests
        if r.method == "POST" and r.path.endswith("/networkpolicies")
    ]
    assert len(created) == 1
    spec = created[0]["spec"]
    assert spec["podSelector"] == {"matchLabels": {"app": "back"}}
    assert spec["policyTypes"] == ["Egress"]
    assert spec["egress"][0]["ports"] == [
        {"port": 53, "protocol": "UDP"},
        {"port": 53, "protocol": "TCP"},
    ]
    assert "ingress" not in spec
    wait_until(lambda: policy(stack_v2) is None, what="the partition to be deleted")
    journal = stack_v2.journal()
    assert journal["status"] == "completed"
    assert not journal["chaosrun"].get("open_changes")
    assert [r["activity"]["name"] for r in journal["rollbacks"]] == ["undo-the-changes"]


def test_a_partition_killed_in_its_pause_is_removed_by_restore(stack_v2: Stack) -> None:
    process = stack_v2.popen(*run_args(stack_v2, "partition", pause="60"))
    wait_until(lambda: policy(stack_v2) is not None, 30, "the partition to stand")
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    assert policy(stack_v2) is not None  # nothing undid it: the runner is gone
    restored = stack_v2.chaosrun("restore")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert f"NetworkPolicy default/{POLICY}" in restored.stdout
    wait_until(lambda: policy(stack_v2) is None, what="the partition to be deleted")
    again = stack_v2.chaosrun("restore")
    assert again.returncode == 0 and "Nothing to restore" in again.stdout


def test_a_bad_selector_or_a_leftover_partition_is_bad_input(bare_stack: Stack) -> None:
    result = bare_stack.chaosrun(*run_args(bare_stack, "partition", "--selector", "app in ("))
    assert result.returncode == 2
    assert "--selector 'app in (' is not a label selector" in result.stderr
    assert "Traceback" not in result.stderr


def test_drain_moves_the_pods_and_the_rollback_uncordons(stack_v2: Stack) -> None:
    stack_v2.cluster.add_node("node-2")
    before = stack_v2.cluster.pod_names(selector="app=back")
    result = stack_v2.chaosrun(*run_args(stack_v2, "drain", "node-1", "--timeout", "30"))
    assert result.returncode == 0, result.stdout + result.stderr
    evictions = [r for r in stack_v2.cluster.api.requests if r.path.endswith("/eviction")]
    assert evictions  # through the Eviction API
    assert stack_v2.cluster.pod_names(selector="app=back").isdisjoint(before)
    assert not unschedulable(stack_v2)
    journal = stack_v2.journal()
    assert journal["status"] == "completed"
    assert journal["run"][0]["output"] == ["node-1"]


def test_a_drain_killed_in_its_pause_is_uncordoned_by_restore(stack_v2: Stack) -> None:
    stack_v2.cluster.add_node("node-2")
    process = stack_v2.popen(*run_args(stack_v2, "drain", "node-1", pause="60"))
    wait_until(lambda: unschedulable(stack_v2), 30, "node-1 to be cordoned")
    wait_until(
        lambda: any(r.path.endswith("/eviction") for r in stack_v2.cluster.api.requests),
        30,
        "the evictions",
    )
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    assert unschedulable(stack_v2)
    restored = stack_v2.chaosrun("restore")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "Node node-1" in restored.stdout
    assert not unschedulable(stack_v2)


def test_a_node_that_does_not_exist_is_bad_input(bare_stack: Stack) -> None:
    result = bare_stack.chaosrun(*run_args(bare_stack, "drain", "nowhere"))
    assert result.returncode == 2
    assert "Node 'nowhere' not found; nothing to drain." in result.stderr
    neither = bare_stack.chaosrun(*run_args(bare_stack, "drain"))
    assert neither.returncode == 2
    assert "Name one node, or give --node-selector (not both)." in neither.stderr


def test_a_403_is_one_sentence_naming_the_grant_and_the_cordon_is_undone(stack_v2: Stack) -> None:
    stack_v2.cluster.add_node("node-2")
    stack_v2.cluster.api.access.deny("create", "pods/eviction")
    result = stack_v2.chaosrun(*run_args(stack_v2, "drain", "node-1"))
    assert result.returncode == 1, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert ("could not evict pod default/back-") in output
    assert (
        "chaosrun may not create pods/eviction in namespace 'default' (403 Forbidden): apply "
        "k8s/runner/cluster-scope (kubectl apply -k k8s/runner/cluster-scope) to grant it"
    ) in output
    assert "Traceback" not in output
    assert not unschedulable(stack_v2)  # the cordon made before the refusal: undone
    assert stack_v2.journal()["status"] == "failed"


def test_delete_nodes_is_refused_unless_irreversible_changes_are_allowed(bare_stack: Stack) -> None:
    provider = {
        "type": "python",
        "module": "chaosk8s.node.actions",
        "func": "delete_nodes",
        "arguments": {"label_selector": "kubernetes.io/hostname=node-1"},
    }
    experiment = {
        "title": "t",
        "description": "d",
        "method": [{"type": "action", "name": "delete-node", "provider": provider}],
    }
    path = bare_stack.workdir / "delete-nodes.json"
    path.write_text(json.dumps(experiment))
    refused = bare_stack.chaosrun("run", str(path), "--no-measure")
    assert refused.returncode == 2
    assert "makes a change chaosrun cannot undo (pass --allow-irreversible" in refused.stderr
    assert not [r for r in bare_stack.cluster.api.requests if r.method == "DELETE"]
    allowed = bare_stack.chaosrun("run", str(path), "--no-measure", "--allow-irreversible")
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert "delete Node node-1" in allowed.stdout + allowed.stderr
    assert bare_stack.journal()["chaosrun"]["irreversible"] == ["delete Node node-1"]


def test_drain_dry_run_lists_what_it_would_evict_and_changes_nothing(bare_stack: Stack) -> None:
    result = bare_stack.chaosrun(*run_args(bare_stack, "drain", "node-1", "--dry-run"))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Dry run: would cordon Node node-1" in output
    for pod in bare_stack.cluster.pod_names(selector="app=back"):
        assert f"Dry run: would evict default/{pod}" in output
    assert not unschedulable(bare_stack)
    writes = [r for r in bare_stack.cluster.api.requests if r.method in ("PATCH", "POST")]
    assert not [r for r in writes if "/nodes" in r.path or r.path.endswith("/eviction")]

"""``chaosrun restore`` acts only on run records it can trust, and asks first when they were not
written on this machine.

A record is written as a run writes it (``RecordWriter`` with the real driver as its mirror,
the snapshot taken from the tests' API server); the machine that wrote it is gone (its record
directory is not the CLI's). Then someone who may edit ConfigMaps changes it, and
``chaosrun restore`` runs as a user would: a subprocess, the real ``kubernetes`` client.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from chaos.drivers.factory import TargetRef
from chaos.drivers.kubernetes import KubernetesDriver
from chaos.drivers.kubernetes.records import KEY_SECRET, record_configmap, record_configmap_name
from chaos.records import RecordStore, RecordWriter, RunRecord
from chaos.records.seal import seal
from chaos.records.store import record_text
from testbed.kube.cluster import FakeCluster, wait_until
from testbed.kube.resources import CONFIGMAPS, DEPLOYMENTS, SECRETS
from tests.chaos.drivers.kubernetes.stack import Stack
from tests.chaos.engine.http_target import Target
from tests.support.cli import chaosrun_command, chaosrun_env

PRIVILEGED_POD = {
    "hostPID": True,
    "containers": [
        {"name": "root", "image": "evil:1", "securityContext": {"privileged": True}},
    ],
}


@pytest.fixture
def record(bare_stack: Stack, driver: KubernetesDriver, tmp_path: Path) -> RunRecord:
    """What a killed run on another machine leaves: ``back`` deleted, its record in the cluster."""
    snapshot = driver.get_deployment("back", "default")
    writer = RecordWriter(
        RecordStore(tmp_path / "the-other-machine"), TargetRef, experiment="t", mirror=driver
    )
    writer.before_delete("Deployment", snapshot.name, snapshot.namespace, snapshot.manifest)
    driver.delete_deployment("back", "default")
    wait_until(lambda: _gone(driver, "back"), 10, "back to go")
    assert writer.record is not None
    return writer.record


def _gone(driver: KubernetesDriver, name: str) -> bool:
    return not [d for d in driver.list_deployments("default") if d.name == name]


def _configmap(cluster: FakeCluster, record_id: str, namespace: str = "default") -> Any:
    return cluster.store.get(CONFIGMAPS, namespace, record_configmap_name(record_id))


def _put(cluster: FakeCluster, namespace: str, record: RunRecord, seal_text: str | None) -> None:
    """Write the ConfigMap as whoever may edit ConfigMaps would (``None``: no seal)."""
    body = record_configmap(record.id, namespace, record_text(record), seal_text or "")
    if seal_text is None:
        del body["data"]["seal"]
    name = record_configmap_name(record.id)
    if any(c["metadata"]["name"] == name for c in cluster.store.list(CONFIGMAPS, namespace)[0]):
        cluster.store.delete(CONFIGMAPS, namespace, name)
    cluster.store.create(CONFIGMAPS, namespace, body)


def _sealed_by_key_holder(driver: KubernetesDriver, namespace: str, record: RunRecord) -> str:
    """A seal made with the namespace's real key: what only a trusted writer can make."""
    return seal(
        driver.records_key(namespace, new_key=os.urandom(32)), namespace, record_text(record)
    )


def _restore(stack: Stack, *args: str, terminal_answer: str | None = None) -> Any:
    """``chaosrun restore``; stdin a terminal answering ``terminal_answer``, else no terminal."""
    env = chaosrun_env(stack.env)
    if terminal_answer is None:
        return subprocess.run(
            chaosrun_command("restore", *args),
            env=env,
            cwd=stack.workdir,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    controller, terminal = os.openpty()
    try:
        os.write(controller, terminal_answer.encode())
        process = subprocess.Popen(
            chaosrun_command("restore", *args),
            env=env,
            cwd=stack.workdir,
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        out, err = process.communicate(timeout=60)
    finally:
        os.close(terminal)
        os.close(controller)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def _deployments(cluster: FakeCluster) -> list[str]:
    return sorted(
        f"{d['metadata']['namespace']}/{d['metadata']['name']}"
        for d in cluster.store.items(DEPLOYMENTS)
    )


def _refused_only(result: Any, why: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Refused: run record 'chaosrun-run-"), line
    assert why in line, line
    assert result.stdout == ""


# -- records that are not acted on --------------------------------------------------------


def test_a_tampered_record_is_refused_and_nothing_is_created(
    bare_stack: Stack, record: RunRecord
) -> None:
    stated = _configmap(bare_stack.cluster, record.id)["data"]["seal"]
    manifest = record.objects[0].manifest
    manifest["spec"]["template"]["spec"].update(PRIVILEGED_POD)
    _put(bare_stack.cluster, "default", record, stated)
    before = _deployments(bare_stack.cluster)

    result = _restore(bare_stack, "--yes")

    _refused_only(result, "its seal does not match its content")
    assert _deployments(bare_stack.cluster) == before
    assert bare_stack.cluster.deployment("back") is None
    _configmap(bare_stack.cluster, record.id)  # kept, for whoever looks into it


def test_an_unsealed_record_is_refused(bare_stack: Stack, record: RunRecord) -> None:
    _put(bare_stack.cluster, "default", record, None)

    result = _restore(bare_stack, "--yes")

    _refused_only(result, "it carries no seal")
    assert bare_stack.cluster.deployment("back") is None


def test_a_record_whose_key_is_gone_is_refused(bare_stack: Stack, record: RunRecord) -> None:
    bare_stack.cluster.store.delete(SECRETS, "default", KEY_SECRET)

    result = _restore(bare_stack, "--yes")

    _refused_only(result, f"its seal cannot be checked (Secret '{KEY_SECRET}'")
    assert bare_stack.cluster.deployment("back") is None


def test_a_sealed_record_copied_into_another_namespace_is_refused(
    bare_stack: Stack, driver: KubernetesDriver, record: RunRecord
) -> None:
    bare_stack.cluster.create_namespace("team-a")
    driver.records_key("team-a", new_key=os.urandom(32))
    _put(
        bare_stack.cluster,
        "team-a",
        record,
        _configmap(bare_stack.cluster, record.id)["data"]["seal"],
    )

    result = _restore(bare_stack, "--yes", "-n", "team-a")

    _refused_only(result, "its seal does not match its content")
    assert _deployments(bare_stack.cluster) == ["default/front"]


@pytest.mark.parametrize(
    ("namespace", "edit", "why"),
    [
        # Sealed with the namespace's own key, so only the content check stands in the way.
        ("default", {"namespace": "team-a"}, "outside its own namespace 'default'"),
        ("kube-system", {"namespace": "kube-system"}, "in the system namespace 'kube-system'"),
        ("default", {"kind": "ConfigMap"}, "it holds a ConfigMap, a kind chaosrun does not record"),
        ("default", {"manifest_namespace": "team-a"}, "names namespace 'team-a'"),
    ],
)
def test_a_sealed_record_that_leaves_its_namespace_or_kind_is_refused(
    bare_stack: Stack,
    driver: KubernetesDriver,
    record: RunRecord,
    namespace: str,
    edit: dict[str, str],
    why: str,
) -> None:
    bare_stack.cluster.create_namespace("team-a")
    (obj,) = record.objects
    obj.manifest["spec"]["template"]["spec"].update(PRIVILEGED_POD)
    if "manifest_namespace" in edit:
        obj.manifest["metadata"]["namespace"] = edit["manifest_namespace"]
    else:
        record.objects = [replace(obj, **edit)]
    _put(bare_stack.cluster, namespace, record, _sealed_by_key_holder(driver, namespace, record))
    before = _deployments(bare_stack.cluster)

    result = _restore(bare_stack, "--yes", "-n", namespace)

    _refused_only(result, why)
    assert _deployments(bare_stack.cluster) == before


def test_a_run_keeping_its_record_in_the_cluster_leaves_a_system_namespace_alone(
    bare_stack: Stack, target: Target
) -> None:
    bare_stack.cluster.apply_deployment("dns", {"app": "dns"}, namespace="kube-system")
    bare_stack.cluster.wait_ready("app=dns", namespace="kube-system")

    result = bare_stack.chaosrun(
        *("deployment", "--name", "dns", "-n", "kube-system", "--allow-system-namespaces"),
        *("--record-in-cluster", "--frontend-url", target.url, "--no-measure", "--pause", "0"),
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        "a run record kept in the cluster cannot hold a change in the system namespace "
        "'kube-system', so Deployment 'dns' was not deleted"
    ) in result.stdout
    assert bare_stack.cluster.deployment("dns", "kube-system") is not None
    assert bare_stack.cluster.store.list(CONFIGMAPS, "kube-system")[0] == []


# -- an intact record, and the question asked before acting on it -------------------------


def test_an_intact_sealed_record_restores_with_yes(bare_stack: Stack, record: RunRecord) -> None:

    result = _restore(bare_stack, "--yes")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "  Deployment default/back: restored" in result.stdout.splitlines()
    assert bare_stack.cluster.deployment("back") is not None
    assert not [
        c
        for c in bare_stack.cluster.store.list(CONFIGMAPS, "default")[0]
        if c["metadata"]["name"] == record_configmap_name(record.id)
    ]


def test_restore_says_what_it_will_create_and_acts_on_yes(
    bare_stack: Stack, record: RunRecord
) -> None:

    result = _restore(bare_stack, terminal_answer="y\n")

    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert (
        "  will create Deployment default/back from its snapshot (1 replica(s); image "
        "chaosrun/back:latest)" in lines
    )
    # The answer is echoed to the terminal, so the prompt's line goes on with the verdict.
    assert f"Run {record.id} was not written on this machine; restore it? [y/N]: " in lines[-1]
    assert lines[-1].endswith("  Deployment default/back: restored")
    assert bare_stack.cluster.deployment("back") is not None


def test_restore_leaves_the_record_alone_on_no(bare_stack: Stack, record: RunRecord) -> None:

    result = _restore(bare_stack, terminal_answer="n\n")

    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.endswith(f"  run {record.id}: left alone, not confirmed\n")
    assert bare_stack.cluster.deployment("back") is None
    _configmap(bare_stack.cluster, record.id)


def test_restore_without_a_terminal_refuses_rather_than_acting(
    bare_stack: Stack, record: RunRecord
) -> None:

    result = _restore(bare_stack)

    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [
        "Error: 1 run record(s) not written on this machine need a confirmation and standard "
        "input is not a terminal; nothing was restored (pass --yes to restore them without "
        "asking)."
    ]
    assert "  would create Deployment default/back from its snapshot" in result.stdout
    assert bare_stack.cluster.deployment("back") is None


def test_a_local_record_written_by_another_host_is_asked_about(
    bare_stack: Stack, record: RunRecord
) -> None:
    bare_stack.cluster.store.delete(CONFIGMAPS, "default", record_configmap_name(record.id))
    record.host = "another-host"
    RecordStore(Path(bare_stack.env["CHAOSRUN_RECORDS_DIR"])).save(record)

    unattended = _restore(bare_stack)
    assert unattended.returncode == 2
    assert f"pid {record.pid} on another-host" in unattended.stdout
    assert bare_stack.cluster.deployment("back") is None

    confirmed = _restore(bare_stack, terminal_answer="y\n")
    assert confirmed.returncode == 0, confirmed.stdout + confirmed.stderr
    assert bare_stack.cluster.deployment("back") is not None
    (saved,) = RecordStore(Path(bare_stack.env["CHAOSRUN_RECORDS_DIR"])).load()[0]
    assert saved.done
    assert json.loads(record_text(saved))["objects"][0]["state"] == "restored"

"""Seals on run records kept in a cluster: bound to the text and the namespace, keyed by a
Secret made once per namespace (the real driver against the tests' API server)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from chaos.drivers.factory import TargetRef
from chaos.drivers.kubernetes import KubernetesDriver
from chaos.records import RecordError, RecordStore, RecordWriter, SealedMirror
from chaos.records.seal import KEY_BYTES, seal, seal_matches
from testbed.kube.cluster import FakeCluster
from testbed.kube.faults import FaultProxy
from testbed.kube.resources import SECRETS


def test_a_seal_is_bound_to_the_text_and_the_namespace() -> None:
    key = b"k" * KEY_BYTES
    stated = seal(key, "default", "{}\n")
    assert stated.startswith("hmac-sha256:") and len(stated) == len("hmac-sha256:") + 64
    assert seal_matches(key, "default", "{}\n", stated)
    assert not seal_matches(key, "default", "{} \n", stated)
    assert not seal_matches(key, "team-a", "{}\n", stated)
    assert not seal_matches(b"j" * KEY_BYTES, "default", "{}\n", stated)


def test_writers_agree_on_one_key(fake_cluster: FakeCluster, kubeconfig: Path) -> None:
    first = SealedMirror(KubernetesDriver(kubeconfig=str(kubeconfig)))._key("default")
    second = SealedMirror(KubernetesDriver(kubeconfig=str(kubeconfig)))._key("default")

    (secret,) = fake_cluster.store.list(SECRETS, "default")[0]
    assert secret["type"] == "Opaque" and secret["immutable"] is True
    assert first == second and len(first) == KEY_BYTES


def test_a_key_made_whose_answer_was_lost_is_read_back(
    fake_cluster: FakeCluster, tmp_path: Path
) -> None:
    """The create went through but its answer was lost: the retry meets 409 (as a writer that
    lost the race to another does) and uses the key that stands."""
    proxy = FaultProxy(fake_cluster.port).start()
    try:
        config = fake_cluster.kubeconfig()
        config["clusters"][0]["cluster"]["server"] = proxy.url
        (tmp_path / "kubeconfig").write_text(yaml.safe_dump(config))
        proxy.add("applied-504", "POST", r"/secrets$")
        driver = KubernetesDriver(kubeconfig=str(tmp_path / "kubeconfig"))

        key = driver.records_key("default", new_key=b"a" * KEY_BYTES)
        again = driver.records_key("default", new_key=b"b" * KEY_BYTES)
    finally:
        proxy.stop()

    assert len(proxy.requests("POST", "/secrets")) == 2  # the lost one, then its 409
    assert key == again == b"a" * KEY_BYTES


def test_a_record_kept_in_the_cluster_holds_one_namespace_only(
    kubeconfig: Path, tmp_path: Path
) -> None:
    driver = KubernetesDriver(kubeconfig=str(kubeconfig))
    writer = RecordWriter(RecordStore(tmp_path / "runs"), TargetRef, mirror=driver)
    writer.before_delete("Deployment", "back", "default", {})

    with pytest.raises(RecordError, match=r"holds the changes of one namespace \('default'\)"):
        writer.before_delete("Deployment", "back", "team-a", {})
    assert writer.record is not None and len(writer.record.objects) == 1

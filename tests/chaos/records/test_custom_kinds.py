"""Custom objects in a run record (Chaos Mesh faults, any CRD's objects): named by their fully
qualified resource, checked as strictly as the listed kinds."""

from __future__ import annotations

from typing import Any

import pytest

from chaos.drivers.factory import TargetRef
from chaos.records import RECORDED_KINDS, RecordedObject, RunRecord
from chaos.records.kinds import custom_resource, describe, in_cluster_refusal, unknown_kind
from chaos.records.model import Op

NETWORKCHAOS = "networkchaos.v1alpha1.chaos-mesh.org"


def chaos(namespace: str = "default", **changes: Any) -> RecordedObject:
    manifest = {
        "apiVersion": "chaos-mesh.org/v1alpha1",
        "kind": "NetworkChaos",
        "metadata": {"name": "lag", "namespace": namespace},
        "spec": {"action": "delay"},
    }
    obj = RecordedObject(NETWORKCHAOS, "lag", namespace, manifest, op=Op.CREATED)
    for key, value in changes.items():
        setattr(obj, key, value)
    return obj


def record(*objects: RecordedObject) -> RunRecord:
    return RunRecord("r1", TargetRef(), "t", None, 1, "h", objects=list(objects))


def test_a_custom_object_is_a_kind_chaosrun_records() -> None:
    assert NETWORKCHAOS in RECORDED_KINDS
    api = RECORDED_KINDS[NETWORKCHAOS].api
    assert api is not None
    assert (api.group, api.version, api.plural) == ("chaos-mesh.org", "v1alpha1", "networkchaos")
    assert unknown_kind(record(chaos())) is None
    assert in_cluster_refusal(record(chaos()), "default") is None
    assert describe(chaos()) == f"delete {NETWORKCHAOS} default/lag, which the run created"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (("widgets", "v1", "example.com"), "widgets.v1.example.com"),
        (("networkchaos", "v1alpha1", "chaos-mesh.org"), NETWORKCHAOS),
        (("deployments", "v1", "apps"), None),  # built in: listed by kind
        (("networkpolicies", "v1", "networking.k8s.io"), None),
        (("x", "1", "example.com"), None),  # not a version
        (("x/y", "v1", "example.com"), None),
    ],
)
def test_which_resources_are_custom(name: tuple[str, str, str], expected: str | None) -> None:
    assert custom_resource(*name) == expected


@pytest.mark.parametrize(
    ("obj", "why"),
    [
        (chaos(op=Op.SCALED), "a change chaosrun does not make"),
        (chaos(op=Op.CREATED, previous=3), "a change chaosrun does not make"),
        (
            chaos(manifest={"apiVersion": "apps/v1", "kind": "Deployment"}),
            "is not an chaos-mesh.org/v1alpha1 Deployment",
        ),
        (chaos(namespace="other"), "outside its own namespace"),
        (chaos(namespace="kube-system"), "system namespace"),
    ],
)
def test_a_custom_object_shaped_otherwise_is_refused(obj: RecordedObject, why: str) -> None:
    assert why in (in_cluster_refusal(record(obj), "default") or "")


def test_a_built_in_group_in_a_custom_name_is_unknown() -> None:
    forged = RecordedObject("deployments.v1.apps", "back", "default", {}, op=Op.DELETED)
    assert "a kind chaosrun does not record" in (unknown_kind(record(forged)) or "")

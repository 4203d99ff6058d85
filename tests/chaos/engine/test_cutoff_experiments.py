"""The experiments of ``chaosrun partition`` and ``chaosrun drain``: valid Chaos Toolkit files
that conform to the fast shape, with the catalogue's function as the method and chaosrun's undo
as the rollback."""

from __future__ import annotations

import pytest

from chaos.errors import BadInput
from chaos.experiment import check_experiment
from chaos.experiment.cutoffs import Builtin, DrainChaos, PartitionChaos, any_experiment
from chaos.experiment.shape import conforms

URL = "http://127.0.0.1:8080/"


@pytest.mark.parametrize(
    "chaos",
    [PartitionChaos(), PartitionChaos(egress=True, allow_dns=True), DrainChaos(node="n1")],
    ids=repr,
)
def test_the_experiments_conform_and_validate(chaos: Builtin) -> None:
    experiment = any_experiment(chaos, URL)
    assert conforms(experiment)
    check_experiment(experiment)
    assert [r["provider"]["func"] for r in experiment["rollbacks"]] == ["undo_changes"]


def test_a_partition_denies_both_ways_unless_told() -> None:
    method = any_experiment(PartitionChaos(selector="app=back,tier in (a,b)"), URL)["method"]
    spec = method[0]["provider"]["arguments"]["spec"]["spec"]
    assert spec == {
        "podSelector": {
            "matchLabels": {"app": "back"},
            "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}],
        },
        "policyTypes": ["Ingress", "Egress"],
        "ingress": [],
        "egress": [],
    }
    ingress_only = any_experiment(PartitionChaos(ingress=True), URL)["method"][0]
    assert ingress_only["provider"]["arguments"]["spec"]["spec"]["policyTypes"] == ["Ingress"]


def test_without_rollback_the_change_stays() -> None:
    assert (
        any_experiment(DrainChaos(node_selector="pool=a", rollback=False), URL)["rollbacks"] == []
    )


@pytest.mark.parametrize("selector", ["", "app in ("])
def test_a_selector_that_names_no_pods_is_bad_input(selector: str) -> None:
    with pytest.raises(BadInput):
        PartitionChaos(selector=selector).policy()

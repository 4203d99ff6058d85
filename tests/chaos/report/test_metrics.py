"""A run's results as ``chaosrun_*`` metrics: in a textfile, and pushed to a real Pushgateway
that gives them back through its API."""

from __future__ import annotations

from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from tests.chaos.cli.helpers import chaosrun, write
from tests.chaos.engine.http_target import Target
from tests.support.outage import outage_experiment
from tests.support.pushgateway import running_pushgateway


def test_metrics_reach_a_pushgateway_and_the_textfile(target: Target, tmp_path: Path) -> None:
    textfile = tmp_path / "chaosrun.prom"
    with running_pushgateway(tmp_path) as gateway:
        result = chaosrun(
            "run",
            write(tmp_path / "e.json", outage_experiment(target)),
            "--measure-url",
            target.url,
            "--probe-interval",
            "0.05",
            "--journal-path",
            tmp_path / "j.json",
            "--slo",
            "availability>=99.5%",
            "--metrics-file",
            textfile,
            "--pushgateway",
            gateway.url,
        )
        assert result.exit_code == 1, result.output
        assert f"Metrics pushed to {gateway.url}" in result.output
        assert f"Metrics written to {textfile}" in result.output
        (group,) = gateway.groups()

    assert group["labels"] == {"job": "chaosrun", "experiment": "Target blips"}
    pushed = {
        name: family["metrics"]
        for name, family in group.items()
        if isinstance(family, dict) and "metrics" in family
    }
    (deviated,) = pushed["chaosrun_deviated"]
    assert deviated["labels"]["target"] == target.url
    assert float(deviated["value"]) == 1.0
    (availability,) = pushed["chaosrun_availability_ratio"]
    assert 0 < float(availability["value"]) < 0.995
    statuses = {m["labels"]["status"]: float(m["value"]) for m in pushed["chaosrun_status"]}
    assert statuses == {"completed": 0.0, "failed": 1.0, "aborted": 0.0, "interrupted": 0.0}
    (gate,) = pushed["chaosrun_gate_passed"]
    assert (gate["labels"]["gate"], float(gate["value"])) == ("availability>=99.5%", 0.0)
    quantiles = {m["labels"]["quantile"] for m in pushed["chaosrun_latency_seconds"]}
    assert quantiles == {"0.5", "0.95", "0.99"}

    families = {f.name: f for f in text_string_to_metric_families(textfile.read_text())}
    assert families["chaosrun_longest_outage_seconds"].samples[0].value > 0
    assert families["chaosrun_passed"].samples[0].value == 0.0
    assert families["chaosrun_duration_seconds"].samples[0].labels == {
        "experiment": "Target blips",
        "target": target.url,
    }

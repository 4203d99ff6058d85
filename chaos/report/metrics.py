"""A run's results as Prometheus metrics (``chaosrun_*``, labelled by experiment and target):
for the node exporter's textfile collector (``--metrics-file``) or a Pushgateway
(``--pushgateway``). prometheus_client is imported only here, when asked for."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

from chaos.report.runs import RunView

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

JOB = "chaosrun"
STATUSES = ("completed", "failed", "aborted", "interrupted")


def registry_of(view: RunView) -> CollectorRegistry:
    from prometheus_client import CollectorRegistry, Gauge

    registry = CollectorRegistry()
    labels = {"experiment": view.title, "target": view.target}
    names = list(labels)

    def gauge(
        name: str, doc: str, value: float | None, extra: dict[str, str] | None = None
    ) -> None:
        if value is None or math.isinf(value):
            return
        metric = gauge_of(name, doc, [*names, *(extra or {})])
        metric.labels(**labels, **(extra or {})).set(value)

    made: dict[str, Gauge] = {}

    def gauge_of(name: str, doc: str, label_names: list[str]) -> Gauge:
        if name not in made:
            made[name] = Gauge(name, doc, label_names, registry=registry)
        return made[name]

    for status in STATUSES:
        gauge(
            "chaosrun_status",
            "1 for the status the run ended with",
            float(view.status == status),
            {"status": status},
        )
    gauge("chaosrun_deviated", "1 when the run deviated", float(view.deviated))
    gauge("chaosrun_passed", "1 when the run completed without deviation", float(view.ok))
    gauge("chaosrun_duration_seconds", "how long the run took", view.duration)
    gauge("chaosrun_score", "the run's resilience score, 0 to 100", view.score)
    s = view.measurement.summary if view.measurement else None
    if s is not None:
        gauge("chaosrun_requests", "probes sent by the live measurement", float(s.requests))
        gauge(
            "chaosrun_availability_ratio",
            "share of probes answered 2xx",
            None if s.availability is None else s.availability / 100,
        )
        gauge("chaosrun_longest_outage_seconds", "longest outage", s.longest_outage)
        gauge("chaosrun_time_to_recover_seconds", "first error to recovery", s.time_to_recover)
        for quantile, ms in (
            ("0.5", s.latency_p50_ms),
            ("0.95", s.latency_p95_ms),
            ("0.99", s.latency_p99_ms),
        ):
            gauge(
                "chaosrun_latency_seconds",
                "latency quantiles of the answered probes",
                None if ms is None else ms / 1000,
                {"quantile": quantile},
            )
    for gate in view.checks_of("slo"):
        gauge(
            "chaosrun_gate_passed",
            "1 when the SLO gate was met",
            float(gate.passed),
            {"gate": gate.name},
        )
    gauge("chaosrun_last_run_timestamp_seconds", "when the run ended", _end_time(view))
    return registry


def _end_time(view: RunView) -> float | None:
    from datetime import datetime

    end = view.journal.get("end")
    try:
        return datetime.fromisoformat(str(end)).timestamp() if end else None
    except ValueError:
        return None


def metrics_text(view: RunView) -> str:
    from prometheus_client import generate_latest

    return generate_latest(registry_of(view)).decode()


def write_metrics_file(path: Path, view: RunView) -> None:
    """Atomically, as the textfile collector wants (it may read at any moment)."""
    from chaos.files import write_output

    write_output(path, metrics_text(view))


def push(url: str, view: RunView) -> None:
    """To the Pushgateway at ``url``, grouped by job ``chaosrun`` and the experiment."""
    from prometheus_client import push_to_gateway

    push_to_gateway(
        url, job=JOB, registry=registry_of(view), grouping_key={"experiment": view.title}
    )

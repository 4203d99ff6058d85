"""Two runs side by side: every figure, its change, and whether a change passes the bound
the user set (``--max-regression availability=1``, ``p99=20%``)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from chaos.errors import BadInput
from chaos.history.row import RunRow


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str  # "" for points
    higher_is_better: bool

    def of(self, row: RunRow) -> float | None:
        if self.name == "gates":
            return 100.0 * row.gates_met / row.gates_total if row.gates_total else None
        value = getattr(row, self.name)
        return float(value) if value is not None else None


METRICS = (
    Metric("score", "", True),
    Metric("availability", "%", True),
    Metric("p50", "ms", False),
    Metric("p95", "ms", False),
    Metric("p99", "ms", False),
    Metric("outage", "s", False),
    Metric("recovery", "s", False),
    Metric("gates", "%", True),
)
BY_NAME = {metric.name: metric for metric in METRICS}


@dataclass(frozen=True)
class Bound:
    """How much worse a figure may get: in its own unit, or relative (``%``) to the base."""

    amount: float
    relative: bool

    def passed_by(self, base: float, worse_by: float) -> bool:
        if self.relative:
            return worse_by > abs(base) * self.amount / 100 if base else worse_by > 0
        return worse_by > self.amount

    def __str__(self) -> str:
        return f"{self.amount:g}%" if self.relative else f"{self.amount:g}"


def parse_bounds(texts: list[str] | tuple[str, ...]) -> dict[str, Bound]:
    """``METRIC=N`` or ``METRIC=N%`` each; ``BadInput`` with one sentence otherwise."""
    bounds: dict[str, Bound] = {}
    names = ", ".join(BY_NAME)
    for text in texts:
        match = re.fullmatch(r"\s*([a-z0-9]+)\s*=\s*([0-9]+(?:\.[0-9]+)?)\s*(%?)\s*", text)
        if match is None:
            raise BadInput(
                f"--max-regression must be METRIC=N or METRIC=N% (got {text!r}), "
                "such as availability=1 or p99=20%."
            )
        name, amount, percent = match.groups()
        if name not in BY_NAME:
            raise BadInput(f"--max-regression names an unknown metric {name!r}; use {names}.")
        bounds[name] = Bound(float(amount), bool(percent))
    return bounds


@dataclass(frozen=True)
class Line:
    metric: Metric
    base: float | None
    candidate: float | None
    bound: Bound | None

    @property
    def delta(self) -> float | None:
        if self.base is None or self.candidate is None:
            return None
        return self.candidate - self.base

    @property
    def verdict(self) -> str:
        delta = self.delta
        if delta is None or self.base is None:
            return "n/a"
        worse_by = -delta if self.metric.higher_is_better else delta
        if self.bound is not None and self.bound.passed_by(self.base, worse_by):
            return "REGRESSION"
        if abs(delta) < 1e-9:
            return "same"
        return "worse" if worse_by > 0 else "better"

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric.name,
            "unit": self.metric.unit,
            "base": self.base,
            "candidate": self.candidate,
            "delta": self.delta,
            "bound": str(self.bound) if self.bound is not None else None,
            "verdict": self.verdict,
        }


@dataclass(frozen=True)
class Comparison:
    base: RunRow
    candidate: RunRow
    lines: tuple[Line, ...]

    @property
    def regressed(self) -> bool:
        return any(line.verdict == "REGRESSION" for line in self.lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "base": _run_json(self.base),
            "candidate": _run_json(self.candidate),
            "metrics": [line.to_json() for line in self.lines],
            "regressed": self.regressed,
        }


def _run_json(row: RunRow) -> dict[str, Any]:
    return {"id": row.id, "title": row.title, "started": row.started, "labels": row.labels}


def compare(base: RunRow, candidate: RunRow, bounds: dict[str, Bound]) -> Comparison:
    lines = tuple(
        Line(metric, metric.of(base), metric.of(candidate), bounds.get(metric.name))
        for metric in METRICS
    )
    return Comparison(base, candidate, lines)


def _shown(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    return f"{value:.2f}{unit}".replace(".00", "")


def _cells(line: Line) -> list[str]:
    delta = line.delta
    sign = "+" if delta is not None and delta > 0 else ""
    return [
        line.metric.name,
        _shown(line.base, line.metric.unit),
        _shown(line.candidate, line.metric.unit),
        sign + _shown(delta, line.metric.unit),
        str(line.bound) if line.bound is not None else "",
        line.verdict,
    ]


HEADER = ["metric", "base", "candidate", "change", "max regression", "verdict"]


def _run_line(what: str, row: RunRow) -> str:
    labels = " ".join(f"{k}={v}" for k, v in sorted(row.labels.items()))
    return f"{what}: {row.id} {row.title!r} {row.started} {labels}".rstrip()


def as_table(comparison: Comparison) -> str:
    rows = [HEADER, *(_cells(line) for line in comparison.lines)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    text = [
        _run_line("base", comparison.base),
        _run_line("candidate", comparison.candidate),
        "",
        *(
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows
        ),
    ]
    return "\n".join(text) + "\n" + _summary(comparison) + "\n"


def as_markdown(comparison: Comparison) -> str:
    base, candidate = comparison.base, comparison.candidate
    text = [
        f"### chaosrun compare: {candidate.title or candidate.id}",
        "",
        f"Base `{base.id}` ({base.started}), candidate `{candidate.id}` ({candidate.started}).",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
        *("| " + " | ".join(_cells(line)) + " |" for line in comparison.lines),
        "",
        f"**{_summary(comparison)}**",
    ]
    return "\n".join(text) + "\n"


def as_json(comparison: Comparison) -> str:
    return json.dumps(comparison.to_json(), indent=2) + "\n"


def _summary(comparison: Comparison) -> str:
    failed = [line.metric.name for line in comparison.lines if line.verdict == "REGRESSION"]
    if failed:
        return f"Regression beyond its bound: {', '.join(failed)}."
    return "No regression beyond its bound."


FORMATS = {"table": as_table, "markdown": as_markdown, "json": as_json}

"""``docs/benchmarks.md``'s sections 7-9 (issue 15): the scale curve and its plot, the
start-up breakdown, the prober at a fine interval."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.scale import CTK

# The targets (issue 15).
SMALL_PODS, SMALL_RATIO = 10, 1.5
LARGE_PODS, LARGE_RATIO = 2000, 2.5
SERVER_SHARE = 0.10
PROBER_CPU = 0.10
OUTAGE_INTERVALS = 2
SVG_NAME = "benchmarks-scale.svg"
COLOURS = {CTK: "#d62728", "builtin": "#1f77b4", "chaosrun run": "#2ca02c"}

Targets = list[tuple[str, str, bool]]


def _mark(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def _s(summary: dict[str, float]) -> str:
    return f"{summary['median']:.2f}"


def _sides(point: dict[str, Any], experiment: str) -> list[str]:
    return list(point[experiment])


def scale_section(section: dict[str, Any], targets: Targets) -> list[str]:
    points = section["points"]
    lines = [
        "## 7. End to end at every namespace size",
        "",
        "`bench/scale.py`: the tutorial's pod experiment (hypothesis: every pod healthy, "
        "`chaosk8s.probes.all_pods_healthy`, + an http probe; method: delete one `app=front` "
        "pod, the health probe again; hypothesis again) and its deployment experiment (method: "
        "delete the `back` Deployment, the http probe), at pause 0, against the testbed's "
        "Kubernetes API server on 127.0.0.1 seeded with N Ready pods in the namespace, through "
        "`chaos run` (the Chaos Toolkit, same flags as above), `chaosrun pod` / `chaosrun "
        "deployment` (`--pause 0 --frontend-url ...`, the live measurement on, as by default) "
        "and `chaosrun run` on the same Chaos Toolkit files (`bench/experiments/*.json` with "
        "the pauses removed). Every command is a fresh process; seconds from spawn to exit, "
        f"median of {section['reps']} repetitions (3 from 2,000 pods up), the three sides "
        "alternating (the order rotates every repetition); every journal says `completed`. "
        "Between runs, outside the timing, the cluster is put back (the replacement pod Ready, "
        "`back` re-applied after the Chaos Toolkit's run, which has no rollback; chaosrun "
        "restores it itself, inside its timing). Ratio = Chaos Toolkit / chaosrun.",
        "",
        f"![seconds per run against pods in the namespace]({SVG_NAME})",
        "",
        "| pods | API server ms per list (after a write / unchanged) | experiment | Chaos "
        "Toolkit s | chaosrun (built-in command) s | ratio | `chaosrun run` s | ratio |",
        "|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for point in points:
        server = point["server_list_s"]
        for experiment in ("pod", "deployment"):
            ctk, builtin, run = _sides(point, experiment)
            rows = point[experiment]
            lines.append(
                f"| {point['pods']} | {server['after_write'] * 1e3:.1f} / "
                f"{server['unchanged'] * 1e3:.1f} | {experiment} | {_s(rows[ctk]['wall'])} | "
                f"{_s(rows[builtin]['wall'])} | x{rows[builtin]['ratio']:.2f} | "
                f"{_s(rows[run]['wall'])} | x{rows[run]['ratio']:.2f} |"
            )
            for side in (builtin, run):
                for pods, want in ((SMALL_PODS, SMALL_RATIO), (LARGE_PODS, LARGE_RATIO)):
                    if point["pods"] == pods:
                        ratio = rows[side]["ratio"]
                        targets.append(
                            (
                                f"`{side}` ({experiment}) at {pods} pods >= {want:g}x faster",
                                f"x{ratio:.2f}",
                                ratio >= want,
                            )
                        )
    lines += ["", *_server_share(points, targets), "", *_memory(points, targets), ""]
    return lines


def _server_share(points: list[dict[str, Any]], targets: Targets) -> list[str]:
    """The API server's part: three namespace-wide lists per pod run (two hypotheses and
    the method's probe), each right after a write, against chaosrun's whole run."""
    lines = [
        "The API server's own time is a small share of what is measured: a pod run makes three "
        "namespace-wide lists (the two hypotheses and the method's probe), each right after a "
        "write, i.e. without the server's cache of the serialized list. Three such lists as a "
        "share of `chaosrun pod`'s run (the fastest side, so the largest share):",
        "",
        "| pods | 3 lists, ms | share of `chaosrun pod` | target |",
        "|---:|---:|---:|---|",
    ]
    worst = 0.0
    for point in points:
        three = 3 * point["server_list_s"]["after_write"]
        _, builtin, _ = _sides(point, "pod")
        share = three / point["pod"][builtin]["wall"]["median"]
        worst = max(worst, share)
        ok = share < SERVER_SHARE
        lines.append(
            f"| {point['pods']} | {three * 1e3:.0f} | {share:.1%} | < {SERVER_SHARE:.0%}: "
            f"{_mark(ok)} |"
        )
    targets.append(
        (
            f"API server share of a run < {SERVER_SHARE:.0%}",
            f"{worst:.1%} at most",
            worst < SERVER_SHARE,
        )
    )
    return lines


def _memory(points: list[dict[str, Any]], targets: Targets) -> list[str]:
    lines = [
        "Peak memory (maximum resident set of the process, from `wait4`), MiB, median:",
        "",
        "| pods | experiment | Chaos Toolkit | chaosrun (built-in) | `chaosrun run` |",
        "|---:|---|---:|---:|---:|",
    ]
    for point in points:
        for experiment in ("pod", "deployment"):
            ctk, builtin, run = _sides(point, experiment)
            rows = point[experiment]
            rss = {side: rows[side]["rss_mib"]["median"] for side in (ctk, builtin, run)}
            lines.append(
                f"| {point['pods']} | {experiment} | {rss[ctk]:.0f} | {rss[builtin]:.0f} | "
                f"{rss[run]:.0f} |"
            )
            if point["pods"] == LARGE_PODS:
                for side in (builtin, run):
                    targets.append(
                        (
                            f"peak RSS of `{side}` ({experiment}) at {LARGE_PODS} pods <= CTK's",
                            f"{rss[side]:.0f} / {rss[ctk]:.0f} MiB",
                            rss[side] <= rss[ctk],
                        )
                    )
    return lines


def startup_section(section: dict[str, Any]) -> list[str]:
    phases = section["phases"]
    total = sum(row["median"] for name, row in phases.items() if name != "journal duration")
    floor = section["python_startup"]["median"]
    lines = [
        "## 8. Where chaosrun's fixed cost goes",
        "",
        "`bench/startup.py`: a fresh process does what `chaosrun pod --pause 0 --frontend-url "
        "...` does at 10 pods, in the same order, timing each phase; ms, median of "
        f"{section['reps']} processes. The interpreter's start (`python -c pass`) is apart: "
        f"{floor * 1e3:.0f} ms. The whole command, timed alongside: "
        f"{section['chaosrun_pod']['median'] * 1e3:.0f} ms.",
        "",
        "| phase | ms | share |",
        "|---|---:|---:|",
    ]
    for name, row in phases.items():
        if name == "journal duration":
            continue
        lines.append(f"| {name} | {row['median'] * 1e3:.1f} | {row['median'] / total:.0%} |")
    lines += [
        f"| **sum** | {total * 1e3:.0f} | |",
        "",
        f"Of *the experiment*, the journal's own `duration` (hypothesis, method, hypothesis, "
        f"rollbacks) is {phases['journal duration']['median'] * 1e3:.0f} ms; the rest is "
        "validating and building the experiment, the run record and writing the journal.",
        "",
    ]
    return lines


def prober_section(section: dict[str, Any], targets: Targets) -> list[str]:
    interval = section["interval_s"]
    cpu = section["cpu_share"]["median"]
    error = section["outage_error_s"]["max"]
    p99 = section["interval_p99_s"]["median"]
    lines = [
        "## 9. The live measurement at `--probe-interval 0.01`",
        "",
        f"`bench/prober_bench.py`: chaosrun's `Prober` in a process of its own probes "
        f"`bench/outage_server.py` (another process) every {interval * 1e3:.0f} ms for "
        f"{section['seconds']:g} s, with one outage of exactly {section['outage_s'] * 1e3:.0f} "
        f"ms (503s, by the server's clock) in the middle; {section['reps']} runs.",
        "",
        "| figure | median (min–max) | target |",
        "|---|---:|---|",
        f"| achieved interval, median | {_ms(section['interval_median_s'])} ms | "
        f"{interval * 1e3:.0f} ms |",
        f"| achieved interval, p99 | {_ms(section['interval_p99_s'])} ms | |",
        f"| CPU, share of one core | {_pct(section['cpu_share'])} | < {PROBER_CPU:.0%}: "
        f"{_mark(cpu < PROBER_CPU)} |",
        f"| outage measured | {_ms(section['outage_measured_s'])} ms | "
        f"{section['outage_s'] * 1e3:.0f} ± {OUTAGE_INTERVALS * interval * 1e3:.0f} ms: "
        f"{_mark(error <= OUTAGE_INTERVALS * interval)} |",
        "",
    ]
    keeps = abs(section["interval_median_s"]["median"] - interval) <= 0.1 * interval
    targets += [
        (
            "prober keeps its 10 ms schedule (median; p99 reported)",
            f"{section['interval_median_s']['median'] * 1e3:.2f} ms (p99 {p99 * 1e3:.1f} ms)",
            keeps,
        ),
        (f"prober CPU < {PROBER_CPU:.0%} of a core", f"{cpu:.1%}", cpu < PROBER_CPU),
        (
            "outage measured within 2 intervals",
            f"off by {error * 1e3:.1f} ms at most",
            error <= OUTAGE_INTERVALS * interval,
        ),
    ]
    return lines


def _ms(summary: dict[str, float]) -> str:
    return f"{summary['median'] * 1e3:.2f} ({summary['min'] * 1e3:.2f}–{summary['max'] * 1e3:.2f})"


def _pct(summary: dict[str, float]) -> str:
    return f"{summary['median']:.1%} ({summary['min']:.1%}–{summary['max']:.1%})"


def write_svg(section: dict[str, Any], path: Path) -> None:
    """Seconds per run against pods, one panel per experiment, hand-drawn SVG."""
    points = section["points"]
    width, height, pad = 360, 260, 48
    max_pods = max(p["pods"] for p in points)
    max_s = max(
        row["wall"]["median"]
        for p in points
        for e in ("pod", "deployment")
        for row in p[e].values()
    )
    top = max(1.0, float(int(max_s) + 1))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * width}" height="{height + 40}" '
        'font-family="sans-serif" font-size="11">',
        f'<rect width="{2 * width}" height="{height + 40}" fill="white"/>',
    ]
    for panel, experiment in enumerate(("pod", "deployment")):
        x0 = panel * width + pad
        x1, y0, y1 = (panel + 1) * width - 12, height - pad + 10, 28

        def x(pods: float, x0: float = x0, x1: float = x1) -> float:
            return x0 + (x1 - x0) * pods / max_pods

        def y(seconds: float, y0: float = y0, y1: float = y1) -> float:
            return y0 - (y0 - y1) * seconds / top

        parts.append(
            f'<text x="{(x0 + x1) / 2:.0f}" y="16" text-anchor="middle" font-weight="bold">'
            f"{experiment} experiment</text>"
        )
        parts.append(
            f'<polyline points="{x0},{y1} {x0},{y0} {x1},{y0}" fill="none" stroke="black"/>'
        )
        for tick in range(int(top) + 1):
            parts.append(
                f'<line x1="{x0 - 4}" x2="{x1}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                'stroke="#ddd"/>'
                f'<text x="{x0 - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick} s</text>'
            )
        last = -1e9
        for p in points:  # a label too close to the previous one goes a line lower
            low = x(p["pods"]) - last < 28
            last = x(p["pods"]) if not low else last
            parts.append(
                f'<text x="{x(p["pods"]):.1f}" y="{y0 + (24 if low else 14)}" '
                f'text-anchor="middle">{p["pods"]}</text>'
            )
        parts.append(
            f'<text x="{(x0 + x1) / 2:.0f}" y="{y0 + 38}" text-anchor="middle">'
            "Ready pods in the namespace</text>"
        )
        for index, side in enumerate(points[0][experiment]):
            colour = COLOURS.get(side, COLOURS["builtin"])
            coords = " ".join(
                f"{x(p['pods']):.1f},{y(p[experiment][side]['wall']['median']):.1f}" for p in points
            )
            parts.append(
                f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
            for p in points:
                parts.append(
                    f'<circle cx="{x(p["pods"]):.1f}" '
                    f'cy="{y(p[experiment][side]["wall"]["median"]):.1f}" r="2.5" '
                    f'fill="{colour}"/>'
                )
            label = "Chaos Toolkit (chaos run)" if side == CTK else side
            parts.append(
                f'<rect x="{x0 + 10}" y="{y1 + 6 + 15 * index}" width="12" height="3" '
                f'fill="{colour}"/><text x="{x0 + 27}" y="{y1 + 11 + 15 * index}">{label}</text>'
            )
    parts.append("</svg>")
    path.write_text("\n".join(parts) + "\n")

"""Issue 22: ``chaosrun scale`` end to end against ``chaos run`` of the same experiment with
chaostoolkit-kubernetes's ``scale_deployment``.

``bench/experiments/scale.json`` is what ``chaosrun scale back --replicas 0`` runs, in the
Chaos Toolkit's format: the tutorial's hypothesis (every pod healthy + the frontend answers
200), the method ``chaosk8s.deployment.actions.scale_deployment`` to 0 replicas, then the
http probe; its rollback scales ``back`` to 1 again (chaosrun's own rollback puts back the
count it recorded before the change). At pause 0, against the testbed's API server on
127.0.0.1 seeded with N Ready pods (``bench/scale_cluster.py``), the three sides of
``bench/scale.py`` (``chaos run``, the built-in command, ``chaosrun run`` on the same file),
each a fresh process, alternating; the cluster settles (``back`` at one Ready pod again)
between runs, outside the timing.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bench.common import BENCH, log, spawn
from bench.scale import CTK, Sides, measure, stack, summary

SIZES = (10, 1000)
TARGET_RATIO = 1.5
EXPERIMENT = "scale"


def run(reps: int, out_dir: Path, sizes: tuple[int, ...] = SIZES) -> dict[str, Any]:
    results: dict[str, Any] = {"reps": reps, "sizes": list(sizes), "points": []}
    with stack(out_dir, "scalecmd-") as bed:
        sides = Sides(EXPERIMENT, bed.tmp, bed.url, bed.settings)
        bed.cluster.resize(sizes[0])
        for argv in sides.commands.values():  # warm the page cache and .pyc files
            bed.cluster.settle(sizes[0])
            spawn(argv, bed.env, bed.tmp)
        for pods in sizes:
            bed.cluster.resize(pods)
            rows = measure(sides, bed.cluster, pods, reps, bed.env, bed.tmp)
            results["points"].append({"pods": pods, "sides": rows})
            log(f"scale command at {pods} pods: {summary(rows)}")
    results["commands"] = {
        side: " ".join(Path(a).name if a.startswith("/") else a for a in argv)
        for side, argv in sides.commands.items()
    }
    return results


def _s(stats: dict[str, float]) -> str:
    return f"{stats['median']:.2f} ({stats['min']:.2f}–{stats['max']:.2f})"


def report_lines(section: dict[str, Any], targets: list[tuple[str, str, bool]]) -> list[str]:
    lines = [
        "## 14. `chaosrun scale` against `chaos run` with `scale_deployment`",
        "",
        "`bench/scale_command.py`: `chaosrun scale back --replicas 0 --pause 0 --frontend-url "
        "...` (the live measurement on, as by default; its rollback scales `back` back to the "
        "count it recorded) against `chaos run` (the Chaos Toolkit with chaostoolkit-kubernetes, "
        "same flags as above) of `bench/experiments/scale.json`, the same experiment in the "
        "Chaos Toolkit's format (the tutorial's hypothesis; method "
        "`chaosk8s.deployment.actions.scale_deployment` to 0, the http probe; rollback "
        "`scale_deployment` to 1), and `chaosrun run` of that file, at pause 0, against the "
        "testbed's Kubernetes API server on 127.0.0.1 seeded with N Ready pods. Every command "
        "a fresh process; seconds from spawn to exit, median (min–max) of "
        f"{section['reps']} repetitions, the three sides alternating (the order rotates every "
        "repetition); every journal says `completed`; between runs, outside the timing, `back` "
        "is Ready at one replica again. Ratio = Chaos Toolkit / chaosrun (paired: per "
        "repetition).",
        "",
        "| pods | Chaos Toolkit s | `chaosrun scale` s | ratio (paired) | `chaosrun run` s "
        "| ratio (paired) | peak RSS MiB, CTK / scale / run |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for point in section["points"]:
        rows = point["sides"]
        ctk, builtin, run_side = CTK, f"chaosrun {EXPERIMENT}", "chaosrun run"
        cells = [str(point["pods"]), _s(rows[ctk]["wall"])]
        for side in (builtin, run_side):
            paired = rows[side]["paired_ratio"]
            cells += [
                _s(rows[side]["wall"]),
                f"x{rows[side]['ratio']:.2f} ({paired['min']:.2f}–{paired['max']:.2f})",
            ]
        rss = " / ".join(f"{rows[s]['rss_mib']['median']:.0f}" for s in (ctk, builtin, run_side))
        lines.append("| " + " | ".join([*cells, rss]) + " |")
        ratio = rows[builtin]["ratio"]
        targets.append(
            (
                f"`chaosrun scale` at {point['pods']} pods >= {TARGET_RATIO:g}x faster than "
                "`chaos run` with `scale_deployment`",
                f"x{ratio:.2f}",
                ratio >= TARGET_RATIO,
            )
        )
    lines.append("")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    out = BENCH / "out"
    out.mkdir(exist_ok=True)
    section = run(args.reps, out)
    (out / "scale-command.json").write_text(json.dumps(section, indent=2))
    targets: list[tuple[str, str, bool]] = []
    print("\n".join(report_lines(section, targets)))
    for what, seen, ok in targets:
        print(f"| {what} | {seen} | {'**met**' if ok else '**missed**'} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

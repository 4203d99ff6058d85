"""Item 5: the tutorial's experiments end to end, chaosrun against the Chaos Toolkit, at every
namespace size.

The pod experiment (hypothesis: every pod healthy, ``chaosk8s.probes.all_pods_healthy``, + an
http probe; method: delete one ``app=front`` pod; hypothesis again) and the deployment
experiment (the same hypothesis; method: delete the ``back`` Deployment; the http probe), at
pause 0, against the testbed API server on 127.0.0.1 seeded with N Ready pods
(``bench/scale_cluster.py``), through ``chaos run`` (the Chaos Toolkit), ``chaosrun pod`` /
``chaosrun deployment`` and ``chaosrun run`` on the same Chaos Toolkit files. Each command is
a fresh process, timed wall-clock from spawn to exit with its CPU time and peak RSS (from
``wait4``); the sides alternate (the order rotates every repetition); the cluster is put back
(a replacement pod Ready, ``back`` re-applied) before each run, outside the timing.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import startup
from bench.common import BENCH, BIN, ROOT, ProxyTrap, Summary, log, service, spawn
from bench.scale_cluster import ScaleCluster
from services.contract import MESSAGE_PATH

SIZES = (10, 300, 1000, 2000, 5000)
EXPERIMENTS = ("pod", "deployment")
CTK = "chaostoolkit"
# What the built-in command needs beyond the pause and the URL to do what the file does.
BUILTIN_ARGS = {"deployment": ["--name", "back"], "scale": ["back", "--replicas", "0"]}


def _zero_pause_copy(name: str, tmp: Path) -> Path:
    """The bench's Chaos Toolkit file with its pauses removed (pause 0)."""
    raw = json.loads((BENCH / "experiments" / f"{name}.json").read_text())
    for activity in raw["method"]:
        activity.pop("pauses", None)
    path = tmp / f"{name}-pause0.json"
    path.write_text(json.dumps(raw, indent=2))
    return path


class Sides:
    """The commands of one experiment, each with its own journal."""

    def __init__(self, experiment: str, tmp: Path, url: str, settings: Path) -> None:
        file = str(_zero_pause_copy(experiment, tmp))
        chaosrun = str(BIN / "chaosrun")

        def journal(side: str) -> Path:
            return tmp / f"journal-{experiment}-{side.replace(' ', '-')}.json"

        builtin = [chaosrun, experiment, *BUILTIN_ARGS.get(experiment, [])]
        builtin += ["--pause", "0", "--frontend-url", url]
        self.commands: dict[str, list[str]] = {
            CTK: [
                *(str(BIN / "chaos"), "--no-version-check", "--no-log-file"),
                *("--settings", str(settings), "run", "--var", f"frontend_url={url}"),
                *("--journal-path", str(journal(CTK)), file),
            ],
            f"chaosrun {experiment}": [*builtin, "--journal-path", str(journal(experiment))],
            "chaosrun run": [
                *(chaosrun, "run", file, "--var", f"frontend_url={url}"),
                *("--journal-path", str(journal("run"))),
            ],
        }
        self.journals = {
            side: Path(argv[argv.index("--journal-path") + 1])
            for side, argv in self.commands.items()
        }

    def status(self, side: str) -> str:
        return str(json.loads(self.journals[side].read_text())["status"])


def measure(
    sides: Sides, cluster: ScaleCluster, pods: int, reps: int, env: dict[str, str], cwd: Path
) -> dict[str, Any]:
    names = list(sides.commands)
    runs: dict[str, list[dict[str, float]]] = {side: [] for side in names}
    for rep in range(reps):
        order = names[rep % len(names) :] + names[: rep % len(names)]
        for side in order:
            cluster.settle(pods)
            runs[side].append(spawn(sides.commands[side], env, cwd))
            status = sides.status(side)
            if status != "completed":
                raise RuntimeError(f"{side} at {pods} pods ended {status}, not completed")
    cluster.settle(pods)
    out: dict[str, Any] = {}
    for side, series in runs.items():
        out[side] = {
            key: Summary.of([run[key] for run in series]).as_dict()
            for key in ("wall", "cpu", "rss_mib")
        }
    ctk = out[CTK]["wall"]["median"]
    for side in names[1:]:
        out[side]["ratio"] = ctk / out[side]["wall"]["median"]
        paired = [a["wall"] / b["wall"] for a, b in zip(runs[CTK], runs[side], strict=True)]
        out[side]["paired_ratio"] = Summary.of(paired).as_dict()
    return out


@dataclass(frozen=True)
class Stack:
    """What both tools run against: ``env`` points them at ``cluster`` with a fresh HOME;
    ``url`` is a frontend v1 in front of a real backend; ``settings`` an empty CTK file."""

    tmp: Path
    env: dict[str, str]
    cluster: ScaleCluster
    settings: Path
    url: str


@contextmanager
def stack(out_dir: Path, prefix: str) -> Iterator[Stack]:
    """The testbed's API server, a backend and a frontend v1, all on 127.0.0.1; fails if a
    tool tried to reach the network meanwhile."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=out_dir)).resolve()
    home = tmp / "home"
    home.mkdir()
    settings = tmp / "ctk-settings.yaml"
    settings.write_text("{}\n")
    trap = ProxyTrap()
    cluster = ScaleCluster(tmp)
    env = {**os.environ, "KUBECONFIG": str(cluster.kubeconfig), "HOME": str(home), **trap.env}
    try:
        logs = tmp / "logs"
        with (
            service("services.backend", logs) as backend,
            service(
                "services.frontend_v1", logs, env={"BACKEND_URL": f"{backend.url}{MESSAGE_PATH}"}
            ) as front,
        ):
            yield Stack(tmp, env, cluster, settings, f"{front.url}/")
        if trap.connections:
            raise RuntimeError(f"a tool tried to reach the network ({trap.connections} time(s))")
    finally:
        trap.close()
        cluster.stop()


def run(reps: int, out_dir: Path, sizes: tuple[int, ...] = SIZES) -> dict[str, Any]:
    results: dict[str, Any] = {"reps": reps, "sizes": list(sizes), "points": []}
    with stack(out_dir, "scale-") as bed:
        cluster, env, tmp = bed.cluster, bed.env, bed.tmp
        all_sides = {name: Sides(name, tmp, bed.url, bed.settings) for name in EXPERIMENTS}
        cluster.resize(sizes[0])
        for sides in all_sides.values():  # warm the page cache and .pyc files
            for argv in sides.commands.values():
                cluster.settle(sizes[0])
                spawn(argv, env, tmp)
        log("start-up breakdown of chaosrun pod")
        results["startup"] = startup.run(
            max(5, reps), bed.url, env, tmp, lambda: cluster.settle(sizes[0])
        )
        for pods in sizes:
            cluster.resize(pods)
            server = cluster.list_seconds()
            point: dict[str, Any] = {"pods": pods, "server_list_s": server}
            log(
                f"scale {pods} pods: the API server answers a list in "
                f"{server['after_write'] * 1e3:.1f} ms after a write, "
                f"{server['unchanged'] * 1e3:.1f} ms unchanged"
            )
            for name, sides in all_sides.items():
                # Fewer repetitions where one run takes seconds; never fewer than 3.
                n = reps if pods <= 1000 else max(3, reps // 2)
                point[name] = measure(sides, cluster, pods, n, env, tmp)
                log(f"  {name}: {summary(point[name])}")
            results["points"].append(point)
    results["python_startup_s"] = statistics.median(
        spawn([str(BIN / "python"), "-c", "pass"], bed.env, ROOT)["wall"] for _ in range(5)
    )
    return results


def summary(rows: dict[str, Any]) -> str:
    """One log line of a measurement: each side's median and ratio."""
    return ", ".join(
        f"{side} {row['wall']['median'] * 1e3:.0f} ms"
        + (f" (x{row['ratio']:.2f})" if "ratio" in row else "")
        for side, row in rows.items()
    )

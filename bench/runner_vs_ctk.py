"""Item 1: chaosrun against the Chaos Toolkit, on the same Chaos Toolkit experiment files.

Both tools are the console scripts of the bench venv (``chaosrun`` and ``chaos``), started as
fresh processes, timed wall-clock from spawn to exit, alternating which goes first.

Equal work, and no network for either:

* ``KUBECONFIG`` points both at the fake Kubernetes API server of ``testbed/kube`` (started
  here, on 127.0.0.1), so whatever a tool loads it finds a cluster; neither validate contacts it.
* The Chaos Toolkit runs with ``--no-version-check`` (no call to releases.chaostoolkit.org),
  an empty ``--settings`` file (no notification or control plugins) and ``--no-log-file``
  (it writes no debug log; this only makes it faster). It has no telemetry.
* ``HOME`` is a fresh directory for both, proxies are unset, NO_PROXY covers loopback.
* The http-only run targets a real frontend v1 (uvicorn) with a real backend, both local.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from bench.common import BENCH, BIN, ProxyTrap, Summary, alternate, log, service, timed, timed_cpu
from services.contract import MESSAGE_PATH

EXPERIMENTS = BENCH / "experiments"
SIDES = ("chaosrun", "chaostoolkit")


def _fake_cluster(tmp: Path) -> tuple[Any, Path]:
    from testbed.kube.cluster import FakeCluster

    cluster = FakeCluster().start()
    cluster.seed_demo()
    return cluster, cluster.write_kubeconfig(tmp / "kubeconfig")


def _compare(
    name: str,
    commands: dict[str, list[str]],
    env: dict[str, str],
    cwd: Path,
    reps: int,
    journals: dict[str, Path] | None = None,
) -> dict[str, Any]:
    """Time both sides; with ``journals``, also read each run's journal ``duration``."""
    for side in SIDES:  # warm the page cache and .pyc files; not measured
        timed(commands[side], env=env, cwd=cwd)
    times: dict[str, list[float]] = {side: [0.0] * reps for side in SIDES}
    cpus: dict[str, list[float]] = {side: [0.0] * reps for side in SIDES}
    durations: dict[str, list[float]] = {side: [0.0] * reps for side in SIDES}
    for rep, side in alternate(reps, SIDES):
        times[side][rep], cpus[side][rep] = timed_cpu(commands[side], env=env, cwd=cwd)
        if journals:
            durations[side][rep] = float(json.loads(journals[side].read_text())["duration"])
    per_rep = [times["chaostoolkit"][i] / times["chaosrun"][i] for i in range(reps)]
    ours, theirs = Summary.of(times["chaosrun"]), Summary.of(times["chaostoolkit"])
    ours_cpu, theirs_cpu = Summary.of(cpus["chaosrun"]), Summary.of(cpus["chaostoolkit"])
    result = {
        "name": name,
        "chaosrun": ours.as_dict(),
        "chaostoolkit": theirs.as_dict(),
        "ratio": theirs.median / ours.median,
        "paired_ratio": Summary.of(per_rep).as_dict(),
        "chaosrun_cpu": ours_cpu.as_dict(),
        "chaostoolkit_cpu": theirs_cpu.as_dict(),
        "cpu_ratio": theirs_cpu.median / ours_cpu.median,
        "commands": {
            side: " ".join(Path(a).name if a.startswith("/") else a for a in argv)
            for side, argv in commands.items()
        },
    }
    if journals:
        result["journal_duration"] = {side: Summary.of(durations[side]).as_dict() for side in SIDES}
    log(
        f"  {name}: chaosrun {ours.median * 1e3:.0f} ms, chaos {theirs.median * 1e3:.0f} ms, "
        f"x{result['ratio']:.2f} (CPU x{result['cpu_ratio']:.2f})"
    )
    return result


def run(reps: int, out_dir: Path) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="ctk-", dir=out_dir))
    home = tmp / "home"
    home.mkdir()
    settings = tmp / "ctk-settings.yaml"
    settings.write_text("{}\n")
    chaosrun = str(BIN / "chaosrun")
    ctk = [
        str(BIN / "chaos"),
        "--no-version-check",
        "--no-log-file",
        "--settings",
        str(settings),
    ]
    results: list[dict[str, Any]] = []
    cluster, kubeconfig = _fake_cluster(tmp)
    trap = ProxyTrap()  # any attempt to leave the machine would show up here
    env = {"KUBECONFIG": str(kubeconfig), "HOME": str(home), **trap.env}
    try:
        log("runner vs Chaos Toolkit: --version")
        results.append(
            _compare(
                "--version",
                {
                    "chaosrun": [chaosrun, "--version"],
                    "chaostoolkit": [str(BIN / "chaos"), "--no-version-check", "--version"],
                },
                env,
                tmp,
                reps,
            )
        )
        for name in ("pod", "deployment", "pod-safeguarded"):
            path = str(EXPERIMENTS / f"{name}.json")
            log(f"runner vs Chaos Toolkit: validate {name}.json")
            results.append(
                _compare(
                    f"validate {name}.json",
                    {
                        "chaosrun": [chaosrun, "validate", path],
                        "chaostoolkit": [*ctk, "validate", path],
                    },
                    env,
                    tmp,
                    reps,
                )
            )
        logs = tmp / "logs"
        with (
            service("services.backend", logs) as backend,
            service(
                "services.frontend_v1",
                logs,
                env={"BACKEND_URL": f"{backend.url}{MESSAGE_PATH}"},
            ) as front,
        ):
            url = f"{front.url}/"
            path = str(EXPERIMENTS / "http-only.json")
            log("runner vs Chaos Toolkit: run http-only.json (zero pause)")
            results.append(
                _compare(
                    "run http-only.json",
                    {
                        "chaosrun": [
                            chaosrun,
                            "run",
                            path,
                            "--var",
                            f"frontend_url={url}",
                            "--journal-path",
                            str(tmp / "journal-chaosrun.json"),
                        ],
                        "chaostoolkit": [
                            *ctk,
                            "run",
                            "--var",
                            f"frontend_url={url}",
                            "--journal-path",
                            str(tmp / "journal-ctk.json"),
                            path,
                        ],
                    },
                    env,
                    tmp,
                    reps,
                    journals={
                        "chaosrun": tmp / "journal-chaosrun.json",
                        "chaostoolkit": tmp / "journal-ctk.json",
                    },
                )
            )
        if trap.connections:
            raise RuntimeError(f"a tool tried to reach the network ({trap.connections} time(s))")
        # The claim "neither contacts the cluster" is checked, not assumed.
        result_requests = len(cluster.api.requests)
        if result_requests:
            raise RuntimeError(f"the fake API server got {result_requests} request(s)")
        for side, journal in (("chaosrun", "journal-chaosrun.json"), ("ctk", "journal-ctk.json")):
            status = json.loads((tmp / journal).read_text())["status"]
            if status != "completed":
                raise RuntimeError(f"the {side} run ended {status}, not completed")
        # Python's own start-up, for scale: neither tool can beat it.
        floor = [timed([str(BIN / "python"), "-c", "pass"], cwd=tmp) for _ in range(reps)]
        return {
            "reps": reps,
            "results": results,
            "python_startup": Summary.of(floor).as_dict(),
        }
    finally:
        trap.close()
        cluster.stop()

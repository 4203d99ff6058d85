"""Each parallel start-up path, measured with and without it, side by side.

chaosrun reads some inputs twice over: a Typer-free reading of the command line
(``chaos.cli.fastargs``), a pydantic-free check that an experiment conforms
(``chaos.experiment.shape`` beside ``schema``), and a plain ``http://`` request sent without
httpx (``chaos.providers.http_request``/``http_wire``/``http_reply``/``http_charset``). A path
is worth its second copy only if it at least halves the benchmark it exists for. Here each
benchmark runs as fresh processes, alternating between the variants:

* ``chaosrun``: the console script as installed;
* ``no fastargs``: every command line goes to the Typer app;
* ``no shape``: every document goes through the pydantic schema;
* ``no plain http``: every http probe goes through httpx;
* ``none``: all three off; ``chaostoolkit``: the Chaos Toolkit, for the targets' ratios.

A variant turns a path off inside its own child process (the function that chooses the path
answers "no"); nothing is changed in the code. Run it with the bench venv:
``bench/.venv/bin/python bench/paths.py [REPS]``; the medians go to stdout as JSON.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import BENCH, BIN, Summary, alternate, log, service, timed
from services.contract import MESSAGE_PATH

OFF = {
    "no fastargs": "import chaos.cli.fastargs as m; m.parse = lambda args: None\n",
    "no shape": "import chaos.experiment.validate as m; m.conforms = lambda raw: False\n",
    "no plain http": "import chaos.providers.http as m; m.as_plain_request = lambda spec: None\n",
}
OFF["none"] = "".join(OFF.values())
ENTRY = (
    "import sys\nsys.argv = ['chaosrun', *sys.argv[1:]]\n{off}"
    "from chaos.cli.entry import main\nmain()\n"
)


def variants(args: list[str], ctk: list[str]) -> dict[str, list[str]]:
    python = str(BIN / "python")
    sides = {"chaosrun": [str(BIN / "chaosrun"), *args]}
    for name, off in OFF.items():
        sides[name] = [python, "-c", ENTRY.format(off=off), *args]
    sides["chaostoolkit"] = ctk
    return sides


def compare(
    name: str,
    sides: dict[str, list[str]],
    cwd: Path,
    reps: int,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    for argv in sides.values():  # warm the page cache; not measured
        timed(argv, cwd=cwd, env=env)
    times: dict[str, list[float]] = {side: [] for side in sides}
    for _, side in alternate(reps, list(sides)):
        times[side].append(timed(sides[side], cwd=cwd, env=env))
    medians = {side: Summary.of(values).median for side, values in times.items()}
    log(f"{name}: " + ", ".join(f"{s} {m * 1e3:.0f} ms" for s, m in medians.items()))
    return {"name": name, "reps": reps, "median_s": medians}


def main(reps: int) -> list[dict[str, Any]]:
    tmp = Path(tempfile.mkdtemp(prefix="paths-"))
    settings = tmp / "ctk-settings.yaml"
    settings.write_text("{}\n")
    ctk = [str(BIN / "chaos"), "--no-version-check", "--no-log-file", "--settings", str(settings)]
    experiments = BENCH / "experiments"
    results = []
    for name in ("pod.json", "deployment.json"):
        path = str(experiments / name)
        sides = variants(["validate", path], [*ctk, "validate", path])
        results.append(compare(f"validate {name}", sides, tmp, reps))
    with (
        service("services.backend", tmp / "logs") as backend,
        service(
            "services.frontend_v1", tmp / "logs", env={"BACKEND_URL": backend.url + MESSAGE_PATH}
        ) as front,
    ):
        var = f"frontend_url={front.url}/"
        path = str(experiments / "http-only.json")
        ours = ["run", path, "--var", var, "--journal-path", str(tmp / "j1.json")]
        theirs = [*ctk, "run", "--var", var, "--journal-path", str(tmp / "j2.json"), path]
        results.append(compare("run http-only.json", variants(ours, theirs), tmp, reps))
        results.append(pod(f"{front.url}/", tmp, reps))
    return results


def pod(url: str, tmp: Path, reps: int) -> dict[str, Any]:
    """``chaosrun pod`` against the tests' API server (3 frontend pods), the page served by
    a real frontend: fastargs' own benchmark, with and without it."""
    from testbed.kube.cluster import FakeCluster

    cluster = FakeCluster().start()
    try:
        cluster.seed_demo()
        env = {"KUBECONFIG": str(cluster.write_kubeconfig(tmp / "kubeconfig"))}
        args = ["pod", "--pause", "0", "--frontend-url", url, "--no-measure"]
        args += ["--journal-path", str(tmp / "j3.json")]
        sides = variants(args, [])
        sides = {side: sides[side] for side in ("chaosrun", "no fastargs")}
        return compare("pod (no pause)", sides, tmp, reps, env)
    finally:
        cluster.stop()


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 15), indent=1))

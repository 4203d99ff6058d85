"""Where chaosrun's fixed cost goes: ``chaosrun pod`` taken apart, phase by phase.

A fresh process (``python bench/startup.py --child ...``) does what ``chaosrun pod --pause 0
--frontend-url URL`` does, in the same order, timing each phase with ``perf_counter``:

* *CLI*: the console script's modules and reading the command line (``chaos.cli.fastargs``);
* *kubernetes package*: ``import kubernetes`` (both tools pay it);
* *engine imports*: the session and the runner (the experiment model, pydantic-free since the
  run path reads a conforming file directly);
* *configuration*: the run's options, the journal path check, earlier runs' records;
* *client set-up*: kubeconfig, the API client, the reachability request;
* *frontend / breaker check*: whether the frontend serves v2's breaker endpoint;
* *measurement start/stop*: a ``Prober`` started and stopped (no probe in between);
* *the experiment*: everything else of the run (its journal's ``duration`` is part of it);
* *console table*: printing the measurement with rich.

The interpreter's own start (``python -c pass``) is measured apart. Medians of fresh processes.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PHASES = (
    "CLI",
    "kubernetes package",
    "engine imports",
    "configuration",
    "client set-up",
    "frontend / breaker check",
    "measurement start/stop",
    "the experiment",
    "console table",
)


def child(url: str, journal: str) -> dict[str, float]:
    marks = [time.perf_counter()]

    def mark() -> None:
        marks.append(time.perf_counter())

    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # as entry.main
    from chaos.cli import fastargs, groups, running
    from chaos.cli.logs import setup_logging

    args = ["pod", "--pause", "0", "--frontend-url", url, "--journal-path", journal]
    parsed = fastargs.parse(args)
    assert parsed is not None
    _, values = parsed
    setup_logging(False)
    mark()
    import kubernetes  # noqa: F401

    mark()
    from chaos.engine.breaker_url import breaker_url
    from chaos.engine.session import Session
    from chaos.experiment.builtin import PodChaos, builtin_experiment
    from chaos.measure import Prober

    mark()
    options = groups.run_options(values)
    session = running.start(options)
    mark()
    session.connect()
    mark()
    frontend = session.frontend_url(values["frontend_url"], values["namespace"])
    breaker = breaker_url(options.measurement.breaker_url, frontend, True)
    mark()
    prober = Prober(frontend, interval=options.measurement.probe_interval)
    prober.start()
    prober.stop()
    mark()
    chaos = PodChaos(namespace=values["namespace"], pause=0.0, label_selector=values["selector"])
    result = session.run_document(
        builtin_experiment(chaos, frontend),
        source="pod experiment",
        measure_url=frontend,
        breaker_url=breaker,
    )
    mark()
    with open(os.devnull, "w") as sink:
        sys.stdout = sink
        running.finish(result, options)
        sys.stdout = sys.__stdout__
    mark()
    assert isinstance(Session, type)
    out = {phase: marks[i + 1] - marks[i] for i, phase in enumerate(PHASES)}
    out["journal duration"] = float(result.journal["duration"] or 0.0)
    return out


def run(
    reps: int, url: str, env: dict[str, str], tmp: Path, settle: Callable[[], None]
) -> dict[str, Any]:
    """Medians (seconds) per phase over ``reps`` fresh processes, and the whole command."""
    from bench.common import BIN, Summary, spawn

    python, script = str(BIN / "python"), str(Path(__file__).resolve())
    journal = str(tmp / "journal-startup.json")
    rows: list[dict[str, float]] = []
    whole: list[float] = []
    floor: list[float] = []
    import subprocess

    for _ in range(reps):
        settle()
        done = subprocess.run(
            [python, script, "--child", url, journal],
            env=env,
            cwd=tmp,
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        settle()
        whole.append(
            spawn(
                [
                    *(str(BIN / "chaosrun"), "pod", "--pause", "0", "--frontend-url", url),
                    *("--journal-path", journal),
                ],
                env,
                tmp,
            )["wall"]
        )
        floor.append(spawn([python, "-c", "pass"], env, tmp)["wall"])
    keys = [*PHASES, "journal duration"]
    return {
        "reps": reps,
        "phases": {key: Summary.of([row[key] for row in rows]).as_dict() for key in keys},
        "chaosrun_pod": Summary.of(whole).as_dict(),
        "python_startup": Summary.of(floor).as_dict(),
    }


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[2], sys.argv[3])))

"""The run history: what storing a run adds to its end (SQLite), and ``chaosrun history`` /
``chaosrun compare`` over a store of 10,000 runs, each a new process (start-up included).

    python -m bench.history_bench [--reps N]   (prints this section of docs/benchmarks.md)
    python -m bench.history_bench --against DIR   (and the storing side by side with the
                                                   chaosrun checkout at DIR, alternating)
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

from bench.common import BENCH, ROOT, Summary, log, timed_cpu
from bench.reporting import write_journals

RUNS = 10_000
RECORD_MS = 5.0  # the issue's bound on what storing adds to a run's end
ANSWER_S = 0.5  # and on a reader's answer over 10,000 runs, start-up included

# One run's end as the session meets it, in a new process. Before it, as in a run: the history
# package imported, the store's module (sqlite3) imported in the background from the run's
# start (``prepare_recording``; a run's seconds let it finish: joined here), the journal scored
# (by the runner, before it writes the journal). Timed: the store opened, the row made (JSON,
# compression) and committed, the store closed.
RECORD = textwrap.dedent(
    """
    import json, sys, time
    from chaos.history import HistoryOptions, record_run, score_of
    try:
        from chaos.history.record import prepare_recording
    except ImportError:  # a chaosrun from before it (--against)
        prepare_recording = lambda options: None
    options = HistoryOptions(url=sys.argv[1], labels=(("bench", "1"),))
    started = prepare_recording(options)
    journal = json.loads(open(sys.argv[2]).read())
    journal["chaosrun"] = {"run_id": sys.argv[3], "score": score_of(journal).to_journal()}
    if started is not None:
        started.join()
    wall, cpu = time.perf_counter(), time.process_time()
    assert record_run(journal, options)
    print(time.perf_counter() - wall, time.process_time() - cpu)
    """
)


def fill(path: Path, journal: dict[str, Any]) -> tuple[str, str]:
    """A store of ``RUNS`` runs of ``journal`` (titles, labels and figures varied); the ids of
    the oldest and the newest."""
    from chaos.history import open_store, row_of
    from chaos.history.ids import run_id_at

    store = open_store(str(path))
    base_ms = int(time.time() * 1000) - RUNS * 60_000
    rows = []
    for n in range(RUNS):
        summary = journal["measurements"]["summary"]
        varied = {
            **journal,
            "experiment": {**journal["experiment"], "title": f"Experiment {n % 50}"},
            "start": time.strftime(
                "%Y-%m-%dT%H:%M:%S+00:00", time.gmtime((base_ms + n * 60_000) / 1000)
            ),
            "measurements": {
                **journal["measurements"],
                "summary": {**summary, "availability": 90 + (n % 100) / 10},
            },
            "chaosrun": {"run_id": run_id_at(base_ms + n * 60_000, n.to_bytes(3, "big"))},
        }
        rows.append(row_of(varied, {"version": f"v{n % 20}", "commit": f"{n:07x}"}))
    import sqlite3  # one transaction for the filling: the timing is the readers'

    with sqlite3.connect(path) as db:
        from chaos.history.sql import INSERT

        for row in rows:
            db.execute(INSERT, (*row.values(), json.dumps(row.labels), row.journal))
            db.executemany(
                "INSERT INTO run_labels (run_id, key, value) VALUES (?, ?, ?)",
                [(row.id, k, v) for k, v in row.labels.items()],
            )
    store.close()
    return rows[0].id, rows[-1].id


def _series(
    argv: list[str], env: dict[str, str], reps: int, roots: list[Path], expect: Any = 0
) -> dict[Path, dict[str, Any]]:
    """Wall and CPU seconds of ``argv`` run in each checkout, alternating."""
    walls: dict[Path, list[float]] = {root: [] for root in roots}
    cpus: dict[Path, list[float]] = {root: [] for root in roots}
    for _ in range(reps):
        for root in roots:
            wall, cpu = timed_cpu(argv, env=env, cwd=root, expect=expect)
            walls[root].append(wall)
            cpus[root].append(cpu)
    return {
        root: {"wall": Summary.of(walls[root]).as_dict(), "cpu": Summary.of(cpus[root]).as_dict()}
        for root in roots
    }


def _storing(
    sides: dict[Path, Path], journal_path: Path, count: int
) -> dict[Path, tuple[list[float], list[float]]]:
    """Wall and CPU ms of storing a run, ``count`` times for each checkout, alternating; each
    checkout its own store (a copy of the same)."""
    times: dict[Path, tuple[list[float], list[float]]] = {root: ([], []) for root in sides}
    for n in range(count):
        for side, (root, store) in enumerate(sides.items()):
            run_id = f"B{side}{n:011d}"
            argv = [sys.executable, "-c", RECORD, str(store), str(journal_path), run_id]
            wall, cpu = _check_output(argv, root).split()
            times[root][0].append(float(wall) * 1000)
            times[root][1].append(float(cpu) * 1000)
    return times


def _copy_store(store: Path, to: Path) -> Path:
    import shutil

    for suffix in ("-wal", "-shm"):
        Path(f"{to}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(store, to)
    return to


def run(reps: int, out_dir: Path, against: Path | None = None) -> dict[str, Any]:
    work = out_dir / "history"
    work.mkdir(parents=True, exist_ok=True)
    journal_path = write_journals(work)[0]  # a minute of probes at 100 ms, gates, rollback
    journal = json.loads(journal_path.read_text())
    store = work / "history.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    log(f"history: filling a store of {RUNS} runs")
    oldest, newest = fill(store, journal)
    env = {"CHAOSRUN_HISTORY": str(store)}
    sides = {ROOT: _copy_store(store, work / "storing.db")}
    if against is not None:
        sides[against.resolve()] = _copy_store(store, work / "storing-against.db")
    log("history: storing a run at its end" + (f", side by side with {against}" if against else ""))
    times = _storing(sides, journal_path, reps * 3)
    record, record_cpu = times[ROOT]
    chaosrun = [sys.executable, "-m", "chaos"]
    commands = {
        "chaosrun history": [*chaosrun, "history"],
        "chaosrun history --format json --limit 100": [
            *chaosrun,
            "history",
            "-f",
            "json",
            "-n",
            "100",
        ],
        "chaosrun history --label version=v7 --since 7d": [
            *chaosrun,
            "history",
            "--label",
            "version=v7",
            "--since",
            "7d",
        ],
        "chaosrun compare OLDEST NEWEST --max-regression availability=1": [
            *chaosrun,
            "compare",
            oldest,
            newest,
            "--max-regression",
            "availability=1",
        ],
        "chaosrun compare --baseline version=v1 NEWEST": [
            *chaosrun,
            "compare",
            "--baseline",
            "version=v1",
            newest,
        ],
    }
    answers, answers_against = {}, {}
    for name, argv in commands.items():
        log(f"history: {name}")
        series = _series(argv, env, reps, list(sides), expect=(0, 1) if "compare" in name else 0)
        answers[name] = series[ROOT]
        if against is not None:
            answers_against[name] = series[against.resolve()]
    return {
        "runs": RUNS,
        "store_bytes": store.stat().st_size,
        "journal_bytes": journal_path.stat().st_size,
        "record_ms": Summary.of(record).as_dict(),
        "record_cpu_ms": Summary.of(record_cpu).as_dict(),
        "against": (
            {
                "root": str(against),
                "commit": _commit(against),
                "record_ms": Summary.of(times[against.resolve()][0]).as_dict(),
                "record_cpu_ms": Summary.of(times[against.resolve()][1]).as_dict(),
                "answers": answers_against,
            }
            if against is not None
            else None
        ),
        "commit": _commit(ROOT),
        "answers": answers,
    }


def _check_output(argv: list[str], cwd: Path = ROOT) -> str:
    import subprocess

    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=True).stdout


def _commit(root: Path) -> str:
    return _check_output(["git", "rev-parse", "--short", "HEAD"], root).strip()


def _mark(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def _range(s: dict[str, float], fmt: str) -> str:
    return f"{s['median']:{fmt}} ({s['min']:{fmt}}–{s['max']:{fmt}})"


def report_lines(section: dict[str, Any], targets: list[tuple[str, str, bool]]) -> list[str]:
    record = section["record_ms"]
    ok = record["median"] <= RECORD_MS
    targets.append(
        (f"storing a run adds ≤ {RECORD_MS:g} ms (SQLite)", f"{record['median']:.1f} ms", ok)
    )
    lines = [
        "## 11. The run history",
        "",
        f"`bench/history_bench.py`: a SQLite store of {section['runs']:,} runs "
        f"({section['store_bytes'] / 1e6:.0f} MB; each run's journal a minute of probes at "
        f"100 ms, {section['journal_bytes'] / 1e3:.0f} kB before compression), every command a "
        "new process (Python's start included). Median (min–max).",
        "",
        "Storing a run at its end (the store opened, the row made and committed, the store "
        "closed; the history package and sqlite3 are imported when the run starts, sqlite3 in "
        f"the background; in a new process, {record['n']} times): "
        f"{_range(record, '.1f')} ms, of which CPU {_range(section['record_cpu_ms'], '.1f')} "
        f"ms; target ≤ {RECORD_MS:g} ms: {_mark(ok)}.",
        "",
        *_against_lines(section),
    ]
    other = section.get("against")
    beside = f" `{other['commit']}` seconds | `{other['commit']}` CPU seconds |" if other else ""
    lines += [
        f"| command | seconds | CPU seconds |{beside} target |",
        "|---|---:|---:|" + ("---:|---:|" if other else "") + "---|",
    ]
    for name, answer in section["answers"].items():
        wall = answer["wall"]
        met = wall["median"] <= ANSWER_S
        targets.append(
            (f"`{name}` over 10,000 runs ≤ {ANSWER_S:g} s", f"{wall['median']:.2f} s", met)
        )
        theirs = other["answers"][name] if other else None
        their_cells = (
            f" {_range(theirs['wall'], '.2f')} | {_range(theirs['cpu'], '.2f')} |" if theirs else ""
        )
        lines.append(
            f"| `{name}` | {_range(wall, '.2f')} | {_range(answer['cpu'], '.2f')} |"
            f"{their_cells} ≤ {ANSWER_S:g} s: {_mark(met)} |"
        )
    lines.append("")
    return lines


def _against_lines(section: dict[str, Any]) -> list[str]:
    other = section.get("against")
    if not other:
        return []
    return [
        f"Side by side, alternating run by run (storing: each with its own copy of the store; "
        f"the readers below: the same store): this checkout (`{section['commit']}`) "
        f"{_range(section['record_ms'], '.1f')} ms, CPU "
        f"{_range(section['record_cpu_ms'], '.1f')} ms; the checkout at `{other['commit']}` "
        f"{_range(other['record_ms'], '.1f')} ms, CPU {_range(other['record_cpu_ms'], '.1f')} ms.",
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--against", type=Path, help="another chaosrun checkout to store beside")
    args = parser.parse_args()
    out = BENCH / "out"
    section = run(args.reps, out, args.against)
    (out / "history.json").write_text(json.dumps(section, indent=2))
    targets: list[tuple[str, str, bool]] = []
    print("\n".join(report_lines(section, targets)))
    for what, seen, ok in targets:
        print(f"| {what} | {seen} | {_mark(ok)} |")


if __name__ == "__main__":
    main()

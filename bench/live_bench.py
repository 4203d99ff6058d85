"""The prober's schedule with ``--live`` browsers connected (issue 25).

A child process (``python bench/live_bench.py --child URL SIDE SECONDS``) does what a run's
process does while it measures: chaosrun's ``Prober`` every 10 ms against
``bench/outage_server.py`` (its own process), the measurement watch turning the samples into
``samples`` events each second, and, on the ``live`` sides, the live view's server
(``chaos.live``) publishing every event. On top of the run's own events it publishes 20
synthetic events a second (a run's busiest moments), so the browsers have something to read.
The browsers are 10 Server-Sent Events readers in another process (``--clients``), each
following ``/events`` from the first event to the last. Sides, alternating per repetition:

* ``off``: no live view (the prober and the watch only);
* ``live, 0 clients``: the server up, nobody connected;
* ``live, 10 clients``: the server up, 10 readers following the stream.

Reported per side: the achieved interval between consecutive probes (median and p99 of each
run, then median and range over the repetitions), ticks skipped, the child's CPU share.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import BENCH, BIN, ROOT, Summary, alternate, log
from bench.prober_bench import outage_target, schedule_figures

INTERVAL = 0.01
SECONDS = 4.0
CLIENTS = 10
SYNTHETIC_PER_S = 20
SIDES = ("off", "live, 0 clients", f"live, {CLIENTS} clients")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(url: str, side: str, seconds: float) -> dict[str, Any]:
    from chaos.engine.events import EventLog, SecondFeed
    from chaos.engine.watch import MeasurementWatch
    from chaos.live.address import LiveAddress
    from chaos.live.hub import LiveHub
    from chaos.live.server import LiveServer
    from chaos.measure import Prober

    hub = server = readers = None
    if side != "off":
        hub = LiveHub()
        server = LiveServer(hub, LiveAddress("127.0.0.1", 0)).start()
    events = EventLog(None, hub.publish if hub is not None else None)
    events.open()
    if side.endswith(f"{CLIENTS} clients") and server is not None:
        readers = subprocess.Popen(
            [sys.executable, __file__, "--clients", server.url, str(CLIENTS)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert readers.stdout is not None
        readers.stdout.readline()  # "connected"
    prober = Prober(url, interval=INTERVAL)
    stop = threading.Event()

    def synthetic() -> None:
        n = 0
        while not stop.wait(1 / SYNTHETIC_PER_S):
            n += 1
            events.emit("samples", second=n, requests=100, ok=100, errors={}, p50_ms=1.2,
                      p99_ms=3.4, max_ms=5.6, breaker="closed")  # fmt: skip

    publisher = threading.Thread(target=synthetic, daemon=True)
    cpu0, t0 = _cpu(), time.monotonic()
    prober.start()
    watch = MeasurementWatch(prober, (), SecondFeed(events)).start()
    publisher.start()
    time.sleep(seconds)
    measurement = prober.stop()
    watch.stop()
    stop.set()
    publisher.join()
    wall, cpu = time.monotonic() - t0, _cpu() - cpu0
    received = 0
    if hub is not None and server is not None:
        hub.close()
        if readers is not None:
            out, _ = readers.communicate(timeout=30)
            received = int(out.split()[-1])
        server.stop()
    sends = [sample.t for sample in measurement.samples]
    return {
        "side": side,
        "samples": len(sends),
        "missed_ticks": measurement.summary.missed_ticks,
        **schedule_figures(sends),
        "cpu_share": cpu / wall,
        "events_published": hub.last_id if hub is not None else 0,
        "events_received": received,
    }


def clients(url: str, count: int) -> None:
    """``count`` readers of ``url``'s ``/events``, each to the stream's end; prints how many
    events they received in all."""
    import httpx

    got = [0] * count
    ready = threading.Barrier(count + 1)

    def read(i: int) -> None:
        with httpx.stream("GET", url + "events", timeout=60) as answer:
            ready.wait()
            for line in answer.iter_lines():
                if line.startswith("id: "):
                    got[i] += 1
                elif line == "event: closed":
                    return

    threads = [threading.Thread(target=read, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    ready.wait()
    print("connected", flush=True)
    for thread in threads:
        thread.join()
    print(sum(got), flush=True)


def run(reps: int, out_dir: Path) -> dict[str, Any]:
    runs: dict[str, list[dict[str, Any]]] = {side: [] for side in SIDES}
    with outage_target() as url:
        for rep, side in alternate(reps, SIDES):
            done = subprocess.run(
                [str(BIN / "python"), __file__, "--child", url, side, str(SECONDS)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            row = json.loads(done.stdout)
            runs[side].append(row)
            log(
                f"live rep {rep + 1} {side}: interval median "
                f"{row['interval_median_s'] * 1e3:.2f} ms, p99 {row['interval_p99_s'] * 1e3:.2f} "
                f"ms, missed {row['missed_ticks']}, CPU {row['cpu_share']:.1%}, events "
                f"{row['events_received']} read of {row['events_published']} x {CLIENTS}"
            )
    keys = ("interval_median_s", "interval_p99_s", "missed_ticks", "cpu_share")
    return {
        "interval_s": INTERVAL,
        "seconds": SECONDS,
        "clients": CLIENTS,
        "synthetic_per_s": SYNTHETIC_PER_S,
        "reps": reps,
        "sides": {
            side: {key: Summary.of([r[key] for r in rows]).as_dict() for key in keys}
            | {"runs": rows}
            for side, rows in runs.items()
        },
    }


def _ms(summary: dict[str, float]) -> str:
    return f"{summary['median'] * 1e3:.2f} ({summary['min'] * 1e3:.2f}–{summary['max'] * 1e3:.2f})"


def report_lines(section: dict[str, Any], targets: list[tuple[str, str, bool]]) -> list[str]:
    interval = section["interval_s"]
    busy = section["sides"][f"live, {section['clients']} clients"]
    keeps = abs(busy["interval_median_s"]["median"] - interval) <= 0.1 * interval
    targets.append(
        (
            f"prober keeps its 10 ms schedule with {section['clients']} live browsers (median)",
            f"{busy['interval_median_s']['median'] * 1e3:.2f} ms "
            f"(p99 {busy['interval_p99_s']['median'] * 1e3:.1f} ms)",
            keeps,
        )
    )
    lines = [
        "## 12. The prober with `--live` browsers connected",
        "",
        f"`bench/live_bench.py`: in one process, what a run does while it measures: the "
        f"`Prober` every {interval * 1e3:.0f} ms against `bench/outage_server.py` (its own "
        "process) and the watch that turns samples into events; on the live sides, the live "
        f"view's server publishing every event, plus {section['synthetic_per_s']} synthetic "
        f"events a second; {section['clients']} Server-Sent Events readers in another process "
        f"follow `/events` to the end. {section['seconds']:g} s per run, "
        f"{section['reps']} runs per side, alternating. Median (min–max) over the runs.",
        "",
        "| side | interval, median ms | interval, p99 ms | ticks skipped | CPU, share of a core |",
        "|---|---:|---:|---:|---:|",
    ]
    for side, row in section["sides"].items():
        missed, cpu = row["missed_ticks"], row["cpu_share"]
        lines.append(
            f"| {side} | {_ms(row['interval_median_s'])} | {_ms(row['interval_p99_s'])} | "
            f"{missed['median']:g} ({missed['min']:g}–{missed['max']:g}) | "
            f"{cpu['median']:.1%} ({cpu['min']:.1%}–{cpu['max']:.1%}) |"
        )
    lines += ["", f"Target: the median interval within 10% of {interval * 1e3:.0f} ms with the "
              f"browsers connected: {'**met**' if keeps else '**missed**'}.", ""]  # fmt: skip
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(run(args.reps, BENCH / "out"), indent=2))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(sys.argv[2], sys.argv[3], float(sys.argv[4]))))
    elif sys.argv[1:2] == ["--clients"]:
        clients(sys.argv[2], int(sys.argv[3]))
    else:
        main()

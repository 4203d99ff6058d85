"""Every benchmark in one run; ``bash bench/run`` starts it in the bench venv.

    python bench/suite.py [--quick] [--only runner,scale,...,overload,halt,scale-command]
                          [--no-doc]

Writes ``bench/out/results.json`` and (unless ``--no-doc``) ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import report
from bench.common import BENCH, ROOT, log, machine

SECTIONS = (
    "runner",
    "scale",
    "prober",
    "frontends",
    "breaker",
    "recovery",
    "slow",
    "report",
    "proxy",
    "history",
    "live",
    "overload",
    "halt",
    "scale-command",
)


def clean(out_dir: Path) -> None:
    """Remove the working directories of earlier runs (stopping a leftover local stack)."""
    for path in sorted(out_dir.glob("*-*")):
        if not path.is_dir():
            continue
        if path.name.startswith("local-") and (path / "supervisord.pid").exists():
            from chaos.drivers.local.stack import LocalStack

            LocalStack(path).down()
        shutil.rmtree(path, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description="chaosrun's benchmarks (issue 6)")
    parser.add_argument("--quick", action="store_true", help="fewer, shorter repetitions")
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections")
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument(
        "--render",
        action="store_true",
        help="only re-render docs/benchmarks.md from bench/out/results.json",
    )
    args = parser.parse_args()
    if args.render:
        saved = json.loads((BENCH / "out" / "results.json").read_text())
        report.write(saved, saved.get("command", "bash bench/run"), ROOT / "docs" / "benchmarks.md")
        return 0
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(only) - set(SECTIONS))
    if unknown:
        print(f"Unknown section(s) {', '.join(unknown)}: choose from {', '.join(SECTIONS)}.")
        return 2
    quick = args.quick
    out_dir = BENCH / "out"
    out_dir.mkdir(exist_ok=True)
    clean(out_dir)
    started = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    results: dict[str, Any] = {
        "started": started,
        "mode": "quick" if quick else "full",
        "machine": machine(),
        "sections": {},
    }
    sections = results["sections"]
    if "runner" in only:
        from bench import runner_vs_ctk

        sections["runner"] = runner_vs_ctk.run(3 if quick else 11, out_dir)
    if "scale" in only:
        from bench import scale

        sections["scale"] = scale.run(3, out_dir)
    if "prober" in only:
        from bench import prober_bench

        sections["prober"] = prober_bench.run(3, out_dir)
    if "frontends" in only:
        from bench import frontends

        sections["frontends"] = frontends.run(
            2 if quick else 7, 2 if quick else 4, args.connections, out_dir
        )
    if "breaker" in only:
        from bench import breaker_overhead

        log("breaker overhead")
        sections["breaker"] = breaker_overhead.run(5000 if quick else 20000, 5 if quick else 15)
    if "recovery" in only:
        from bench import recovery

        sections["recovery"] = recovery.run(2 if quick else 5, out_dir)
    if "slow" in only:
        from bench import slow_backend

        sections["slow"] = slow_backend.run(2 if quick else 5, out_dir)
    if "report" in only:
        from bench import reporting

        sections["report"] = reporting.run(3 if quick else 7, out_dir)
    if "proxy" in only:
        from bench import proxy

        sections["proxy"] = proxy.run(
            3 if quick else 7, 2 if quick else 4, args.connections, out_dir
        )
    if "history" in only:
        from bench import history_bench

        sections["history"] = history_bench.run(3 if quick else 7, out_dir)
    if "live" in only:
        from bench import live_bench

        sections["live"] = live_bench.run(3 if quick else 5, out_dir)
    if "overload" in only:
        from bench import overload

        sections["overload"] = overload.run(1 if quick else 3, out_dir)
    if "halt" in only:
        from bench import halt_bench

        sections["halt"] = halt_bench.run(10 if quick else halt_bench.HALTS, out_dir)
    if "scale-command" in only:
        from bench import scale_command

        sections["scale-command"] = scale_command.run(3 if quick else 7, out_dir)
    results["finished"] = time.strftime("%H:%M", time.gmtime())
    results["command"] = shlex.join(["bash", "bench/run", *sys.argv[1:]])
    (out_dir / "results.json").write_text(json.dumps(results, indent=2))
    log(f"results: {out_dir / 'results.json'}")
    if not args.no_doc:
        doc = ROOT / "docs" / "benchmarks.md"
        report.write(results, results["command"], doc)
        log(f"report: {doc}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

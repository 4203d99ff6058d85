"""Section 1 of ``docs/benchmarks.md``, chaosrun against the Chaos Toolkit, and the pieces
every section formats its figures with."""

from __future__ import annotations

from typing import Any

# The issues' targets (issue 6; run restated by issue 15).
VALIDATE_RATIO = 10.0
VERSION_RATIO = 3.0
RUN_RATIO = 1.5
HEALTHY_RPS_RATIO = 0.9
OPEN_P99_MS = 5.0
BREAKER_OVERHEAD_US = 20.0
POD_RECOVERY_S = 2.0
REPORT_S = 1.0


def mark(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def ms(s: dict[str, float], scale: float = 1e3, digits: int = 0) -> str:
    fmt = f"{{:.{digits}f}}"
    lo, hi = fmt.format(s["min"] * scale), fmt.format(s["max"] * scale)
    return f"{fmt.format(s['median'] * scale)} ({lo}–{hi})"


def runner_section(section: dict[str, Any], targets: list[tuple[str, str, bool]]) -> list[str]:
    lines = [
        "## 1. chaosrun vs the Chaos Toolkit",
        "",
        f"Wall-clock time of one command, spawn to exit, in ms: median (min–max) of "
        f"{section['reps']} repetitions per side, the two sides alternating (which goes first "
        "switches every repetition). *Ratio* = Chaos Toolkit median / chaosrun median "
        "(> 1: chaosrun is faster); *paired* = median (min–max) of the per-repetition ratios. "
        "*CPU*: user + system time of the process (medians), less sensitive to a busy machine "
        "than wall-clock; the targets are judged on the wall-clock ratio.",
        "",
        "Equal work, no network: both are the console scripts of the same venv, both start "
        "from compiled bytecode (pip compiled the Chaos Toolkit's wheels; `bench/run` compiles "
        "the editable chaosrun checkout, whose `.pyc` files would otherwise never be written "
        "where `PYTHONDONTWRITEBYTECODE` is set, as on this machine), run from the "
        "same temporary directory with the same fresh `HOME`, no proxy, and `KUBECONFIG` "
        "pointing at the fake Kubernetes API server of `testbed/kube` (started by the bench on "
        "127.0.0.1, seeded with the demo's objects); neither tool contacts it (the bench checks "
        "that the server recorded no request). The Chaos "
        "Toolkit runs with `--no-version-check` (no call to releases.chaostoolkit.org), an empty "
        "`--settings` file (no notification/control plugins) and `--no-log-file` (no debug log "
        "file, which only makes it faster); it has no telemetry. `HTTP(S)_PROXY` point both at "
        "a trap on 127.0.0.1 that counts connections (`NO_PROXY` covers loopback): the bench "
        "fails if either tool tries to reach the network (the Chaos Toolkit without "
        "`--no-version-check` does). Both `validate` the same three "
        "files in `bench/experiments/` (`chaosk8s.pod.actions.terminate_pods` / "
        "`chaosk8s.deployment.actions.delete_deployment`, `chaosk8s.probes.all_pods_healthy`, an "
        "http probe; `pod-safeguarded.json` is `pod.json` with a "
        "`chaosaddons.controls.safeguards` control and a `runtime` block, which chaosrun "
        "validates on the same pydantic-free fast path); the run is "
        "`bench/experiments/http-only.json` (an http probe in the "
        "hypothesis and one in the method, no pause) against a real frontend v1 + backend "
        "(uvicorn) on 127.0.0.1; both journals say `completed`.",
        "",
        "| command | chaosrun ms | Chaos Toolkit ms | ratio | paired ratio | CPU ms, chaosrun "
        "/ CTK | CPU ratio | target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    wanted = {
        "--version": VERSION_RATIO,
        "validate pod.json": VALIDATE_RATIO,
        "validate deployment.json": VALIDATE_RATIO,
        "validate pod-safeguarded.json": VALIDATE_RATIO,
        "run http-only.json": RUN_RATIO,
    }
    for row in section["results"]:
        target = wanted.get(row["name"])
        paired = row["paired_ratio"]
        verdict = ""
        if target is not None:
            ok = row["ratio"] >= target
            verdict = f">= {target:g}x: {mark(ok)}"
            targets.append((f"{row['name']} >= {target:g}x faster", f"x{row['ratio']:.2f}", ok))
        lines.append(
            f"| `{row['name']}` | {ms(row['chaosrun'])} | {ms(row['chaostoolkit'])} | "
            f"x{row['ratio']:.2f} | x{paired['median']:.2f} "
            f"({paired['min']:.2f}–{paired['max']:.2f}) | "
            f"{row['chaosrun_cpu']['median'] * 1e3:.0f} / "
            f"{row['chaostoolkit_cpu']['median'] * 1e3:.0f} | x{row['cpu_ratio']:.2f} | "
            f"{verdict} |"
        )
    floor = section["python_startup"]
    lines += [
        "",
        f"For scale: `python -c pass` in the same venv takes {ms(floor)} ms.",
    ]
    for row in section["results"]:
        if "journal_duration" in row:
            spent = row["journal_duration"]
            lines += [
                "",
                f"The journals' own `duration` of `{row['name']}` (the experiment, from its "
                "start to its end, without the tool's start-up), ms: chaosrun "
                f"{ms(spent['chaosrun'], digits=1)}, "
                f"Chaos Toolkit {ms(spent['chaostoolkit'], digits=1)}.",
            ]
    lines += [
        "",
        "Commands, as run (from a temporary directory):",
        "",
    ]
    for row in section["results"]:
        lines.append(f"- `{row['commands']['chaosrun']}` vs `{row['commands']['chaostoolkit']}`")
    lines.append("")
    return lines

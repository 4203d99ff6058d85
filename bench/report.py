"""Render ``docs/benchmarks.md`` from the suite's results (generated, not hand-edited)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench import (
    halt_bench,
    history_bench,
    live_bench,
    overload,
    proxy,
    report_scale,
    scale_command,
    slow_backend,
)
from bench.common import BENCH
from bench.report_runner import (
    BREAKER_OVERHEAD_US,
    HEALTHY_RPS_RATIO,
    OPEN_P99_MS,
    POD_RECOVERY_S,
    REPORT_S,
    mark,
    ms,
    runner_section,
)


def _frontends(section: dict[str, Any], targets: list[tuple[str, str, bool]]) -> list[str]:
    lines = [
        "## 2. Frontends v1 and v2 under load",
        "",
        f"`wrk -t1 -c{section['connections']} -d{section['seconds']:g}s` (one thread, "
        f"{section['connections']} connections, bounded by time and by a count of answers), "
        f"{section['reps']} repetitions per side, v1 and v2 alternating. Throughput in "
        "answers/s, latency in ms, each as median (min–max) over the repetitions. "
        f"`BACKEND_TIMEOUT` = {section['backend_timeout']:g} s. In the outages v2's breaker is "
        f"open during every measured repetition (opened first, `BREAKER_WAIT_DURATION_OPEN` "
        f"= {section['open_wait']:g} s). With a hanging backend each repetition lasts "
        f"max(d, 3 × `BACKEND_TIMEOUT`) so that v1 completes some answers. At a fixed "
        "concurrency c, latency ≈ c / throughput (Little's law): p99 depends on c. *Frontend "
        "CPU per answer* (user + system time of the frontend process over the run, from /proc, "
        "divided by its answers) does not depend on what else the machine runs: it shows the "
        "cost of each path when throughput is noisy.",
        "",
        "| backend | frontend | answers/s | p50 ms | p99 ms | HTTP 200 | frontend CPU µs "
        "per answer | statuses (all reps) | errors |",
        "|---|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for sc in section["scenarios"]:
        for side in ("v1", "v2"):
            s = sc["sides"][side]
            statuses = ", ".join(f"{k}: {v}" for k, v in sorted(s["statuses"].items()))
            errors = ", ".join(f"{k} {v}" for k, v in s["errors"].items() if v) or "none"
            ok = s["ok_share"]
            lines.append(
                f"| {sc['backend']} | {side} | {ms(s['rps'], 1)} | {ms(s['p50_ms'], 1, 2)} | "
                f"{ms(s['p99_ms'], 1, 2)} | {ok['min']:.1%} | {ms(s['cpu_us_per_answer'], 1)} | "
                f"{statuses} | {errors} |"
            )
    singles = [sc for sc in section["scenarios"] if "v2_single_connection" in sc]
    if singles:
        lines += [
            "",
            "For scale, v2 with the breaker open and a single connection (`-c1`, no queueing; "
            "3 runs, after the alternating ones):",
            "",
            "| backend | answers/s | p50 ms | p99 ms | HTTP 200 |",
            "|---|---:|---:|---:|---:|",
        ]
        for sc in singles:
            s = sc["v2_single_connection"]
            lines.append(
                f"| {sc['backend']} | {ms(s['rps'], 1)} | {ms(s['p50_ms'], 1, 2)} | "
                f"{ms(s['p99_ms'], 1, 2)} | {s['ok_share']['min']:.1%} |"
            )
    lines += ["", "| check | value | target |", "|---|---|---|"]
    for sc in section["scenarios"]:
        v2 = sc["sides"]["v2"]
        if sc["backend"] == "healthy":
            ratio = sc["rps_ratio_v2_v1"]
            paired = sc["paired_rps_ratio"]
            ok = ratio >= HEALTHY_RPS_RATIO
            lines.append(
                f"| healthy: v2 / v1 throughput | x{ratio:.2f} (paired "
                f"{paired['min']:.2f}–{paired['max']:.2f}) | >= {HEALTHY_RPS_RATIO:g}: "
                f"{mark(ok)} |"
            )
            targets.append(("v2 healthy throughput >= 0.9x v1", f"x{ratio:.2f}", ok))
        else:
            share_ok = v2["ok_share"]["min"] == 1.0 and not any(v2["errors"].values())
            p99 = v2["p99_ms"]["median"]
            p99_ok = p99 <= OPEN_P99_MS
            lines.append(
                f"| {sc['backend']}: v2 answers 200 | {v2['ok_share']['min']:.2%} of "
                f"{v2['requests']} | 100 %: {mark(share_ok)} |"
            )
            lines.append(
                f"| {sc['backend']}: v2 p99, breaker open | {p99:.2f} ms (reps "
                f"{v2['p99_ms']['min']:.2f}–{v2['p99_ms']['max']:.2f}) | <= "
                f"{OPEN_P99_MS:g} ms: {mark(p99_ok)} |"
            )
            targets.append(
                (
                    f"backend {sc['backend']}: v2 100 % 200 (open)",
                    f"{v2['ok_share']['min']:.2%} of {v2['requests']}",
                    share_ok,
                )
            )
            targets.append(
                (f"backend {sc['backend']}: v2 p99 <= 5 ms (open)", f"{p99:.2f} ms", p99_ok)
            )
    lines.append("")
    return lines


def _breaker(section: dict[str, Any], targets: list[tuple[str, str, bool]]) -> list[str]:
    lines = [
        "## 3. Breaker overhead per call",
        "",
        f"`bench/breaker_overhead.py`: {section['calls']} awaited calls of a trivial "
        f"coroutine per repetition, bare and through `SlidingWindowCircuitBreaker.call_async` "
        f"(built as v2 builds it: window 10, threshold 80 %, the state-change logger as "
        f"listener, the event buffer and the Micrometer-style meters as event consumers), "
        f"{section['repeat']} repetitions alternating. Each guarded call takes a permit, is "
        "timed for slow-call accounting, publishes its event, records its outcome in the (full, "
        "sliding) window and evaluates both rates. µs per call, median (min–max); overhead = "
        "guarded − bare, per repetition.",
        "",
        "| scenario | bare µs | guarded µs | overhead µs | target |",
        "|---|---:|---:|---:|---|",
    ]
    for name, sc in section["scenarios"].items():
        ok = sc["overhead_us"]["median"] <= BREAKER_OVERHEAD_US
        targets.append(
            (f"breaker overhead ({name}) <= 20 µs", f"{sc['overhead_us']['median']:.2f} µs", ok)
        )
        lines.append(
            f"| {name} | {ms(sc['bare_us'], 1, 3)} | {ms(sc['guarded_us'], 1, 2)} | "
            f"{ms(sc['overhead_us'], 1, 2)} | <= {BREAKER_OVERHEAD_US:g} µs: {mark(ok)} |"
        )
    lines += [
        "",
        "*success*: every call succeeds; *mixed*: one call in 10 raises (the breaker stays "
        "closed; the bare loop catches the same exceptions); *slow*: one call in 4 is slow on "
        "the breaker's clock (slow-call accounting at a 25 % slow-call rate, still closed).",
        "",
    ]
    return lines


def _recovery(section: dict[str, Any], targets: list[tuple[str, str, bool]]) -> list[str]:
    lines = [
        "## 4. Recovery on the local target",
        "",
        f"A private `chaosrun local` stack (supervisord), chaos through `LocalDriver`. Seconds, "
        f"median (min–max) of {section['reps']} pod kills per frontend (v1 and v2 alternating), "
        "each of a steady pod (ready, and RUNNING for supervisord).",
        "",
        "| frontend | kill → replacement pod listed | kill → `GET /` answers 200 again | target |",
        "|---|---:|---:|---|",
    ]
    for name, row in section["pod_kill"].items():
        ok = row["answering_s"]["median"] <= POD_RECOVERY_S
        targets.append(
            (f"{name} pod kill -> answering <= 2 s", f"{row['answering_s']['median']:.2f} s", ok)
        )
        lines.append(
            f"| {name} | {ms(row['new_pod_s'], 1, 2)} | {ms(row['answering_s'], 1, 2)} | "
            f"<= {POD_RECOVERY_S:g} s: {mark(ok)} |"
        )
    early = section.get("pod_kill_while_starting")
    if early:
        lines += [
            "",
            "Not the steady case: v1's pod killed again as soon as its replacement is ready "
            "(less than 1 s after it started): "
            f"kill → replacement listed {ms(early['new_pod_s'], 1, 2)} s, kill → answering "
            f"{ms(early['answering_s'], 1, 2)} s. With supervisord's `startsecs=1` (before "
            "commit 3f8ce4b) this was ~1.5 s, a failed start followed by a back-off; see the "
            "notes.",
        ]
    r = section["restore"]
    lines += [
        "",
        f"Backend restore with v2 under a steady client (one `GET /` every "
        f"{section['client_interval_s'] * 1e3:.0f} ms); the Deployment is restored as soon as "
        f"the breaker is open. The local stack's open state lasts "
        f"{section['breaker_wait_s']:g} s, then 10 half-open trial calls decide.",
        "",
        "| step | seconds |",
        "|---|---:|",
        f"| backend deleted → v2's breaker open | {ms(r['open_after_delete_s'], 1, 2)} |",
        f"| restore → backend ready (`/readyz` 200) | {ms(r['backend_ready_s'], 1, 2)} |",
        f"| restore → v2's breaker `closed` | {ms(r['breaker_closed_s'], 1, 2)} |",
        "",
        "No target; the close time is bounded below by the open state's wait duration "
        "(`BREAKER_WAIT_DURATION_OPEN`), not by the backend's start.",
        "",
    ]
    return lines


def _report(section: dict[str, Any], targets: list[tuple[str, str, bool]]) -> list[str]:
    lines = [
        "## 6. `chaosrun report`",
        "",
        f"`bench/reporting.py`: `chaosrun report` on {section['journals']} journals of "
        f"{section['probes']} probes each ({section['bytes'] / 1e6:.1f} MB in all), a new "
        "process each time (Python's start included). Seconds, median (min–max).",
        "",
        "| format | seconds | target |",
        "|---|---:|---|",
    ]
    for fmt, s in section["formats"].items():
        ok = s["median"] < REPORT_S
        targets.append((f"chaosrun report, 10 journals, {fmt} < 1 s", f"{s['median']:.2f} s", ok))
        lines.append(f"| {fmt} | {ms(s, 1, 2)} | < {REPORT_S:g} s: {mark(ok)} |")
    lines.append("")
    return lines


def render(results: dict[str, Any], command: str) -> str:
    m = results["machine"]
    targets: list[tuple[str, str, bool]] = []
    body: list[str] = []
    sections = results["sections"]
    if "runner" in sections:
        body += runner_section(sections["runner"], targets)
    if "frontends" in sections:
        body += _frontends(sections["frontends"], targets)
    if "breaker" in sections:
        body += _breaker(sections["breaker"], targets)
    if "recovery" in sections:
        body += _recovery(sections["recovery"], targets)
    if "slow" in sections:
        body += slow_backend.report_lines(sections["slow"], targets)
    if "report" in sections:
        body += _report(sections["report"], targets)
    if "scale" in sections:
        body += report_scale.scale_section(sections["scale"], targets)
        body += report_scale.startup_section(sections["scale"]["startup"])
    if "prober" in sections:
        body += report_scale.prober_section(sections["prober"], targets)
    if "proxy" in sections:
        body += proxy.report_lines(sections["proxy"], targets)
    if "history" in sections:
        body += history_bench.report_lines(sections["history"], targets)
    if "live" in sections:
        body += live_bench.report_lines(sections["live"], targets)
    if "halt" in sections:
        body += halt_bench.report_lines(sections["halt"], targets)
    if "scale-command" in sections:
        body += scale_command.report_lines(sections["scale-command"], targets)
    if "overload" in sections:
        body += overload.report_lines(sections["overload"], targets)
    pkgs = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    head = [
        "# Benchmarks",
        "",
        "<!-- Generated by bench/suite.py (bash bench/run); do not edit by hand. -->",
        "",
        f"Fresh run of {results['started']} – {results['finished']} UTC ({results['mode']} mode).",
        "",
        "Reproduce (sets up `bench/.venv` with the project, `chaostoolkit` and "
        "`chaostoolkit-kubernetes`, installs Debian's `wrk` if missing; all traffic stays on "
        "127.0.0.1; not part of the test suite):",
        "",
        "```sh",
        "bash bench/run            # everything, writes docs/benchmarks.md",
        "bash bench/run --quick    # fewer, shorter repetitions",
        "bash bench/run --only runner,breaker",
        "```",
        "",
        f"This run: `{command}`, at commit `{m.get('commit', 'unknown')}` (the working tree may "
        "hold other engineers' uncommitted edits).",
        "",
        "## Machine",
        "",
        f"- {m['nproc']} CPUs, {m['cpu_model']}; {m['platform']}",
        f"- Python {m['python']}; load average at start {m['loadavg_at_start']}",
        f"- {m['wrk']}",
        f"- {pkgs}",
        "",
        "The machine is shared with other engineers' test runs (see the load average at "
        "start; it was busy during earlier runs of the day), so absolute figures are noisy. "
        "That is why every comparison runs both sides side by side in the same run, "
        "alternating, and is reported as a ratio: the figures to compare are the ratios, not "
        "the milliseconds.",
        "",
        "## Targets",
        "",
        "| target | measured | |",
        "|---|---|---|",
    ]
    head += [f"| {name} | {value} | {mark(ok)} |" for name, value, ok in targets]
    head.append("")
    notes = BENCH / "notes.md"
    tail = ["", notes.read_text().rstrip(), ""] if notes.exists() else []
    return "\n".join(head + body + tail) + "\n"


def write(results: dict[str, Any], command: str, path: Path) -> None:
    path.write_text(render(results, command))
    if "scale" in results["sections"]:
        report_scale.write_svg(results["sections"]["scale"], path.parent / report_scale.SVG_NAME)

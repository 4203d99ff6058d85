"""Profiles behind bench/notes.md (not part of bench/run's measurements).

    bench/.venv/bin/python bench/profile.py [--seconds 6]

* pyinstrument text reports of ``chaosrun --version``, ``chaosrun validate`` (pod experiment)
  and ``chaosrun run`` of the http-only experiment against a local frontend v1 + backend;
* py-spy (sampling at 500 Hz) of frontend v2 with its breaker open under ``wrk -c8``,
  summarised as the share of samples per function (inclusive) for the functions that matter.

Writes everything under ``bench/out/profiles/`` and prints the summaries.
"""

from __future__ import annotations

import argparse
import collections
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import BENCH, BIN, free_port, log, service
from bench.frontends import _open_breaker, wrk
from services.contract import MESSAGE_PATH

OUT = BENCH / "out" / "profiles"
EXPERIMENTS = BENCH / "experiments"
INTERESTING = (
    "services/",
    "logging/__init__",
    "jinja2/environment",
    "starlette/templating",
    "url_for",
    "getmtime",
    "breaker",
    "RequestResponseCycle.send",
)


def pyinstrument(name: str, argv: list[str]) -> None:
    out = OUT / f"{name}.txt"
    subprocess.run(
        [str(BIN / "pyinstrument"), "-o", str(out), *argv],
        capture_output=True,
        check=False,
    )
    log(f"pyinstrument {name}: {out}")
    print("".join(out.read_text().splitlines(keepends=True)[:40]))


def summarise_raw(path: Path) -> list[str]:
    """Inclusive share of samples per function from py-spy's raw (collapsed) output."""
    total = 0
    inclusive: collections.Counter[str] = collections.Counter()
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        n = int(count)
        total += n
        seen = set()
        for frame in stack.split(";"):
            key = re.sub(r":\d+\)", ")", frame)
            if key not in seen:
                seen.add(key)
                inclusive[key] += n
    return [
        f"{n / total:6.1%}  {key}"
        for key, n in inclusive.most_common(200)
        if any(s in key for s in INTERESTING)
    ][:40]


def v2_open(seconds: float) -> None:
    logs = Path(tempfile.mkdtemp(prefix="profile-", dir=OUT))
    env = {
        "BACKEND_URL": f"http://127.0.0.1:{free_port()}{MESSAGE_PATH}",
        "BREAKER_WAIT_DURATION_OPEN": "600",
    }
    with service("services.frontend_v2", logs, env=env) as front:
        _open_breaker(front.url)
        raw = OUT / "v2-open.pyspy.txt"
        spy = subprocess.Popen(
            [
                *(str(BIN / "py-spy"), "record", "-r", "500", "-d", f"{seconds:g}"),
                *("-f", "raw", "-o", str(raw), "-p", str(front.proc.pid)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        result = wrk(f"{front.url}/", 8, seconds - 1, 0)
        spy.wait(timeout=seconds + 30)
    log(f"py-spy v2 open breaker: {raw} ({result['rps']:.0f} answers/s)")
    print("\n".join(summarise_raw(raw)))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="py-spy duration")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    chaosrun = str(BIN / "chaosrun")
    pyinstrument("chaosrun-version", [chaosrun, "--version"])
    pyinstrument("chaosrun-validate-pod", [chaosrun, "validate", str(EXPERIMENTS / "pod.json")])
    logs = Path(tempfile.mkdtemp(prefix="profile-", dir=OUT))
    with (
        service("services.backend", logs) as backend,
        service(
            "services.frontend_v1", logs, env={"BACKEND_URL": f"{backend.url}{MESSAGE_PATH}"}
        ) as f,
    ):
        pyinstrument(
            "chaosrun-run-http-only",
            [
                *(chaosrun, "run", str(EXPERIMENTS / "http-only.json")),
                *("--var", f"frontend_url={f.url}/", "--journal-path", str(logs / "journal.json")),
            ],
        )
    v2_open(args.seconds)


if __name__ == "__main__":
    main()

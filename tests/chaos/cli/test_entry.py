"""The console script: ``--version`` and ``validate FILE`` answer before the CLI framework
(and, for a well-formed file, pydantic) is imported."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from chaos import __version__
from testbed.procs import REPO_ROOT
from testbed.serving import serving

PROBE = """
import sys
sys.argv = ["chaosrun", *sys.argv[1:]]
from chaos.cli.entry import main
try:
    main()
except SystemExit as exc:
    print("EXIT", exc.code)
print("LOADED", sorted(m for m in ("typer", "pydantic", "rich", "httpx") if m in sys.modules))
"""

# The same command line, through the Typer app (no shortcut in chaos.cli.entry).
TYPER_APP = """
import sys
from chaos.cli.main import app
app(sys.argv[1:], prog_name="chaosrun")
"""


def _entry(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout


def test_version_is_printed_without_loading_the_cli() -> None:
    out = _entry("--version")
    assert out.splitlines()[0] == f"chaosrun {__version__}"
    assert "LOADED []" in out


def test_every_other_command_goes_to_the_typer_app() -> None:
    out = _entry("--help")
    assert "Usage: chaosrun" in out
    assert "EXIT 0" in out
    assert "'typer'" in out


def test_python_dash_m_chaos_uses_the_same_entry() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "chaos", "--version"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stdout == f"chaosrun {__version__}\n"


def _invalid_files(tmp: Path) -> list[Path]:
    """A semantic problem, a structural one, a syntax error, a missing file, and input
    beyond bounds: too deep, a recursive alias, a pause that is not a number."""
    shipped = (REPO_ROOT / "experiments" / "pod.json").read_text()
    unknown = json.loads(shipped)
    unknown["method"][0]["provider"]["func"] = "delete_pod"
    nan_pause = json.loads(shipped)
    nan_pause["method"][0]["pauses"]["after"] = float("nan")
    structural = {"title": "", "method": [{"type": "action", "name": "x"}]}
    files = {"unknown.json": json.dumps(unknown), "structural.json": json.dumps(structural)}
    files["broken.yaml"] = "title: [unclosed\n"
    files["deep.json"] = '{"title": "t", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    files["aliases.yaml"] = "title: t\nx: &x [*x]\n"
    files["nan-pause.json"] = json.dumps(nan_pause)
    for name, text in files.items():
        (tmp / name).write_text(text)
    return [*(tmp / name for name in files), tmp / "missing.json"]


def _without_times(text: str) -> str:
    return re.sub(r"^\[[0-9-]+ [0-9:]+ ", "[", text, flags=re.M)


def test_validate_of_a_well_formed_file_loads_neither_typer_nor_pydantic() -> None:
    for name in ("pod.json", "deployment-with-restore.yaml"):
        out = _entry("validate", f"experiments/{name}")
        assert "Experiment looks valid" in out
        assert "EXIT 0" in out
        assert "LOADED []" in out, out


def test_validate_verbose_is_answered_by_the_same_path() -> None:
    out = _entry("validate", "-v", "experiments/pod.json")
    assert "Experiment looks valid" in out and "LOADED []" in out, out


def test_validate_with_other_arguments_goes_to_the_typer_app() -> None:
    out = _entry("validate", "--help")
    assert "Usage: chaosrun validate" in out and "'typer'" in out, out
    out = _entry("validate", "experiments/pod.json", "experiments/pod.yaml")
    assert "EXIT 2" in out and "'typer'" in out, out


def test_validate_answers_exactly_as_the_typer_command_does(tmp_path: Path) -> None:
    """Both paths print the same lines and exit codes, for good and for bad files."""
    valid = REPO_ROOT / "experiments" / "pod.yaml"
    for path in [valid, *_invalid_files(tmp_path)]:
        fast = subprocess.run(
            [sys.executable, "-m", "chaos", "validate", str(path)],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        framework = subprocess.run(
            [sys.executable, "-c", TYPER_APP, "validate", str(path)],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert fast.returncode == framework.returncode, path
        assert _without_times(fast.stdout) == _without_times(framework.stdout), path
        assert fast.stderr == framework.stderr, path
        assert fast.returncode == (0 if path == valid else 2)
        if fast.returncode:
            assert fast.stderr.startswith(f"Error: invalid experiment {path}: "), fast.stderr
            assert "Traceback" not in fast.stderr


def test_validate_of_a_file_with_controls_stays_on_the_fast_path(tmp_path: Path) -> None:
    raw = json.loads((REPO_ROOT / "experiments" / "pod.json").read_text())
    probe = raw["steady-state-hypothesis"]["probes"][1]
    raw["controls"] = [
        {
            "name": "safeguard",
            "provider": {
                "type": "python",
                "module": "chaosaddons.controls.safeguards",
                "arguments": {"probes": [{**probe, "frequency": 1}]},
            },
        },
        {
            "name": "recorder",
            "provider": {"type": "python", "module": "tests.chaos.engine.sample_controls"},
        },
    ]
    raw["runtime"] = {"hypothesis": {"strategy": "continuously"}}
    path = tmp_path / "controls.json"
    path.write_text(json.dumps(raw))
    out = _entry("validate", str(path))
    assert "Experiment looks valid" in out and "EXIT 0" in out, out
    assert "LOADED []" in out, out


def test_run_of_a_well_formed_http_file_loads_neither_typer_nor_pydantic(tmp_path: Path) -> None:
    """The run path, like validate's, reads a conforming file without pydantic (nor Typer,
    nor rich: a run that measures nothing prints no table)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Ok(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    with serving(server):
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        experiment = REPO_ROOT / "bench" / "experiments" / "http-only.json"
        journal = tmp_path / "journal.json"
        out = _entry(
            "run", str(experiment), "--var", f"frontend_url={url}", "--journal-path", str(journal)
        )
    assert "EXIT 0" in out, out
    assert json.loads(journal.read_text())["status"] == "completed"
    assert "LOADED []" in out, out

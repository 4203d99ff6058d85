"""The warm start of ``testbed/warm.py``: a chaosrun forked from the zygote behaves as
one started cold, so the tests that use it judge what users run."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from testbed import warm
from testbed.polling import wait_until
from testbed.procs import REPO_ROOT
from tests.support.cli import chaosrun_command, chaosrun_env

pytestmark = pytest.mark.skipif(not warm.enabled(), reason="warm starts are off")


def _timeless(text: str) -> str:
    return re.sub(r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", "[", text)


def _both(
    args: list[str], cwd: Path, env: dict[str, str]
) -> list[subprocess.CompletedProcess[str]]:
    answers = []
    for kind in (subprocess.Popen, warm.WarmPopen):
        command = chaosrun_command(*args)
        with kind(
            command,
            cwd=cwd,
            env=chaosrun_env(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as proc:
            out, err = proc.communicate(timeout=60)
        answer = subprocess.CompletedProcess(command, proc.returncode, _timeless(out), err)
        answers.append(answer)
    return answers


def test_a_warm_run_answers_as_a_cold_one(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{not json")
    for args in (["--version"], ["validate", "broken.json"], ["validate", "missing.json"]):
        cold, hot = _both(args, tmp_path, {"HOME": str(tmp_path)})
        assert (hot.returncode, hot.stdout) == (cold.returncode, cold.stdout), args
        assert hot.stderr.splitlines()[-1:] == cold.stderr.splitlines()[-1:], args


def test_the_environment_and_the_working_directory_are_the_runs_own(tmp_path: Path) -> None:
    """What chaosrun reads from its environment and its folder at run time is the caller's,
    not the zygote's: the kubeconfig KUBECONFIG names, a file named relative to the cwd."""
    kubeconfig = tmp_path / "not-a-kubeconfig"
    kubeconfig.write_text("garbage: [\n")
    env = {"HOME": str(tmp_path), "KUBECONFIG": str(kubeconfig)}
    cold, hot = _both(["restore", "-y"], tmp_path, env)
    assert (hot.returncode, hot.stdout, hot.stderr) == (cold.returncode, cold.stdout, cold.stderr)
    assert str(kubeconfig) in hot.stdout + hot.stderr
    (tmp_path / "here.json").write_text('{"title": "t"}')
    cold, hot = _both(["validate", "here.json"], tmp_path, env)
    assert (hot.returncode, hot.stdout) == (cold.returncode, cold.stdout) == (2, cold.stdout)
    assert "does not exist" not in hot.stdout + hot.stderr


def test_a_warm_run_is_this_process_child_and_dies_of_its_signal(tmp_path: Path) -> None:
    proc = warm.WarmPopen(
        chaosrun_command("proxy", "--listen", "127.0.0.1:0", "--upstream", "http://127.0.0.1:9"),
        cwd=tmp_path,
        env=chaosrun_env({"HOME": str(tmp_path)}),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert Path(f"/proc/{proc.pid}/status").read_text().count(f"PPid:\t{os.getpid()}") == 1
        wait_until(lambda: Path(f"/proc/{proc.pid}/cmdline").exists(), timeout=10)
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# Imports the zygote's libraries, then its project modules with the environment replaced by
# one that notes every name read: a module that read one at import would keep the zygote's.
_ENVIRONMENT_READS = """
import json, os
from testbed import zygote

zygote.preload_libraries()
read = set()

class Noting(dict):
    def __getitem__(self, key):
        read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        read.add(key)
        return super().get(key, default)

    def __contains__(self, key):
        read.add(key)
        return super().__contains__(key)

    def __iter__(self):
        read.add("(every name)")
        return super().__iter__()

    def keys(self):
        read.add("(every name)")
        return super().keys()

    def items(self):
        read.add("(every name)")
        return super().items()

    def copy(self):
        read.add("(every name)")
        return dict(super().items())

os.environ = Noting(os.environ)
zygote.preload_project()
print(json.dumps(sorted(read)))
"""


def test_what_the_zygote_imports_ahead_reads_no_environment() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _ENVIRONMENT_READS],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(done.stdout) == []

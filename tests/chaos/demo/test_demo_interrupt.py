"""Ctrl-C during ``chaosrun demo`` stops it, exits 1 and leaves no process or port behind."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

from chaos.drivers.local import LocalStack
from chaos.drivers.local.ports import port_is_open
from chaos.drivers.local.processes import pid_alive
from tests.support.cli import spawn_chaosrun


def test_ctrl_c_mid_act_brings_the_stack_down(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    proc = spawn_chaosrun("demo", "--output-dir", str(out), "--pause", "20", env={"COLUMNS": "120"})
    pausing = threading.Event()
    lines: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if "Pausing after activity" in line:
                pausing.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert pausing.wait(60), "".join(lines)
        stack = LocalStack(out / "stack")
        layout = stack.layout()
        assert layout is not None and stack.running()
        sup_pid = stack.supervisord_pid()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 1
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    reader.join(5)
    output = "".join(lines)
    assert "Interrupted" in output
    assert "Traceback" not in output
    assert sup_pid is not None and not pid_alive(sup_pid)
    for program in layout.programs.values():
        assert not port_is_open(program.port), program.name
    assert (out / "act1-kill-frontend-pod.json").exists()  # the interrupted run's journal
    assert (out / "report.html").exists()

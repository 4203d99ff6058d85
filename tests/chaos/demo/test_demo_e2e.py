"""``chaosrun demo`` end to end, as a user runs it: one subprocess, real everything."""

from __future__ import annotations

import json
import re
from pathlib import Path

from chaos.defaults import DEMO_SLOW_DELAY
from chaos.drivers.local import LocalStack
from chaos.drivers.local.ports import port_is_open
from chaos.drivers.local.processes import pid_alive
from services.contract import FALLBACK_MESSAGE
from tests.support.cli import run_chaosrun


def test_demo_tells_the_story_writes_journals_and_report_and_cleans_up(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = run_chaosrun(
        "demo", "--output-dir", str(out), "--pause", "3", timeout=180, env={"COLUMNS": "120"}
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "The story came out as expected." in result.stdout
    assert str(out) in result.stdout
    assert "Traceback" not in result.stderr

    journals = {
        "act1-kill-frontend-pod.json": ("completed", False),
        "act2-delete-backend-v1.json": ("failed", True),
        "act3-delete-backend-v2.json": ("completed", False),
        "act4-slow-backend-v1.json": ("failed", True),
        "act4-slow-backend-v2.json": ("completed", False),
    }
    for name, (status, deviated) in journals.items():
        journal = json.loads((out / name).read_text())
        assert (journal["status"], journal["deviated"]) == (status, deviated), name
        for key in ("experiment", "start", "end", "duration", "steady_states", "run", "rollbacks"):
            assert key in journal, (name, key)
        summary = journal["measurements"]["summary"]
        assert summary["requests"] > 0
    act2 = json.loads((out / "act2-delete-backend-v1.json").read_text())["measurements"]
    assert act2["summary"]["errors_by_kind"].get("http_502", 0) > 0
    act3 = json.loads((out / "act3-delete-backend-v2.json").read_text())["measurements"]
    assert act3["summary"]["availability"] == 100.0
    assert any(t["to_state"] == "open" for t in act3["summary"]["breaker_transitions"])
    after = json.loads((out / "act3-delete-backend-v2.json").read_text())["steady_states"]
    bodies = [
        p["output"]["body"] for p in after["after"]["probes"] if isinstance(p["output"], dict)
    ]
    assert any(FALLBACK_MESSAGE in str(b) for b in bodies)

    # Act 4: the slow backend. v1 waits for it on every page; v2's breaker opens on the slow
    # calls and the page answers the fallback in time; both end with the backend fast again.
    act4_v1 = json.loads((out / "act4-slow-backend-v1.json").read_text())
    assert act4_v1["measurements"]["summary"]["latency_p50_ms"] >= DEMO_SLOW_DELAY * 1000
    act4_v2 = json.loads((out / "act4-slow-backend-v2.json").read_text())
    transitions = act4_v2["measurements"]["summary"]["breaker_transitions"]
    assert [t["to_state"] for t in transitions][:1] == ["open"]
    (_, page) = act4_v2["steady_states"]["after"]["probes"]
    assert page["tolerance_met"] and FALLBACK_MESSAGE in page["output"]["body"]
    for journal in (act4_v1, act4_v2):
        assert [r["status"] for r in journal["rollbacks"]] == ["succeeded"]
        assert journal["chaosrun"]["faults"][0]["delay"] == DEMO_SLOW_DELAY
    # No v2 call failed on a timeout: the breaker opened on the slow-call rate, not failures.
    v2_log = (out / "stack" / "logs" / "front-v2.log").read_text()
    assert "Fallback : no answer" not in v2_log

    html = (out / "report.html").read_text()
    trends = html.count('<svg class="trend"')  # each act's runs in the history so far
    assert html.count("<svg") - trends == 6  # four acts (act 4 twice), v2's recovery
    assert trends >= 1
    assert "The backend is slow: frontend v1 and v2 side by side" in html
    assert html.index("After the restore") < html.index("Act 4: slow backend, frontend v1")
    assert "Act 2: delete the backend, frontend v1" in html
    # self-contained: nothing to fetch
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html and "url(" not in html

    # nothing left behind: supervisord, its programs, their ports
    stack = LocalStack(out / "stack")
    layout = stack.layout()
    assert layout is not None
    assert not stack.running()
    sup_pid = stack.supervisord_pid()
    assert sup_pid is None or not pid_alive(sup_pid)
    for program in layout.programs.values():
        assert not port_is_open(program.port), program.name
    assert (out / "stack" / "logs" / "front-v2.log").read_text().count("Fallback") > 0

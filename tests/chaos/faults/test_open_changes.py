"""The end of a run: a change its file's own rollback undid is closed; one left open is said in
the console and the journal and ``chaosrun restore`` undoes it; a change that cannot be undone is
refused before the run unless --allow-irreversible."""

from __future__ import annotations

import json
from typing import Any

from tests.chaos.faults.conftest import Rig


def _action(title: str, func: str, module: str, **arguments: Any) -> dict[str, Any]:
    return {
        "type": "action",
        "name": title,
        "provider": {"type": "python", "module": module, "func": func, "arguments": arguments},
    }


SCALE = "chaosk8s.deployment.actions"


def _run(rig: Rig, experiment: dict[str, Any], *extra: str) -> tuple[int, str]:
    path = rig.home / "experiment.json"
    path.write_text(json.dumps({"title": "t", "description": "d", **experiment}))
    result = rig.chaosrun(
        "run", str(path), "--no-measure", "--journal-path", str(rig.journal_path), *extra
    )
    return result.returncode, result.stdout + result.stderr


def replicas(rig: Rig) -> int:
    back = rig.back()
    assert back is not None
    return int(back["spec"]["replicas"])


def test_a_change_the_files_rollback_undid_is_closed(rig: Rig) -> None:
    code, output = _run(
        rig,
        {
            "method": [_action("down", "scale_deployment", SCALE, name="back", replicas=0)],
            "rollbacks": [_action("up", "scale_deployment", SCALE, name="back", replicas=1)],
        },
    )

    assert code == 0, output
    assert replicas(rig) == 1
    assert rig.open_records() == []
    assert rig.object_states() == ["restored"]
    assert "open_changes" not in rig.journal()["chaosrun"]


def test_a_change_left_open_is_said_and_restore_undoes_it(rig: Rig) -> None:
    code, output = _run(
        rig, {"method": [_action("down", "scale_deployment", SCALE, name="back", replicas=0)]}
    )

    assert code == 0, output
    assert replicas(rig) == 0
    assert "Deployment default/back is not restored" in output
    assert rig.journal()["chaosrun"]["open_changes"] == [
        "scale Deployment default/back back to 1 replica(s)"
    ]
    listed = rig.chaosrun("restore", "--dry-run")
    assert "  Deployment default/back: would restore" in listed.stdout.splitlines()

    restored = rig.chaosrun("restore")

    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "  Deployment default/back: restored" in restored.stdout.splitlines()
    assert replicas(rig) == 1
    assert rig.open_records() == []


def test_an_irreversible_change_is_refused_before_the_run_unless_allowed(rig: Rig) -> None:
    rig.cluster.api.access.deny("delete", "namespaces")  # nothing may really go
    experiment = {
        "method": [_action("doom", "delete_namespace", "chaosk8s.namespace.actions", name="doomed")]
    }

    code, output = _run(rig, experiment)

    assert code == 2, output
    assert output.strip().splitlines()[-1] == (
        "Error: activity 'doom': chaosk8s.namespace.actions.delete_namespace makes a change "
        "chaosrun cannot undo (pass --allow-irreversible if you really mean it)."
    )
    assert rig.proxy.requests("DELETE") == []

    code, output = _run(rig, experiment, "--allow-irreversible")

    assert code == 1, output  # the API refused it (403): the action failed, the run too
    assert "Irreversible (allowed by --allow-irreversible): delete Namespace doomed" in output
    assert rig.journal()["chaosrun"]["irreversible"] == [
        "delete Namespace doomed and everything in it"
    ]
    assert [r.path for r in rig.proxy.requests("DELETE")] == ["/api/v1/namespaces/doomed"]

"""The policy's own rules: the local target's ``policy`` file, windows in their time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from chaos.actions.blast import BlastLimits, parse_floor
from chaos.engine.policy import Policy, apply_policy, read_policy
from chaos.engine.windows import parse_window
from chaos.errors import BadInput

NO_DRIVER: Any = None  # the local target's policy is a file: no driver is asked


def test_the_local_policy_file(tmp_path: Path) -> None:
    assert read_policy(NO_DRIVER, "default", tmp_path) is None
    (tmp_path / "policy").write_text(
        "max-percent: 50\nmin-healthy: 1\nfaults: [pod]\nwindows: Mon-Fri 09:00-17:00 "
        "Europe/Paris\n"
    )
    policy = read_policy(NO_DRIVER, "default", tmp_path)
    assert policy is not None
    assert policy.where == f"the policy file {tmp_path / 'policy'}"
    monday = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)  # 10:30 in Paris
    limits = apply_policy(policy, BlastLimits(), {"terminate_pods"}, monday)
    assert (limits.max_percent, limits.share_by) == (50, policy.where)
    assert limits.min_healthy is not None and limits.min_healthy.required(3) == 1
    with pytest.raises(BadInput, match=r"--max-percent 60 is looser than its max-percent 50"):
        apply_policy(policy, BlastLimits(max_percent=60), {"terminate_pods"}, monday)
    with pytest.raises(BadInput, match=r"its faults allow pod, not deployment"):
        apply_policy(policy, BlastLimits(), {"delete_deployment"}, monday)
    sunday = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    with pytest.raises(BadInput, match=r"allowed only in .* \(it is Sun 13:00 Europe/Paris now\)"):
        apply_policy(policy, BlastLimits(), {"terminate_pods"}, sunday)


def test_a_bad_policy_is_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "policy").write_text("max-percent: lots\n")
    with pytest.raises(BadInput, match=r"max-percent must be a number from 0 to 100"):
        read_policy(NO_DRIVER, "default", tmp_path)
    (tmp_path / "policy").write_text("window: Mon 09:00-10:00\n")
    with pytest.raises(BadInput, match=r"window is not a policy key"):
        read_policy(NO_DRIVER, "default", tmp_path)


def test_windows_edges_and_midnight() -> None:
    office = parse_window("Mon-Fri 09:00-17:00 Europe/Paris")
    assert office.contains(datetime(2026, 12, 7, 8, 0, tzinfo=UTC))  # Mon 09:00 Paris
    assert not office.contains(datetime(2026, 12, 7, 16, 0, tzinfo=UTC))  # Mon 17:00 Paris
    night = parse_window("Fri 22:00-02:00")
    assert night.contains(datetime(2026, 12, 12, 1, 0, tzinfo=UTC))  # Saturday's small hours
    assert not night.contains(datetime(2026, 12, 11, 1, 0, tzinfo=UTC))  # Friday's
    with pytest.raises(ValueError, match="'Mars' is not a time zone"):
        parse_window("Mon 09:00-10:00 Mars")


def test_a_floor_from_both_sides() -> None:
    floor = parse_floor("50%")
    assert floor.required(3) == 2 and floor.required(2) == 1
    with pytest.raises(ValueError, match="at most 100"):
        parse_floor("150%")


@pytest.mark.parametrize(
    ("command", "functions"),
    [
        ("scale", {"scale_deployment", "scale_statefulset"}),
        ("partition", {"create_network_policy"}),
        ("drain", {"drain_nodes"}),
        ("latency", {"slow_down"}),
    ],
)
def test_faults_name_the_commands_that_run_each_function(
    tmp_path: Path, command: str, functions: set[str]
) -> None:
    (tmp_path / "policy").write_text(f"faults: [{command}]\n")
    policy = read_policy(NO_DRIVER, "default", tmp_path)
    assert policy is not None
    apply_policy(policy, BlastLimits(), functions)
    (tmp_path / "policy").write_text("faults: [pod]\n")
    policy = read_policy(NO_DRIVER, "default", tmp_path)
    assert policy is not None
    func = sorted(functions)[0]
    with pytest.raises(BadInput, match=rf"its faults allow pod, not {command} \({func}\)"):
        apply_policy(policy, BlastLimits(), functions)


def test_two_namespaces_policies_combine_as_the_stricter_of_each() -> None:
    """A limit that came from another namespace's policy is no flag: a stricter policy after
    it tightens it instead of calling it looser."""
    first = Policy("chaosrun-policy in a", max_percent=50, min_healthy=parse_floor("1"))
    second = Policy("chaosrun-policy in b", max_percent=40, min_healthy=parse_floor("2"))
    limits = apply_policy(second, apply_policy(first, BlastLimits(), set()), set())
    assert (limits.max_percent, limits.share_by) == (40, second.where)
    assert limits.min_healthy is not None and limits.min_healthy.required(3) == 2
    assert (limits.min_healthy.text, limits.floor_by) == ("2", second.where)
    looser_after = apply_policy(first, apply_policy(second, BlastLimits(), set()), set())
    assert (looser_after.max_percent, looser_after.share_by) == (40, second.where)
    with pytest.raises(BadInput, match=r"--max-percent 45 is looser than its max-percent 40"):
        apply_policy(second, apply_policy(first, BlastLimits(max_percent=45), set()), set())

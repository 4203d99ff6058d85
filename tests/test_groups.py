"""The markers ``scripts/test`` selects on (``tests/support/groups.py``) follow from what a test
uses: collected from the real suite, as ``-m`` sees them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from testbed.procs import REPO_ROOT
from tests.support.cli import chaosrun_env

SEAL = "tests/chaos/records/test_seal.py"
STORE = "tests/chaos/history/test_store.py"
FILES = [
    SEAL,
    STORE,
    "tests/chaos/drivers/kubernetes/test_driver.py",
    "tests/chaos/proxy/test_faults.py",
    "tests/browser/test_pages.py",
    "tests/manifests/test_ci.py",
    "tests/manifests/test_contract.py",
]


def selected(marks: str, files: list[str] = FILES) -> set[str]:
    """The ids, among ``files``, that ``-m marks`` selects."""
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
    done = subprocess.run(
        [*command, "-o", "addopts=", "-m", marks, *files],
        cwd=REPO_ROOT,
        env=chaosrun_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return {line for line in done.stdout.splitlines() if "::" in line}


@pytest.fixture(scope="module")
def kube_api() -> set[str]:
    return selected("kube_api")


def test_a_test_using_the_fake_cluster_talks_to_the_api_server(kube_api: set[str]) -> None:
    assert f"{SEAL}::test_writers_agree_on_one_key" in kube_api
    assert f"{SEAL}::test_a_seal_is_bound_to_the_text_and_the_namespace" not in kube_api
    # The driver's own tests all exercise the client, with a cluster or without.
    assert (
        "tests/chaos/drivers/kubernetes/test_driver.py::test_no_kubeconfig_and_not_in_cluster"
        in (kube_api)
    )
    assert not any(name.startswith(STORE) for name in kube_api)


def test_postgresql_the_browser_and_system_programs_are_left_out_of_the_quick_loop() -> None:
    quick = selected("not slow and not serial")
    test = "test_a_run_goes_in_once_and_comes_back_whole"
    assert f"{STORE}::{test}[sqlite]" in quick
    assert f"{STORE}::{test}[postgresql]" not in quick
    assert not any(name.startswith("tests/browser/") for name in quick)
    # By module: every test of a module that imports the actionlint helper.
    assert "tests/manifests/test_ci.py::test_the_action_passes_actionlint" in selected("actionlint")
    assert any(name.startswith("tests/manifests/test_contract.py") for name in selected("kubectl"))


def test_timing_tests_run_alone() -> None:
    assert selected("serial") == {
        "tests/chaos/proxy/test_faults.py::test_delay_is_added_to_each_call"
    }


def test_the_lowest_client_reruns_every_fault_once_per_test_and_every_undo_whole() -> None:
    matrix = "tests/chaos/faults/test_fault_matrix.py"
    undo = "tests/chaos/faults/test_undo_after_kill.py"
    lowest_ids, every_ids = (
        selected(marks, [matrix, undo]) for marks in ("kube_lowest", "kube_api")
    )
    assert lowest_ids < every_ids
    assert {i for i in every_ids if i.startswith(undo)} <= lowest_ids

    def faults(ids: set[str], test: str) -> set[str]:
        return {i.rsplit("-", 1)[-1].rstrip("]") for i in ids if f"::{test}[" in i}

    ridden_out = "test_a_transient_fault_on_any_call_is_ridden_out"
    assert faults(lowest_ids, ridden_out) == faults(every_ids, ridden_out) >= {"429", "reset"}
    assert len([i for i in lowest_ids if f"::{ridden_out}[" in i]) == len(
        faults(every_ids, ridden_out)
    )

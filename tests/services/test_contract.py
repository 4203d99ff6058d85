"""``services/contract.py`` against SPEC.md: the one place the contract's values are written out.

The services, the runner, the demo and the other tests import the contract, so a drift from
the specification fails here and only here.
"""

from __future__ import annotations

import subprocess
import sys

from services import contract
from testbed.procs import REPO_ROOT

SPEC = {
    "BACKEND_MESSAGE": "Hello, I'm backend!",
    "FALLBACK_MESSAGE": "Sorry...I'm frontend.",
    "PAGE_TITLE": "サンプルアプリケーション",
    "MESSAGE_PATH": "/message",
    "BREAKER_PATH": "/breaker",
    "CIRCUIT_BREAKERS_PATH": "/actuator/circuitbreakers",
    "BREAKER_EVENTS_PATH": "/actuator/circuitbreakerevents",
    "BULKHEADS_PATH": "/actuator/bulkheads",
    "BULKHEAD_EVENTS_PATH": "/actuator/bulkheadevents",
    "LIVENESS_PATH": "/healthz",
    "READINESS_PATH": "/readyz",
    "METRICS_PATH": "/metrics",
    "BACKEND_PORT": 8081,
    "FRONTEND_PORT": 8080,
    "BACKEND_SERVICE": "backend",
    "BACKEND_URL": "http://backend:8081/message",
    "BREAKER_CLOSED": "closed",
    "BREAKER_OPEN": "open",
    "BREAKER_HALF_OPEN": "half_open",
    "BREAKER_DISABLED": "disabled",
    "BREAKER_FORCED_OPEN": "forced_open",
    "BREAKER_METRICS_ONLY": "metrics_only",
    "BREAKER_STATES": (
        "closed",
        "open",
        "half_open",
        "disabled",
        "forced_open",
        "metrics_only",
    ),
    # The backend's fault injection behind `chaosrun latency` (only with BACKEND_FAULTS_ENABLED).
    "FAULTS_PATH": "/admin/faults",
    # ... which needs this header to carry BACKEND_FAULTS_TOKEN, on Kubernetes from this Secret.
    "FAULTS_TOKEN_HEADER": "X-Faults-Token",
    "FAULTS_TOKEN_SECRET": "backend-faults",
    "FAULTS_TOKEN_KEY": "token",
}


def test_the_contract_is_the_specs() -> None:
    assert {name: getattr(contract, name) for name in contract.__all__} == SPEC


def test_importing_the_contract_loads_nothing_else() -> None:
    """The runner imports it: it must not drag in the services' web stack."""
    code = (
        "import sys; before = set(sys.modules); import services.contract; "
        "print(sorted(set(sys.modules) - before))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "['services', 'services.contract']"

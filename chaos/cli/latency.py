"""``chaosrun latency``: make the backend slow for a while, then check the hypothesis."""

from __future__ import annotations

import typer

from chaos.cli import running
from chaos.cli.options import Values, declared

EPILOG = (
    "Example: chaosrun latency --delay 1.5 --error-share 0.1 --duration 10\n\n"
    "The backend answers --delay seconds late (and fails --error-share of its calls with 503) "
    "for --duration seconds; then the hypothesis is checked (the page must answer 200 within "
    "--page-timeout) and the rollback ends the fault, also on Ctrl-C or SIGTERM. The fault "
    "is in the run record before it is asked for, so `chaosrun restore` ends it after a run "
    "that was killed; the backend also ends it by itself a minute after --duration. The "
    "backend must run with BACKEND_FAULTS_ENABLED=true and a BACKEND_FAULTS_TOKEN (the local "
    "stack does; on Kubernetes the component k8s/overlays/faults); chaosrun sends that token, "
    "from CHAOSRUN_FAULTS_TOKEN, else the local stack's token file or the Secret backend-faults."
)


@declared("latency")
def latency(values: Values) -> None:
    """Make the backend slow (a delay, optionally a share of errors), then check the hypothesis.

    Hypothesis, before and after: all pods Running and Ready; GET on the frontend is 200
    within --page-timeout. The rollback makes the backend fast again.
    """
    raise typer.Exit(running.execute("latency", values))

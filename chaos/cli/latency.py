"""``chaosrun latency``: make the backend slow for a while, then check the hypothesis."""

from __future__ import annotations

from typing import Annotated

import typer

from chaos import defaults
from chaos.cli import running
from chaos.cli.errors import fail
from chaos.cli.options import FrontendUrl, Namespace, run_options
from chaos.engine.options import RunOptions, check_namespace
from services.contract import BACKEND_SERVICE

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


@run_options
def latency(
    options: RunOptions,
    delay: Annotated[
        float, typer.Option(min=0, max=300, help="Seconds every backend answer waits.")
    ] = defaults.LATENCY_DELAY,
    error_share: Annotated[
        float,
        typer.Option(min=0, max=1, help="Share of backend calls that fail with 503 (0 to 1)."),
    ] = 0.0,
    duration: Annotated[
        float,
        typer.Option(min=0, help="Seconds the backend stays slow before the hypothesis check."),
    ] = defaults.PAUSE,
    page_timeout: Annotated[
        float,
        typer.Option(min=0.001, help="Seconds the hypothesis waits for the frontend's page."),
    ] = defaults.PAGE_TIMEOUT,
    service: Annotated[
        str, typer.Option(help="The backend's Service (its pods must accept faults).")
    ] = BACKEND_SERVICE,
    namespace: Namespace = defaults.NAMESPACE,
    frontend_url: FrontendUrl = None,
) -> None:
    """Make the backend slow (a delay, optionally a share of errors), then check the hypothesis.

    Hypothesis, before and after: all pods Running and Ready; GET on the frontend is 200
    within --page-timeout. The rollback makes the backend fast again.
    """
    from chaos.experiment.builtin import LatencyChaos

    check_namespace(namespace, options.allow_system_namespaces)
    if not service.strip():
        fail("--service must not be empty.")
    running.pause_ok(duration)
    session = running.start(options)
    chaos = LatencyChaos(
        namespace=namespace,
        delay=delay,
        error_share=error_share,
        duration=duration,
        service=service,
        page_timeout=page_timeout,
    )
    raise typer.Exit(running.finish(session.run_builtin(chaos, frontend_url)))

"""``chaosrun latency``: make a Service slow for a while, then check the hypothesis."""

from __future__ import annotations

import typer

from chaos.cli import running
from chaos.cli.options import Values, declared

EPILOG = (
    "Example: chaosrun latency --service backend --delay 1.5 --error-share 0.1 --duration 10\n\n"
    "A fault proxy goes in front of the Service's pods (a shadow Service selects them, a proxy "
    "Deployment running `chaosrun proxy` in CHAOSRUN_PROXY_IMAGE forwards to it, the Service's "
    "selector is swapped to the proxy once it is Ready): every answer comes --delay seconds late "
    "and --error-share of the calls get 503, for --duration seconds; then the hypothesis is "
    "checked (the page must answer 200 within --page-timeout) and the rollback swaps the selector "
    "back and deletes the proxy, also on Ctrl-C or SIGTERM. The original selector is in the run "
    "record before anything changes, so `chaosrun restore` undoes it after a run that was killed."
)


@declared("latency")
def latency(values: Values) -> None:
    """Make a Service slow through a fault proxy (a delay, optionally a share of errors), then
    check the hypothesis.

    Hypothesis, before and after: all pods Running and Ready; GET on the frontend is 200
    within --page-timeout. The rollback takes the proxy away.
    """
    raise typer.Exit(running.execute("latency", values))

"""The options every run command shares, declared once and added to each command's signature.

``run_options`` appends them to a command's own parameters (Typer reads the signature) and
hands the command one ``RunOptions`` built from them, instead of fourteen arguments.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from chaos import defaults
from chaos.cli.logs import setup_logging
from chaos.drivers.factory import Target, TargetRef
from chaos.engine.options import Outputs, RunOptions

FrontendUrl = Annotated[
    str | None,
    typer.Option(
        help="Frontend URL to check; default: the 'frontend' Service's load-balancer address."
    ),
]
Pause = Annotated[
    float, typer.Option(min=0, help="Seconds to wait after the chaos before checking again.")
]
Namespace = Annotated[
    str, typer.Option("--namespace", "-n", help="Kubernetes namespace of the targets.")
]
Verbose = Annotated[
    bool, typer.Option("--verbose", "-v", help="Also log activity outputs and tracebacks.")
]


def _option(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


SHARED = [
    _option(
        "journal_path",
        Annotated[
            Path, typer.Option("--journal-path", help="Where to write the run journal (JSON).")
        ],
        defaults.JOURNAL_PATH,
    ),
    _option(
        "dry_run",
        Annotated[
            bool,
            typer.Option(
                "--dry-run",
                help="Print the exact pods/Deployments that would be hit; change nothing "
                "(no probes, no pauses, no journal).",
            ),
        ],
        False,
    ),
    _option(
        "seed",
        Annotated[
            int | None,
            typer.Option(
                help="Seed for random pod selection (recorded in the journal to replay a run)."
            ),
        ],
        None,
    ),
    _option("verbose", Verbose, False),
    _option(
        "target",
        Annotated[
            Target,
            typer.Option(
                "--target",
                help="Where the chaos happens: a Kubernetes cluster, or the local supervisord "
                "stack.",
            ),
        ],
        Target.kubernetes,
    ),
    _option(
        "context",
        Annotated[
            str | None, typer.Option(help="kubeconfig context to use (default: the current one).")
        ],
        None,
    ),
    _option(
        "kubeconfig",
        Annotated[
            str | None,
            typer.Option(
                help="kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)."
            ),
        ],
        None,
    ),
    _option(
        "state_dir",
        Annotated[
            Path | None, typer.Option(help="State directory of the local stack (--target local).")
        ],
        None,
    ),
    _option(
        "allow_system_namespaces",
        Annotated[
            bool,
            typer.Option(
                "--allow-system-namespaces",
                help="Allow chaos in kube-system, kube-public and kube-node-lease (refused "
                "otherwise).",
            ),
        ],
        False,
    ),
    _option(
        "probe_interval",
        Annotated[
            float,
            typer.Option(min=0.001, help="Seconds between the live measurement's requests."),
        ],
        defaults.PROBE_INTERVAL,
    ),
    _option(
        "breaker_url",
        Annotated[
            str | None,
            typer.Option(
                help="v2 breaker endpoint to sample during the measurement "
                "(default: <frontend-url>/breaker when the frontend serves it)."
            ),
        ],
        None,
    ),
    _option(
        "no_measure",
        Annotated[
            bool,
            typer.Option("--no-measure", help="Do not probe the frontend while the chaos runs."),
        ],
        False,
    ),
    _option(
        "record_in_cluster",
        Annotated[
            bool,
            typer.Option(
                "--record-in-cluster",
                envvar="CHAOSRUN_RECORD_IN_CLUSTER",
                help="Also keep the run record (the snapshots of what is deleted) in a ConfigMap "
                "beside the Deployment, so `chaosrun restore` can put it back from another "
                "machine.",
            ),
        ],
        False,
    ),
    _option(
        "print_journal",
        Annotated[
            bool,
            typer.Option(
                "--print-journal",
                envvar="CHAOSRUN_PRINT_JOURNAL",
                help="Also print the journal at the end, as one JSON line on stdout (for "
                "`kubectl logs`).",
            ),
        ],
        False,
    ),
    _option(
        "slo",
        Annotated[
            list[str] | None,
            typer.Option(
                "--slo",
                help="SLO gate on the live measurement, e.g. 'availability>=99.5%', "
                "'p99<=250ms', 'outage<=2s', 'recovery<=5s', 'first_error>=1s', "
                "'errors[connect]<=0'. Repeatable; one not met makes the run deviated.",
            ),
        ],
        None,
    ),
    _option(
        "abort_if",
        Annotated[
            list[str] | None,
            typer.Option(
                "--abort-if",
                help="Stop the run (interrupted, rolled back) as soon as the live measurement "
                "meets this rule, e.g. 'availability<50%'. Same grammar as --slo; repeatable.",
            ),
        ],
        None,
    ),
    _option(
        "report",
        Annotated[Path | None, typer.Option(help="Write the HTML report here at the end.")],
        None,
    ),
    _option(
        "junit",
        Annotated[Path | None, typer.Option(help="Write a JUnit XML report here at the end.")],
        None,
    ),
    _option(
        "events_file",
        Annotated[
            Path | None,
            typer.Option(help="Write the run's events here as they happen (NDJSON, flushed)."),
        ],
        None,
    ),
    _option(
        "metrics_file",
        Annotated[
            Path | None,
            typer.Option(help="Write the results as Prometheus metrics (textfile format)."),
        ],
        None,
    ),
    _option(
        "pushgateway",
        Annotated[
            str | None, typer.Option(help="Push the results to this Prometheus Pushgateway URL.")
        ],
        None,
    ),
]
SHARED_NAMES = frozenset(p.name for p in SHARED)


def build_run_options(values: dict[str, Any]) -> RunOptions:
    state_dir = values["state_dir"]
    return RunOptions(
        target=TargetRef(
            values["target"],
            values["context"],
            values["kubeconfig"],
            str(state_dir) if state_dir else None,
        ),
        journal_path=values["journal_path"],
        dry_run=values["dry_run"],
        seed=values["seed"],
        allow_system_namespaces=values["allow_system_namespaces"],
        probe_interval=values["probe_interval"],
        measure=not values["no_measure"],
        breaker_url=values["breaker_url"],
        record_in_cluster=values["record_in_cluster"],
        print_journal=values["print_journal"],
        slo=tuple(values["slo"] or ()),
        abort_if=tuple(values["abort_if"] or ()),
        outputs=Outputs(
            report=values["report"],
            junit=values["junit"],
            events=values["events_file"],
            metrics=values["metrics_file"],
            pushgateway=values["pushgateway"],
        ),
    )


def run_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``command(options: RunOptions, **its own options)`` becomes a Typer command with the
    shared options too; logging is set up from ``--verbose`` before it runs."""
    own = [
        p
        for p in inspect.signature(command, eval_str=True).parameters.values()
        if p.name != "options"
    ]

    @functools.wraps(command)
    def wrapper(**values: Any) -> Any:
        shared = {name: values.pop(name) for name in SHARED_NAMES}
        setup_logging(shared["verbose"])
        return command(options=build_run_options(shared), **values)

    wrapper.__signature__ = inspect.Signature([*own, *SHARED])  # type: ignore[attr-defined]
    return wrapper

"""``chaosrun pod``, ``deployment``, ``run`` and ``validate``."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from chaos.actions.context import SYSTEM_NAMESPACES, RunContext
from chaos.actions.registry import is_native_module, lookup
from chaos.cli.common import (
    Target,
    check_journal_path,
    connect,
    driver_factory,
    fail,
    guard_namespace,
    print_measurement,
    warn_unfinished_records,
)
from chaos.cli.logs import setup_logging
from chaos.drivers.base import DriverError, NotFound
from chaos.drivers.factory import DriverFactory
from chaos.drivers.labels import SelectorError, parse_selector
from chaos.records.store import RecordStore
from chaos.records.writer import RecordWriter

if TYPE_CHECKING:
    from chaos.experiment import ExperimentError

logger = logging.getLogger("chaosrun")

# -- options shared by the commands that run something ----------------------------------
Namespace = Annotated[
    str, typer.Option("--namespace", "-n", help="Kubernetes namespace of the targets.")
]
Context = Annotated[
    str | None, typer.Option(help="kubeconfig context to use (default: the current one).")
]
Kubeconfig = Annotated[
    str | None,
    typer.Option(help="kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)."),
]
JournalPath = Annotated[
    Path, typer.Option("--journal-path", help="Where to write the run journal (JSON).")
]
DryRun = Annotated[
    bool,
    typer.Option(
        "--dry-run",
        help="Print the exact pods/Deployments that would be hit; change nothing "
        "(no probes, no pauses, no journal).",
    ),
]
Seed = Annotated[
    int | None,
    typer.Option(help="Seed for random pod selection (recorded in the journal to replay a run)."),
]
Verbose = Annotated[
    bool, typer.Option("--verbose", "-v", help="Also log activity outputs and tracebacks.")
]
TargetOpt = Annotated[
    Target,
    typer.Option(
        "--target",
        help="Where the chaos happens: a Kubernetes cluster, or the local supervisord stack.",
    ),
]
StateDir = Annotated[
    Path | None, typer.Option(help="State directory of the local stack (--target local).")
]
AllowSystem = Annotated[
    bool,
    typer.Option(
        "--allow-system-namespaces",
        help="Allow chaos in kube-system, kube-public and kube-node-lease (refused otherwise).",
    ),
]
FrontendUrl = Annotated[
    str | None,
    typer.Option(
        help="Frontend URL to check; default: the 'frontend' Service's load-balancer address."
    ),
]
Pause = Annotated[
    float, typer.Option(min=0, help="Seconds to wait after the chaos before checking again.")
]
ProbeInterval = Annotated[
    float,
    typer.Option(min=0.001, help="Seconds between the live measurement's requests."),
]
BreakerUrl = Annotated[
    str | None,
    typer.Option(
        help="v2 breaker endpoint to sample during the measurement "
        "(default: <frontend-url>/breaker when the frontend serves it)."
    ),
]
NoMeasure = Annotated[
    bool, typer.Option("--no-measure", help="Do not probe the frontend while the chaos runs.")
]
PrintJournal = Annotated[
    bool,
    typer.Option(
        "--print-journal",
        envvar="CHAOSRUN_PRINT_JOURNAL",
        help="Also print the journal at the end, as one JSON line on stdout (for `kubectl logs`).",
    ),
]
RecordInCluster = Annotated[
    bool,
    typer.Option(
        "--record-in-cluster",
        envvar="CHAOSRUN_RECORD_IN_CLUSTER",
        help="Also keep the run record (the snapshots of what is deleted) in a ConfigMap beside "
        "the Deployment, so `chaosrun restore` can put it back from another machine.",
    ),
]


def _selection_ok(selector: str | None, name_pattern: str | None) -> None:
    """A selector that parses; a blank one only when a name pattern narrows the choice."""
    if not (selector or "").strip() and not (name_pattern or "").strip():
        fail(
            "--selector must not be empty without --name-pattern "
            "(chaosrun never terminates every pod of a namespace)."
        )
    if selector:
        try:
            parse_selector(selector)
        except SelectorError as exc:
            fail(f"--selector: {exc}.")


def _pause_ok(pause: float) -> None:
    from chaos.experiment import pause_problem

    if problem := pause_problem(pause):
        fail(f"--pause {problem}.")


def _invalid(exc: ExperimentError) -> NoReturn:
    """An experiment that does not load or validate: each problem on its line, exit 2."""
    from chaos.cli.validating import report_invalid

    raise typer.Exit(report_invalid(exc)) from None


def _execute(
    raw: dict[str, Any],
    *,
    source: str,
    factory: DriverFactory,
    driver: Any,
    dry_run: bool,
    seed: int | None,
    allow_system: bool,
    journal_path: Path,
    measure_url: str | None,
    probe_interval: float,
    variables: dict[str, Any] | None = None,
    breaker_url: str | None = None,
    namespace: str | None = None,
    record_in_cluster: bool = False,
    print_journal: bool = False,
) -> int:
    """Validate ``raw`` and run it; return the exit code."""
    from chaos.engine.config import ConfigurationError, resolve_configuration, resolve_secrets
    from chaos.engine.runner import RunSettings, run_experiment
    from chaos.experiment import ExperimentError, validate_experiment

    logger.info("Validating the experiment's syntax")
    try:
        experiment = validate_experiment(raw, source=source)
    except ExperimentError as exc:
        _invalid(exc)
    logger.info("Experiment looks valid")
    try:
        configuration = resolve_configuration(experiment.configuration, variables)
        secrets = resolve_secrets(experiment.secrets)
    except ConfigurationError as exc:
        fail(f"{exc}.")
    if driver is None and _uses_target(experiment, configuration, allow_system, namespace):
        driver = connect(factory, factory.ref.kind)
    ctx = RunContext(
        driver_factory=(lambda: driver) if driver is not None else factory,
        dry_run=dry_run,
        seed=seed,
        allow_system_namespaces=allow_system,
        namespace=namespace,
        records=None
        if dry_run
        else RecordWriter(
            RecordStore(),
            factory.ref.pinned,
            experiment=str(experiment.title),
            journal_path=str(journal_path.resolve()),
            mirror=driver if record_in_cluster else None,
        ),
    )
    if seed is not None:
        ctx.record["seed"] = seed
    settings = RunSettings(
        configuration=configuration,
        secrets=secrets,
        dry_run=dry_run,
        measure_url=measure_url,
        breaker_url=breaker_url if measure_url else None,
        probe_interval=probe_interval,
        journal_path=journal_path,
        print_journal=print_journal,
    )
    result = run_experiment(experiment, raw, ctx, settings)
    if result.measurement is not None:
        print_measurement(result.measurement)
    return result.exit_code


def _uses_target(
    experiment: Any, configuration: dict[str, Any], allow_system: bool, namespace: str | None
) -> bool:
    """True when an activity needs the cluster; refuses system namespaces up front."""
    from chaos.engine.config import substitute
    from chaos.experiment.model import PythonProvider

    uses = False
    for activity in experiment.activities():
        provider = activity.provider
        if not isinstance(provider, PythonProvider) or not is_native_module(provider.module):
            continue
        uses = True
        native = lookup(provider.module, provider.func)
        ns = substitute(provider.arguments.get("ns", namespace or "default"), configuration)
        if native is not None and native.destructive and ns in SYSTEM_NAMESPACES:
            guard_namespace(str(ns), allow_system)
    return uses


UNKNOWN_FRONTEND = "http://frontend.unknown/"


def _frontend_url(driver: Any, given: str | None, namespace: str, dry_run: bool = False) -> str:
    """--frontend-url, else the frontend Service's address; a dry run can do without."""
    if given:
        if not re.match(r"^https?://", given):
            fail(f"--frontend-url must start with http:// or https:// (got {given!r}).")
        return given
    try:
        url = driver.service_url("frontend", namespace)
    except DriverError as exc:
        if dry_run:
            return UNKNOWN_FRONTEND
        fail(f"cannot read the 'frontend' Service: {exc}")
    if not url:
        if dry_run:
            return UNKNOWN_FRONTEND
        fail(
            f"the 'frontend' Service in namespace '{namespace}' has no load-balancer address; "
            "pass --frontend-url."
        )
    return str(url)


def _breaker_url(given: str | None, frontend: str, measuring: bool) -> str | None:
    """The breaker endpoint to sample: the option, else v2's ``/breaker`` if it answers."""
    if given or not measuring:
        return given
    import httpx

    candidate = frontend.rstrip("/") + "/breaker"
    try:
        response = httpx.get(candidate, timeout=1.0)
        found = response.status_code == 200 and "state" in response.json()
    except (httpx.HTTPError, ValueError, TypeError):
        return None
    return candidate if found else None


def _connect(
    target: Target, context: str | None, kubeconfig: str | None, state_dir: Path | None
) -> tuple[DriverFactory, Any]:
    """The driver factory for the target and a driver already connected with it."""
    factory = driver_factory(target, context, kubeconfig, state_dir)
    return factory, connect(factory, target)


def _run_builtin(
    build: Callable[[str], dict[str, Any]],
    *,
    source: str,
    factory: DriverFactory,
    driver: Any,
    namespace: str,
    frontend_url: str | None,
    dry_run: bool,
    seed: int | None,
    allow_system: bool,
    journal_path: Path,
    probe_interval: float,
    breaker_url: str | None,
    no_measure: bool,
    record_in_cluster: bool = False,
    print_journal: bool = False,
) -> NoReturn:
    """``pod`` and ``deployment``: find the frontend, build the experiment against it, run it
    measuring the frontend (unless --no-measure or a dry run) and exit with its code."""
    url = _frontend_url(driver, frontend_url, namespace, dry_run)
    measuring = not (no_measure or dry_run)
    code = _execute(
        build(url),
        source=source,
        factory=factory,
        driver=driver,
        dry_run=dry_run,
        seed=seed,
        allow_system=allow_system,
        journal_path=journal_path,
        measure_url=url if measuring else None,
        probe_interval=probe_interval,
        breaker_url=_breaker_url(breaker_url, url, measuring),
        record_in_cluster=record_in_cluster,
        print_journal=print_journal,
    )
    raise typer.Exit(code)


POD_EPILOG = (
    "Example: chaosrun pod --selector app=front --pause 10 --journal-path pod.json\n\n"
    "A selector that matches no pod fails the action: status failed, exit 1."
)


def pod(
    selector: Annotated[
        str | None,
        typer.Option(
            help="Label selector of the pods to terminate (empty only with --name-pattern)."
        ),
    ] = "app=front",
    name_pattern: Annotated[
        str | None, typer.Option(help="Regular expression searched in the pod names.")
    ] = None,
    qty: Annotated[int, typer.Option(min=0, help="How many pods (or percent with --mode).")] = 1,
    mode: Annotated[str, typer.Option(help="fixed or percentage.")] = "fixed",
    all_pods: Annotated[bool, typer.Option("--all", help="Terminate every matching pod.")] = False,
    rand: Annotated[bool, typer.Option("--rand", help="Pick the pods at random.")] = False,
    order: Annotated[str, typer.Option(help="alphabetic or oldest (first pods hit).")] = (
        "alphabetic"
    ),
    grace_period: Annotated[
        int | None, typer.Option(min=0, help="Grace period in seconds (default: the pod's).")
    ] = None,
    namespace: Namespace = "default",
    frontend_url: FrontendUrl = None,
    pause: Pause = 10.0,
    journal_path: JournalPath = Path("journal.json"),
    dry_run: DryRun = False,
    seed: Seed = None,
    verbose: Verbose = False,
    target: TargetOpt = Target.kubernetes,
    context: Context = None,
    kubeconfig: Kubeconfig = None,
    state_dir: StateDir = None,
    allow_system_namespaces: AllowSystem = False,
    probe_interval: ProbeInterval = 0.1,
    breaker_url: BreakerUrl = None,
    no_measure: NoMeasure = False,
    print_journal: PrintJournal = False,
) -> None:
    """Terminate the frontend pod(s), pause, then check the steady-state hypothesis.

    Hypothesis, before and after: all pods Running and Ready; GET on the frontend is 200.
    """
    from chaos.actions.pods import MODES, ORDERS
    from chaos.cli.builders import pod_experiment

    setup_logging(verbose)
    guard_namespace(namespace, allow_system_namespaces)
    if mode not in MODES:
        fail(f"--mode must be one of {', '.join(MODES)} (got {mode!r}).")
    if order not in ORDERS:
        fail(f"--order must be one of {', '.join(ORDERS)} (got {order!r}).")
    if mode == "percentage" and qty > 100:
        fail(f"--qty must be at most 100 with --mode percentage (got {qty}).")
    if name_pattern:
        try:
            re.compile(name_pattern)
        except re.error as exc:
            fail(f"--name-pattern {name_pattern!r} is not a valid regular expression ({exc}).")
    _selection_ok(selector, name_pattern)
    _pause_ok(pause)
    check_journal_path(journal_path)
    warn_unfinished_records()
    factory, driver = _connect(target, context, kubeconfig, state_dir)
    _run_builtin(
        lambda url: pod_experiment(
            namespace=namespace,
            frontend_url=url,
            pause=pause,
            label_selector=selector,
            name_pattern=name_pattern,
            qty=qty,
            mode=mode,
            all_pods=all_pods,
            rand=rand,
            order=order,
            grace_period=grace_period,
        ),
        source="pod experiment",
        factory=factory,
        driver=driver,
        namespace=namespace,
        frontend_url=frontend_url,
        dry_run=dry_run,
        seed=seed,
        allow_system=allow_system_namespaces,
        journal_path=journal_path,
        probe_interval=probe_interval,
        breaker_url=breaker_url,
        no_measure=no_measure,
        print_journal=print_journal,
    )


DEPLOYMENT_EPILOG = (
    "Example: chaosrun deployment --name back --pause 10 --journal-path deployment.json\n\n"
    "A Deployment that does not exist is bad input (exit 2, nothing is run). With v1 the "
    "frontend fails without its backend: status deviated, exit 1; with v2 it falls back: "
    "completed, exit 0. The Deployment is restored from its snapshot in every case "
    "(failure, deviation, Ctrl-C) unless --no-rollback."
)


def deployment(
    name: Annotated[str, typer.Option(help="The Deployment to delete.")] = "back",
    no_rollback: Annotated[
        bool, typer.Option("--no-rollback", help="Leave the Deployment deleted afterwards.")
    ] = False,
    namespace: Namespace = "default",
    frontend_url: FrontendUrl = None,
    pause: Pause = 10.0,
    journal_path: JournalPath = Path("journal.json"),
    dry_run: DryRun = False,
    seed: Seed = None,
    verbose: Verbose = False,
    target: TargetOpt = Target.kubernetes,
    context: Context = None,
    kubeconfig: Kubeconfig = None,
    state_dir: StateDir = None,
    allow_system_namespaces: AllowSystem = False,
    probe_interval: ProbeInterval = 0.1,
    breaker_url: BreakerUrl = None,
    no_measure: NoMeasure = False,
    record_in_cluster: RecordInCluster = False,
    print_journal: PrintJournal = False,
) -> None:
    """Delete the backend Deployment, pause, check the hypothesis, then restore it.

    A snapshot taken before the delete is the rollback; the journal records time to restore.
    """
    from chaos.cli.builders import deployment_experiment

    setup_logging(verbose)
    guard_namespace(namespace, allow_system_namespaces)
    if not name.strip():
        fail("--name must not be empty (chaosrun never deletes every Deployment).")
    _pause_ok(pause)
    check_journal_path(journal_path)
    warn_unfinished_records()
    factory, driver = _connect(target, context, kubeconfig, state_dir)
    try:
        driver.get_deployment(name, namespace)
    except NotFound:
        fail(f"Deployment '{name}' not found in namespace '{namespace}'; nothing to delete.")
    except DriverError as exc:
        fail(f"cannot read Deployment '{name}': {exc}")
    _run_builtin(
        lambda url: deployment_experiment(
            namespace=namespace, frontend_url=url, pause=pause, name=name, rollback=not no_rollback
        ),
        source="deployment experiment",
        factory=factory,
        driver=driver,
        namespace=namespace,
        frontend_url=frontend_url,
        dry_run=dry_run,
        seed=seed,
        allow_system=allow_system_namespaces,
        journal_path=journal_path,
        probe_interval=probe_interval,
        breaker_url=breaker_url,
        no_measure=no_measure,
        record_in_cluster=record_in_cluster,
        print_journal=print_journal,
    )


RUN_EPILOG = (
    "Example: chaosrun run experiments/pod.json --var frontend_url=http://127.0.0.1:8080/\n\n"
    "Stricter than the Chaos Toolkit: a hypothesis not met before the method stops the run "
    "(failed, exit 1); an action that raises fails the run (a missing Deployment is such a "
    "failure, exit 1); rollbacks are played whenever the method started, also after a "
    "failure, a deviation or Ctrl-C, and a failed rollback fails the run; a pod "
    "termination with neither a label selector nor a name pattern is refused. "
    "Exit codes: 0 completed, 1 deviated/failed/interrupted, "
    "2 bad input (invalid file, bad option, cluster unreachable)."
)


def run(
    file: Annotated[Path, typer.Argument(help="Experiment file, JSON or YAML.")],
    var: Annotated[
        list[str] | None,
        typer.Option(
            "--var",
            help="Override a configuration entry: key=value or key:type=value "
            "(type: str, int, float, bool, json). Repeatable.",
        ),
    ] = None,
    measure_url: Annotated[
        str | None, typer.Option(help="URL to probe continuously during the method.")
    ] = None,
    namespace: Annotated[
        str | None,
        typer.Option(
            "--namespace",
            "-n",
            help="Namespace for chaosk8s functions whose arguments name none (default: default).",
        ),
    ] = None,
    journal_path: JournalPath = Path("journal.json"),
    dry_run: DryRun = False,
    seed: Seed = None,
    verbose: Verbose = False,
    target: TargetOpt = Target.kubernetes,
    context: Context = None,
    kubeconfig: Kubeconfig = None,
    state_dir: StateDir = None,
    allow_system_namespaces: AllowSystem = False,
    probe_interval: ProbeInterval = 0.1,
    breaker_url: Annotated[
        str | None, typer.Option(help="v2 breaker endpoint to sample with --measure-url.")
    ] = None,
    no_measure: NoMeasure = False,
    record_in_cluster: RecordInCluster = False,
    print_journal: PrintJournal = False,
) -> None:
    """Run a Chaos Toolkit experiment file (chaosk8s functions need no extension)."""
    from chaos.engine.config import ConfigurationError, parse_var
    from chaos.experiment import ExperimentError, load_raw

    setup_logging(verbose)
    variables: dict[str, Any] = {}
    for item in var or []:
        try:
            key, value = parse_var(item)
        except ConfigurationError as exc:
            fail(f"{exc}.")
        variables[key] = value
    if measure_url and not re.match(r"^https?://", measure_url):
        fail(f"--measure-url must start with http:// or https:// (got {measure_url!r}).")
    check_journal_path(journal_path)
    warn_unfinished_records()
    try:
        raw = load_raw(file)
    except ExperimentError as exc:
        _invalid(exc)
    code = _execute(
        raw,
        source=str(file),
        factory=driver_factory(target, context, kubeconfig, state_dir),
        driver=None,
        dry_run=dry_run,
        seed=seed,
        allow_system=allow_system_namespaces,
        journal_path=journal_path,
        measure_url=None if no_measure else measure_url,
        probe_interval=probe_interval,
        variables=variables,
        breaker_url=breaker_url,
        namespace=namespace,
        record_in_cluster=record_in_cluster,
        print_journal=print_journal,
    )
    raise typer.Exit(code)


VALIDATE_EPILOG = "Example: chaosrun validate experiments/deployment.yaml"


def validate(
    file: Annotated[Path, typer.Argument(help="Experiment file, JSON or YAML.")],
    verbose: Verbose = False,
) -> None:
    """Validate an experiment file without running it (nothing is contacted)."""
    from chaos.cli.validating import validate_file

    raise typer.Exit(validate_file(file, verbose))


def register(app: typer.Typer) -> None:
    app.command(epilog=POD_EPILOG)(pod)
    app.command(epilog=DEPLOYMENT_EPILOG)(deployment)
    app.command(epilog=RUN_EPILOG)(run)
    app.command(epilog=VALIDATE_EPILOG)(validate)

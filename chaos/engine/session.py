"""The application layer: one run, from options to result, for the CLI and the demo alike.

A ``Session`` takes a ``RunOptions`` (what every run takes), checks what can be checked before
any chaos (namespace, journal path, the target answering, the Deployment existing), builds or
validates the experiment, runs it with its run record, and returns the ``RunResult``. It raises
``chaos.errors`` exceptions and prints nothing: the caller decides how to show them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from chaos.actions.context import RunContext
from chaos.defaults import FRONTEND_SERVICE
from chaos.drivers.base import Driver, DriverError, NotFound, Unauthorized
from chaos.drivers.factory import DriverFactory, Target
from chaos.engine.blast import check_before, limits_of, touched
from chaos.engine.breaker_url import breaker_url
from chaos.engine.guarding import guard_run
from chaos.engine.inputs import RunInputs
from chaos.engine.options import (
    RunOptions,
    check_journal_path,
    check_namespace,
    check_outputs,
    check_url,
)
from chaos.engine.outputs import write_outputs
from chaos.engine.runner import RunHooks, RunResult, RunSettings, run_experiment
from chaos.engine.slo import parse_rules, rules_of
from chaos.errors import BadInput
from chaos.history.record import prepare_recording, record_run
from chaos.providers import PROVIDERS
from chaos.records.store import RecordStore
from chaos.records.writer import RecordWriter
from services.contract import FAULTS_PATH

if TYPE_CHECKING:
    from chaos.experiment.cutoffs import Builtin

logger = logging.getLogger("chaosrun")

# Stands for the frontend in a dry run that cannot find it: nothing is probed then.
UNKNOWN_FRONTEND = "http://frontend.unknown/"


class Session:
    def __init__(
        self,
        options: RunOptions,
        hooks: RunHooks | None = None,
        driver: Driver | None = None,
    ) -> None:
        self.options = options
        self.hooks = hooks or RunHooks()
        self.factory = DriverFactory(options.target)
        self.driver = driver
        self._prepared = False

    # -- before any chaos ----------------------------------------------------------------

    def prepare(self) -> None:
        """The checks that need no target (the journal path); done once."""
        if not self._prepared:
            if self.options.journal_path is not None:
                check_journal_path(self.options.journal_path)
            parse_rules(self.options.measurement.slo, self.options.measurement.abort_if)
            check_outputs(self.options.outputs)
        self._prepared = True

    def connect(self) -> Driver:
        """The target's driver, checked to answer (``BadInput`` with one sentence if not)."""
        if self.driver is None:
            try:
                driver = self.factory()
                driver.check_reachable()
            except BadInput:
                raise
            except DriverError as exc:  # a target that answers but cannot be used is bad input
                raise BadInput(str(exc)) from None
            except ImportError as exc:
                raise BadInput(
                    f"the {self.options.target.kind.value} target is not available in this "
                    f"installation ({exc})"
                ) from None
            self.driver = driver
        return self.driver

    def frontend_url(self, given: str | None, namespace: str) -> str:
        """``given``, else the frontend Service's address; a dry run can do without."""
        if given:
            check_url("--frontend-url", given)
            return given
        dry_run = self.options.dry_run
        try:
            url = self.connect().service_url(FRONTEND_SERVICE, namespace)
        except BadInput:
            raise
        except DriverError as exc:
            if dry_run:
                return UNKNOWN_FRONTEND
            raise BadInput(f"cannot read the '{FRONTEND_SERVICE}' Service: {exc}") from None
        if not url:
            if dry_run:
                return UNKNOWN_FRONTEND
            raise BadInput(
                f"the '{FRONTEND_SERVICE}' Service in namespace '{namespace}' has no "
                "load-balancer address; pass --frontend-url."
            )
        return str(url)

    def check_deployment(self, name: str, namespace: str) -> None:
        try:
            self.connect().get_deployment(name, namespace)
        except NotFound:
            raise BadInput(
                f"Deployment '{name}' not found in namespace '{namespace}'; nothing to delete."
            ) from None
        except BadInput:
            raise
        except DriverError as exc:
            raise BadInput(f"cannot read Deployment '{name}': {exc}") from None

    def check_scalable(self, kind: str, name: str, namespace: str) -> None:
        """The workload ``chaosrun scale`` names exists, else bad input."""
        from chaos.drivers.base import DEPLOYMENTS, STATEFULSETS

        api = STATEFULSETS if kind == "statefulset" else DEPLOYMENTS
        try:
            self.connect().read_object(api, name, namespace)
        except NotFound:
            raise BadInput(
                f"{api.kind} '{name}' not found in namespace '{namespace}'; nothing to scale."
            ) from None
        except BadInput:
            raise
        except DriverError as exc:
            raise BadInput(f"cannot read {api.kind} '{name}': {exc}") from None

    def check_faults(self, service: str, namespace: str) -> None:
        """The Service's backend takes faults from us (and our token), else bad input."""
        from chaos.actions.backend import fault_headers, faults_off, token_refused

        driver = self.connect()
        try:
            headers = fault_headers(driver, service, namespace)
            driver.call_service(service, namespace, "GET", FAULTS_PATH, None, headers)
        except NotFound:
            raise BadInput(faults_off(service, namespace) + ".") from None
        except Unauthorized:
            raise BadInput(token_refused(service, namespace) + ".") from None
        except BadInput:
            raise
        except DriverError as exc:
            raise BadInput(f"cannot reach Service '{service}': {exc}") from None

    def check_proxyable(self, service: str, namespace: str) -> None:
        """The fault proxy can go in front of the Service, else bad input."""
        from chaos.actions.service import refusal

        try:
            info = self.connect().get_service(service, namespace)
        except BadInput:
            raise
        except DriverError as exc:
            raise BadInput(f"cannot read Service '{service}': {exc}") from None
        if problem := refusal(service, namespace, info.selector, info.ports):
            raise BadInput(problem + ".")

    # -- runs ----------------------------------------------------------------------------

    def run_builtin(self, chaos: Builtin, frontend_url: str | None = None) -> RunResult:
        """``chaosrun pod`` / ``deployment`` / ``latency``: find the frontend, build the tutorial's
        experiment against it, run it measuring the frontend (unless told not to)."""
        from chaos.experiment.builtin import (
            DeploymentChaos,
            LatencyChaos,
            PodChaos,
            ScaleChaos,
        )
        from chaos.experiment.cutoffs import DrainChaos, PartitionChaos, any_experiment, preflight

        check_namespace(chaos.namespace, self.options.guards.allow_system_namespaces)
        self.prepare()
        self.connect()
        if isinstance(chaos, DeploymentChaos):
            self.check_deployment(chaos.name, chaos.namespace)
        if isinstance(chaos, LatencyChaos):
            if chaos.through_proxy:
                self.check_proxyable(chaos.service, chaos.namespace)
            else:
                self.check_faults(chaos.service, chaos.namespace)
        if isinstance(chaos, ScaleChaos):
            self.check_scalable(chaos.kind, chaos.name, chaos.namespace)
        if isinstance(chaos, PartitionChaos | DrainChaos):
            preflight(chaos, self.connect())
        url = self.frontend_url(frontend_url, chaos.namespace)
        measuring = self.options.measurement.enabled and not self.options.dry_run
        source = getattr(chaos, "source", None) or {
            PodChaos: "pod",
            DeploymentChaos: "deployment",
            ScaleChaos: "scale",
        }.get(type(chaos), "latency")
        source += " experiment"
        return self.run_document(
            any_experiment(chaos, url),
            source=source,
            measure_url=url if measuring else None,
            breaker_url=breaker_url(self.options.measurement.breaker_url, url, measuring),
        )

    def run_document(
        self,
        raw: dict[str, Any],
        *,
        source: str,
        variables: dict[str, Any] | None = None,
        namespace: str | None = None,
        measure_url: str | None = None,
        breaker_url: str | None = None,
        inputs: RunInputs | None = None,
    ) -> RunResult:
        """Validate ``raw`` (``ExperimentError``) and run it."""
        from chaos.engine.config import resolve_configuration, resolve_secrets
        from chaos.engine.inputs import merge_secrets
        from chaos.engine.strategies import resolve_runtime
        from chaos.experiment import validate_experiment

        inputs = inputs or RunInputs()
        self.prepare()
        if inputs.controls:
            from chaos.engine.loading import apply_loader_controls

            apply_loader_controls(inputs.controls, source, raw, inputs.ctk_settings)
        logger.info("Validating the experiment's syntax")
        experiment = validate_experiment(raw, source=source)
        logger.info("Experiment looks valid")
        overrides = {**inputs.configuration, **(variables or {})}
        configuration = resolve_configuration(experiment.configuration, overrides)
        secrets = resolve_secrets(merge_secrets(experiment.secrets, inputs.secrets))
        runtime = resolve_runtime(
            inputs.flags, raw.get("runtime"), inputs.ctk_settings.get("runtime")
        )
        uses_target = self._uses_target(experiment, configuration, namespace)
        if uses_target:
            self.connect()
        options = self.options
        ctx = RunContext(
            driver_factory=(lambda: self.connect()),
            dry_run=options.dry_run,
            seed=options.seed,
            allow_system_namespaces=options.guards.allow_system_namespaces,
            allow_irreversible=options.guards.allow_irreversible,
            namespace=namespace,
            records=None
            if options.dry_run
            else self._record_writer(str(experiment.title), mirrored=uses_target),
        )
        if uses_target:
            touches = touched(experiment, configuration, namespace)
            guard_run(options, self.connect, raw, touches, ctx)
        else:
            ctx.limits = limits_of(raw, options.guards)
        check_before(experiment, configuration, ctx)
        if options.seed is not None:
            ctx.record["seed"] = options.seed
        if options.history.labels:
            ctx.record["labels"] = dict(options.history.labels)
        if not options.measurement.enabled:
            measure_url = None
        rules = rules_of(raw, options.measurement.slo, options.measurement.abort_if)
        if rules and not measure_url and not options.dry_run:
            raise BadInput(
                "SLO gates and abort rules judge the live measurement, which is off: drop "
                "--no-measure (`chaosrun run` also needs --measure-url)."
            )
        settings = RunSettings(
            configuration=configuration,
            secrets=secrets,
            dry_run=options.dry_run,
            measure_url=measure_url,
            breaker_url=(breaker_url or options.measurement.breaker_url) if measure_url else None,
            probe_interval=options.measurement.probe_interval,
            journal_path=options.journal_path,
            gates=() if options.dry_run else rules.gates,
            abort_rules=() if options.dry_run else rules.abort,
            events_file=options.outputs.events,
            dry=inputs.dry,
            runtime=runtime,
            controls=inputs.controls,
            ctk_settings=inputs.ctk_settings,
        )
        if not options.dry_run:
            prepare_recording(options.history)
        result = run_experiment(experiment, raw, ctx, settings, self.hooks)
        if not options.dry_run:
            journal = options.journal_path
            write_outputs(result, options.outputs, journal.name if journal else "journal.json")
            record_run(result.journal, options.history)
        if self.hooks.on_journal is not None:
            self.hooks.on_journal(result.journal)
        return result

    def _record_writer(self, title: str, mirrored: bool) -> RecordWriter:
        """The run's record; kept in the cluster too when asked and the run acts on it."""
        journal = self.options.journal_path
        return RecordWriter(
            RecordStore(),
            self.options.target.pinned,
            experiment=title,
            journal_path=str(journal.resolve()) if journal else None,
            mirror=self._mirror() if mirrored and self.options.record_in_cluster else None,
        )

    def _mirror(self) -> Any:
        from chaos.records.seal import RecordMirror

        driver = self.connect()
        if not isinstance(driver, RecordMirror):
            raise BadInput(f"--record-in-cluster needs a Kubernetes target, not {driver.target}")
        return driver

    def _uses_target(
        self, experiment: Any, configuration: dict[str, Any], namespace: str | None
    ) -> bool:
        """True when an activity needs the target; refuses system namespaces up front."""
        from chaos.engine.config import substitute

        uses = False
        for activity in experiment.activities():
            provider = activity.provider
            use = PROVIDERS[provider.type].target_use(provider.spec(), namespace or "default")
            if use is None:
                continue
            uses = True
            local = self.options.target.kind is Target.local
            refusal = use.refusal or (use.local_refusal if local else None)
            if refusal is None and not self.options.guards.allow_irreversible:
                refusal = use.irreversible
            if refusal is not None:
                raise BadInput(f"activity '{activity.name}': {refusal}")
            ns = substitute(use.namespace, configuration)
            if use.destructive:
                check_namespace(str(ns), self.options.guards.allow_system_namespaces)
        return uses

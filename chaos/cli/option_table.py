"""Every option of ``pod``, ``deployment``, ``scale``, ``latency``, ``partition``, ``drain``,
``run``, ``validate``, ``restore``, ``proxy`` and ``halt``, declared once.

Both readers of a command line are built from this table: the Typer commands' signatures
(``chaos.cli.options``) and the console script's own reading of plain command lines
(``chaos.cli.fastargs``). Adding an option is one ``Option(...)`` here (plus where its value
goes: ``chaos.cli.groups``). Framework-free: the fast path imports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from chaos import defaults
from chaos.drivers.factory import Target
from services.contract import BACKEND_SERVICE

Values = dict[str, Any]  # a command line's values, by the options' names

# text, int, float, path: a value; flag: present or not; target: one of ``Target``
Kind = Literal["text", "int", "float", "path", "flag", "target"]

POD, DEPLOYMENT, LATENCY, RUN = "pod", "deployment", "latency", "run"
SCALE = "scale"
PARTITION, DRAIN = "partition", "drain"
VALIDATE, RESTORE, PROXY, HALT = "validate", "restore", "proxy", "halt"
# The built-in experiments: the tutorial's, the scale of a workload, and the partition and drain
# of its pods and nodes.
BUILTIN = frozenset({POD, DEPLOYMENT, SCALE, LATENCY, PARTITION, DRAIN})
RUNS = BUILTIN | {RUN}  # every command that runs chaos
CHOOSING = RUNS  # every command that runs chaos picks targets: --max-percent
# those whose targets' Ready pods a change takes away (a slowed Service's stay Ready)
FLOORED = CHOOSING - {LATENCY}


@dataclass(frozen=True)
class Option:
    """One option (or positional argument) of one or more commands."""

    name: str  # the command function's parameter
    spellings: tuple[str, ...]  # empty: a positional argument, required
    kind: Kind
    default: Any
    help: str
    commands: frozenset[str]
    envvar: str | None = None
    low: float | None = None
    high: float | None = None
    many: bool = False  # repeatable; the value is a tuple, () when absent
    required: bool = True  # a positional argument that may be left out (its default: None)

    @property
    def argument(self) -> bool:
        return not self.spellings


def _opt(
    name: str,
    kind: Kind,
    default: Any,
    commands: set[str] | frozenset[str],
    help: str,
    *,
    spellings: tuple[str, ...] | None = None,
    **more: Any,
) -> Option:
    """An option spelt ``--name-with-dashes`` unless ``spellings`` says otherwise."""
    spelt = spellings or ("--" + name.replace("_", "-"),)
    return Option(name, spelt, kind, default, help, frozenset(commands), **more)


def _arg(name: str, commands: set[str], help: str, required: bool = True) -> Option:
    """A positional argument (a text, required unless told)."""
    return Option(name, (), "text", None, help, frozenset(commands), required=required)


# One entry per option; ``--help`` lists a command's options in this order.
# fmt: off
OPTIONS: tuple[Option, ...] = (
    _arg("file", {RUN, VALIDATE}, "Experiment file (JSON or YAML), or its http(s) URL."),
    # chaosrun pod
    _opt("selector", "text", defaults.FRONTEND_SELECTOR, {POD},
         "Label selector of the pods to terminate (empty only with --name-pattern)."),
    _opt("name_pattern", "text", None, {POD},
         "Regular expression searched in the pod names."),
    _opt("qty", "int", 1, {POD},
         "How many pods (or percent with --mode).", low=0),
    _opt("mode", "text", "fixed", {POD},
         "fixed or percentage."),
    _opt("all_pods", "flag", False, {POD},
         "Terminate every matching pod.", spellings=("--all",)),
    _opt("rand", "flag", False, {POD},
         "Pick the pods at random."),
    _opt("order", "text", "alphabetic", {POD},
         "alphabetic or oldest (first pods hit)."),
    _opt("grace_period", "int", None, {POD},
         "Grace period in seconds (default: the pod's).", low=0),
    # chaosrun deployment
    _opt("name", "text", defaults.BACKEND_DEPLOYMENT, {DEPLOYMENT},
         "The Deployment to delete."),
    _opt("no_rollback", "flag", False, {DEPLOYMENT},
         "Leave the Deployment deleted afterwards."),
    # chaosrun scale
    _arg("name", {SCALE}, "The Deployment (or StatefulSet, with --kind) to scale."),
    _opt("replicas", "int", None, {SCALE},
         "How many replicas it runs during the chaos (required).", low=0),
    _opt("kind", "text", "deployment", {SCALE},
         "deployment or statefulset."),
    _opt("no_rollback", "flag", False, {SCALE},
         "Leave it at --replicas afterwards (`chaosrun restore` scales it back later)."),
    # chaosrun latency
    _opt("delay", "float", defaults.LATENCY_DELAY, {LATENCY},
         "Seconds every backend answer waits.", low=0, high=300),
    _opt("error_share", "float", 0.0, {LATENCY},
         "Share of backend calls that fail with 503 (0 to 1).", low=0, high=1),
    _opt("duration", "float", defaults.PAUSE, {LATENCY},
         "Seconds the backend stays slow before the hypothesis check.", low=0),
    _opt("page_timeout", "float", defaults.PAGE_TIMEOUT, {LATENCY},
         "Seconds the hypothesis waits for the frontend's page.", low=0.001),
    _opt("service", "text", BACKEND_SERVICE, {LATENCY},
         "The Service to slow down (any Service with one TCP port)."),
    _opt("proxy_image", "text", None, {LATENCY},
         "Image of the fault proxy put in front of the Service on Kubernetes (default: "
         "$CHAOSRUN_PROXY_IMAGE, else the runner image of this version)."),
    # chaosrun partition
    _opt("selector", "text", defaults.PARTITION_SELECTOR, {PARTITION},
         "Label selector of the pods to cut off."),
    _opt("ingress", "flag", False, {PARTITION},
         "Deny traffic into them (without --ingress or --egress: both ways)."),
    _opt("egress", "flag", False, {PARTITION},
         "Deny traffic out of them."),
    _opt("allow_dns", "flag", False, {PARTITION},
         "Still let them look names up (port 53) when their traffic out is denied."),
    # chaosrun drain
    _arg("node", {DRAIN}, "The node to drain (or --node-selector).", required=False),
    _opt("node_selector", "text", None, {DRAIN},
         "Label selector of the nodes to drain, instead of NODE."),
    _opt("timeout", "float", defaults.DRAIN_TIMEOUT, {DRAIN},
         "Seconds the evictions may take (a PodDisruptionBudget's refusal is waited out).",
         low=0),
    _opt("delete_emptydir_data", "flag", False, {DRAIN},
         "Also evict pods with emptyDir volumes (their data is lost; they stay otherwise)."),
    _opt("no_rollback", "flag", False, {PARTITION, DRAIN},
         "Leave the change in place afterwards (`chaosrun restore` undoes it later)."),
    # chaosrun run
    _opt("var", "text", (), {RUN},
         "Override a configuration entry: key=value or key:type=value (type: str, int, float, "
         "bool, json). Repeatable.", many=True),
    _opt("measure_url", "text", None, {RUN},
         "URL to probe continuously during the method."),
    _opt("namespace", "text", None, {RUN},
         "Namespace for chaosk8s functions whose arguments name none (default: default).",
         spellings=("--namespace", "-n")),
    # chaosrun run: the Chaos Toolkit's own options (``chaos run`` 1.19's names)
    _opt("var_file", "path", (), {RUN},
         "JSON or YAML file with 'configuration' and 'secrets' values; --var wins. Repeatable.",
         many=True),
    _opt("control_file", "path", (), {RUN},
         "JSON or YAML file of global controls ({name: control}). Repeatable.", many=True),
    _opt("settings", "path", None, {RUN},
         "Chaos Toolkit settings file (global controls, runtime); default: "
         "~/.chaostoolkit/settings.yaml when it exists."),
    _opt("dry", "text", None, {RUN},
         "actions, probes or activities: run everything but those (they succeed with no output); "
         "pause: skip the pauses. Unlike --dry-run, the rest runs."),
    _opt("rollback_strategy", "text", None, {RUN},
         "default (whenever the method started), always, never or deviated."),
    _opt("hypothesis_strategy", "text", None, {RUN},
         "default (before and after the method), before-method-only, after-method-only, "
         "during-method-only or continuously."),
    _opt("hypothesis_frequency", "float", None, {RUN},
         "Seconds between two checks of the hypothesis during the method (default 1).", low=0.001),
    _opt("fail_fast", "flag", False, {RUN},
         "Stop the run (failed) as soon as a check during the method deviates."),
    # the tutorial's scene: pod, deployment, latency
    _opt("namespace", "text", defaults.NAMESPACE, BUILTIN,
         "Kubernetes namespace of the targets.", spellings=("--namespace", "-n")),
    _opt("frontend_url", "text", None, BUILTIN,
         "Frontend URL to check; default: the 'frontend' Service's load-balancer address."),
    _opt("pause", "float", defaults.PAUSE, {POD, DEPLOYMENT, SCALE, PARTITION, DRAIN},
         "Seconds to wait after the chaos before checking again.", low=0),
    # chaosrun restore
    _opt("dry_run", "flag", False, {RESTORE},
         "List what would be restored; change nothing."),
    _opt("force", "flag", False, {RESTORE},
         "Replace an object that stands with a spec other than the snapshot's "
         "(reported and left alone otherwise)."),
    _opt("yes", "flag", False, {RESTORE},
         "Restore records not written on this machine (kept only in the cluster, or "
         "by another host) without asking first; for scripts.", spellings=("--yes", "-y")),
    _opt("namespace", "text", defaults.NAMESPACE, {RESTORE},
         "Namespace to search for run records kept in the cluster.",
         spellings=("--namespace", "-n")),
    _opt("context", "text", None, {RESTORE},
         "kubeconfig context for records kept in the cluster."),
    _opt("kubeconfig", "text", None, {RESTORE},
         "kubeconfig file for records kept in the cluster."),
    # chaosrun proxy
    _opt("listen", "text", "127.0.0.1:8080", {PROXY},
         "HOST:PORT to listen on (port 0: any free port)."),
    _opt("upstream", "text", None, {PROXY},
         "http://HOST:PORT, or http://HOST:PORT/PREFIX, the requests are forwarded to."),
    _opt("delay", "float", 0.0, {PROXY},
         "Seconds every request waits."),
    _opt("error_share", "float", 0.0, {PROXY},
         "Share of requests answered 503 (0 to 1)."),
    _opt("seed", "int", None, {PROXY},
         "Seed of the choice of failing requests (reproducible)."),
    # chaosrun halt
    _opt("reason", "text", None, {HALT},
         "Why: every run it stops, and every run it refuses, says so."),
    _opt("namespace", "text", defaults.NAMESPACE, {HALT},
         "The namespace to halt chaos in.", spellings=("--namespace", "-n")),
    _opt("all_namespaces", "flag", False, {HALT},
         "Halt chaos in every namespace (or lift it everywhere with --clear).",
         spellings=("--all-namespaces", "-A")),
    _opt("clear", "flag", False, {HALT},
         "Lift the halt: new runs may start again."),
    # every run
    _opt("journal_path", "path", defaults.JOURNAL_PATH, RUNS,
         "Where to write the run journal (JSON)."),
    _opt("dry_run", "flag", False, RUNS,
         "Print the exact pods/Deployments that would be hit; change nothing (no probes, no "
         "pauses, no journal)."),
    _opt("seed", "int", None, {POD, RUN},
         "Seed for the random choice of pods (--rand, or rand in a file); recorded in the "
         "journal to replay a run."),
    _opt("verbose", "flag", False, RUNS | {VALIDATE},
         "Also log activity outputs and tracebacks.", spellings=("--verbose", "-v")),
    _opt("target", "target", Target.kubernetes, RUNS | {HALT},
         "Where the chaos happens: a Kubernetes cluster, or the local supervisord stack."),
    _opt("context", "text", None, RUNS | {HALT},
         "kubeconfig context to use (default: the current one)."),
    _opt("kubeconfig", "text", None, RUNS | {HALT},
         "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)."),
    _opt("state_dir", "path", None, RUNS | {HALT},
         "State directory of the local stack (--target local)."),
    _opt("allow_system_namespaces", "flag", False, RUNS,
         "Allow chaos in kube-system, kube-public and kube-node-lease (refused otherwise)."),
    _opt("max_percent", "float", None, CHOOSING,
         "Refuse a change that hits more than this percent of what matches (pods of a "
         "selector, replicas a scale down removes, nodes of the cluster), before any change "
         "and again right before it.", low=0, high=100),
    _opt("min_healthy", "text", None, FLOORED,
         "N or P%: refuse a change that leaves an affected workload fewer Ready pods, and stop "
         "the run (interrupted, rolled back) if they fall below it meanwhile."),
    _opt("allow_irreversible", "flag", False, RUNS,
         "Allow changes chaosrun cannot undo (delete_namespace, delete_nodes, exec_in_pods, "
         "deleting a Secret the runner may not read); refused before the run otherwise, said in "
         "the journal."),
    _opt("probe_interval", "float", defaults.PROBE_INTERVAL, RUNS,
         "Seconds between the live measurement's requests.", low=0.001),
    _opt("breaker_url", "text", None, RUNS,
         "v2 breaker endpoint to sample during the measurement (default: <frontend-url>/breaker "
         "when the frontend serves it)."),
    _opt("no_measure", "flag", False, RUNS,
         "Do not probe the frontend while the chaos runs."),
    _opt("record_in_cluster", "flag", False, {DEPLOYMENT, SCALE, LATENCY, PARTITION, DRAIN, RUN},
         "Also keep the run record (what the run changes and how to undo it) in a sealed "
         "ConfigMap (a Secret once it holds a Secret's values) in the namespace it changes, so "
         "`chaosrun restore` can undo it from another machine.",
         envvar="CHAOSRUN_RECORD_IN_CLUSTER"),
    _opt("print_journal", "flag", False, RUNS,
         "Also print the journal at the end, as one JSON line on stdout (for `kubectl logs`).",
         envvar="CHAOSRUN_PRINT_JOURNAL"),
    _opt("slo", "text", (), RUNS,
         "SLO gate on the live measurement, e.g. 'availability>=99.5%', 'p99<=250ms', "
         "'outage<=2s', 'recovery<=5s', 'first_error>=1s', 'errors[connect]<=0'. Repeatable; one "
         "not met makes the run deviated.", many=True),
    _opt("abort_if", "text", (), RUNS,
         "Stop the run (interrupted, rolled back) as soon as the live measurement meets this "
         "rule, e.g. 'availability<50%'. Same grammar as --slo; repeatable.", many=True),
    _opt("report", "path", None, RUNS,
         "Write the HTML report here at the end."),
    _opt("junit", "path", None, RUNS,
         "Write a JUnit XML report here at the end."),
    _opt("events_file", "path", None, RUNS,
         "Write the run's events here as they happen (NDJSON, flushed)."),
    _opt("live", "text", None, RUNS,
         "Serve a page that follows the run as it happens on [HOST:]PORT (PORT alone: "
         "127.0.0.1; 0: any free port): / the page, /events its Server-Sent Events, /journal "
         "at the end."),
    _opt("live_linger", "float", 0.0, RUNS,
         "Seconds the --live page stays up after the run ended.", low=0),
    _opt("metrics_file", "path", None, RUNS,
         "Write the results as Prometheus metrics (textfile format)."),
    _opt("pushgateway", "text", None, RUNS,
         "Push the results to this Prometheus Pushgateway URL."),
    _opt("history", "text", None, RUNS,
         "The run history to record this run in: a SQLite file or postgresql://... (default: "
         "$CHAOSRUN_HISTORY, else history.db in the state directory)."),
    _opt("no_history", "flag", False, RUNS,
         "Do not record this run in the history."),
    _opt("label", "text", (), RUNS,
         "A label for this run in the history, key=value (a version, a commit). Repeatable.",
         many=True),
)
# fmt: on


def options_of(command: str) -> list[Option]:
    """``command``'s options and arguments, in the order ``--help`` lists them."""
    return [option for option in OPTIONS if command in option.commands]


def defaults_of(command: str) -> dict[str, Any]:
    """What ``command`` gets for each option not given (arguments are required)."""
    return {o.name: o.default for o in options_of(command) if not o.argument or not o.required}

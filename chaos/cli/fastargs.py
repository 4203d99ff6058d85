"""Read a ``pod``, ``deployment`` or ``run`` command line without the CLI framework.

Typer reading one command line costs more than a 10-pod experiment (it imports pydantic and
builds a validator per option), so the console script reads the plain spellings itself:
long options and ``-n``/``-v`` as ``--opt value`` or ``--opt=value``, values that parse
cleanly and meet the option's bounds. Anything else (``--help``, an unknown or new option, a
value Typer would refuse or coerce, the options' environment variables) returns None and the
command line goes to the Typer app, which gives the usual messages. The values are the ones
Typer hands the command (``tests/chaos/cli/test_fastargs.py`` holds the two to agreement).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chaos import defaults
from chaos.drivers.factory import Target

Parse = Callable[[str], Any]
FLAG: Parse = bool  # marker: an option that takes no value

_INT = re.compile(r"-?[0-9]+")
_FLOAT = re.compile(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


class _Refused(Exception):
    """A command line for the Typer app to answer."""


def _int(low: int | None = None) -> Parse:
    def parse(text: str) -> int:
        if not _INT.fullmatch(text) or (low is not None and int(text) < low):
            raise _Refused
        return int(text)

    return parse


def _float(low: float) -> Parse:
    def parse(text: str) -> float:
        if not _FLOAT.fullmatch(text) or float(text) < low:
            raise _Refused
        return float(text)

    return parse


def _text(text: str) -> str:
    return text


def _path(text: str) -> Path:
    if not text:
        raise _Refused
    return Path(text)


def _target(text: str) -> Target:
    try:
        return Target(text)
    except ValueError:
        raise _Refused from None


# spelling -> (parameter, parse); the shared options of chaos.cli.options.SHARED
SHARED: dict[str, tuple[str, Parse]] = {
    "--journal-path": ("journal_path", _path),
    "--dry-run": ("dry_run", FLAG),
    "--seed": ("seed", _int()),
    "--verbose": ("verbose", FLAG),
    "-v": ("verbose", FLAG),
    "--target": ("target", _target),
    "--context": ("context", _text),
    "--kubeconfig": ("kubeconfig", _text),
    "--state-dir": ("state_dir", _path),
    "--allow-system-namespaces": ("allow_system_namespaces", FLAG),
    "--probe-interval": ("probe_interval", _float(0.001)),
    "--breaker-url": ("breaker_url", _text),
    "--no-measure": ("no_measure", FLAG),
    "--record-in-cluster": ("record_in_cluster", FLAG),
    "--print-journal": ("print_journal", FLAG),
    "--slo": ("slo", _text),
    "--abort-if": ("abort_if", _text),
    "--report": ("report", _path),
    "--junit": ("junit", _path),
    "--events-file": ("events_file", _path),
    "--metrics-file": ("metrics_file", _path),
    "--pushgateway": ("pushgateway", _text),
}
SHARED_DEFAULTS: dict[str, Any] = {
    "journal_path": defaults.JOURNAL_PATH,
    "dry_run": False,
    "seed": None,
    "verbose": False,
    "target": Target.kubernetes,
    "context": None,
    "kubeconfig": None,
    "state_dir": None,
    "allow_system_namespaces": False,
    "probe_interval": defaults.PROBE_INTERVAL,
    "breaker_url": None,
    "no_measure": False,
    "record_in_cluster": False,
    "print_journal": False,
    "slo": (),
    "abort_if": (),
    "report": None,
    "junit": None,
    "events_file": None,
    "metrics_file": None,
    "pushgateway": None,
}
# Options that Typer also reads from the environment: with one set, Typer decides.
ENVVARS = ("CHAOSRUN_RECORD_IN_CLUSTER", "CHAOSRUN_PRINT_JOURNAL")

_SCENE: dict[str, tuple[str, Parse]] = {
    "--namespace": ("namespace", _text),
    "-n": ("namespace", _text),
    "--frontend-url": ("frontend_url", _text),
    "--pause": ("pause", _float(0)),
}
_SCENE_DEFAULTS: dict[str, Any] = {
    "namespace": defaults.NAMESPACE,
    "frontend_url": None,
    "pause": defaults.PAUSE,
}
REPEATABLE = frozenset({"var", "var_file", "control_file", "slo", "abort_if"})
# command -> (its own options, their defaults)
COMMANDS: dict[str, tuple[dict[str, tuple[str, Parse]], dict[str, Any]]] = {
    "pod": (
        {
            "--selector": ("selector", _text),
            "--name-pattern": ("name_pattern", _text),
            "--qty": ("qty", _int(0)),
            "--mode": ("mode", _text),
            "--all": ("all_pods", FLAG),
            "--rand": ("rand", FLAG),
            "--order": ("order", _text),
            "--grace-period": ("grace_period", _int(0)),
            **_SCENE,
        },
        {
            "selector": defaults.FRONTEND_SELECTOR,
            "name_pattern": None,
            "qty": 1,
            "mode": "fixed",
            "all_pods": False,
            "rand": False,
            "order": "alphabetic",
            "grace_period": None,
            **_SCENE_DEFAULTS,
        },
    ),
    "deployment": (
        {"--name": ("name", _text), "--no-rollback": ("no_rollback", FLAG), **_SCENE},
        {"name": defaults.BACKEND_DEPLOYMENT, "no_rollback": False, **_SCENE_DEFAULTS},
    ),
    "run": (
        {
            "--var": ("var", _text),
            "--measure-url": ("measure_url", _text),
            "--namespace": ("namespace", _text),
            "-n": ("namespace", _text),
            # the Chaos Toolkit's own options (chaos.cli.ctk_inputs)
            "--var-file": ("var_file", _path),
            "--control-file": ("control_file", _path),
            "--settings": ("settings", _path),
            "--dry": ("dry", _text),
            "--rollback-strategy": ("rollback_strategy", _text),
            "--hypothesis-strategy": ("hypothesis_strategy", _text),
            "--hypothesis-frequency": ("hypothesis_frequency", _float(0.001)),
            "--fail-fast": ("fail_fast", FLAG),
        },
        {
            "var": (),
            "measure_url": None,
            "namespace": None,
            "var_file": (),
            "control_file": (),
            "settings": None,
            "dry": None,
            "rollback_strategy": None,
            "hypothesis_strategy": None,
            "hypothesis_frequency": None,
            "fail_fast": False,
        },
    ),
}


def parse(args: list[str]) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
    """``(command, its own values, the shared values)``, or None for the Typer app."""
    if not args or args[0] not in COMMANDS or any(name in os.environ for name in ENVVARS):
        return None
    command = args[0]
    spellings, own_defaults = COMMANDS[command]
    own, shared = dict(own_defaults), dict(SHARED_DEFAULTS)
    positional: list[str] = []
    rest = args[1:]
    try:
        while rest:
            arg = rest.pop(0)
            if not arg.startswith("-") or arg == "-":
                positional.append(arg)
                continue
            # "--opt=value"; a short option takes no "=" (Typer would read "-n=x" as "=x")
            name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
            if name in spellings:
                param, read = spellings[name]
                values = own
            elif name in SHARED:
                param, read = SHARED[name]
                values = shared
            else:
                return None  # --help, --, an unknown option, a cluster of short flags
            if read is FLAG:
                if eq:
                    return None
                values[param] = True
                continue
            if not eq:
                if not rest or rest[0].startswith("-"):
                    return None  # Typer decides whether an option's value may look like one
                inline = rest.pop(0)
            if param in REPEATABLE:
                values[param] = [*(values[param] or []), read(inline)]
            else:
                values[param] = read(inline)
    except _Refused:
        return None
    if command == "run":
        if len(positional) != 1 or not positional[0]:
            return None
        own["file"] = positional[0]  # a path or an http(s) URL
    elif positional:
        return None
    return command, own, shared


def main(command: str, own: dict[str, Any], shared: dict[str, Any]) -> int:
    """Run what ``parse`` read, as the Typer command would; the exit code."""
    from chaos.cli import running
    from chaos.cli.logs import setup_logging
    from chaos.errors import ChaosrunError

    setup_logging(shared["verbose"])
    try:
        options = running.build_run_options(shared)
        return int(getattr(running, command)(options, **own))
    except ChaosrunError as exc:
        return running.report(exc)
    except KeyboardInterrupt:  # before or after the run (which handles its own): as Typer does
        print("\nAborted.", file=sys.stderr, flush=True)
        return 1

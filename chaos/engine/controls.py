"""Controls, run as chaostoolkit-lib 1.44 runs them.

A control's module may define ``configure_control``, ``before_/after_`` ``experiment``,
``hypothesis``, ``method``, ``rollback`` and ``activity`` ``_control`` and
``cleanup_control``. Each is called with ``context`` and the control's ``arguments``
(``${name}`` substituted), plus whichever of ``state``, ``experiment``, ``configuration``,
``secrets``, ``extensions`` and ``settings`` its signature names. ``configuration`` and
``secrets`` are the run's own: a control may change them for the activities after it.

A control that raises ``chaoslib.exceptions.InterruptExecution`` (recognised by name, so
chaoslib need not be installed) or ``chaos.errors.InterruptRun`` stops the run: status
``interrupted``, rollbacks per the rollback strategy. Any other error of a control is
logged and the run goes on, as in the Chaos Toolkit; one in ``configure_control`` refuses
the run (a control that cannot start must not be dropped silently). A function that does not
take the arguments given is not called, with a warning (chaostoolkit-lib's ``TypeError``,
logged and passed over). ``ref`` on an activity's control applies that top-level control there.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from chaos.engine import signals
from chaos.engine.config import substitute
from chaos.errors import BadInput, InterruptRun
from chaos.experiment.controls import import_problem

logger = logging.getLogger("chaosrun")

LEVELS = ("experiment", "hypothesis", "method", "rollback", "activity")
_INJECTED = ("secrets", "configuration", "state", "experiment", "extensions", "settings")

# A native control: built once per declaration, it answers the control functions itself.
NativeFactory = Callable[[], object]


def is_interruption(exc: BaseException) -> bool:
    """chaosrun's ``InterruptRun`` or the Chaos Toolkit's ``InterruptExecution``."""
    if isinstance(exc, InterruptRun):
        return True
    return any(
        cls.__name__ == "InterruptExecution" and cls.__module__.startswith("chaoslib")
        for cls in type(exc).__mro__
    )


@dataclass
class Control:
    """One declared control, its module (or native object) loaded."""

    name: str
    module: str
    arguments: dict[str, Any]
    scope: str | None
    automatic: bool
    target: Any  # the imported module, or the native object standing for it

    def function(self, name: str) -> Callable[..., Any] | None:
        found = getattr(self.target, name, None)
        return found if callable(found) else None


@dataclass
class RunScope:
    """What the control functions receive besides their context."""

    experiment: dict[str, Any]
    configuration: dict[str, Any]
    secrets: dict[str, Any]
    settings: dict[str, Any] = field(default_factory=dict)
    # Called after a control ran: it may have changed the configuration or the secrets.
    changed: Callable[[], None] = lambda: None


def fits(control: Control, func: Callable[..., Any], kwargs: dict[str, Any]) -> bool:
    """Whether ``func`` takes ``kwargs``; if not, the call is skipped with a warning, as
    chaostoolkit-lib logs the ``TypeError`` and goes on."""
    try:
        inspect.signature(func).bind(**kwargs)
    except TypeError as exc:
        logger.warning(
            "Control '%s': %s does not take the arguments given (%s); not called",
            control.name,
            getattr(func, "__name__", "a control function"),
            exc,
        )
        return False
    except ValueError:
        pass  # no signature to read: let the call say
    return True


def _key(controls: Any) -> str:
    return json.dumps(controls, sort_keys=True, default=str)


def load_control(declared: Mapping[str, Any], natives: Mapping[str, NativeFactory]) -> Control:
    """A control declaration, loaded (``BadInput`` with one sentence if it cannot be)."""
    provider = declared["provider"]
    module = provider["module"]
    name = declared["name"]
    if module in natives:
        target: Any = natives[module]()
    else:
        if problem := import_problem(module):
            raise BadInput(f"control '{name}': {problem}.")
        target = importlib.import_module(module)
    return Control(
        name=name,
        module=module,
        arguments=dict(provider.get("arguments") or {}),
        scope=declared.get("scope"),
        automatic=bool(declared.get("automatic", True)),
        target=target,
    )


class Controls:
    """The controls of one run, all loaded up front: global ones, the experiment's, the
    hypothesis' and each activity's."""

    def __init__(
        self,
        scope: RunScope,
        global_controls: list[dict[str, Any]],
        natives: Mapping[str, NativeFactory],
    ) -> None:
        self.scope = scope
        experiment = scope.experiment
        self.global_controls = [load_control(c, natives) for c in global_controls]
        self.top = [load_control(c, natives) for c in experiment.get("controls") or []]
        hypothesis = experiment.get("steady-state-hypothesis") or {}
        self.hypothesis = [load_control(c, natives) for c in hypothesis.get("controls") or []]
        # An activity's own controls, by their declaration (the runner hands activities over
        # as fresh dicts): loaded, and later configured, once.
        self._by_activity: dict[str, list[Control]] = {}
        items = [
            *hypothesis.get("probes", []),
            *experiment.get("method", []),
            *experiment.get("rollbacks", []),
        ]
        for item in items:
            if isinstance(item, dict) and item.get("controls"):
                key = _key(item["controls"])
                if key not in self._by_activity:
                    self._by_activity[key] = [load_control(c, natives) for c in item["controls"]]

    def __bool__(self) -> bool:
        return bool(self.all())

    def all(self) -> list[Control]:
        """Every control of the run, each declaration once."""
        own = [c for controls in self._by_activity.values() for c in controls]
        return [*self.global_controls, *self.top, *self.hypothesis, *own]

    # -- lifecycle ------------------------------------------------------------------------
    def configure(self) -> None:
        """``configure_control`` of each control; one that fails refuses the run."""
        for control in self.all():
            func = control.function("configure_control")
            if func is None:
                continue
            kwargs = self._arguments(control, func, None)
            if not fits(control, func, kwargs):
                continue
            try:
                func(**kwargs)
            except Exception as exc:
                raise BadInput(
                    f"control '{control.name}' could not be configured ({exc}); nothing was run."
                ) from None
            self.scope.changed()

    def stop_watching(self) -> None:
        """The chaos is over: native controls that watch (safeguards) stop stopping the run."""
        for control in self.all():
            stop = getattr(control.target, "stop_watching", None)
            if callable(stop):
                stop()

    def cleanup(self) -> None:
        for control in self.all():
            func = control.function("cleanup_control")
            if func is None:
                continue
            try:
                func()
            except Exception as exc:
                logger.warning("Control '%s' failed to clean up: %s", control.name, exc)

    # -- the levels -----------------------------------------------------------------------
    def before(self, level: str, context: Any) -> None:
        self._apply(level, "before", context, None)

    def after(self, level: str, context: Any, state: Any) -> None:
        self._apply(level, "after", context, state)

    def _applicable(self, level: str, context: Any) -> list[Control]:
        own: list[Control] = []
        if level == "hypothesis":
            own = self.hypothesis
        elif level == "activity" and isinstance(context, dict) and context.get("controls"):
            own = self._by_activity.get(_key(context["controls"]), [])
            refs = {c.get("ref") for c in context["controls"] if isinstance(c, dict)}
            own = [*own, *(c for c in self.top if c.name in refs)]
        names = {c.name for c in own}
        top = [
            c for c in self.top if c.name not in names and (level == "experiment" or c.automatic)
        ]
        return [*self.global_controls, *top, *own]

    def _apply(self, level: str, scope: str, context: Any, state: Any) -> None:
        name = f"{scope}_{level}_control"
        for control in self._applicable(level, context):
            try:
                stop = invoke(control, name, scope, self.scope, context, state)
            finally:
                self.scope.changed()
            if stop is not None:
                reason = f"{str(stop) or type(stop).__name__} (control '{control.name}')"
                logger.critical("Control '%s' interrupted the run: %s", control.name, stop)
                # Also seen by the main thread when this control ran in a background one.
                signals.request_stop(reason)
                raise signals.Interrupted(reason, requested=True)

    def _arguments(self, control: Control, func: Callable[..., Any], state: Any) -> dict[str, Any]:
        return control_arguments(control, func, state, self.scope)


def prepared(
    control: Control, name: str, when: str, scope: RunScope, context: Any, state: Any
) -> tuple[Callable[..., Any], dict[str, Any]] | None:
    """The control's function ``name`` and its keyword arguments (``context`` among them),
    or None when it has none, its scope is not ``when``, or it does not take them."""
    if control.scope and control.scope != when:
        return None
    func = control.function(name)
    if func is None:
        return None
    kwargs = {"context": context, **control_arguments(control, func, state, scope)}
    return (func, kwargs) if fits(control, func, kwargs) else None


def invoke(
    control: Control, name: str, when: str, scope: RunScope, context: Any, state: Any
) -> Exception | None:
    """Call the control's function ``name`` if it applies; the exception when the control
    interrupts the run. Any other error is a warning, as in the Chaos Toolkit."""
    call = prepared(control, name, when, scope, context, state)
    if call is None:
        return None
    func, kwargs = call
    try:
        func(**kwargs)
    except Exception as exc:
        if is_interruption(exc):
            return exc
        logger.warning("Control '%s' failed in %s: %s", control.name, name, exc)
    return None


def control_arguments(
    control: Control, func: Callable[..., Any], state: Any, scope: RunScope
) -> dict[str, Any]:
    """The control's arguments (``${name}`` substituted), plus what ``func`` names of
    ``secrets``, ``configuration``, ``state``, ``experiment``, ``extensions``, ``settings``."""
    variables = dict(scope.configuration)
    for values in scope.secrets.values():
        if isinstance(values, dict):
            variables.update(values)
    arguments: dict[str, Any] = substitute(copy.deepcopy(control.arguments), variables)
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return arguments
    offered = {
        "secrets": scope.secrets,
        "configuration": scope.configuration,
        "state": state,
        "experiment": scope.experiment,
        "extensions": scope.experiment.get("extensions"),
        "settings": scope.settings,
    }
    for key in _INJECTED:
        if key in params:
            arguments[key] = offered[key]
    return arguments


__all__ = [
    "LEVELS",
    "Control",
    "Controls",
    "RunScope",
    "control_arguments",
    "fits",
    "invoke",
    "is_interruption",
    "load_control",
    "prepared",
]

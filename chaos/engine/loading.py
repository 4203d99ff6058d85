"""Controls at the loader level, as chaostoolkit-lib's ``load_experiment`` applies them.

The global controls (the settings file's, ``--control-file``'s) may define
``before_loading_experiment_control(context)`` and
``after_loading_experiment_control(context, state)``: ``context`` is the experiment's
source (its path), ``state`` the experiment just read, which the control may change before
it is validated. They run before ``configure_control``, with the control's arguments as
written. A control that raises ``InterruptExecution`` stops the run before anything ran
(exit 1); any other error is a warning, as in the Chaos Toolkit.
"""

from __future__ import annotations

import logging
from typing import Any

from chaos.engine.controls import RunScope, control_arguments, fits, is_interruption, load_control
from chaos.errors import InterruptRun
from chaos.experiment.controls import NATIVE_CONTROL_MODULES

logger = logging.getLogger("chaosrun")


def apply_loader_controls(
    declared: list[dict[str, Any]], source: str, raw: dict[str, Any], settings: dict[str, Any]
) -> None:
    """Call the loader-level functions of the global controls ``declared`` around the
    experiment ``raw`` read from ``source``."""
    controls = [
        load_control(c, {})
        for c in declared
        if c["provider"]["module"] not in NATIVE_CONTROL_MODULES
    ]
    scope = RunScope(experiment={}, configuration={}, secrets={}, settings=settings)
    for when, state in (("before", None), ("after", raw)):
        name = f"{when}_loading_experiment_control"
        for control in controls:
            func = control.function(name)
            if func is None or (control.scope and control.scope != when):
                continue
            kwargs = control_arguments(control, func, state, scope)
            kwargs.pop("experiment", None)  # chaostoolkit-lib has none at this level
            if not fits(control, func, {"context": source, **kwargs}):
                continue
            try:
                func(context=source, **kwargs)
            except Exception as exc:
                if is_interruption(exc):
                    raise InterruptRun(
                        f"control '{control.name}' stopped the run while {source} was "
                        f"loading: {str(exc) or type(exc).__name__}."
                    ) from None
                logger.warning("Control '%s' failed in %s: %s", control.name, name, exc)


__all__ = ["apply_loader_controls"]

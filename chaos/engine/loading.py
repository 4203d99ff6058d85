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

from typing import Any

from chaos.engine.controls import RunScope, invoke, load_control
from chaos.errors import InterruptRun
from chaos.experiment.controls import NATIVE_CONTROL_MODULES


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
            stop = invoke(control, name, when, scope, source, state)
            if stop is not None:
                raise InterruptRun(
                    f"control '{control.name}' stopped the run while {source} was "
                    f"loading: {str(stop) or type(stop).__name__}."
                )


__all__ = ["apply_loader_controls"]

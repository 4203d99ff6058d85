"""The catalogue as the Chaos Toolkit's discovery lists it (``chaostoolkit discover``): each
activity with its arguments, defaults and portable type names, read from the declarations."""

from __future__ import annotations

import inspect
from typing import Any

# The names chaoslib gives Python types in a discovery document.
_PORTABLE = {"bool": "boolean", "int": "integer", "float": "number", "str": "string"}


def portable_type(annotation: Any) -> str:
    text = str(annotation).replace(" | None", "")
    if text in _PORTABLE:
        return _PORTABLE[text]
    if text.startswith("dict"):
        return "mapping"
    if text.startswith("list"):
        return "list"
    return "object"


def activities(prefix: str) -> list[dict[str, Any]]:
    """The actions and probes of the registered modules whose name starts with ``prefix``."""
    from chaos.actions.registry import all_functions

    found = []
    for native in all_functions():
        if not native.module.startswith(prefix) or native.kind == "other":
            continue
        signature = inspect.signature(native.impl)
        activity: dict[str, Any] = {
            "type": native.kind,
            "name": native.func,
            "mod": native.module,
            "doc": inspect.getdoc(native.impl),
            "arguments": [],
        }
        if signature.return_annotation is not inspect.Signature.empty:
            activity["return_type"] = portable_type(signature.return_annotation)
        for param in native.parameters():
            argument: dict[str, Any] = {"name": param.name}
            if param.default is not inspect.Parameter.empty:
                argument["default"] = param.default
            if param.annotation is not inspect.Parameter.empty:
                argument["type"] = portable_type(param.annotation)
            activity["arguments"].append(argument)
        found.append(activity)
    return found


def markdown_table() -> str:
    """The README's table of the ``chaosk8s`` catalogue, from the declarations."""
    from chaos.actions.registry import all_functions

    lines = [
        "| module | function | kind | run natively | local target | undone |",
        "|---|---|---|---|---|---|",
    ]
    for f in all_functions():
        if not f.module.startswith("chaosk8s"):
            continue
        native = "yes" if f.native else "not yet"
        local = "yes" if f.local and f.native else "no"
        lines.append(f"| `{f.module}` | `{f.func}` | {f.kind} | {native} | {local} | {f.undo} |")
    return "\n".join(lines) + "\n"

"""A run's SLO gates and abort rules: from the command line and from the experiment file's
``extensions`` entry named ``chaosrun`` (which the Chaos Toolkit ignores)::

    "extensions": [{"name": "chaosrun", "slo": ["availability>=99.5%", "p99<=250ms"],
                    "abort_if": ["availability<50%"]}]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chaos.errors import BadInput

if TYPE_CHECKING:
    from chaos.measure.gates import Gate

EXTENSION = "chaosrun"


@dataclass(frozen=True)
class Rules:
    gates: tuple[Gate, ...] = ()
    abort: tuple[Gate, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.gates or self.abort)


def extension_entry(raw: dict[str, Any]) -> dict[str, Any]:
    extensions = raw.get("extensions") or []
    if not isinstance(extensions, list):
        return {}
    for entry in extensions:
        if isinstance(entry, dict) and entry.get("name") == EXTENSION:
            return entry
    return {}


def _strings(entry: dict[str, Any], key: str) -> list[str]:
    value = entry.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise BadInput(
            f"extensions[{EXTENSION}].{key} must be a list of strings such as 'p99<=250ms'."
        )
    return value


def _parse(texts: list[str] | tuple[str, ...], where: str) -> tuple[Gate, ...]:
    """``BadInput`` naming the first bad gate; most runs have none (nothing to import)."""
    if not texts:
        return ()
    from chaos.measure.gates import GateSyntaxError, parse_gates

    try:
        return parse_gates(texts, where)
    except GateSyntaxError as exc:
        raise BadInput(str(exc)) from None


def parse_rules(slo: tuple[str, ...], abort_if: tuple[str, ...]) -> Rules:
    """The command line's rules (``BadInput`` naming the first bad one)."""
    return Rules(_parse(slo, "--slo"), _parse(abort_if, "--abort-if"))


def rules_of(raw: dict[str, Any], slo: tuple[str, ...], abort_if: tuple[str, ...]) -> Rules:
    """The command line's rules, then the file's."""
    given = parse_rules(slo, abort_if)
    entry = extension_entry(raw)
    where = f"extensions[{EXTENSION}]"
    gates = _parse(_strings(entry, "slo"), f"{where}.slo")
    abort = _parse(_strings(entry, "abort_if"), f"{where}.abort_if")
    return Rules(given.gates + gates, given.abort + abort)

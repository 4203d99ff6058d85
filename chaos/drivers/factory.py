"""Which target a run talks to, and making its driver (client libraries imported only then)."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chaos.drivers.base import Driver


class Target(StrEnum):
    kubernetes = "kubernetes"
    local = "local"


@dataclass(frozen=True)
class TargetRef:
    """Enough to reach the same target again, from this process or a later one."""

    kind: Target = Target.kubernetes
    context: str | None = None
    kubeconfig: str | None = None
    state_dir: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "kind": self.kind.value}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TargetRef:
        def text(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) else None

        return cls(
            kind=Target(data.get("kind", Target.kubernetes.value)),
            context=text("context"),
            kubeconfig=text("kubeconfig"),
            state_dir=text("state_dir"),
        )

    def pinned(self) -> TargetRef:
        """The same target with nothing left to the environment: the kubeconfig file(s)
        and context in use now, the state directory in use now. A record made from this
        reaches the same target from another shell, whatever it has set."""
        if self.kind is Target.local:
            from chaos.drivers.local.settings import LocalSettings

            state_dir = self.state_dir or str(LocalSettings().state_dir)
            return TargetRef(self.kind, state_dir=str(Path(state_dir).resolve()))
        from chaos.drivers.kubernetes.connection import current_context, kubeconfig_paths

        setting, existing = kubeconfig_paths(self.kubeconfig)
        if not existing:  # in-cluster configuration: nothing to pin
            return self
        kubeconfig = os.pathsep.join(str(p.resolve()) for p in existing)
        return TargetRef(self.kind, self.context or current_context(setting), kubeconfig)


@dataclass(frozen=True)
class DriverFactory:
    """Makes the target's driver when first needed (client libraries are imported only then)."""

    ref: TargetRef

    def __call__(self) -> Driver:
        return make_driver(self.ref)


def make_driver(ref: TargetRef) -> Driver:
    if ref.kind is Target.local:
        from chaos.drivers.local import LocalDriver

        return LocalDriver(state_dir=Path(ref.state_dir) if ref.state_dir else None)
    from chaos.drivers.kubernetes import KubernetesDriver

    return KubernetesDriver(context=ref.context, kubeconfig=ref.kubeconfig)

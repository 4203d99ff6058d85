"""The Chaos Toolkit experiment format as pydantic models.

Unknown keys (``controls``, ``extensions``, ``contributions`` ...) are kept but unused.
Numbers that may be written as ``${name}`` references accept strings too; they are
resolved by the engine before use.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

# Tags of our tagged unions start with "@"; validation drops them from error locations.
PROVIDER_TYPES = ("python", "http", "process")


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Pauses(_Model):
    before: float | str | None = None
    after: float | str | None = None


class PythonProvider(_Model):
    type: Literal["python"]
    module: str = Field(min_length=1)
    func: str = Field(min_length=1)
    arguments: dict[str, Any] = Field(default_factory=dict)
    secrets: list[str] | str | None = None


class HttpProvider(_Model):
    type: Literal["http"]
    url: str = Field(min_length=1)
    method: str = "GET"
    headers: dict[str, Any] = Field(default_factory=dict)
    arguments: Any = None
    timeout: float | list[float] | str | None = None
    verify_tls: bool = True


class ProcessProvider(_Model):
    type: Literal["process"]
    path: str = Field(min_length=1)
    arguments: str | list[Any] = ""
    timeout: float | str | None = None


def _provider_tag(value: Any) -> str | None:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return f"@{kind}" if kind in PROVIDER_TYPES else None


Provider = Annotated[
    Annotated[PythonProvider, Tag("@python")]
    | Annotated[HttpProvider, Tag("@http")]
    | Annotated[ProcessProvider, Tag("@process")],
    Discriminator(
        _provider_tag,
        custom_error_type="provider_type",
        custom_error_message="must be one of 'python', 'http', 'process'",
    ),
]


class Activity(_Model):
    type: Literal["action", "probe"]
    name: str = Field(min_length=1)
    provider: Provider
    tolerance: Any = None
    pauses: Pauses | None = None
    background: bool = False


class Ref(_Model):
    ref: str = Field(min_length=1)


def _activity_tag(value: Any) -> str:
    if isinstance(value, Ref) or (isinstance(value, dict) and "ref" in value):
        return "@ref"
    return "@activity"


ActivityOrRef = Annotated[
    Annotated[Activity, Tag("@activity")] | Annotated[Ref, Tag("@ref")],
    Discriminator(_activity_tag),
]


class Hypothesis(_Model):
    title: str = Field(min_length=1)
    probes: list[ActivityOrRef] = Field(default_factory=list)


class Experiment(_Model):
    version: str | None = None
    title: str = Field(min_length=1)
    description: str = ""
    tags: list[str] = Field(default_factory=list)
    configuration: dict[str, Any] = Field(default_factory=dict)
    secrets: dict[str, Any] = Field(default_factory=dict)
    steady_state_hypothesis: Hypothesis | None = Field(
        default=None, alias="steady-state-hypothesis"
    )
    method: list[ActivityOrRef] = Field(min_length=1)
    rollbacks: list[ActivityOrRef] = Field(default_factory=list)

    def activities(self) -> list[Activity]:
        """Every concrete (non-ref) activity: hypothesis probes, method, rollbacks."""
        items: list[Activity | Ref] = []
        if self.steady_state_hypothesis is not None:
            items.extend(self.steady_state_hypothesis.probes)
        items.extend(self.method)
        items.extend(self.rollbacks)
        return [a for a in items if isinstance(a, Activity)]

    def find(self, name: str) -> Activity | None:
        """The first activity called ``name`` (what a ``ref`` points to)."""
        return next((a for a in self.activities() if a.name == name), None)

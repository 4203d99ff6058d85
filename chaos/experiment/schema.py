"""The Chaos Toolkit experiment format as pydantic models: the schema a document that does
not conform (``chaos.experiment.shape``) is validated with, so that every problem is named,
and what coerces a document it accepts. The engine runs the plain objects of
``chaos.experiment.model`` read from either.

Unknown keys (``controls``, ``extensions``, ``contributions`` ...) are kept but unused.
Numbers that may be written as ``${name}`` references accept strings too; they are
resolved by the engine before use. A provider's model is built from its type's spec
(``chaos.providers``), so the model names no provider type.
"""

from __future__ import annotations

from dataclasses import MISSING, fields
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args, get_type_hints

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, TypeAdapter, create_model

from chaos.providers import NON_EMPTY, PROVIDERS, ProviderType


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Pauses(_Model):
    before: float | str | None = None
    after: float | str | None = None


class ProviderModel(_Model):
    """An activity's ``provider``; each provider type's model adds its spec's fields."""

    type: str

    def spec(self) -> Any:
        """The provider type's own typed view of these fields (what it checks and runs)."""
        return PROVIDERS[self.type].read(dict(self))


def _annotation(hint: Any) -> Any:
    """A spec's annotation as pydantic wants it: ``NON_EMPTY`` becomes ``min_length=1``."""
    if hasattr(hint, "__metadata__") and NON_EMPTY in hint.__metadata__:
        return Annotated[get_args(hint)[0], Field(min_length=1)]
    return hint


def _provider_model(kind: ProviderType[Any]) -> type[ProviderModel]:
    hints = get_type_hints(kind.spec, include_extras=True)
    definitions: dict[str, Any] = {"type": (Literal[kind.name], ...)}
    for f in fields(kind.spec):
        if f.default is not MISSING:
            default: Any = f.default
        elif f.default_factory is not MISSING:
            default = Field(default_factory=f.default_factory)
        else:
            default = ...
        definitions[f.name] = (_annotation(hints[f.name]), default)
    name = f"{kind.name.capitalize()}Provider"
    return create_model(name, __base__=ProviderModel, __module__=__name__, **definitions)


PROVIDER_MODELS: dict[str, type[ProviderModel]] = {
    name: _provider_model(kind) for name, kind in PROVIDERS.items()
}
# A tuple: a file's "type" may be anything, a list included, and a tuple needs no hash.
_PROVIDER_TYPES = tuple(PROVIDERS)

# Tags of our tagged unions start with "@"; validation drops them from error locations.


def _provider_tag(value: Any) -> str | None:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return f"@{kind}" if kind in _PROVIDER_TYPES else None


# Type checkers see the base every provider model shares; pydantic sees the tagged union of
# the table's models, which exists only once the table has been read.
if TYPE_CHECKING:
    Provider = ProviderModel
else:
    Provider = Annotated[
        reduce(or_, (Annotated[m, Tag(f"@{name}")] for name, m in PROVIDER_MODELS.items())),
        Discriminator(
            _provider_tag,
            custom_error_type="provider_type",
            custom_error_message="must be one of " + ", ".join(map(repr, _PROVIDER_TYPES)),
        ),
    ]

_PROVIDER: TypeAdapter[ProviderModel] = TypeAdapter(Provider)


def parse_provider(data: Any) -> ProviderModel:
    """Validate one provider mapping (the engine's, after substituting variables)."""
    return _PROVIDER.validate_python(data)


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
    # Required, as chaostoolkit-lib's validation requires it (the spec's MUST).
    description: str = Field(min_length=1)
    tags: list[str] = Field(default_factory=list)
    configuration: dict[str, Any] = Field(default_factory=dict)
    secrets: dict[str, Any] = Field(default_factory=dict)
    steady_state_hypothesis: Hypothesis | None = Field(
        default=None, alias="steady-state-hypothesis"
    )
    # Required but may be empty: a hypothesis-only experiment (chaostoolkit-lib accepts one).
    method: list[ActivityOrRef]
    rollbacks: list[ActivityOrRef] = Field(default_factory=list)

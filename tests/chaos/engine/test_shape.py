"""The pydantic-free structure check agrees with the model.

``chaosrun validate`` and ``chaosrun run`` trust ``conforms()`` instead of building the model,
so a document it accepts must be one the model accepts, with the same semantic problems, and
the plain experiment the engine then runs (``chaos.experiment.model``) must be, field by
field, what the model makes of it. Checked here on
the shipped experiments and on thousands of random mutations of them, with the model's own
verdict as the oracle and exact counts of each outcome: a rule of ``shape.py`` that grows
too loose fails the oracle, one that grows too strict (or a model that changes) moves the
counts.
"""

from __future__ import annotations

import copy
import math
import os
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from chaos.experiment import ExperimentError, check_experiment, load_raw
from chaos.experiment import model as plain
from chaos.experiment.builtin import (
    Chaos,
    DeploymentChaos,
    LatencyChaos,
    PodChaos,
    builtin_experiment,
)
from chaos.experiment.checks import semantic_problems, unset_environment
from chaos.experiment.schema import PROVIDER_MODELS, Activity, Experiment, Hypothesis, Pauses, Ref
from chaos.experiment.shape import conforms
from chaos.experiment.validate import validate_by_schema
from chaos.providers import PROVIDERS
from testbed.procs import REPO_ROOT
from tests.chaos.engine.test_validation import BASE

SHIPPED = sorted(
    [
        *REPO_ROOT.glob("experiments/*.json"),
        *REPO_ROOT.glob("experiments/*.yaml"),
        *REPO_ROOT.glob("bench/experiments/*.json"),
    ]
)

_MODELS = (Activity, Hypothesis, Pauses, Ref, *PROVIDER_MODELS.values())

# How the mutants below fall. When a change moves these numbers, find out which documents
# moved and why before writing the new ones here.
CONFORMS = "conforms"  # the fast path: the model accepts it unchanged
COERCED = "accepted by the model, not unchanged"  # e.g. 10**60 as a number, another spelling
REJECTED = "rejected by the model"
# A mutation inside a safeguard's ``controls`` (the model leaves controls untyped; the
# semantic checks judge them) is accepted by the model without conforming.
# The counts follow from the seeds: a new shipped experiment changes them (read the new ones
# off the failure, after checking that no mutant raised).
MUTANT_COUNTS = {CONFORMS: 13205, COERCED: 505, REJECTED: 14437}
# Of the single mutations that compare check_experiment with the schema's verdict
# (validate_by_schema), those that conform take the fast path; the others are handed to
# the schema, so only the first number measures what that test checks.
SINGLE_MUTATION_COUNTS = {CONFORMS: 130, COERCED: 6, REJECTED: 164}

VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    2.5,
    10**6,
    10**60,
    float("inf"),
    float("nan"),
    "",
    "x",
    "${v}",
    "GET",
    "probe",
    "action",
    "http",
    "python",
    "process",
    [],
    [1],
    ["a"],
    [1, 2, 3],
    {},
    {"ref": "x"},
    {"ref": ""},
    {"type": "http", "url": "http://127.0.0.1:1/"},
    {"type": "probe", "name": "p", "provider": {"type": "process", "path": "true"}},
    {1: "int key"},
]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


_DELETE = object()


def _at(doc: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def _mutate(doc: dict[str, Any], rng: random.Random) -> None:
    path = rng.choice(_paths(doc)[1:])
    parent = _at(doc, path[:-1])
    last = path[-1]
    roll = rng.random()
    if roll < 0.15 and isinstance(parent, dict):
        del parent[last]
    elif roll < 0.25 and isinstance(parent, dict):
        key = rng.choice(["extra", "steady_state_hypothesis", "ref", "type"])
        parent[key] = copy.deepcopy(rng.choice(VALUES))
    elif roll < 0.3 and isinstance(parent, list):
        parent.append(copy.deepcopy(rng.choice(VALUES)))
    else:
        parent[last] = copy.deepcopy(rng.choice(VALUES))


def _seeds() -> list[dict[str, Any]]:
    return [copy.deepcopy(BASE), *(load_raw(path) for path in SHIPPED)]


def _replaced(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """A copy of ``doc`` with the node at ``path`` replaced (``_DELETE``: removed)."""
    out = copy.deepcopy(doc)
    parent = _at(out, path[:-1])
    if value is _DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = copy.deepcopy(value)
    return out


def _field_names() -> list[str]:
    """Every field name and alias of the experiment's models."""
    names: set[str] = set()
    for cls in (Experiment, *_MODELS):
        for name, info in cls.model_fields.items():
            names.add(name)
            if info.alias:
                names.add(info.alias)
    return sorted(names)


def _mutants() -> Iterator[dict[str, Any]]:
    """Every single-point mutation of every seed (a node replaced or removed, any field
    name set in any mapping), then random multi-point ones."""
    seeds = _seeds()
    fields = _field_names()
    for seed in seeds:
        for path in _paths(seed)[1:]:
            yield from (_replaced(seed, path, value) for value in VALUES)
            if isinstance(path[-1], str):
                yield _replaced(seed, path, _DELETE)
    # BASE holds every kind of mapping (all three providers' shapes are reached by
    # replacing "type"); one seed keeps this part of the test under two seconds.
    for path in _paths(BASE):
        if isinstance(_at(BASE, path), dict):
            for name in fields:
                yield from (_replaced(BASE, (*path, name), value) for value in VALUES)
    rng = random.Random(20261127)
    for _ in range(3000):
        doc = copy.deepcopy(rng.choice(seeds))
        for _ in range(rng.randint(2, 4)):
            _mutate(doc, rng)
        yield doc


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(Path(p).relative_to(REPO_ROOT)))
def test_every_shipped_experiment_conforms(path: Path) -> None:
    # Otherwise ``chaosrun validate`` would take the slow path for our own examples.
    assert conforms(load_raw(path))


@pytest.mark.parametrize("chaos", [PodChaos(), DeploymentChaos(), LatencyChaos()], ids=repr)
def test_every_builtin_experiment_conforms(chaos: Chaos) -> None:
    # ``chaosrun pod``, ``deployment`` and ``latency`` run these: without pydantic.
    assert conforms(builtin_experiment(chaos, "http://127.0.0.1:8080/"))


def _model_problem(doc: dict[str, Any]) -> ValidationError | None:
    """The model's verdict on ``doc``: None when it accepts it."""
    try:
        Experiment.model_validate(doc)
    except ValidationError as exc:
        return exc
    return None


def _outcome(doc: dict[str, Any]) -> str:
    """Which of the counted outcomes ``doc`` has; fails the test when ``conforms()`` accepts
    what the model rejects."""
    problem = _model_problem(doc)
    if conforms(doc):
        if problem is not None:
            pytest.fail(f"conforms() accepted what the model rejects: {doc!r}\n{problem}")
        return CONFORMS
    return COERCED if problem is None else REJECTED


def _finite(value: Any) -> Any:
    """``value`` with every infinite or NaN number as None: pydantic's JSON dump writes them
    so where a field is untyped; the journal keeps the file's value, as the Chaos Toolkit's
    does. The only difference allowed between the two declarations."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def _dumped(model: Any) -> Any:
    return _finite(model.model_dump(by_alias=True, exclude_unset=True, mode="json"))


def _same(a: Any, b: Any) -> bool:
    """Equal, counting NaN equal to NaN (a value the mutants use)."""
    return bool(a == b) or repr(a) == repr(b)


def _same_items(items: list[plain.Activity | plain.Ref], models: list[Any]) -> None:
    assert len(items) == len(models)
    for item, model in zip(items, models, strict=True):
        if isinstance(model, Ref):
            assert isinstance(item, plain.Ref) and item.ref == model.ref
            continue
        assert isinstance(item, plain.Activity) and isinstance(model, Activity)
        assert _finite(item.as_declared()) == _dumped(model)
        assert (item.type, item.name, item.background) == (model.type, model.name, model.background)
        assert _same(item.tolerance, model.tolerance)
        pauses = (item.pauses.before, item.pauses.after) if item.pauses else None
        assert _same(pauses, (model.pauses.before, model.pauses.after) if model.pauses else None)
        provider = item.provider
        assert provider.type == model.provider.type
        assert _same(provider.spec(), PROVIDERS[provider.type].read(dict(model.provider)))


def _reads_as_the_schema(doc: dict[str, Any], model: Experiment) -> None:
    """The plain experiment the engine runs is, field by field, what the schema makes of
    ``doc``; journal and controls see the same declarations as the schema's JSON dump."""
    read = plain.Experiment(doc)
    assert read.title == model.title
    assert (read.configuration, read.secrets) == (model.configuration, model.secrets)
    hypothesis, expected = read.steady_state_hypothesis, model.steady_state_hypothesis
    assert (hypothesis is None) == (expected is None)
    if hypothesis is not None and expected is not None:
        assert hypothesis.title == expected.title
        assert _finite(hypothesis.as_declared()) == _dumped(expected)
        _same_items(hypothesis.probes, expected.probes)
    _same_items(read.method, model.method)
    _same_items(read.rollbacks, model.rollbacks)


def test_conforming_mutants_are_accepted_by_the_model_with_the_same_problems() -> None:
    counts: Counter[str] = Counter()
    for doc in _mutants():
        outcome = _outcome(doc)
        counts[outcome] += 1
        if outcome == CONFORMS:
            model = Experiment.model_validate(doc)
            assert semantic_problems(doc) == semantic_problems(model.model_dump(by_alias=True)), doc
            _reads_as_the_schema(doc, model)
    assert dict(counts) == MUTANT_COUNTS


def test_top_levels_that_are_not_mappings_do_not_conform() -> None:
    for value in (None, [], "x", 3):
        assert not conforms(value)


def test_check_experiment_reports_what_the_schema_reports() -> None:
    rng = random.Random(7)
    seeds = _seeds()
    counts: Counter[str] = Counter()
    for _ in range(300):
        doc = copy.deepcopy(rng.choice(seeds))
        _mutate(doc, rng)
        counts[_outcome(doc)] += 1
        try:
            validate_by_schema(copy.deepcopy(doc))
        except ExperimentError as exc:
            expected: list[str] | None = exc.problems
        else:
            # A valid experiment is then checked as ``run`` would: unset environment entries.
            expected = unset_environment(doc, os.environ) or None
        try:
            check_experiment(doc)
        except ExperimentError as exc:
            assert exc.problems == expected, doc
        else:
            assert expected is None, doc
    assert dict(counts) == SINGLE_MUTATION_COUNTS


def test_a_control_named_by_a_mapping_is_a_problem_not_a_crash() -> None:
    from chaos.experiment.controls import ref_problems

    doc = {"controls": [{"name": {"x": 1}, "provider": {}}, {"ref": {"x": 1}}, {"ref": "y"}]}
    assert ref_problems(doc) == ["controls[2].ref: no control named 'y' is declared"]

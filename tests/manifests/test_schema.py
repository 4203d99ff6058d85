"""Every object of every kustomization is valid against the Kubernetes OpenAPI schemas, offline."""

from __future__ import annotations

import kubernetes_validate
import pytest

from tests.manifests.kustomize import K8S, KIND, OLDEST_KUBERNETES, OVERLAYS, RUNNER, build

KUSTOMIZATIONS = {**{f"overlays/{v}": p for v, p in OVERLAYS.items()}}
KUSTOMIZATIONS.update({f"kind/{v}": p for v, p in KIND.items()})
KUSTOMIZATIONS.update({f"runner/{n}": p for n, p in RUNNER.items()})
KUSTOMIZATIONS["runner/schedule"] = K8S / "runner" / "schedule"
VERSIONS = [OLDEST_KUBERNETES, str(kubernetes_validate.latest_version())]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", sorted(KUSTOMIZATIONS))
def test_objects_match_the_openapi_schema(name: str, version: str) -> None:
    objects = build(KUSTOMIZATIONS[name])
    assert objects, f"k8s/{name} builds no object"
    problems = []
    for obj in objects:
        label = f"{obj['kind']} {obj['metadata']['name']}"
        try:
            # strict: unknown fields (a typo, a field of another version) are errors too
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            problems.append(f"{label}: {exc.message} at {'/'.join(map(str, exc.path))}")
        except kubernetes_validate.SchemaNotFoundError:
            problems.append(f"{label}: no schema for {obj['apiVersion']} in Kubernetes {version}")
    assert not problems, "\n".join(problems)


def test_the_validator_rejects_a_broken_object() -> None:
    """The check above can fail: a misspelt field is caught."""
    deployment = next(o for o in build(OVERLAYS["v1"]) if o["kind"] == "Deployment")
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbes"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, OLDEST_KUBERNETES, strict=True)

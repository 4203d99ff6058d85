"""Which Python modules chaosrun answers itself: a name check that imports no action, so a
run or a validation without such a function never loads the registry."""

from __future__ import annotations

# Module families chaosrun answers itself: their modules are never imported.
NATIVE_FAMILIES = ("chaosk8s", "chaosprometheus", "chaosrun")


def is_native_module(module: str) -> bool:
    """True for module names chaosrun answers itself (never imported)."""
    root = module.split(".", 1)[0]
    return root in NATIVE_FAMILIES


# The Chaos Toolkit extensions users most often name, by their module: what to install.
EXTENSION_PACKAGES = {
    "chaosaddons": "chaostoolkit-addons",
    "chaosaws": "chaostoolkit-aws",
    "chaosazure": "chaostoolkit-azure",
    "chaosgcp": "chaostoolkit-google-cloud-platform",
    "chaosgrafana": "chaostoolkit-grafana",
    "chaosistio": "chaostoolkit-istio",
    "chaosslack": "chaostoolkit-slack",
    "chaosspring": "chaostoolkit-spring",
    "chaostoxi": "chaostoolkit-toxiproxy",
    "chaoswm": "chaostoolkit-wiremock",
}

"""The guides' commands match the code: option names, image names, manifest paths.

Every ``chaosrun`` line of docs/aks.md and docs/kind.md parses with chaosrun's own command line;
every kustomization, Dockerfile, image, Deployment and Job they name exists; the registry edit
of docs/aks.md, run on a copy of k8s/, really moves every image to the registry.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.manifests.cli import parse
from tests.manifests.kustomize import K8S, OVERLAYS, RUNNER, Obj, build, images
from tests.support.procs import REPO_ROOT

GUIDES = {name: REPO_ROOT / "docs" / name for name in ("aks.md", "kind.md")}


def shell_lines(path: Path) -> list[str]:
    """The lines of the ```bash blocks, continuation lines joined, comments dropped."""
    blocks = re.findall(r"^ *```bash\n(.*?)^ *```", path.read_text(), flags=re.S | re.M)
    lines = []
    for block in blocks:
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split(" #", 1)[0].strip()
            if line and not line.startswith("#"):
                lines.append(line)
    return lines


def commands(path: Path, program: str) -> list[list[str]]:
    """Every command line of the guide that runs ``program`` (split at ;, && and &)."""
    found = []
    for line in shell_lines(path):
        for part in re.split(r";|&&|\|\||(?<![>&])&(?!>)|\|", line):
            words = shlex.split(part.strip()) if part.strip() else []
            if words and words[0] == program:
                found.append(words)
    return found


def all_images() -> set[str]:
    objects: list[Obj] = []
    for path in (*OVERLAYS.values(), *RUNNER.values()):
        objects += build(path)
    return images(objects)


@pytest.mark.parametrize("guide", sorted(GUIDES))
def test_chaosrun_lines_are_valid_commands(guide: str) -> None:
    lines = commands(GUIDES[guide], "chaosrun")
    assert lines, f"{guide} runs no chaosrun command"
    for argv in lines:
        if argv[1].startswith("-"):
            continue  # chaosrun --help
        parse(argv)  # raises click's UsageError on an unknown option or a bad value


@pytest.mark.parametrize("guide", sorted(GUIDES))
def test_kustomizations_and_objects_named_exist(guide: str) -> None:
    kubectl = commands(GUIDES[guide], "kubectl")
    paths = {argv[argv.index("-k") + 1] for argv in kubectl if "-k" in argv}
    paths |= {argv[2] for argv in kubectl if argv[1] == "kustomize"}
    assert "k8s/overlays/v1" in paths and "k8s/overlays/v2" in paths
    for path in paths:
        assert (REPO_ROOT / path / "kustomization.yaml").is_file(), f"{guide}: {path}"
    names = {(o["kind"], o["metadata"]["name"]) for o in build(OVERLAYS["v1"])}
    for runner in RUNNER.values():
        names |= {(o["kind"], o["metadata"]["name"]) for o in build(runner)}
    for argv in kubectl:
        for word in argv:
            if m := re.fullmatch(r"(deployment|service|job)/([a-z0-9-]+)", word):
                kind = {"deployment": "Deployment", "service": "Service", "job": "Job"}
                assert (kind[m[1]], m[2]) in names, f"{guide}: {word}"


@pytest.mark.parametrize("guide", sorted(GUIDES))
def test_images_built_are_the_images_deployed(guide: str) -> None:
    built = set()
    for argv in commands(GUIDES[guide], "docker"):
        if argv[1] != "build":
            continue
        dockerfile = argv[argv.index("-f") + 1]
        assert (REPO_ROOT / dockerfile).is_file(), dockerfile
        tag = argv[argv.index("-t") + 1].removeprefix("$ACR_SERVER/")
        built.add(tag)
        if "--build-arg" in argv:
            assert argv[argv.index("--build-arg") + 1] == f"FRONTEND_VERSION={tag.split(':')[1]}"
    assert built == all_images()
    pushed = {
        argv[2].removeprefix("$ACR_SERVER/")
        for argv in commands(GUIDES[guide], "docker")
        if argv[1] == "push"
    }
    loaded = {
        word
        for argv in commands(GUIDES[guide], "kind")
        if argv[1:3] == ["load", "docker-image"]
        for word in argv[3:]
        if ":" in word  # the images; not --name and its value
    }
    assert (pushed or loaded) == built


def test_the_registry_edit_moves_every_image(tmp_path: Path) -> None:
    (sed,) = [argv for argv in commands(GUIDES["aks.md"], "sed")]
    assert sed[-1] == "k8s/images/images.yaml"
    shutil.copytree(K8S, tmp_path / "k8s")
    script = sed[2].replace("$ACR_SERVER", "myreg.azurecr.io")
    subprocess.run(["sed", "-i", script, sed[-1]], cwd=tmp_path, check=True)
    subprocess.run(["sed", "-i", script, sed[-1]], cwd=tmp_path, check=True)  # idempotent
    moved: set[str] = set()
    for path in (*OVERLAYS.values(), *RUNNER.values()):
        moved |= images(build(tmp_path / path.relative_to(REPO_ROOT)))
    assert moved == {f"myreg.azurecr.io/{image}" for image in all_images()}

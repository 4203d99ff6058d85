"""The Kubernetes guides' commands match the code and the tools, in an order that works.

docs/aks.md, docs/kind.md and the README's "On Kubernetes" section, read as a first-time user
pastes them: every ``chaosrun`` line parses with chaosrun's own command line; every flag given to
kubectl, kind, az or docker is one the tool documents; every kustomization, Dockerfile, image,
Deployment and Job they name exists; every image the manifests run is built, each way a guide
offers, and pushed or loaded; the registry edit moves every image and cannot write an empty
registry; kind.md's cluster config maps the node port of the kind overlays to the address its
commands use; and no command needs a variable, chaosrun or a Ready Deployment that an earlier
step has not provided.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from testbed.procs import REPO_ROOT
from tests.manifests.cli import parse
from tests.manifests.kustomize import (
    K8S,
    KIND,
    KIND_CLUSTER,
    OVERLAYS,
    RUNNER,
    Obj,
    build,
    find,
    images,
    kubectl,
)

README = REPO_ROOT / "README.md"
GUIDES = {
    "aks.md": REPO_ROOT / "docs" / "aks.md",
    "kind.md": REPO_ROOT / "docs" / "kind.md",
    "README.md": README,  # its "On Kubernetes" section
}
# How each guide builds the images: every way it offers must build all of them.
BUILD_ROUTES = {
    "aks.md": ("docker build", "az acr build"),
    "kind.md": ("docker build",),
    "README.md": ("docker build",),
}

# Every flag the guides give these tools, spelled as the tool's own reference has it. kubectl's
# entries are checked against the kubectl the tests use (test_kubectl_documents_the_flags); the
# others were checked by hand against `<tool> <command> --help` (az 2.91, kind 0.2x's commands in
# pkg/cmd/kind, docker 28 with buildx) and are checked again wherever the tool is installed. A
# command or flag not listed fails the test below: check it in the tool's reference, then add it.
DOCUMENTED_FLAGS: dict[str, dict[str, set[str]]] = {
    "kubectl": {
        "apply": {"-k", "-f"},
        "config delete-context": set(),
        "create job": {"-n", "--from"},
        "create secret generic": {"-n", "--from-literal"},
        "delete": {"-k", "-f", "-n", "--ignore-not-found"},
        "describe": set(),
        "get": {"-l", "-n", "-o"},
        "kustomize": set(),
        "label": {"--overwrite"},
        "logs": {"-n", "-f", "--pod-running-timeout", "-l", "--tail"},
        "rollout status": {"--timeout"},
        "scale": {"--replicas"},
        "wait": {"-n", "--for", "--timeout"},
    },
    "kind": {
        "create cluster": {"--name", "--config"},
        "delete cluster": {"--name"},
        "load docker-image": {"--name"},
        "load image-archive": {"--name"},
    },
    "az": {
        "login": set(),
        "group create": {"--name", "--location"},
        "group delete": {"--name", "--yes", "--no-wait"},
        "acr create": {"--resource-group", "--name", "--sku"},
        "acr show": {"--name", "--query", "--output"},
        "acr list": {"--resource-group", "--query", "--output"},
        "acr login": {"--name"},
        "acr build": {"--registry", "--image", "--file", "--build-arg"},
        "acr repository list": {"--name", "--output"},
        "monitor log-analytics workspace create": {
            "--resource-group",
            "--workspace-name",
            "--query",
            "--output",
        },
        "aks create": {
            "--resource-group",
            "--name",
            "--node-count",
            "--enable-addons",
            "--workspace-resource-id",
            "--generate-ssh-keys",
            "--attach-acr",
        },
        "aks get-credentials": {"--resource-group", "--name"},
        "aks update": {"--resource-group", "--name", "--attach-acr"},
        "aks install-cli": set(),
    },
    "docker": {
        "build": {"-f", "-t", "--build-arg", "--provenance", "--platform"},
        "push": set(),
        "save": {"--platform", "-o"},
        "version": {"--format"},
    },
}
# Shell words that only introduce the command after them.
PREFIXES = {"until", "while", "if", "then", "do", "!", "sudo", "time"}
# Variables the shell itself provides.
SHELL_VARIABLES = {"RANDOM", "HOME", "PATH", "PWD"}


def guide_text(name: str) -> str:
    text = GUIDES[name].read_text(encoding="utf-8")
    if name == "README.md":
        text = text.split("\n## On Kubernetes\n", 1)[1].split("\n## ", 1)[0]
    return text


def shell_lines(text: str) -> list[str]:
    """The lines of the ```bash blocks, in order, continuation lines joined, comments dropped."""
    blocks = re.findall(r"^ *```bash\n(.*?)^ *```", text, flags=re.S | re.M)
    lines = []
    for block in blocks:
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split(" #", 1)[0].strip()
            if line and not line.startswith("#"):
                lines.append(line)
    return lines


def split_commands(line: str) -> list[list[str]]:
    """The simple commands of one line, in the order they run: ``$(...)`` first, then the
    parts of the line split at ;, &&, ||, & and |, without words like ``until`` or ``sudo``."""
    found = []
    for inner in re.findall(r"\$\(([^()]*)\)", line):
        found += split_commands(inner)
    line = re.sub(r"\$\(([^()]*)\)", "SUBSTITUTION", line)
    for part in re.split(r";|&&|\|\||(?<![>&])&(?!>)|\|", line):
        words = shlex.split(part.strip()) if part.strip() else []
        while words and words[0] in PREFIXES:
            words = words[1:]
        if words:
            found.append(words)
    return found


def command_sequence(text: str) -> list[list[str]]:
    return [argv for line in shell_lines(text) for argv in split_commands(line)]


def commands(text: str, program: str) -> list[list[str]]:
    """Every command of the guide's bash blocks that runs ``program``, in order."""
    return [argv for argv in command_sequence(text) if argv[0] == program]


def inline_commands(text: str) -> list[list[str]]:
    """The commands the prose quotes (`kind delete cluster --name chaosrun`)."""
    prose = re.sub(r"^ *```.*?^ *```", "", text, flags=re.S | re.M)
    tools = "|".join(DOCUMENTED_FLAGS)
    spans = re.findall(rf"`((?:{tools}) [^`]+)`", prose.replace("\n", " "))
    return [argv for span in spans for argv in split_commands(span)]


def subcommand(program: str, argv: list[str]) -> tuple[str, list[str]]:
    """(the listed command ``argv`` runs, its remaining words)."""
    for name in sorted(DOCUMENTED_FLAGS[program], key=lambda n: -len(n.split())):
        words = name.split()
        if argv[1 : 1 + len(words)] == words:
            return name, argv[1 + len(words) :]
    raise AssertionError(f"`{shlex.join(argv)}`: not in DOCUMENTED_FLAGS[{program!r}]")


def flags(words: list[str]) -> set[str]:
    return {w.split("=", 1)[0] for w in words if w.startswith("-") and len(w) > 1}


def all_images() -> set[str]:
    objects: list[Obj] = []
    for path in (*OVERLAYS.values(), *KIND.values(), *RUNNER.values()):
        objects += build(path)
    return images(objects)


def frontend_node_port() -> int:
    services = [find(build(path), "Service", "frontend") for path in KIND.values()]
    (port,) = {service["spec"]["ports"][0]["nodePort"] for service in services}
    return int(port)


@pytest.mark.parametrize("guide", sorted(GUIDES))
def test_chaosrun_lines_are_valid_commands(guide: str) -> None:
    lines = commands(guide_text(guide), "chaosrun")
    assert lines, f"{guide} runs no chaosrun command"
    for argv in lines:
        if argv[1].startswith("-"):
            continue  # chaosrun --help
        parse(argv)  # raises click's UsageError on an unknown option or a bad value


@pytest.mark.parametrize("guide", sorted(GUIDES))
def test_every_flag_is_one_the_tool_documents(guide: str) -> None:
    text = guide_text(guide)
    used = [a for a in command_sequence(text) + inline_commands(text) if a[0] in DOCUMENTED_FLAGS]
    assert {argv[0] for argv in used} >= {"kubectl"}
    for argv in used:
        name, rest = subcommand(argv[0], argv)
        unknown = flags(rest) - DOCUMENTED_FLAGS[argv[0]][name]
        assert not unknown, f"{guide}: `{shlex.join(argv)}` passes {sorted(unknown)}"


def documented(program: str, command: str) -> set[str]:
    """The flags ``<program> <command> --help`` lists (and kubectl's global options)."""
    runs = [[program, *command.split(), "--help"]]
    if Path(program).name == "kubectl":
        runs.append([program, "options"])
    texts = [subprocess.run(argv, capture_output=True, text=True, timeout=120) for argv in runs]
    found: set[str] = set()
    for done in texts:
        assert done.returncode == 0, f"`{program} {command} --help`: {done.stderr.strip()}"
        for line in done.stdout.splitlines():
            line = line.strip()
            if line.startswith("-"):
                head = re.split(r"  | : |=", line, maxsplit=1)[0]  # the flag's names, not its text
                found |= set(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", head))
    return found


@pytest.mark.parametrize(
    ("program", "command"),
    [(p, c) for p in ("kubectl", "kind", "az") for c in sorted(DOCUMENTED_FLAGS[p])],
)
def test_the_tools_document_the_listed_flags(program: str, command: str) -> None:
    if program != "kubectl" and shutil.which(program) is None:
        pytest.skip(f"{program} is not installed here: its list was checked by hand")
    path = kubectl() if program == "kubectl" else program
    assert DOCUMENTED_FLAGS[program][command] <= documented(path, command)


def test_the_flag_check_can_fail() -> None:
    """A misspelt flag is caught, in a bash block and in the prose."""
    text = "```bash\nkubectl rollout status deployment/back --timout=180s\n```\n"
    (argv,) = command_sequence(text)
    assert flags(subcommand("kubectl", argv)[1]) - DOCUMENTED_FLAGS["kubectl"]["rollout status"]
    (argv,) = inline_commands("Run `az aks create --attach-registry x` first.")
    assert flags(subcommand("az", argv)[1]) - DOCUMENTED_FLAGS["az"]["aks create"]
    with pytest.raises(AssertionError):
        subcommand("kind", ["kind", "load", "docker-images", "x:v1"])
    assert "--kustomiz" not in documented(kubectl(), "apply")


@pytest.mark.parametrize("guide", sorted(GUIDES))
def test_kustomizations_and_objects_named_exist(guide: str) -> None:
    text = guide_text(guide)
    kubectl_lines = commands(text, "kubectl")
    paths = {argv[argv.index("-k") + 1] for argv in kubectl_lines if "-k" in argv}
    paths |= {argv[2] for argv in kubectl_lines if argv[1] == "kustomize"}
    overlays = KIND if guide == "kind.md" else OVERLAYS
    assert {str(p.relative_to(REPO_ROOT)) for p in overlays.values()} <= paths
    for path in paths:
        assert (REPO_ROOT / path / "kustomization.yaml").is_file(), f"{guide}: {path}"
    names = {(o["kind"], o["metadata"]["name"]) for o in build(OVERLAYS["v1"])}
    for runner in RUNNER.values():
        names |= {(o["kind"], o["metadata"]["name"]) for o in build(runner)}
    for argv in kubectl_lines:
        for word in argv:
            if m := re.fullmatch(r"(deployment|service|job)/([a-z0-9-]+)", word):
                kind = {"deployment": "Deployment", "service": "Service", "job": "Job"}
                assert (kind[m[1]], m[2]) in names, f"{guide}: {word}"


def built_images(argv: list[str]) -> str:
    """The image one build command makes, after checking its Dockerfile and build argument."""
    if argv[0] == "az":
        image, dockerfile = argv[argv.index("--image") + 1], argv[argv.index("--file") + 1]
    else:
        image, dockerfile = argv[argv.index("-t") + 1], argv[argv.index("-f") + 1]
    image = image.removeprefix("$ACR_SERVER/")
    name, tag = image.split(":")
    assert dockerfile == f"Dockerfile.{name.removeprefix('chaosrun-')}", shlex.join(argv)
    assert (REPO_ROOT / dockerfile).is_file(), dockerfile
    build_args = [argv[i + 1] for i, word in enumerate(argv) if word == "--build-arg"]
    expected = [f"FRONTEND_VERSION={tag}"] if name == "chaosrun-frontend" else []
    assert build_args == expected, shlex.join(argv)
    return image


@pytest.mark.parametrize("guide", sorted(GUIDES))
def test_every_image_deployed_is_built_each_way_the_guide_offers(guide: str) -> None:
    sequence = command_sequence(guide_text(guide))
    for route in BUILD_ROUTES[guide]:
        words = route.split()
        built = {built_images(a) for a in sequence if a[: len(words)] == words}
        assert built == all_images(), f"{guide}, `{route}`"


@pytest.mark.parametrize("guide", ["aks.md", "kind.md"])
def test_the_images_built_with_docker_reach_the_cluster(guide: str) -> None:
    text = guide_text(guide)
    docker = commands(text, "docker")
    built = {built_images(a) for a in docker if a[1] == "build"}
    if guide == "aks.md":
        pushed = {a[2].removeprefix("$ACR_SERVER/") for a in docker if a[1] == "push"}
        assert pushed == built
        return
    kind = commands(text, "kind")
    loaded = {w for a in kind if a[1:3] == ["load", "docker-image"] for w in a[3:] if ":" in w}
    assert loaded == built
    # The route around `kind load docker-image`: an archive of all of them, loaded as a whole.
    (save,) = [a for a in docker if a[1] == "save"]
    archive = save[save.index("-o") + 1]
    assert {w for w in save[2:] if ":" in w} == built
    assert any(a[1:3] == ["load", "image-archive"] and archive in a for a in kind)


def registry_edit() -> str:
    (line,) = [line for line in shell_lines(guide_text("aks.md")) if line.startswith("sed ")]
    assert line.endswith(" k8s/images/images.yaml")
    return line


def run_registry_edit(tmp_path: Path, acr_server: str | None) -> subprocess.CompletedProcess[str]:
    """The guide's sed line, run by bash as pasted, on a copy of k8s/."""
    env = {k: v for k, v in os.environ.items() if k != "ACR_SERVER"}
    if acr_server is not None:
        env["ACR_SERVER"] = acr_server
    return subprocess.run(
        ["bash", "-c", registry_edit()], cwd=tmp_path, env=env, capture_output=True, text=True
    )


def test_the_registry_edit_moves_every_image(tmp_path: Path) -> None:
    shutil.copytree(K8S, tmp_path / "k8s")
    for _ in range(2):  # idempotent: pasting it twice changes nothing more
        run_registry_edit(tmp_path, "myreg.azurecr.io").check_returncode()
    moved: set[str] = set()
    for path in (*OVERLAYS.values(), *KIND.values(), *RUNNER.values()):
        moved |= images(build(tmp_path / path.relative_to(REPO_ROOT)))
    assert moved == {f"myreg.azurecr.io/{image}" for image in all_images()}


@pytest.mark.parametrize("acr_server", [None, ""], ids=["unset", "empty"])
def test_the_registry_edit_refuses_to_write_no_registry(
    tmp_path: Path, acr_server: str | None
) -> None:
    """Who skipped the step that sets ACR_SERVER gets an error, not `image: /chaosrun-...`."""
    shutil.copytree(K8S, tmp_path / "k8s")
    done = run_registry_edit(tmp_path, acr_server)
    assert done.returncode != 0 and "ACR_SERVER" in done.stderr
    edited = tmp_path / "k8s" / "images" / "images.yaml"
    assert edited.read_text() == (K8S / "images" / "images.yaml").read_text()


def test_the_kind_config_maps_the_node_port_to_the_address_the_guide_uses() -> None:
    text = guide_text("kind.md")
    shown = [
        yaml.safe_load(block)
        for block in re.findall(r"^```yaml\n(.*?)^```", text, flags=re.S | re.M)
        if "kind: Cluster" in block
    ]
    assert len(shown) == 1, "kind.md shows the kind cluster config once, as a yaml block"
    config = shown[0]
    (create,) = [a for a in commands(text, "kind") if a[1:3] == ["create", "cluster"]]
    assert REPO_ROOT / create[create.index("--config") + 1] == KIND_CLUSTER
    assert yaml.safe_load(KIND_CLUSTER.read_text()) == config, "the guide shows the file as it is"
    assert (config["kind"], config["apiVersion"]) == ("Cluster", "kind.x-k8s.io/v1alpha4")
    (node,) = config["nodes"]
    (mapping,) = node["extraPortMappings"]
    assert mapping["containerPort"] == frontend_node_port()
    address = f"http://{mapping['listenAddress']}:{mapping['hostPort']}/"
    # Every local URL of the guide is that address, but the page of a run's --live view ...
    live = {
        f"http://127.0.0.1:{argv[argv.index('--live') + 1]}/"
        for argv in commands(text, "chaosrun")
        if "--live" in argv
    }
    local = re.findall(r"http://(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?/", text)
    assert local and set(local) - live == {address}
    # ... and every chaosrun run is given it: kind has no load balancer to read it from.
    runs = [a for a in commands(text, "chaosrun") if a[1] in ("pod", "deployment")]
    assert runs and all(parse(a)["frontend_url"] == address for a in runs)
    # Every kustomization applied has the frontend Service at that node port (if it has one).
    for argv in commands(text, "kubectl"):
        if argv[1] == "apply" and "-k" in argv:
            for obj in build(REPO_ROOT / argv[argv.index("-k") + 1]):
                if (obj["kind"], obj["metadata"]["name"]) == ("Service", "frontend"):
                    assert obj["spec"]["ports"][0]["nodePort"] == mapping["containerPort"]


@pytest.mark.parametrize("guide", sorted(GUIDES))
def test_no_variable_is_used_before_it_is_set(guide: str) -> None:
    assigned = set(SHELL_VARIABLES)
    for line in shell_lines(guide_text(guide)):
        used = set(re.findall(r"\$\{?([A-Za-z_]\w*)", line))
        unset = sorted(used - assigned)
        assert not unset, f"{guide}: `{line}` uses {unset} before it is set"
        if m := re.match(r"(?:export )?([A-Za-z_]\w*)=", line):
            assigned.add(m[1])


@pytest.mark.parametrize("guide", sorted(GUIDES))
def test_chaosrun_runs_from_the_activated_venv(guide: str) -> None:
    sequence = command_sequence(guide_text(guide))
    activated = sequence.index(["source", ".venv/bin/activate"])
    assert all(i > activated for i, a in enumerate(sequence) if a[0] == "chaosrun")
    if guide != "README.md":  # the README's first command made the venv
        assert sequence.index([".venv/bin/pip", "install", "."]) < activated


@pytest.mark.parametrize("guide", ["aks.md", "kind.md"])
def test_the_steps_come_in_an_order_that_works(guide: str) -> None:
    sequence = command_sequence(guide_text(guide))

    def first(prefix: str) -> int:
        return next(i for i, a in enumerate(sequence) if shlex.join(a).startswith(prefix))

    deploy = first("kubectl apply -k")
    builds = [i for i, a in enumerate(sequence) if a[:2] == ["docker", "build"]]
    if guide == "kind.md":
        assert first("kind create cluster") < min(builds)
        assert max(builds) < first("kind load docker-image") < deploy
    else:
        assert first("az acr create") < first("az aks create") < first("az aks get-credentials")
        assert first("az acr create") < first("az acr build") < first("sed ") < deploy
        assert max(builds) < first("docker push") < first("sed ")

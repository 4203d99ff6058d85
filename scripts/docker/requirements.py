"""Print the project's dependencies from pyproject.toml, one per line, for ``pip install -r``.

Used inside the Dockerfiles' builder stage (Python 3.11+, standard library only):

    python3 requirements.py pyproject.toml --exclude "kubernetes supervisor"

``--exclude`` drops the named distributions (the runner's dependencies, which the service
images do not need); names compare as PEP 503 normalises them.
"""

from __future__ import annotations

import argparse
import re
import tomllib
from pathlib import Path

NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(pyproject: Path, exclude: set[str]) -> list[str]:
    deps = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    skip = {normalize(name) for name in exclude}
    kept = []
    for dep in deps:
        match = NAME.match(dep)
        if match is None:
            raise SystemExit(f"cannot read the dependency {dep!r} in {pyproject}")
        if normalize(match.group(1)) not in skip:
            kept.append(dep)
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pyproject", type=Path)
    parser.add_argument("--exclude", default="", help="space-separated distribution names")
    args = parser.parse_args()
    print("\n".join(requirements(args.pyproject, set(args.exclude.split()))))


if __name__ == "__main__":
    main()

"""Print the Debian mirror this machine's apt uses (for debootstrap), from its apt sources.

Reads /etc/apt/sources.list and /etc/apt/sources.list.d/*.list (one-line format) and *.sources
(deb822 format) and prints the first ``deb`` URI that serves SUITE (default bookworm) itself, not
its ``-security``/``-updates`` parts; else the first one whose path ends in ``/debian``; else
http://deb.debian.org/debian.
"""

from __future__ import annotations

import sys
from pathlib import Path

FALLBACK = "http://deb.debian.org/debian"
APT_DIR = Path("/etc/apt")


def _one_line_entries(text: str) -> list[tuple[str, list[str]]]:
    entries = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        parts = line.split()
        if len(parts) < 3 or parts[0] != "deb":
            continue
        rest = parts[1:]
        if rest[0].startswith("["):  # options such as [signed-by=...]
            while rest and not rest[0].endswith("]"):
                rest = rest[1:]
            rest = rest[1:]
        if len(rest) >= 2:
            entries.append((rest[0], [rest[1]]))
    return entries


def _deb822_entries(text: str) -> list[tuple[str, list[str]]]:
    entries = []
    for stanza in text.split("\n\n"):
        fields: dict[str, str] = {}
        for raw in stanza.splitlines():
            if raw.startswith("#") or ":" not in raw:
                continue
            key, value = raw.split(":", 1)
            fields[key.strip().lower()] = value.strip()
        if "deb" not in fields.get("types", "").split():
            continue
        for uri in fields.get("uris", "").split():
            entries.append((uri, fields.get("suites", "").split()))
    return entries


def mirror(apt_dir: Path = APT_DIR, suite: str = "bookworm") -> str:
    entries: list[tuple[str, list[str]]] = []
    main_list = apt_dir / "sources.list"
    if main_list.is_file():
        entries += _one_line_entries(main_list.read_text(errors="replace"))
    parts = apt_dir / "sources.list.d"
    if parts.is_dir():
        for path in sorted(parts.iterdir()):
            if path.suffix == ".list":
                entries += _one_line_entries(path.read_text(errors="replace"))
            elif path.suffix == ".sources":
                entries += _deb822_entries(path.read_text(errors="replace"))
    web = [(u.rstrip("/"), s) for u, s in entries if u.startswith(("http://", "https://"))]
    for uri, suites in web:
        if suite in suites:
            return uri
    for uri, _ in web:
        if uri.endswith("/debian"):
            return uri
    return FALLBACK


if __name__ == "__main__":
    args = sys.argv[1:]
    print(mirror(suite=args[0]) if args else mirror())

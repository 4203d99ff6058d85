"""README.ja.md keeps in step with README.md: commands, structure, images, links, config table."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from services.config import markdown_table
from testbed.procs import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
README_JA = (REPO_ROOT / "README.ja.md").read_text(encoding="utf-8")

FENCE = re.compile(r"^```[^\n]*\n.*?^```[ \t]*$", re.MULTILINE | re.DOTALL)
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
CROSS_LINKS = {"README.md", "README.ja.md"}


def code_blocks(text: str) -> list[str]:
    return FENCE.findall(text)


def prose(text: str) -> str:
    """The text outside fenced code blocks (where a `#` line is a comment, not a heading)."""
    return FENCE.sub("", text)


def heading_levels(text: str) -> Counter[int]:
    return Counter(len(m.group(1)) for m in re.finditer(r"^(#{1,6}) \S", prose(text), re.MULTILINE))


def relative_links(text: str) -> list[str]:
    return [
        t
        for t in LINK.findall(prose(text))
        if "://" not in t and not t.startswith(("#", "mailto:"))
    ]


def table_rows(text: str) -> int:
    return sum(1 for line in prose(text).splitlines() if line.startswith("|"))


@pytest.mark.parametrize("text", [README, README_JA], ids=["en", "ja"])
def test_the_parser_sees_what_the_readmes_hold(text: str) -> None:
    # Guards against a regex that matches nothing and so makes the comparisons below vacuous.
    assert len(code_blocks(text)) >= 4
    assert heading_levels(text)[2] >= 5
    assert len(IMAGE.findall(text)) >= 4
    assert table_rows(text) >= 20


def test_code_blocks_are_identical_and_in_order() -> None:
    assert code_blocks(README_JA) == code_blocks(README)


def test_the_japanese_readme_opens_with_the_same_bash_block() -> None:
    first = README.split("```bash\n", 1)[1].split("```", 1)[0]
    assert README_JA.split("```bash\n", 1)[1].split("```", 1)[0] == first


def test_same_number_of_headings_per_level() -> None:
    assert heading_levels(README_JA) == heading_levels(README)


def test_same_images_in_the_same_order() -> None:
    assert IMAGE.findall(README_JA) == IMAGE.findall(README)
    for path in IMAGE.findall(README):
        assert (REPO_ROOT / path).is_file(), path


def test_same_relative_link_targets_apart_from_the_language_links() -> None:
    en = [t for t in relative_links(README) if t not in CROSS_LINKS]
    ja = [t for t in relative_links(README_JA) if t not in CROSS_LINKS]
    assert ja == en
    for target in en:
        assert (REPO_ROOT / target).exists(), target


def test_each_readme_links_to_the_other() -> None:
    assert "README.ja.md" in relative_links(README)
    assert "README.md" in relative_links(README_JA)
    assert "[README.md](README.md)" in README_JA.splitlines()[-1]


def test_same_number_of_table_rows() -> None:
    assert table_rows(README_JA) == table_rows(README)


def test_configuration_table_is_the_generated_one() -> None:
    assert markdown_table().strip() in README_JA

"""The README's promises that code can check: its opening commands and its configuration table."""

from __future__ import annotations

from services.config import markdown_table
from testbed.procs import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_main_job_and_the_test_command() -> None:
    block = README.split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == [
        "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/chaosrun demo",
        "bash scripts/test",
    ]


def test_readme_configuration_table_is_the_generated_one() -> None:
    assert markdown_table().strip() in README


def test_readme_catalogue_table_is_the_generated_one() -> None:
    from chaos.actions.discovery import markdown_table

    table = markdown_table()
    assert table.count("\n") == 2 + 105  # the 103 functions and the tutorial's two older names
    for readme in ("README.md", "README.ja.md"):
        assert table in (REPO_ROOT / readme).read_text(encoding="utf-8"), readme

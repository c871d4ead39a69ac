"""The docs page embeds the diagram generated from the table, byte for byte."""

import re
from pathlib import Path

from servicekit.acceptance import STANDARD_PROCESS, to_mermaid

PAGE = Path(__file__).resolve().parents[2] / "docs" / "acceptance.md"


def test_embedded_diagram_is_the_generated_one():
    blocks = re.findall(
        r"```mermaid\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.DOTALL
    )
    assert blocks == [to_mermaid()], "regenerate the block with to_mermaid()"


def test_the_processes_page_embeds_the_diagram_it_prints():
    """docs/processes.md prints a team's process and renders the same text."""
    page = PAGE.with_name("processes.md").read_text(encoding="utf-8")
    reviewed, standard = re.findall(r"```mermaid\n(.*?)```", page, re.DOTALL)
    printed = page.split(">>> print(reviewed.to_mermaid())\n", 1)[1]
    assert printed.startswith(reviewed)
    assert standard == STANDARD_PROCESS.to_mermaid(), "regenerate the standard diagram"

"""The docs page embeds the diagram generated from the table, byte for byte."""

import re
from pathlib import Path

from servicekit.acceptance import to_mermaid

PAGE = Path(__file__).resolve().parents[2] / "docs" / "acceptance.md"


def test_embedded_diagram_is_the_generated_one():
    blocks = re.findall(
        r"```mermaid\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.DOTALL
    )
    assert blocks == [to_mermaid()], "regenerate the block with to_mermaid()"

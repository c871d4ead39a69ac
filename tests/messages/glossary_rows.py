"""The glossary (docs/glossary.md) as data: the rows of its table."""

import re
from pathlib import Path
from typing import NamedTuple

GLOSSARY = Path(__file__).parents[2] / "docs" / "glossary.md"


class Term(NamedTuple):
    english: str
    chinese: str
    names: tuple[str, ...]  # the servicekit names in backticks
    notes: str


def terms() -> list[Term]:
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in {"English", "---"}:
            continue
        english, chinese, where, notes = cells
        rows.append(
            Term(english, chinese, tuple(re.findall(r"`([^`]+)`", where)), notes)
        )
    return rows


def english_forms(term: Term) -> list[str]:
    """The term as English text may write it: ``"Net Promoter Score (NPS)"`` gives both."""
    m = re.fullmatch(r"(.+?) \((.+)\)", term.english)
    return [m[1], m[2]] if m else [term.english]

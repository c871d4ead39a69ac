"""The gettext catalogs: complete, in step with the code, the .mo in step with the .po."""

import gettext
import io
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from messages.glossary_rows import english_forms, terms
from servicekit.messages import CODES
from servicekit.messages._catalog import BUILT_IN_NAMES

LOCALE = Path(__file__).parents[2] / "src" / "servicekit" / "messages" / "locale"
PO = LOCALE / "zh_CN" / "LC_MESSAGES" / "servicekit.po"
MO = PO.with_suffix(".mo")
POT = LOCALE / "servicekit.pot"
CATALOG = Path(__file__).parents[2] / "src" / "servicekit" / "messages" / "_catalog.py"


def _po():
    with PO.open("rb") as f:
        return read_po(f, locale="zh_CN")


def _entries() -> dict[tuple[str, str], str]:
    return {(m.context, m.id): m.string for m in _po() if m.id}


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}


def test_every_code_has_a_chinese_template_with_the_same_placeholders():
    entries = _entries()
    for code, spec in CODES.items():
        zh = entries.get((code, spec.template))
        assert zh, f"{code} has no Chinese translation (run pybabel update)"
        assert _fields(zh) == _fields(spec.template) == set(spec.kinds), code


def test_every_built_in_name_has_a_chinese_name():
    entries = _entries()
    for name in BUILT_IN_NAMES:
        assert entries.get(("name", name)), name


def test_the_catalog_holds_nothing_the_code_no_longer_says():
    wanted = {(c, s.template) for c, s in CODES.items()}
    wanted |= {("name", n) for n in BUILT_IN_NAMES}
    assert set(_entries()) == wanted
    assert not [m.id for m in _po() if m.id and m.fuzzy]


def test_the_template_is_what_pybabel_extract_finds():
    """The .pot is extracted from _catalog.py (docs/messages.md gives the command)."""
    found = {
        (ctx, msgid)
        for _, msgid, _, ctx in extract_from_file(
            "python",
            CATALOG,
            keywords={"_define": ((1, "c"), 2), "_name": ((1, "c"), 2)},
        )
    }
    with POT.open("rb") as f:
        pot = {(m.context, m.id) for m in read_po(f) if m.id}
    assert found == pot == set(_entries())


def test_the_compiled_mo_is_the_po_compiled():
    """The wheel ships the .mo: it must say what the .po says (pybabel compile)."""
    buf = io.BytesIO()
    write_mo(buf, _po())
    compiled = gettext.GNUTranslations(io.BytesIO(buf.getvalue()))
    with MO.open("rb") as f:
        shipped = gettext.GNUTranslations(f)
    assert shipped._catalog == compiled._catalog


def _plain(template: str) -> str:
    return re.sub(r"\{[^}]*\}", " ", template)


GLOSSARY = [(t, form) for t in terms() for form in english_forms(t)]


@pytest.mark.parametrize(("code", "english"), sorted(_entries()))
def test_translations_use_the_glossary_words(code, english):
    """A catalog entry naming a glossary term in English names it as the glossary does."""
    zh = _entries()[(code, english)]
    for term, form in GLOSSARY:
        pattern = rf"(?<![\w-]){re.escape(form)}s?(?![\w-])"
        if re.search(pattern, _plain(english), flags=re.IGNORECASE):
            assert term.chinese in zh, f"{english!r} names {form!r}: say {term.chinese}"

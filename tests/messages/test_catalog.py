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
CLI = Path(__file__).parents[2] / "src" / "servicekit" / "cli"
# The keywords of docs/messages.md's `pybabel extract`: the message table's, and the
# command line's gettext calls (_ and _p translate, N_ and N_p only mark).
KEYWORDS = {
    "_define": ((1, "c"), 2),
    "_name": ((1, "c"), 2),
    "_": None,
    "N_": None,
    "_p": ((1, "c"), 2),
    "N_p": ((1, "c"), 2),
}


def _po():
    with PO.open("rb") as f:
        return read_po(f, locale="zh_CN")


def _entries() -> dict[tuple[str, str], str]:
    return {(m.context or "", m.id): m.string for m in _po() if m.id}


def _extracted() -> set[tuple[str, str]]:
    found = set()
    for path in [CATALOG, *sorted(CLI.glob("*.py"))]:
        for _, msgid, _, ctx in extract_from_file("python", path, keywords=KEYWORDS):
            found.add((ctx or "", msgid))
    return found


def _cli_entries() -> dict[tuple[str, str], str]:
    ours = {(c, s.template) for c, s in CODES.items()} | {
        ("name", n) for n in BUILT_IN_NAMES
    }
    return {k: v for k, v in _entries().items() if k not in ours}


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
    assert wanted <= set(_entries())
    assert set(_entries()) == _extracted()
    assert not [m.id for m in _po() if m.id and m.fuzzy]


def test_no_text_hides_from_pybabel_inside_an_f_string():
    """``f"{_('x')}"`` is one token to Python 3.11's tokenizer: pybabel never sees x."""
    entries = {english for _, english in _entries()}
    for path in sorted(CLI.glob("*.py")):
        for said in re.findall(r"""\b_\((["'])((?:(?!\1).)+)\1\)""", path.read_text()):
            assert said[1] in entries, f"{path.name}: {said[1]!r} is not in the catalog"


def test_every_command_line_text_has_a_chinese_translation_with_its_placeholders():
    entries = _cli_entries()
    assert len(entries) > 150
    for (_, english), zh in entries.items():
        assert zh, f"{english!r} has no Chinese translation (run pybabel update)"
        assert _fields(zh) == _fields(english), english
        assert zh.count("%%") == english.count("%%"), english


def test_the_template_is_what_pybabel_extract_finds():
    """The .pot is extracted from _catalog.py (docs/messages.md gives the command)."""
    with POT.open("rb") as f:
        pot = {(m.context or "", m.id) for m in read_po(f) if m.id}
    assert _extracted() == pot == set(_entries())


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
# Where an English word is not the glossary's term: a program's warning is 警告, not
# an SLA warning (预警); the calendar's closed periods are not a closed requirement.
NOT_THE_TERM = {
    ("servicekit: warning: {warning}", "warning"),
    (
        (
            "servicekit: warning: {path}, line {number}: unknown key {key} ignored; "
            "an event's keys are {keys}"
        ),
        "warning",
    ),
    (
        (
            "servicekit: warning: holiday data for {country} ends on {date}; this "
            "result reaches later years, whose make-up working days are not known "
            "yet and whose holidays are estimated: check it against the official "
            "holiday announcements from {year} on"
        ),
        "warning",
    ),
    (
        (
            "Add business time to an instant on a business calendar and show how the "
            "deadline was reached: the open stretches counted and the closed periods "
            "skipped (night, weekend, breaks, public holidays, make-up days)."
        ),
        "closed",
    ),
    ("a deadline in business hours or days, and the closed periods skipped", "closed"),
    ("closed", "closed"),  # a closed day of the calendar (不营业)
    (  # 'Sun closed' is the hours text's own syntax, quoted as it is
        (
            "segment {value} names days but no hours; write e.g. 'Mon-Fri "
            "09:00-18:00' or 'Sun closed'"
        ),
        "closed",
    ),
    (
        (
            'a quoted field is never closed: its opening " swallows the rest of the '
            'file; close it with " or double a quote inside it ("")'
        ),
        "closed",
    ),
}


@pytest.mark.parametrize(("code", "english"), sorted(_entries()))
def test_translations_use_the_glossary_words(code, english):
    """A catalog entry naming a glossary term in English names it as the glossary does."""
    zh = _entries()[(code, english)]
    for term, form in GLOSSARY:
        pattern = rf"(?<![\w-]){re.escape(form)}s?(?![\w-])"
        if (english, form) in NOT_THE_TERM:
            continue
        if re.search(pattern, _plain(english), flags=re.IGNORECASE):
            assert term.chinese in zh, f"{english!r} names {form!r}: say {term.chinese}"

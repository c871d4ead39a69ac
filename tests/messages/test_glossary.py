"""The glossary is data the translations and the enums' Chinese names agree with."""

import enum
import importlib
import re

import pytest

from messages.glossary_rows import english_forms, terms
from servicekit._names_zh import chinese_name

TERMS = terms()


def _resolve(dotted: str) -> object:
    parts = dotted.split(".")
    for cut in range(len(parts), -1, -1):
        try:
            obj: object = importlib.import_module(
                ".".join(["servicekit", *parts[:cut]])
            )
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name)
        return obj
    raise AssertionError(dotted)  # pragma: no cover


def test_the_table_has_our_users_terms():
    chinese = {t.chinese for t in TERMS}
    for needed in (
        "调休",
        "首问负责制",
        "满意度指数",
        "净推荐值",
        "首次解决率",
        "高价值",
        "验收",
        "回访",
    ):
        assert needed in chinese
    assert len(TERMS) > 50


def test_each_english_and_chinese_term_appears_once():
    assert len({t.english.lower() for t in TERMS}) == len(TERMS)
    assert len({t.chinese for t in TERMS}) == len(TERMS)


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t.english)
def test_every_named_object_exists_and_enum_members_use_the_glossary_name(term):
    for name in term.names:
        obj = _resolve(name.split(" ")[0])
        if isinstance(obj, enum.Enum):
            assert chinese_name(obj) == term.chinese, name
            for also in re.findall(r"also (\S+)", term.notes):
                assert type(obj).parse(also) is obj


def test_english_forms_split_an_abbreviation():
    nps = next(t for t in TERMS if t.chinese == "净推荐值")
    assert english_forms(nps) == ["Net Promoter Score", "NPS"]

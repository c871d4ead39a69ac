"""Hypothesis strategies for messages: every code, with parameters of its kinds."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from servicekit._names_zh import CHINESE_NAMES
from servicekit.messages import CODES, Message
from servicekit.messages._catalog import BUILT_IN_NAMES
from servicekit.messages._kinds import Kind

# Texts without braces or line breaks: an id or a name inside a sentence.
words = st.text(
    st.characters(
        codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="{}"
    ),
    min_size=1,
    max_size=10,
)
durations = st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=60))
instants = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),
    max_value=dt.datetime(2100, 1, 1),
    timezones=st.sampled_from([dt.UTC, ZoneInfo("Asia/Shanghai")]),
)
names = st.sampled_from(BUILT_IN_NAMES) | words
leaf_messages = st.sampled_from(
    sorted(c for c, spec in CODES.items() if not spec.kinds)
).map(Message.of)


def _term(vocabulary: str) -> st.SearchStrategy[str]:
    return st.sampled_from(sorted(CHINESE_NAMES[vocabulary]))


def param(kind: Kind) -> st.SearchStrategy[Any]:
    nested = leaf_messages | words
    if kind.vocabulary is not None:
        return _term(kind.vocabulary)
    return {
        "text": words,
        "quoted": words,
        "name": names,
        "int": st.integers(0, 10**6),
        "count": st.integers(0, 10**7),
        "number": st.integers(-(10**6), 10**6) | st.floats(-1e6, 1e6),
        "percent": st.floats(0, 1),
        "duration": durations,
        "span": durations.filter(bool),
        "instant": instants,
        "texts": st.lists(words, min_size=1, max_size=3).map(tuple),
        "texts_or": st.lists(words, min_size=1, max_size=3).map(tuple),
        "names": st.lists(names, min_size=1, max_size=3).map(tuple),
        "message": nested,
        "messages": st.lists(nested, min_size=1, max_size=3).map(tuple),
        "parts": st.lists(nested, min_size=1, max_size=3).map(tuple),
        "alternatives": st.lists(nested, min_size=1, max_size=3).map(tuple),
    }[kind.name]


def message_of(code: str) -> st.SearchStrategy[Message]:
    kinds = CODES[code].kinds
    return st.fixed_dictionaries({n: param(kind) for n, kind in kinds.items()}).map(
        lambda p: Message.of(code, **p)
    )


messages = st.sampled_from(sorted(CODES)).flatmap(message_of)

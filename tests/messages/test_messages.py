"""Messages as data: English by default, Chinese on request, code and parameters in JSON."""

import datetime as dt
import json
import pickle
import subprocess
import sys
import warnings

import pytest
from hypothesis import given, settings

from messages.message_strategies import messages
from servicekit import Priority, Tier
from servicekit.errors import (
    DeserializationError,
    InvalidArgumentError,
    UnknownLocaleWarning,
    UnknownNameError,
)
from servicekit.messages import CODES, LOCALES, Message, render, resolve_locale


@settings(max_examples=200)
@given(messages)
def test_every_code_renders_in_every_locale(m):
    english = str(m)
    assert english == m.render() == m.render("en") == render([m], "en-US")[0]
    chinese = m.render("zh-CN")
    for text in (english, chinese):
        assert text
        assert m.code not in text
    assert chinese == render([m], "zh_CN.UTF-8")[0]


@given(messages)
def test_json_carries_the_code_and_parameters_and_reads_back(m):
    data = json.loads(json.dumps(m.to_dict()))
    assert data["code"] == m.code
    assert set(data["params"]) == set(CODES[m.code].kinds)
    back = Message.from_dict(data)
    assert back == m
    assert hash(back) == hash(m)
    assert str(back) == str(m)
    assert pickle.loads(pickle.dumps(m)) == m


def test_english_and_chinese_of_one_reason():
    m = Message.of(
        "routing.waiting",
        ticket="T-7",
        priority=Priority.URGENT,
        tier=Tier.HIGH_VALUE,
        channel="chat",
        waited=dt.timedelta(minutes=90),
    )
    assert str(m) == (
        "ticket T-7: urgent priority, high-value customer, chat, waiting 1 h 30 min"
    )
    assert (
        m.render("zh-CN") == "工单 T-7：紧急优先级，高价值客户，在线，已等待1小时30分钟"
    )
    assert repr(m).startswith("Message('routing.waiting', {")


def test_cldr_formats_numbers_percentages_instants_and_spans():
    share = Message.of("routing.load", load=5, capacity=8, share=0.625)
    assert str(share) == "is handling 5 of 8 tickets (62% loaded)"
    assert share.render("zh-CN") == "正在处理5/8个工单（负荷62%）"
    big = Message.of("routing.full.many", count=12000)
    assert "12,000" in str(big)
    assert "12,000" in big.render("zh-CN")
    at = dt.datetime(2025, 1, 24, 17, 40, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    c = Message.of(
        "scoring.complaints", count=3, span=dt.timedelta(days=30), now=at, threshold=2
    )
    assert str(c) == (
        "3 unresolved complaints in the 30 days to 2025-01-24T17:40:00+08:00 (threshold 2)"
    )
    assert c.render("zh-CN") == (
        "截至2025年1月24日 17:40的30天内有3个未解决的投诉（阈值2）"
    )
    zero = Message.of("routing.idle", idle=dt.timedelta(0))
    assert zero.render("zh-CN") == "上次接到工单在0秒钟前"


def test_built_in_names_are_translated_and_others_kept():
    m = Message.of("routing.decided_by", policy="least loaded")
    assert m.render("zh-CN") == "由“负荷最低”决定"
    custom = Message.of("routing.decided_by", policy="my rule")
    assert custom.render("zh-CN") == "由“my rule”决定"


def test_nested_messages_and_plain_texts_render_in_the_locale():
    m = Message.of(
        "routing.chose.many.notes",
        agent="A",
        count=3,
        notes=(Message.of("routing.owner.owns"), "a custom note"),
    )
    assert str(m) == (
        "chose agent A of 3 qualified agents: owns the case (first-contact ownership); a custom note"
    )
    assert m.render("zh-CN") == (
        "在3名符合条件的坐席中选择了坐席 A：是案件负责人（首问负责制）；a custom note"
    )


@pytest.mark.parametrize(
    ("given_", "expected"),
    [
        (None, "en"),
        ("en", "en"),
        ("en_US.UTF-8", "en"),
        ("C", "en"),
        ("POSIX", "en"),
        ("zh", "zh-CN"),
        ("zh-CN", "zh-CN"),
        ("zh_CN", "zh-CN"),
        ("zh-Hans", "zh-CN"),
        ("zh-Hans-CN", "zh-CN"),
        ("ZH_cn.utf8", "zh-CN"),
    ],
)
def test_locales_are_read_in_both_spellings(given_, expected):
    assert resolve_locale(given_) == expected


@pytest.mark.parametrize("locale", ["fr-FR", "zh-TW", "mn"])
def test_an_unknown_locale_falls_back_to_english_with_one_warning(locale):
    ms = [Message.of("routing.no_agent_now")] * 3
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        texts = render(ms, locale)
    assert texts == [str(ms[0])] * 3
    assert len(caught) == 1
    assert caught[0].category is UnknownLocaleWarning
    assert all(loc in str(caught[0].message) for loc in LOCALES)


def test_bad_messages_are_refused_at_construction():
    with pytest.raises(UnknownNameError, match="CODES"):
        Message.of("routing.nope")
    with pytest.raises(InvalidArgumentError, match="takes the parameters agent"):
        Message.of("routing.chose", agent="A")
    with pytest.raises(InvalidArgumentError, match="kind duration"):
        Message.of("routing.idle", idle=90)
    assert Message.of("routing.relax.skills", skills=["a", "b"]).params["skills"] == (
        "a",
        "b",
    )


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"code": "routing.nope", "params": {}}, "no message has the code"),
        ({"code": "routing.idle", "params": {}}, "takes the parameters idle"),
        ({"code": "routing.idle", "params": {"idle": 5}}, "parameter 'idle'"),
        (
            {
                "code": "routing.ranked",
                "params": {"agent": "A", "rank": "1", "count": 2, "notes": []},
            },
            "parameter 'rank'",
        ),
        (
            {"code": "routing.chose", "params": {"agent": "A", "why": 3}},
            "parameter 'why'",
        ),
        ({"code": "routing.escalated", "params": {"steps": "x"}}, "parameter 'steps'"),
        (
            {"code": "routing.relax.skills", "params": {"skills": "x"}},
            "parameter 'skills'",
        ),
        (
            {
                "code": "scoring.complaints.day",
                "params": {"count": 1, "now": "2025", "threshold": 1},
            },
            "parameter 'now'",
        ),
        (
            {"code": "routing.skill_at_level", "params": {"skill": 1, "level": 1}},
            "parameter 'skill'",
        ),
        ({"code": "routing.idle"}, "takes the parameters idle"),
        (
            {"code": "routing.idle", "params": {"idle": "PT1M"}, "text": "x"},
            "unknown key",
        ),
        ("routing.idle", "an object"),
    ],
)
def test_unusable_json_says_what_is_wrong(data, says):
    with pytest.raises(DeserializationError, match=says):
        Message.from_dict(data)


def test_a_message_equals_its_english_text_and_hashes_alike():
    """Code that compared reasons as sentences must keep working."""
    m = Message.of("routing.no_agent_now")
    assert m == str(m)
    assert hash(m) == hash(str(m))
    assert m == Message.of("routing.no_agent_now")
    assert m != Message.of("routing.nobody_qualifies")
    assert m != 3


def test_the_core_computes_without_babel():
    """Babel is for rendering: importing the core (and English text) never loads it."""
    code = (
        "import sys, servicekit.routing, servicekit.sla, servicekit.scoring, "
        "servicekit.acceptance, servicekit.messages as m;"
        "str(m.Message.of('routing.no_agent_now'));"
        "assert 'babel' not in sys.modules, sorted(k for k in sys.modules if 'babel' in k)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603 -- our own code


@pytest.mark.parametrize(
    ("seconds", "english", "chinese"),
    [
        (0, "0 s", "0秒钟"),
        (59, "59 s", "59秒钟"),
        (60, "1 min", "1分钟"),
        (7193, "1 h 59 min", "1小时59分钟"),
        (3600, "1 h 00 min", "1小时0分钟"),
    ],
)
def test_a_wait_reads_the_same_in_both_languages(seconds, english, chinese):
    """Regression: Chinese once said the seconds English leaves out (1小时59分钟53秒钟)."""
    m = Message.of("routing.idle", idle=dt.timedelta(seconds=seconds))
    assert str(m) == f"last received a ticket {english} ago"
    assert m.render("zh-CN") == f"上次接到工单在{chinese}前"


@pytest.mark.parametrize(
    ("span", "chinese"),
    [
        (dt.timedelta(days=1, hours=12), "1天12小时"),
        (dt.timedelta(hours=2, minutes=3, seconds=4), "2小时3分钟4秒钟"),
        (-dt.timedelta(days=2), "-2天"),
        (dt.timedelta(microseconds=5), "0秒钟"),
    ],
)
def test_spans_say_every_unit(span, chinese):
    at = dt.datetime(2025, 1, 24, 17, 40, tzinfo=dt.UTC)
    m = Message.of("scoring.complaints", count=3, span=span, now=at, threshold=2)
    assert f"的{chinese}内" in m.render("zh-CN")

"""Text conditions: substring, whole word and regular expression over text facts.

The regular expression is searched by servicekit's own automaton (``_text.py``), so
``re`` is the reference it must agree with, on patterns from a grammar and random
texts; the classic catastrophic-backtracking patterns must be cheap, not refused
or slow; what no automaton can follow is refused when the condition is built.
"""

import datetime as dt
import json
import pickle
import re
import types

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit import Channel, _text
from servicekit._text import caseless, compile_pattern, find_word, is_unspaced
from servicekit.conditions import (
    AnyOf,
    Not,
    TextContains,
    TextHasWord,
    TextMatches,
    condition_from,
)
from servicekit.errors import (
    DeserializationError,
    InvalidArgumentError,
    InvalidConditionError,
    UnsupportedPatternError,
)
from servicekit.routing import Ticket, Triage, TriageRule
from servicekit.sla import (
    BusinessCalendar,
    EventKind,
    Metric,
    PolicySet,
    SlaPolicy,
    SlaTarget,
    TicketEvent,
    evaluate,
)
from strategies import TEXT_ALPHABET, text_patterns

SUBJECT = "attributes.subject"


def _subject(text: object) -> dict[str, object]:
    return {"attributes": {"subject": text}}


# ------------------------------------------------------------------ the regex engine


@settings(max_examples=400, deadline=None)
@given(pattern=text_patterns, text=st.text(TEXT_ALPHABET, max_size=12))
def test_a_pattern_answers_as_re_search_does(pattern: str, text: str) -> None:
    """Both ways: the automaton, and re itself for a pattern with few ways to match."""
    compiled = compile_pattern(pattern, casefold=False)
    expected = bool(re.search(pattern, text))
    assert compiled.search_automaton(text) == expected
    assert compiled.search(text) == expected


@pytest.mark.parametrize(
    ("pattern", "by_re"),
    [
        (r"#\d{6}", True),
        (r"\b(system (is )?down|outage)\b", True),
        (r"退款|refund", True),
        (r"(?:a?){12}", False),  # 4,096 ways to match at each place
        (r"(?:ab?){12}", False),
        (r"\d+", False),  # unbounded: the automaton
        (r"(a+)+$", False),
    ],
)
def test_re_runs_only_patterns_with_few_ways_to_match(
    pattern: str, by_re: bool
) -> None:
    """A bounded pattern makes re try at most a few thousand steps per position."""
    assert (compile_pattern(pattern, casefold=False)._bounded is not None) is by_re


@settings(max_examples=300, deadline=None)
@given(pattern=text_patterns, text=st.text(TEXT_ALPHABET, max_size=12))
def test_a_casefold_pattern_answers_as_re_ignorecase_on_the_caseless_text(
    pattern: str, text: str
) -> None:
    condition = TextMatches(field="s", pattern=pattern, casefold=True)
    expected = bool(re.search(pattern, caseless(text), re.IGNORECASE))
    assert condition.matches({"s": text}) == expected
    assert condition._compiled.search_automaton(caseless(text)) == expected


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("$", "", True),
        (r"\b", "", False),  # re finds no boundary, nor a non-boundary, in ""
        (r"\B", "", False),
        ("a$", "a\n", True),  # $ also matches before a final newline
        (r"a\Z", "a\n", False),
        ("^b", "ab", False),
        (r"\bb", "a b", True),
        (r"款\b", "退款了", False),  # no \b between two Chinese characters
        ("k", "\u212a", False),  # the Kelvin sign is not k, except when folded
    ],
)
def test_anchors_follow_re_at_the_edges(
    pattern: str, text: str, expected: bool
) -> None:
    assert compile_pattern(pattern, casefold=False).search(text) is expected
    assert bool(re.search(pattern, text)) is expected


CATASTROPHIC = [
    (r"(a+)+$", False),
    (r"(a|a)*b", False),
    (r"(a|aa)+$", False),
    (r"(.*a){20}", True),
    (r"(a*)*b", False),
    (r".*.*.*x", False),  # polynomial in re: 45 s on 1,000 characters
    (r"^(\w+\s?)*$", False),
    (r"(x+x+)+y", False),
]


@pytest.mark.parametrize(("pattern", "expected"), CATASTROPHIC)
def test_catastrophic_backtracking_patterns_take_one_step_per_character(
    pattern: str, expected: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ReDoS: patterns that make ``re`` backtrack for hours cost linear work here.

    Each character costs at most one step of the automaton (a step visits each of
    its states once, and there are at most MAX_PATTERN_STATES of them), so the
    work is bounded by the text's length times the pattern's size.
    """
    compiled = compile_pattern(pattern, casefold=False)
    steps = 0
    step = _text.Pattern._step

    def counting(*args: object) -> object:
        nonlocal steps
        steps += 1
        return step(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(_text.Pattern, "_step", counting)
    hostile = "a" * 3000 + "!"
    assert compiled.search(hostile) is expected
    assert steps <= len(hostile) + 1
    # The automaton repeats a handful of sets of states: nearly every step is cached.
    assert compiled._size <= 50


def test_a_full_cache_stops_growing_and_the_answers_stay(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Memory per pattern is bounded: past the limit, steps are computed afresh."""
    monkeypatch.setattr(_text, "_CACHE_LIMIT", 3)
    compiled = compile_pattern(r"(a|b|ab)*c\b", casefold=False)
    assert compiled.search("ab" * 50 + "c")
    assert not compiled.search("ab" * 50)
    assert compiled._size == 3
    unanchored = compile_pattern(r"(a|b|ab)*c", casefold=False)
    assert unanchored.search("ab" * 50 + "c")
    assert not unanchored.search("ab" * 50)
    assert unanchored._size == 3


@pytest.mark.parametrize(
    ("pattern", "what"),
    [
        (r"(a)\1", "backreference"),
        (r"(?P<x>a)(?P=x)", "backreference"),
        (r"refund(?=ed)", "lookahead"),
        (r"(?<=退)款", "lookbehind"),
        (r"(?<!不)退款", "negative lookahead or lookbehind"),
        (r"(?>a+)b", "atomic group"),
        (r"a++b", "possessive quantifier"),
        (r"(a)?(?(1)b|c)", "conditional group"),
        (r"(?i)refund", "inline flags"),
        (r"(?m)^refund$", "inline flags"),
        ("a" * 501, "at most 500 characters"),
        (r"a{1001}", "automaton states"),
        (r"(?:(?:a{40}){30})", "automaton states"),
        ("(" * 40 + "a" + ")" * 40, "deep"),
    ],
)
def test_what_no_automaton_can_follow_is_refused_when_built(
    pattern: str, what: str
) -> None:
    with pytest.raises(UnsupportedPatternError, match=re.escape(what)):
        TextMatches(field="subject", pattern=pattern)


def test_a_pattern_refused_is_a_condition_error_too() -> None:
    """Callers catching InvalidConditionError (or ValueError) see every refusal."""
    assert issubclass(UnsupportedPatternError, InvalidConditionError)
    assert issubclass(UnsupportedPatternError, ValueError)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pattern": "(refund"}, "not a regular expression: missing \\)"),
        ({"pattern": ""}, "use Always()"),
        ({"pattern": 3}, "must be text"),
        ({"pattern": "a", "casefold": "yes"}, "True or False"),
        ({"pattern": "a", "field": ""}, "non-empty name"),
    ],
)
def test_a_malformed_pattern_condition_is_refused_when_built(
    kwargs: dict[str, object], message: str
) -> None:
    args = {"field": "subject"} | kwargs
    with pytest.raises(InvalidConditionError, match=message):
        TextMatches(**args)  # type: ignore[arg-type]


def test_a_pattern_too_deep_for_the_parser_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Called deep in a caller's stack, the parser may run out of recursion."""

    def exhausted(_source: str) -> None:
        raise RecursionError

    monkeypatch.setattr(_text, "sre_parse", types.SimpleNamespace(parse=exhausted))
    with pytest.raises(UnsupportedPatternError, match="nests groups too deeply"):
        compile_pattern("(" * 240 + ")" * 240, casefold=False)


def test_a_compiled_pattern_pickles_as_its_source() -> None:
    compiled = compile_pattern(r"退款|refund", casefold=True)
    again = pickle.loads(pickle.dumps(compiled))
    assert again.search("REFUND")
    assert again.source == compiled.source
    assert repr(again) == "Pattern('退款|refund', casefold=True)"


# ----------------------------------------------------------------- words and case


def _reference_words(text: str) -> set[tuple[int, int]]:
    """Every (start, end) at which a whole word may begin and end, by tokenising.

    Tokens: a run of word characters of spaced scripts, one character of an
    unspaced script (Chinese…), or one other character. Token edges are where a
    whole word may start or end.
    """
    edges = {0, len(text)}
    i = 0
    while i < len(text):
        j = i + 1
        if (text[i].isalnum() or text[i] == "_") and not is_unspaced(text[i]):
            while (
                j < len(text)
                and (text[j].isalnum() or text[j] == "_")
                and not is_unspaced(text[j])
            ):
                j += 1
        edges.add(j)
        i = j
    return edges


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(TEXT_ALPHABET + "한글", max_size=14),
    word=st.text(TEXT_ALPHABET + "한", min_size=1, max_size=4),
)
def test_a_whole_word_begins_and_ends_on_token_edges(text: str, word: str) -> None:
    edges = _reference_words(text)
    expected = any(
        text.startswith(word, i) and i in edges and i + len(word) in edges
        for i in range(len(text))
    )
    assert find_word(text, word) is expected


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("我们的系统故障了", "系统故障", True),  # no spaces in Chinese: a substring
        ("系统故障了", "故障", True),
        ("申请refund退款", "refund", True),  # Latin beside Chinese is a word
        ("refunds", "refund", False),
        ("prerefund", "refund", False),
        ("refund_id", "refund", False),  # _ is a word character, as in \w
        ("order #123 late", "#123", True),
        ("order 1234", "123", False),
        ("カスタマー サポート", "サポート", True),
        ("환불 요청", "환불", True),  # Korean is written with spaces
        ("환불요청", "환불", False),
        ("", "a", False),
    ],
)
def test_what_a_word_is(text: str, word: str, expected: bool) -> None:
    assert TextHasWord(field="s", word=word).matches({"s": text}) is expected


def test_casefold_ignores_case_width_and_composition() -> None:
    assert caseless("ＶＩＰ Ｒｅｆｕｎｄ") == "vip refund"
    assert caseless("Straße") == caseless("STRASSE")
    assert caseless("e\u0301") == caseless("\u00c9")  # decomposed é, composed É
    contains = TextContains(field="s", value="Refund", casefold=True)
    assert contains.matches({"s": "ＲＥＦＵＮＤ please"})
    assert not TextContains(field="s", value="Refund").matches({"s": "refund"})
    assert TextHasWord(field="s", word="VIP", casefold=True).matches(
        {"s": "ｖｉｐ客户"}
    )


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(TEXT_ALPHABET, max_size=12),
    value=st.text(TEXT_ALPHABET, min_size=1, max_size=3),
    casefold=st.booleans(),
)
def test_text_contains_is_substring_of_the_compared_forms(
    text: str, value: str, casefold: bool
) -> None:
    form = caseless if casefold else (lambda s: s)
    condition = TextContains(field="attributes.subject", value=value, casefold=casefold)
    assert condition.matches(_subject(text)) is (form(value) in form(text))


@pytest.mark.parametrize("cls", [TextContains, TextHasWord, TextMatches])
def test_a_missing_or_null_fact_does_not_match_and_a_number_raises(cls: type) -> None:
    key = {TextContains: "value", TextHasWord: "word", TextMatches: "pattern"}[cls]
    condition = cls(field=SUBJECT, **{key: "x"})
    assert not condition.matches({})
    assert not condition.matches({"attributes": {}})
    assert not condition.matches(_subject(None))
    assert Not(condition=condition).matches({})
    with pytest.raises(InvalidConditionError, match="not text"):
        condition.matches(_subject(42))
    with pytest.raises(InvalidConditionError, match="not text"):
        condition.matches(_subject(["x"]))


@pytest.mark.parametrize(
    ("cls", "kwargs", "message"),
    [
        (TextContains, {"value": ""}, "use Always()"),
        (TextContains, {"value": 3}, "must be text"),
        (TextHasWord, {"word": " refund"}, "strip it"),
        (TextHasWord, {"word": ""}, "use Always()"),
        (TextHasWord, {"word": "vip", "casefold": 1}, "True or False"),
    ],
)
def test_a_malformed_text_condition_is_refused_when_built(
    cls: type, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidConditionError, match=re.escape(message)):
        cls(field=SUBJECT, **kwargs)


def test_an_enum_fact_is_text() -> None:
    """Channel is a StrEnum: its value is the text a condition reads."""
    assert TextContains(field="channel", value="chat").matches(
        {"channel": Channel.CHAT}
    )


# ---------------------------------------------------------------- stored as data


@pytest.mark.parametrize(
    "condition",
    [
        TextContains(field=SUBJECT, value="退款"),
        TextHasWord(field="category", word="refund", casefold=True),
        TextMatches(field=SUBJECT, pattern=r"订单\s*#?\d{6}", casefold=True),
    ],
)
def test_a_text_condition_round_trips_through_json(condition: object) -> None:
    data = json.loads(json.dumps(condition.to_dict(), ensure_ascii=False))  # type: ignore[attr-defined]
    assert condition_from(data) == condition
    again = pickle.loads(pickle.dumps(condition))
    assert again == condition
    assert again.matches(_subject("订单 #123456 退款")) == condition.matches(  # type: ignore[attr-defined]
        _subject("订单 #123456 退款")
    )


def test_stored_data_with_a_refused_pattern_names_its_path() -> None:
    stored = {
        "type": "any",
        "conditions": [
            {"type": "text_contains", "field": SUBJECT, "value": "退款"},
            {"type": "text_matches", "field": SUBJECT, "pattern": r"(\w+)\1"},
        ],
    }
    with pytest.raises(
        DeserializationError, match=r"\$\.conditions\[1\].*backreference"
    ):
        condition_from(stored)
    assert TextMatches(field="s", pattern="x").to_dict() == {
        "type": "text_matches",
        "field": "s",
        "pattern": "x",
    }


# ---------------------------------------------------------- in policies and triage

SH = "Asia/Shanghai"
T0 = pendulum.datetime(2026, 3, 2, 10, tz=SH)


def _refund_policies() -> PolicySet:
    cal = BusinessCalendar.always_open(SH)
    return PolicySet(
        [
            SlaPolicy(
                name="refund fast lane",
                when=AnyOf(
                    conditions=[
                        TextContains(field=SUBJECT, value="退款"),
                        TextHasWord(field=SUBJECT, word="refund", casefold=True),
                    ]
                ),
                calendar=cal,
                targets=[
                    SlaTarget(
                        metric=Metric.FIRST_RESPONSE, within=dt.timedelta(minutes=5)
                    )
                ],
            ),
            SlaPolicy(
                name="standard",
                calendar=cal,
                targets=[
                    SlaTarget(
                        metric=Metric.FIRST_RESPONSE, within=dt.timedelta(minutes=30)
                    )
                ],
            ),
        ]
    )


def _report(policies: PolicySet, subject: str, *later: TicketEvent) -> object:
    created = TicketEvent(
        at=T0, kind=EventKind.CREATED, attributes={"subject": subject}
    )
    return evaluate(policies, [created, *later], T0 + dt.timedelta(minutes=1))


@pytest.mark.parametrize(
    ("subject", "policy", "due_minutes"),
    [
        ("订单123申请退款", "refund fast lane", 5),
        ("REFUND for order 123", "refund fast lane", 5),
        (
            "Ｒｅｆｕｎｄ please",
            "refund fast lane",
            5,
        ),  # full width, as typed in Chinese
        ("refunded twice?", "standard", 30),  # not the word
        ("物流查询", "standard", 30),
    ],
)
def test_an_sla_policy_is_chosen_by_the_subject(
    subject: str, policy: str, due_minutes: int
) -> None:
    policies = _refund_policies()
    stored = PolicySet.from_dict(json.loads(json.dumps(policies.to_dict())))
    assert stored == policies
    for chosen_from in (policies, stored):
        report = _report(chosen_from, subject)
        assert report.policy == policy  # type: ignore[attr-defined]
        status = report.metrics[Metric.FIRST_RESPONSE]  # type: ignore[attr-defined]
        assert status.due_at == T0 + dt.timedelta(minutes=due_minutes)


def test_the_policy_memo_tells_subjects_apart() -> None:
    """The policy set memoises by the attributes its conditions read: the subject."""
    policies = _refund_policies()
    answers = [
        _report(policies, s).policy  # type: ignore[attr-defined]
        for s in ["退款", "你好", "退款", "你好"]
    ]
    assert answers == ["refund fast lane", "standard", "refund fast lane", "standard"]


def test_a_subject_changed_to_a_refund_enters_the_fast_lane() -> None:
    """The generic fact change re-selects the policy, text conditions included."""
    policies = _refund_policies()
    changed = TicketEvent(
        at=T0 + dt.timedelta(seconds=30),
        kind=EventKind.FACTS_CHANGED,
        attributes={"subject": "我要退款"},
    )
    report = _report(policies, "物流查询", changed)
    assert report.policy == "refund fast lane"  # type: ignore[attr-defined]


def test_triage_grades_a_ticket_by_keyword() -> None:
    triage = Triage(
        rules=[
            TriageRule(
                name="outage",
                when=AnyOf(
                    conditions=[
                        TextContains(field="attributes.description", value="系统故障"),
                        TextMatches(
                            field="attributes.description",
                            pattern=r"\b(outage|system (is )?down)\b",
                            casefold=True,
                        ),
                    ]
                ),
                priority="urgent",
                group="technical support",
            ),
            TriageRule(
                name="refunds",
                when=TextHasWord(field="attributes.subject", word="退款"),
                priority="high",
                skills={"refunds"},
            ),
        ]
    )
    stored = Triage.from_dict(json.loads(json.dumps(triage.to_dict())))
    assert stored == triage

    def ticket(n: int, **attributes: str) -> Ticket:
        return Ticket(
            id=f"T{n}",
            created_at=T0,
            priority="normal",
            tier="ordinary",
            channel="web",
            attributes=attributes,
        )

    cases = [
        (ticket(1, description="下单后系统故障，无法支付"), "outage", "urgent"),
        (ticket(2, description="The System is DOWN since 9:00"), "outage", "urgent"),
        (
            ticket(3, description="downtime report", subject="申请退款"),
            "refunds",
            "high",
        ),
        (ticket(4, description="你好"), "default", "normal"),
        (ticket(5, description="下单后系统故障"), "outage", "urgent"),
    ]
    for table in (triage, stored):
        for t, rule, priority in cases:
            result = table.classify(t)
            assert (result.rule.name, result.priority.value) == (rule, priority)


def test_a_target_stops_on_a_reply_whose_text_says_so() -> None:
    """A promise kept by a reply that names the solution (stop_when over its text)."""
    cal = BusinessCalendar.always_open(SH)
    solution = AnyOf(
        conditions=[
            TextContains(field="attributes.body", value="解决方案"),
            TextHasWord(field="attributes.body", word="workaround", casefold=True),
        ]
    )
    policy = SlaPolicy(
        name="clear answers",
        calendar=cal,
        targets=[
            SlaTarget(
                name="clear_answer",
                metric=Metric.RESOLUTION,
                within=dt.timedelta(hours=24),
                stop_when=solution,
            )
        ],
    )
    assert SlaPolicy.from_dict(json.loads(json.dumps(policy.to_dict()))) == policy

    def replied(*bodies: str) -> object:
        events = [TicketEvent(at=T0, kind=EventKind.CREATED)]
        events += [
            TicketEvent(
                at=T0 + dt.timedelta(hours=i + 1),
                kind=EventKind.AGENT_REPLY,
                attributes={"body": body},
            )
            for i, body in enumerate(bodies)
        ]
        report = evaluate(policy, events, T0 + dt.timedelta(hours=30))
        return report.targets["clear_answer"]  # type: ignore[attr-defined]

    assert replied("收到，正在处理").state.value == "breached"  # type: ignore[attr-defined]
    kept = replied("收到", "解决方案：重启路由器")
    assert kept.state.value == "met"  # type: ignore[attr-defined]
    assert kept.stopped_at == T0 + dt.timedelta(hours=2)  # type: ignore[attr-defined]
    assert replied("A WORKAROUND: restart").state.value == "met"  # type: ignore[attr-defined]
    with pytest.raises(InvalidArgumentError, match="which no event carries"):
        SlaTarget(
            metric=Metric.RESOLUTION,
            within=dt.timedelta(hours=1),
            stop_when=TextContains(field="subject", value="x"),
        )


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        (r"订单.*未发货", "你好" * 500 + "订单 123 仍未发货", True),
        (r"订单.*未发货", "你好" * 500 + "订单 123 已发货", False),
        (r"\d+元", "退款" * 500 + "共35元", True),
        (r"x*y+", "a" * 1000, False),
        (r"a*", "", True),  # matches the empty text: no skipping needed
    ],
)
def test_the_automaton_skips_to_where_a_match_may_begin(
    pattern: str, text: str, expected: bool
) -> None:
    """In the start state it jumps ahead with one class, and never past a match."""
    compiled = compile_pattern(pattern, casefold=False)
    assert compiled.search_automaton(text) is expected
    assert bool(re.search(pattern, text)) is expected
    # Only the characters from where a match may begin were stepped over one by one.
    assert compiled._size <= 40

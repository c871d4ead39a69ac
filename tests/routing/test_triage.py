import pickle

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit import Priority
from servicekit.errors import (
    DeserializationError,
    DuplicateIdError,
    InvalidArgumentError,
    InvalidConditionError,
    InvalidTypeError,
    UnknownNameError,
)
from servicekit.routing import Ticket, Triage, TriageResult, TriageRule, _triage
from servicekit.sla import AllOf, AnyOf, Compare, Contains, Not, OneOf
from strategies import routing_tickets

T0 = pendulum.datetime(2026, 3, 2, 9, tz="Asia/Shanghai")

RULES = [
    TriageRule(
        name="outage",
        when={"attributes.kind": "outage"},
        priority="urgent",
        group="tech",
    ),
    TriageRule(
        name="vip refunds",
        when={"tier": "high_value", "skills.refunds": True},
        priority="high",
        skills={"refunds"},
        min_levels={"refunds": 6},
    ),
    TriageRule(
        name="complaints",
        when=Compare(field="attributes.unresolved_complaints", op=">=", value=2),
        priority="high",
    ),
    TriageRule(
        name="not chat", when=Not(condition={"channel": "chat"}), group="after-sales"
    ),
]


def reference_classify(rules, default, t):
    """Brute force: evaluate every rule, keep the first hit."""
    hits = [r for r in rules if r.when.matches(t.facts())]
    rule = hits[0] if hits else default
    levels = dict(t.min_levels)
    for s, n in rule.min_levels.items():
        levels[s] = max(levels.get(s, 1), n)
    return (
        rule.name,
        rule.priority or t.priority,
        rule.group or t.group,
        t.skills | rule.skills,
        levels,
    )


class TestTriage:
    @given(routing_tickets(), st.permutations(RULES))
    def test_first_match_wins_like_the_reference(self, t, rules):
        triage = Triage(rules=rules)
        r = triage.classify(t)
        assert (
            r.rule.name,
            r.priority,
            r.group,
            r.skills,
            dict(r.min_levels),
        ) == reference_classify(rules, triage.default, t)
        applied = triage.apply(t)
        assert applied.priority == r.priority
        assert applied.id == t.id
        # classify and apply skip re-validation: what they build must equal what the
        # validating constructors build from the same fields.
        assert TriageResult(**r.__getstate__()) == r
        fields = {k: x for k, x in applied.__getstate__().items() if k[0] != "_"}
        rebuilt = Ticket(**fields)
        assert rebuilt == applied
        assert rebuilt.__getstate__() == applied.__getstate__()  # the hidden keys too
        assert Ticket.from_dict(applied.to_dict()) == applied

    @given(routing_tickets())
    def test_default_is_normal_priority(self, t):
        r = Triage(rules=[]).classify(t)
        assert r.rule.name == "default"
        assert r.priority is Priority.NORMAL

    def test_custom_default(self):
        triage = Triage(
            rules=[], default=TriageRule(name="low by default", priority="low")
        )
        t = Ticket(
            id="T", created_at=T0, priority="urgent", tier="ordinary", channel="chat"
        )
        assert triage.classify(t).priority is Priority.LOW
        with pytest.raises(InvalidConditionError, match="leave its `when` empty"):
            Triage(rules=[], default=TriageRule(name="d", when={"tier": "ordinary"}))
        with pytest.raises(InvalidTypeError):
            Triage(rules=[], default="normal")

    def test_round_trips(self):
        triage = Triage(rules=RULES)
        assert Triage.from_dict(triage.to_dict()) == triage
        assert pickle.loads(pickle.dumps(triage)) == triage
        t = Ticket(
            id="T",
            created_at=T0,
            priority="low",
            tier="high_value",
            channel="chat",
            skills={"refunds"},
        )
        r = triage.classify(t)
        assert r.rule.name == "vip refunds"
        assert TriageResult.from_dict(r.to_dict()) == r
        default = Triage(rules=[], default=TriageRule(name="d", priority="low"))
        assert Triage.from_dict(default.to_dict()) == default

    def test_bad_tables(self):
        with pytest.raises(DuplicateIdError):
            Triage(rules=[TriageRule(name="a"), TriageRule(name="a")])
        with pytest.raises(DuplicateIdError, match="default"):
            Triage(rules=[TriageRule(name="default")])
        with pytest.raises(InvalidTypeError):
            Triage(rules=[{"name": "a"}])
        with pytest.raises(InvalidTypeError):
            Triage(rules="a")
        with pytest.raises(InvalidConditionError, match="not in skills"):
            TriageRule(name="x", min_levels={"a": 2})
        with pytest.raises(InvalidTypeError):
            TriageRule(name="x", min_levels=[("a", 2)])
        with pytest.raises(DeserializationError):
            TriageRule.from_dict({"when": {}})
        with pytest.raises(DeserializationError):
            Triage.from_dict({})

    def test_a_misspelt_key_is_refused(self):
        """Issue 13: a rule stored with "wen" for "when" silently matched everything."""
        with pytest.raises(
            DeserializationError, match=r"at \$\.rules\[0\]: unknown key 'wen'"
        ):
            Triage.from_dict(
                {"rules": [{"name": "vip", "wen": {"tier": "high_value"}}]}
            )
        with pytest.raises(InvalidTypeError):
            Triage(rules=[]).classify("ticket")

    def test_result_levels_must_name_its_skills(self):
        with pytest.raises(InvalidArgumentError, match="not in skills"):
            TriageResult(
                rule=TriageRule(name="x"),
                priority="low",
                group=None,
                min_levels={"a": 2},
            )
        with pytest.raises(InvalidTypeError, match="needs a Ticket"):
            Triage(rules=[]).classify(
                Ticket(
                    id="T",
                    created_at=T0,
                    priority="low",
                    tier="ordinary",
                    channel="web",
                )
            ).apply("T")

    def test_result_is_validated_like_every_value(self):
        with pytest.raises(InvalidTypeError, match="TriageRule that fired"):
            TriageResult(rule=None, priority="low", group=None)
        with pytest.raises(UnknownNameError):
            TriageResult(rule=TriageRule(name="x"), priority="soon", group=None)
        with pytest.raises(
            DeserializationError, match=r"at \$\.min_levels: .*1 \(novice\) to 10"
        ):
            TriageResult.from_dict(
                {
                    "rule": {"name": "x"},
                    "priority": "low",
                    "group": None,
                    "skills": ["a"],
                    "min_levels": {"a": 0},
                }
            )

    def test_rule_that_cannot_be_evaluated_names_itself(self):
        rule = TriageRule(
            name="big order", when=Compare(field="attributes.value", op=">", value=1000)
        )
        t = Ticket(
            id="T9",
            created_at=T0,
            priority="low",
            tier="ordinary",
            channel="chat",
            attributes={"value": "lots"},
        )
        with pytest.raises(
            InvalidConditionError, match="'big order' cannot be evaluated on ticket T9"
        ):
            Triage(rules=[rule]).classify(t)


# One table shared by every example, so that its memo fills up across them.
MEMO_RULES = [
    TriageRule(name="one", when={"attributes.x": 1}, priority="urgent"),
    TriageRule(name="true", when={"attributes.x": True}, priority="high"),
    TriageRule(
        name="few",
        when=AllOf(
            conditions=[
                OneOf(field="attributes.x", values=[0, 2.0, "b"]),
                Not(condition={"channel": "chat"}),
            ]
        ),
        group="few",
    ),
    TriageRule(
        name="vip or b",
        when=AnyOf(conditions=[{"tier": "high_value"}, {"attributes.y": "b"}]),
        skills={"vip"},
    ),
    TriageRule(
        name="many", when=Compare(field="attributes.n", op=">=", value=2), group="n"
    ),
]
MEMO_TRIAGE = Triage(rules=MEMO_RULES)
# A rule the memo cannot key (Contains looks into a collection): never memoised.
UNKEYED_TRIAGE = Triage(
    rules=[
        TriageRule(
            name="refunds",
            when=AllOf(
                conditions=[
                    {"channel": "chat"},
                    Contains(field="skills", value="refunds"),
                ]
            ),
        ),
        *MEMO_RULES,
        TriageRule(name="the rest", when=None, group="rest"),
    ]
)
_ATTRIBUTE_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(0, 3),
    st.sampled_from([0.0, 1.0, 2.0, -0.0]),
    st.sampled_from(["a", "b", "B"]),
    st.lists(st.integers(0, 2), max_size=2),
)


@given(
    routing_tickets(),
    st.dictionaries(st.sampled_from(["x", "y", "n"]), _ATTRIBUTE_VALUES, max_size=3),
)
def test_memoised_classify_equals_the_reference(t, attributes):
    """The memo of the rule that fires (issue 12) never changes what fires."""
    t = attrs.evolve(t, attributes=attributes)
    for triage in (MEMO_TRIAGE, UNKEYED_TRIAGE):
        try:
            # The rules up to the first that fires: later ones are never evaluated.
            fired = next((r for r in triage.rules if r.when.matches(t.facts())), None)
            rules = triage.rules if fired is None else [fired]
            expected = reference_classify(rules, triage.default, t)
        except InvalidConditionError:
            with pytest.raises(InvalidConditionError):
                triage.classify(t)
            continue
        for _ in range(2):  # the second time from the memo, where it may
            r = triage.classify(t)
            got = (r.rule.name, r.priority, r.group, r.skills, dict(r.min_levels))
            assert got == expected
    again = pickle.loads(pickle.dumps(MEMO_TRIAGE))
    assert again == MEMO_TRIAGE
    assert again._memo == {}  # a cache: never shipped


def test_memo_stops_growing_at_its_limit(monkeypatch):
    monkeypatch.setattr(_triage, "_MEMO_LIMIT", 2)
    triage = Triage(rules=MEMO_RULES)
    for n in range(4):
        t = Ticket(
            id="T",
            created_at=T0,
            priority="low",
            tier="ordinary",
            channel="chat",
            attributes={"n": n},
        )
        assert triage.classify(t).rule.name == ("many" if n >= 2 else "default")
    assert len(triage._memo) == 2

"""Rule conditions (servicekit._conditions): matching, serialisation and bad input."""

import json
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit import Channel, Priority, Tier
from servicekit.errors import (
    DeserializationError,
    InvalidConditionError,
    ServiceKitError,
)
from servicekit.sla import (
    AllOf,
    Always,
    AnyOf,
    Compare,
    Condition,
    Contains,
    Equals,
    Not,
    OneOf,
    condition_from,
)
from strategies import channels, priorities, tiers

facts_strategy = st.fixed_dictionaries(
    {"priority": priorities, "tier": tiers, "channel": channels},
    optional={
        "category": st.sampled_from(["billing", "logistics", "outage"]),
        "tags": st.frozensets(st.sampled_from(["vip", "repeat", "press"])),
        "attributes": st.fixed_dictionaries(
            {},
            optional={
                "city": st.sampled_from(["Beijing", "Hohhot", "Urumqi"]),
                "order_value": st.integers(0, 5000),
            },
        ),
    },
)

leaf = st.one_of(
    st.builds(Equals, field=st.just("channel"), value=channels),
    st.builds(
        OneOf, field=st.just("tier"), values=st.lists(tiers, min_size=1, max_size=3)
    ),
    st.builds(
        Compare,
        field=st.just("priority"),
        op=st.sampled_from(["<", "<=", ">", ">=", "!="]),
        value=priorities,
    ),
    st.builds(
        Compare,
        field=st.just("attributes.order_value"),
        op=st.sampled_from(["<", "<=", ">", ">="]),
        value=st.integers(0, 5000),
    ),
    st.builds(Equals, field=st.just("attributes.city"), value=st.just("Hohhot")),
    st.builds(
        Contains, field=st.just("tags"), value=st.sampled_from(["vip", "repeat"])
    ),
    st.just(Always()),
)
conditions = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.builds(AllOf, conditions=st.lists(inner, max_size=3)),
        st.builds(AnyOf, conditions=st.lists(inner, max_size=3)),
        st.builds(Not, condition=inner),
    ),
    max_leaves=8,
)


def reference(cond, facts):
    """An independent evaluator over the serialised form."""
    data = cond.to_dict()
    return _ref(data, facts)


def _get(facts, field):
    cur = facts
    for part in field.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None, False
        cur = cur[part]
    return cur, True


_RANK = {
    "priority": ["urgent", "high", "normal", "low"],
    "tier": ["high_value", "potential", "ordinary"],
}


def _ref(data, facts):
    op = data["op"]
    if op == "always":
        return True
    if op == "all":
        return all(_ref(c, facts) for c in data["conditions"])
    if op == "any":
        return any(_ref(c, facts) for c in data["conditions"])
    if op == "not":
        return not _ref(data["condition"], facts)
    value, present = _get(facts, data["field"])
    if not present:
        return False
    if op == "equals":
        return str(value) == str(data["value"])
    if op == "one_of":
        return str(value) in [str(v) for v in data["values"]]
    if op == "contains":
        return data["value"] in value
    if op == "!=":
        return str(value) != str(data["value"])
    if data["field"] in _RANK:
        order = _RANK[data["field"]]
        # Higher standing = smaller index; "a > b" means a ranks above b.
        a, b = -order.index(str(value)), -order.index(str(data["value"]))
    else:
        a, b = value, data["value"]
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


class TestMatching:
    @given(conditions, facts_strategy)
    def test_agrees_with_reference_evaluator(self, cond, facts):
        assert cond.matches(facts) == reference(cond, facts)

    @given(conditions, facts_strategy)
    def test_not_negates(self, cond, facts):
        assert Not(condition=cond).matches(facts) == (not cond.matches(facts))

    @given(st.lists(conditions, max_size=3), facts_strategy)
    def test_de_morgan(self, conds, facts):
        left = Not(condition=AllOf(conditions=conds)).matches(facts)
        right = AnyOf(conditions=[Not(condition=c) for c in conds]).matches(facts)
        assert left == right

    def test_empty_all_is_true_and_empty_any_is_false(self):
        assert AllOf(conditions=[]).matches({})
        assert not AnyOf(conditions=[]).matches({})

    def test_priority_compares_by_rank_even_as_plain_strings(self):
        """Regression: alphabetically "high" < "normal", by rank it is above."""
        c = Compare(field="priority", op=">", value="normal")
        assert c.matches({"priority": "high"})
        assert not c.matches({"priority": "low"})
        assert c.matches({"priority": Priority.URGENT})

    def test_tier_compares_by_rank(self):
        c = Compare(field="tier", op=">=", value=Tier.POTENTIAL)
        assert c.matches({"tier": "high_value"})
        assert not c.matches({"tier": Tier.ORDINARY})

    def test_missing_field_is_false_and_its_negation_true(self):
        c = Equals(field="attributes.city", value="Hohhot")
        assert not c.matches({"attributes": {}})
        assert not c.matches({"attributes": "not a mapping"})
        assert Not(condition=c).matches({})
        assert not Compare(field="x", op=">", value=1).matches({})
        assert not Compare(field="x", op="!=", value=1).matches({})
        assert not OneOf(field="x", values=[1]).matches({})

    def test_dotted_key_present_verbatim_wins(self):
        assert Equals(field="a.b", value=1).matches({"a.b": 1})

    def test_bool_is_not_one(self):
        """Regression: Python's True == 1 must not make a flag rule match a count."""
        assert not Equals(field="vip", value=1).matches({"vip": True})
        assert Equals(field="vip", value=True).matches({"vip": True})

    def test_unorderable_fact_raises_instead_of_guessing(self):
        c = Compare(field="attributes.order_value", op=">", value=1000)
        with pytest.raises(InvalidConditionError, match="cannot compare"):
            c.matches({"attributes": {"order_value": "1200"}})
        with pytest.raises(InvalidConditionError):
            c.matches({"attributes": {"order_value": True}})
        with pytest.raises(InvalidConditionError):
            Compare(field="priority", op=">", value="high").matches(
                {"priority": "critical"}
            )

    def test_uncomparable_objects_raise(self):
        c = Compare(field="x", op="<", value=3)
        with pytest.raises(InvalidConditionError):
            c.matches({"x": object()})

    def test_contains_on_sets_lists_and_mapping_keys(self):
        c = Contains(field="skills", value="refunds")
        assert c.matches({"skills": frozenset({"refunds"})})
        assert c.matches({"skills": ["vat", "refunds"]})
        assert c.matches({"skills": {"refunds": 5}})
        assert not c.matches({"skills": set()})
        assert not c.matches({})

    def test_contains_refuses_text_and_scalars(self):
        """Regression: "refunds" in "no-refunds" is a substring, not membership."""
        c = Contains(field="skills", value="refunds")
        with pytest.raises(InvalidConditionError, match="not a collection"):
            c.matches({"skills": "no-refunds"})
        with pytest.raises(InvalidConditionError):
            c.matches({"skills": 3})

    def test_string_comparison_works_for_other_fields(self):
        assert Compare(field="category", op="<", value="m").matches(
            {"category": "billing"}
        )


class TestShorthand:
    def test_none_is_always(self):
        assert condition_from(None) == Always()

    def test_mapping_equals_and_list_one_of(self):
        c = condition_from({"priority": Priority.URGENT})
        assert c == Equals(field="priority", value=Priority.URGENT)
        c2 = condition_from({"tier": [Tier.HIGH_VALUE, Tier.POTENTIAL]})
        assert c2 == OneOf(field="tier", values=(Tier.HIGH_VALUE, Tier.POTENTIAL))

    def test_set_values_are_ordered_deterministically(self):
        a = condition_from({"channel": {Channel.CHAT, Channel.PHONE}})
        b = condition_from({"channel": {Channel.PHONE, Channel.CHAT}})
        assert a == b

    def test_several_keys_must_all_hold(self):
        c = condition_from({"priority": "urgent", "channel": "phone"})
        assert isinstance(c, AllOf)
        assert c.matches({"priority": "urgent", "channel": "phone"})
        assert not c.matches({"priority": "urgent", "channel": "chat"})

    def test_condition_passes_through(self):
        c = Equals(field="channel", value="chat")
        assert condition_from(c) is c

    def test_protocol_implementations_pass_through(self):
        class CityIs:
            def matches(self, facts):
                return facts.get("city") == "Hohhot"

            def to_dict(self):
                return {"op": "custom"}

        custom = CityIs()
        assert isinstance(custom, Condition)
        assert condition_from(custom) is custom
        assert AllOf(conditions=[custom]).matches({"city": "Hohhot"})

    @pytest.mark.parametrize("bad", [42, "priority=urgent", ["x"]])
    def test_bad_spec_raises(self, bad):
        with pytest.raises(InvalidConditionError):
            condition_from(bad)


class TestValidation:
    @pytest.mark.parametrize("field", ["", ".x", 3, None])
    def test_bad_field(self, field):
        with pytest.raises(InvalidConditionError, match="field"):
            Equals(field=field, value=1)

    def test_value_must_be_json_scalar(self):
        with pytest.raises(InvalidConditionError, match="serialises to JSON"):
            Equals(field="x", value=[1, 2])
        with pytest.raises(InvalidConditionError, match="NaN"):
            Equals(field="x", value=float("nan"))

    def test_one_of_needs_values(self):
        with pytest.raises(InvalidConditionError, match="at least one"):
            OneOf(field="x", values=[])
        with pytest.raises(InvalidConditionError, match="list"):
            OneOf(field="x", values="abc")

    def test_compare_op_and_value(self):
        with pytest.raises(InvalidConditionError, match="unknown comparison"):
            Compare(field="x", op="==", value=1)
        with pytest.raises(InvalidConditionError, match="cannot order"):
            Compare(field="x", op="<", value=None)
        with pytest.raises(InvalidConditionError, match="not a Priority"):
            Compare(field="priority", op="<", value="critical")
        assert Compare(field="priority", op="!=", value="anything").matches(
            {"priority": "low"}
        )

    def test_all_of_needs_a_list(self):
        with pytest.raises(InvalidConditionError):
            AllOf(conditions={"channel": "chat"})
        with pytest.raises(InvalidConditionError):
            AnyOf(conditions=3)

    def test_errors_are_value_errors_of_our_hierarchy(self):
        with pytest.raises(ServiceKitError):
            Equals(field="", value=1)
        with pytest.raises(ValueError):
            Equals(field="", value=1)


class TestSerialisation:
    @given(conditions)
    def test_round_trip_through_json(self, cond):
        data = json.loads(json.dumps(cond.to_dict()))
        back = condition_from(data)
        assert back == cond
        assert back.to_dict() == cond.to_dict()

    @given(conditions, facts_strategy)
    def test_round_trip_preserves_meaning(self, cond, facts):
        back = condition_from(json.loads(json.dumps(cond.to_dict())))
        assert back.matches(facts) == cond.matches(facts)

    @given(conditions)
    def test_pickle(self, cond):
        assert pickle.loads(pickle.dumps(cond)) == cond

    @pytest.mark.parametrize(
        "data",
        [
            {"op": "equals", "field": "x"},
            {"op": "one_of", "values": [1]},
            {"op": "<", "field": "x"},
            {"op": "all"},
            {"op": "not"},
        ],
    )
    def test_missing_keys(self, data):
        with pytest.raises(DeserializationError, match="lacks"):
            condition_from(data)

    def test_unknown_op(self):
        with pytest.raises(DeserializationError, match="unknown condition op"):
            condition_from({"op": "regex", "field": "x", "value": ".*"})

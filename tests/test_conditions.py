"""Rule conditions (servicekit._conditions): matching, serialisation and bad input."""

import json
import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzz
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
from strategies import any_conditions, channels, priorities, tiers

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
    # Stored, a comparison is {"type": "compare", "op": ">=", ...}.
    op = data["op"] if data["type"] == "compare" else data["type"]
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
        # Stored, a condition of one's own is its own to_dict().
        assert AllOf(conditions=[custom]).to_dict() == {
            "type": "all",
            "conditions": [{"op": "custom"}],
        }

    def test_a_subclass_is_stored_as_its_built_in_base(self):
        class Flag(Equals):
            pass

        flag = Flag(field="vip", value=True)
        assert flag.to_dict() == {"type": "equals", "field": "vip", "value": True}
        assert Not(condition=flag).to_dict()["condition"] == flag.to_dict()
        assert condition_from(flag.to_dict()) == Equals(field="vip", value=True)

    @pytest.mark.parametrize(
        "key", ["type", "op", "field", "value", "values", "conditions", "condition"]
    )
    def test_the_keys_of_stored_data_are_not_facts(self, key):
        """A condition that lost its "type" must not be read as another rule."""
        spec = {key: "x", "channel": "chat"}
        with pytest.raises((InvalidConditionError, DeserializationError)):
            condition_from(spec)
        assert condition_from({"type": "equals", "field": key, "value": "x"}).matches(
            {key: "x"}
        )

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
        with pytest.raises(InvalidConditionError, match="infinite"):
            Compare(field="x", op="<", value=float("inf"))

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

    def test_stored_form_is_tagged_by_type(self):
        rule = AllOf(
            conditions=[
                Compare(field="priority", op=">=", value=Priority.HIGH),
                Not(condition=OneOf(field="channel", values=[Channel.BOT])),
            ]
        )
        assert rule.to_dict() == {
            "type": "all",
            "conditions": [
                {"type": "compare", "field": "priority", "op": ">=", "value": "high"},
                {
                    "type": "not",
                    "condition": {
                        "type": "one_of",
                        "field": "channel",
                        "values": ["bot"],
                    },
                },
            ],
        }
        assert Always().to_dict() == {"type": "always"}
        # JSON-native: enum members are written as their plain values.
        value = rule.to_dict()["conditions"][0]["value"]
        assert type(value) is str

    @pytest.mark.parametrize(
        ("data", "path"),
        [
            ({"type": "equals", "field": "x"}, "$.value"),
            ({"type": "one_of", "values": [1]}, "$.field"),
            ({"type": "compare", "field": "x", "value": 1}, "$.op"),
            ({"type": "all"}, "$.conditions"),
            ({"type": "not"}, "$.condition"),
        ],
    )
    def test_missing_keys(self, data, path):
        with pytest.raises(
            DeserializationError, match=rf"at \{path}: this required key is missing"
        ):
            condition_from(data)

    def test_unknown_type(self):
        with pytest.raises(
            DeserializationError,
            match=r"at \$: unknown type 'regex'; expected one of: all, always, any, "
            r"compare, contains, equals, not, one_of",
        ):
            condition_from({"type": "regex", "field": "x", "value": ".*"})

    def test_errors_name_the_path_inside_nested_conditions(self):
        data = {
            "type": "any",
            "conditions": [
                {"type": "always"},
                {
                    "type": "not",
                    "condition": {
                        "type": "all",
                        "conditions": [
                            {"type": "equals", "field": "channel", "value": ["chat"]},
                            {"type": "compare", "field": "x", "op": "==", "value": 1},
                            {"type": "one_of", "field": "", "values": "chat"},
                        ],
                    },
                },
            ],
        }
        with pytest.raises(DeserializationError) as caught:
            condition_from(data)
        message = str(caught.value)
        inner = "at $.conditions[1].condition.conditions"
        assert f"{inner}[0].value: expected text or a number" in message
        assert f"{inner}[1].op: expected one of '<', '<=', '>', '>=', '!='" in message
        assert f"{inner}[2].field: a condition field must be a non-empty" in message
        assert f"{inner}[2].values: expected an array, got text 'chat'" in message

    def test_unknown_keys_are_refused(self):
        with pytest.raises(
            DeserializationError, match=r"at \$.condition: unknown key 'vaule'"
        ):
            condition_from(
                {
                    "type": "not",
                    "condition": {"type": "equals", "field": "x", "vaule": 1},
                }
            )

    @pytest.mark.parametrize(
        ("value", "expected"),
        [("true", "true"), (1, 1), (True, True), (1.5, 1.5), (None, None)],
    )
    def test_values_keep_their_json_type(self, value, expected):
        """No coercion: "true" stays text, 1 stays a number (a rule on True differs)."""
        read = condition_from({"type": "equals", "field": "vip", "value": value})
        assert type(read.value) is type(expected)
        assert read.value == expected

    def test_no_coercion_of_structure(self):
        with pytest.raises(DeserializationError, match=r"at \$.values: expected an"):
            condition_from({"type": "one_of", "field": "x", "values": "abc"})
        with pytest.raises(DeserializationError, match=r"at \$.conditions: expected"):
            condition_from({"type": "all", "conditions": {"channel": "chat"}})
        with pytest.raises(DeserializationError, match=r"at \$.value: expected a fin"):
            condition_from({"type": "equals", "field": "x", "value": float("inf")})

    def test_documents_tagged_by_op_are_refused_with_the_way_to_convert_them(self):
        """Before issue 13 conditions were tagged by "op"; never read them as facts."""
        old = {"op": "equals", "field": "priority", "value": "urgent"}
        with pytest.raises(
            DeserializationError,
            match=r"at \$: 'op' named the type in documents written before issue 13; "
            r"name it under 'type'",
        ):
            condition_from(old)
        nested = {"type": "not", "condition": old}
        with pytest.raises(DeserializationError, match=r"at \$.condition: 'op' named"):
            condition_from(nested)

    def test_the_recipe_in_the_docs_converts_old_documents(self):
        old = {
            "op": "all",
            "conditions": [
                {"op": "equals", "field": "channel", "value": "chat"},
                {"op": ">=", "field": "priority", "value": "high"},
                {
                    "op": "not",
                    "condition": {
                        "op": "one_of",
                        "field": "tier",
                        "values": ["ordinary"],
                    },
                },
            ],
        }
        ops = {"<", "<=", ">", ">=", "!="}
        new = json.loads(
            json.dumps(old),
            object_hook=lambda d: (
                d
                if "op" not in d or "type" in d
                else {"type": "compare", **d}
                if d["op"] in ops
                else {("type" if k == "op" else k): v for k, v in d.items()}
            ),
        )
        assert condition_from(new) == AllOf(
            conditions=[
                Equals(field="channel", value="chat"),
                Compare(field="priority", op=">=", value="high"),
                Not(condition=OneOf(field="tier", values=["ordinary"])),
            ]
        )

    def test_the_shorthand_is_read_inside_stored_conditions(self):
        """As before issue 13: a mapping without "type" means equals / one of."""
        data = {
            "type": "all",
            "conditions": [{"channel": "chat"}, {"tier": ["high_value", "potential"]}],
        }
        assert condition_from(data) == AllOf(
            conditions=[
                Equals(field="channel", value="chat"),
                OneOf(field="tier", values=["high_value", "potential"]),
            ]
        )
        with pytest.raises(
            DeserializationError,
            match=r"at \$.conditions\[0\]\['channel'\]: expected text or a number",
        ):
            condition_from({"type": "all", "conditions": [{"channel": {"a": 1}}]})

    def test_deep_nesting_is_refused_not_a_recursion_error(self):
        data = {"type": "always"}
        for _ in range(200):
            data = {"type": "not", "condition": data}
        with pytest.raises(
            DeserializationError,
            match=r"at \$.condition.condition.condition.condition…: nests deeper "
            r"than 64 levels",
        ):
            condition_from(data)
        # As deep as the limit allows is read.
        data = {"type": "always"}
        for _ in range(63):
            data = {"type": "not", "condition": data}
        assert condition_from(data).to_dict() == data


# ----------------------------------------------------------------------- the fuzz

JUNK = fuzz.junk(
    # Near misses: values of the right JSON type that a condition refuses.
    [
        "",
        ".x",
        "==",
        "regex",
        "op",
        "critical",
        [],
        {"op": "equals", "field": "x", "value": 1},
        {"type": "nope"},
        {"field": "x", "value": 1},
        {"channel": {"a": 1}},
    ]
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_mutated_documents_raise_only_deserialization_errors(data):
    document = data.draw(fuzz.mutated(any_conditions.map(lambda c: c.to_dict()), JUNK))
    # Stored, a condition is always some object's field (condition_from also takes
    # Python values, and says InvalidConditionError about a bad shorthand there).
    document = {"type": "not", "condition": document}
    try:
        value = condition_from(document)
    except DeserializationError as e:
        message = str(e)
        assert " at $" in message, message
        assert len(message) < 2_000, message[:200]
    else:
        # What a mutation left valid reads back as itself.
        assert condition_from(value.to_dict()) == value

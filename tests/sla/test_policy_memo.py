"""PolicySet's memo of which policy a ticket gets: keyed only by the facts policies read.

Regression (the demo): the memo keyed on every attribute, so tickets that differed
only in their city (a fact no policy reads) missed it 60 % of the time.
"""

import datetime as dt

import attrs
from hypothesis import given
from hypothesis import strategies as st

from servicekit import Channel, Priority, Tier
from servicekit.conditions import AllOf, Compare, Equals, Not, OneOf
from servicekit.sla import BusinessCalendar, PolicySet, SlaPolicy, SlaTarget
from servicekit.sla._model import facts_of

UTC24 = BusinessCalendar.always_open("UTC")
TARGET = (SlaTarget(metric="first_response", within=dt.timedelta(hours=1)),)


def policy(name, when=None):
    return SlaPolicy(name=name, targets=TARGET, calendar=UTC24, when=when)


POLICIES = PolicySet(
    policies=[
        policy("vip", Equals(field="attributes.vip", value=True)),
        policy("big", Compare(field="attributes.seats", op=">=", value=100)),
        policy(
            "north",
            AllOf(
                conditions=[
                    OneOf(field="category", values=["a", "b"]),
                    Not(condition=Equals(field="tier", value="ordinary")),
                ]
            ),
        ),
        policy("rest"),
    ]
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 200),
    st.floats(-5, 200, allow_nan=False),
    st.text(max_size=3),
)
attributes = st.dictionaries(
    st.sampled_from(["vip", "seats", "city", "team"]), scalars, max_size=4
)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(Priority)) | st.none(),
            st.sampled_from(list(Tier)) | st.none(),
            st.sampled_from(list(Channel)) | st.none(),
            st.sampled_from(["a", "b", "c"]) | st.none(),
            attributes,
        ),
        min_size=1,
        max_size=20,
    )
)
def test_memoised_choice_is_the_first_match(tickets):
    policies = PolicySet(policies=POLICIES.policies)  # a fresh memo per example
    for priority, tier, channel, category, attrs_ in tickets:
        facts = facts_of(priority, tier, channel, category, attrs_)
        try:
            expected = policies.select_index(facts)
        except Exception as error:  # noqa: BLE001 -- the memo must fail alike
            expected = type(error)
        try:
            got = policies.index_for(priority, tier, channel, category, attrs_)
        except Exception as error:  # noqa: BLE001
            got = type(error)
        assert got == expected


def test_tickets_differing_only_in_unread_attributes_share_one_entry():
    policies = PolicySet(policies=POLICIES.policies)
    for city in ["Hohhot", "Baotou", "Ordos", "Wuhai"]:
        policies.index_for(None, None, None, "c", {"city": city, "vip": False})
    assert len(policies._memo) == 1
    assert policies._keyed_attributes == ("seats", "vip")


@attrs.frozen
class Mine:
    """A condition of the caller's own: it might read anything."""

    def matches(self, facts):
        return facts["attributes"].get("city") == "Hohhot"

    def to_dict(self):
        return {"type": "mine"}


def test_a_condition_of_the_callers_own_keys_on_every_attribute():
    policies = PolicySet(policies=[policy("hohhot", Mine()), policy("rest")])
    assert policies._keyed_attributes is None
    assert policies.index_for(None, None, None, None, {"city": "Hohhot"}) == 0
    assert policies.index_for(None, None, None, None, {"city": "Baotou"}) == 1


def test_a_condition_on_the_whole_attributes_keys_on_every_attribute():
    whole = PolicySet(
        policies=[
            policy("none", Equals(field="attributes", value=None)),
            policy("rest"),
        ]
    )
    assert whole._keyed_attributes is None

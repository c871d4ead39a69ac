import datetime as dt
import pickle

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit import Channel, Priority, Tier
from servicekit.errors import (
    DeserializationError,
    InvalidArgumentError,
    InvalidTypeError,
    NaiveDatetimeError,
    UnknownNameError,
)
from servicekit.routing import Agent, Ticket
from strategies import routing_agents, routing_tickets

T0 = pendulum.datetime(2026, 3, 2, 9, tz="Asia/Shanghai")


def ticket(**kw):
    base = {
        "id": "T",
        "created_at": T0,
        "priority": "normal",
        "tier": "ordinary",
        "channel": "chat",
    }
    base.update(kw)
    return Ticket(**base)


class TestTicket:
    @given(routing_tickets())
    def test_round_trip(self, t):
        assert Ticket.from_dict(t.to_dict()) == t
        assert pickle.loads(pickle.dumps(t)) == t
        assert hash(Ticket.from_dict(t.to_dict())) == hash(t)

    def test_instants_keep_the_zone_they_were_given(self):
        """Issue 13: instants were stored (and written) in UTC; now as given."""
        t = ticket(due_at=dt.datetime(2026, 3, 2, 3, tzinfo=dt.UTC))
        assert t.created_at == dt.datetime(2026, 3, 2, 1, tzinfo=dt.UTC)
        assert t.created_at is T0
        assert t.to_dict()["created_at"] == "2026-03-02T09:00:00+08:00"
        assert t.to_dict()["due_at"] == "2026-03-02T03:00:00+00:00"
        back = Ticket.from_dict(t.to_dict())
        assert back.created_at.utcoffset() == dt.timedelta(hours=8)
        a = Agent(id="A", last_assigned_at=T0)
        assert a.to_dict()["last_assigned_at"] == "2026-03-02T09:00:00+08:00"

    def test_naive_and_non_datetime_refused(self):
        with pytest.raises(NaiveDatetimeError, match="attach a time zone"):
            ticket(created_at=dt.datetime(2026, 1, 1))
        with pytest.raises(InvalidTypeError):
            ticket(created_at="2026-01-01T00:00:00Z")
        with pytest.raises(NaiveDatetimeError):
            ticket(due_at=dt.datetime(2026, 1, 1))

    def test_vocabulary_parsed(self):
        t = ticket(priority="URGENT", tier=Tier.POTENTIAL, channel=" Phone ")
        assert (t.priority, t.tier, t.channel) == (
            Priority.URGENT,
            Tier.POTENTIAL,
            Channel.PHONE,
        )
        with pytest.raises(UnknownNameError, match="use one of"):
            ticket(channel="pigeon")
        with pytest.raises(UnknownNameError):
            ticket(priority="whenever")

    def test_fields_validated(self):
        with pytest.raises(InvalidArgumentError):
            ticket(id="")
        with pytest.raises(InvalidTypeError, match="set of names"):
            ticket(skills="billing")
        with pytest.raises(InvalidArgumentError, match="1 \\(novice\\) to 10"):
            ticket(skills={"billing"}, min_levels={"billing": 11})
        with pytest.raises(InvalidArgumentError, match="not in skills"):
            ticket(min_levels={"billing": 3})
        with pytest.raises(InvalidTypeError):
            ticket(min_levels=[("billing", 3)])
        with pytest.raises(InvalidTypeError, match="JSON-native"):
            ticket(attributes={"when": T0})
        with pytest.raises(InvalidTypeError, match="keys must be strings"):
            ticket(attributes={1: "x"})
        with pytest.raises(InvalidArgumentError, match="JSON cannot store"):
            ticket(attributes={"x": float("nan")})
        with pytest.raises(InvalidTypeError):
            ticket(attributes=["x"])
        with pytest.raises(InvalidArgumentError):
            ticket(owner_id="  ")

    def test_unhashable_skill_entries_are_a_clear_error(self):
        """Regression: [["a"]] as skills leaked 'unhashable type: list' from frozenset."""
        with pytest.raises(InvalidArgumentError, match=r"each entry of Ticket\.skills"):
            ticket(skills=[["billing"]])
        with pytest.raises(InvalidArgumentError, match="such as 'zh'"):
            Agent(id="A", languages=[{"zh": 1}])

    def test_facts_and_language_casefold(self):
        t = ticket(language=" UG ", attributes={"city": "Kashgar", "tags": ["a"]})
        facts = t.facts()
        assert facts["language"] == "ug"
        assert facts["attributes"]["tags"] == ("a",)
        assert t.to_dict()["attributes"] == {"city": "Kashgar", "tags": ["a"]}

    def test_from_dict_errors(self):
        with pytest.raises(
            DeserializationError,
            match=r"at \$\.created_at: this required key is missing",
        ):
            Ticket.from_dict({"id": "T"})
        with pytest.raises(DeserializationError):
            Ticket.from_dict("T")
        with pytest.raises(DeserializationError, match="no UTC offset"):
            Ticket.from_dict(
                {**ticket().to_dict(), "created_at": "2026-01-01T00:00:00"}
            )
        with pytest.raises(DeserializationError, match="not ISO-8601"):
            Ticket.from_dict({**ticket().to_dict(), "created_at": "yesterday"})
        with pytest.raises(DeserializationError):
            Ticket.from_dict({**ticket().to_dict(), "created_at": 1234})


class TestAgent:
    @given(routing_agents())
    def test_round_trip(self, a):
        assert Agent.from_dict(a.to_dict()) == a
        assert pickle.loads(pickle.dumps(a)) == a

    @given(
        routing_agents(),
        st.dictionaries(st.sampled_from(list(Channel)), st.integers(0, 50)),
        st.none() | st.datetimes(timezones=st.just(dt.UTC)),
    )
    def test_with_load_equals_building_the_agent_again(self, a, load, at):
        # The reference: attrs.evolve runs every converter; with_load checks only load.
        fast = a.with_load(load, assigned_at=at)
        slow = attrs.evolve(
            a,
            load=load,
            last_assigned_at=a.last_assigned_at if at is None else at,
        )
        assert fast == slow
        assert fast.to_dict() == slow.to_dict()
        assert pickle.loads(pickle.dumps(fast)) == slow
        assert hash(fast) == hash(slow)

    def test_with_load_checks_the_load_and_leaves_the_agent_alone(self):
        a = Agent(id="A", capacity={"chat": 3}, load={"chat": 1})
        with pytest.raises(InvalidArgumentError, match="zero or more"):
            a.with_load({"chat": -1})
        with pytest.raises(UnknownNameError):
            a.with_load({"fax": 1})
        with pytest.raises(NaiveDatetimeError):
            a.with_load({"chat": 2}, assigned_at=dt.datetime(2026, 1, 1))
        assert a.load == {Channel.CHAT: 1}
        assert a.with_load({"chat": 2}).last_assigned_at is None

    def test_room_and_load_ratio(self):
        a = Agent(id="A", capacity={"chat": 3, "email": 5}, load={"chat": 4})
        assert a.room(Channel.CHAT) == 0
        assert a.room("email") == 5
        assert a.room("phone") == 0
        assert a.load_ratio() == 0.5
        assert Agent(id="B").load_ratio() == float("inf")

    def test_bad_agents(self):
        with pytest.raises(InvalidArgumentError, match="zero or more"):
            Agent(id="A", capacity={"chat": -1})
        with pytest.raises(InvalidArgumentError):
            Agent(id="A", load={"chat": 1.5})
        with pytest.raises(InvalidArgumentError, match="twice"):
            Agent(id="A", capacity={"chat": 1, "CHAT": 2})
        with pytest.raises(InvalidTypeError):
            Agent(id="A", capacity=[("chat", 1)])
        with pytest.raises(InvalidArgumentError):
            Agent(id="A", skills={"billing": 0})
        with pytest.raises(InvalidTypeError):
            Agent(id="A", skills=["billing"])
        with pytest.raises(InvalidTypeError):
            Agent(id="A", available="yes")
        with pytest.raises(InvalidTypeError):
            Agent(id="A", dedicated_tiers="high_value")
        with pytest.raises(UnknownNameError):
            Agent(id="A", dedicated_tiers={"gold"})
        with pytest.raises(DeserializationError):
            Agent.from_dict({})


@attrs.frozen(kw_only=True)
class _TaggedAgent(Agent):
    """A caller's subclass with a field of its own."""

    tag: str = "x"


def test_with_load_keeps_a_subclass_and_its_own_fields():
    a = _TaggedAgent(id="A", capacity={"chat": 3}, tag="night")
    b = a.with_load({Channel.CHAT: 2})
    assert type(b) is _TaggedAgent
    assert b.tag == "night"
    assert b.load == {Channel.CHAT: 2}
    assert b.skills is a.skills

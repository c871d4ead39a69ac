"""The desk simulation fed given arrivals: pickup delays, case owners across contacts,
the bot, ``until`` — against a plain first-come-first-served loop where it is
arithmetic, in named scenarios otherwise; and forecast runs unchanged by all of it."""

import datetime as dt
import hashlib
import heapq
import json

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit.errors import InvalidArgumentError, InvalidTypeError
from servicekit.routing import Agent, EscalationStep, Router, Ticket
from servicekit.sla import BusinessCalendar, Metric, SlaPolicy, SlaTarget
from servicekit.workforce import (
    Arrival,
    BotChannel,
    ContactType,
    DeskSimulation,
    Roster,
    RosterShift,
    SimulatedContact,
    simulate_desk,
)

START = pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")
TARGET = dt.timedelta(seconds=20)
POLICY = SlaPolicy(
    name="p",
    targets=[SlaTarget(metric=Metric.FIRST_RESPONSE, within=TARGET)],
    calendar=BusinessCalendar.always_open(timezone="Asia/Shanghai"),
)


def ticket(n, at, **facts):
    given = {"priority": "normal", "tier": "ordinary", "channel": "phone"}
    return Ticket(id=f"T{n:04d}", created_at=at, **(given | facts))


def arrival(n, seconds, handling=60, pickup=0, patience=None, **facts):
    return Arrival(
        ticket=ticket(n, START.add(seconds=seconds), **facts),
        handling=dt.timedelta(seconds=handling),
        pickup=dt.timedelta(seconds=pickup),
        patience=None if patience is None else dt.timedelta(seconds=patience),
    )


def run(arrivals, agents=1, **options):
    team = (
        [Agent(id=f"A{i}", capacity={"phone": 1}) for i in range(agents)]
        if isinstance(agents, int)
        else agents
    )
    given = {"seed": 1, "start": START, "target_answer": TARGET}
    return simulate_desk(**given, arrivals=arrivals, agents=team, **options)


def seconds(at):
    return None if at is None else (at - START).total_seconds()


# ------------------------------------------------------- against a reference loop


def first_come_first_served(contacts, servers):
    """(routed, answered, ended) per contact, or (None, None, hang-up) for one that left.

    ``contacts``: (arrival, handling, pickup, patience or None) in order of arrival,
    all whole seconds; identical servers taking the longest-waiting contact first.
    A server is held from the choice to the end of the handling.
    """
    free = [0.0] * servers
    heapq.heapify(free)
    out = []
    for arrived, handling, pickup, patience in contacts:
        routed = max(float(arrived), free[0])
        if patience is not None and routed > arrived + patience:
            out.append((None, None, float(arrived + patience)))
            continue
        heapq.heapreplace(free, routed + pickup + handling)
        out.append((routed, routed + pickup, routed + pickup + handling))
    return out


CONTACTS = st.lists(
    st.tuples(
        st.integers(1, 400),  # gap since the previous arrival
        st.integers(1, 900),  # handling
        st.integers(0, 120),  # pickup
        st.one_of(st.none(), st.integers(0, 600)),  # patience
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(contacts=CONTACTS, servers=st.integers(1, 4))
def test_given_arrivals_are_served_first_come_first_served(contacts, servers):
    """One channel, one skill, no escalation: the router is a FIFO queue in front
    of identical agents, each held from the router's choice through the pickup and
    the handling; callers who wait past their patience hang up."""
    at, plain = 0, []
    for gap, handling, pickup, patience in contacts:
        at += gap
        plain.append((at, handling, pickup, patience))
    arrivals = [
        arrival(i, a, handling=h, pickup=p, patience=w)
        for i, (a, h, p, w) in enumerate(plain)
    ]
    sim = run(arrivals, agents=servers)
    expected = first_come_first_served(plain, servers)
    got = [
        (seconds(c.routed_at), seconds(c.answered_at), seconds(c.ended_at))
        for c in sim.contacts
    ]
    assert got == expected
    assert [c.id for c in sim.contacts] == [a.ticket.id for a in arrivals]
    assert sim.offered == len(plain)
    assert sim.abandoned == sum(1 for r, _, _ in expected if r is None)


@settings(max_examples=40, deadline=None)
@given(contacts=CONTACTS, cut=st.integers(0, 6000))
def test_until_stops_the_run_as_the_reference_would(contacts, cut):
    """With ``until``, nothing happens from that instant: a contact chosen before it
    keeps its answer and end (even past it); one still waiting stays unanswered."""
    at, plain = 0, []
    for gap, handling, pickup, _ in contacts:
        at += gap
        plain.append((at, handling, pickup, None))
    arrivals = [
        arrival(i, a, handling=h, pickup=p) for i, (a, h, p, _) in enumerate(plain)
    ]
    early = [a for a in arrivals if a.ticket.created_at < START.add(seconds=cut)]
    sim = run(early, until=START.add(seconds=cut), policies=POLICY)
    reference = first_come_first_served(plain, 1)[: len(early)]
    for c, (routed, answered, ended) in zip(sim.contacts, reference, strict=True):
        if routed < cut:
            assert (seconds(c.routed_at), seconds(c.answered_at)) == (routed, answered)
            assert seconds(c.ended_at) == ended
        else:
            assert (c.routed_at, c.answered_at, c.ended_at) == (None, None, None)
        assert c.sla is not None  # read at ``until``: nothing after it in the log


# ------------------------------------------------------------- named scenarios


def test_a_customers_last_agent_is_their_case_owner_within_the_memory():
    """First-contact ownership across contacts: the second contact of a customer
    goes to the agent who took the first, though another agent is idle longer."""
    agents = [
        Agent(id="A", capacity={"phone": 1}),
        Agent(id="B", capacity={"phone": 1}),
    ]
    contacts = [
        arrival(1, 0, customer_id="c1"),
        arrival(2, 10, customer_id="c2"),
        arrival(3, 600, customer_id="c2"),  # B took c2's first, A is idle longer
        arrival(4, 3 * 86400, customer_id="c2"),  # beyond the memory
    ]
    sim = run(contacts, agents=agents, owner_memory=dt.timedelta(days=1))
    first, second, again, later = sim.contacts
    assert (first.agent_id, second.agent_id) == ("A", "B")
    assert (again.owner_id, again.agent_id) == ("B", "B")
    assert later.owner_id is None
    without = run(contacts, agents=agents)
    assert all(c.owner_id is None for c in without.contacts)


def test_a_busy_owner_is_waited_for_then_someone_else_takes_it():
    """The owner is busy: the contact waits the router's owner wait (3 min here),
    is offered again exactly then, and goes to the free agent."""
    router = Router.default(owner_wait=dt.timedelta(minutes=3))
    agents = [
        Agent(id="A", capacity={"phone": 1}),
        Agent(id="B", capacity={"phone": 1}),
    ]
    contacts = [
        arrival(1, 0, handling=3600, owner_id="A"),
        arrival(2, 60, handling=60, customer_id="c9", owner_id="A"),
    ]
    sim = run(contacts, agents=agents, router=router)
    busy = sim.contacts[1]
    assert busy.owner_id == "A"
    assert (busy.agent_id, seconds(busy.routed_at)) == ("B", 60 + 180)


def test_a_pickup_delay_holds_the_agent_but_counts_as_waiting():
    sim = run([arrival(1, 0, handling=100, pickup=30), arrival(2, 1, handling=10)])
    first, second = sim.contacts
    assert (seconds(first.routed_at), seconds(first.answered_at)) == (0, 30)
    assert first.wait == dt.timedelta(seconds=30)
    # The agent was chosen at 0, so the second contact waits until 130.
    assert seconds(second.answered_at) == 130


def test_the_bot_keeps_its_contacts_out_of_the_queue_and_the_rates():
    bot_calls = [arrival(i, i * 5, channel="bot") for i in range(60)]
    calls = [arrival(100 + i, i * 7) for i in range(20)]
    agents = [Agent(id="A", capacity={"phone": 1, "bot": 1})]
    none_over = run(bot_calls + calls, agents=agents, bot=BotChannel(hand_over=0))
    kept = [c for c in none_over.contacts if c.by_bot]
    assert len(kept) == 60
    assert all(c.agent_id is None and c.ended_at == c.arrived_at for c in kept)
    assert all(c.wait is None for c in kept)
    assert not any(c.abandoned for c in kept)
    assert (none_over.offered, none_over.kept_by_bot) == (20, 60)
    every = run(bot_calls + calls, agents=agents, bot=BotChannel(hand_over=1))
    assert every.kept_by_bot == 0
    some = run(bot_calls + calls, agents=agents, bot=BotChannel(hand_over=0.3))
    assert 0 < 60 - some.kept_by_bot < 40
    assert some == run(bot_calls + calls, agents=agents, bot=BotChannel(hand_over=0.3))


def test_a_bot_changes_no_other_draw_of_a_forecast_run():
    """The bot's hand-overs come from a stream of their own: a bot on a channel no
    contact uses leaves the run exactly as it was."""
    given = {
        "seed": 4,
        "volumes": [50, 50],
        "interval": dt.timedelta(minutes=30),
        "start": START,
        "agents": 5,
        "aht": dt.timedelta(minutes=3),
        "patience": dt.timedelta(minutes=2),
        "target_answer": TARGET,
    }
    assert simulate_desk(**given, bot=BotChannel(channel="email", hand_over=0.5)) == (
        simulate_desk(**given)
    )
    kinds = [ContactType(name="call"), ContactType(name="bot", channel="bot")]
    with_bot = simulate_desk(
        **given, contact_types=kinds, bot=BotChannel(hand_over=0.0)
    )
    assert {c.kind for c in with_bot.contacts if c.by_bot} == {"bot"}


def test_escalation_steps_are_reported_with_each_contact():
    router = Router.default(
        escalations=[
            EscalationStep(
                after=dt.timedelta(minutes=5), name="any language", drop_language=True
            )
        ]
    )
    agents = [Agent(id="A", capacity={"phone": 1}, languages={"zh"})]
    sim = run([arrival(1, 0, language="ug")], agents=agents, router=router)
    (c,) = sim.contacts
    assert (c.step, seconds(c.routed_at)) == ("any language", 300)


def test_arrival_kinds_name_the_contacts():
    contacts = [
        Arrival(
            ticket=ticket(i, START.add(seconds=i)),
            handling=dt.timedelta(seconds=30),
            kind="billing" if i % 2 else "call",
        )
        for i in range(10)
    ]
    sim = run(contacts, agents=2)
    assert sim.of_kind("billing").offered == 5


def test_repeated_arrivals_equal_ones_built_in_full():
    shape = Arrival(
        ticket=ticket(0, START, channel="chat", skills={"billing"}, language="ug"),
        handling=dt.timedelta(minutes=5),
        pickup=dt.timedelta(seconds=9),
        kind="bill",
    )
    at = START.add(hours=2)
    again = shape.repeated(
        id="T9",
        created_at=at,
        handling=dt.timedelta(minutes=7),
        customer_id="c",
        attributes={"city": "Urumqi"},
    )
    assert again == Arrival(
        ticket=Ticket(
            id="T9",
            created_at=at,
            priority="normal",
            tier="ordinary",
            channel="chat",
            skills={"billing"},
            language="ug",
            customer_id="c",
            attributes={"city": "Urumqi"},
        ),
        handling=dt.timedelta(minutes=7),
        pickup=dt.timedelta(seconds=9),
        kind="bill",
    )
    assert again.ticket.to_dict() == Ticket.from_dict(again.ticket.to_dict()).to_dict()
    with pytest.raises(InvalidArgumentError):
        shape.repeated(id="", created_at=at, handling=dt.timedelta(0))
    with pytest.raises(InvalidArgumentError):
        shape.repeated(id="T1", created_at=at, handling=dt.timedelta(seconds=-1))


# ------------------------------------------------------------------ values


def test_new_values_round_trip_through_the_codec():
    a = arrival(1, 5, handling=90, pickup=4, patience=30, customer_id="c")
    assert Arrival.from_dict(a.to_dict()) == a
    assert set(arrival(2, 0).to_dict()) == {"ticket", "handling"}
    bot = BotChannel(channel="wechat", hand_over=0.25)
    assert BotChannel.from_dict(bot.to_dict()) == bot
    sim = run(
        [arrival(1, 0, pickup=3, customer_id="c"), arrival(2, 1, channel="bot")],
        agents=[Agent(id="A", capacity={"phone": 1, "bot": 1})],
        bot=BotChannel(hand_over=0),
        policies=POLICY,
    )
    assert DeskSimulation.from_dict(sim.to_dict()) == sim
    assert sim.to_dict()["contacts"][1]["by_bot"] is True


def test_simulated_contact_refuses_contradictions():
    at = START
    with pytest.raises(InvalidArgumentError, match="by_bot"):
        SimulatedContact(
            id="C1",
            kind="k",
            arrived_at=at,
            answered_at=at,
            agent_id="A",
            by_bot=True,
        )
    with pytest.raises(InvalidArgumentError, match="routed_at"):
        SimulatedContact(
            id="C1",
            kind="k",
            arrived_at=at,
            answered_at=at.add(seconds=1),
            routed_at=at.add(seconds=2),
            agent_id="A",
        )
    with pytest.raises(InvalidArgumentError, match="routed_at"):
        SimulatedContact(
            id="C1", kind="k", arrived_at=at, routed_at=at.subtract(seconds=1)
        )


@pytest.mark.parametrize(
    ("options", "error", "words"),
    [
        ({"volumes": [1]}, InvalidArgumentError, "leave volumes out"),
        ({"arrivals": None}, InvalidArgumentError, "give volumes="),
        (
            {"arrivals": [arrival(1, 0), arrival(1, 5)]},
            InvalidArgumentError,
            "two tickets with the id 'T0001'",
        ),
        ({"arrivals": [arrival(1, -5)]}, InvalidArgumentError, "before start"),
        ({"until": START.subtract(seconds=1)}, InvalidArgumentError, "until"),
        ({"until": START}, InvalidArgumentError, "not before until"),
        ({"bot": "bot"}, InvalidTypeError, "BotChannel"),
        ({"arrivals": ["T1"]}, InvalidTypeError, "Arrival"),
    ],
)
def test_bad_options_are_refused_by_name(options, error, words):
    given = {"arrivals": [arrival(1, 0)]} | options
    with pytest.raises(error, match=words):
        run(agents=1, **given)


def test_a_forecast_without_interval_or_aht_is_refused():
    with pytest.raises(InvalidArgumentError, match="interval= and aht="):
        simulate_desk(seed=1, start=START, target_answer=TARGET, volumes=[1], agents=1)


def test_arrival_refuses_assigned_tickets_and_bad_durations():
    with pytest.raises(InvalidArgumentError, match="assigned"):
        Arrival(
            ticket=ticket(1, START, assignee_id="A"), handling=dt.timedelta(seconds=1)
        )
    with pytest.raises(InvalidTypeError, match="Ticket"):
        Arrival(ticket="T1", handling=dt.timedelta(seconds=1))
    with pytest.raises(InvalidArgumentError, match=r"Arrival\.pickup"):
        Arrival(
            ticket=ticket(1, START),
            handling=dt.timedelta(seconds=1),
            pickup=dt.timedelta(seconds=-1),
        )
    with pytest.raises(InvalidArgumentError, match="hand_over"):
        BotChannel(hand_over=1.5)


# ------------------------------------------------- forecast runs are as they were


def _fingerprint(sim):
    """The run's data as it serialised before arrivals, owners and the bot existed."""
    data = sim.to_dict()
    for c in data["contacts"]:
        for new in ("routed_at", "step", "owner_id", "by_bot"):
            c.pop(new, None)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def test_forecast_runs_are_bit_for_bit_what_they_were():
    """Regression guard: the new options must not move a single draw or event of a
    forecast run (hashes taken on main before they were added)."""
    erlang = simulate_desk(
        seed=3,
        volumes=[100] * 4,
        start=START,
        interval=dt.timedelta(minutes=30),
        agents=14,
        aht=dt.timedelta(minutes=3),
        patience=dt.timedelta(minutes=2),
        target_answer=TARGET,
        policies=POLICY,
    )
    kinds = simulate_desk(
        seed=5,
        volumes=[40, 80, 20],
        start=START,
        interval=dt.timedelta(hours=1),
        aht=dt.timedelta(minutes=4),
        target_answer=dt.timedelta(seconds=30),
        agents=[
            Agent(id="a", capacity={"phone": 1, "chat": 2}, languages={"zh", "ug"}),
            Agent(id="b", capacity={"phone": 1, "chat": 2}, skills={"billing": 7}),
            Agent(id="c", capacity={"chat": 3}),
        ],
        contact_types=[
            ContactType(name="call"),
            ContactType(name="ug chat", channel="chat", language="ug", weight=0.3),
            ContactType(
                name="bill",
                skills={"billing"},
                min_levels={"billing": 5},
                weight=0.2,
                priority="high",
            ),
        ],
        router=Router.default(
            escalations=[
                EscalationStep(
                    after=dt.timedelta(minutes=2),
                    name="any language",
                    drop_language=True,
                )
            ]
        ),
        warm_up=dt.timedelta(minutes=10),
    )
    staffing = simulate_desk(
        seed=9,
        volumes=[30, 60, 90, 30],
        start=START,
        interval=dt.timedelta(minutes=30),
        aht=[dt.timedelta(minutes=m) for m in (1, 2, 3, 8)],
        target_answer=TARGET,
        staffing=[2, 4, 6, 2],
        patience=dt.timedelta(seconds=0),
    )
    assert [_fingerprint(s) for s in (erlang, kinds, staffing)] == [
        "01ef8d7303b501435e99d477149238135017cf5f9d15e402244fc276a54cadd8",
        "f93e8836ccc1a9b42df65050b33367165c4112240f948a047894a01c6fa6f570",
        "e46b99c15a3e67bcf8423d54ecdb5f204ee6f503ad204864db7821c865ae3ebc",
    ]


def test_until_cuts_a_forecast_short():
    """A forecast's contacts drawn from ``until`` on never arrive; those waiting at
    ``until`` stay unanswered, and occupancy is measured up to ``until``."""
    given = {
        "seed": 2,
        "volumes": [120, 120],
        "interval": dt.timedelta(hours=1),
        "start": START,
        "agents": 1,
        "aht": dt.timedelta(minutes=3),
        "target_answer": TARGET,
    }
    cut = START.add(minutes=90)
    sim = simulate_desk(**given, until=cut)
    whole = simulate_desk(**given)
    assert all(c.arrived_at < cut for c in sim.contacts)
    assert sim.offered < whole.offered
    assert any(c.ended_at is None and c.answered_at is None for c in sim.contacts)
    assert sim.occupancy > 0.9


def test_a_contact_waiting_for_its_owner_goes_to_others_when_the_owner_leaves():
    """An owner going off duty releases the contacts waiting for them at once, as
    the router would decide then (not at the end of the owner wait)."""

    def shift(agent, minutes):
        return RosterShift(
            agent=agent,
            template="day",
            day=START.date(),
            start=START,
            end=START.add(minutes=minutes),
        )

    roster = Roster(shifts=[shift("A", 10), shift("B", 60)])
    agents = [
        Agent(id="A", capacity={"phone": 1}),
        Agent(id="B", capacity={"phone": 1}),
    ]
    contacts = [
        arrival(1, 0, handling=3600, owner_id="A"),
        arrival(2, 300, handling=60, owner_id="A"),
    ]
    sim = run(contacts, agents=agents, roster=roster)
    waiting = sim.contacts[1]
    assert (waiting.agent_id, seconds(waiting.routed_at)) == ("B", 600)

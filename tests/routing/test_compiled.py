"""Compiled plans and the agent index, reused across dispatches (issue 12)."""

import datetime as dt
import pickle

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from routing.dispatch_helpers import (
    DEFAULT,
    NOW,
    mk_agent,
    mk_ticket,
    scenes,
)
from servicekit.errors import (
    InvalidTypeError,
)
from servicekit.routing import (
    Agent,
    Assignment,
    Availability,
    ChannelMatch,
    DedicatedManager,
    EscalationStep,
    LanguageMatch,
    LeastLoaded,
    LongestIdle,
    OwnerStickiness,
    PartTimeWeighting,
    RequiredSkills,
    Router,
    SeniorForRepeatComplaints,
    SkillGroupMatch,
    Ticket,
    _compiled,
    _engine,
    _values,
)


def test_compiled_plans_follow_the_router_they_belong_to():
    # Plans are computed once per router; evolving the router must not reuse them.
    plain = Router.default()
    relaxed = attrs.evolve(
        plain,
        escalations=[EscalationStep(after=dt.timedelta(minutes=5), drop_language=True)],
    )
    waiting = Ticket(
        id="W",
        created_at=NOW - dt.timedelta(minutes=10),
        priority="normal",
        tier="ordinary",
        channel="chat",
        language="ug",
    )
    team = [Agent(id="li", languages={"zh"}, capacity={"chat": 1})]
    assert plain.route(waiting, team, NOW).agent_id is None
    assert relaxed.route(waiting, team, NOW).agent_id == "li"
    copy = pickle.loads(pickle.dumps(relaxed))
    assert copy == relaxed
    assert copy.route(waiting, team, NOW) == relaxed.route(waiting, team, NOW)
    assert "compiled" not in repr(relaxed)


class TestCrossCallMemo:
    """Issue 12: small dispatches reuse the router's index of the team across calls;
    the reuse must never serve a team whose indexed facts changed."""

    def test_memo_not_reused_when_an_agents_skills_change(self):
        router = Router.default()
        t = mk_ticket(skills={"billing"})
        before = [mk_agent("a", skills={"billing": 5}), mk_agent("b")]
        assert router.dispatch([t], before, NOW).assignments[0].agent_id == "a"
        after = [mk_agent("a"), mk_agent("b", skills={"billing": 5})]
        assert router.dispatch([t], after, NOW).assignments[0].agent_id == "b"
        gone = [mk_agent("a", available=False), after[1].with_load({"chat": 2})]
        assert router.dispatch([t], gone, NOW).assignments == ()

    def test_memo_reused_for_agents_differing_only_in_load(self):
        router = Router.default()
        agents = [mk_agent("a"), mk_agent("b")]
        first = router.dispatch([mk_ticket("T1")], agents, NOW)
        index = router._compiled.team[1]
        second = router.dispatch([mk_ticket("T2")], first.agents, NOW)
        assert router._compiled.team[1] is index
        assert [a.agent_id for a in (*first.assignments, *second.assignments)] == [
            "a",
            "b",
        ]
        assert second == DEFAULT.dispatch([mk_ticket("T2")], first.agents, NOW)

    def test_memo_starts_afresh_past_its_limit(self, monkeypatch):
        monkeypatch.setattr(_compiled, "MEMO_LIMIT", 1)
        router = Router.default()
        agents = [mk_agent("a", skills={"x": 3, "y": 3}), mk_agent("b")]
        for i, skills in enumerate([{"x"}, {"y"}, {"x", "y"}, set()]):
            t = mk_ticket(f"T{i}", skills=skills)
            fresh = Router.default().dispatch([t], agents, NOW)
            assert router.dispatch([t], agents, NOW) == fresh
        assert len(router._compiled.team[2]) <= 3
        assert len(router._compiled.requirements) <= 2

    def test_pickled_router_leaves_its_memo_behind(self):
        router = Router.default()
        router.dispatch([mk_ticket()], [mk_agent("a")], NOW)
        copy = pickle.loads(pickle.dumps(router))
        assert copy._compiled.team is None
        assert copy._compiled.requirements == {}
        assert copy._compiled.teams == {}
        assert copy._compiled.lives == {}
        assert copy._compiled.last_now is None
        assert copy == router


class TestSmallDispatches:
    """Issue 12: one or a few tickets per call, each call handed the agents the
    previous one returned; the router's cross-call state must never change a result."""

    @given(scenes(max_agents=6, max_tickets=6), st.data(), st.booleans())
    def test_one_ticket_per_call_matches_a_fresh_router_and_scan(
        self, scene, data, escalating
    ):
        tickets, agents = scene
        options = (
            {
                "promote_every": dt.timedelta(minutes=20),
                "escalations": [
                    EscalationStep(
                        after=dt.timedelta(minutes=10),
                        drop_language=True,
                        release_owner=True,
                    )
                ],
            }
            if escalating
            else {}
        )
        warm = Router.default(**options)
        current = list(agents)
        rosters = [current]
        for t in tickets:
            if current and data.draw(st.booleans(), label="finish some work first"):
                # A CRM marks work done: with_load replaces one agent object.
                i = data.draw(st.integers(0, len(current) - 1), label="agent")
                current[i] = current[i].with_load({})
            if data.draw(st.booleans(), label="go back to an earlier roster"):
                # A desk reset, or tickets previewed against a stored roster: the
                # router's live state from a generation back must not leak.
                current = list(data.draw(st.sampled_from(rosters), label="roster"))
            rosters.append(list(current))
            expected = Router.default(**options).dispatch([t], current, NOW)
            scan = Router.default(**options).dispatch(
                [t], current, NOW, strategy="scan"
            )
            got = warm.dispatch([t], current, NOW)
            assert got == expected
            assert got == scan
            current = list(got.agents)

    def test_handed_back_agents_reuse_the_index(self):
        router = Router.default()
        first = router.dispatch([mk_ticket("T1")], [mk_agent("a"), mk_agent("b")], NOW)
        index = router._compiled.team[1]
        second = router.dispatch([mk_ticket("T2")], first.agents, NOW)
        assert router._compiled.team[1] is index
        assert router._compiled.team[0] == second.agents
        # The same agents again: the result does not depend on the call before.
        again = router.dispatch([mk_ticket("T2")], first.agents, NOW)
        assert again == second

    def test_a_stranger_in_a_handed_back_list_is_refused(self):
        router = Router.default()
        first = router.dispatch([mk_ticket()], [mk_agent("a"), mk_agent("b")], NOW)
        with pytest.raises(InvalidTypeError):
            router.dispatch([mk_ticket()], [first.agents[0], {"id": "b"}], NOW)
        # Handed back out of order, or as another kind of iterable: checked afresh.
        flipped = router.dispatch([mk_ticket()], first.agents[::-1], NOW)
        assert flipped == router.dispatch([mk_ticket()], iter(first.agents), NOW)
        assert flipped == Router.default().dispatch([mk_ticket()], first.agents, NOW)

    def test_going_back_to_the_roster_before_finds_its_live_state(self):
        """Tickets previewed one by one against the same stored roster: each call
        finds the state the roster's agents had, kept from a generation back."""
        router = Router.default()
        base = [mk_agent("a"), mk_agent("b")]
        first = router.dispatch([mk_ticket("T1")], base, NOW)
        (chosen,) = [a.agent_id for a in first.assignments]
        kept = router._compiled.earlier[chosen]
        assert kept.agent is base[0 if chosen == "a" else 1]
        again = router.dispatch([mk_ticket("T2")], base, NOW)
        assert again == Router.default().dispatch([mk_ticket("T2")], base, NOW)
        # The stored roster's state was found, used, and kept again for the next.
        assert router._compiled.lives[chosen] is not kept
        assert router._compiled.earlier[chosen] is kept
        # Back to the first result: its state is two generations back, made afresh.
        third = router.dispatch([mk_ticket("T3")], first.agents, NOW)
        assert third == Router.default().dispatch([mk_ticket("T3")], first.agents, NOW)

    def test_shared_live_state_starts_afresh_past_its_limit(self, monkeypatch):
        monkeypatch.setattr(_compiled, "MEMO_LIMIT", 1)
        router = Router.default()
        agents = [mk_agent("a"), mk_agent("b"), mk_agent("c")]
        first = router.dispatch([mk_ticket("T1")], agents, NOW)
        assert len(router._compiled.lives) == 3
        second = router.dispatch([mk_ticket("T2")], first.agents, NOW)
        assert len(router._compiled.lives) <= 3
        assert second == Router.default().dispatch([mk_ticket("T2")], first.agents, NOW)

    def test_a_team_seen_before_gets_its_index_back(self):
        """A desk's staff changes with the shifts and comes back to line-ups it
        had: their indexes and memos are kept, and still checked fact by fact."""
        router = Router.default()
        day = [mk_agent("a"), mk_agent("b")]
        night = [mk_agent("c")]
        first = router.dispatch([mk_ticket("T1")], day, NOW)
        day_index = router._compiled.team[1]
        router.dispatch([mk_ticket("T2")], night, NOW)
        assert router._compiled.team[1] is not day_index
        back = router.dispatch([mk_ticket("T3")], list(first.agents), NOW)
        assert router._compiled.team[1] is day_index
        assert back == Router.default().dispatch([mk_ticket("T3")], first.agents, NOW)
        # The same ids with other skills: not the same team.
        retrained = [mk_agent("a", skills={"x": 3}), mk_agent("b")]
        router.dispatch([mk_ticket("T4")], retrained, NOW)
        assert router._compiled.team[1] is not day_index

    def test_kept_teams_are_bounded(self, monkeypatch):
        monkeypatch.setattr(_compiled, "TEAM_LIMIT", 1)
        monkeypatch.setattr(_compiled, "SMALL_TEAM", 1)
        router = Router.default()
        router.dispatch([mk_ticket()], [mk_agent("a")], NOW)
        router.dispatch([mk_ticket()], [mk_agent("b")], NOW)
        assert list(router._compiled.teams) == [("b",)]
        # A team above the size kept is indexed, used, and not kept.
        pair = [mk_agent("c"), mk_agent("d")]
        assert router.dispatch([mk_ticket()], pair, NOW).assignments
        assert list(router._compiled.teams) == [("b",)]


# The built-in pipeline with the per-ticket filters (seniors, owners) ahead of those
# whose keys follow from a ticket's requirements alone, so the engine cannot memoise
# the latter as a leading run: they are asked ticket by ticket again.
_SHUFFLED = [
    SeniorForRepeatComplaints(),
    OwnerStickiness(),
    ChannelMatch(),
    Availability(),
    RequiredSkills(),
    LanguageMatch(),
    SkillGroupMatch(),
    PartTimeWeighting(),
    DedicatedManager(),
    LeastLoaded(),
    LongestIdle(),
]


class TestSmallDispatchFastPaths:
    """Issue 12: the paths a run of one ticket takes (the best entry in one pass, the
    filter keys memoised with the requirements, agents found by index position, loads
    frozen without sorting) must give what a cold router and the scan strategy give."""

    @given(scenes(max_agents=6, max_tickets=8), st.data(), st.booleans())
    def test_memo_reused_matches_cold_and_scan_in_any_pipeline_order(
        self, scene, data, shuffled
    ):
        tickets, agents = scene

        def router():
            return Router(policies=_SHUFFLED) if shuffled else Router.default()

        warm = router()
        current = list(agents)
        for t in tickets:
            if current and data.draw(st.booleans(), label="finish some work first"):
                i = data.draw(st.integers(0, len(current) - 1), label="agent")
                current[i] = current[i].with_load({})
            got = warm.dispatch([t], current, NOW)
            assert got == router().dispatch([t], current, NOW)
            assert got == router().dispatch([t], current, NOW, strategy="scan")
            # The same call again, memo and all: the same answer.
            assert warm.dispatch([t], current, NOW) == got
            current = list(got.agents)

    def test_load_on_a_new_channel_is_stored_in_channel_order(self):
        """The agent a dispatch returns keeps its load sorted by channel whether the
        ticket came on a channel it already held work on or on a new one."""
        router = Router.default()
        agent = mk_agent("a", capacity={"chat": 2, "email": 5}, load={"email": 1})
        chat = router.dispatch([mk_ticket("T1")], [agent], NOW).agents[0]
        assert list(chat.load) == ["chat", "email"]
        assert chat == Agent.from_dict(chat.to_dict())
        assert hash(chat.load) == hash(Agent.from_dict(chat.to_dict()).load)
        first = router.dispatch([mk_ticket("T0")], [mk_agent("b")], NOW).agents[0]
        assert list(first.load) == ["chat"]
        assert hash(first.load) == hash(Agent.from_dict(first.to_dict()).load)
        email = router.dispatch([mk_ticket("T2", channel="email")], [chat], NOW)
        assert dict(email.agents[0].load) == {"chat": 1, "email": 2}
        assert email.agents[0] == Agent.from_dict(email.agents[0].to_dict())

    def test_a_field_added_to_a_value_fails_its_fast_constructor_at_import(self):
        with pytest.raises(TypeError, match="ticket_id"):
            _values.field_setters(Assignment, "ticket_id", "agent_id", "step")

    def test_fast_constructors_handle_classes_without_slots(self):
        @attrs.frozen(slots=False)
        class Loose:
            a: int

        (put,) = _values.field_setters(Loose, "a")
        value = object.__new__(Loose)
        put(value, 3)
        assert value == Loose(a=3)
        assert _values.trusted(Loose, a=4) == Loose(a=4)

    def test_agents_found_by_position_read_as_a_mapping(self):
        """A policy's ``context.agents`` during an indexed run is the team by id."""
        team = [mk_agent("a"), mk_agent("b")]
        roster = _engine._Roster(team, {"a": 0, "b": 1})
        assert dict(roster) == {"a": team[0], "b": team[1]}
        assert len(roster) == 2
        assert "b" in roster
        assert "c" not in roster
        assert roster.get("c") is None
        assert roster["a"] is team[0]

"""Escalation steps: what each relaxes, and when."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from routing.dispatch_helpers import (
    NOW,
    mk_agent,
    mk_ticket,
    scenes,
)
from servicekit.errors import (
    DeserializationError,
    DuplicateIdError,
    InvalidArgumentError,
    InvalidTypeError,
)
from servicekit.routing import (
    EscalationStep,
    Requirements,
    Router,
)
from servicekit.routing._escalation import Relaxation
from strategies import routing_tickets


class TestEscalation:
    def test_drop_language_after_wait(self):
        router = Router.default(
            escalations=[
                EscalationStep(after=dt.timedelta(minutes=10), drop_language=True)
            ]
        )
        agents = [mk_agent("zh", languages={"zh"})]
        fresh = mk_ticket("fresh", minutes_ago=5, language="ug")
        stale = mk_ticket("stale", minutes_ago=15, language="ug")
        result = router.dispatch([fresh, stale], agents, NOW)
        assert [(a.ticket_id, a.step) for a in result.assignments] == [
            ("stale", "after 10 min")
        ]
        assert result.unassigned[0].step == "standard"
        assert any(
            r.startswith("escalated: after 10 min: accept agents")
            for r in result.assignments[0].reasons
        )

    def test_steps_accumulate_and_widen_groups(self):
        steps = [
            EscalationStep(
                after=dt.timedelta(minutes=5), name="widen", widen_to_groups={"tech"}
            ),
            EscalationStep(
                after=dt.timedelta(minutes=20), name="drop skills", drop_all_skills=True
            ),
        ]
        router = Router.default(escalations=steps)
        agents = [mk_agent("t", groups={"tech"})]
        t = mk_ticket(group="after-sales", skills={"refunds"}, minutes_ago=30)
        d = router.route(t, agents, NOW)
        assert (d.agent_id, d.step) == ("t", "drop skills")
        assert (
            router.route(
                mk_ticket(group="after-sales", skills={"refunds"}, minutes_ago=10),
                agents,
                NOW,
            ).agent_id
            is None
        )

    def test_lower_levels_and_release_owner_and_drop_policy(self):
        steps = [
            EscalationStep(
                after=dt.timedelta(minutes=1),
                lower_levels_by=2,
                release_owner=True,
                drop_policies={"senior for repeat complaints"},
                drop_skills={"x"},
                any_group=True,
            )
        ]
        router = Router.default(escalations=steps)
        agents = [
            mk_agent("owner", available=True, load={"chat": 2}),
            mk_agent("b", skills={"billing": 3}),
        ]
        t = mk_ticket(
            owner_id="owner",
            skills={"billing", "x"},
            min_levels={"billing": 5},
            group="g",
            attributes={"unresolved_complaints": 5},
        )
        assert router.route(t, agents, NOW).agent_id == "b"
        assert router.dispatch([t], agents, NOW).assignments[0].agent_id == "b"
        assert "stop requiring x" in steps[0].describe()

    @given(scenes(max_agents=6, max_tickets=8))
    def test_escalated_scan_and_indexed_give_identical_reasons(self, scene):
        tickets, agents = scene
        router = Router.default(
            escalations=[
                EscalationStep(
                    after=dt.timedelta(hours=2), drop_language=True, lower_levels_by=1
                ),
                EscalationStep(
                    after=dt.timedelta(hours=6), any_group=True, release_owner=True
                ),
                EscalationStep(
                    after=dt.timedelta(hours=12),
                    drop_all_skills=True,
                    drop_policies={"dedicated manager"},
                ),
            ]
        )
        assert router.dispatch(tickets, agents, NOW) == router.dispatch(
            tickets, agents, NOW, strategy="scan"
        )

    def test_out_of_order_steps_are_refused(self):
        with pytest.raises(InvalidArgumentError, match="increasing order of wait"):
            Router.default(
                escalations=[
                    EscalationStep(after=dt.timedelta(minutes=10)),
                    EscalationStep(after=dt.timedelta(minutes=5)),
                ]
            )

    def test_duplicate_step_names_and_unknown_policies_are_refused(self):
        with pytest.raises(DuplicateIdError):
            Router.default(
                escalations=[
                    EscalationStep(after=dt.timedelta(minutes=1), name="x"),
                    EscalationStep(after=dt.timedelta(minutes=2), name="x"),
                ]
            )
        with pytest.raises(InvalidArgumentError, match="drops \\['nope'\\]"):
            Router.default(
                escalations=[
                    EscalationStep(
                        after=dt.timedelta(minutes=1), drop_policies={"nope"}
                    )
                ]
            )

    def test_no_step_may_drop_availability_and_capacity(self):
        """Regression: drop_policies={'availability and capacity'} after a wait let
        dispatch give five chat tickets to an agent with room for one, on a break."""
        with pytest.raises(InvalidArgumentError, match="always hold"):
            Router.default(
                escalations=[
                    EscalationStep(
                        after=dt.timedelta(minutes=1),
                        drop_policies={"availability and capacity"},
                    )
                ]
            )

    def test_step_validation(self):
        with pytest.raises(InvalidArgumentError, match="positive"):
            EscalationStep(after=dt.timedelta(0))
        with pytest.raises(InvalidArgumentError, match="0-9"):
            EscalationStep(after=dt.timedelta(minutes=1), lower_levels_by=10)
        with pytest.raises(InvalidTypeError):
            EscalationStep(after=dt.timedelta(minutes=1), drop_language="yes")
        with pytest.raises(DeserializationError):
            EscalationStep.from_dict({"after": "ten minutes"})
        assert (
            EscalationStep(after=dt.timedelta(minutes=1)).describe()
            == "after 1 min: no change"
        )


_STEPS = st.builds(
    EscalationStep,
    after=st.just(dt.timedelta(minutes=1)),
    drop_skills=st.sets(st.sampled_from(["billing", "refunds"]), max_size=1),
    drop_all_skills=st.booleans(),
    lower_levels_by=st.integers(0, 4),
    drop_language=st.booleans(),
    widen_to_groups=st.sets(st.sampled_from(["tech", "vip"]), max_size=1),
    any_group=st.booleans(),
    release_owner=st.booleans(),
)


@given(
    routing_tickets(owners=st.none() | st.just("A1")),
    st.lists(_STEPS, max_size=3),
)
def test_requirements_are_stored_as_their_checked_construction_would_be(ticket, steps):
    """Relaxed requirements are built without converters: they must equal the
    checked value made from the same fields, and hash alike."""
    relax = Relaxation()
    for step in steps:
        relax = relax.then(step)
    got = relax.requirements(ticket)
    checked = Requirements(
        skills=dict(got.skills),
        language=got.language,
        groups=got.groups,
        owner_id=got.owner_id,
    )
    assert got == checked
    assert hash(got) == hash(checked)
    assert list(got.skills) == list(checked.skills)

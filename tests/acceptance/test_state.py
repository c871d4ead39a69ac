"""Tests of the transition table, the obligation table and the generated diagram."""

import datetime as dt
import json

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit.acceptance import (
    DEFAULT_PROCESS,
    EVENT_TRIGGERED_TRANSITIONS,
    STATE_OBLIGATIONS,
    TIME_TRIGGERED_EVENTS,
    AcceptanceTimedOut,
    AcceptanceTimeoutAction,
    Breach,
    BreachKind,
    Cancelled,
    ConfirmationExpired,
    DelayAnnounced,
    Duty,
    Obligation,
    ObligationRule,
    Party,
    Requirement,
    RequirementPolicy,
    RequirementState,
    SheetSent,
    State,
    Transition,
    allowed_events,
    to_mermaid,
)
from servicekit.conditions import Equals
from servicekit.errors import (
    DeserializationError,
    InvalidArgumentError,
    NaiveDatetimeError,
    UnknownNameError,
)
from servicekit.sla import BusinessCalendar
from strategies import ACCEPTANCE_EVENT_TYPES, acceptance_instants


def _kind(trigger):
    return trigger[0] if isinstance(trigger, tuple) else trigger


class TestTable:
    def test_tables_are_read_only(self):
        """No global mutable state: one caller cannot rewrite the workflow for all."""
        with pytest.raises(TypeError):
            EVENT_TRIGGERED_TRANSITIONS[RequirementState.CLOSED] = {}
        with pytest.raises(TypeError):
            EVENT_TRIGGERED_TRANSITIONS[RequirementState.CLOSED][Cancelled] = (
                RequirementState.CANCELLED
            )
        with pytest.raises(TypeError):
            STATE_OBLIGATIONS[RequirementState.CLOSED] = STATE_OBLIGATIONS[
                RequirementState.AWAITING_SHEET
            ]
        with pytest.raises(TypeError):
            TIME_TRIGGERED_EVENTS[RequirementState.IN_DELIVERY] = AcceptanceTimedOut

    def test_every_state_has_a_row(self):
        assert set(EVENT_TRIGGERED_TRANSITIONS) == set(RequirementState)

    def test_triggers_are_event_classes(self):
        for row in EVENT_TRIGGERED_TRANSITIONS.values():
            for trigger, target in row.items():
                assert _kind(trigger) in ACCEPTANCE_EVENT_TYPES
                assert isinstance(target, RequirementState)

    def test_policy_dependent_rows_cover_every_choice(self):
        for row in EVENT_TRIGGERED_TRANSITIONS.values():
            choices = {t[1] for t in row if isinstance(t, tuple)}
            assert choices in (set(), set(AcceptanceTimeoutAction))

    def test_obligation_iff_not_terminal(self):
        """The fold relies on it: every state that accepts an event owes something."""
        for state in RequirementState:
            assert (state in STATE_OBLIGATIONS) == (not state.is_terminal)

    def test_terminal_states(self):
        assert {s for s in RequirementState if s.is_terminal} == {
            RequirementState.CLOSED,
            RequirementState.CANCELLED,
        }

    def test_cancel_from_every_live_state(self):
        for state in RequirementState:
            if not state.is_terminal:
                assert (
                    EVENT_TRIGGERED_TRANSITIONS[state][Cancelled]
                    is RequirementState.CANCELLED
                )

    def test_every_state_reachable_and_every_live_state_can_finish(self):
        edges = {s: set(row.values()) for s, row in EVENT_TRIGGERED_TRANSITIONS.items()}
        seen, todo = (
            {RequirementState.AWAITING_SHEET},
            [RequirementState.AWAITING_SHEET],
        )
        while todo:
            for nxt in edges[todo.pop()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        assert seen == set(RequirementState)
        for state in RequirementState:
            reach, todo = {state}, [state]
            while todo:
                for nxt in edges[todo.pop()] - reach:
                    reach.add(nxt)
                    todo.append(nxt)
            assert (
                RequirementState.CLOSED in reach or state is RequirementState.CANCELLED
            )

    def test_timeouts_are_legal_where_they_fire(self):
        for state, kind in TIME_TRIGGERED_EVENTS.items():
            assert kind in allowed_events(state)
            assert STATE_OBLIGATIONS[state].party is Party.CUSTOMER

    def test_obligation_rules_name_policy_fields(self):
        fields = {
            "confirm_within",
            "customer_confirm_within",
            "accept_within",
            "rework_within",
            "follow_up_within",
        }
        for rule in STATE_OBLIGATIONS.values():
            assert rule.within is None or rule.within in fields

    def test_delay_notices_only_where_the_team_owes_work(self):
        for state in RequirementState:
            if DelayAnnounced in allowed_events(state):
                assert STATE_OBLIGATIONS[state].party is Party.TEAM
                assert state in {
                    RequirementState.IN_DELIVERY,
                    RequirementState.IN_REWORK,
                }

    def test_allowed_events_have_no_repeats_and_keep_order(self):
        kinds = allowed_events(RequirementState.AWAITING_ACCEPTANCE)
        assert [k.__name__ for k in kinds] == [
            "AcceptancePassed",
            "AcceptanceFailed",
            "AcceptanceTimedOut",
            "Cancelled",
        ]
        assert allowed_events(RequirementState.CLOSED) == ()
        assert AcceptanceTimedOut in kinds


class TestTablesDriveTheFold:
    """The fold reads the table: a changed row changes the behaviour, no code edit.

    The table is a Process value since processes became data, so a changed row is
    a process built with it (the module-level tables are read-only views).
    """

    def test_timeouts_follow_a_chain_of_timed_states(self):
        process = DEFAULT_PROCESS.extended(
            transitions=[
                Transition(
                    source="awaiting_confirmation",
                    on="ConfirmationExpired",
                    target="awaiting_acceptance",
                )
            ]
        )
        t = pendulum.datetime(2025, 3, 3, 10, tz="UTC")
        policy = RequirementPolicy(BusinessCalendar.always_open())
        req = Requirement.open(id="R", received_at=t, policy=policy, process=process)
        req = req.apply(SheetSent(at=t))
        # Confirmation due at close of Tue 03-04 (03-05 00:00); acceptance, counted
        # from that expiry, at close of Sat 03-08 (always open).
        events = req.timeouts(pendulum.datetime(2025, 3, 9, 0, 0, 1, tz="UTC"))
        assert events == (
            ConfirmationExpired(at=pendulum.datetime(2025, 3, 5, tz="UTC")),
            AcceptanceTimedOut(at=pendulum.datetime(2025, 3, 9, tz="UTC")),
        )
        done = req.apply_all(events)
        assert (done.state, done.escalated) == (
            RequirementState.AWAITING_ACCEPTANCE,
            True,
        )
        assert done.timeouts(pendulum.datetime(2025, 4, 1, tz="UTC")) == ()
        # One microsecond earlier, only the first deadline has passed.
        assert req.timeouts(pendulum.datetime(2025, 3, 9, tz="UTC")) == events[:1]

    def test_a_policy_dependent_row_is_looked_up_by_the_policy_choice(self):
        process = DEFAULT_PROCESS.extended(
            transitions=[
                Transition(
                    source="awaiting_confirmation",
                    on="ConfirmationExpired",
                    target=target,
                    when=Equals(field="on_acceptance_timeout", value=choice.value),
                )
                for choice, target in [
                    (AcceptanceTimeoutAction.ESCALATE, "cancelled"),
                    (AcceptanceTimeoutAction.DEEM_ACCEPTED, "in_delivery"),
                ]
            ]
        )
        t = pendulum.datetime(2025, 3, 3, 10, tz="UTC")
        late = pendulum.datetime(2025, 3, 9, tz="UTC")
        for choice, expected in [
            ("escalate", RequirementState.CANCELLED),
            ("deem_accepted", RequirementState.IN_DELIVERY),
        ]:
            policy = RequirementPolicy(
                BusinessCalendar.always_open(), on_acceptance_timeout=choice
            )
            req = Requirement.open(
                id="R", received_at=t, policy=policy, process=process
            )
            req = req.apply(SheetSent(at=t))
            assert req.apply_all(req.timeouts(late)).state is expected


class TestMermaid:
    def test_every_row_is_an_arrow(self):
        lines = to_mermaid().splitlines()
        assert lines[0] == "stateDiagram-v2"
        arrows = [ln.strip() for ln in lines if "-->" in ln and "[*]" not in ln]
        expected = sum(len(row) for row in EVENT_TRIGGERED_TRANSITIONS.values())
        assert len(arrows) == expected
        for state, row in EVENT_TRIGGERED_TRANSITIONS.items():
            for trigger, target in row.items():
                label = _kind(trigger).__name__
                assert any(
                    a.startswith(f"{state.name} --> {target.name}: {label}")
                    for a in arrows
                )

    def test_policy_choices_and_timeouts_are_labelled(self):
        text = to_mermaid()
        assert (
            "AWAITING_ACCEPTANCE --> AWAITING_FOLLOW_UP: AcceptanceTimedOut "
            "(timeout, on_acceptance_timeout=deem_accepted)"
        ) in text
        assert (
            "AWAITING_CONFIRMATION --> AWAITING_SHEET: ConfirmationExpired (timeout)"
        ) in text

    def test_notes_and_ends(self):
        text = to_mermaid()
        for state, rule in STATE_OBLIGATIONS.items():
            assert f"note right of {state.name} : {rule.describe()}" in text
        assert "    [*] --> AWAITING_SHEET: Requirement.open\n" in text
        assert text.endswith("    CLOSED --> [*]\n    CANCELLED --> [*]\n")

    def test_drawn_from_the_table_not_written_by_hand(self):
        process = DEFAULT_PROCESS.extended(
            states=[State(name="closed")],
            transitions=[
                Transition(source="closed", on="Cancelled", target="cancelled")
            ],
        )
        assert "    CLOSED --> CANCELLED: Cancelled\n" in process.to_mermaid()
        assert "    CLOSED --> [*]\n" not in process.to_mermaid()


def _obligations():
    return st.builds(
        Obligation,
        party=st.sampled_from(list(Party)),
        what=st.sampled_from(list(Duty)),
        since=acceptance_instants,
        due_at=st.none() | acceptance_instants,
    )


def _breaches():
    return st.builds(
        Breach,
        kind=st.sampled_from(list(BreachKind)),
        party=st.sampled_from(list(Party)),
        what=st.sampled_from(list(Duty)),
        due_at=acceptance_instants,
        at=acceptance_instants,
    )


class TestValues:
    @given(_obligations())
    def test_obligation_round_trip(self, obligation):
        data = json.loads(json.dumps(obligation.to_dict()))
        assert Obligation.from_dict(data) == obligation

    @given(_breaches())
    def test_breach_round_trip(self, breach):
        data = json.loads(json.dumps(breach.to_dict()))
        assert Breach.from_dict(data) == breach

    @given(_breaches())
    def test_late_by_against_integer_microseconds(self, breach):
        def us(value):
            u = value.astimezone(dt.UTC)
            naive = dt.datetime(*u.timetuple()[:6], u.microsecond)
            return (naive - dt.datetime(1970, 1, 1)) // dt.timedelta(microseconds=1)

        assert type(breach.late_by) is dt.timedelta
        assert breach.late_by == dt.timedelta(
            microseconds=us(breach.at) - us(breach.due_at)
        )

    @given(_obligations(), acceptance_instants)
    def test_is_overdue_is_strictly_after(self, obligation, now):
        expected = obligation.due_at is not None and (
            now.astimezone(dt.UTC) > obligation.due_at.astimezone(dt.UTC)
        )
        assert obligation.is_overdue(now) == expected

    def test_is_overdue_needs_an_aware_now(self):
        due = pendulum.datetime(2025, 1, 1, tz="UTC")
        o = Obligation(party="team", what="deliver", since=due, due_at=due)
        with pytest.raises(NaiveDatetimeError):
            o.is_overdue(dt.datetime(2025, 1, 2))

    def test_no_due_date_is_never_overdue(self):
        since = pendulum.datetime(2025, 1, 1, tz="UTC")
        o = Obligation(party="team", what="deliver", since=since, due_at=None)
        assert not o.is_overdue(since.add(years=5))

    @pytest.mark.parametrize("rule", list(STATE_OBLIGATIONS.values()))
    def test_obligation_rule_round_trip(self, rule):
        data = json.loads(json.dumps(rule.to_dict()))
        assert ObligationRule.from_dict(data) == rule

    def test_obligation_rule_validation(self):
        with pytest.raises(InvalidArgumentError, match="day count"):
            ObligationRule(party="team", what="deliver", within="deliver_within")
        # Since windows came in days and hours too, no window means the promise.
        assert ObligationRule.from_dict({"party": "team", "what": "deliver"}).promised
        with pytest.raises(DeserializationError, match="'boss' is not a Party"):
            ObligationRule.from_dict(
                {"party": "boss", "what": "deliver", "within": None}
            )

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"party": "boss"}, "party must be one of 'team', 'customer'"),
            ({"what": "Pay!"}, "what must be a lower_snake_case name"),
            ({"kind": None}, "kind must be one of 'late'"),
        ],
    )
    def test_enum_fields_refuse_unknown_names(self, kwargs, match):
        """Regression: an unknown party, duty or breach kind leaked a bare ValueError
        from the enum instead of a servicekit error listing the choices."""
        t = pendulum.datetime(2025, 1, 1, tz="UTC")
        fields = {"kind": "late", "party": "team", "what": "deliver"} | kwargs
        # A duty may be a team's own name since processes became data: a malformed
        # one is refused as an invalid argument rather than an unknown name.
        with pytest.raises((UnknownNameError, InvalidArgumentError), match=match):
            Breach(**fields, due_at=t, at=t)

    @pytest.mark.parametrize(
        ("cls", "good"),
        [
            (
                Obligation,
                {
                    "party": "team",
                    "what": "deliver",
                    "since": "2025-01-01T00:00:00+00:00",
                    "due_at": None,
                },
            ),
            (
                Breach,
                {
                    "kind": "late",
                    "party": "team",
                    "what": "deliver",
                    "due_at": "2025-01-01T00:00:00+00:00",
                    "at": "2025-01-02T00:00:00+00:00",
                },
            ),
        ],
    )
    def test_from_dict_errors(self, cls, good):
        assert cls.from_dict(good).to_dict() == good
        with pytest.raises(DeserializationError, match="expected an object"):
            cls.from_dict(None)
        with pytest.raises(DeserializationError, match=r"\$\.what: this required key"):
            cls.from_dict({k: v for k, v in good.items() if k != "what"})
        with pytest.raises(DeserializationError, match="at \\$: unknown key 'note'"):
            cls.from_dict(good | {"note": "x"})
        with pytest.raises(DeserializationError, match=r"\$\.party: 'boss' is not"):
            cls.from_dict(good | {"party": "boss"})
        with pytest.raises(DeserializationError, match=r"\$\.due_at: .*no UTC offset"):
            cls.from_dict(good | {"due_at": "2025-01-01T00:00:00"})
        with pytest.raises(DeserializationError, match=r"\$\.due_at: expected an ISO"):
            cls.from_dict(good | {"due_at": 20250101})

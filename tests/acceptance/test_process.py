"""Tests of Process: a team's own table, checked when built, extended, drawn, stored."""

import datetime as dt
import json
import pickle

import attrs
import holidays
import pendulum
import pytest

from servicekit.acceptance import (
    DEFAULT_PROCESS,
    Cancelled,
    CustomerConfirmed,
    CustomName,
    DelayAnnounced,
    Delivered,
    ObligationRule,
    Party,
    Process,
    Requirement,
    RequirementPolicy,
    RequirementState,
    SheetSent,
    State,
    StepDone,
    Transition,
)
from servicekit.conditions import AllOf, AnyOf, Compare, Contains, Equals, Not, OneOf
from servicekit.errors import (
    DeserializationError,
    InvalidArgumentError,
    InvalidProcessError,
    InvalidTransitionError,
    InvalidTypeError,
    UnknownNameError,
)
from servicekit.sla import BusinessCalendar, parse_hours

SH = "Asia/Shanghai"
CHINA = BusinessCalendar(
    timezone=SH,
    weekly_hours=parse_hours("Mon-Fri 09:00-12:00, 13:30-18:00"),
    holidays=holidays.China(years=range(2024, 2028)),
)
COMPLEX = Equals(field="attributes.complexity", value="complex")


def sh(*args):
    return pendulum.datetime(*args, tz=SH)


def reviewed_process():
    """The default process with a solution review for complex requirements only."""
    return DEFAULT_PROCESS.extended(
        name="with review",
        states=[
            State(
                name="solution_review",
                owes=ObligationRule(
                    party="team", what="review_solution", hours=dt.timedelta(hours=8)
                ),
                lapses_with="review_lapsed",
            )
        ],
        transitions=[
            Transition(
                source="awaiting_confirmation",
                on="CustomerConfirmed",
                target="solution_review",
                when=COMPLEX,
            ),
            Transition(
                source="solution_review", on="solution_approved", target="in_delivery"
            ),
            Transition(
                source="solution_review", on="review_lapsed", target="solution_review"
            ),
            Transition(source="solution_review", on="Cancelled", target="cancelled"),
        ],
    )


def confirmed(process, complexity, at=None):
    at = at or sh(2025, 3, 3, 10)
    req = Requirement.open(
        id="R",
        received_at=at,
        policy=RequirementPolicy(CHINA),
        process=process,
        attributes={"complexity": complexity},
    )
    return req.apply_all(
        [
            SheetSent(at=at.add(hours=1), delivery_due=sh(2025, 3, 28, 18)),
            CustomerConfirmed(at=at.add(hours=2)),
        ]
    )


def two_states(**changes):
    states = [
        State(name="open", owes=ObligationRule(party="team", what="close", days=1)),
        State(name="done", terminal=True),
    ]
    transitions = [Transition(source="open", on="finished", target="done")]
    return {"name": "tiny", "states": states, "transitions": transitions} | changes


class TestBuiltTimeChecks:
    """A process that could strand a requirement is refused, naming what is wrong."""

    def test_a_small_process_builds(self):
        assert Process(**two_states()).initial == "open"

    def test_unreachable_state(self):
        extra = State(name="limbo", owes=ObligationRule(party="team", what="wait"))
        states = [*two_states()["states"], extra]
        rows = [
            *two_states()["transitions"],
            Transition(source="limbo", on="finished", target="done"),
        ]
        with pytest.raises(InvalidProcessError, match="state 'limbo' is unreachable"):
            Process(**two_states(states=states, transitions=rows))

    def test_non_terminal_state_with_no_way_out(self):
        with pytest.raises(InvalidProcessError, match="state 'open' has no way out"):
            Process(**two_states(transitions=[]))

    def test_terminal_state_with_a_way_out(self):
        rows = [
            *two_states()["transitions"],
            Transition(source="done", on="reopened", target="open"),
        ]
        with pytest.raises(
            InvalidProcessError, match="terminal state 'done' has a way"
        ):
            Process(**two_states(transitions=rows))

    def test_two_duties_with_one_name(self):
        with pytest.raises(
            InvalidProcessError, match=r"two duties are named 'resubmit'.*'in_delivery'"
        ):
            DEFAULT_PROCESS.extended(
                states=[
                    State(
                        name="in_delivery",
                        owes=ObligationRule(party="team", what="resubmit"),
                    )
                ]
            )

    def test_a_state_declared_twice(self):
        states = [*two_states()["states"], State(name="open")]
        with pytest.raises(InvalidProcessError, match="'open' is declared twice"):
            Process(**two_states(states=states))

    def test_undeclared_state(self):
        rows = [Transition(source="open", on="finished", target="gone")]
        with pytest.raises(InvalidProcessError, match="undeclared state 'gone'"):
            Process(**two_states(transitions=rows))

    def test_lapse_needs_a_row_and_a_window(self):
        states = two_states()["states"]
        lapsing = [attrs.evolve(states[0], lapses_with="expired"), states[1]]
        with pytest.raises(InvalidProcessError, match="no transition on it"):
            Process(**two_states(states=lapsing))
        promised = State(
            name="open",
            owes=ObligationRule(party="team", what="close"),
            lapses_with="finished",
        )
        with pytest.raises(InvalidProcessError, match="no duty with a window"):
            Process(**two_states(states=[promised, states[1]]))

    def test_a_row_hidden_by_an_earlier_unconditional_row(self):
        rows = [
            *two_states()["transitions"],
            Transition(source="open", on="finished", target="open", when=COMPLEX),
        ]
        with pytest.raises(InvalidProcessError, match=r"transition #1 .* never"):
            Process(**two_states(transitions=rows))

    def test_a_delay_stays_in_its_state(self):
        rows = [
            *two_states()["transitions"],
            Transition(source="open", on="DelayAnnounced", target="done"),
        ]
        with pytest.raises(InvalidProcessError, match="DelayAnnounced must lead back"):
            Process(**two_states(transitions=rows))

    def test_no_state_at_all(self):
        with pytest.raises(InvalidProcessError, match="no state"):
            Process(name="empty", states=[], transitions=[])

    def test_names(self):
        with pytest.raises(InvalidArgumentError, match="no event class"):
            Transition(source="open", on="Finished", target="done")
        with pytest.raises(InvalidArgumentError, match="lower_snake_case"):
            State(name="Open Now")
        with pytest.raises(InvalidArgumentError, match="no event class"):
            Transition(source="open", on="StepDone", target="done")
        with pytest.raises(InvalidTypeError, match="list of State"):
            Process(name="x", states="open", transitions=[])
        with pytest.raises(InvalidTypeError, match="not a Transition"):
            Process(name="x", states=[State(name="a")], transitions=[{"a": 1}])
        with pytest.raises(InvalidTypeError, match="ObligationRule or None"):
            State(name="a", owes="close")
        with pytest.raises(InvalidTypeError, match="True or False"):
            State(name="a", terminal=1)

    def test_windows_are_checked(self):
        with pytest.raises(InvalidArgumentError, match="two windows"):
            ObligationRule(party="team", what="x", days=1, hours=dt.timedelta(hours=1))
        with pytest.raises(InvalidArgumentError, match="positive"):
            ObligationRule(party="team", what="x", hours=dt.timedelta(0))
        with pytest.raises(InvalidTypeError, match="timedelta"):
            ObligationRule(party="team", what="x", hours=4)
        with pytest.raises(InvalidArgumentError, match=r"0 .* or more"):
            ObligationRule(party="team", what="x", days=-1)
        with pytest.raises(InvalidTypeError, match="whole number"):
            ObligationRule(party="team", what="x", days=True)


class TestExtending:
    def test_a_conditional_row_goes_first_and_the_old_row_stays(self):
        process = reviewed_process()
        rows = [
            (t.target, t.when)
            for t in process.transitions
            if t.source == "awaiting_confirmation" and t.on == "CustomerConfirmed"
        ]
        assert [r[0] for r in rows] == ["solution_review", "in_delivery"]
        assert rows[0][1] == COMPLEX

    def test_an_unconditional_row_replaces_the_old_rows(self):
        process = DEFAULT_PROCESS.extended(
            transitions=[
                Transition(
                    source="awaiting_acceptance",
                    on="AcceptanceTimedOut",
                    target="awaiting_follow_up",
                )
            ]
        )
        rows = [t for t in process.transitions if t.on == "AcceptanceTimedOut"]
        assert len(rows) == 1
        assert process.allowed("awaiting_acceptance") == DEFAULT_PROCESS.allowed(
            "awaiting_acceptance"
        )

    def test_new_rows_of_one_event_keep_their_order(self):
        first = Transition(
            source="awaiting_confirmation",
            on="CustomerConfirmed",
            target="awaiting_sheet",
            when=Equals(field="attributes.redo", value=True),
        )
        second = Transition(
            source="awaiting_confirmation",
            on="CustomerConfirmed",
            target="cancelled",
            when=Equals(field="attributes.drop", value=True),
        )
        process = DEFAULT_PROCESS.extended(transitions=[first, second])
        rows = [t for t in process.transitions if t.on == "CustomerConfirmed"]
        assert rows[:2] == [first, second]

    def test_a_state_of_an_existing_name_replaces_it(self):
        faster = DEFAULT_PROCESS.with_window("awaiting_sheet", days=1)
        assert faster.state("awaiting_sheet").owes.days == 1
        assert faster.states[0].name is RequirementState.AWAITING_SHEET
        assert len(faster.states) == len(DEFAULT_PROCESS.states)
        assert DEFAULT_PROCESS.state("awaiting_sheet").owes.within == "confirm_within"

    def test_with_window_needs_a_duty(self):
        with pytest.raises(InvalidProcessError, match="owes nothing"):
            DEFAULT_PROCESS.with_window("closed", days=1)
        with pytest.raises(UnknownNameError, match="no state 'nowhere'"):
            DEFAULT_PROCESS.with_window("nowhere", days=1)
        with pytest.raises(UnknownNameError, match="no state"):
            DEFAULT_PROCESS.allowed("nowhere")


class TestRunningAUserProcess:
    def test_a_complex_requirement_goes_through_review(self):
        req = confirmed(reviewed_process(), "complex")
        assert req.state == "solution_review"
        assert isinstance(req.state, CustomName)
        assert req.state.value == "solution_review"
        assert req.allowed_events == (StepDone, Cancelled)
        assert req.allowed_steps == ("solution_approved", "review_lapsed", "Cancelled")
        (owed,) = req.obligations
        assert (owed.party, owed.what) == (Party.TEAM, "review_solution")
        # Confirmed Mon 03-03 12:00: 8 business hours are 12:00 (closed) → 13:30-18:00
        # (4.5 h) and Tue 09:00-12:00 (3 h), then 13:30-14:00.
        assert owed.due_at == sh(2025, 3, 4, 14)
        assert owed.due_at.timezone_name == SH
        req = req.apply(StepDone(at=sh(2025, 3, 4, 11), step="solution_approved"))
        assert req.state is RequirementState.IN_DELIVERY
        assert req.obligations[0].due_at == sh(2025, 3, 28, 18)
        assert req.breaches == ()

    def test_a_simple_requirement_skips_the_review(self):
        req = confirmed(reviewed_process(), "simple")
        assert req.state is RequirementState.IN_DELIVERY

    def test_a_lapsed_review_is_a_step_dated_at_its_deadline(self):
        req = confirmed(reviewed_process(), "complex")
        (lapse,) = req.timeouts(sh(2025, 3, 5, 9))
        assert lapse == StepDone(at=sh(2025, 3, 4, 14), step="review_lapsed")
        req = req.apply(lapse)
        assert req.escalated
        assert [b.kind.value for b in req.breaches] == ["lapsed"]
        assert req.timeouts(sh(2025, 4, 1, 9)) == ()

    def test_an_illegal_event_raises_and_changes_nothing(self):
        req = confirmed(reviewed_process(), "complex")
        before = req.to_dict()
        with pytest.raises(InvalidTransitionError, match="SOLUTION_REVIEW; allowed"):
            req.apply(Delivered(at=sh(2025, 3, 3, 15)))
        with pytest.raises(InvalidTransitionError, match="not allowed"):
            req.apply(StepDone(at=sh(2025, 3, 3, 15), step="agreed"))
        with pytest.raises(InvalidTransitionError, match="not allowed"):
            req.apply(DelayAnnounced(at=sh(2025, 3, 3, 15), new_due=sh(2025, 4, 1, 9)))
        assert req.to_dict() == before

    def test_no_matching_condition_is_an_illegal_event(self):
        only_complex = DEFAULT_PROCESS.extended(
            transitions=[
                Transition(
                    source="awaiting_sheet",
                    on="SheetSent",
                    target="awaiting_confirmation",
                    when=COMPLEX,
                ),
                Transition(
                    source="awaiting_sheet",
                    on="no_sheet_needed",
                    target="in_delivery",
                ),
            ]
        )
        only_complex = Process(
            name="complex only",
            states=only_complex.states,
            transitions=[
                t
                for t in only_complex.transitions
                if not (t.on == "SheetSent" and t.when != COMPLEX)
            ],
        )
        req = Requirement.open(
            id="R",
            received_at=sh(2025, 3, 3, 10),
            policy=RequirementPolicy(CHINA),
            process=only_complex,
        )
        with pytest.raises(InvalidTransitionError, match="no row's condition"):
            req.apply(SheetSent(at=sh(2025, 3, 3, 11)))

    def test_an_hour_window_needs_a_calendar_that_adds_hours(self):
        class DaysOnly:
            timezone = "UTC"

            def add_business_days(self, start, n):
                return CHINA.add_business_days(start, n)

            def to_dict(self):
                return {}

        # The window is in a later state: refused at open all the same.
        process = DEFAULT_PROCESS.with_window("in_rework", hours=dt.timedelta(1))
        with pytest.raises(InvalidTypeError, match="add"):
            Requirement.open(
                id="R",
                received_at=sh(2025, 3, 3, 10),
                policy=RequirementPolicy(DaysOnly()),
                process=process,
            )

    def test_attributes_are_facts(self):
        with pytest.raises(InvalidTypeError, match="string, number or boolean"):
            Requirement.open(
                id="R",
                received_at=sh(2025, 3, 3, 10),
                policy=RequirementPolicy(CHINA),
                attributes={"complexity": ["a"]},
            )
        with pytest.raises(InvalidArgumentError, match="non-blank"):
            Requirement.open(
                id="R",
                received_at=sh(2025, 3, 3, 10),
                policy=RequirementPolicy(CHINA),
                attributes={" ": 1},
            )
        with pytest.raises(InvalidTypeError, match="mapping"):
            Requirement.open(
                id="R",
                received_at=sh(2025, 3, 3, 10),
                policy=RequirementPolicy(CHINA),
                attributes=[("a", 1)],
            )
        with pytest.raises(InvalidTypeError, match="Process"):
            Requirement(
                id="R",
                received_at=sh(2025, 3, 3, 10),
                policy=RequirementPolicy(CHINA),
                process="default",
            )


class TestStoring:
    def test_a_process_round_trips_through_json(self):
        process = reviewed_process()
        data = json.loads(json.dumps(process.to_dict()))
        again = Process.from_dict(data)
        assert again == process
        assert again.state("in_delivery").name is RequirementState.IN_DELIVERY
        assert again.to_mermaid() == process.to_mermaid()

    def test_a_requirement_keeps_its_process_and_facts(self):
        req = confirmed(reviewed_process(), "complex")
        data = json.loads(json.dumps(req.to_dict()))
        assert data["attributes"] == {"complexity": "complex"}
        assert data["state"] == "solution_review"
        again = Requirement.from_dict(data)
        assert again == req
        assert again.state == "solution_review"
        with pytest.raises(DeserializationError, match="does not match"):
            Requirement.from_dict(data | {"state": "solution_drafting"})
        assert pickle.loads(pickle.dumps(req)) == req

    def test_the_default_process_is_not_written(self):
        req = Requirement.open(
            id="R", received_at=sh(2025, 3, 3, 10), policy=RequirementPolicy(CHINA)
        )
        assert "process" not in req.to_dict()
        assert "attributes" not in req.to_dict()

    def test_a_broken_stored_process_names_its_path(self):
        data = reviewed_process().to_dict()
        data["transitions"][0]["target"] = "nowhere"
        with pytest.raises(DeserializationError, match="undeclared state 'nowhere'"):
            Process.from_dict(data)
        data["transitions"][0]["target"] = "Nowhere"
        with pytest.raises(DeserializationError, match=r"\$\.transitions\[0\]\.target"):
            Process.from_dict(data)


MERMAID = """\
stateDiagram-v2
    [*] --> OPEN: Requirement.open
    OPEN --> REVIEW: finished (attributes.complexity=complex)
    OPEN --> DONE: finished
    OPEN --> DONE: expired (timeout)
    REVIEW --> DONE: approved
    note right of OPEN : team owes close within 1 business days
    note right of REVIEW : customer owes approve within 2:30:00 business hours
    DONE --> [*]
"""


def test_to_mermaid_draws_any_process():
    process = Process(
        name="small",
        states=[
            State(
                name="open",
                owes=ObligationRule(party="team", what="close", days=1),
                lapses_with="expired",
            ),
            State(
                name="review",
                owes=ObligationRule(
                    party="customer",
                    what="approve",
                    hours=dt.timedelta(hours=2, minutes=30),
                ),
            ),
            State(name="done", terminal=True),
        ],
        transitions=[
            Transition(source="open", on="finished", target="review", when=COMPLEX),
            Transition(source="open", on="finished", target="done"),
            Transition(source="open", on="expired", target="done"),
            Transition(source="review", on="approved", target="done"),
        ],
    )
    assert process.to_mermaid() == MERMAID


def test_every_condition_kind_is_labelled_in_the_diagram():
    class Odd:
        def matches(self, facts):
            return False

        def to_dict(self):
            return {"type": "odd"}

    whens = [
        (OneOf(field="channel", values=["email", "web"]), "channel in email|web"),
        (Compare(field="priority", op=">=", value="high"), "priority >= high"),
        (Contains(field="attributes.tags", value="vip"), "attributes.tags has vip"),
        (Not(condition=COMPLEX), "not attributes.complexity=complex"),
        (
            AllOf(conditions=[COMPLEX, AnyOf(conditions=[COMPLEX, COMPLEX])]),
            (
                "attributes.complexity=complex and (attributes.complexity=complex or "
                "attributes.complexity=complex)"
            ),
        ),
        (AllOf(conditions=[]), "always"),
        (Not(condition=AnyOf(conditions=[])), "not never"),
        (Odd(), "Odd"),
    ]
    for when, label in whens:
        rows = [
            Transition(source="open", on="finished", target="done", when=when),
            Transition(source="open", on="finished", target="done"),
        ]
        drawn = Process(**two_states(transitions=rows)).to_mermaid()
        assert f"OPEN --> DONE: finished ({label})\n" in drawn


def test_a_calendar_answering_no_instant_for_hours_is_named():
    class Naive:
        timezone = "UTC"

        def add_business_days(self, start, n):
            return CHINA.add_business_days(start, n)

        def add(self, start, delta):
            return dt.datetime(2025, 3, 3, 12)

        def to_dict(self):
            return {}

    process = DEFAULT_PROCESS.with_window("awaiting_sheet", hours=dt.timedelta(1))
    with pytest.raises(InvalidTypeError, match=r"Naive\.add must return an aware"):
        Requirement.open(
            id="R",
            received_at=sh(2025, 3, 3, 10),
            policy=RequirementPolicy(Naive()),
            process=process,
        )

"""Recurring duties on the real China calendar: the Spring Festival, make-up days.

2025: the festival closes 01-28 to 02-04, Sunday 01-26 and Saturday 02-08 are make-up
working days; Sunday 09-28 is one too. 2026: Sunday 01-04 and Saturday 02-28 are.
"""

import datetime as dt

import attrs
import holidays
import pendulum
import pytest

from acceptance.test_standard_process import CRITERIA, in_delivery
from servicekit.acceptance import (
    CARE_LETTER,
    DEFAULT_PROCESS,
    FEEDBACK_REVIEW,
    STANDARD_PROCESS,
    AcceptanceFailed,
    Breach,
    BreachKind,
    Cancelled,
    CustomerCare,
    Delivered,
    DeliveryApplied,
    Every,
    Party,
    Process,
    ProgressReported,
    RecurringDuty,
    Requirement,
    RequirementPolicy,
    State,
    StepDone,
    TaskAdded,
    TaskAssigned,
    TaskDone,
    TaskProgressed,
    Transition,
)
from servicekit.acceptance._recurrence import period_of
from servicekit.errors import (
    InvalidArgumentError,
    InvalidEventError,
    InvalidProcessError,
    InvalidTransitionError,
    InvalidTypeError,
    NaiveDatetimeError,
)
from servicekit.sla import BusinessCalendar, parse_hours

SH = "Asia/Shanghai"
CHINA = BusinessCalendar(
    timezone=SH,
    weekly_hours=parse_hours("Mon-Fri 09:00-12:00, 13:30-18:00"),
    holidays=holidays.China(years=range(2024, 2028)),
)


def sh(*args):
    return pendulum.datetime(*args, tz=SH)


def owed(req_or_care, what, now):
    found = [o for o in req_or_care.due_duties(now) if o.what == what]
    assert len(found) <= 1
    return found[0] if found else None


def noted(at):
    return TaskProgressed(at=at, task="T1", note="progress")


class TestDailyProgressNote:
    def delivering(self):
        req = in_delivery(sh(2025, 1, 23, 9)).apply(
            TaskAdded(
                at=sh(2025, 1, 23, 10), task="T1", owner="Li", due_at=sh(2025, 3, 1, 9)
            )
        )
        note = owed(req, "progress_note", sh(2025, 1, 23, 12))
        assert (note.party, note.due_at) == (Party.TEAM, sh(2025, 1, 23, 18))
        return req

    def test_across_the_spring_festival(self):
        req = self.delivering().apply_all(
            [noted(sh(2025, 1, 23, 17)), noted(sh(2025, 1, 24, 17))]
        )
        # Saturday 01-25 owes nothing; Sunday 01-26 is a make-up working day.
        assert owed(req, "progress_note", sh(2025, 1, 25, 10)).due_at == sh(
            2025, 1, 26, 18
        )
        req = req.apply(noted(sh(2025, 1, 26, 11)))
        # Monday 01-27 is missed: during the festival it shows as lapsed at once,
        # before any note records it, and the next owed is the first day back.
        during = sh(2025, 2, 1, 10)
        assert [(b.kind, b.what, b.due_at) for b in req.missed(during)] == [
            # (no weekly report either: that week's was due on Sunday 01-26)
            (BreachKind.LAPSED, "progress_report", sh(2025, 1, 26, 18)),
            (BreachKind.LAPSED, "progress_note", sh(2025, 1, 27, 18)),
        ]
        assert req.breaches == ()
        assert owed(req, "progress_note", during).due_at == sh(2025, 2, 5, 18)
        # The week of 01-27 had one working day: its report is overdue, still
        # owed until the week ends (a report now would be late, not lapsed).
        assert [(o.what, o.due_at) for o in req.overdue(during)] == [
            ("progress_report", sh(2025, 1, 27, 18))
        ]
        # On the Monday evening it is still owed, overdue: a note then is late.
        evening = sh(2025, 1, 27, 20)
        assert owed(req, "progress_note", evening) in req.overdue(evening)
        assert [b.what for b in req.missed(evening)] == ["progress_report"]
        # The next note, on the first day back, meets 02-05; 01-27 lapsed.
        req = req.apply(noted(sh(2025, 2, 5, 10)))
        assert [(b.kind, b.what, b.due_at) for b in req.breaches] == [
            (BreachKind.LAPSED, "progress_note", sh(2025, 1, 27, 18))
        ]
        assert owed(req, "progress_note", sh(2025, 2, 5, 12)).due_at == sh(
            2025, 2, 6, 18
        )
        assert owed(req, "progress_note", sh(2025, 2, 5, 12)) not in req.overdue(
            sh(2025, 2, 5, 12)
        )

    def test_a_note_after_close_is_late(self):
        req = self.delivering().apply(noted(sh(2025, 1, 23, 19)))
        assert [(b.kind, b.due_at, b.at) for b in req.breaches] == [
            (BreachKind.LATE, sh(2025, 1, 23, 18), sh(2025, 1, 23, 19))
        ]
        # A second note the same day meets nothing more.
        again = req.apply(noted(sh(2025, 1, 23, 20)))
        assert again.breaches == req.breaches

    def test_it_recurs_in_rework_and_stops_in_acceptance(self):
        req = self.delivering().apply_all(
            [
                TaskDone(at=sh(2025, 1, 23, 16), task="T1"),
                Delivered(at=sh(2025, 1, 23, 16)),
                DeliveryApplied(
                    at=sh(2025, 1, 23, 17), contents=["r"], criteria=CRITERIA
                ),
            ]
        )
        assert owed(req, "progress_note", sh(2025, 1, 24, 10)) is None
        req = req.apply(
            AcceptanceFailed(
                at=sh(2025, 1, 24, 10), reasons=["x"], failed_criteria=CRITERIA[:1]
            )
        )
        # In rework the note is owed again by each task of the rework.
        assert owed(req, "progress_note", sh(2025, 1, 24, 11)) is None
        req = req.apply(
            TaskAdded(
                at=sh(2025, 1, 24, 11), task="fix", owner="Wang", due_at=sh(2025, 2, 5)
            )
        )
        note = owed(req, "progress_note", sh(2025, 1, 24, 12))
        assert (note.task, note.owner) == ("fix", "Wang")
        assert owed(req, "progress_note", sh(2025, 1, 24, 12)).due_at == sh(
            2025, 1, 24, 18
        )

    def test_cancelling_records_what_was_missed_and_owes_nothing_more(self):
        """Regression (issue 18): leaving delivery dropped the unmet notes silently."""
        req = self.delivering()
        friday = sh(2025, 1, 24, 19)
        assert [b.due_at for b in req.missed(friday)] == [sh(2025, 1, 23, 18)]
        # Friday's note is overdue but still owed at 19:00: cancelling then
        # lapses it too; nothing is owed or missed afterwards.
        req = req.apply(Cancelled(at=friday, reason="the customer withdrew"))
        assert [(b.kind, b.what, b.due_at, b.at) for b in req.breaches] == [
            (BreachKind.LAPSED, "progress_note", due, due)
            for due in (sh(2025, 1, 23, 18), sh(2025, 1, 24, 18))
        ]
        later = sh(2025, 3, 3)
        assert req.missed(later) == ()
        assert req.due_duties(later) == ()

    def test_each_task_owner_owes_a_note(self):
        """Point 3: each task owner updates progress every day, named when silent."""
        req = self.delivering().apply(
            TaskAdded(
                at=sh(2025, 1, 23, 11), task="T2", owner="Wang", due_at=sh(2025, 3, 1)
            )
        )
        req = req.apply_all([noted(sh(2025, 1, 23, 17)), noted(sh(2025, 1, 24, 17))])
        friday = sh(2025, 1, 24, 19)
        assert [(o.task, o.owner) for o in req.overdue(friday)] == [("T2", "Wang")]
        assert [(b.what, b.task, b.owner, b.due_at) for b in req.missed(friday)] == [
            ("progress_note", "T2", "Wang", sh(2025, 1, 23, 18))
        ]
        # Wang reassigns T2 to Zhao and finishes it on Monday: the two notes
        # missed are recorded against the task's owner then.
        req = req.apply_all(
            [
                TaskAssigned(at=sh(2025, 1, 26, 9), task="T2", owner="Zhao"),
                TaskDone(at=sh(2025, 1, 27, 9), task="T2"),
            ]
        )
        assert [(b.kind, b.task, b.owner, b.due_at) for b in req.breaches] == [
            (BreachKind.LAPSED, "T2", "Zhao", sh(2025, 1, day, 18))
            for day in (23, 24, 26)
        ]
        assert [o.task for o in req.due_duties(sh(2025, 1, 27, 10))] == [
            None,
            "T1",
            None,
            "T1",
        ]

    def test_asking_needs_an_aware_instant(self):
        req = self.delivering()
        with pytest.raises(NaiveDatetimeError):
            req.missed(dt.datetime(2025, 1, 24, 19))
        with pytest.raises(NaiveDatetimeError):
            req.due_duties(dt.datetime(2025, 1, 24, 19))

    def test_the_default_process_owes_no_recurring_duty(self):
        req = Requirement.open(
            id="R", received_at=sh(2025, 1, 23, 9), policy=RequirementPolicy(CHINA)
        )
        assert req.due_duties(sh(2025, 1, 23, 10)) == req.obligations


class TestWeeklyReport:
    def test_a_week_ending_on_a_make_up_sunday(self):
        req = in_delivery(sh(2025, 9, 22, 9))
        report = owed(req, "progress_report", sh(2025, 9, 22, 12))
        assert report.due_at == sh(2025, 9, 28, 18)
        req = req.apply(ProgressReported(at=sh(2025, 9, 28, 17), summary="on track"))
        # The next week's working days are Monday 09-29 and Tuesday 09-30 (the
        # National Day holiday follows), so its report is due on Tuesday.
        after = owed(req, "progress_report", sh(2025, 9, 28, 18))
        assert after.due_at == sh(2025, 9, 30, 18)
        # No report that week: it lapses; the week of 10-06 ends on Saturday 10-11,
        # a make-up working day, and the report sent then is on time.
        req = req.apply(ProgressReported(at=sh(2025, 10, 11, 17)))
        assert [(b.kind, b.due_at) for b in req.breaches] == [
            (BreachKind.LAPSED, sh(2025, 9, 30, 18))
        ]


class TestCustomerCare:
    def vip(self):
        return CustomerCare(
            customer="Hohhot Dairy",
            since=sh(2025, 12, 20, 10),
            calendar=CHINA,
            duties=[CARE_LETTER, FEEDBACK_REVIEW],
        )

    def test_a_monthly_care_letter_in_a_month_with_a_make_up_sunday(self):
        care = self.vip()
        letter = owed(care, "care_letter", sh(2025, 12, 22))
        assert (letter.due_at, letter.party) == (sh(2025, 12, 31, 18), Party.TEAM)
        # December's letter is forgotten; January's goes out on Sunday 01-04, a
        # make-up working day after the New Year holiday.
        sent = StepDone(at=sh(2026, 1, 4, 10), step="care_letter_sent")
        # December's letter (and the quarter's review) lapsed with the year; the
        # letter owed now is January's, which is not overdue.
        assert [(b.what, b.due_at) for b in care.missed(sh(2026, 1, 4, 9))] == [
            ("care_letter", sh(2025, 12, 31, 18)),
            ("feedback_review", sh(2025, 12, 31, 18)),
        ]
        assert owed(care, "care_letter", sh(2026, 1, 4, 9)).due_at == sh(
            2026, 1, 30, 18
        )
        assert care.overdue(sh(2026, 1, 4, 9)) == ()
        care = care.apply(sent)
        assert care.missed(sh(2026, 1, 4, 11)) == (
            Breach(
                kind="lapsed",
                party="team",
                what="feedback_review",
                due_at=sh(2025, 12, 31, 18),
                at=sh(2025, 12, 31, 18),
            ),
        )
        assert [(b.kind, b.what, b.due_at) for b in care.breaches] == [
            (BreachKind.LAPSED, "care_letter", sh(2025, 12, 31, 18))
        ]
        # February's is due on Saturday 02-28 2026, the month's last working day.
        assert owed(care, "care_letter", sh(2026, 1, 10)).due_at == sh(2026, 2, 28, 18)
        assert care.overdue(sh(2026, 1, 10)) == ()

    def test_a_quarterly_feedback_review(self):
        care = self.vip().apply(
            StepDone(at=sh(2025, 12, 30, 10), step="feedback_reviewed")
        )
        assert owed(care, "feedback_review", sh(2026, 1, 5)).due_at == sh(
            2026, 3, 31, 18
        )
        assert care.breaches == ()

    def test_stored_and_refused(self):
        care = self.vip().apply(
            StepDone(at=sh(2026, 1, 4, 10), step="care_letter_sent")
        )
        assert CustomerCare.from_dict(care.to_dict()) == care
        with pytest.raises(InvalidTransitionError, match="meets no duty"):
            care.apply(StepDone(at=sh(2026, 1, 5), step="birthday_card"))
        with pytest.raises(InvalidEventError, match="time order"):
            care.apply(StepDone(at=sh(2026, 1, 3), step="care_letter_sent"))
        with pytest.raises(InvalidArgumentError, match="at least one"):
            CustomerCare(customer="x", since=sh(2026, 1, 1), calendar=CHINA, duties=[])
        in_state = RecurringDuty(
            name="note",
            party="team",
            every="week",
            met_by="x",
            while_in=["in_delivery"],
        )
        with pytest.raises(InvalidArgumentError, match="never fires on a customer"):
            CustomerCare(
                customer="x", since=sh(2026, 1, 1), calendar=CHINA, duties=[in_state]
            )
        with pytest.raises(InvalidArgumentError, match="two duties"):
            CustomerCare(
                customer="x",
                since=sh(2026, 1, 1),
                calendar=CHINA,
                duties=[CARE_LETTER, CARE_LETTER],
            )

        class DaysOnly:
            timezone = SH

            def add_business_days(self, start, n):
                return CHINA.add_business_days(start, n)

            def to_dict(self):
                return {}

        with pytest.raises(InvalidTypeError, match="is_business_day"):
            CustomerCare(
                customer="x",
                since=sh(2026, 1, 1),
                calendar=DaysOnly(),
                duties=[CARE_LETTER],
            )


class TestNeverFires:
    def test_refused_when_the_process_is_built(self):
        def with_duty(**changes):
            fields = {
                "name": "weekly_call",
                "party": "team",
                "every": "week",
                "met_by": "ProgressReported",
                "while_in": ["in_delivery"],
            } | changes
            return STANDARD_PROCESS.extended(recurring=[RecurringDuty(**fields)])

        assert with_duty().recurring[-1].name == "weekly_call"
        with pytest.raises(
            InvalidProcessError,
            match="'weekly_call' never fires: it recurs in no state",
        ):
            with_duty(while_in=[])
        with pytest.raises(InvalidProcessError, match="never fires in state 'closed'"):
            with_duty(while_in=["closed"])
        with pytest.raises(InvalidProcessError, match="undeclared state 'limbo'"):
            with_duty(while_in=["limbo"])
        with pytest.raises(
            InvalidProcessError, match="can never be met in state 'awaiting_sheet'"
        ):
            with_duty(while_in=["awaiting_sheet"])
        with pytest.raises(
            InvalidProcessError, match="two duties are named 'progress_note'"
        ):
            with_duty(name="progress_note")
        with pytest.raises(InvalidProcessError, match="two duties are named 'deliver'"):
            with_duty(name="deliver")
        # A duty per task: met by an event naming the task, where tasks are added.
        per_task = with_duty(met_by="TaskAssigned", per_task=True)
        assert per_task.recurring[-1].to_dict()["per_task"] is True
        assert "per_task" not in with_duty().recurring[-1].to_dict()
        with pytest.raises(InvalidProcessError, match="not ProgressReported"):
            with_duty(per_task=True)
        with pytest.raises(
            InvalidProcessError, match="per task, and the state accepts no TaskAdded"
        ):
            with_duty(
                met_by="TaskProgressed", per_task=True, while_in=["awaiting_acceptance"]
            )
        with pytest.raises(InvalidTypeError, match="per_task must be True or False"):
            with_duty(per_task="yes")
        with pytest.raises(InvalidArgumentError, match="never fires on a customer"):
            CustomerCare(
                customer="x",
                since=sh(2026, 1, 1),
                calendar=CHINA,
                duties=[attrs.evolve(CARE_LETTER, per_task=True)],
            )

    def test_a_calendar_must_know_business_days(self):
        class DaysOnly:
            timezone = SH

            def add_business_days(self, start, n):
                return CHINA.add_business_days(start, n)

            def add(self, start, delta):
                return CHINA.add(start, delta)

            def to_dict(self):
                return {}

        with pytest.raises(InvalidTypeError, match="is_business_day"):
            Requirement.open(
                id="R",
                received_at=sh(2025, 1, 23, 9),
                policy=RequirementPolicy(DaysOnly()),
                process=STANDARD_PROCESS,
            )

    def test_a_never_open_calendar_owes_nothing(self):
        closed = BusinessCalendar(
            timezone=SH, weekly_hours={0: [("09:00", "18:00")]}, holidays=[]
        )
        care = CustomerCare(
            customer="x", since=sh(2026, 1, 1), calendar=closed, duties=[CARE_LETTER]
        )
        assert owed(care, "care_letter", sh(2026, 1, 2)).due_at == sh(2026, 1, 26, 18)


@pytest.mark.parametrize(
    ("every", "day", "period"),
    [
        (
            Every.BUSINESS_DAY,
            dt.date(2025, 2, 5),
            (dt.date(2025, 2, 5), dt.date(2025, 2, 5)),
        ),
        (
            Every.WEEK,
            dt.date(2025, 9, 28),
            (dt.date(2025, 9, 22), dt.date(2025, 9, 28)),
        ),
        (
            Every.MONTH,
            dt.date(2024, 2, 10),
            (dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ),
        (
            Every.MONTH,
            dt.date(2025, 12, 31),
            (dt.date(2025, 12, 1), dt.date(2025, 12, 31)),
        ),
        (
            Every.QUARTER,
            dt.date(2025, 11, 5),
            (dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
        ),
        (
            Every.QUARTER,
            dt.date(2025, 5, 5),
            (dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
        ),
    ],
)
def test_periods(every, day, period):
    assert period_of(every, day) == period


def test_the_standard_diagram_notes_the_recurring_duties():
    drawn = STANDARD_PROCESS.to_mermaid()
    assert (
        "    note right of IN_DELIVERY : team owes progress_note every business day "
        "(met by TaskProgressed)\n"
    ) in drawn
    assert DEFAULT_PROCESS.to_mermaid().count("every") == 0


class TestBoundaries:
    def test_care_fields_are_checked(self):
        since = sh(2026, 1, 1)
        with pytest.raises(InvalidTypeError, match="list of RecurringDuty"):
            CustomerCare(customer="x", since=since, calendar=CHINA, duties=CARE_LETTER)
        with pytest.raises(InvalidTypeError, match="not a RecurringDuty"):
            CustomerCare(
                customer="x", since=since, calendar=CHINA, duties=["care_letter"]
            )
        with pytest.raises(InvalidTypeError, match="BusinessCalendar"):
            CustomerCare(
                customer="x", since=since, calendar="china", duties=[CARE_LETTER]
            )
        with pytest.raises(InvalidTypeError, match="list of workflow event"):
            CustomerCare(
                customer="x",
                since=since,
                calendar=CHINA,
                duties=[CARE_LETTER],
                history="x",
            )
        with pytest.raises(InvalidTypeError, match="not a workflow event"):
            CustomerCare(
                customer="x",
                since=since,
                calendar=CHINA,
                duties=[CARE_LETTER],
                history=[{"step": "care_letter_sent"}],
            )
        with pytest.raises(InvalidTypeError, match="list of state names"):
            RecurringDuty(
                name="n", party="team", every="week", met_by="x", while_in="in_delivery"
            )

    def test_a_calendar_closed_for_a_decade_owes_nothing(self):
        class Closed:
            timezone = SH

            def add_business_days(self, start, n):
                return CHINA.add_business_days(start, n)

            def is_business_day(self, day):
                return False

            def to_dict(self):
                return {}

        care = CustomerCare(
            customer="x", since=sh(2026, 1, 1), calendar=Closed(), duties=[CARE_LETTER]
        )
        assert care.due_duties(sh(2026, 1, 2)) == ()
        care = care.apply(StepDone(at=sh(2026, 1, 5), step="care_letter_sent"))
        assert care.breaches == ()

    def test_no_follow_up_yet(self):
        req = in_delivery()
        assert req.follow_up is None
        assert req.application is None


def test_a_duty_of_two_states_keeps_its_track_between_them():
    """Moving between two states that both owe a duty neither restarts nor lapses it."""
    note = RecurringDuty(
        name="note", party="team", every="week", met_by="noted", while_in=["a", "b"]
    )
    process = Process(
        name="two",
        states=[State(name="a"), State(name="b"), State(name="done", terminal=True)],
        transitions=[
            Transition(source="a", on="noted", target="a"),
            Transition(source="a", on="move", target="b"),
            Transition(source="b", on="noted", target="b"),
            Transition(source="b", on="finish", target="done"),
        ],
        recurring=[note],
    )
    req = Requirement.open(
        id="R",
        received_at=sh(2025, 9, 22, 9),
        policy=RequirementPolicy(CHINA),
        process=process,
    ).apply_all(
        [
            StepDone(at=sh(2025, 9, 22, 10), step="noted"),
            StepDone(at=sh(2025, 9, 23, 10), step="move"),
        ]
    )
    # The week of 09-22 is met (in a); b owes the next week's, due 09-30.
    assert [o.due_at for o in req.due_duties(sh(2025, 9, 24))] == [sh(2025, 9, 30, 18)]
    assert req.breaches == ()

"""Scenario tests of the standard process on the real China calendar (issue 18).

Each numbered point of the issue that the standard process covers has a scenario
here, dated across the 2025 Spring Festival (closed 01-28 to 02-04; Sunday 01-26 and
Saturday 02-08 are make-up working days) where the calendar matters.
"""

import datetime as dt
import json

import holidays
import pendulum
import pytest

from servicekit.acceptance import (
    DEFAULT_PROCESS,
    RATING_DIMENSIONS,
    STANDARD_PROCESS,
    AcceptanceFailed,
    AcceptancePassed,
    BreachKind,
    Cancelled,
    ConfirmationExpired,
    CustomerConfirmed,
    Delivered,
    DeliveryApplied,
    FollowUpDone,
    InternalAcceptanceFailed,
    Party,
    Process,
    Requirement,
    RequirementPolicy,
    RequirementState,
    SheetAmended,
    SheetRejected,
    SheetSent,
    SolutionAdjusted,
    SolutionAgreed,
    SolutionDrafted,
    SolutionPresented,
    SolutionReviewed,
    StepDone,
    Task,
    TaskAdded,
    TaskAssigned,
    TaskDone,
    TaskProgressed,
    Transition,
    Verdict,
    event_from_dict,
    low_rating,
)
from servicekit.errors import (
    InvalidArgumentError,
    InvalidEventError,
    InvalidTransitionError,
    InvalidTypeError,
)
from servicekit.sla import BusinessCalendar, parse_hours

SH = "Asia/Shanghai"
CHINA = BusinessCalendar(
    timezone=SH,
    weekly_hours=parse_hours("Mon-Fri 09:00-12:00, 13:30-18:00"),
    holidays=holidays.China(years=range(2024, 2028)),
)
POLICY = RequirementPolicy(CHINA)


def sh(*args):
    return pendulum.datetime(*args, tz=SH)


def sheet_sent(process=STANDARD_PROCESS):
    """A requirement whose sheet went out on Monday 2025-01-27 at 17:00."""
    req = Requirement.open(
        id="REQ-1", received_at=sh(2025, 1, 24, 10), policy=POLICY, process=process
    )
    return req.apply(SheetSent(at=sh(2025, 1, 27, 17), delivery_due=sh(2025, 3, 3, 18)))


def due(req):
    (owed,) = req.obligations
    return owed.party, str(owed.what), owed.due_at


class TestEarlyRejectionOrAmendment:
    """Point 5: the customer rejects or amends the sheet before its deadline."""

    @pytest.mark.parametrize(
        "event",
        [
            SheetRejected(at=sh(2025, 1, 27, 17, 30), reasons=["wrong goal"]),
            SheetAmended(at=sh(2025, 1, 27, 17, 30), changes=["add the PDF export"]),
        ],
    )
    def test_a_revised_sheet_is_owed_within_its_own_window(self, event):
        req = sheet_sent()
        assert due(req) == (Party.CUSTOMER, "confirm_sheet", sh(2025, 2, 5, 18))
        req = req.apply(event)
        assert req.state == "awaiting_revised_sheet"
        # One business day after Monday 01-27: the festival closes 01-28 to 02-04.
        assert due(req) == (Party.TEAM, "send_revised_sheet", sh(2025, 2, 5, 18))
        assert req.breaches == ()
        assert req.rediscussion_count == 0
        req = req.apply(
            SheetSent(at=sh(2025, 2, 5, 10), delivery_due=sh(2025, 3, 3, 18))
        )
        assert req.state is RequirementState.AWAITING_CONFIRMATION
        assert due(req) == (Party.CUSTOMER, "confirm_sheet", sh(2025, 2, 6, 18))
        req = req.apply(CustomerConfirmed(at=sh(2025, 2, 6, 9)))
        assert req.state == "solution_drafting"
        assert req.history[1] == event

    def test_a_late_revised_sheet_is_a_breach(self):
        req = sheet_sent().apply(
            SheetRejected(at=sh(2025, 1, 27, 17, 30), reasons=["wrong goal"])
        )
        req = req.apply(SheetSent(at=sh(2025, 2, 6, 9)))
        (breach,) = req.breaches
        assert (breach.kind, breach.what, breach.due_at) == (
            BreachKind.LATE,
            "send_revised_sheet",
            sh(2025, 2, 5, 18),
        )

    def test_after_the_deadline_the_sheet_has_already_expired(self):
        req = sheet_sent()
        late = SheetAmended(at=sh(2025, 2, 6, 9), changes=["x"])
        with pytest.raises(InvalidTransitionError, match="apply ConfirmationExpired"):
            req.apply(late)
        req = req.apply_all(req.timeouts(sh(2025, 2, 6, 9)))
        assert req.history[-1] == ConfirmationExpired(at=sh(2025, 2, 5, 18))
        with pytest.raises(InvalidTransitionError, match="AWAITING_SHEET"):
            req.apply(late)

    def test_the_default_process_keeps_todays_table(self):
        req = sheet_sent(DEFAULT_PROCESS)
        before = req
        with pytest.raises(InvalidTransitionError, match="not allowed"):
            req.apply(SheetRejected(at=sh(2025, 1, 28, 9), reasons=["no"]))
        assert req == before

    def test_the_payload_is_checked(self):
        with pytest.raises(InvalidArgumentError, match="at least one"):
            SheetRejected(at=sh(2025, 1, 28, 9), reasons=[])
        with pytest.raises(InvalidTypeError, match="list of strings"):
            SheetAmended(at=sh(2025, 1, 28, 9), changes="pdf")

    def test_a_team_changes_the_window(self):
        process = STANDARD_PROCESS.with_window(
            "awaiting_revised_sheet", hours=dt.timedelta(hours=4)
        )
        req = sheet_sent(process).apply(
            SheetRejected(at=sh(2025, 1, 27, 17, 30), reasons=["wrong goal"])
        )
        # 30 minutes on Monday, the festival, 3 hours on 02-05's morning, 30 minutes
        # after lunch.
        assert due(req)[2] == sh(2025, 2, 5, 14)


CRITERIA = ("totals match to the cent", "runs in under 5 minutes")


def hand_over(req, at):
    """Deliver; in the standard process, pass the internal acceptance by applying."""
    req = req.apply(Delivered(at=at))
    if "DeliveryApplied" in req.allowed_steps:
        req = req.apply(DeliveryApplied(at=at, contents=["report"], criteria=CRITERIA))
    return req


def awaiting_follow_up(process=STANDARD_PROCESS):
    """Accepted on Monday 2025-01-27 (before the festival): follow-up due 02-07."""
    req = sheet_sent(process).apply(CustomerConfirmed(at=sh(2025, 1, 27, 17, 30)))
    if req.state == "solution_drafting":
        req = req.apply_all(
            [
                SolutionDrafted(at=sh(2025, 1, 27, 17, 32), steps=["do it"]),
                SolutionPresented(at=sh(2025, 1, 27, 17, 34)),
                SolutionAgreed(at=sh(2025, 1, 27, 17, 36)),
            ]
        )
    req = hand_over(req, sh(2025, 1, 27, 17, 40)).apply(
        AcceptancePassed(at=sh(2025, 1, 27, 17, 50))
    )
    assert due(req) == (Party.TEAM, "follow_up", sh(2025, 2, 7, 18))
    return req


class TestLowRatings:
    """Point 7: a rating below 3 on any dimension, competence included, opens a duty."""

    @pytest.mark.parametrize("dimension", RATING_DIMENSIONS)
    def test_a_low_rating_on_any_dimension_opens_a_duty(self, dimension):
        visit = FollowUpDone(at=sh(2025, 2, 7, 17), solved=True, **{dimension: 2})
        req = awaiting_follow_up().apply(visit)
        assert req.state == "awaiting_rating_response"
        assert not req.is_terminal
        # Friday 02-07 + 1 business day: Saturday 02-08 is a make-up working day.
        assert due(req) == (Party.TEAM, "answer_low_rating", sh(2025, 2, 8, 18))
        assert req.follow_up == visit
        req = req.apply(StepDone(at=sh(2025, 2, 10, 9), step="low_rating_answered"))
        assert req.state is RequirementState.CLOSED
        assert [(b.kind, b.what) for b in req.breaches] == [
            (BreachKind.LATE, "answer_low_rating")
        ]
        assert req.follow_up == visit

    def test_competence_of_one_is_not_ignored(self):
        """Regression (issue 18): a competence of 1 raised no follow-up action."""
        visit = FollowUpDone(
            at=sh(2025, 2, 7, 17), solved=True, attitude=5, competence=1
        )
        assert awaiting_follow_up().apply(visit).state == "awaiting_rating_response"

    @pytest.mark.parametrize(
        "ratings",
        [{}, {"attitude": 3, "competence": 5}, {"response_speed": 4, "resolution": 3}],
    )
    def test_no_low_rating_closes(self, ratings):
        visit = FollowUpDone(at=sh(2025, 2, 7, 17), solved=False, **ratings)
        req = awaiting_follow_up().apply(visit)
        assert req.state is RequirementState.CLOSED
        assert req.obligations == ()

    def test_a_team_configures_the_threshold_dimensions_and_window(self):
        process = STANDARD_PROCESS.extended(
            replace=True,
            transitions=[
                Transition(
                    source="awaiting_follow_up",
                    on="FollowUpDone",
                    target="awaiting_rating_response",
                    when=low_rating(below=4, dimensions=["attitude"]),
                ),
                Transition(
                    source="awaiting_follow_up", on="FollowUpDone", target="closed"
                ),
            ],
        ).with_window("awaiting_rating_response", hours=dt.timedelta(hours=2))
        at = sh(2025, 2, 7, 17)
        req = awaiting_follow_up(process)
        low = req.apply(FollowUpDone(at=at, solved=True, attitude=3))
        # One hour on Friday, one on the make-up Saturday morning.
        assert due(low) == (Party.TEAM, "answer_low_rating", sh(2025, 2, 8, 10))
        ok = req.apply(FollowUpDone(at=at, solved=True, attitude=4, competence=1))
        assert ok.state is RequirementState.CLOSED

    def test_low_rating_is_checked(self):
        with pytest.raises(InvalidArgumentError, match="2 to 5"):
            low_rating(below=1)
        with pytest.raises(InvalidTypeError, match="whole rating"):
            low_rating(below=2.5)
        with pytest.raises(InvalidArgumentError, match="some of"):
            low_rating(dimensions=["friendliness"])
        with pytest.raises(InvalidArgumentError, match="some of"):
            low_rating(dimensions=[])
        with pytest.raises(InvalidTypeError, match="list of names"):
            low_rating(dimensions="attitude")

    def test_the_default_process_closes_whatever_the_rating(self):
        visit = FollowUpDone(at=sh(2025, 2, 7, 17), solved=True, competence=1)
        req = awaiting_follow_up(DEFAULT_PROCESS).apply(visit)
        assert req.state is RequirementState.CLOSED


def confirmed(complexity="simple", at=None, process=STANDARD_PROCESS):
    at = at or sh(2025, 3, 3, 10)
    # Promised for 2025-04-30 18:00, or two months on for a later start.
    promised = sh(2025, 4, 30, 18) if at < sh(2025, 4, 1) else at.add(months=2)
    req = Requirement.open(
        id="REQ-S",
        received_at=at,
        policy=POLICY,
        process=process,
        attributes={"complexity": complexity},
    )
    return req.apply_all(
        [
            SheetSent(at=at.add(minutes=10), delivery_due=promised),
            CustomerConfirmed(at=at.add(minutes=20)),
        ]
    )


def drafted(at):
    return SolutionDrafted(
        at=at, steps=["export", "reconcile"], resources=["2 analysts"], risks=["API"]
    )


class TestSolutionReviewAgreement:
    """Point 1: drafted, reviewed (if complex), presented, adjusted, agreed."""

    def test_a_simple_solution_skips_the_review(self):
        req = confirmed("simple")
        assert req.state == "solution_drafting"
        assert due(req) == (Party.TEAM, "draft_solution", sh(2025, 3, 5, 18))
        req = req.apply(drafted(sh(2025, 3, 4, 15)))
        assert req.state == "solution_presentation"
        assert due(req) == (Party.TEAM, "present_solution", sh(2025, 3, 5, 18))
        req = req.apply(SolutionPresented(at=sh(2025, 3, 5, 10)))
        assert due(req) == (Party.CUSTOMER, "agree_solution", sh(2025, 3, 7, 18))
        # Adjusted on Thursday: the customer's two days start again (Mon 03-10).
        req = req.apply(SolutionAdjusted(at=sh(2025, 3, 6, 11), changes=["PDF"]))
        assert req.state == "awaiting_agreement"
        assert due(req) == (Party.CUSTOMER, "agree_solution", sh(2025, 3, 10, 18))
        req = req.apply(SolutionAgreed(at=sh(2025, 3, 10, 9)))
        assert req.state is RequirementState.IN_DELIVERY
        assert due(req) == (Party.TEAM, "deliver", sh(2025, 4, 30, 18))
        assert req.breaches == ()

    def test_a_complex_solution_is_reviewed_until_every_department_approves(self):
        req = confirmed("complex").apply(drafted(sh(2025, 3, 4, 15)))
        assert req.state == "solution_review"
        assert due(req) == (Party.TEAM, "review_solution", sh(2025, 3, 6, 18))
        rejected = SolutionReviewed(
            at=sh(2025, 3, 5, 16),
            verdicts=[
                Verdict(department="technical", approved=True),
                Verdict(department="product", approved=True),
                Verdict(department="legal", approved=False, comment="needs a DPA"),
            ],
        )
        req = req.apply(rejected)
        assert req.state == "solution_drafting"
        assert due(req) == (Party.TEAM, "draft_solution", sh(2025, 3, 7, 18))
        assert req.history[-1].objections == ("legal: needs a DPA",)
        req = req.apply(drafted(sh(2025, 3, 6, 10)))
        assert req.state == "solution_review"
        approved = SolutionReviewed(
            at=sh(2025, 3, 6, 17),
            verdicts=[Verdict(department=d, approved=True) for d in ("tech", "legal")],
        )
        req = req.apply(approved)
        assert req.state == "solution_presentation"

    def test_across_the_spring_festival(self):
        req = confirmed(at=sh(2025, 1, 27, 9))
        # Two business days after Monday 01-27: 02-05 and 02-06 (closed 01-28..02-04).
        assert due(req) == (Party.TEAM, "draft_solution", sh(2025, 2, 6, 18))
        req = req.apply(drafted(sh(2025, 2, 7, 9)))
        (breach,) = req.breaches
        assert (breach.kind, breach.what, breach.party) == (
            BreachKind.LATE,
            "draft_solution",
            Party.TEAM,
        )
        # Presented by close of the next business day: Saturday 02-08 is a make-up day.
        assert due(req) == (Party.TEAM, "present_solution", sh(2025, 2, 8, 18))

    def test_a_team_reviews_every_solution(self):
        process = STANDARD_PROCESS.extended(
            replace=True,
            transitions=[
                Transition(
                    source="solution_drafting",
                    on="SolutionDrafted",
                    target="solution_review",
                )
            ],
        )
        req = confirmed("simple", process=process).apply(drafted(sh(2025, 3, 4, 15)))
        assert req.state == "solution_review"

    def test_events_out_of_place_are_refused(self):
        req = confirmed("complex")
        before = req
        with pytest.raises(InvalidTransitionError, match="SOLUTION_DRAFTING"):
            req.apply(SolutionAgreed(at=sh(2025, 3, 4, 9)))
        with pytest.raises(InvalidTransitionError, match="not allowed"):
            req.apply(Delivered(at=sh(2025, 3, 4, 9)))
        assert req == before

    def test_verdicts_are_checked(self):
        at = sh(2025, 3, 5, 16)
        with pytest.raises(InvalidArgumentError, match="at least one"):
            SolutionReviewed(at=at, verdicts=[])
        with pytest.raises(InvalidArgumentError, match="two verdicts of 'legal'"):
            SolutionReviewed(
                at=at,
                verdicts=[
                    Verdict(department="legal", approved=True),
                    Verdict(department="legal", approved=False),
                ],
            )
        with pytest.raises(InvalidTypeError, match="not a Verdict"):
            SolutionReviewed(at=at, verdicts=[{"department": "legal"}])
        with pytest.raises(InvalidTypeError, match="list of Verdict"):
            SolutionReviewed(at=at, verdicts="legal")
        with pytest.raises(InvalidTypeError, match="True or False"):
            Verdict(department="legal", approved="yes")
        with pytest.raises(InvalidArgumentError, match="blank"):
            Verdict(department=" ", approved=True)
        with pytest.raises(InvalidArgumentError, match="at least one"):
            SolutionDrafted(at=at, steps=[])
        with pytest.raises(InvalidArgumentError, match="at least one"):
            SolutionAdjusted(at=at, changes=[])
        stored = SolutionReviewed(
            at=at, verdicts=[Verdict(department="legal", approved=False)]
        )
        assert event_from_dict(stored.to_dict()) == stored
        assert stored.objections == ("legal",)


def in_delivery(at=None):
    """A simple requirement whose solution was agreed, now in delivery."""
    at = at or sh(2025, 1, 23, 9)
    req = confirmed(at=at)
    return req.apply_all(
        [
            drafted(at.add(minutes=30)),
            SolutionPresented(at=at.add(minutes=40)),
            SolutionAgreed(at=at.add(minutes=50)),
        ]
    )


class TestTasks:
    """Point 2: tasks with owners and deadlines to the hour, inside delivery."""

    def test_a_task_deadline_counts_business_hours_across_a_make_up_sunday(self):
        req = in_delivery().apply(
            TaskAdded(
                at=sh(2025, 1, 24, 15),
                task="T1",
                owner="Li Wei",
                title="export invoices",
                within=dt.timedelta(hours=6),
            )
        )
        # Friday 15:00-18:00, then Sunday 01-26 (a make-up working day) 09:00-12:00.
        (task,) = req.tasks
        assert (task.owner, task.due_at, task.is_open) == (
            "Li Wei",
            sh(2025, 1, 26, 12),
            True,
        )
        assert req.state is RequirementState.IN_DELIVERY
        deliver, owed = req.obligations
        assert (deliver.what, owed.what, owed.task, owed.owner) == (
            "deliver",
            "complete_task",
            "T1",
            "Li Wei",
        )

        def tasks_overdue(now):
            return [o for o in req.overdue(now) if o.task is not None]

        assert tasks_overdue(sh(2025, 1, 26, 12)) == []
        assert tasks_overdue(sh(2025, 1, 26, 12, 1)) == [owed]

    def test_delivery_waits_for_every_task(self):
        req = in_delivery().apply_all(
            [
                TaskAdded(
                    at=sh(2025, 1, 24, 9),
                    task="T1",
                    owner="Li",
                    due_at=sh(2025, 1, 24, 17),
                ),
                TaskAdded(
                    at=sh(2025, 1, 24, 9),
                    task="T2",
                    owner="Wang",
                    due_at=sh(2025, 1, 27, 12),
                ),
                TaskDone(at=sh(2025, 1, 24, 16), task="T1"),
            ]
        )
        before = req
        with pytest.raises(
            InvalidTransitionError, match=r"task is open: T2 \(owner Wang"
        ):
            hand_over(req, sh(2025, 1, 24, 17))
        assert req == before
        req = req.apply(TaskDone(at=sh(2025, 1, 24, 17), task="T2"))
        req = hand_over(req, sh(2025, 1, 24, 18))
        assert req.state is RequirementState.AWAITING_ACCEPTANCE
        # Each task owed its note from 01-24, and was done before that day's close.
        assert req.breaches == ()
        assert [t.done_at for t in req.tasks] == [
            sh(2025, 1, 24, 16),
            sh(2025, 1, 24, 17),
        ]

    def test_an_overdue_task_is_a_breach_naming_its_owner(self):
        req = in_delivery().apply_all(
            [
                TaskAdded(
                    at=sh(2025, 1, 24, 9),
                    task="T1",
                    owner="Li",
                    due_at=sh(2025, 1, 24, 17),
                ),
                TaskAssigned(at=sh(2025, 1, 24, 10), task="T1", owner="Zhao"),
                TaskProgressed(
                    at=sh(2025, 1, 24, 16), task="T1", percent=80, note="almost"
                ),
                TaskProgressed(at=sh(2025, 1, 24, 16, 30), task="T1", note="still"),
            ]
        )
        (task,) = req.tasks
        assert (task.owner, task.percent, task.progressed_at) == (
            "Zhao",
            80,
            sh(2025, 1, 24, 16, 30),
        )
        req = req.apply(TaskDone(at=sh(2025, 1, 26, 10), task="T1"))
        (breach,) = [b for b in req.breaches if b.task is not None]
        assert (breach.kind, breach.what, breach.owner, breach.task, breach.due_at) == (
            BreachKind.LATE,
            "complete_task",
            "Zhao",
            "T1",
            sh(2025, 1, 24, 17),
        )
        assert breach.to_dict()["owner"] == "Zhao"

    def test_task_events_name_real_open_tasks(self):
        req = in_delivery().apply(
            TaskAdded(
                at=sh(2025, 1, 24, 9), task="T1", owner="Li", due_at=sh(2025, 1, 24, 17)
            )
        )
        with pytest.raises(InvalidEventError, match="already has a task 'T1'"):
            req.apply(
                TaskAdded(
                    at=sh(2025, 1, 24, 9),
                    task="T1",
                    owner="Li",
                    due_at=sh(2025, 1, 25, 17),
                )
            )
        with pytest.raises(InvalidEventError, match=r"no task 'T9' \(tasks: 'T1'\)"):
            req.apply(TaskDone(at=sh(2025, 1, 24, 10), task="T9"))
        done = req.apply(TaskDone(at=sh(2025, 1, 24, 10), task="T1"))
        with pytest.raises(InvalidEventError, match="was done at"):
            done.apply(TaskAssigned(at=sh(2025, 1, 24, 11), task="T1", owner="Wang"))
        with pytest.raises(InvalidTransitionError, match="TaskAdded is not allowed"):
            confirmed().apply(
                TaskAdded(
                    at=sh(2025, 3, 3, 11),
                    task="T1",
                    owner="Li",
                    within=dt.timedelta(hours=1),
                )
            )

    def test_a_cancelled_requirement_owes_no_task(self):
        req = in_delivery().apply_all(
            [
                TaskAdded(
                    at=sh(2025, 1, 24, 9),
                    task="T1",
                    owner="Li",
                    due_at=sh(2025, 1, 24, 17),
                ),
                Cancelled(at=sh(2025, 1, 24, 10), reason="withdrawn"),
            ]
        )
        assert req.obligations == ()
        assert req.tasks[0].is_open

    def test_task_events_are_checked(self):
        at = sh(2025, 1, 24, 9)
        with pytest.raises(InvalidArgumentError, match="one deadline"):
            TaskAdded(at=at, task="T1", owner="Li")
        with pytest.raises(InvalidArgumentError, match="one deadline"):
            TaskAdded(
                at=at,
                task="T1",
                owner="Li",
                due_at=sh(2025, 1, 25),
                within=dt.timedelta(hours=1),
            )
        with pytest.raises(InvalidEventError, match="must be after"):
            TaskAdded(at=at, task="T1", owner="Li", due_at=at)
        with pytest.raises(InvalidArgumentError, match="positive"):
            TaskAdded(at=at, task="T1", owner="Li", within=dt.timedelta(0))
        with pytest.raises(InvalidTypeError, match="timedelta"):
            TaskAdded(at=at, task="T1", owner="Li", within=3)
        with pytest.raises(InvalidArgumentError, match="blank"):
            TaskAssigned(at=at, task="T1", owner=" ")
        with pytest.raises(InvalidArgumentError, match="0 to 100"):
            TaskProgressed(at=at, task="T1", percent=101)
        with pytest.raises(InvalidTypeError, match="whole number"):
            TaskProgressed(at=at, task="T1", percent=True)
        with pytest.raises(InvalidArgumentError, match="0 to 100"):
            Task(id="T", owner="Li", added_at=at, due_at=at, percent=-1)


class TestDeliveryApplication:
    """Point 4: a delivery application lists contents and criteria; the verdict names them."""

    def applied(self):
        req = in_delivery().apply(Delivered(at=sh(2025, 1, 24, 16)))
        assert due(req) == (Party.TEAM, "accept_internally", sh(2025, 1, 26, 18))
        application = DeliveryApplied(
            at=sh(2025, 1, 24, 17),
            contents=["reconciliation report", "export script"],
            criteria=CRITERIA,
            checked=["unit tests", "document review"],
        )
        req = req.apply(application)
        assert req.application == application
        # Three business days: Friday 01-24 + Sunday 01-26 (make-up), 01-27, 02-05.
        assert due(req) == (Party.CUSTOMER, "accept", sh(2025, 2, 5, 18))
        return req

    def test_a_failure_names_the_criteria_that_failed(self):
        req = self.applied()
        failed = AcceptanceFailed(
            at=sh(2025, 1, 26, 10),
            reasons=["off by one cent on 3 invoices"],
            failed_criteria=["totals match to the cent"],
        )
        req = req.apply(failed)
        assert req.state is RequirementState.IN_REWORK
        assert req.history[-1].failed_criteria == ("totals match to the cent",)
        assert failed.to_dict()["failed_criteria"] == ["totals match to the cent"]
        again = DeliveryApplied(
            at=sh(2025, 1, 27, 10), contents=["fixed report"], criteria=CRITERIA[:1]
        )
        req = req.apply_all([Delivered(at=sh(2025, 1, 27, 9)), again])
        assert req.application == again
        with pytest.raises(InvalidEventError, match="'runs in under 5 minutes', which"):
            req.apply(
                AcceptanceFailed(
                    at=sh(2025, 1, 27, 11),
                    reasons=["slow"],
                    failed_criteria=["runs in under 5 minutes"],
                )
            )
        assert req.apply(AcceptancePassed(at=sh(2025, 1, 27, 11))).state == (
            RequirementState.AWAITING_FOLLOW_UP
        )

    def test_a_failure_must_say_which_criteria_failed(self):
        req = self.applied()
        before = req
        with pytest.raises(InvalidEventError, match="must say which criteria"):
            req.apply(AcceptanceFailed(at=sh(2025, 1, 26, 10), reasons=["no"]))
        assert req == before

    def test_without_an_application_there_are_no_criteria(self):
        req = awaiting_follow_up(DEFAULT_PROCESS)
        req = Requirement(
            id=req.id,
            received_at=req.received_at,
            policy=req.policy,
            history=req.history[:-1],
        )
        assert req.state is RequirementState.AWAITING_ACCEPTANCE
        assert req.application is None
        with pytest.raises(InvalidEventError, match="without an application"):
            req.apply(
                AcceptanceFailed(
                    at=sh(2025, 1, 28, 10), reasons=["x"], failed_criteria=["fast"]
                )
            )
        plain = AcceptanceFailed(at=sh(2025, 1, 28, 10), reasons=["x"])
        assert "failed_criteria" not in plain.to_dict()
        assert req.apply(plain).state is RequirementState.IN_REWORK

    def test_the_standard_process_delivers_by_application_only(self):
        req = in_delivery()
        assert "DeliveryApplied" not in req.allowed_steps
        with pytest.raises(InvalidTransitionError, match=r"allowed: Delivered"):
            req.apply(
                DeliveryApplied(
                    at=sh(2025, 1, 24, 17), contents=["r"], criteria=CRITERIA
                )
            )
        delivered = req.apply(Delivered(at=sh(2025, 1, 24, 17)))
        with pytest.raises(InvalidTransitionError, match=r"allowed: DeliveryApplied"):
            delivered.apply(AcceptancePassed(at=sh(2025, 1, 24, 18)))


class TestInternalAcceptance:
    """Point 4: an internal acceptance (tests, document review) precedes the application."""

    def test_delivered_work_is_accepted_internally_within_a_business_day(self):
        # Delivered on Friday 01-24 at 17:00; Saturday is closed and Sunday 01-26
        # a make-up working day, so the internal acceptance is due then.
        req = in_delivery().apply(Delivered(at=sh(2025, 1, 24, 17)))
        assert req.state == "internal_acceptance"
        assert req.allowed_steps == (
            "DeliveryApplied",
            "InternalAcceptanceFailed",
            "Cancelled",
        )
        assert due(req) == (Party.TEAM, "accept_internally", sh(2025, 1, 26, 18))
        # Passing it late (on Monday) is a breach of the team's own window.
        req = req.apply(
            DeliveryApplied(
                at=sh(2025, 1, 27, 10),
                contents=["report"],
                criteria=CRITERIA,
                checked=["unit tests", "document review"],
            )
        )
        assert req.state is RequirementState.AWAITING_ACCEPTANCE
        assert [(b.kind, b.what, b.due_at) for b in req.breaches] == [
            (BreachKind.LATE, "accept_internally", sh(2025, 1, 26, 18)),
        ]

    def test_a_failed_internal_acceptance_is_rework_not_a_customer_failure(self):
        req = in_delivery().apply(Delivered(at=sh(2025, 1, 24, 10)))
        failed = InternalAcceptanceFailed(
            at=sh(2025, 1, 24, 15),
            reasons=["the guide misses the export screen"],
            failed_checks=["document review"],
        )
        req = req.apply(failed)
        assert req.state is RequirementState.IN_REWORK
        assert req.rework_count == 0
        # Rework within 2 business days: Sunday 01-26 (make-up) and Monday 01-27.
        assert due(req) == (Party.TEAM, "resubmit", sh(2025, 1, 27, 18))
        assert InternalAcceptanceFailed.from_dict(failed.to_dict()) == failed
        req = req.apply(Delivered(at=sh(2025, 1, 26, 11)))
        assert req.state == "internal_acceptance"
        with pytest.raises(InvalidArgumentError, match="reason"):
            InternalAcceptanceFailed(at=sh(2025, 1, 24, 15), reasons=[])

    def test_the_application_is_checked(self):
        at = sh(2025, 1, 24, 17)
        with pytest.raises(InvalidArgumentError, match="at least one"):
            DeliveryApplied(at=at, contents=[], criteria=["x"])
        with pytest.raises(InvalidArgumentError, match="at least one"):
            DeliveryApplied(at=at, contents=["x"], criteria=[])
        with pytest.raises(InvalidArgumentError, match="'x' twice"):
            DeliveryApplied(at=at, contents=["r"], criteria=["x", "x"])


class TestStored:
    """A CRM stores the standard process and requirements following it as JSON."""

    def test_the_process_and_a_requirement_on_it_round_trip(self):
        data = json.loads(json.dumps(STANDARD_PROCESS.to_dict()))
        assert Process.from_dict(data) == STANDARD_PROCESS
        assert Process.from_dict(data).to_mermaid() == STANDARD_PROCESS.to_mermaid()
        req = in_delivery().apply(Delivered(at=sh(2025, 1, 24, 17)))
        stored = json.loads(json.dumps(req.to_dict()))
        assert stored["state"] == "internal_acceptance"
        back = Requirement.from_dict(stored)
        assert back == req
        now = sh(2025, 2, 6, 9)
        assert back.due_duties(now) == req.due_duties(now)
        assert back.breaches == req.breaches

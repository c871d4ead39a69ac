"""The events of the requirement workflow: small frozen values, each with an ``at``.

Events say what happened and when; they carry no rules. Which event is legal in which
state, and what it does, lives only in ``_state.py``. Events validate their own payload
at construction (a delay must move the due time *after* the notice, a failed acceptance
needs reasons, ratings are 1 to 5), so an invalid event cannot exist. This module must
never read the clock: every instant is given by the caller.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any, ClassVar, Final, TypeVar, cast

import attrs
import pendulum  # noqa: TC002 -- the codec reads field annotations at run time

from servicekit import _codec
from servicekit._pickling import keeps_instants
from servicekit.acceptance._fields import (
    INSTANT,
    OPTIONAL_INSTANT,
    instant_key,
    items_of,
    optional_instant,
    reasons,
    text,
    to_instant,
    utc,
)
from servicekit.errors import (
    InvalidArgumentError,
    InvalidEventError,
    InvalidTypeError,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = [
    "RATING_DIMENSIONS",
    "AcceptanceFailed",
    "AcceptancePassed",
    "AcceptanceTimedOut",
    "Cancelled",
    "ConfirmationExpired",
    "CustomerConfirmed",
    "DelayAnnounced",
    "Delivered",
    "DeliveryApplied",
    "Event",
    "FollowUpDone",
    "InternalAcceptanceFailed",
    "ProgressReported",
    "SheetAmended",
    "SheetRejected",
    "SheetSent",
    "SolutionAdjusted",
    "SolutionAgreed",
    "SolutionDrafted",
    "SolutionPresented",
    "SolutionReviewed",
    "StepDone",
    "TaskAdded",
    "TaskAssigned",
    "TaskDone",
    "TaskProgressed",
    "Verdict",
    "event_from_dict",
    "step_name",
]

_RATING_SCALE: Final = range(1, 6)
#: The four dimensions a follow-up visit rates, 1 (worst) to 5 (best).
RATING_DIMENSIONS: Final = ("response_speed", "resolution", "attitude", "competence")
# The names a team gives its own states, duties and steps: mermaid-safe and never
# mistaken for an event class (those are CamelCase).
_STEP_NAME: Final = re.compile(r"[a-z][a-z0-9_]*\Z")
_C = TypeVar("_C", bound=type)


def _event(omit: tuple[str, ...] = (), **instants: _codec.Shape) -> Callable[[_C], _C]:
    """Register an event class with the codec, tagged by its class name.

    Every field is written, defaults too, as before the codec (issue 13), except
    the ``omit`` fields added later, left out at their default so that stored
    events keep their form.
    """

    def register(cls: _C) -> _C:
        shapes = {"at": INSTANT, **instants}
        return _codec.value(tag=cls.__name__, omit_if_default=omit, shapes=shapes)(cls)

    return register


@keeps_instants
@attrs.frozen(kw_only=True)
class _EventBase(_codec.Serialisable):
    """The field every event has (private: not an extension point).

    ``to_dict`` writes ``{"type": <class name>, "at": <ISO-8601>, ...}``.
    """

    at: pendulum.DateTime = attrs.field(converter=to_instant, eq=instant_key)


def _after_at(inst: _EventBase, what: str, value: pendulum.DateTime) -> None:
    if utc(value) <= utc(inst.at):
        msg = (
            f"{type(inst).__name__}.{what} ({value.isoformat()}) must be after the "
            f"event itself ({inst.at.isoformat()}); promise a future instant"
        )
        raise InvalidEventError(msg)


# Named converters: mypy's attrs plugin cannot see through converter factories.
def _problem(value: object) -> str:
    return text(value, "SheetSent.problem")


def _goal(value: object) -> str:
    return text(value, "SheetSent.goal")


def _provides(value: object) -> tuple[str, ...]:
    return reasons(value, "SheetSent.customer_provides", allow_none=True)


def _failure_reasons(value: object) -> tuple[str, ...]:
    return reasons(value, "AcceptanceFailed.reasons", allow_none=False)


def _failed_criteria(value: object) -> tuple[str, ...]:
    return reasons(value, "AcceptanceFailed.failed_criteria", allow_none=True)


def _delay_reason(value: object) -> str:
    return text(value, "DelayAnnounced.reason")


def _shortfalls(value: object) -> tuple[str, ...]:
    return reasons(value, "FollowUpDone.shortfalls", allow_none=True)


def _comment(value: object) -> str:
    return text(value, "FollowUpDone.comment")


def _cancel_reason(value: object) -> str:
    return text(value, "Cancelled.reason", allow_empty=False)


@_event(delivery_due=OPTIONAL_INSTANT)
@keeps_instants
@attrs.frozen(kw_only=True)
class SheetSent(_EventBase):
    """The team sent the written requirement confirmation sheet.

    Args:
        at: when it was sent (timezone-aware).
        delivery_due: the promised delivery instant, optional; must be after ``at``.
            It becomes the team's delivery deadline once the customer confirms.
        problem: the problem as agreed.
        goal: the goal as agreed.
        customer_provides: what the customer must provide (a list of items).

    Raises:
        NaiveDatetimeError: an instant has no time zone.
        InvalidEventError: ``delivery_due`` is not after ``at``.

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import SheetSent
        >>> e = SheetSent(
        ...     at=pendulum.datetime(2025, 1, 27, 17, tz="Asia/Shanghai"),
        ...     delivery_due=pendulum.datetime(2025, 2, 14, 18, tz="Asia/Shanghai"),
        ...     customer_provides=["sample invoices"],
        ... )
        >>> e.to_dict()["delivery_due"]
        '2025-02-14T18:00:00+08:00'
        >>> SheetSent.from_dict(e.to_dict()) == e
        True
    """

    delivery_due: pendulum.DateTime | None = attrs.field(
        default=None, converter=optional_instant, eq=instant_key
    )
    problem: str = attrs.field(default="", converter=_problem)
    goal: str = attrs.field(default="", converter=_goal)
    customer_provides: tuple[str, ...] = attrs.field(
        default=(),
        converter=_provides,
    )

    def __attrs_post_init__(self) -> None:
        if self.delivery_due is not None:
            _after_at(self, "delivery_due", self.delivery_due)


@_event()
@keeps_instants
@attrs.frozen(kw_only=True)
class CustomerConfirmed(_EventBase):
    """The customer confirmed the pending confirmation sheet.

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import CustomerConfirmed
        >>> CustomerConfirmed(at=pendulum.datetime(2025, 2, 5, 9, tz="Asia/Shanghai"))
        CustomerConfirmed(at=DateTime(2025, 2, 5, 9, 0, 0, tzinfo=Timezone('Asia/Shanghai')))
    """


@_event()
@keeps_instants
@attrs.frozen(kw_only=True)
class ConfirmationExpired(_EventBase):
    """The customer let the confirmation window pass: the sheet is invalid, re-discuss.

    Implied by the passage of time: ``Requirement.timeouts(now)`` returns it dated at
    the deadline, and the caller applies it.

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import ConfirmationExpired
        >>> e = ConfirmationExpired(at=pendulum.datetime(2025, 2, 5, 18, tz="UTC"))
        >>> e.to_dict()
        {'type': 'ConfirmationExpired', 'at': '2025-02-05T18:00:00+00:00'}
    """


@_event()
@keeps_instants
@attrs.frozen(kw_only=True)
class Delivered(_EventBase):
    """The team delivered the work (first delivery, or a resubmission after rework).

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import Delivered
        >>> Delivered(at=pendulum.datetime(2025, 2, 14, 12, tz="UTC")).at.hour
        12
    """


@_event()
@keeps_instants
@attrs.frozen(kw_only=True)
class AcceptancePassed(_EventBase):
    """The customer accepted the delivery.

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import AcceptancePassed
        >>> AcceptancePassed(at=pendulum.datetime(2025, 2, 17, 9, tz="UTC")).to_dict()
        {'type': 'AcceptancePassed', 'at': '2025-02-17T09:00:00+00:00'}
    """


@_event(omit=("failed_criteria",))
@keeps_instants
@attrs.frozen(kw_only=True)
class AcceptanceFailed(_EventBase):
    """The customer rejected the delivery, saying why: rework and resubmit.

    Args:
        at: when the acceptance failed.
        reasons: a non-empty list of non-blank reasons (a bare string is refused,
            since iterating it would give one reason per letter).
        failed_criteria: which acceptance criteria of the delivery application
            failed (each one of the application's ``criteria``); empty for a
            delivery made without an application.

    Raises:
        InvalidArgumentError: no reason, or a blank one.
        InvalidTypeError: ``reasons`` is a bare string or holds non-strings.

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import AcceptanceFailed
        >>> AcceptanceFailed(
        ...     at=pendulum.datetime(2025, 2, 17, 9, tz="UTC"),
        ...     reasons=["totals off by one cent"],
        ... ).reasons
        ('totals off by one cent',)
    """

    reasons: tuple[str, ...] = attrs.field(converter=_failure_reasons)
    failed_criteria: tuple[str, ...] = attrs.field(
        default=(), converter=_failed_criteria
    )


@_event()
@keeps_instants
@attrs.frozen(kw_only=True)
class AcceptanceTimedOut(_EventBase):
    """The customer let the acceptance window pass.

    What follows is the policy's choice (``on_acceptance_timeout``): ``"escalate"``
    flags the requirement and keeps waiting; ``"deem_accepted"`` treats the delivery
    as accepted. ``Requirement.timeouts(now)`` returns it dated at the deadline.

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import AcceptanceTimedOut
        >>> AcceptanceTimedOut(at=pendulum.datetime(2025, 2, 19, 18, tz="UTC")).at.day
        19
    """


@_event(new_due=INSTANT)
@keeps_instants
@attrs.frozen(kw_only=True)
class DelayAnnounced(_EventBase):
    """The team told the customer the delivery (or resubmission) will be late.

    A notice given at least ``policy.delay_notice`` before the current due time moves
    the deadline to ``new_due``; a later notice is recorded as a breach and the old
    deadline stands.

    Args:
        at: when the customer was told.
        new_due: the new promised instant; must be after ``at``.
        reason: why, optional.

    Raises:
        InvalidEventError: ``new_due`` is not after ``at``.

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import DelayAnnounced
        >>> e = DelayAnnounced(
        ...     at=pendulum.datetime(2025, 2, 10, 9, tz="Asia/Shanghai"),
        ...     new_due=pendulum.datetime(2025, 2, 21, 18, tz="Asia/Shanghai"),
        ...     reason="supplier late",
        ... )
        >>> DelayAnnounced.from_dict(e.to_dict()) == e
        True
    """

    new_due: pendulum.DateTime = attrs.field(converter=to_instant, eq=instant_key)
    reason: str = attrs.field(default="", converter=_delay_reason)

    def __attrs_post_init__(self) -> None:
        _after_at(self, "new_due", self.new_due)


def _rating(value: object) -> int | None:
    if value is None:
        return None
    # bool is an int: True must not pass for a rating of 1.
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"a rating must be an integer from 1 to 5 (or None if not given), got {value!r}"
        raise InvalidTypeError(msg)
    if value not in _RATING_SCALE:
        msg = f"a rating must be from 1 (worst) to 5 (best), got {value}"
        raise InvalidArgumentError(msg)
    return value


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        msg = f"FollowUpDone.solved must be True or False, got {value!r}"
        raise InvalidTypeError(msg)
    return value


@_event()
@keeps_instants
@attrs.frozen(kw_only=True)
class FollowUpDone(_EventBase):
    """The follow-up visit after acceptance took place; the requirement closes.

    Args:
        at: when the visit took place.
        solved: whether the customer says the problem is really solved. An unsolved
            follow-up still closes this requirement (the record keeps ``solved=False``);
            open a new requirement for the remaining problem.
        shortfalls: what fell short, in the customer's words (a list, may be empty).
        attitude: the customer's rating of the team's attitude, 1 (worst) to 5 (best),
            or None if the customer declined to rate.
        competence: the same for the team's competence.
        comment: anything else, optional.
        response_speed: the same for how fast the team responded.
        resolution: the same for how well the problem was resolved.

    Raises:
        InvalidTypeError: ``solved`` is not a bool, a rating is not an int.
        InvalidArgumentError: a rating outside 1 to 5, a blank shortfall.

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import FollowUpDone
        >>> v = FollowUpDone(
        ...     at=pendulum.datetime(2025, 2, 20, 15, tz="Asia/Shanghai"),
        ...     solved=True,
        ...     shortfalls=["first delivery was late"],
        ...     attitude=5,
        ...     competence=4,
        ... )
        >>> v.to_dict()["attitude"], v.to_dict()["shortfalls"]
        (5, ['first delivery was late'])
    """

    solved: bool = attrs.field(converter=_flag)
    shortfalls: tuple[str, ...] = attrs.field(
        default=(),
        converter=_shortfalls,
    )
    attitude: int | None = attrs.field(default=None, converter=_rating)
    competence: int | None = attrs.field(default=None, converter=_rating)
    comment: str = attrs.field(default="", converter=_comment)
    response_speed: int | None = attrs.field(default=None, converter=_rating)
    resolution: int | None = attrs.field(default=None, converter=_rating)

    @property
    def ratings(self) -> dict[str, int]:
        """The ratings given, by dimension (a declined one is left out).

        Examples:
            >>> import pendulum
            >>> from servicekit.acceptance import FollowUpDone
            >>> FollowUpDone(
            ...     at=pendulum.datetime(2025, 2, 20, 15, tz="UTC"),
            ...     solved=True,
            ...     competence=1,
            ...     resolution=4,
            ... ).ratings
            {'resolution': 4, 'competence': 1}
        """
        given = ((name, getattr(self, name)) for name in RATING_DIMENSIONS)
        return {name: rating for name, rating in given if rating is not None}


@_event()
@keeps_instants
@attrs.frozen(kw_only=True)
class Cancelled(_EventBase):
    """The requirement was withdrawn; nothing more is owed.

    Args:
        at: when it was cancelled.
        reason: why (required, non-blank).

    Raises:
        InvalidArgumentError: blank reason.

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import Cancelled
        >>> Cancelled(
        ...     at=pendulum.datetime(2025, 2, 3, tz="UTC"), reason="customer withdrew"
        ... ).reason
        'customer withdrew'
    """

    reason: str = attrs.field(converter=_cancel_reason)


def step_name(value: object, what: str) -> str:
    """Return ``value`` if it is a lower_snake_case name (a state, duty or step).

    Raises:
        InvalidTypeError: not a string.
        InvalidArgumentError: not lower_snake_case.
    """
    name = text(value, what)
    if not _STEP_NAME.match(name):
        msg = (
            f"{what} must be a lower_snake_case name such as 'solution_review' "
            f"(letters, digits, underscores, starting with a letter), got {name!r}"
        )
        raise InvalidArgumentError(msg)
    return name


def _rejection_reasons(value: object) -> tuple[str, ...]:
    return reasons(value, "SheetRejected.reasons", allow_none=False)


def _changes(value: object) -> tuple[str, ...]:
    return reasons(value, "SheetAmended.changes", allow_none=False)


@_event()
@keeps_instants
@attrs.frozen(kw_only=True)
class SheetRejected(_EventBase):
    """The customer rejected the confirmation sheet before its deadline, saying why.

    In the standard process the team then owes a revised sheet, in a window of its
    own (it need not wait for the confirmation window to lapse).

    Args:
        at: when the customer rejected it.
        reasons: a non-empty list of non-blank reasons.

    Raises:
        InvalidArgumentError: no reason, or a blank one.
        InvalidTypeError: ``reasons`` is a bare string or holds non-strings.

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import SheetRejected
        >>> SheetRejected(
        ...     at=pendulum.datetime(2025, 3, 4, 9, tz="UTC"),
        ...     reasons=["the goal is not ours"],
        ... ).reasons
        ('the goal is not ours',)
    """

    reasons: tuple[str, ...] = attrs.field(converter=_rejection_reasons)


@_event()
@keeps_instants
@attrs.frozen(kw_only=True)
class SheetAmended(_EventBase):
    """The customer asked for changes to the confirmation sheet before its deadline.

    In the standard process the team then owes a revised sheet with the changes,
    in a window of its own.

    Args:
        at: when the customer asked.
        changes: a non-empty list of the changes asked for.

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import SheetAmended
        >>> e = SheetAmended(
        ...     at=pendulum.datetime(2025, 3, 4, 9, tz="UTC"),
        ...     changes=["deliver the report as PDF"],
        ... )
        >>> SheetAmended.from_dict(e.to_dict()) == e
        True
    """

    changes: tuple[str, ...] = attrs.field(converter=_changes)


def _step(value: object) -> str:
    return step_name(value, "StepDone.step")


def _note(value: object) -> str:
    return text(value, "StepDone.note")


@_event()
@keeps_instants
@attrs.frozen(kw_only=True)
class StepDone(_EventBase):
    """A step of a team's own process happened (its transitions name it by ``step``).

    The built-in events cover the default workflow; a state a team adds to its
    [`Process`][servicekit.acceptance.Process] is entered and left by the steps its
    transitions name, e.g. ``Transition(source="solution_review",
    on="solution_approved", target="in_delivery")`` is taken by
    ``StepDone(step="solution_approved")``.

    Args:
        at: when it happened.
        step: the step's lower_snake_case name, as the process's transitions say it.
        note: anything else, optional.

    Raises:
        InvalidArgumentError: ``step`` is not a lower_snake_case name.

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import StepDone
        >>> e = StepDone(
        ...     at=pendulum.datetime(2025, 3, 4, 9, tz="UTC"), step="solution_approved"
        ... )
        >>> e.to_dict()
        {'type': 'StepDone', 'at': '2025-03-04T09:00:00+00:00', 'step': 'solution_approved', 'note': ''}
    """

    step: str = attrs.field(converter=_step)
    note: str = attrs.field(default="", converter=_note)


def _solution_steps(value: object) -> tuple[str, ...]:
    return reasons(value, "SolutionDrafted.steps", allow_none=False)


def _resources(value: object) -> tuple[str, ...]:
    return reasons(value, "SolutionDrafted.resources", allow_none=True)


def _risks(value: object) -> tuple[str, ...]:
    return reasons(value, "SolutionDrafted.risks", allow_none=True)


@_event()
@keeps_instants
@attrs.frozen(kw_only=True)
class SolutionDrafted(_EventBase):
    """The team drafted (or redrafted) the solution: its steps, resources and risks.

    Args:
        at: when the draft was done.
        steps: the solution's steps (at least one).
        resources: the people, tools or budget it needs (may be empty).
        risks: what could go wrong (may be empty).

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import SolutionDrafted
        >>> e = SolutionDrafted(
        ...     at=pendulum.datetime(2025, 3, 4, 9, tz="UTC"),
        ...     steps=["export invoices", "reconcile totals"],
        ...     risks=["the supplier's API is slow"],
        ... )
        >>> SolutionDrafted.from_dict(e.to_dict()) == e
        True
    """

    steps: tuple[str, ...] = attrs.field(converter=_solution_steps)
    resources: tuple[str, ...] = attrs.field(default=(), converter=_resources)
    risks: tuple[str, ...] = attrs.field(default=(), converter=_risks)


def _department(value: object) -> str:
    return text(value, "Verdict.department", allow_empty=False)


def _approved(value: object) -> bool:
    if not isinstance(value, bool):
        msg = f"Verdict.approved must be True or False, got {value!r}"
        raise InvalidTypeError(msg)
    return value


def _verdict_comment(value: object) -> str:
    return text(value, "Verdict.comment")


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class Verdict(_codec.Serialisable):
    """One reviewer's verdict on a solution (technical, product, legal…).

    Examples:
        >>> from servicekit.acceptance import Verdict
        >>> v = Verdict(department="legal", approved=False, comment="needs a DPA")
        >>> v.to_dict()
        {'department': 'legal', 'approved': False, 'comment': 'needs a DPA'}
    """

    department: str = attrs.field(converter=_department)
    approved: bool = attrs.field(converter=_approved)
    comment: str = attrs.field(default="", converter=_verdict_comment)


def _verdicts(value: object) -> tuple[Verdict, ...]:
    out = items_of(value, Verdict, "SolutionReviewed.verdicts")
    if not out:
        msg = "SolutionReviewed.verdicts needs at least one reviewer's verdict"
        raise InvalidArgumentError(msg)
    seen: set[str] = set()
    for verdict in out:
        if verdict.department in seen:
            msg = (
                f"SolutionReviewed.verdicts has two verdicts of {verdict.department!r}"
            )
            raise InvalidArgumentError(msg)
        seen.add(verdict.department)
    return out


@_event()
@keeps_instants
@attrs.frozen(kw_only=True)
class SolutionReviewed(_EventBase):
    """The cross-department review of the solution ended, with each reviewer's verdict.

    The solution passes the review when every verdict approves it (``approved``,
    read by the process's rows as ``event.approved``); otherwise the team redrafts.

    Args:
        at: when the review ended.
        verdicts: one [`Verdict`][] per department (at least one, no repeats).

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import SolutionReviewed, Verdict
        >>> e = SolutionReviewed(
        ...     at=pendulum.datetime(2025, 3, 5, 16, tz="UTC"),
        ...     verdicts=[
        ...         Verdict(department="technical", approved=True),
        ...         Verdict(department="legal", approved=False, comment="needs a DPA"),
        ...     ],
        ... )
        >>> e.approved, e.objections
        (False, ('legal: needs a DPA',))
    """

    FACTS: ClassVar[tuple[str, ...]] = ("approved",)

    verdicts: tuple[Verdict, ...] = attrs.field(converter=_verdicts)

    @property
    def approved(self) -> bool:
        """Whether every reviewer approved the solution."""
        return all(v.approved for v in self.verdicts)

    @property
    def objections(self) -> tuple[str, ...]:
        """Each rejecting department with its comment (``"legal: needs a DPA"``)."""
        return tuple(
            f"{v.department}: {v.comment}" if v.comment else v.department
            for v in self.verdicts
            if not v.approved
        )


@_event()
@keeps_instants
@attrs.frozen(kw_only=True)
class SolutionPresented(_EventBase):
    """The service manager presented the solution to the customer.

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import SolutionPresented
        >>> SolutionPresented(at=pendulum.datetime(2025, 3, 6, 10, tz="UTC")).at.day
        6
    """


def _adjustments(value: object) -> tuple[str, ...]:
    return reasons(value, "SolutionAdjusted.changes", allow_none=False)


@_event()
@keeps_instants
@attrs.frozen(kw_only=True)
class SolutionAdjusted(_EventBase):
    """The team adjusted the presented solution to the customer's remarks.

    The customer's window to agree starts again from the adjustment.

    Args:
        at: when the adjusted solution was sent.
        changes: what changed (at least one).

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import SolutionAdjusted
        >>> SolutionAdjusted(
        ...     at=pendulum.datetime(2025, 3, 7, 10, tz="UTC"),
        ...     changes=["weekly export"],
        ... ).changes
        ('weekly export',)
    """

    changes: tuple[str, ...] = attrs.field(converter=_adjustments)


@_event()
@keeps_instants
@attrs.frozen(kw_only=True)
class SolutionAgreed(_EventBase):
    """The customer agreed to the solution; delivery starts.

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import SolutionAgreed
        >>> SolutionAgreed(at=pendulum.datetime(2025, 3, 7, 15, tz="UTC")).to_dict()
        {'type': 'SolutionAgreed', 'at': '2025-03-07T15:00:00+00:00'}
    """


def _task_id(value: object) -> str:
    return text(value, "task", allow_empty=False)


def _owner(value: object) -> str:
    return text(value, "owner", allow_empty=False)


def _title(value: object) -> str:
    return text(value, "TaskAdded.title")


def _task_window(_inst: object, _attr: object, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, dt.timedelta):
        msg = f"TaskAdded.within must be a timedelta of business time, got {value!r}"
        raise InvalidTypeError(msg)
    if value <= dt.timedelta(0):
        msg = (
            f"TaskAdded.within must be a positive amount of business time, got {value}"
        )
        raise InvalidArgumentError(msg)


@_event(due_at=OPTIONAL_INSTANT)
@keeps_instants
@attrs.frozen(kw_only=True)
class TaskAdded(_EventBase):
    """A task of the delivery was added, with its owner and a deadline to the hour.

    Give the deadline as an instant (``due_at``) or as business time from ``at``
    (``within``, counted with the calendar's ``add``), not both.

    Args:
        at: when the task was added.
        task: the task's identifier, unique in the requirement.
        owner: who owes it (a person or a group).
        title: what it is, optional.
        due_at: its deadline, after ``at``.
        within: its deadline as business time from ``at``.

    Raises:
        InvalidArgumentError: a blank task or owner, no deadline or two.
        InvalidEventError: ``due_at`` is not after ``at``.

    Examples:
        >>> import datetime as dt
        >>> import pendulum
        >>> from servicekit.acceptance import TaskAdded
        >>> e = TaskAdded(
        ...     at=pendulum.datetime(2025, 3, 10, 9, tz="Asia/Shanghai"),
        ...     task="T1",
        ...     owner="Li Wei",
        ...     title="export the invoices",
        ...     within=dt.timedelta(hours=6),
        ... )
        >>> TaskAdded.from_dict(e.to_dict()) == e
        True
    """

    task: str = attrs.field(converter=_task_id)
    owner: str = attrs.field(converter=_owner)
    title: str = attrs.field(default="", converter=_title)
    due_at: pendulum.DateTime | None = attrs.field(
        default=None, converter=optional_instant, eq=instant_key
    )
    within: dt.timedelta | None = attrs.field(default=None, validator=_task_window)

    def __attrs_post_init__(self) -> None:
        if (self.due_at is None) == (self.within is None):
            msg = (
                "TaskAdded needs one deadline: due_at (an instant) or within "
                "(business time from at)"
            )
            raise InvalidArgumentError(msg)
        if self.due_at is not None:
            _after_at(self, "due_at", self.due_at)


@_event()
@keeps_instants
@attrs.frozen(kw_only=True)
class TaskAssigned(_EventBase):
    """A task was (re)assigned to a new owner, who now owes it.

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import TaskAssigned
        >>> TaskAssigned(
        ...     at=pendulum.datetime(2025, 3, 10, 11, tz="UTC"), task="T1", owner="Wang"
        ... ).owner
        'Wang'
    """

    task: str = attrs.field(converter=_task_id)
    owner: str = attrs.field(converter=_owner)


def _percent(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"TaskProgressed.percent must be a whole number from 0 to 100, got {value!r}"
        raise InvalidTypeError(msg)
    if not 0 <= value <= 100:
        msg = f"TaskProgressed.percent must be from 0 to 100, got {value}"
        raise InvalidArgumentError(msg)
    return value


def _progress_note(value: object) -> str:
    return text(value, "TaskProgressed.note")


@_event()
@keeps_instants
@attrs.frozen(kw_only=True)
class TaskProgressed(_EventBase):
    """The owner of a task reported its progress.

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import TaskProgressed
        >>> TaskProgressed(
        ...     at=pendulum.datetime(2025, 3, 10, 17, tz="UTC"),
        ...     task="T1",
        ...     percent=60,
        ...     note="two of three exports done",
        ... ).percent
        60
    """

    task: str = attrs.field(converter=_task_id)
    percent: int | None = attrs.field(default=None, converter=_percent)
    note: str = attrs.field(default="", converter=_progress_note)


@_event()
@keeps_instants
@attrs.frozen(kw_only=True)
class TaskDone(_EventBase):
    """A task was finished.

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import TaskDone
        >>> TaskDone(at=pendulum.datetime(2025, 3, 11, 10, tz="UTC"), task="T1").task
        'T1'
    """

    task: str = attrs.field(converter=_task_id)


def _contents(value: object) -> tuple[str, ...]:
    return reasons(value, "DeliveryApplied.contents", allow_none=False)


def _criteria(value: object) -> tuple[str, ...]:
    out = reasons(value, "DeliveryApplied.criteria", allow_none=False)
    if len(set(out)) != len(out):
        twice = next(c for c in out if out.count(c) > 1)
        msg = f"DeliveryApplied.criteria names {twice!r} twice; each criterion once"
        raise InvalidArgumentError(msg)
    return out


def _checks(value: object) -> tuple[str, ...]:
    return reasons(value, "DeliveryApplied.checked", allow_none=True)


@_event()
@keeps_instants
@attrs.frozen(kw_only=True)
class DeliveryApplied(_EventBase):
    """After its internal acceptance, the team applied for delivery: what, judged how.

    The customer's acceptance is then judged against ``criteria``: a failed
    acceptance names the criteria that failed (``AcceptanceFailed.failed_criteria``).

    Args:
        at: when the application was made.
        contents: what is delivered (at least one item).
        criteria: the acceptance criteria (at least one, each once).
        checked: the internal acceptance done first (tests run, documents
            reviewed), optional.

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import DeliveryApplied
        >>> e = DeliveryApplied(
        ...     at=pendulum.datetime(2025, 3, 14, 17, tz="Asia/Shanghai"),
        ...     contents=["reconciliation report", "export script"],
        ...     criteria=["totals match to the cent", "runs in under 5 minutes"],
        ...     checked=["unit tests", "document review"],
        ... )
        >>> DeliveryApplied.from_dict(e.to_dict()) == e
        True
    """

    contents: tuple[str, ...] = attrs.field(converter=_contents)
    criteria: tuple[str, ...] = attrs.field(converter=_criteria)
    checked: tuple[str, ...] = attrs.field(default=(), converter=_checks)


def _internal_reasons(value: object) -> tuple[str, ...]:
    return reasons(value, "InternalAcceptanceFailed.reasons", allow_none=False)


def _failed_checks(value: object) -> tuple[str, ...]:
    return reasons(value, "InternalAcceptanceFailed.failed_checks", allow_none=True)


@_event()
@keeps_instants
@attrs.frozen(kw_only=True)
class InternalAcceptanceFailed(_EventBase):
    """The team's own acceptance (tests, document review) failed: rework before applying.

    In the standard process, delivered work is first accepted internally; passing
    it is applying for delivery (``DeliveryApplied``, whose ``checked`` lists what
    was checked), failing it sends the work to rework.

    Args:
        at: when the internal acceptance failed.
        reasons: a non-empty list of non-blank reasons.
        failed_checks: which checks failed (``"unit tests"``), optional.

    Raises:
        InvalidArgumentError: no reason, or a blank one.
        InvalidTypeError: ``reasons`` is a bare string or holds non-strings.

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import InternalAcceptanceFailed
        >>> e = InternalAcceptanceFailed(
        ...     at=pendulum.datetime(2025, 3, 13, 16, tz="Asia/Shanghai"),
        ...     reasons=["the user guide misses the export screen"],
        ...     failed_checks=["document review"],
        ... )
        >>> InternalAcceptanceFailed.from_dict(e.to_dict()) == e
        True
    """

    reasons: tuple[str, ...] = attrs.field(converter=_internal_reasons)
    failed_checks: tuple[str, ...] = attrs.field(default=(), converter=_failed_checks)


def _summary(value: object) -> str:
    return text(value, "ProgressReported.summary")


@_event()
@keeps_instants
@attrs.frozen(kw_only=True)
class ProgressReported(_EventBase):
    """The team sent the customer a progress report (the weekly one, in the standard process).

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import ProgressReported
        >>> ProgressReported(
        ...     at=pendulum.datetime(2025, 3, 14, 17, tz="UTC"), summary="3 of 5 done"
        ... ).summary
        '3 of 5 done'
    """

    summary: str = attrs.field(default="", converter=_summary)


Event = (
    SheetSent
    | CustomerConfirmed
    | ConfirmationExpired
    | Delivered
    | AcceptancePassed
    | AcceptanceFailed
    | AcceptanceTimedOut
    | DelayAnnounced
    | FollowUpDone
    | Cancelled
    | StepDone
    | SheetRejected
    | SheetAmended
    | SolutionDrafted
    | SolutionReviewed
    | SolutionPresented
    | SolutionAdjusted
    | SolutionAgreed
    | TaskAdded
    | TaskAssigned
    | TaskProgressed
    | TaskDone
    | DeliveryApplied
    | ProgressReported
    | InternalAcceptanceFailed
)
"""Any workflow event (a type alias for the union of the event classes)."""

EVENT_TYPES: Final[tuple[type[Event], ...]] = (
    SheetSent,
    CustomerConfirmed,
    ConfirmationExpired,
    Delivered,
    AcceptancePassed,
    AcceptanceFailed,
    AcceptanceTimedOut,
    DelayAnnounced,
    FollowUpDone,
    Cancelled,
    StepDone,
    SheetRejected,
    SheetAmended,
    SolutionDrafted,
    SolutionReviewed,
    SolutionPresented,
    SolutionAdjusted,
    SolutionAgreed,
    TaskAdded,
    TaskAssigned,
    TaskProgressed,
    TaskDone,
    DeliveryApplied,
    ProgressReported,
    InternalAcceptanceFailed,
)
_codec.variants(Event, EVENT_TYPES)


def event_from_dict(data: Mapping[str, Any]) -> Event:
    """Rebuild any event from its ``to_dict()`` data, dispatching on ``"type"``.

    Args:
        data: a mapping with a ``"type"`` key naming the event class.

    Returns:
        The event.

    Raises:
        DeserializationError: the data is not such a mapping, ``"type"`` names no
            event class (the message lists them), or the data is invalid for that
            event; the message names the JSON path.

    Examples:
        >>> from servicekit.acceptance import event_from_dict
        >>> event_from_dict({"type": "Delivered", "at": "2025-02-14T12:00:00+08:00"})
        Delivered(at=DateTime(2025, 2, 14, 12, 0, 0, tzinfo=FixedTimezone(28800, name="+08:00")))
    """
    # A union is no class: the codec reads it as the family registered above.
    return _codec.from_data(cast("type[Event]", Event), data, what="event")

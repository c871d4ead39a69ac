"""The standard service process: the default workflow with what our users' plans add.

[`STANDARD_PROCESS`][] is data, built from ``DEFAULT_PROCESS`` with
``Process.extended`` the way a team would build its own: after confirmation the team
drafts a solution, complex ones (``attributes.complexity == "complex"``) go through a
cross-department review (a rejected review sends it back to drafting), the service
manager presents it and adjusts it until the customer agrees; delivery (and rework)
is broken into tasks with owners and deadlines to the hour, and is delivered
(``Delivered``) only once no task is open; the team then accepts it internally
within a business day (tests, document review): a failure
(``InternalAcceptanceFailed``) is rework, a pass is the delivery application
(contents, acceptance criteria) the customer judges, a failed acceptance naming
the criteria that failed; while delivering, each open task owes a progress note
every business day (its owner named) and the team a progress report every week; the customer may
reject or
amend the confirmation sheet before its deadline, which opens a window for a revised
sheet; a follow-up visit rating any dimension low (below 3 of 5, competence
included) opens a duty to answer it before the requirement closes. Every window
here is a default a team changes with ``Process.with_window``.
This module holds no rule of the fold: only rows, states and windows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from servicekit._boundary import quote
from servicekit._conditions import AnyOf, Compare, Equals
from servicekit.acceptance._events import RATING_DIMENSIONS
from servicekit.acceptance._process import DEFAULT_PROCESS, Process, State, Transition
from servicekit.acceptance._recurrence import Every, RecurringDuty
from servicekit.acceptance._state import ObligationRule
from servicekit.errors import InvalidArgumentError, InvalidTypeError

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["COMPLEX_SOLUTION", "STANDARD_PROCESS", "low_rating"]


def low_rating(
    *, below: int = 3, dimensions: Iterable[str] = RATING_DIMENSIONS
) -> AnyOf:
    """Return the condition "the follow-up rated some dimension below ``below``".

    A row's condition reads the event as ``event.<field>``; a declined rating
    (None) never counts as low.

    Args:
        below: ratings strictly below this are low (3 means 1 and 2 are).
        dimensions: the dimensions checked: all four by default (response speed,
            resolution, attitude and competence).

    Raises:
        InvalidArgumentError: ``below`` outside 2 to 5, no dimension, or an
            unknown one.
        InvalidTypeError: ``below`` is not an int, or ``dimensions`` is a bare
            string.

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import low_rating
        >>> rule = low_rating(below=3)
        >>> rule.matches({"event": {"competence": 1, "attitude": 5}})
        True
        >>> low_rating(dimensions=["attitude"]).matches({"event": {"competence": 1}})
        False
    """
    if isinstance(below, bool) or not isinstance(below, int):
        msg = f"below must be a whole rating from 2 to 5, got {quote(below)}"
        raise InvalidTypeError(msg)
    if not 2 <= below <= 5:
        msg = f"below must be from 2 to 5 so that some rating is low, got {below}"
        raise InvalidArgumentError(msg)
    if isinstance(dimensions, str):
        msg = f"dimensions must be a list of names such as ['competence'], not {dimensions!r}"
        raise InvalidTypeError(msg)
    names = tuple(dimensions)
    unknown = [d for d in names if d not in RATING_DIMENSIONS]
    if unknown or not names:
        msg = (
            f"dimensions must name some of {', '.join(RATING_DIMENSIONS)}; "
            f"got {quote(list(names))}"
        )
        raise InvalidArgumentError(msg)
    return AnyOf(
        conditions=[Compare(field=f"event.{d}", op="<", value=below) for d in names]
    )


_REVISED_SHEET: Final = State(
    name="awaiting_revised_sheet",
    owes=ObligationRule(party="team", what="send_revised_sheet", days=1),
)

_RATING_RESPONSE: Final = State(
    name="awaiting_rating_response",
    owes=ObligationRule(party="team", what="answer_low_rating", days=1),
)

#: "Complex solutions need a review": the requirement's fact that decides it.
COMPLEX_SOLUTION: Final = Equals(field="attributes.complexity", value="complex")


def _owes(party: str, what: str, days: int) -> ObligationRule:
    return ObligationRule(party=party, what=what, days=days)


_SOLUTION_STATES: Final = (
    State(name="solution_drafting", owes=_owes("team", "draft_solution", 2)),
    State(name="solution_review", owes=_owes("team", "review_solution", 2)),
    State(name="solution_presentation", owes=_owes("team", "present_solution", 1)),
    State(name="awaiting_agreement", owes=_owes("customer", "agree_solution", 2)),
)


def _rows(source: str, *pairs: tuple[str, str]) -> list[Transition]:
    rows = [Transition(source=source, on=on, target=target) for on, target in pairs]
    return [*rows, Transition(source=source, on="Cancelled", target="cancelled")]


_SOLUTION_ROWS: Final = (
    # Confirmation now leads to the solution, not straight to delivery.
    Transition(
        source="awaiting_confirmation",
        on="CustomerConfirmed",
        target="solution_drafting",
    ),
    Transition(
        source="solution_drafting",
        on="SolutionDrafted",
        target="solution_review",
        when=COMPLEX_SOLUTION,
    ),
    *_rows("solution_drafting", ("SolutionDrafted", "solution_presentation")),
    Transition(
        source="solution_review",
        on="SolutionReviewed",
        target="solution_presentation",
        when=Equals(field="event.approved", value=True),
    ),
    *_rows("solution_review", ("SolutionReviewed", "solution_drafting")),
    *_rows("solution_presentation", ("SolutionPresented", "awaiting_agreement")),
    *_rows(
        "awaiting_agreement",
        ("SolutionAdjusted", "awaiting_agreement"),
        ("SolutionAgreed", "in_delivery"),
    ),
)

_TASK_ROWS: Final = tuple(
    Transition(source=state, on=on, target=state)
    for state in ("in_delivery", "in_rework")
    for on in ("TaskAdded", "TaskAssigned", "TaskProgressed", "TaskDone")
)

#: The team's own acceptance of delivered work (tests, document review), before the
#: customer's: passing it is applying for delivery, failing it is rework.
_INTERNAL_ACCEPTANCE: Final = State(
    name="internal_acceptance",
    owes=ObligationRule(party="team", what="accept_internally", days=1),
)

_APPLICATION_ROWS: Final = (
    *(
        Transition(source=state, on="Delivered", target="internal_acceptance")
        for state in ("in_delivery", "in_rework")
    ),
    *_rows(
        "internal_acceptance",
        ("DeliveryApplied", "awaiting_acceptance"),
        ("InternalAcceptanceFailed", "in_rework"),
    ),
)

_DELIVERING: Final = ("in_delivery", "in_rework")
_REPORT_ROWS: Final = tuple(
    Transition(source=state, on="ProgressReported", target=state)
    for state in _DELIVERING
)
_RECURRING: Final = (
    # "Each task owner updates progress every day": one note per open task.
    RecurringDuty(
        name="progress_note",
        party="team",
        every=Every.BUSINESS_DAY,
        met_by="TaskProgressed",
        while_in=_DELIVERING,
        per_task=True,
    ),
    RecurringDuty(
        name="progress_report",
        party="team",
        every=Every.WEEK,
        met_by="ProgressReported",
        while_in=_DELIVERING,
    ),
)

_EXTENDED: Final = DEFAULT_PROCESS.extended(
    name="standard",
    states=[_REVISED_SHEET, _RATING_RESPONSE, *_SOLUTION_STATES, _INTERNAL_ACCEPTANCE],
    transitions=[
        *_SOLUTION_ROWS,
        # Tasks of the delivery (and of a rework), each with its owner and deadline.
        *_TASK_ROWS,
        # Delivered work is accepted internally within a business day, then
        # applied for (contents and criteria); a failed check is rework.
        *_APPLICATION_ROWS,
        # The weekly progress report to the customer.
        *_REPORT_ROWS,
        # Early rejection or amendment: the team owes a revised sheet, within one
        # business day, instead of waiting for the confirmation window to lapse.
        Transition(
            source="awaiting_confirmation",
            on="SheetRejected",
            target="awaiting_revised_sheet",
        ),
        Transition(
            source="awaiting_confirmation",
            on="SheetAmended",
            target="awaiting_revised_sheet",
        ),
        Transition(
            source="awaiting_revised_sheet",
            on="SheetSent",
            target="awaiting_confirmation",
        ),
        Transition(source="awaiting_revised_sheet", on="Cancelled", target="cancelled"),
        # A low rating on any dimension opens a duty to answer it.
        Transition(
            source="awaiting_follow_up",
            on="FollowUpDone",
            target="awaiting_rating_response",
            when=low_rating(),
        ),
        Transition(
            source="awaiting_rating_response",
            on="low_rating_answered",
            target="closed",
        ),
        Transition(
            source="awaiting_rating_response", on="Cancelled", target="cancelled"
        ),
    ],
)

STANDARD_PROCESS: Final[Process] = Process(
    name="standard",
    states=_EXTENDED.states,
    transitions=_EXTENDED.transitions,
    # While delivering: a progress note every business day, a report every week.
    recurring=_RECURRING,
)
"""The standard service process (a ``Process``): see ``docs/processes.md``."""

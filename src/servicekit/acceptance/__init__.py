"""The requirement workflow: confirmation sheet → delivery → acceptance → follow-up.

Every deadline is counted in business days (or hours) of a
``servicekit.sla.BusinessCalendar``; every transition is a row of one table (see
[`to_mermaid`][]). That table is a [`Process`][] value: [`DEFAULT_PROCESS`][] is the
workflow below, and a team extends it with states, conditional stages and windows
of its own. Requirements are
immutable values folded from their event history; nothing here reads the clock.

Examples:
    >>> import pendulum
    >>> from servicekit.acceptance import Requirement, RequirementPolicy, SheetSent
    >>> from servicekit.sla import BusinessCalendar
    >>> req = Requirement.open(
    ...     id="R1",
    ...     received_at=pendulum.datetime(2025, 3, 3, 10, tz="UTC"),
    ...     policy=RequirementPolicy(BusinessCalendar.always_open()),
    ... )
    >>> req.apply(SheetSent(at=pendulum.datetime(2025, 3, 3, 15, tz="UTC"))).state
    <RequirementState.AWAITING_CONFIRMATION: 'awaiting_confirmation'>
"""

from servicekit.acceptance._care import CARE_LETTER, FEEDBACK_REVIEW, CustomerCare
from servicekit.acceptance._events import (
    RATING_DIMENSIONS,
    AcceptanceFailed,
    AcceptancePassed,
    AcceptanceTimedOut,
    Cancelled,
    ConfirmationExpired,
    CustomerConfirmed,
    DelayAnnounced,
    Delivered,
    DeliveryApplied,
    Event,
    FollowUpDone,
    InternalAcceptanceFailed,
    ProgressReported,
    SheetAmended,
    SheetRejected,
    SheetSent,
    SolutionAdjusted,
    SolutionAgreed,
    SolutionDrafted,
    SolutionPresented,
    SolutionReviewed,
    StepDone,
    TaskAdded,
    TaskAssigned,
    TaskDone,
    TaskProgressed,
    Verdict,
    event_from_dict,
)
from servicekit.acceptance._policy import (
    AcceptanceTimeoutAction,
    BusinessDayCalendar,
    RequirementPolicy,
)
from servicekit.acceptance._process import (
    DEFAULT_PROCESS,
    Process,
    State,
    Transition,
    to_mermaid,
)
from servicekit.acceptance._recurrence import Every, RecurringDuty
from servicekit.acceptance._requirement import Requirement
from servicekit.acceptance._standard import (
    COMPLEX_SOLUTION,
    STANDARD_PROCESS,
    low_rating,
)
from servicekit.acceptance._state import (
    EVENT_TRIGGERED_TRANSITIONS,
    STATE_OBLIGATIONS,
    TIME_TRIGGERED_EVENTS,
    Breach,
    BreachKind,
    CustomName,
    Duty,
    Obligation,
    ObligationRule,
    Party,
    RequirementState,
    Task,
    allowed_events,
)
from servicekit.errors import InvalidProcessError, InvalidTransitionError

__all__ = [
    "CARE_LETTER",
    "COMPLEX_SOLUTION",
    "DEFAULT_PROCESS",
    "EVENT_TRIGGERED_TRANSITIONS",
    "FEEDBACK_REVIEW",
    "RATING_DIMENSIONS",
    "STANDARD_PROCESS",
    "STATE_OBLIGATIONS",
    "TIME_TRIGGERED_EVENTS",
    "AcceptanceFailed",
    "AcceptancePassed",
    "AcceptanceTimedOut",
    "AcceptanceTimeoutAction",
    "Breach",
    "BreachKind",
    "BusinessDayCalendar",
    "Cancelled",
    "ConfirmationExpired",
    "CustomName",
    "CustomerCare",
    "CustomerConfirmed",
    "DelayAnnounced",
    "Delivered",
    "DeliveryApplied",
    "Duty",
    "Event",
    "Every",
    "FollowUpDone",
    "InternalAcceptanceFailed",
    "InvalidProcessError",
    "InvalidTransitionError",
    "Obligation",
    "ObligationRule",
    "Party",
    "Process",
    "ProgressReported",
    "RecurringDuty",
    "Requirement",
    "RequirementPolicy",
    "RequirementState",
    "SheetAmended",
    "SheetRejected",
    "SheetSent",
    "SolutionAdjusted",
    "SolutionAgreed",
    "SolutionDrafted",
    "SolutionPresented",
    "SolutionReviewed",
    "State",
    "StepDone",
    "Task",
    "TaskAdded",
    "TaskAssigned",
    "TaskDone",
    "TaskProgressed",
    "Transition",
    "Verdict",
    "allowed_events",
    "event_from_dict",
    "low_rating",
    "to_mermaid",
]

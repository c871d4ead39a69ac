"""The requirement workflow: confirmation sheet → delivery → acceptance → follow-up.

Every deadline is counted in business days of a ``servicekit.sla.BusinessCalendar``;
every transition is a row of one table (see [`to_mermaid`][]). Requirements are
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

from servicekit.acceptance._events import (
    AcceptanceFailed,
    AcceptancePassed,
    AcceptanceTimedOut,
    Cancelled,
    ConfirmationExpired,
    CustomerConfirmed,
    DelayAnnounced,
    Delivered,
    Event,
    FollowUpDone,
    SheetSent,
    event_from_dict,
)
from servicekit.acceptance._policy import (
    AcceptanceTimeoutAction,
    BusinessDayCalendar,
    RequirementPolicy,
)
from servicekit.acceptance._requirement import Requirement
from servicekit.acceptance._state import (
    EVENT_TRIGGERED_TRANSITIONS,
    STATE_OBLIGATIONS,
    TIME_TRIGGERED_EVENTS,
    Breach,
    BreachKind,
    Duty,
    Obligation,
    ObligationRule,
    Party,
    RequirementState,
    allowed_events,
    to_mermaid,
)
from servicekit.errors import InvalidTransitionError

__all__ = [
    "EVENT_TRIGGERED_TRANSITIONS",
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
    "CustomerConfirmed",
    "DelayAnnounced",
    "Delivered",
    "Duty",
    "Event",
    "FollowUpDone",
    "InvalidTransitionError",
    "Obligation",
    "ObligationRule",
    "Party",
    "Requirement",
    "RequirementPolicy",
    "RequirementState",
    "SheetSent",
    "allowed_events",
    "event_from_dict",
    "to_mermaid",
]

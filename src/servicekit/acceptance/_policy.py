"""The deadline rules of the requirement workflow, as one frozen value.

A [`RequirementPolicy`][] holds the business calendar and the day counts of each
step; the state machine in ``_state.py`` reads them and nothing else. This module must
never compute a deadline itself: day counting belongs to the calendar.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Final, Protocol, runtime_checkable

import attrs

from servicekit import _codec
from servicekit._vocabulary import NamedEnum
from servicekit.acceptance._fields import member
from servicekit.errors import InvalidArgumentError, InvalidTypeError
from servicekit.sla import BusinessCalendar

if TYPE_CHECKING:
    import pendulum

__all__ = [
    "DAY_FIELDS",
    "AcceptanceTimeoutAction",
    "BusinessDayCalendar",
    "RequirementPolicy",
    "read_calendar",
    "write_calendar",
]


@runtime_checkable
class BusinessDayCalendar(Protocol):
    """What the workflow needs of a calendar (``servicekit.sla.BusinessCalendar`` fits).

    ``timezone`` is the IANA name in which deadlines are shown.

    Examples:
        >>> from servicekit.acceptance import BusinessDayCalendar
        >>> from servicekit.sla import BusinessCalendar
        >>> isinstance(BusinessCalendar.always_open(), BusinessDayCalendar)
        True
    """

    # Read-only, so that frozen calendars (BusinessCalendar is one) satisfy it.
    @property
    def timezone(self) -> str:
        """The IANA name of the zone in which deadlines are shown."""
        ...

    def add_business_days(self, start: dt.datetime, n: int) -> pendulum.DateTime:
        """Return close of business on the ``n``-th business day after ``start``'s date.

        It must return an aware datetime not before ``start`` (for ``n == 0`` the
        workflow asks again with ``n = 1`` first); any other answer raises
        ``InvalidTypeError`` or ``InvalidArgumentError`` naming the calendar.
        """
        ...

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-native data describing the calendar."""
        ...


class AcceptanceTimeoutAction(NamedEnum):
    """What happens when the customer lets the acceptance window pass.

    ``ESCALATE`` (the default) flags the requirement and keeps waiting for the
    customer; ``DEEM_ACCEPTED`` treats the delivery as accepted and moves on to the
    follow-up visit.

    Examples:
        >>> from servicekit.acceptance import AcceptanceTimeoutAction
        >>> AcceptanceTimeoutAction("deem_accepted")
        <AcceptanceTimeoutAction.DEEM_ACCEPTED: 'deem_accepted'>
        >>> AcceptanceTimeoutAction.parse("Deem_Accepted")
        <AcceptanceTimeoutAction.DEEM_ACCEPTED: 'deem_accepted'>
    """

    ESCALATE = "escalate"
    DEEM_ACCEPTED = "deem_accepted"


def _action(value: object) -> AcceptanceTimeoutAction:
    return member(AcceptanceTimeoutAction, value, "on_acceptance_timeout")


def _business_days(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    # bool is an int: True must not pass for one business day.
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"{attr.name} is a whole number of business days, got {value!r}"
        raise InvalidTypeError(msg)
    if value < 0:
        msg = f"{attr.name} must be 0 (same day) or more business days, got {value}"
        raise InvalidArgumentError(msg)


def _notice(_inst: object, _attr: object, value: object) -> None:
    if not isinstance(value, dt.timedelta):
        msg = f"delay_notice must be a timedelta such as timedelta(hours=24), got {value!r}"
        raise InvalidTypeError(msg)
    if value < dt.timedelta(0):
        msg = f"delay_notice must not be negative, got {value}"
        raise InvalidArgumentError(msg)


def _calendar(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, BusinessDayCalendar):
        msg = (
            "calendar must be a servicekit.sla.BusinessCalendar (or any object with "
            f"timezone, add_business_days and to_dict), got {type(value).__name__}"
        )
        raise InvalidTypeError(msg)


# The policy's business-day counts, which the obligation table refers to by name.
DAY_FIELDS: Final = (
    "confirm_within",
    "customer_confirm_within",
    "accept_within",
    "rework_within",
    "follow_up_within",
)


def read_calendar(data: object, _type: object) -> BusinessDayCalendar:
    """Read a stored calendar (the codec's hook for a ``calendar`` field)."""
    # A stored calendar is read back as servicekit's own (a CRM's own calendar
    # object has no from_dict of ours to call).
    return BusinessCalendar.from_dict(data)  # type: ignore[arg-type]


def write_calendar(calendar: BusinessDayCalendar) -> dict[str, Any]:
    """Write a calendar as its own ``to_dict`` (the codec's hook)."""
    return calendar.to_dict()


@_codec.value(omit_if_default=(), hooks={"calendar": (read_calendar, write_calendar)})
@attrs.frozen(kw_only=True)
class RequirementPolicy(_codec.Serialisable):
    """The deadlines of the requirement workflow, in business days of ``calendar``.

    Every ``*_within`` count N means "by close of business on business day T+N",
    where T is the date of the event that started the clock
    (``BusinessCalendar.add_business_days``). A count of 0 means by close of business
    on T itself, or, for a clock started after that close, on the next business day.

    Args:
        calendar: the team's business calendar (may be given positionally).
        confirm_within: days for the team to send the confirmation sheet, counted
            from receipt (or from an expired confirmation, for a re-discussion).
        customer_confirm_within: days for the customer to confirm a sent sheet.
        accept_within: days for the customer to do acceptance after a delivery.
        rework_within: days for the team to resubmit after a failed acceptance.
        follow_up_within: days for the team's follow-up visit after acceptance.
        delay_notice: how long before the current due time a delay notice must be
            given to move it (exactly this much is in time).
        on_acceptance_timeout: ``"escalate"`` (flag it, keep waiting) or
            ``"deem_accepted"``.

    Raises:
        InvalidTypeError: a count is not an int, ``delay_notice`` not a timedelta, or
            ``calendar`` lacks ``timezone``, ``add_business_days`` or ``to_dict``.
        InvalidArgumentError: a negative count or notice.
        UnknownNameError: an unknown ``on_acceptance_timeout``.

    Examples:
        >>> from datetime import timedelta
        >>> from servicekit.acceptance import RequirementPolicy
        >>> from servicekit.sla import BusinessCalendar
        >>> policy = RequirementPolicy(BusinessCalendar.always_open(), accept_within=5)
        >>> policy.accept_within, policy.delay_notice == timedelta(hours=24)
        (5, True)
        >>> policy.to_dict()["delay_notice"], policy.to_dict()["on_acceptance_timeout"]
        ('PT24H', 'escalate')
        >>> RequirementPolicy.from_dict(policy.to_dict()) == policy
        True
    """

    calendar: BusinessDayCalendar = attrs.field(kw_only=False, validator=_calendar)
    confirm_within: int = attrs.field(default=2, validator=_business_days)
    customer_confirm_within: int = attrs.field(default=1, validator=_business_days)
    accept_within: int = attrs.field(default=3, validator=_business_days)
    rework_within: int = attrs.field(default=2, validator=_business_days)
    follow_up_within: int = attrs.field(default=3, validator=_business_days)
    delay_notice: dt.timedelta = attrs.field(
        default=dt.timedelta(hours=24), validator=_notice
    )
    on_acceptance_timeout: AcceptanceTimeoutAction = attrs.field(
        default=AcceptanceTimeoutAction.ESCALATE, converter=_action
    )

"""Customer care: recurring duties owed to a customer, not to one requirement.

A [`CustomerCare`][] value is one customer's care file: the recurring duties the team
owes that customer (a monthly care letter to a VIP, a quarterly review of the
customer's feedback) and the history of the events that met them. Like a
requirement it is folded from its history, so it is a plain value a CRM stores;
[`CustomerCare.due_duties`][] reports each duty's open instance as an obligation.
This module must never read the clock: "now" is always given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, Self

import attrs
import pendulum  # noqa: TC002 -- the codec reads field annotations at run time

from servicekit import _codec
from servicekit._pickling import keeps_instants
from servicekit.acceptance._events import EVENT_TYPES, Event
from servicekit.acceptance._fields import (
    INSTANT,
    instant_key,
    items_of,
    text,
    to_instant,
    utc,
)
from servicekit.acceptance._policy import (
    BusinessDayCalendar,
    read_calendar,
    write_calendar,
)
from servicekit.acceptance._recurrence import (
    Every,
    RecurringDuty,
    RecurringTrack,
    check_calendar_days,
    missed_at,
    owed_at,
)
from servicekit.acceptance._state import Breach, Obligation, event_name
from servicekit.errors import (
    InvalidArgumentError,
    InvalidEventError,
    InvalidTransitionError,
    InvalidTypeError,
)

if TYPE_CHECKING:
    import datetime as dt

__all__ = ["CARE_LETTER", "FEEDBACK_REVIEW", "CustomerCare"]

CARE_LETTER: Final = RecurringDuty(
    name="care_letter",
    party="team",
    every=Every.MONTH,
    met_by="care_letter_sent",
)
"""A service-care letter every month (to a VIP), met by ``StepDone(step="care_letter_sent")``."""

FEEDBACK_REVIEW: Final = RecurringDuty(
    name="feedback_review",
    party="team",
    every=Every.QUARTER,
    met_by="feedback_reviewed",
)
"""A review of the customer's feedback every quarter, met by ``StepDone(step="feedback_reviewed")``."""


def _customer(value: object) -> str:
    return text(value, "CustomerCare.customer", allow_empty=False)


def _duties(value: object) -> tuple[RecurringDuty, ...]:
    out = items_of(value, RecurringDuty, "CustomerCare.duties")
    if not out:
        msg = "CustomerCare.duties needs at least one recurring duty (e.g. CARE_LETTER)"
        raise InvalidArgumentError(msg)
    names: set[str] = set()
    for duty in out:
        if duty.while_in or duty.per_task:
            msg = (
                f"recurring duty '{duty.name!s}' never fires on a customer: it recurs "
                "only while a requirement is in some state; put it on the Process"
            )
            raise InvalidArgumentError(msg)
        if str(duty.name) in names:
            msg = f"two duties of CustomerCare are named '{duty.name!s}'"
            raise InvalidArgumentError(msg)
        names.add(str(duty.name))
    return out


def _calendar(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, BusinessDayCalendar):
        msg = (
            "calendar must be a servicekit.sla.BusinessCalendar (or any object with "
            f"timezone, add_business_days, is_business_day and to_dict), got "
            f"{type(value).__name__}"
        )
        raise InvalidTypeError(msg)
    check_calendar_days(value)


def _events(value: object) -> tuple[Event, ...]:
    return items_of(value, EVENT_TYPES, "history", name="workflow event")


@_codec.value(
    omit_if_default=(),
    shapes={"since": INSTANT},
    hooks={"calendar": (read_calendar, write_calendar)},
)
@keeps_instants
@attrs.frozen(kw_only=True)
class CustomerCare(_codec.Serialisable):
    """One customer's care file: recurring duties owed to the customer, and their history.

    Each duty's first instance is the one due after ``since``; an event named by a
    duty's ``met_by`` meets the instance of its period, and every instance missed
    before it is kept as a ``LAPSED`` breach (a late one as ``LATE``).

    Args:
        customer: who the file is for.
        since: when the care started (e.g. when the customer became a VIP).
        calendar: the team's business calendar (due times are close of business).
        duties: the recurring duties, customer-level (no ``while_in``).
        history: the events so far, oldest first.

    Raises:
        InvalidArgumentError: no duty, two of one name, or a requirement's duty.
        InvalidTypeError: an invalid field, or a calendar without
            ``is_business_day``.
        InvalidTransitionError, InvalidEventError: the history is not a legal
            sequence.

    Examples:
        >>> import holidays, pendulum
        >>> from servicekit.acceptance import (
        ...     CARE_LETTER,
        ...     FEEDBACK_REVIEW,
        ...     CustomerCare,
        ...     StepDone,
        ... )
        >>> from servicekit.sla import BusinessCalendar, parse_hours
        >>> china = BusinessCalendar(
        ...     timezone="Asia/Shanghai",
        ...     weekly_hours=parse_hours("Mon-Fri 09:00-12:00, 13:30-18:00"),
        ...     holidays=holidays.China(years=range(2025, 2027)),
        ... )
        >>> vip = CustomerCare(
        ...     customer="Hohhot Dairy",
        ...     since=pendulum.datetime(2025, 12, 15, 10, tz="Asia/Shanghai"),
        ...     calendar=china,
        ...     duties=[CARE_LETTER, FEEDBACK_REVIEW],
        ... )
        >>> now = pendulum.datetime(2025, 12, 20, tz="Asia/Shanghai")
        >>> [(o.what.value, str(o.due_at)) for o in vip.due_duties(now)]
        [('care_letter', '2025-12-31 18:00:00+08:00'), ('feedback_review', '2025-12-31 18:00:00+08:00')]
    """

    customer: str = attrs.field(converter=_customer)
    since: pendulum.DateTime = attrs.field(converter=to_instant, eq=instant_key)
    calendar: BusinessDayCalendar = attrs.field(validator=_calendar)
    duties: tuple[RecurringDuty, ...] = attrs.field(converter=_duties)
    history: tuple[Event, ...] = attrs.field(default=(), converter=_events)
    _tracks: tuple[RecurringTrack, ...] = attrs.field(init=False, repr=False)
    _breaches: tuple[Breach, ...] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        local = to_instant(self.since.in_timezone(self.calendar.timezone))
        tracks = tuple(duty.start(local) for duty in self.duties)
        breaches: tuple[Breach, ...] = ()
        last = local
        for event in self.history:
            tracks, breaches, last = self._fold(tracks, breaches, last, event)
        object.__setattr__(self, "_tracks", tracks)
        object.__setattr__(self, "_breaches", breaches)

    def _fold(
        self,
        tracks: tuple[RecurringTrack, ...],
        breaches: tuple[Breach, ...],
        last: pendulum.DateTime,
        event: Event,
    ) -> tuple[tuple[RecurringTrack, ...], tuple[Breach, ...], pendulum.DateTime]:
        name = event_name(event)
        if not any(t.duty.met_by == name for t in tracks):
            meets = ", ".join(t.duty.met_by for t in tracks)
            msg = (
                f"{name} meets no duty of {self.customer!r}'s care; the duties are "
                f"met by: {meets}"
            )
            raise InvalidTransitionError(msg)
        if utc(event.at) < utc(last):
            msg = (
                f"{name} at {event.at.isoformat()} is dated before the previous event "
                f"or the start of care ({last.isoformat()}); apply events in time order"
            )
            raise InvalidEventError(msg)
        local = to_instant(event.at.in_timezone(self.calendar.timezone))
        out: list[RecurringTrack] = []
        for track in tracks:
            if track.duty.met_by == name:
                met, missed = track.meet(self.calendar, local)
                breaches += missed
                out.append(met)
            else:
                out.append(track)
        return tuple(out), breaches, local

    def apply(self, event: Event) -> Self:
        """Return the care file after ``event``; ``self`` is never changed.

        Raises:
            InvalidTransitionError: the event meets none of the duties.
            InvalidEventError: it is dated before the previous event.
            InvalidTypeError: it is not an event.
        """
        _events((event,))
        last = self.history[-1].at if self.history else self.since
        tracks, breaches, _ = self._fold(
            self._tracks, self._breaches, to_instant(last), event
        )
        new = object.__new__(type(self))
        for field in attrs.fields(type(self)):
            object.__setattr__(new, field.name, getattr(self, field.name))
        object.__setattr__(new, "history", (*self.history, event))
        object.__setattr__(new, "_tracks", tracks)
        object.__setattr__(new, "_breaches", breaches)
        return new

    @property
    def breaches(self) -> tuple[Breach, ...]:
        """Every instance missed (``LAPSED``) or met late (``LATE``), oldest first."""
        return self._breaches

    def due_duties(self, now: dt.datetime) -> tuple[Obligation, ...]:
        """Each duty's instance owed at ``now``: due at close of business, overdue after.

        The instance of ``now``'s period (or the next with a business day) unless
        met; one whose period ended unmet is in [`missed`][] instead.

        Raises:
            NaiveDatetimeError: ``now`` has no time zone.
        """
        return owed_at(self._tracks, self.calendar, now)

    def missed(self, now: dt.datetime) -> tuple[Breach, ...]:
        """The instances lapsed by ``now`` and not yet in [`breaches`][], oldest first.

        An instance lapses when its period ends unmet (December's letter, once
        December is over); the history records it when the next event meeting
        the duty arrives. ``care.breaches + care.missed(now)`` is the record as of
        ``now``. Nothing changes.

        Raises:
            NaiveDatetimeError: ``now`` has no time zone.
        """
        return missed_at(self._tracks, self.calendar, now)

    def overdue(self, now: dt.datetime) -> tuple[Obligation, ...]:
        """The duties of [`due_duties`][] whose due time is strictly before ``now``."""
        return tuple(o for o in self.due_duties(now) if o.is_overdue(now))

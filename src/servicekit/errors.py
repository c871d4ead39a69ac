"""The one exception hierarchy of servicekit.

Every error servicekit raises derives from [`ServiceKitError`][] *and* from the
matching built-in (``ValueError``, ``TypeError`` or ``LookupError``), so callers can
catch either. Messages say what was wrong and how to fix it. A failed operation never
leaves an object half-updated: errors are raised at the boundary, before any state is
built.

Examples:
    >>> from servicekit.errors import NaiveDatetimeError, ServiceKitError
    >>> (
    ...     issubclass(NaiveDatetimeError, ServiceKitError),
    ...     issubclass(NaiveDatetimeError, ValueError),
    ... )
    (True, True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

    from servicekit.messages import Message

__all__ = [
    "CalendarNeverOpensError",
    "CalendarRangeError",
    "DeserializationError",
    "DuplicateIdError",
    "HolidayDataMissingError",
    "HolidayDataWarning",
    "IncompatibleSummariesError",
    "InfeasiblePlanError",
    "InsufficientDataError",
    "InvalidArgumentError",
    "InvalidConditionError",
    "InvalidEventError",
    "InvalidHolidayError",
    "InvalidHoursError",
    "InvalidProcessError",
    "InvalidTransitionError",
    "InvalidTypeError",
    "MissingExtraError",
    "NaiveDatetimeError",
    "NoMatchingPolicyError",
    "ServiceKitError",
    "TicketOrderError",
    "UnknownLocaleWarning",
    "UnknownNameError",
    "UnknownTimezoneError",
    "UnsupportedPatternError",
]


class ServiceKitError(Exception):
    """Root of every exception servicekit raises.

    Catch it to handle any servicekit failure; each subclass also derives from the
    matching built-in, so ``except ValueError`` works too.

    Examples:
        >>> from servicekit.errors import ServiceKitError
        >>> from servicekit.scoring import nps
        >>> try:
        ...     nps([])
        ... except ServiceKitError as e:
        ...     print(type(e).__name__)
        InsufficientDataError

    An error a person may read (a file's bad value, an unknown time zone, a
    calendar that never opens) also carries its sentence as a structured
    [`Message`][servicekit.messages.Message] in ``message``: the same English as
    ``str(error)``, which never changes, and a text in another locale on request.
    An error without one (``message`` is None) is shown in English everywhere.

        >>> from servicekit.sla import BusinessCalendar
        >>> try:
        ...     BusinessCalendar.always_open(timezone="Mars/Olympus")
        ... except ServiceKitError as e:
        ...     print(e)
        ...     print(e.message.render("zh-CN"))
        unknown time zone 'Mars/Olympus'; use an IANA name such as 'Asia/Shanghai' or 'America/New_York'
        未知时区'Mars/Olympus'；请使用 IANA 名称，例如'Asia/Shanghai'或'America/New_York'
    """

    #: The error's sentence as a structured message (code and parameters), or None
    #: for an error that has none: then only its English ``str()`` says it.
    message: Message | None

    def __init__(self, *args: object, message: Message | None = None) -> None:
        super().__init__(*args)
        # Kept in the instance's __dict__, so a pickled error keeps its message.
        self.message = message


class InvalidArgumentError(ServiceKitError, ValueError):
    """A value passed to servicekit is out of its domain.

    Examples:
        >>> from servicekit.sla import PolicySet
        >>> PolicySet(policies=())
        Traceback (most recent call last):
        ...
        servicekit.errors.InvalidArgumentError: a PolicySet needs at least one policy...
    """


class InvalidTypeError(ServiceKitError, TypeError):
    """A value passed to servicekit has the wrong type.

    Examples:
        >>> from servicekit.scoring import proportion
        >>> proportion("3", 10)
        Traceback (most recent call last):
        ...
        servicekit.errors.InvalidTypeError: successes must be a whole number; got str '3'
    """


class NaiveDatetimeError(InvalidArgumentError):
    """A datetime without a time zone was given where an instant is required.

    Examples:
        >>> import datetime as dt
        >>> from servicekit.sla import BusinessCalendar
        >>> BusinessCalendar.always_open().add(
        ...     dt.datetime(2025, 1, 1), dt.timedelta(hours=1)
        ... )
        Traceback (most recent call last):
        ...
        servicekit.errors.NaiveDatetimeError: start 2025-01-01T00:00:00 is naive; give an aware datetime...
    """


class UnknownTimezoneError(InvalidArgumentError):
    """A time-zone name is not in the IANA database.

    Examples:
        >>> from servicekit.sla import BusinessCalendar, parse_hours
        >>> BusinessCalendar(
        ...     weekly_hours=parse_hours("Mon-Fri 09:00-18:00"), timezone="Mars/Olympus"
        ... )
        Traceback (most recent call last):
        ...
        servicekit.errors.UnknownTimezoneError: unknown time zone 'Mars/Olympus'...
    """


class InvalidHoursError(InvalidArgumentError):
    """Working hours are malformed, empty or overlapping.

    Examples:
        >>> from servicekit.sla import parse_hours
        >>> parse_hours("Mon 25:00-26:00")
        Traceback (most recent call last):
        ...
        servicekit.errors.InvalidHoursError: time '25:00' is out of range...
    """


class InvalidHolidayError(InvalidArgumentError):
    """A holiday or make-up working day entry is not a date.

    Examples:
        >>> from servicekit.sla import HolidaySet
        >>> HolidaySet(dates={"2025-13-01": "New Year"})
        Traceback (most recent call last):
        ...
        servicekit.errors.InvalidHolidayError: holidays entry '2025-13-01' is not a datetime.date...
    """


class CalendarNeverOpensError(ServiceKitError, ValueError):
    """A business calendar has no working time within the search horizon (50 years).

    Examples:
        >>> from servicekit.sla import BusinessCalendar, parse_hours
        >>> BusinessCalendar(weekly_hours=parse_hours("Mon-Sun closed"), timezone="UTC")
        Traceback (most recent call last):
        ...
        servicekit.errors.CalendarNeverOpensError: this calendar has no working hours on any day...
    """


class CalendarRangeError(InvalidArgumentError):
    """A computation would leave the years a calendar can represent (1 … 9999).

    Examples:
        >>> import datetime as dt
        >>> from servicekit.sla import BusinessCalendar
        >>> end_of_time = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)
        >>> BusinessCalendar.always_open().add(end_of_time, dt.timedelta(days=2))
        Traceback (most recent call last):
        ...
        servicekit.errors.CalendarRangeError: 2 days of working time from 9999 lies beyond...
    """


class InvalidConditionError(InvalidArgumentError):
    """A rule condition is malformed, or cannot be evaluated on the given facts.

    Examples:
        >>> from servicekit.conditions import Compare
        >>> Compare(field="priority", op="<", value=3).matches({"priority": "high"})
        Traceback (most recent call last):
        ...
        servicekit.errors.InvalidConditionError: 3 is not a Priority...
    """


class UnsupportedPatternError(InvalidConditionError):
    """A text pattern uses what no linear-time matcher can follow, or is too large.

    Backreferences, lookarounds, atomic groups, possessive quantifiers, conditional
    groups and inline flags are refused, as is a pattern longer than 500 characters
    or one whose automaton needs more than 1,000 states, so no rule can hang.

    Examples:
        >>> from servicekit.conditions import TextMatches
        >>> TextMatches(field="attributes.subject", pattern=r"(?=refund)")
        Traceback (most recent call last):
        ...
        servicekit.errors.UnsupportedPatternError: the pattern '(?=refund)' uses a lookahead...
    """


class NoMatchingPolicyError(ServiceKitError, LookupError):
    """No policy or rule in an ordered set matches the given facts.

    Raised by ``PolicySet.select`` when a set has no catch-all policy (``when=None``)
    and none of its conditions matches the ticket; end every set with a catch-all.

    Examples:
        >>> import datetime as dt
        >>> from servicekit.sla import (
        ...     BusinessCalendar,
        ...     Equals,
        ...     PolicySet,
        ...     SlaPolicy,
        ...     SlaTarget,
        ... )
        >>> vip = SlaPolicy(
        ...     name="vip",
        ...     when=Equals(field="tier", value="high_value"),
        ...     targets=[
        ...         SlaTarget(metric="first_response", within=dt.timedelta(hours=2))
        ...     ],
        ...     calendar=BusinessCalendar.always_open(timezone="UTC"),
        ... )
        >>> PolicySet(policies=[vip]).select({"tier": "ordinary"})
        Traceback (most recent call last):
        ...
        servicekit.errors.NoMatchingPolicyError: no SLA policy matches a ticket with facts {'tier': 'ordinary'} (tried: vip)...
    """


class UnknownNameError(ServiceKitError, LookupError):
    """A name (dimension, metric, field, country…) is not one servicekit knows.

    Examples:
        >>> from servicekit.scoring import needs_follow_up
        >>> needs_follow_up({"speed": 1})
        Traceback (most recent call last):
        ...
        servicekit.errors.UnknownNameError: unknown dimension 'speed'...
    """


class InvalidEventError(InvalidArgumentError):
    """An event log is inconsistent: missing creation, out-of-range instants, bad kinds.

    Examples:
        >>> import pendulum
        >>> from servicekit.sla import EventKind, TicketEvent, evaluate
        >>> from servicekit.sla.presets import SERVICE_STANDARD
        >>> reply = TicketEvent(
        ...     kind=EventKind.AGENT_REPLY, at=pendulum.datetime(2025, 1, 2, tz="UTC")
        ... )
        >>> evaluate(
        ...     SERVICE_STANDARD, [reply], now=pendulum.datetime(2025, 1, 3, tz="UTC")
        ... )
        Traceback (most recent call last):
        ...
        servicekit.errors.InvalidEventError: a ticket's first event must be CREATED...
    """


class InvalidTransitionError(ServiceKitError, ValueError):
    """An event is not allowed in a workflow's current state; nothing was changed.

    Raised by ``Requirement.apply``; ``allowed_events`` says what each state accepts.

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import (
        ...     CustomerConfirmed,
        ...     Requirement,
        ...     RequirementPolicy,
        ... )
        >>> from servicekit.sla import BusinessCalendar
        >>> req = Requirement.open(
        ...     id="REQ-1",
        ...     received_at=pendulum.datetime(2025, 3, 3, 10, tz="UTC"),
        ...     policy=RequirementPolicy(BusinessCalendar.always_open(timezone="UTC")),
        ... )
        >>> req.apply(CustomerConfirmed(at=pendulum.datetime(2025, 3, 3, 11, tz="UTC")))
        Traceback (most recent call last):
        ...
        servicekit.errors.InvalidTransitionError: CustomerConfirmed is not allowed in state AWAITING_SHEET...
    """


class InvalidProcessError(InvalidArgumentError):
    """A requirement process's table cannot work; refused when the process is built.

    The message names the state, transition or duty at fault and how to fix it.

    Examples:
        >>> from servicekit.acceptance import Process, State, Transition
        >>> Process(
        ...     name="broken",
        ...     states=[State(name="open"), State(name="done", terminal=True)],
        ...     transitions=[],
        ... )
        Traceback (most recent call last):
        ...
        servicekit.errors.InvalidProcessError: process 'broken': state 'open' has no way out...
    """


class DuplicateIdError(InvalidArgumentError):
    """Two items that must have distinct identifiers share one.

    Examples:
        >>> import pendulum
        >>> from servicekit.routing import Agent, Router
        >>> Router.default().dispatch(
        ...     [], [Agent(id="a"), Agent(id="a")], now=pendulum.datetime(2025, 1, 1)
        ... )
        Traceback (most recent call last):
        ...
        servicekit.errors.DuplicateIdError: two agents share the id 'a'...
    """


class InsufficientDataError(InvalidArgumentError):
    """A statistic was asked of too little data (for example, an empty sample).

    Examples:
        >>> from servicekit.scoring import nps
        >>> nps([])
        Traceback (most recent call last):
        ...
        servicekit.errors.InsufficientDataError: cannot compute an NPS of no responses...
    """


class DeserializationError(InvalidArgumentError):
    """Plain data given to a ``from_dict`` does not describe a valid value.

    Its message names the JSON path of the problem and what was expected there (see
    the serialisation page of the documentation).

    Examples:
        >>> from servicekit.scoring import Estimate
        >>> Estimate.from_dict({"value": "high"})
        Traceback (most recent call last):
        ...
        servicekit.errors.DeserializationError: ...
    """


class MissingExtraError(ServiceKitError, ImportError):
    """An optional part of servicekit needs a package that its extra installs.

    The message names the extra that installs it: the workforce solvers (shift plans
    and rosters) need SciPy, ``pip install 'servicekit[planning]'``; the vectorised
    calendar arithmetic needs NumPy, ``pip install 'servicekit[columnar]'``.
    Everything else imports without them.

    Examples:
        >>> from servicekit.errors import MissingExtraError
        >>> issubclass(MissingExtraError, ImportError)
        True
    """


class InfeasiblePlanError(InvalidArgumentError):
    """No shift plan or roster satisfies every rule; the message names the conflict.

    ``conflicts`` holds one line per rule (or interval) in conflict, the same lines
    the message lists, so a program can show them without parsing the message.

    Examples:
        >>> import datetime as dt, pendulum
        >>> from servicekit.workforce import ShiftTemplate, plan_shifts
        >>> day = ShiftTemplate(name="day", start="09:00", length=dt.timedelta(hours=8))
        >>> plan_shifts(
        ...     [day],
        ...     [1, 1, 1],
        ...     start=pendulum.datetime(2025, 1, 6, 7, tz="Asia/Shanghai"),
        ...     interval=dt.timedelta(hours=1),
        ... )
        Traceback (most recent call last):
        ...
        servicekit.errors.InfeasiblePlanError: no shift covers 2 intervals that need agents: 2025-01-06 07:00 (1 needed), 2025-01-06 08:00 (1 needed); add a template that runs then, or check the requirements
    """

    def __init__(self, message: str, conflicts: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.conflicts = conflicts


class TicketOrderError(InvalidArgumentError):
    """A streamed event export does not hold each ticket's events together.

    A stream is read one ticket at a time, so a ticket whose events reappear after
    another ticket's would be split into two wrong reports; it is refused instead.
    ``ticket`` is the ticket's id and ``line`` the line (counted from 1 in the stream
    or partition) where it reappeared.

    Examples:
        >>> from servicekit.sla import group_events
        >>> lines = [
        ...     '{"ticket_id": "a", "at": "2025-03-03T10:00:00+08:00", "kind": "created"}',
        ...     '{"ticket_id": "b", "at": "2025-03-03T10:00:00+08:00", "kind": "created"}',
        ...     '{"ticket_id": "a", "at": "2025-03-03T10:05:00+08:00", "kind": "agent_reply"}',
        ... ]
        >>> list(group_events(lines))
        Traceback (most recent call last):
        ...
        servicekit.errors.TicketOrderError: ticket 'a' appeared on earlier lines and reappears at line 3...
    """

    def __init__(
        self, message: str, *, ticket: str | None = None, line: int | None = None
    ) -> None:
        self.ticket = ticket
        self.line = line
        super().__init__(message)


class IncompatibleSummariesError(InvalidArgumentError):
    """Two summaries that cannot be merged: different measures or confidence levels.

    Adding a CSAT summary to an NPS summary (or a 1–5 scale to a 1–10 one, or 95 %
    to 90 %) would give a number that means nothing, so it raises and names both.

    Examples:
        >>> from servicekit.scoring import CsatMeasure, NpsMeasure, summarise
        >>> a = summarise([{"score": 9}], measure=NpsMeasure(field="score"))
        >>> b = summarise([{"score": 4}], measure=CsatMeasure(field="score"))
        >>> a + b
        Traceback (most recent call last):
        ...
        servicekit.errors.IncompatibleSummariesError: cannot merge a summary of NpsMeasure(field='score') at 95 % with one of CsatMeasure(...
    """


class UnknownLocaleWarning(UserWarning):
    """Text was asked for in a locale servicekit has no messages in; English is shown.

    The warning names the locales there are (``servicekit.messages.LOCALES``).

    Examples:
        >>> import warnings
        >>> from servicekit.errors import UnknownLocaleWarning
        >>> from servicekit.messages import Message
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     text = Message.of("routing.nobody_qualifies").render("fr-FR")
        >>> text, caught[0].category is UnknownLocaleWarning
        ('no agent qualifies; it stays in the queue', True)
    """


class HolidayDataMissingError(ServiceKitError, LookupError):
    """A strict calendar was asked to compute past the end of its holiday data.

    Raised instead of [`HolidayDataWarning`][] by a calendar whose holiday set is
    ``strict``: the computation would rely on make-up days and holidays the
    ``holidays`` package does not have (China's are announced a year at a time). Add
    the year's announcement with ``with_announcement`` to go on.

    Examples:
        >>> import datetime as dt, pendulum
        >>> from servicekit.sla import BusinessCalendar, parse_hours
        >>> cal = BusinessCalendar.for_country(
        ...     "CN",
        ...     timezone="Asia/Shanghai",
        ...     weekly_hours=parse_hours("Mon-Fri 09:00-18:00"),
        ...     strict=True,
        ... )
        >>> cal.add(
        ...     pendulum.datetime(2026, 12, 31, 17, tz="Asia/Shanghai"),
        ...     dt.timedelta(hours=2),
        ... )
        Traceback (most recent call last):
        ...
        servicekit.errors.HolidayDataMissingError: ...holiday data for CN ends on 2026-12-31...
    """


class HolidayDataWarning(UserWarning):
    """A calendar computation ran past the last date its holiday data covers.

    China's holidays and make-up working days (调休) are announced by the State
    Council one year at a time; past the last announced year the ``holidays`` package
    only estimates the fixed holidays and knows no make-up days, so a deadline there
    may be wrong. Each calendar warns once (the first computation that crosses its
    ``known_until``); ``strict=True`` raises [`HolidayDataMissingError`][] instead.

    Attributes:
        country: the holiday data's country or market code (or None).
        year: the first year the data does not cover.
        known_until: the last date the data covers.

    Examples:
        >>> import datetime as dt, pendulum, warnings
        >>> from servicekit.errors import HolidayDataWarning
        >>> from servicekit.sla import BusinessCalendar, parse_hours
        >>> cal = BusinessCalendar.for_country(
        ...     "CN",
        ...     timezone="Asia/Shanghai",
        ...     weekly_hours=parse_hours("Mon-Fri 09:00-18:00"),
        ... )
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     due = cal.add(
        ...         pendulum.datetime(2026, 12, 31, 17, tz="Asia/Shanghai"),
        ...         dt.timedelta(hours=2),
        ...     )
        >>> w = caught[0].message
        >>> type(w).__name__, w.country, w.year, w.known_until
        ('HolidayDataWarning', 'CN', 2027, datetime.date(2026, 12, 31))
    """

    def __init__(
        self,
        message: str,
        *,
        country: str | None = None,
        year: int | None = None,
        known_until: dt.date | None = None,
    ) -> None:
        # Defaults, so that the warning pickles (across processes) like any other.
        super().__init__(message)
        self.country = country
        self.year = year
        self.known_until = known_until

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

__all__ = [
    "CalendarNeverOpensError",
    "CalendarRangeError",
    "DeserializationError",
    "DuplicateIdError",
    "InsufficientDataError",
    "InvalidArgumentError",
    "InvalidConditionError",
    "InvalidEventError",
    "InvalidHolidayError",
    "InvalidHoursError",
    "InvalidTransitionError",
    "InvalidTypeError",
    "NaiveDatetimeError",
    "NoMatchingPolicyError",
    "ServiceKitError",
    "UnknownNameError",
    "UnknownTimezoneError",
]


class ServiceKitError(Exception):
    """Root of every exception servicekit raises.

    Examples:
        >>> from servicekit.errors import InvalidArgumentError, ServiceKitError
        >>> try:
        ...     raise InvalidArgumentError("bad")
        ... except ServiceKitError as e:
        ...     print(type(e).__name__, e)
        InvalidArgumentError bad
    """


class InvalidArgumentError(ServiceKitError, ValueError):
    """A value passed to servicekit is out of its domain.

    Examples:
        >>> from servicekit.errors import InvalidArgumentError
        >>> isinstance(InvalidArgumentError("x"), ValueError)
        True
    """


class InvalidTypeError(ServiceKitError, TypeError):
    """A value passed to servicekit has the wrong type.

    Examples:
        >>> from servicekit.errors import InvalidTypeError
        >>> isinstance(InvalidTypeError("x"), TypeError)
        True
    """


class NaiveDatetimeError(InvalidArgumentError):
    """A datetime without a time zone was given where an instant is required.

    Examples:
        >>> from servicekit.errors import NaiveDatetimeError
        >>> isinstance(NaiveDatetimeError("x"), ValueError)
        True
    """


class UnknownTimezoneError(InvalidArgumentError):
    """A time-zone name is not in the IANA database.

    Examples:
        >>> from servicekit.errors import UnknownTimezoneError
        >>> isinstance(UnknownTimezoneError("x"), ValueError)
        True
    """


class InvalidHoursError(InvalidArgumentError):
    """Working hours are malformed, empty or overlapping.

    Examples:
        >>> from servicekit.errors import InvalidHoursError
        >>> isinstance(InvalidHoursError("x"), ValueError)
        True
    """


class InvalidHolidayError(InvalidArgumentError):
    """A holiday or make-up working day entry is not a date.

    Examples:
        >>> from servicekit.errors import InvalidHolidayError
        >>> isinstance(InvalidHolidayError("x"), ValueError)
        True
    """


class CalendarNeverOpensError(ServiceKitError, ValueError):
    """A business calendar has no working time within the search horizon (50 years).

    Examples:
        >>> from servicekit.errors import CalendarNeverOpensError
        >>> isinstance(CalendarNeverOpensError("x"), ValueError)
        True
    """


class CalendarRangeError(InvalidArgumentError):
    """A computation would leave the years a calendar can represent (1 … 9999).

    Examples:
        >>> from servicekit.errors import CalendarRangeError
        >>> isinstance(CalendarRangeError("x"), ValueError)
        True
    """


class InvalidConditionError(InvalidArgumentError):
    """A rule condition is malformed, or cannot be evaluated on the given facts.

    Examples:
        >>> from servicekit.errors import InvalidConditionError
        >>> isinstance(InvalidConditionError("x"), ValueError)
        True
    """


class NoMatchingPolicyError(ServiceKitError, LookupError):
    """No policy or rule in an ordered set matches the given facts.

    Examples:
        >>> from servicekit.errors import NoMatchingPolicyError
        >>> isinstance(NoMatchingPolicyError("x"), LookupError)
        True
    """


class UnknownNameError(ServiceKitError, LookupError):
    """A name (dimension, metric, field, country…) is not one servicekit knows.

    Examples:
        >>> from servicekit.errors import UnknownNameError
        >>> isinstance(UnknownNameError("x"), LookupError)
        True
    """


class InvalidEventError(InvalidArgumentError):
    """An event log is inconsistent: missing creation, out-of-range instants, bad kinds.

    Examples:
        >>> from servicekit.errors import InvalidEventError
        >>> isinstance(InvalidEventError("x"), ValueError)
        True
    """


class InvalidTransitionError(ServiceKitError, ValueError):
    """An event is not allowed in a workflow's current state; nothing was changed.

    Examples:
        >>> from servicekit.errors import InvalidTransitionError
        >>> isinstance(InvalidTransitionError("x"), ValueError)
        True
    """


class DuplicateIdError(InvalidArgumentError):
    """Two items that must have distinct identifiers share one.

    Examples:
        >>> from servicekit.errors import DuplicateIdError
        >>> isinstance(DuplicateIdError("x"), ValueError)
        True
    """


class InsufficientDataError(InvalidArgumentError):
    """A statistic was asked of too little data (for example, an empty sample).

    Examples:
        >>> from servicekit.errors import InsufficientDataError
        >>> isinstance(InsufficientDataError("x"), ValueError)
        True
    """


class DeserializationError(InvalidArgumentError):
    """Plain data given to a ``from_dict`` does not describe a valid value.

    Examples:
        >>> from servicekit.errors import DeserializationError
        >>> isinstance(DeserializationError("x"), ValueError)
        True
    """

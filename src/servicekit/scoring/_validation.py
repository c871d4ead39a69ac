"""Input checks shared by every scoring statistic.

Ratings arrive from spreadsheets, CRMs and pandas columns, so they may be ints, floats
or numpy scalars. These helpers turn them into plain ints or reject them with a message
that says how to fix the data. Booleans are never accepted as ratings (``True`` is an
int in Python, but a survey answer of ``True`` is a bug upstream), NaN is never a
rating, and nothing is rounded. This module must never guess a value.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from servicekit._boundary import quote
from servicekit.errors import (
    InsufficientDataError,
    InvalidArgumentError,
    InvalidTypeError,
)
from servicekit.messages import Message
from servicekit.messages._kinds import describe_duration

if TYPE_CHECKING:
    import attrs

__all__ = [
    "MAX_CONFIDENCE",
    "MAX_COUNT",
    "as_int",
    "as_real",
    "check_confidence",
    "check_whole",
    "confidence_level",
    "count_bools",
    "count_ints",
    "flag",
    "is_bool",
    "materialise",
    "not_instance",
    "of_type",
    "reasons",
    "require",
    "scale_pair",
    "shown",
    "whole",
]

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]

#: The largest count (of answers, successes, promoters…) a statistic accepts: 2**53,
#: the largest whole number a float holds exactly. Counts feed float arithmetic, and
#: no survey has nine quadrillion answers; a bigger number is a mistake upstream.
MAX_COUNT: Final = 2**53

#: The highest confidence level that works: a two-sided interval needs the quantile
#: at ``0.5 + confidence / 2``, and above ``1 - 2**-52`` (0.9999999999999998) that
#: sum rounds to 1.0 in double precision, where no quantile exists.
MAX_CONFIDENCE: Final = 1.0 - 2.0**-52


def shown(value: object) -> str:
    """Render a value from the user for an error message: short, in the user's terms.

    Dates and times are shown in ISO 8601 and durations in days, hours and minutes,
    never as Python reprs; everything else goes through [`quote`][].
    """
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return describe_duration(value)
    return quote(value)


def as_real(value: object) -> float | None:
    """Return a number as a float, or None when it is not one a float can hold.

    Booleans and non-numbers give None; so do ints too large for a float (instead of
    an ``OverflowError``). NaN and infinities are returned as they are.
    """
    if is_bool(value) or not isinstance(value, int | float):
        return None
    try:
        return float(value)
    except OverflowError:
        return None


def is_bool(value: object) -> bool:
    """Return whether ``value`` is a Python or numpy boolean."""
    return isinstance(value, bool) or type(value).__name__ in {"bool_", "bool"}


def as_int(value: object, lo: int, hi: int, what: str) -> int:
    """Return ``value`` as an int in ``[lo, hi]`` or raise a servicekit error.

    Raises:
        InvalidTypeError: a boolean or a non-number.
        InvalidArgumentError: NaN, a fraction, or outside ``[lo, hi]``.
    """
    if is_bool(value):
        msg = (
            f"{what} must be whole numbers {lo}–{hi}, not booleans; got {bool(value)}. "
            "A boolean here usually means a yes/no column was passed by mistake"
        )
        raise InvalidTypeError(msg)
    if isinstance(value, float):
        if math.isnan(value):
            msg = f"{what} contain NaN; drop unanswered questions before scoring"
            raise InvalidArgumentError(msg)
        if not value.is_integer():
            msg = f"{what} must be whole numbers {lo}–{hi}; got {quote(value)}"
            raise InvalidArgumentError(msg)
        number = int(value)
    elif isinstance(value, int):
        number = value
    else:
        try:
            number = operator.index(value)  # type: ignore[arg-type]
        except TypeError:
            msg = f"{what} must be whole numbers {lo}–{hi}; got {type(value).__name__} {quote(value)}"
            raise InvalidTypeError(msg) from None
    if not lo <= number <= hi:
        msg = f"{what} must lie in {lo}–{hi}; got {quote(number)}"
        raise InvalidArgumentError(msg)
    return number


def materialise(values: Iterable[Any], what: str) -> list[Any]:
    """Return ``values`` as a list, rejecting strings, mappings and non-iterables."""
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        msg = f"{what} must be a list (or other iterable) of answers; got {type(values).__name__}"
        raise InvalidTypeError(msg)
    # numpy arrays and pandas Series convert to Python scalars in C, which keeps the
    # fast path (plain ints) open; their booleans stay booleans and are still refused.
    tolist = getattr(values, "tolist", None)
    if callable(tolist):
        converted = tolist()
        if isinstance(converted, list):
            return converted
    try:
        return list(values)
    except TypeError:
        msg = (
            f"{what} must be a list (or other iterable) of answers; got {quote(values)}"
        )
        raise InvalidTypeError(msg) from None


def require(n: int, what: str) -> None:
    """Raise InsufficientDataError when there is nothing to estimate from."""
    if n == 0:
        msg = f"cannot compute {what} of no responses; pass at least one answer"
        raise InsufficientDataError(msg)


def count_ints(values: list[Any], lo: int, hi: int, what: str) -> dict[int, int]:
    """Return ``{rating: count}`` for a list of whole-number ratings in ``[lo, hi]``.

    The common case (a list of plain ints) is counted by ``Counter`` in C; anything
    else goes through [`as_int`][] one value at a time.
    """
    if set(map(type, values)) <= {int}:
        counts = Counter(values)
        for key in counts:
            as_int(key, lo, hi, what)
        return dict(counts)
    return dict(Counter(as_int(v, lo, hi, what) for v in values))


def count_bools(values: list[Any], what: str) -> tuple[int, int]:
    """Return ``(trues, total)`` for a list of booleans.

    Raises:
        InvalidTypeError: some value is not a boolean (0 and 1 included: say ``True``).
    """
    kinds = set(map(type, values))
    if kinds <= {bool}:
        return values.count(True), len(values)
    for v in values:
        if not is_bool(v):
            msg = (
                f"{what} must be True or False; got {type(v).__name__} {quote(v)}. "
                "Convert 1/0 or 'yes'/'no' columns to booleans first"
            )
            raise InvalidTypeError(msg)
    return sum(1 for v in values if v), len(values)


def check_confidence(confidence: object) -> float:
    """Return ``confidence`` as a float in ``(0, MAX_CONFIDENCE]``, or raise.

    Every level that passes works everywhere in the package: the bound is where the
    two-sided quantile stops existing in double precision (see [`MAX_CONFIDENCE`][]).
    """
    if is_bool(confidence) or not isinstance(confidence, int | float):
        msg = f"confidence must be a number such as 0.95; got {type(confidence).__name__} {quote(confidence)}"
        raise InvalidTypeError(msg)
    # No int lies in (0, 1), and float() of a huge int would overflow: refuse ints
    # before converting.
    if isinstance(confidence, int) or not 0.0 < confidence < 1.0:
        msg = f"confidence must lie strictly between 0 and 1 (e.g. 0.95); got {quote(confidence)}"
        raise InvalidArgumentError(msg)
    value = float(confidence)
    if value > MAX_CONFIDENCE:
        msg = (
            f"confidence {value!r} is too close to 1 for double precision: the highest "
            f"level that can be computed is {MAX_CONFIDENCE!r}"
        )
        raise InvalidArgumentError(msg)
    return value


def not_instance(value: object, kind: type | tuple[type, ...]) -> bool:
    """Return whether ``value`` is not a ``kind``.

    For run-time checks of arguments whose annotation already says the type: callers
    from untyped code can still pass anything, and type checkers must not call the
    check unreachable.
    """
    return not isinstance(value, kind)


def check_whole(
    name: str, value: object, minimum: int = 0, maximum: int | None = None
) -> int:
    """Return ``value`` if it is a whole number (not a boolean) in ``[minimum, maximum]``.

    Raises:
        InvalidTypeError: a boolean, a float or a non-number.
        InvalidArgumentError: below ``minimum`` or above ``maximum``.
    """
    if is_bool(value) or not isinstance(value, int):
        msg = (
            f"{name} must be a whole number; got {type(value).__name__} {quote(value)}"
        )
        raise InvalidTypeError(msg)
    if value < minimum:
        msg = f"{name} must be at least {minimum}; got {quote(value)}"
        raise InvalidArgumentError(msg)
    if maximum is not None and value > maximum:
        msg = f"{name} must be at most {maximum:,}; got {quote(value)}"
        raise InvalidArgumentError(msg)
    return value


def whole(
    minimum: int = 0, *, optional: bool = False, maximum: int | None = None
) -> Validator:
    """Return an attrs validator for a whole-number field (None allowed if ``optional``)."""

    def check(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not (optional and value is None):
            check_whole(attribute.name, value, minimum, maximum)

    return check


def confidence_level(_inst: object, _attribute: object, value: float) -> None:
    """An attrs validator for a confidence level (see [`check_confidence`][])."""
    check_confidence(value)


def of_type(kind: type, *, optional: bool = False) -> Validator:
    """Return an attrs validator requiring a ``kind`` (or None if ``optional``)."""

    def check(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not (isinstance(value, kind) or (optional and value is None)):
            msg = f"{attribute.name} must be a {kind.__name__}; got {type(value).__name__} {quote(value)}"
            raise InvalidTypeError(msg)

    return check


def flag(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An attrs validator for a True/False field (1 and 0 are refused)."""
    if not isinstance(value, bool):
        msg = f"{attribute.name} must be True or False; got {type(value).__name__} {quote(value)}"
        raise InvalidTypeError(msg)


def reasons(value: Iterable[str | Message]) -> tuple[str | Message, ...]:
    """Convert an alert's or assignment's reasons: a non-empty list of sentences.

    Each is a plain text or a [`Message`][servicekit.messages.Message].
    """
    if isinstance(value, str) or not isinstance(value, Iterable):
        msg = f"reasons must be a list of sentences, not {type(value).__name__} {quote(value)}"
        raise InvalidTypeError(msg)
    out = tuple(value)
    if not out or not all(
        isinstance(r, Message) or (isinstance(r, str) and r) for r in out
    ):
        msg = f"reasons must be a non-empty list of non-empty strings; got {quote(out)}"
        raise InvalidArgumentError(msg)
    return out


def scale_pair(value: Any) -> tuple[int, int]:
    """Return a rating scale ``(lowest, highest)`` of whole numbers, lowest < highest."""
    try:
        lo, hi = value
    except (TypeError, ValueError):
        msg = (
            f"scale must be a pair (lowest, highest) such as (1, 5); got {quote(value)}"
        )
        raise InvalidTypeError(msg) from None
    for end in (lo, hi):
        if is_bool(end) or not isinstance(end, int):
            msg = f"scale ends must be whole numbers; got {quote(value)}"
            raise InvalidTypeError(msg)
    # Ratings are turned into floats; a scale beyond float range cannot be scored.
    if not (lo < hi and abs(lo) < 2**53 and abs(hi) < 2**53):
        msg = f"scale must run from low to high within ±2**53, e.g. (1, 5); got {quote(value)}"
        raise InvalidArgumentError(msg)
    return lo, hi

"""Input checks shared by every scoring statistic.

Ratings arrive from spreadsheets, CRMs and pandas columns, so they may be ints, floats
or numpy scalars. These helpers turn them into plain ints or reject them with a message
that says how to fix the data. Booleans are never accepted as ratings (``True`` is an
int in Python, but a survey answer of ``True`` is a bug upstream), NaN is never a
rating, and nothing is rounded. This module must never guess a value.
"""

from __future__ import annotations

import math
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import attrs

from servicekit.errors import (
    DeserializationError,
    InsufficientDataError,
    InvalidArgumentError,
    InvalidTypeError,
)

__all__ = [
    "as_int",
    "check_confidence",
    "check_whole",
    "confidence_level",
    "count_bools",
    "count_ints",
    "flag",
    "from_fields",
    "is_bool",
    "materialise",
    "not_instance",
    "of_type",
    "reasons",
    "require",
    "scale_pair",
    "whole",
]

T = TypeVar("T", bound=attrs.AttrsInstance)
Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


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
            f"{what} must be whole numbers {lo}–{hi}, not booleans; got {value!r}. "
            "A boolean here usually means a yes/no column was passed by mistake"
        )
        raise InvalidTypeError(msg)
    if isinstance(value, float):
        if math.isnan(value):
            msg = f"{what} contain NaN; drop unanswered questions before scoring"
            raise InvalidArgumentError(msg)
        if not value.is_integer():
            msg = f"{what} must be whole numbers {lo}–{hi}; got {value!r}"
            raise InvalidArgumentError(msg)
        number = int(value)
    elif isinstance(value, int):
        number = value
    else:
        try:
            number = operator.index(value)  # type: ignore[arg-type]
        except TypeError:
            msg = f"{what} must be whole numbers {lo}–{hi}; got {type(value).__name__} {value!r}"
            raise InvalidTypeError(msg) from None
    if not lo <= number <= hi:
        msg = f"{what} must lie in {lo}–{hi}; got {number}"
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
        msg = f"{what} must be a list (or other iterable) of answers; got {values!r}"
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
                f"{what} must be True or False; got {type(v).__name__} {v!r}. "
                "Convert 1/0 or 'yes'/'no' columns to booleans first"
            )
            raise InvalidTypeError(msg)
    return sum(1 for v in values if v), len(values)


def check_confidence(confidence: object) -> float:
    """Return ``confidence`` as a float strictly between 0 and 1, or raise."""
    if is_bool(confidence) or not isinstance(confidence, int | float):
        msg = f"confidence must be a number such as 0.95; got {confidence!r}"
        raise InvalidTypeError(msg)
    value = float(confidence)
    if not 0.0 < value < 1.0:
        msg = f"confidence must lie strictly between 0 and 1 (e.g. 0.95); got {confidence!r}"
        raise InvalidArgumentError(msg)
    return value


def not_instance(value: object, kind: type | tuple[type, ...]) -> bool:
    """Return whether ``value`` is not a ``kind``.

    For run-time checks of arguments whose annotation already says the type: callers
    from untyped code can still pass anything, and type checkers must not call the
    check unreachable.
    """
    return not isinstance(value, kind)


def field(data: object, key: str, kind: str) -> Any:
    """Return ``data[key]`` for a ``from_dict``, or raise DeserializationError."""
    if not isinstance(data, Mapping):
        msg = f"{kind}.from_dict expects a mapping; got {type(data).__name__}"
        raise DeserializationError(msg)
    try:
        return data[key]
    except KeyError:
        msg = f"{kind}.from_dict: the data lacks the key {key!r}; pass what to_dict() produced"
        raise DeserializationError(msg) from None


class deserialising:  # noqa: N801 - used as a lower-case context manager
    """Turn any construction error inside ``from_dict`` into a DeserializationError."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        if exc is None or isinstance(exc, DeserializationError):
            return
        if isinstance(exc, ValueError | TypeError | LookupError):
            msg = f"{self.kind}.from_dict: {exc}"
            raise DeserializationError(msg) from exc


def check_whole(name: str, value: object, minimum: int = 0) -> int:
    """Return ``value`` if it is a whole number (not a boolean) >= ``minimum``.

    Raises:
        InvalidTypeError: a boolean, a float or a non-number.
        InvalidArgumentError: below ``minimum``.
    """
    if is_bool(value) or not isinstance(value, int):
        msg = f"{name} must be a whole number; got {value!r}"
        raise InvalidTypeError(msg)
    if value < minimum:
        msg = f"{name} must be at least {minimum}; got {value}"
        raise InvalidArgumentError(msg)
    return value


def whole(minimum: int = 0, *, optional: bool = False) -> Validator:
    """Return an attrs validator for a whole-number field (None allowed if ``optional``)."""

    def check(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not (optional and value is None):
            check_whole(attribute.name, value, minimum)

    return check


def confidence_level(_inst: object, _attribute: object, value: float) -> None:
    """An attrs validator for a confidence level (see [`check_confidence`][])."""
    check_confidence(value)


def of_type(kind: type, *, optional: bool = False) -> Validator:
    """Return an attrs validator requiring a ``kind`` (or None if ``optional``)."""

    def check(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not (isinstance(value, kind) or (optional and value is None)):
            msg = f"{attribute.name} must be a {kind.__name__}; got {type(value).__name__} {value!r}"
            raise InvalidTypeError(msg)

    return check


def flag(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An attrs validator for a True/False field (1 and 0 are refused)."""
    if not isinstance(value, bool):
        msg = f"{attribute.name} must be True or False; got {value!r}"
        raise InvalidTypeError(msg)


def reasons(value: Iterable[str]) -> tuple[str, ...]:
    """Convert an alert's or assignment's reasons: a non-empty list of sentences."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        msg = (
            f"reasons must be a list of sentences, not {type(value).__name__} {value!r}"
        )
        raise InvalidTypeError(msg)
    out = tuple(value)
    if not out or not all(isinstance(r, str) and r for r in out):
        msg = f"reasons must be a non-empty list of non-empty strings; got {out!r}"
        raise InvalidArgumentError(msg)
    return out


def scale_pair(value: Any) -> tuple[int, int]:
    """Return a rating scale ``(lowest, highest)`` of whole numbers, lowest < highest."""
    try:
        lo, hi = value
    except (TypeError, ValueError):
        msg = f"scale must be a pair (lowest, highest) such as (1, 5); got {value!r}"
        raise InvalidTypeError(msg) from None
    for end in (lo, hi):
        if is_bool(end) or not isinstance(end, int):
            msg = f"scale ends must be whole numbers; got {value!r}"
            raise InvalidTypeError(msg)
    # Ratings are turned into floats; a scale beyond float range cannot be scored.
    if not (lo < hi and abs(lo) < 2**53 and abs(hi) < 2**53):
        msg = (
            f"scale must run from low to high within ±2**53, e.g. (1, 5); got {value!r}"
        )
        raise InvalidArgumentError(msg)
    return lo, hi


def from_fields(cls: type[T], data: object, **parsers: Callable[[Any], Any]) -> T:
    """Rebuild the attrs value ``cls`` from its ``to_dict`` data.

    Every field of ``cls`` must be present in ``data``; ``parsers`` turn the JSON form
    of a field back into its value (e.g. ``Estimate.from_dict``). Any error becomes a
    DeserializationError that names the class.
    """
    kind = cls.__name__
    with deserialising(kind):
        values = {}
        for a in attrs.fields(cls):
            raw = field(data, a.name, kind)
            parse = parsers.get(a.name)
            values[a.name] = raw if parse is None else parse(raw)
        return cls(**values)

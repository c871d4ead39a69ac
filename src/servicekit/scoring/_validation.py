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
from collections.abc import Iterable, Mapping
from typing import Any

from servicekit.errors import (
    DeserializationError,
    InsufficientDataError,
    InvalidArgumentError,
    InvalidTypeError,
)

__all__ = [
    "as_int",
    "check_confidence",
    "count_bools",
    "count_ints",
    "is_bool",
    "materialise",
    "not_instance",
    "require",
]


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
    else goes through :func:`as_int` one value at a time.
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

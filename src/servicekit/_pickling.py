"""Pickling that keeps every instant exact, ``fold`` included.

``pendulum.DateTime`` pickles without its ``fold`` (a known, still-open pendulum bug),
so an instant in a repeated DST hour (2025-11-02 01:30 in New York, second
occurrence) comes back one hour earlier after a trip through a worker process. Every
value class that holds instants is decorated with [`keeps_instants`][], which
rewrites the datetimes among its fields into a small record that rebuilds them with
their fold. This module must never do I/O or read the clock.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["keeps_instants"]

_C = TypeVar("_C", bound=type)
# Looked up by name: mypy types the slot as a plain object method.
_GETSTATE = "__getstate__"


def _rebuild(
    cls: type[dt.datetime],
    fields: tuple[int, int, int, int, int, int, int],
    tzinfo: dt.tzinfo | None,
    fold: int,
) -> dt.datetime:
    return cls(*fields, tzinfo=tzinfo, fold=fold)


class _Instant:
    """A datetime on its way through pickle, with its fold."""

    __slots__ = ("value",)

    def __init__(self, value: dt.datetime) -> None:
        self.value = value

    def __reduce__(self) -> tuple[Any, ...]:
        v = self.value
        fields = (v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond)
        return (_rebuild, (type(v), fields, v.tzinfo, v.fold))


def _out(value: object) -> object:
    return _Instant(value) if isinstance(value, dt.datetime) else value


def keeps_instants(cls: _C) -> _C:
    """Make a slotted attrs class pickle its datetime fields with their ``fold``.

    Wraps the ``__getstate__`` attrs generated (its ``__setstate__`` needs nothing:
    the records rebuild themselves on load), so validation and every other field are
    untouched. ``copy.deepcopy`` takes the same path as pickle.

    Examples:
        >>> import copy, attrs, pendulum
        >>> from servicekit._pickling import keeps_instants
        >>> @keeps_instants
        ... @attrs.frozen
        ... class Seen:
        ...     at: pendulum.DateTime
        >>> late = pendulum.datetime(2025, 11, 2, 1, 30, tz="America/New_York")
        >>> late = late.replace(fold=1)
        >>> copy.deepcopy(Seen(late)).at.isoformat()
        '2025-11-02T01:30:00-05:00'
    """
    generated: Callable[[Any], Any] = getattr(cls, _GETSTATE)

    def getstate(self: Any) -> Any:
        state = generated(self)
        if isinstance(state, dict):
            return {k: _out(v) for k, v in state.items()}
        return tuple(_out(v) for v in state)

    setattr(cls, _GETSTATE, getstate)
    return cls

"""Whether a frozen class can be built as an "unsealed" twin (private).

The hottest builders of sla (``_event_json`` reading events, ``_report`` building
statuses, alerts and reports) fill the slots of a twin class, which has the frozen
class's base and slots but not its guard against setting them, and then assign
``__class__`` to make the object the frozen class. That costs under half of calling
each slot's setter. Python allows the assignment only between classes of one layout
(on 3.11, without a ``__weakref__`` slot), so each builder asks here once, at import,
and keeps the slot-setter path for an interpreter that refuses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Collection

__all__ = ["unsealing_works"]


def unsealing_works(*twins: tuple[type, type, Collection[str]]) -> bool:
    """Whether every ``(twin, frozen class, slots the builder fills)`` can be used.

    True when each builder fills every slot of its frozen class (a new field not yet
    filled in would leave an object half-built) and this Python lets an instance of
    the twin become the frozen class.

    Examples:
        >>> import attrs
        >>> @attrs.frozen(weakref_slot=False)
        ... class Point:
        ...     x: int
        >>> class Twin:
        ...     __slots__ = Point.__slots__
        >>> unsealing_works((Twin, Point, ("x",)))
        True
        >>> unsealing_works((Twin, Point, ()))
        False
    """
    for twin, cls, filled in twins:
        if set(getattr(cls, "__slots__", ())) != set(filled):
            return False
        probe = twin()
        try:
            probe.__class__ = cls
        except TypeError:  # pragma: no cover -- layouts differ on this interpreter
            return False
    return True

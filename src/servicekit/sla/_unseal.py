"""Whether a frozen class can be built as an "unsealed" twin (private).

The hottest builders of sla (``_event_json`` reading events, ``_report`` building
statuses, alerts and reports) fill the slots of a twin class, which has the frozen
class's base and slots but not its guard against setting them, and then assign
``__class__`` to make the object the frozen class. That costs under half of calling
each slot's setter. Python allows the assignment only between classes of one layout
(on 3.11, without a ``__weakref__`` slot), so each builder asks here once, at import,
and copies the twin into a new value (``sealed_copy``) where the interpreter refuses.

Examples:
    >>> import attrs
    >>> @attrs.frozen(weakref_slot=False)
    ... class Point:
    ...     x: int
    >>> class Twin:
    ...     __slots__ = Point.__slots__
    >>> unsealing_works((Twin, Point, ("x",)))
    True
    >>> unsealing_works((Twin, Point, ()))  # a slot the builder would leave unset
    False
    >>> t = Twin()
    >>> t.x = 3
    >>> sealed_copy(t, Point)
    Point(x=3)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from collections.abc import Collection

__all__ = ["sealed_copy", "unsealing_works"]

_T = TypeVar("_T")


def unsealing_works(*twins: tuple[type, type, Collection[str]]) -> bool:
    """Whether every ``(twin, frozen class, slots the builder fills)`` can be used.

    True when each builder fills every slot of its frozen class (a new field not yet
    filled in would leave an object half-built) and this Python lets an instance of
    the twin become the frozen class.
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


def sealed_copy(twin: Any, cls: type[_T]) -> _T:
    """A new ``cls`` holding ``twin``'s slots, set through each slot's own setter.

    The way to seal a twin where ``unsealing_works`` says ``__class__`` assignment
    is refused: slower, but the same value.
    """
    value = object.__new__(cls)
    for name in cls.__slots__:  # type: ignore[attr-defined]
        cls.__dict__[name].__set__(value, getattr(twin, name))
    return value

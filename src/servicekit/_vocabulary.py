"""The shared vocabulary of servicekit: priorities, customer tiers and channels.

These enums are strings (``StrEnum``) so that they serialise to JSON as themselves,
but ordering is by *rank*, never alphabetical: ``Priority.URGENT > Priority.HIGH``.
Comparisons also accept the plain string value (``Priority.URGENT > "high"``), which
keeps rule conditions working after a JSON round trip. Every enum also parses its
Chinese names (``servicekit._names_zh``). This module must never import anything else
from servicekit except ``errors`` and that table.
"""

from __future__ import annotations

import enum
import functools
from typing import Self, TypeVar

from servicekit._names_zh import chinese_names_of
from servicekit.errors import InvalidTypeError, UnknownNameError

__all__ = ["Channel", "NamedEnum", "Priority", "Tier", "parse_member"]


_E = TypeVar("_E", bound=enum.StrEnum)


@functools.cache
def _names_of(cls: type[enum.StrEnum]) -> dict[str, enum.StrEnum]:
    # Invisible memoisation: enum classes are immutable.
    table: dict[str, enum.StrEnum] = {}
    for member in cls:
        table[member.name] = member
        table[member.value] = member
    table.update(chinese_names_of(cls.__name__, table))
    return table


def parse_member(cls: type[_E], value: object) -> _E:
    """Return the member of ``cls`` named by ``value`` (a member, its value or its name).

    Case and surrounding spaces do not matter.

    Raises:
        UnknownNameError: ``value`` names no member; the message lists them.
    """
    if isinstance(value, cls):
        return value
    if isinstance(value, str):
        table = _names_of(cls)
        found = table.get(value)
        if found is None:
            text = value.strip()
            found = (
                table.get(text) or table.get(text.lower()) or table.get(text.upper())
            )
        if found is not None:
            return found  # type: ignore[return-value]
    allowed = ", ".join(m.value for m in cls)
    msg = f"{value!r} is not a {cls.__name__}; use one of: {allowed}"
    raise UnknownNameError(msg)


class NamedEnum(enum.StrEnum):
    """A string enum that reads its members from their values or names, in any case.

    The base of every enum servicekit exposes, so each has the same ``parse``.
    """

    @classmethod
    def parse(cls, value: object) -> Self:
        """Return the member named by ``value`` (a member, its value or its name).

        Raises:
            UnknownNameError: ``value`` names no member; the message lists them.
        """
        return parse_member(cls, value)


class _RankedStrEnum(NamedEnum):
    """A string enum ordered by declaration: the first member is the highest."""

    @property
    def rank(self) -> int:
        """Position from the top: 0 for the highest member."""
        return type(self)._member_names_.index(self._name_)

    def _other_rank(self, other: object) -> int | None:
        if isinstance(other, type(self)):
            return other.rank
        if isinstance(other, str) and not isinstance(other, enum.Enum):
            try:
                return type(self).parse(other).rank
            except UnknownNameError:
                # Returning NotImplemented would let str order them alphabetically.
                msg = f"cannot order {self!r} against {other!r}: {other!r} is not a {type(self).__name__}"
                raise InvalidTypeError(msg) from None
        return None

    # Lower rank number means higher standing, so "greater" compares ranks reversed.
    def __lt__(self, other: object) -> bool:
        r = self._other_rank(other)
        if r is None:
            return NotImplemented
        return self.rank > r

    def __le__(self, other: object) -> bool:
        r = self._other_rank(other)
        if r is None:
            return NotImplemented
        return self.rank >= r

    def __gt__(self, other: object) -> bool:
        r = self._other_rank(other)
        if r is None:
            return NotImplemented
        return self.rank < r

    def __ge__(self, other: object) -> bool:
        r = self._other_rank(other)
        if r is None:
            return NotImplemented
        return self.rank <= r

    __hash__ = enum.StrEnum.__hash__


class Priority(_RankedStrEnum):
    """How urgent a ticket is: ``URGENT > HIGH > NORMAL > LOW``.

    Examples:
        >>> from servicekit import Priority
        >>> Priority.URGENT > Priority.HIGH > Priority.NORMAL > Priority.LOW
        True
        >>> sorted([Priority.LOW, Priority.URGENT, Priority.NORMAL])
        [<Priority.LOW: 'low'>, <Priority.NORMAL: 'normal'>, <Priority.URGENT: 'urgent'>]
        >>> Priority.parse("High")
        <Priority.HIGH: 'high'>
    """

    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class Tier(_RankedStrEnum):
    """Customer value tier: ``HIGH_VALUE`` (高净值) > ``POTENTIAL`` (潜力) > ``ORDINARY`` (普通).

    Examples:
        >>> from servicekit import Tier
        >>> Tier.HIGH_VALUE > Tier.POTENTIAL > Tier.ORDINARY
        True
        >>> Tier("high_value").rank
        0
    """

    HIGH_VALUE = "high_value"
    POTENTIAL = "potential"
    ORDINARY = "ordinary"


class Channel(NamedEnum):
    """The channel a contact arrives on (unordered).

    Examples:
        >>> from servicekit import Channel
        >>> Channel.parse(" Chat ") is Channel.CHAT
        True
    """

    PHONE = "phone"
    CHAT = "chat"
    EMAIL = "email"
    WEB = "web"
    SOCIAL = "social"
    BOT = "bot"

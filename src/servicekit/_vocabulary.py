"""The shared vocabulary of servicekit: priorities, customer tiers and channels.

These enums are strings (``StrEnum``) so that they serialise to JSON as themselves,
but ordering is by *rank*, never alphabetical: ``Priority.URGENT > Priority.HIGH``.
Comparisons also accept the plain string value (``Priority.URGENT > "high"``), which
keeps rule conditions working after a JSON round trip. Every enum also parses its
Chinese names (``servicekit._names_zh``). This module must never import anything else
from servicekit except ``errors``, ``_boundary`` (an error's message) and that table.
"""

from __future__ import annotations

import enum
import functools
import re
from typing import Final, Self, TypeVar

from servicekit._boundary import said
from servicekit._names_zh import chinese_names_of
from servicekit.errors import InvalidArgumentError, InvalidTypeError, UnknownNameError

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
    said_as = said(
        "error.vocabulary.unknown",
        value=repr(value),
        vocabulary=cls.__name__,
        allowed=allowed,
    )
    raise UnknownNameError(msg, message=said_as)


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
                said_as = said(
                    "error.vocabulary.cannot_order",
                    value=repr(self),
                    other=repr(other),
                    vocabulary=type(self).__name__,
                )
                raise InvalidTypeError(msg, message=said_as) from None
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


_CHANNEL_NAME_MAX: Final = 64
_CHANNEL_SEPARATORS: Final = re.compile(r"[\s\-]+")


class Channel(NamedEnum):
    """The channel a contact arrives on (unordered): an open vocabulary.

    The built-in members are the usual channels plus WeChat (``WECHAT``), mini
    programs (``MINI_PROGRAM``) and offline service stations (``OFFLINE_STATION``).
    A team adds its own with [`register`][servicekit.Channel.register], once, at
    start-up: it returns a member of this type, which routing capacity maps, policy
    conditions and the codec (JSON) then take like a built-in one. A name is kept in
    lower case, spaces and hyphens turned into ``_`` (``"Douyin Live"`` is
    ``douyin_live``). ``parse`` refuses a name nobody registered, so a typo
    (``"emial"``) is an error, not a new channel. Registering is idempotent and
    append-only: a name, once a channel, always means the same one, so it can turn
    a refusal into a channel but never change an answer already given. Unpickling
    (a Dask or Spark worker) accepts a team's channel without registering it
    there. Iterating ``Channel`` lists the built-in members only.

    Examples:
        >>> from servicekit import Channel
        >>> Channel.parse(" Chat ") is Channel.CHAT
        True
        >>> Channel.parse("Mini Program") is Channel.MINI_PROGRAM
        True
        >>> douyin = Channel.register("Douyin")
        >>> douyin, douyin.value, douyin.builtin
        (<Channel.DOUYIN: 'douyin'>, 'douyin', False)
        >>> Channel.parse("DOUYIN") is douyin
        True
        >>> Channel.parse("emial")
        Traceback (most recent call last):
        ...
        servicekit.errors.UnknownNameError: 'emial' is not a Channel; use one of: phone, chat, email, web, social, bot, wechat, mini_program, offline_station, or a team's own name after Channel.register(name)
    """

    PHONE = "phone"
    CHAT = "chat"
    EMAIL = "email"
    WEB = "web"
    SOCIAL = "social"
    BOT = "bot"
    WECHAT = "wechat"
    MINI_PROGRAM = "mini_program"
    OFFLINE_STATION = "offline_station"

    @property
    def builtin(self) -> bool:
        """Whether this is one of the built-in members (not a team's own name)."""
        return self._name_ in type(self)._member_map_

    @classmethod
    def parse(cls, value: object) -> Self:
        """Return the channel named by ``value``: a member, a name or a value.

        Raises:
            UnknownNameError: ``value`` names no built-in or registered channel.
        """
        try:
            return parse_member(cls, value)
        except UnknownNameError:
            if isinstance(value, str):
                key = _CHANNEL_SEPARATORS.sub("_", value.strip()).lower()
                found = cls._value2member_map_.get(key)
                if found is not None:
                    return found  # type: ignore[return-value]
            allowed = ", ".join(m.value for m in cls)
            msg = (
                f"{value!r} is not a Channel; use one of: {allowed}, or a team's "
                "own name after Channel.register(name)"
            )
            said_as = said(
                "error.vocabulary.unknown_channel", value=repr(value), allowed=allowed
            )
            raise UnknownNameError(msg, message=said_as) from None

    @classmethod
    def register(cls, name: object) -> Self:
        """Return the channel called ``name``, a team's own or a built-in one.

        Args:
            name: non-empty printable text of at most 64 characters.

        Raises:
            InvalidTypeError: ``name`` is not text.
            InvalidArgumentError: ``name`` is empty, too long or unprintable.

        Examples:
            >>> from servicekit import Channel
            >>> Channel.register("offline-station") is Channel.OFFLINE_STATION
            True
            >>> Channel.register("")
            Traceback (most recent call last):
            ...
            servicekit.errors.InvalidArgumentError: a channel name must be non-empty printable text of at most 64 characters, such as 'wechat'; got ''
        """
        if isinstance(name, cls):
            return name
        if not isinstance(name, str):
            msg = f"a channel name must be text, such as 'wechat'; got {type(name).__name__} {name!r}"
            said_as = said(
                "error.vocabulary.channel_not_text",
                type=type(name).__name__,
                name=repr(name),
            )
            raise InvalidTypeError(msg, message=said_as)
        value = _CHANNEL_SEPARATORS.sub("_", name.strip()).lower()
        if not value or len(value) > _CHANNEL_NAME_MAX or not value.isprintable():
            msg = (
                "a channel name must be non-empty printable text of at most "
                f"{_CHANNEL_NAME_MAX} characters, such as 'wechat'; got {name!r}"
            )
            said_as = said(
                "error.vocabulary.channel_name",
                limit=str(_CHANNEL_NAME_MAX),
                name=repr(name),
            )
            raise InvalidArgumentError(msg, message=said_as)
        found = cls._value2member_map_.get(value)
        if found is not None:
            return found  # type: ignore[return-value]
        # A pseudo-member, as enum.Flag makes them: an instance of this class that
        # is not among the declared members. Kept so each name has one member
        # (invisible memoisation: the same name gives an equal member regardless).
        member = str.__new__(cls, value)
        member._name_ = value.upper()
        member._value_ = value
        return cls._value2member_map_.setdefault(value, member)  # type: ignore[return-value]

    @classmethod
    def _missing_(cls, value: object) -> Self:
        # Unpickling a team's channel (in a worker that never registered it).
        return cls.register(value)

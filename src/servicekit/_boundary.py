"""Checks that every public boundary applies to raw input before reading it.

Two limits keep hostile or mistaken input from turning into a crash or a flood:

* [`MAX_DEPTH`][]: JSON-like data nested deeper than this is refused with a
  [`DeserializationError`][servicekit.errors.DeserializationError] (or, for a value
  built in Python, an [`InvalidArgumentError`][servicekit.errors.InvalidArgumentError])
  before any recursive reader sees it, so 500 nested lists never become a bare
  ``RecursionError``;
* [`quote`][]: an error message shows at most a short prefix of the value it
  complains about, so a 50 MB string or a 309-digit number does not become a 50 MB
  message.

This module must never do I/O or read the clock.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from servicekit.errors import DeserializationError, InvalidArgumentError

if TYPE_CHECKING:
    from servicekit.messages import Message

__all__ = ["MAX_DEPTH", "check_depth", "quote", "said"]

#: How deeply JSON-like data may nest (objects and arrays), counting the outermost
#: container as level 1. Real documents (a policy set with nested conditions, an
#: event's attributes) stay far below it.
MAX_DEPTH: Final = 64

_QUOTE_LIMIT: Final = 60
_DIGITS_LIMIT: Final = 24


def depth_of(value: object, limit: int = MAX_DEPTH) -> int:
    """How deeply ``value`` nests (lists, tuples and mappings), counted up to ``limit + 1``.

    Iterative, so it never recurses however deep the input is.

    Examples:
        >>> from servicekit._boundary import depth_of
        >>> depth_of(1), depth_of([]), depth_of({"a": [[1]]})
        (0, 1, 3)
    """
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, Mapping):
            children: object = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        level += 1
        deepest = max(deepest, level)
        if deepest > limit:
            return deepest
        stack.extend((child, level) for child in children)  # type: ignore[attr-defined]
    return deepest


def check_depth(
    value: object, what: str, *, limit: int = MAX_DEPTH, stored: bool = True
) -> None:
    """Refuse ``value`` if it nests deeper than ``limit`` levels.

    Args:
        value: JSON-like data (mappings, lists, tuples, scalars).
        what: names the value in the message (``"TicketEvent data"``).
        limit: the deepest nesting allowed.
        stored: True for data read by a ``from_dict`` (raises
            ``DeserializationError``), False for a value built in Python (raises
            ``InvalidArgumentError``).

    Raises:
        DeserializationError: ``stored`` data nests too deeply.
        InvalidArgumentError: a value built in Python nests too deeply.

    Examples:
        >>> from servicekit._boundary import check_depth
        >>> deep = []
        >>> for _ in range(100):
        ...     deep = [deep]
        >>> check_depth(deep, "attributes")
        Traceback (most recent call last):
        ...
        servicekit.errors.DeserializationError: attributes nests deeper than 64 levels of lists and objects; flatten it
    """
    if depth_of(value, limit) > limit:
        msg = (
            f"{what} nests deeper than {limit} levels of lists and objects; flatten it"
        )
        said_as = said("error.nests_too_deep", what=what, limit=limit)
        raise (DeserializationError if stored else InvalidArgumentError)(
            msg, message=said_as
        )


def said(code: str, /, **params: Any) -> Message:
    """The structured message of an error raised by a module ``messages`` imports.

    ``servicekit.messages`` reads its parameters with the codec, so the codec and
    the modules below it cannot import it when they are loaded; an error is raised
    long after, and builds its message through this.

    Examples:
        >>> from servicekit._boundary import said
        >>> m = said("error.nests_too_deep", what="the file", limit=64)
        >>> str(m)
        'the file nests deeper than 64 levels of lists and objects; flatten it'
        >>> m.render("zh-CN")
        '该文件的列表和对象嵌套超过64层；请把它展平'
    """
    # Built as the router builds its reasons, unchecked: a refused document may
    # raise several in a row, and the tests hold every code's parameters (each
    # message's English is its error's text, byte for byte).
    return _message_class()(code, params)


@functools.cache
def _message_class() -> type[Message]:
    from servicekit.messages._message import Message  # noqa: PLC0415 -- a cycle

    return Message


def quote(value: object, limit: int = _QUOTE_LIMIT) -> str:
    """A short, readable rendering of ``value`` for an error message.

    Strings are quoted and cut to ``limit`` characters with their full length said;
    integers too long to read are described by their digit count; anything else is
    its ``repr``, cut the same way.

    Examples:
        >>> from servicekit._boundary import quote
        >>> quote("Hohhot")
        "'Hohhot'"
        >>> quote("x" * 1000)
        "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' (1,000 characters)"
        >>> quote(10**308)
        'a 309-digit number'
    """
    if isinstance(value, int) and not isinstance(value, bool):
        # str() of a huge int is itself slow and limited (sys.int_info): count digits
        # from the bit length instead when it is clearly too long to read.
        bits = value.bit_length()
        if bits <= 80:
            return repr(value)
        if bits < 10_000:
            return f"a {len(str(abs(value)))}-digit number"
        return f"a number of about {int(bits * math.log10(2)) + 1:,} digits"
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        shown = repr(value[:limit])
        return f"{shown[:-1]}…{shown[-1]} ({len(value):,} characters)"
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"

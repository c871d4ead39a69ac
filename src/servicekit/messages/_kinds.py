"""The kinds of a message's parameters: how each is checked, written to JSON and shown.

A kind knows three things about a parameter: the Python values it takes, its
JSON-native form (and how to read it back), and how it reads in English text.
Showing it in another locale is the renderer's job (``_render``), which may use
Babel; nothing here does, so computing and English text never need it. This module
must never do I/O.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from typing import TYPE_CHECKING, Any, Final

import attrs

from servicekit._boundary import quote
from servicekit._iso import duration_from_iso, duration_to_iso, instant_from_iso
from servicekit.errors import InvalidArgumentError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "ALTERNATIVES",
    "COUNT",
    "DURATION",
    "INSTANT",
    "INT",
    "MESSAGE",
    "MESSAGES",
    "NAME",
    "NAMES",
    "NUMBER",
    "PARTS",
    "PERCENT",
    "QUOTED",
    "SPAN",
    "TEXT",
    "TEXTS",
    "TEXTS_OR",
    "Kind",
    "count_words",
    "describe_duration",
    "humanize",
    "term",
]


def humanize(delta: dt.timedelta) -> str:
    """Return a short duration a supervisor reads at a glance (``'1 h 05 min'``)."""
    total = int(delta.total_seconds())
    if total < 60:
        return f"{total} s"
    minutes, _ = divmod(total, 60)
    hours, minutes = divmod(minutes, 60)
    if hours == 0:
        return f"{minutes} min"
    return f"{hours} h {minutes:02d} min"


def count_words(n: int) -> str:
    """Return a count as English text groups it (``'1,200'``)."""
    # str() below a thousand: the same digits, without format's thousands pass.
    return str(n) if -1000 < n < 1000 else f"{n:,}"


@attrs.frozen
class Kind:
    """What one parameter of a message holds (see the module docstring).

    ``name`` is what the catalog and the docs call it (``"duration"``, ``"enum:Tier"``).
    """

    name: str
    check: Callable[[object], bool]
    english: Callable[[Any], str]
    write: Callable[[Any], Any]
    read: Callable[[Any], Any]
    vocabulary: str | None = None


def _same(x: object) -> object:
    return x


def _is_text(x: object) -> bool:
    return isinstance(x, str) and not isinstance(x, enum.Enum)


def _is_int(x: object) -> bool:
    return type(x) is int


def _is_number(x: object) -> bool:
    return type(x) in {int, float} and math.isfinite(x)  # type: ignore[arg-type]


def _read_text(x: object) -> str:
    if type(x) is not str:
        raise InvalidArgumentError(f"expected text, got {quote(x)}")
    return x


def _read_int(x: object) -> int:
    if type(x) is not int:
        raise InvalidArgumentError(f"expected a whole number, got {quote(x)}")
    return x


def _read_number(x: object) -> float | int:
    if not _is_number(x):
        raise InvalidArgumentError(f"expected a finite number, got {quote(x)}")
    return x  # type: ignore[return-value]


def _read_duration(x: object) -> dt.timedelta:
    return duration_from_iso(_read_text(x), "the duration")


def _read_instant(x: object) -> dt.datetime:
    return instant_from_iso(_read_text(x), "the instant")


def _read_texts(x: object) -> tuple[str, ...]:
    if not isinstance(x, list | tuple):
        raise InvalidArgumentError(f"expected a list of texts, got {quote(x)}")
    return tuple(_read_text(t) for t in x)


def _is_texts(x: object) -> bool:
    return isinstance(x, tuple) and all(_is_text(t) for t in x)


def _is_instant(x: object) -> bool:
    return isinstance(x, dt.datetime) and x.utcoffset() is not None


def _write_instant(x: dt.datetime) -> str:
    return x.isoformat()


#: Text shown as it is in every locale: ids, names, words a user wrote.
TEXT: Final = Kind("text", _is_text, str, _same, _read_text)
#: A whole number shown with its plain digits (``1200``).
INT: Final = Kind("int", _is_int, str, _same, _read_int)
#: A whole number of things, grouped by thousands (``1,200``).
COUNT: Final = Kind("count", _is_int, count_words, _same, _read_int)
#: A finite number, shown as Python's ``str`` shows it in English (``2.5``).
NUMBER: Final = Kind("number", _is_number, str, _same, _read_number)
#: A share as a fraction (``0.5``), shown as a whole percent (``50%``).
PERCENT: Final = Kind("percent", _is_number, "{:.0%}".format, _same, _read_number)
#: A duration, shown for a supervisor (``1 h 05 min``).
DURATION: Final = Kind(
    "duration",
    lambda x: isinstance(x, dt.timedelta),
    humanize,
    duration_to_iso,
    _read_duration,
)
#: An aware instant, shown in ISO 8601 in English.
INSTANT: Final = Kind(
    "instant", _is_instant, _write_instant, _write_instant, _read_instant
)
#: A list of texts (ids, skill names), joined by the template's own words.
TEXTS: Final = Kind("texts", _is_texts, ", ".join, list, _read_texts)


def _message_check(x: object) -> bool:
    from servicekit.messages._message import Message  # noqa: PLC0415 -- a cycle

    return _is_text(x) or isinstance(x, Message)


def _write_message(x: object) -> Any:
    from servicekit.messages._message import Message  # noqa: PLC0415 -- a cycle

    return x.to_dict() if isinstance(x, Message) else x


def _read_message(x: object) -> object:
    from servicekit.messages._message import Message  # noqa: PLC0415 -- a cycle

    if isinstance(x, dict):
        return Message.from_dict(x)
    return _read_text(x)


def _read_list(x: object) -> list[Any]:
    if not isinstance(x, list | tuple):
        raise InvalidArgumentError(f"expected a list, got {quote(x)}")
    return list(x)


def _is_messages(x: object) -> bool:
    return isinstance(x, tuple) and all(_message_check(m) for m in x)


def _write_messages(xs: tuple[object, ...]) -> list[Any]:
    return [_write_message(m) for m in xs]


def _read_messages(xs: object) -> tuple[object, ...]:
    return tuple(_read_message(m) for m in _read_list(xs))


#: Another message (or the plain text a custom routing policy gave), nested.
MESSAGE: Final = Kind("message", _message_check, str, _write_message, _read_message)


def _nested_list(name: str, separator: str) -> Kind:
    def english(xs: tuple[object, ...]) -> str:
        return separator.join(map(str, xs))

    return Kind(name, _is_messages, english, _write_messages, _read_messages)


#: Several nested messages, one after the other, ``"; "`` between them.
MESSAGES: Final = _nested_list("messages", "; ")
#: Several nested messages (or texts), ``", "`` between them.
PARTS: Final = _nested_list("parts", ", ")
#: Nested messages of which any one will do, ``" or "`` between them.
ALTERNATIVES: Final = _nested_list("alternatives", " or ")
#: A name a user may give or keep as built in (a routing policy's, a rating
#: dimension's): shown as it is, except that Chinese translates the built-in ones.
NAME: Final = Kind("name", _is_text, str, _same, _read_text)
#: Several such names, ``", "`` between them.
NAMES: Final = Kind("names", _is_texts, ", ".join, list, _read_texts)
#: Texts of which any one will do (``"billing or logistics"``).
TEXTS_OR: Final = Kind("texts_or", _is_texts, " or ".join, list, _read_texts)
#: A name quoted as Python writes it (``'vip'``): a rule's name inside a sentence;
#: Chinese quotes it in its own marks and translates the built-in ones, as NAME.
QUOTED: Final = Kind("quoted", _is_text, repr, _same, _read_text)


def describe_duration(delta: dt.timedelta) -> str:
    """Say a duration in days, hours, minutes and seconds (``"30 days"``, ``"1 h 30 min"``)."""
    sign = "-" if delta < dt.timedelta(0) else ""
    delta = abs(delta)
    days = delta.days
    hours, rest = divmod(delta.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = []
    if days:
        parts.append("1 day" if days == 1 else f"{days:,} days")
    if hours:
        parts.append(f"{hours} h")
    if minutes:
        parts.append(f"{minutes} min")
    if seconds or delta.microseconds or not parts:
        whole_seconds = (
            f"{seconds}"
            if not delta.microseconds
            else (f"{seconds}.{delta.microseconds:06d}".rstrip("0"))
        )
        parts.append(f"{whole_seconds} s")
    return sign + " ".join(parts)


#: A span of time in days, hours, minutes and seconds (``30 days``, ``12 h``).
SPAN: Final = Kind(
    "span",
    lambda x: isinstance(x, dt.timedelta),
    describe_duration,
    duration_to_iso,
    _read_duration,
)


def _words(value: str) -> str:
    return str(value).replace("_", "-")


def _term_value(x: str) -> str:
    # A member of a servicekit enum is written as its value; a plain text as itself.
    return str(getattr(x, "value", x))


def term(vocabulary: str, *, as_is: bool = False, spaced: bool = False) -> Kind:
    """Return the kind of a parameter naming a term of a servicekit vocabulary.

    ``vocabulary`` is the enum's class name (``"Tier"``). The parameter is a member
    or its value (an open vocabulary such as channels may hold values beyond the
    members). English shows the value with hyphens (``high-value``), with spaces
    when ``spaced`` (``first response``), or as it is with ``as_is`` (``send_sheet``,
    where a sentence has always named the identifier);
    Chinese shows its Chinese name (``高价值``); JSON holds the value.
    """
    return Kind(
        f"term:{vocabulary}",
        _is_str,
        _term_value
        if as_is
        else (lambda x: _term_value(x).replace("_", " "))
        if spaced
        else (lambda x: _words(_term_value(x))),
        _term_value,
        _read_text,
        vocabulary,
    )


def _is_str(x: object) -> bool:
    return isinstance(x, str)

"""Rendering messages per locale: gettext catalogs for words, Babel's CLDR for numbers.

English is the templates themselves (no catalog, no Babel). Simplified Chinese reads
the compiled catalog shipped in the package (``locale/zh_CN/LC_MESSAGES/
servicekit.mo``, through the standard library's ``gettext``) and formats numbers,
percentages, instants and durations with Babel, imported on first use so that the
core computes without it. Both are loaded once and kept (invisible memoisation: they
never change). Reading the catalog is the only I/O here, and only when a Chinese
text is asked for.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import importlib.resources
import re
import warnings
from typing import TYPE_CHECKING, Any, Final

from servicekit._names_zh import CHINESE_NAMES
from servicekit.errors import UnknownLocaleWarning
from servicekit.messages import _catalog
from servicekit.messages._message import Message

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from servicekit.messages._kinds import Kind

__all__ = ["LOCALES", "render", "render_one", "resolve_locale"]

#: The locales messages render in: English (the templates) and Simplified Chinese.
LOCALES: Final = ("en", "zh-CN")

_CHINESE = re.compile(r"zh(?:[-_](?:cn|sg|hans(?:[-_](?:cn|sg))?))?")


def resolve_locale(locale: str | None) -> str:
    """Return the locale of `LOCALES` that ``locale`` names, English if none.

    Accepts BCP 47 and POSIX spellings (``zh-CN``, ``zh_CN.UTF-8``, ``zh-Hans``,
    ``en_US``). ``None``, ``C`` and ``POSIX`` are English. Any other locale is
    English too, with an [`UnknownLocaleWarning`][servicekit.errors.UnknownLocaleWarning]
    naming the locales there are.

    Examples:
        >>> from servicekit.messages import resolve_locale
        >>> resolve_locale("zh_CN.UTF-8"), resolve_locale("en-GB"), resolve_locale(None)
        ('zh-CN', 'en', 'en')
    """
    if locale is None:
        return "en"
    text = locale.split(".", 1)[0].split("@", 1)[0].strip().lower()
    if text in {"", "c", "posix"} or text == "en" or text.startswith(("en-", "en_")):
        return "en"
    if _CHINESE.fullmatch(text):
        return "zh-CN"
    warnings.warn(
        f"no messages in locale {locale!r}; showing English. Locales available: {', '.join(LOCALES)}",
        UnknownLocaleWarning,
        stacklevel=3,
    )
    return "en"


def render(messages: Iterable[Message | str], locale: str | None = None) -> list[str]:
    """Return each message's text in ``locale`` (a plain text stays as it is).

    The locale is resolved once, so an unknown one gives one warning for the lot.

    Args:
        messages: messages (a decision's ``messages``, an alert's), or texts.
        locale: ``"zh-CN"``, ``"en"`` or None (English); see [`resolve_locale`][].

    Examples:
        >>> from servicekit.messages import Message, render
        >>> render([Message.of("routing.no_agent_now"), "a note"], "zh-CN")
        ['目前没有坐席能接单，工单留在队列中', 'a note']
    """
    lang = resolve_locale(locale)
    if lang == "en":
        return [str(m) for m in messages]
    return [_chinese(m) if isinstance(m, Message) else m for m in messages]


def render_one(message: Message, locale: str | None) -> str:
    """Return one message's text in ``locale`` (see [`render`][])."""
    if resolve_locale(locale) == "en":
        return str(message)
    return _chinese(message)


# ------------------------------------------------------------------ Simplified Chinese


@functools.cache
def _translations() -> gettext.GNUTranslations:
    path = (
        importlib.resources.files("servicekit.messages")
        / "locale"
        / "zh_CN"
        / "LC_MESSAGES"
        / "servicekit.mo"
    )
    with path.open("rb") as f:
        return gettext.GNUTranslations(f)


def _template(code: str, english: str) -> str:
    # pgettext gives back the English msgid when an entry is missing: the tests
    # hold every code to a translation, so that is never what a reader sees.
    return _translations().pgettext(code, english)


def _name_zh(name: str) -> str:
    return _translations().pgettext("name", name)


@functools.cache
def _babel() -> Any:
    import babel.dates  # noqa: PLC0415 -- the core computes without Babel
    import babel.lists  # noqa: PLC0415
    import babel.numbers  # noqa: PLC0415
    import babel.units  # noqa: PLC0415

    return babel


_ZH: Final = "zh_CN"


# Invisible memoisation of Babel's answers (pure functions of their arguments):
# a day's decisions say the same counts and durations again and again.
@functools.lru_cache(maxsize=4096)
def _number(x: float) -> str:
    return str(_babel().numbers.format_decimal(x, locale=_ZH))


@functools.lru_cache(maxsize=1024)
def _percent(x: float) -> str:
    return str(_babel().numbers.format_percent(x, locale=_ZH, format="#,##0%"))


@functools.lru_cache(maxsize=4096)
def _unit(n: int, unit: str) -> str:
    return str(_babel().units.format_unit(n, unit, locale=_ZH, length="long"))


@functools.lru_cache(maxsize=4096)
def _units(parts: tuple[tuple[int, str], ...]) -> str:
    texts = [_unit(n, unit) for n, unit in parts]
    return str(_babel().lists.format_list(texts, style="unit", locale=_ZH))


def _duration(delta: dt.timedelta) -> str:
    """``1小时30分钟``: as English's ``1 h 30 min``, seconds only under a minute."""
    total = int(delta.total_seconds())
    if total < 60:
        return _unit(total, "duration-second")
    hours, minutes = divmod(total // 60, 60)
    if hours == 0:
        return _unit(minutes, "duration-minute")
    return _units(((hours, "duration-hour"), (minutes, "duration-minute")))


def _span(delta: dt.timedelta) -> str:
    """``30天``, ``1天12小时``: every unit there is, as English's ``30 days 12 h``."""
    sign = "-" if delta < dt.timedelta(0) else ""
    delta = abs(delta)
    hours, rest = divmod(delta.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = tuple(
        (n, unit)
        for n, unit in (
            (delta.days, "duration-day"),
            (hours, "duration-hour"),
            (minutes, "duration-minute"),
            (seconds, "duration-second"),
        )
        if n
    )
    return sign + (_units(parts) if parts else _unit(0, "duration-second"))


def _instant(x: dt.datetime) -> str:
    b = _babel()
    date = b.dates.format_date(x, "long", locale=_ZH)
    time = b.dates.format_time(x, "short", locale=_ZH)
    return f"{date} {time}"


def _term(vocabulary: str, value: str) -> str:
    names = CHINESE_NAMES.get(vocabulary, {}).get(str(getattr(value, "value", value)))
    return names[0] if names else str(value)


def _join(items: Iterable[str], sep: str) -> str:
    return sep.join(items)


def _nested(x: Message | str) -> str:
    return _chinese(x) if isinstance(x, Message) else x


_FORMATS: Final[Mapping[str, Callable[[Any], str]]] = {
    "text": str,
    "int": str,
    "count": _number,
    "number": _number,
    "percent": _percent,
    "duration": _duration,
    "span": _span,
    "instant": _instant,
    "texts": lambda xs: _join(xs, "、"),
    "texts_or": lambda xs: _join(xs, "或"),
    "names": lambda xs: _join(map(_name_zh, xs), "、"),
    "name": _name_zh,
    "quoted": lambda x: f"“{_name_zh(x)}”",
    "message": _nested,
    "messages": lambda xs: _join(map(_nested, xs), "；"),
    "parts": lambda xs: _join(map(_nested, xs), "，"),
    "alternatives": lambda xs: _join(map(_nested, xs), "或"),
}


def _zh(kind: Kind, value: Any) -> str:
    if kind.vocabulary is not None:
        return _term(kind.vocabulary, value)
    return _FORMATS[kind.name](value)


def _chinese(message: Message) -> str:
    spec = _catalog.CODES[message.code]
    params = message.params
    return _template(spec.code, spec.template).format_map(
        {name: _zh(kind, params[name]) for name, kind in spec.kinds.items()}
    )

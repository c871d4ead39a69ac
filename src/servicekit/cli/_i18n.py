"""The command line's language: English, or Simplified Chinese with ``--lang zh-CN``.

One run speaks one language, chosen by ``--lang`` or, without it, by the environment
(``LC_ALL``, then ``LC_MESSAGES``, then ``LANG``, as gettext reads them); only the
command line reads the environment, never the core. ``main`` enters
[`speaking`][] for the run, and every text the command line writes goes through
``_()`` (a sentence or a label, extracted by ``pybabel extract`` into the one
catalog the messages use) or ``_p(context, text)`` (a name: a city, a policy, a
column). English is the source text itself, so an English run prints exactly what
it printed before there was a catalog. Numbers, percentages, instants and durations
in Chinese come from Babel's CLDR data (``12.5%``, ``2025年1月24日 17:40``,
``1小时30分钟``), imported on first use.

Examples:
    >>> from servicekit.cli._i18n import _, duration, percent, speaking
    >>> with speaking("zh-CN"):
    ...     _("requests"), percent(12.5), duration(5400)
    ('请求', '12.5%', '1小时30分钟')
    >>> _("requests"), percent(12.5), duration(5400)
    ('requests', '12.5 %', '1 h 30 min')
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import math
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Final

from servicekit._names_zh import CHINESE_NAMES
from servicekit.messages import LOCALES, Message, resolve_locale

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

__all__ = [
    "ENVIRONMENT",
    "N_",
    "N_p",
    "_",
    "_p",
    "chinese",
    "city",
    "duration",
    "instant",
    "lang",
    "locale_from",
    "percent",
    "say",
    "say_error",
    "speaking",
    "term",
    "weekday",
]

#: The variables that name the language of messages, in the order gettext reads them.
ENVIRONMENT: Final = ("LC_ALL", "LC_MESSAGES", "LANG")

_LANG: ContextVar[str] = ContextVar("servicekit_cli_lang", default="en")


def locale_from(environ: Mapping[str, str]) -> str | None:
    """The locale the environment asks for (the first of `ENVIRONMENT` that is set).

    Examples:
        >>> locale_from({"LANG": "zh_CN.UTF-8", "LC_ALL": ""})
        'zh_CN.UTF-8'
        >>> locale_from({}) is None
        True
    """
    for name in ENVIRONMENT:
        value = environ.get(name)
        if value:
            return value
    return None


@contextlib.contextmanager
def speaking(locale: str | None) -> Iterator[str]:
    """Speak ``locale`` (resolved as messages resolve it) inside the block.

    An unknown locale gives English, with one warning naming the locales there are.
    """
    token = _LANG.set(resolve_locale(locale))
    try:
        yield _LANG.get()
    finally:
        _LANG.reset(token)


def lang() -> str:
    """The locale of the run: one of `servicekit.messages.LOCALES`."""
    return _LANG.get()


def chinese() -> bool:
    """Whether the run speaks Chinese."""
    return _LANG.get() == LOCALES[1]


@functools.cache
def _catalog() -> Any:
    from servicekit.messages._render import _translations  # noqa: PLC0415

    return _translations()


def _(text: str) -> str:
    """``text`` in the run's language (``text`` itself in English)."""
    return _catalog().gettext(text) if chinese() else text


def _p(context: str, text: str) -> str:
    """A name in ``context`` (``"city"``, ``"policy"``) in the run's language."""
    return _catalog().pgettext(context, text) if chinese() else text


def N_(text: str) -> str:  # noqa: N802 -- gettext's name for "mark, do not translate"
    """Mark ``text`` for the catalog without translating it (``_()`` does, later)."""
    return text


def N_p(context: str, text: str) -> str:  # noqa: N802, ARG001
    """Mark a name in ``context`` for the catalog (``_p()`` translates it, later)."""
    return text


def city(name: str) -> str:
    """A city's name in the run's language (``北京`` for ``Beijing``)."""
    return _p("city", name)


def term(vocabulary: str, value: object) -> str | None:
    """A built-in enum value's Chinese name (``Priority``, ``high``), else None."""
    names = CHINESE_NAMES.get(vocabulary, {}).get(str(getattr(value, "value", value)))
    return names[0] if names else None


def say(message: Message | str) -> str:
    """A message (or a plain text a user gave) in the run's language."""
    return message.render(_LANG.get()) if isinstance(message, Message) else message


def say_error(error: BaseException) -> str:
    """An error's sentence in the run's language.

    A [`ServiceKitError`][servicekit.errors.ServiceKitError] with a structured
    ``message`` is said in the run's language; any other error (one the library
    gave no message, or not the library's) is its English ``str()``, as it was.

    Examples:
        >>> from servicekit.sla import parse_hours
        >>> try:
        ...     parse_hours("Mon 25:00-26:00")
        ... except ValueError as e:
        ...     error = e
        >>> with speaking("zh-CN"):
        ...     print(say_error(error))
        时间'25:00'超出范围；小时为 00-23（结束时间也可为 24:00），分钟和秒为 00-59
        >>> say_error(error) == str(error)
        True
    """
    message = getattr(error, "message", None)
    if isinstance(message, Message) and chinese():
        return message.render(_LANG.get())
    return str(error)


@functools.cache
def _babel() -> Any:
    import babel.dates  # noqa: PLC0415 -- only a Chinese run needs Babel
    import babel.numbers  # noqa: PLC0415
    import babel.units  # noqa: PLC0415

    return babel


_ZH: Final = "zh_CN"


def percent(value: float, digits: int = 1) -> str:
    """A percentage (of 100) as the locale writes it: ``12.5 %`` or ``12.5%``."""
    if not chinese():
        return f"{value:.{digits}f} %"
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return str(_babel().numbers.format_percent(value / 100, pattern, locale=_ZH))


def _unit(n: int, unit: str, *, pad: bool = False) -> str:
    text = str(_babel().units.format_unit(n, unit, locale=_ZH, length="short"))
    return text.replace(str(n), f"{n:02d}", 1) if pad else text


def duration(seconds: object) -> str:
    """A duration: its largest unit and the next (``2 min 01 s``, ``2分钟01秒``).

    Anything that is not a finite number reads ``n/a`` (``不适用``).

    Examples:
        >>> [duration(45), duration(180), duration(57_660), duration(187_200)]
        ['45 s', '3 min 00 s', '16 h 01 min', '2 d 04 h']
    """
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        return _("n/a")
    if not math.isfinite(seconds):
        return _("n/a")
    total = max(0, round(seconds))
    zh = chinese()
    if total < 60:
        return _unit(total, "duration-second") if zh else f"{total} s"
    if total < 3600:
        m, s = divmod(total, 60)
        if zh:
            return _unit(m, "duration-minute") + _unit(s, "duration-second", pad=True)
        return f"{m} min {s:02d} s"
    hours, minutes = divmod(round(total / 60), 60)
    if hours < 24:
        if zh:
            return _unit(hours, "duration-hour") + _unit(
                minutes, "duration-minute", pad=True
            )
        return f"{hours} h {minutes:02d} min"
    d, h = divmod(hours, 24)
    if zh:
        return _unit(d, "duration-day") + _unit(h, "duration-hour", pad=True)
    return f"{d} d {h:02d} h"


def weekday(day: dt.date, *, long: bool = False) -> str:
    """A day's name in the run's language: ``Fri`` or ``周五`` (``Friday``, ``星期五``)."""
    if not chinese():
        return f"{day:%A}" if long else f"{day:%a}"
    b = _babel()
    return str(b.dates.format_date(day, "EEEE" if long else "EEE", locale=_ZH))


def instant(iso: str) -> str:
    """An ISO instant as the locale writes it, to the minute (local time kept).

    English keeps the ISO text; Chinese reads ``2025年1月24日 17:40``.
    """
    if not chinese():
        return iso
    at = dt.datetime.fromisoformat(iso)
    b = _babel()
    return f"{b.dates.format_date(at, 'long', locale=_ZH)} {at:%H:%M}"


# The demo's cities and time zone, named in Chinese in a Chinese run.
PLACES: Final = (
    N_p("zone", "Asia/Shanghai"),
    N_p("city", "Beijing"),
    N_p("city", "Shanghai"),
    N_p("city", "Shenzhen"),
    N_p("city", "Guangzhou"),
    N_p("city", "Hangzhou"),
    N_p("city", "Chengdu"),
    N_p("city", "Chongqing"),
    N_p("city", "Wuhan"),
    N_p("city", "Nanjing"),
    N_p("city", "Xi'an"),
    N_p("city", "Tianjin"),
    N_p("city", "Suzhou"),
    N_p("city", "Changsha"),
    N_p("city", "Zhengzhou"),
    N_p("city", "Qingdao"),
    N_p("city", "Shenyang"),
    N_p("city", "Dalian"),
    N_p("city", "Xiamen"),
    N_p("city", "Jinan"),
    N_p("city", "Harbin"),
    N_p("city", "Fuzhou"),
    N_p("city", "Kunming"),
    N_p("city", "Hefei"),
    N_p("city", "Nanning"),
    N_p("city", "Shijiazhuang"),
    N_p("city", "Taiyuan"),
    N_p("city", "Guiyang"),
    N_p("city", "Urumqi"),
    N_p("city", "Hohhot"),
    N_p("city", "Lanzhou"),
    N_p("city", "Xining"),
    N_p("city", "Lhasa"),
)

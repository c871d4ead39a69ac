"""``servicekit due``: a deadline on a business calendar, and how it was reached.

The command builds a ``servicekit.sla.BusinessCalendar`` from its options, adds
business time (``--within``) or business days (``--business-days``) to ``--start``,
and lists the open stretches counted and the closed ones skipped between them (night,
weekend, breaks, public holidays by name, and make-up working days counted as open).
It never reads the clock: the start is always given.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from typing import TYPE_CHECKING, Any, TextIO

import attrs
import holidays as holidays_lib

from servicekit._boundary import quote
from servicekit._iso import duration_to_iso
from servicekit.cli._format import cells, pad, wrap
from servicekit.cli._i18n import N_, _, chinese, say_error, weekday
from servicekit.cli._inputs import (
    FIRST_YEAR,
    LAST_YEAR,
    CliError,
    check_zone,
    format_duration,
    format_instant,
    parse_instant,
    parse_seconds,
    seconds_delta,
    whole_number,
)
from servicekit.errors import (
    CalendarNeverOpensError,
    CalendarRangeError,
    ServiceKitError,
)
from servicekit.sla import BusinessCalendar, parse_hours

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence

    import pendulum

_DEFAULT_HOURS = "Mon-Fri 09:00-18:00"
# Above _SHOW_ALL stretches the table shows the first _HEAD and the last _TAIL.
_SHOW_ALL = 40
_HEAD = 20
_TAIL = 10

EPILOG = N_("""\
examples:
  servicekit due --tz Asia/Shanghai --country CN \\
      --hours "Mon-Fri 09:00-12:00,13:30-18:00" --start 2025-01-24T17:40 --within 4h
  servicekit due --tz Europe/Berlin --country DE --start 2025-12-23T15:00 \\
      --business-days 2 --json

--start without an offset is wall-clock time in --tz. --within counts working time
(6m, 4h, 1h30m, 2d = 48 working hours); --business-days N means by close of business
on the N-th business day after the start's date.
""")


NAME = "due"
HELP = N_("a deadline in business hours or days, and the closed periods skipped")
DESCRIPTION = N_(
    "Add business time to an instant on a business calendar and show "
    "how the deadline was reached: the open stretches counted and the closed "
    "periods skipped (night, weekend, breaks, public holidays, make-up days)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``due`` command's options (the parser itself is made by ``_app``)."""
    parser.add_argument(
        "--tz",
        required=True,
        help=_("the calendar's IANA time zone, e.g. Asia/Shanghai"),
    )
    parser.add_argument(
        "--country",
        help=_(
            "public holidays of this country (holidays package code, e.g. CN, US, DE); "
            "none when omitted"
        ),
    )
    parser.add_argument(
        "--subdiv", help=_("a subdivision of --country, e.g. CA for US")
    )
    parser.add_argument(
        "--hours",
        default=_DEFAULT_HOURS,
        help=_(
            'weekly working hours (default "{hours}"); segments separated '
            'by ";", e.g. "Mon-Fri 09:00-12:00,13:30-18:00; Sat 10:00-14:00"'
        ).format(hours=_DEFAULT_HOURS),
    )
    parser.add_argument(
        "--start",
        required=True,
        help=_("ISO-8601 instant; without an offset it is wall-clock time in --tz"),
    )
    amount = parser.add_mutually_exclusive_group(required=True)
    amount.add_argument("--within", help=_("business time to add: 4h, 30m, 1h30m…"))
    amount.add_argument(
        "--business-days",
        type=whole_number,
        metavar="N",
        help=_("close of business on the N-th business day after the start's date"),
    )
    parser.add_argument("--json", action="store_true", help=_("print JSON instead"))


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Compute the deadline and print it with the stretches that led to it."""
    del err
    tz = check_zone(args.tz, what="--tz")
    args.country, args.subdiv = _holiday_codes(args.country, args.subdiv)
    calendar = _calendar(args, tz)
    start = parse_instant(args.start, tz=tz, what="--start").in_tz(tz)
    if args.within is not None:
        bare_zero = args.within.strip() == "0"
        seconds = 0.0 if bare_zero else parse_seconds(args.within, what="--within")
        delta = seconds_delta(seconds, what="--within")
        amount = _("{hours} business hours").format(hours=format_duration(delta))
        deadline = _library(
            lambda: calendar.add(start, delta), "--within", amount, start
        )
    else:
        if args.business_days < 0:
            raise CliError(
                _("--business-days: must be 0 or more, got {business_days}").format(
                    business_days=args.business_days
                )
            )
        days = args.business_days
        delta = None
        amount = (
            _("1 business day")
            if days == 1
            else _("{n} business days").format(n=f"{days:,}")
        )
        deadline = _library(
            lambda: calendar.add_business_days(start, days),
            "--business-days",
            amount,
            start,
        )
    stretches = _stretches(
        calendar, start, deadline, _holiday_names(args, start, deadline)
    )
    if args.json:
        text = json.dumps(
            {
                "timezone": tz,
                "hours": args.hours,
                "country": args.country,
                "start": start.isoformat(),
                "within": None if delta is None else duration_to_iso(delta),
                "business_days": args.business_days,
                "deadline": deadline.isoformat(),
                "business_time": duration_to_iso(_worked(stretches)),
                "stretches": [s.to_json() for s in stretches],
            },
            ensure_ascii=False,
            indent=2,
        )
    else:
        text = _table(
            args=args,
            tz=tz,
            start=start,
            deadline=deadline,
            amount=amount,
            stretches=stretches,
        )
    print(text, file=out)
    return 0


def _library(
    compute: Callable[[], pendulum.DateTime],
    option: str,
    amount: str,
    start: pendulum.DateTime,
) -> pendulum.DateTime:
    """Call the calendar; its errors are said in the user's terms, naming the option.

    A deadline beyond the supported years is the amount's fault, unless the start
    itself lies in the first or last supported year (then any amount may cross).
    """
    try:
        return compute()
    except CalendarRangeError:
        near_end = start.year in {FIRST_YEAR, LAST_YEAR}
        blamed = "--start" if near_end else option
        raise CliError(
            _(
                "{blamed}: the deadline {amount} after {start} lies beyond the years servicekit supports, {first_year} to {last_year}"
            ).format(
                blamed=blamed,
                amount=amount,
                start=format_instant(start),
                first_year=FIRST_YEAR,
                last_year=LAST_YEAR,
            )
        ) from None
    except CalendarNeverOpensError:
        raise CliError(
            _(
                "--hours: the calendar never opens after {start}, so {amount} can never be counted; check --hours and --country"
            ).format(start=format_instant(start), amount=amount)
        ) from None
    except ServiceKitError as error:
        raise CliError(
            _("{option}: {value}").format(option=option, value=say_error(error))
        ) from None


def _holiday_codes(
    country: str | None, subdiv: str | None
) -> tuple[str | None, str | None]:
    """``--country`` and ``--subdiv`` as the holidays package spells them (any case)."""
    if country is None:
        if subdiv is not None:
            raise CliError(_("--subdiv needs --country"))
        return None, None
    supported = holidays_lib.list_supported_countries()
    code = country.strip().upper()
    if code not in supported:
        raise CliError(
            _(
                "--country: no public holidays are known for {country}; use a two-letter country code such as CN, US or DE"
            ).format(country=quote(country))
        )
    if subdiv is None:
        return code, None
    choices = {s.upper(): s for s in supported[code]}
    found = choices.get(subdiv.strip().upper())
    if found is None:
        listed = ", ".join(list(choices.values())[:12])
        more = ", …" if len(choices) > 12 else ""
        known = (
            _("its subdivisions are {listed}").format(listed=listed + more)
            if choices
            else _("it has none")
        )
        raise CliError(
            _("--subdiv: {code} has no subdivision {subdiv}; {known}").format(
                code=code, subdiv=quote(subdiv), known=known
            )
        )
    return code, found


def _calendar(args: argparse.Namespace, tz: str) -> BusinessCalendar:
    try:
        weekly = parse_hours(args.hours)
    except ServiceKitError as error:
        raise CliError(_("--hours: {value}").format(value=say_error(error))) from None
    try:
        if args.country is None:
            return BusinessCalendar(timezone=tz, weekly_hours=weekly)
        return BusinessCalendar.for_country(
            args.country, timezone=tz, weekly_hours=weekly, subdiv=args.subdiv
        )
    except ServiceKitError as error:
        option = "--hours" if args.country is None else "--country"
        raise CliError(
            _("{option}: {value}").format(option=option, value=say_error(error))
        ) from None


def _holiday_names(
    args: argparse.Namespace, start: dt.datetime, deadline: dt.datetime
) -> dict[dt.date, str]:
    if args.country is None:
        return {}
    years = range(
        min(start.year, deadline.year) - 1, max(start.year, deadline.year) + 2
    )
    found = holidays_lib.country_holidays(args.country, subdiv=args.subdiv, years=years)
    if chinese() and "zh_CN" in found.supported_languages:
        # The holidays package names a country's holidays in Chinese where it can.
        found = holidays_lib.country_holidays(
            args.country, subdiv=args.subdiv, years=years, language="zh_CN"
        )
    return {day: str(name) for day, name in found.items()}


@attrs.frozen(kw_only=True)
class _Stretch:
    """One open stretch counted, or one closed period skipped."""

    open: bool
    start: pendulum.DateTime
    end: pendulum.DateTime
    notes: tuple[str, ...]

    @property
    def duration(self) -> dt.timedelta:
        # Elapsed time, not wall-clock difference: across a DST change a stretch
        # from 00:00 to 24:00 lasts 23 or 25 hours. A plain timedelta, not a
        # pendulum Interval.
        return dt.datetime.__sub__(
            self.end.astimezone(dt.UTC), self.start.astimezone(dt.UTC)
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": "open" if self.open else "closed",
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }
        if self.open:
            out["duration"] = duration_to_iso(self.duration)
        out["notes"] = list(self.notes)
        return out


def _worked(stretches: list[_Stretch]) -> dt.timedelta:
    return sum((s.duration for s in stretches if s.open), dt.timedelta(0))


def _stretches(
    calendar: BusinessCalendar,
    start: pendulum.DateTime,
    deadline: pendulum.DateTime,
    names: dict[dt.date, str],
) -> list[_Stretch]:
    out: list[_Stretch] = []
    previous_end: pendulum.DateTime | None = None
    cursor = start
    for a, b in calendar.working_periods(start, deadline):
        if a > cursor:
            out.append(
                _Stretch(
                    open=False,
                    start=cursor,
                    end=a,
                    notes=tuple(
                        _closed_notes(
                            calendar,
                            cursor,
                            a,
                            names,
                            after_open=previous_end is not None,
                        )
                    ),
                )
            )
        noted = previous_end is not None and previous_end.date() == a.date()
        notes = () if noted else tuple(_open_notes(calendar, a))
        out.append(_Stretch(open=True, start=a, end=b, notes=notes))
        previous_end = cursor = b
    return out


def _is_make_up_day(calendar: BusinessCalendar, day: dt.date) -> bool:
    return day in calendar.workdays or day in calendar.holidays.workdays_in(day.year)


def _open_notes(calendar: BusinessCalendar, at: dt.datetime) -> list[str]:
    day = at.date()
    if not calendar.weekly_hours[day.weekday()] and _is_make_up_day(calendar, day):
        return [
            _("{day} is a make-up working day (调休), counted as open").format(
                day=f"{weekday(day)} {day.isoformat()}"
            )
        ]
    return []


def _closed_notes(
    calendar: BusinessCalendar,
    a: pendulum.DateTime,
    b: pendulum.DateTime,
    names: dict[dt.date, str],
    *,
    after_open: bool,
) -> list[str]:
    first, last = a.date(), b.date()
    if first == last:
        if not after_open:
            return [_("before opening")]
        lunch = dt.time(11) <= a.time() and b.time() <= dt.time(15)
        return [_("lunch break") if lunch else _("break")]
    notes: list[str] = []
    day = first
    if calendar.is_business_day(first):
        notes.append(_("night") if after_open else _("after closing"))
        day = first + dt.timedelta(days=1)
    runs: list[tuple[dt.date, dt.date, str]] = []
    while day < last:
        why = _closed_day(calendar, day, names)
        if runs and runs[-1][2] == why and runs[-1][1] == day - dt.timedelta(days=1):
            runs[-1] = (runs[-1][0], day, why)
        else:
            runs.append((day, day, why))
        day += dt.timedelta(days=1)
    for lo, hi, why in runs:
        span = f"{weekday(lo)} {lo.isoformat()}"
        if hi != lo:
            span += f" – {weekday(hi)} {hi.isoformat()}"
        notes.append(_("{span}: {why}").format(span=span, why=why))
    return notes


def _closed_day(
    calendar: BusinessCalendar, day: dt.date, names: dict[dt.date, str]
) -> str:
    if calendar.is_business_day(day):
        # Open for a night shift only, or open outside [a, b): nothing to explain.
        return _("working day")  # pragma: no cover - a gap spans closed days only
    if day in calendar.holidays.dates_in(day.year):
        if day in names:
            return _("public holiday, {name}").format(name=names[day])
        return _("public holiday")
    if not calendar.weekly_hours[day.weekday()]:
        if day.weekday() >= 5:
            return _("weekend")
        return _("no working hours on {day}s").format(day=weekday(day, long=True))
    return _("closed")  # pragma: no cover - every closed day is one of the above


def _day(at: dt.datetime) -> str:
    return f"{weekday(at)} {at:%Y-%m-%d}"


def _clock(at: dt.datetime) -> str:
    """The wall-clock time, with its UTC offset when the clock shows it twice.

    In a repeated (fall-back) hour ``01:30`` names two instants an hour apart, so a
    stretch from the first to the second would read "01:30 – 01:30".
    """
    text = f"{at:%H:%M:%S}" if at.second or at.microsecond else f"{at:%H:%M}"
    if _repeated(at):
        offset = at.strftime("%z")
        text += f" {offset[:3]}:{offset[3:]}"
    return text


def _repeated(at: dt.datetime) -> bool:
    """Whether ``at``'s wall-clock time occurs twice in its zone (a fall-back hour)."""
    zone = zoneinfo.ZoneInfo(at.tzinfo.name)  # type: ignore[union-attr]
    wall = dt.datetime(  # noqa: DTZ001 -- a wall-clock time, read in ``zone`` below
        at.year, at.month, at.day, at.hour, at.minute, at.second, at.microsecond
    )
    first = wall.replace(tzinfo=zone, fold=0).utcoffset()
    return first != wall.replace(tzinfo=zone, fold=1).utcoffset()


def _table(
    *,
    args: argparse.Namespace,
    tz: str,
    start: pendulum.DateTime,
    deadline: pendulum.DateTime,
    amount: str,
    stretches: list[_Stretch],
) -> str:
    holidays_text = (
        _("no public holidays (give --country)")
        if args.country is None
        else _("public holidays of {country}").format(
            country=args.country + ("" if args.subdiv is None else f"-{args.subdiv}")
        )
    )
    lines = [
        _("Deadline: {deadline} ({zone})").format(
            deadline=format_instant(deadline), zone=tz
        ),
        _("{amount} from {start}").format(amount=amount, start=format_instant(start)),
        _("Hours: {hours}; {holidays}").format(
            hours=args.hours, holidays=holidays_text
        ),
    ]
    if not stretches:
        lines.append(_("No working time is needed: the deadline is the start."))
        return "\n".join(lines)
    lines += [_("Times below are wall-clock times in {zone}.").format(zone=tz), ""]
    total = dt.timedelta(0)
    for index, s in enumerate(stretches):
        if s.open:
            total += s.duration
        if len(stretches) > _SHOW_ALL and _HEAD <= index < len(stretches) - _TAIL:
            if index == _HEAD:
                hidden = len(stretches) - _HEAD - _TAIL
                lines.append(
                    "  "
                    + _("… {n} more stretches (--json lists them all) …").format(
                        n=f"{hidden:,}"
                    )
                )
            continue
        same_day = s.start.date() == s.end.date()
        end = _clock(s.end) if same_day else f"{_day(s.end)} {_clock(s.end)}"
        span = f"{_day(s.start)} {_clock(s.start)} – {end}"
        counted, skipped = _("counted"), _("skipped")
        if s.open:
            text = (
                f"  {pad(counted, 7)}  {pad(span, 36)} "
                f"{pad(format_duration(s.duration), 6, right=True)}  "
                + _("total {total}").format(total=format_duration(total))
            )
        else:
            text = f"  {pad(skipped, 7)}  {span}"
        lines += _with_notes(text, s.notes)
    return "\n".join(lines)


_WIDTH = 100  # the text reports' width (issue 12)
_NOTE_INDENT = " " * 11  # under the span: "  skipped  "


def _with_notes(text: str, notes: Sequence[str]) -> list[str]:
    """A stretch's row and its notes, within 100 columns.

    Notes go beside the row while they fit, then on lines of their own under the
    span (a week of holidays and make-up days), a note never split unless it is
    longer than a line by itself.
    """
    out: list[str] = []
    line = text.rstrip()
    gap = "  "  # between the row and its first note
    end = _("; ").rstrip()
    for i, note in enumerate(notes):
        piece = note + (end if i < len(notes) - 1 else "")
        if cells(line) + len(gap) + cells(piece) <= _WIDTH:
            line += gap + piece
        else:
            out.append(line)
            wrapped = wrap(piece, _WIDTH, _NOTE_INDENT)
            out += wrapped[:-1]
            line = wrapped[-1]
        gap = " " if _("; ") == "; " else ""
    out.append(line)
    return out

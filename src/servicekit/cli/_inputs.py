"""Reading the command line's values and input files, and writing output files.

Everything here turns text into library values or raises ``CliError`` with a
message naming the file, the line and the field that were wrong, so ``main`` can
print it and exit with status 2. Output files are written atomically (a temporary
file in the same directory, then a rename): a failed run never leaves half a file.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import io
import json
import math
import os
import re
import stat
import zoneinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NoReturn, TypeVar

import pendulum

from servicekit._boundary import MAX_DEPTH, check_depth, quote
from servicekit.cli._i18n import _, _p, percent, say, say_error, weekday
from servicekit.errors import ServiceKitError
from servicekit.messages import Message

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

_R = TypeVar("_R")


class CliError(ServiceKitError, ValueError):
    """A wrong command-line value or input file; ``main`` prints it and returns 2.

    Examples:
        >>> str(CliError("no such file", source="events.jsonl", line=3, field="at"))
        'events.jsonl, line 3, field "at": no such file'
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.source = source
        self.line = line
        self.field = field
        where = []
        if source is not None:
            where.append(source)
        if line is not None:
            where.append(_("line {line}").format(line=line))
        if field is not None:
            where.append(_('field "{field}"').format(field=field))
        super().__init__(
            _("{where}: {message}").format(where=_(", ").join(where), message=message)
            if where
            else message
        )


# timedelta's own limit, 999,999,999 days: a duration any longer cannot be held.
_LONGEST_SECONDS = dt.timedelta.max.days * 86400
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1, "ms": 0.001}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|d|h|m|s)")


def parse_seconds(text: str, *, what: str) -> float:
    """Seconds in a duration such as ``6m``, ``4h``, ``1h30m``, ``20s`` or ``1.5h``.

    Examples:
        >>> parse_seconds("1h30m", what="--within"), parse_seconds("20s", what="x")
        (5400.0, 20.0)
    """
    compact = text.strip().lower().replace(" ", "")
    pos = 0
    total = 0.0
    for match in _DURATION.finditer(compact):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        pos = match.end()
    if not compact or pos != len(compact):
        raise CliError(
            _(
                "{what}: cannot read {value} as a duration; write it like 6m, 4h, 1h30m, 20s or 2d"
            ).format(what=what, value=quote(text))
        )
    if not total < _LONGEST_SECONDS:
        raise CliError(
            _("{what}: {value} is too long; the most is {value2} days").format(
                what=what, value=quote(text), value2=f"{_LONGEST_SECONDS // 86400:,}"
            )
        )
    return total


def _display(path: str | os.PathLike[str]) -> str:
    """The name an error shows for ``path``: as the user typed it."""
    return os.fspath(path)


def input_path(text: str, *, what: str) -> str:
    r"""``text`` if it can name a file to read, else a ``CliError`` naming ``what``.

    The operating system cannot open a name with a NUL character in it, and Python
    raises ``ValueError`` before even trying.

    Examples:
        >>> input_path("events.jsonl", what="EVENTS")
        'events.jsonl'
        >>> input_path("a\x00b", what="EVENTS")
        Traceback (most recent call last):
        ...
        servicekit.cli._inputs.CliError: EVENTS: 'a\x00b' cannot be a file name: it holds a NUL character
    """
    if "\0" in text:
        raise CliError(
            _("{what}: {value} cannot be a file name: it holds a NUL character").format(
                what=what, value=f"{text!r}"
            )
        )
    return text


def read_text(path: str | os.PathLike[str]) -> str:
    """The whole UTF-8 text of ``path``, or a ``CliError`` saying what is wrong.

    Examples:
        >>> read_text("no/such/file.jsonl")
        Traceback (most recent call last):
        ...
        servicekit.cli._inputs.CliError: no/such/file.jsonl: no such file
    """
    name = _display(path)
    target = Path(path)
    if "\0" in str(
        target
    ):  # the system cannot open such a name; Python says ValueError
        raise CliError(
            _("cannot be a file name: it holds a NUL character"), source=name
        )
    if target.is_dir():
        raise CliError(_("is a directory; give the file inside it"), source=name)
    try:
        data = target.read_bytes()
    except FileNotFoundError:
        raise CliError(_("no such file"), source=name) from None
    except OSError as error:
        raise CliError(
            _("cannot read it: {strerror}").format(strerror=error.strerror or error),
            source=name,
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CliError(
            _("is not UTF-8 text; save it as UTF-8"), source=name, line=line
        ) from None


def read_json(path: str | os.PathLike[str]) -> Any:
    r"""The JSON value in ``path``; unreadable JSON names the line.

    Examples:
        >>> import pathlib, tempfile
        >>> bad = pathlib.Path(tempfile.mkdtemp()) / "p.json"
        >>> _ = bad.write_text('{"policies":\n [}')
        >>> read_json(bad)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        servicekit.cli._inputs.CliError: .../p.json, line 2: not JSON: Expecting value (column 3)
    """
    text = read_text(path)
    try:
        value = json.loads(text)
    except RecursionError:  # nested far deeper than MAX_DEPTH
        raise CliError(_too_deep("the file"), source=_display(path)) from None
    except json.JSONDecodeError as error:
        raise CliError(
            _("not JSON: {msg} (column {colno})").format(
                msg=error.msg, colno=error.colno
            ),
            source=_display(path),
            line=error.lineno,
        ) from None
    except ValueError as error:  # a number too long to convert (Python's digit limit)
        raise CliError(
            _("not usable JSON: {value}").format(value=error), source=_display(path)
        ) from None
    try:
        check_depth(value, "the file")
    except ServiceKitError as error:
        raise CliError(say_error(error), source=_display(path)) from None
    return value


def read_json_lines(path: str | os.PathLike[str]) -> list[tuple[int, Any]]:
    r"""``(line number, value)`` for every non-blank line of a JSON-lines file.

    Examples:
        >>> import pathlib, tempfile
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "e.jsonl"
        >>> _ = f.write_text('{"a": 1}\n\n[2]\n')
        >>> read_json_lines(f)
        [(1, {'a': 1}), (3, [2])]
    """
    out: list[tuple[int, Any]] = []
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append((number, json.loads(line)))
        except json.JSONDecodeError as error:
            raise CliError(
                _("not JSON: {msg} (column {colno})").format(
                    msg=error.msg, colno=error.colno
                ),
                source=_display(path),
                line=number,
            ) from None
        except ValueError as error:  # a number too long to convert
            raise CliError(
                _("not usable JSON: {value}").format(value=error),
                source=_display(path),
                line=number,
            ) from None
    return out


class JsonLines:
    """A JSON-lines file read one line at a time, never whole.

    ``lines`` yields ``(line number, byte offset, value)`` for each non-blank line;
    when the file is a regular file (``seekable``), ``read_at`` reads one line
    again from its offset, so a caller can keep offsets instead of values.
    """

    def __init__(self, name: str, handle: BinaryIO, *, seekable: bool) -> None:
        self.name = name
        self.seekable = seekable
        self._handle = handle
        self._position = -1

    def lines(self) -> Iterator[tuple[int, int, Any]]:
        if self.seekable:
            self._read(self._handle.seek, 0)
        self._position = -1
        offset = 0
        numbered = enumerate(self._handle, start=1)
        while (item := self._read(next, numbered, None)) is not None:
            number, raw = item
            here, offset = offset, offset + len(raw)
            value = self._parse(raw, number, first=here == 0)
            if value is not _BLANK:
                yield number, here, value

    def read_at(self, offset: int, number: int) -> Any:
        # A seek drops the read buffer: skip it when the line is the next one
        # (a ticket's lines are usually consecutive), or each line costs a read.
        if offset != self._position:
            self._read(self._handle.seek, offset)
        raw: bytes = self._read(self._handle.readline)
        self._position = offset + len(raw)
        return self._parse(raw, number, first=offset == 0)

    def _read(self, step: Callable[..., _R], *args: Any) -> _R:
        """``step(*args)``, a read of the file: its failure is the file's, named.

        Only reads are translated: an error of the caller's between two lines (a
        closed standard output, say) passes through as it is.
        """
        try:
            return step(*args)
        except OSError as error:
            raise CliError(
                _("cannot read it: {strerror}").format(
                    strerror=error.strerror or error
                ),
                source=self.name,
            ) from None

    def _parse(self, raw: bytes, number: int, *, first: bool) -> Any:
        try:
            text = raw.decode("utf-8-sig" if first else "utf-8")
        except UnicodeDecodeError:
            raise CliError(
                _("is not UTF-8 text; save it as UTF-8"), source=self.name, line=number
            ) from None
        if not text.strip():
            return _BLANK
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise CliError(
                _("not JSON: {msg} (column {colno})").format(
                    msg=error.msg, colno=error.colno
                ),
                source=self.name,
                line=number,
            ) from None
        except ValueError as error:  # a number too long to convert
            raise CliError(
                _("not usable JSON: {value}").format(value=error),
                source=self.name,
                line=number,
            ) from None
        except RecursionError:  # nested far deeper than MAX_DEPTH
            raise CliError(
                _too_deep("the line"), source=self.name, line=number
            ) from None
        # Nesting deeper than MAX_DEPTH needs more brackets than that: a line with
        # fewer (nearly all) skips the walk, which costs more than the parse.
        if text.count("[") + text.count("{") > MAX_DEPTH:
            try:
                check_depth(value, "the line")
            except ServiceKitError as error:
                raise CliError(
                    say_error(error), source=self.name, line=number
                ) from None
        return value


_BLANK: Any = object()


def _too_deep(what: str) -> str:
    return say(Message.of("error.nests_too_deep", what=what, limit=MAX_DEPTH))


@contextlib.contextmanager
def open_json_lines(path: str) -> Iterator[JsonLines]:
    r"""Open a JSON-lines file for reading line by line, or say what is wrong with it.

    Examples:
        >>> import pathlib, tempfile
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "e.jsonl"
        >>> _ = f.write_text('{"a": 1}\n\n[2]\n')
        >>> with open_json_lines(str(f)) as source:
        ...     list(source.lines())
        [(1, 0, {'a': 1}), (3, 10, [2])]
    """
    if "\0" in path:
        raise CliError(
            _("cannot be a file name: it holds a NUL character"), source=path
        )
    if Path(path).is_dir():
        raise CliError(_("is a directory; give the file inside it"), source=path)
    try:
        handle = Path(path).open("rb")  # noqa: SIM115 -- closed below
    except FileNotFoundError:
        raise CliError(_("no such file"), source=path) from None
    except OSError as error:
        raise CliError(
            _("cannot read it: {strerror}").format(strerror=error.strerror or error),
            source=path,
        ) from None
    with handle:
        seekable = stat.S_ISREG(os.fstat(handle.fileno()).st_mode)
        yield JsonLines(path, handle, seekable=seekable)


def read_csv(
    path: str | os.PathLike[str],
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    r"""The header and ``(line number, row)`` pairs of a CSV file with a header line.

    Cells are stripped of surrounding spaces; blank lines are skipped. The file is
    read strictly: a row with more or fewer cells than the header, a quoted field
    that is never closed (it would swallow the rest of the file), text after a
    closing quote, an empty file or a duplicated column name is an error naming the
    line (and the column when there is one).

    Examples:
        >>> import pathlib, tempfile
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
        >>> _ = f.write_text("city,nps\nHohhot,9\nBaotou, 7\n")
        >>> read_csv(f)
        (['city', 'nps'], [(2, {'city': 'Hohhot', 'nps': '9'}), (3, {'city': 'Baotou', 'nps': '7'})])
        >>> _ = f.write_text('city,nps\nHohhot,9\n"Baotou,7\nOrdos,8\n')
        >>> read_csv(f)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        servicekit.cli._inputs.CliError: .../r.csv, line 3, field "city": a quoted field is never closed...
    """
    name = _display(path)
    lines = io.StringIO(read_text(path), newline="").readlines()
    reader = csv.reader(lines, strict=True)
    try:
        header = [cell.strip() for cell in next(reader)]
    except StopIteration:
        raise CliError(
            _("is empty; it needs a header line naming the columns"), source=name
        ) from None
    except csv.Error as error:
        _csv_error(
            error, name, lines, first_line=1, header=[], stopped_at=reader.line_num
        )
    seen: set[str] = set()
    for column in header:
        if not column:
            raise CliError(_("a column has no name in the header"), source=name, line=1)
        if column in seen:
            raise CliError(
                _("the column {column} appears twice").format(column=f"{column!r}"),
                source=name,
                line=1,
            )
        seen.add(column)
    rows: list[tuple[int, dict[str, str]]] = []
    while True:
        first_line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            _csv_error(
                error,
                name,
                lines,
                first_line=first_line,
                header=header,
                stopped_at=reader.line_num,
            )
        if reader.line_num == len(lines):
            _check_closed(name, lines, first_line, header)
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            more = len(cells) > len(header)
            raise CliError(
                f"{len(cells)} cells but the header names {len(header)} columns"
                + ("" if more else "; this column is missing"),
                source=name,
                line=reader.line_num,
                field=None if more else header[len(cells)],
            )
        rows.append(
            (
                reader.line_num,
                {h: c.strip() for h, c in zip(header, cells, strict=True)},
            )
        )
    return header, rows


_END_PROBE = "\x1fservicekit end of file\x1f"


def _open_quote(lines: list[str], first_line: int) -> list[str] | None:
    """The cells of the record at ``first_line`` if it ends inside a quoted field.

    Python's ``csv`` may end such a record quietly at the end of the file; read the
    rest of the file again with one more line after it: if that line lands inside a
    cell instead of on its own row, the quote was never closed.
    """
    tail = "".join(lines[first_line - 1 :]) + "\n" + _END_PROBE + "\n"
    try:
        records = list(csv.reader(io.StringIO(tail, newline="")))
    except csv.Error:  # a field too large: not an open quote
        return None
    return None if records[-1] == [_END_PROBE] else records[-1]


def _unclosed(name: str, line: int, cells: list[str], header: list[str]) -> CliError:
    column = header[len(cells) - 1] if 0 < len(cells) <= len(header) else None
    return CliError(
        _(
            'a quoted field is never closed: its opening " swallows the rest of the file; close it with " or double a quote inside it ("")'
        ),
        source=name,
        line=line,
        field=column,
    )


def _check_closed(
    name: str, lines: list[str], first_line: int, header: list[str]
) -> None:
    """Raise if the last record ended the file inside a quoted field."""
    cells = _open_quote(lines, first_line)
    if cells is not None:
        raise _unclosed(name, first_line, cells, header)


def _csv_error(
    error: csv.Error,
    name: str,
    lines: list[str],
    *,
    first_line: int,
    header: list[str],
    stopped_at: int,
) -> NoReturn:
    """Turn the ``csv`` module's error in the record at ``first_line`` into ours.

    An error at the end of the file may be a quote never closed (strict ``csv``
    says "unexpected end of data"): that is said plainly, at the quote's line.
    """
    cells = _open_quote(lines, first_line) if stopped_at == len(lines) else None
    if cells is not None:
        raise _unclosed(name, first_line, cells, header) from None
    raise CliError(
        _("not CSV: {value}").format(value=error), source=name, line=first_line
    ) from None


def check_zone(name: str, *, what: str) -> str:
    """``name`` if it is an IANA time zone, else a ``CliError``.

    Examples:
        >>> check_zone("Asia/Shanghai", what="--tz")
        'Asia/Shanghai'
    """
    try:
        zoneinfo.ZoneInfo(name)
    # A directory of the zone database ("America") or a name too long for the
    # system is an OSError, not a ZoneInfoNotFoundError.
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise CliError(
            _(
                "{what}: unknown time zone {name}; use an IANA name such as Asia/Shanghai, Europe/Berlin or UTC"
            ).format(what=what, name=quote(name))
        ) from None
    return name


#: The years the library's calendars support; an instant outside is the user's error.
FIRST_YEAR = 2
LAST_YEAR = 9998


def parse_instant(text: str, *, tz: str | None, what: str) -> pendulum.DateTime:
    """An ISO-8601 instant; without an offset it is read as wall-clock time in ``tz``.

    A naive time in a repeated (fall-back) hour means its first occurrence (the one
    before the clocks go back); one in a skipped (spring-forward) hour is moved
    forward by the gap, so ``02:30`` on a night that jumps from 02:00 to 03:00 is
    ``03:30``, the instant the unchanged clock would have called ``02:30``. With
    ``tz`` None a naive time is refused.

    Examples:
        >>> parse_instant("2025-01-24T17:40", tz="Asia/Shanghai", what="--start")
        DateTime(2025, 1, 24, 17, 40, 0, tzinfo=Timezone('Asia/Shanghai'))
        >>> parse_instant("2025-01-24T09:40Z", tz=None, what="--now").isoformat()
        '2025-01-24T09:40:00+00:00'
        >>> ny = "America/New_York"
        >>> parse_instant("2025-11-02T01:30", tz=ny, what="--start").isoformat()
        '2025-11-02T01:30:00-04:00'
        >>> parse_instant("2025-03-09T02:30", tz=ny, what="--start").isoformat()
        '2025-03-09T03:30:00-04:00'
    """
    try:
        parsed = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise CliError(
            _(
                "{what}: cannot read {value} as an ISO-8601 instant; write it like 2025-01-24T17:40 or 2025-01-24T17:40+08:00"
            ).format(what=what, value=quote(text))
        ) from None
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise CliError(
            _(
                "{what}: year {year} is outside the years servicekit supports, {first_year} to {last_year}"
            ).format(
                what=what, year=parsed.year, first_year=FIRST_YEAR, last_year=LAST_YEAR
            )
        )
    if parsed.utcoffset() is not None:
        return pendulum.instance(parsed)
    if tz is None:
        raise CliError(
            _(
                "{what}: {value} has no UTC offset; append one such as +08:00 or Z"
            ).format(what=what, value=quote(text))
        )
    fields = (
        parsed.year,
        parsed.month,
        parsed.day,
        parsed.hour,
        parsed.minute,
        parsed.second,
        parsed.microsecond,
    )
    # pendulum reads a repeated hour as its second occurrence unless fold=0...
    first = pendulum.datetime(*fields, tz=tz, fold=0)
    if first.replace(tzinfo=None) == parsed:
        return first
    # ...and with fold=0 moves a skipped time back by the gap; fold=1 moves it forward.
    return pendulum.datetime(*fields, tz=tz, fold=1)


def seconds_delta(seconds: float, *, what: str) -> dt.timedelta:
    """``seconds`` as a ``timedelta``, or a ``CliError`` naming ``what`` if too long.

    Examples:
        >>> seconds_delta(90, what="--aht")
        datetime.timedelta(seconds=90)
        >>> seconds_delta(1e15, what="--within")
        Traceback (most recent call last):
        ...
        servicekit.cli._inputs.CliError: --within: 11,574,074,074 days is too long; the most is 999,999,999 days
    """
    try:
        return dt.timedelta(seconds=seconds)
    except (OverflowError, ValueError):
        shown = f"{seconds / 86400:,.0f} days" if math.isfinite(seconds) else "it"
        raise CliError(
            _("{what}: {shown} is too long; the most is {days} days").format(
                what=what, shown=shown, days=f"{dt.timedelta.max.days:,}"
            )
        ) from None


_NUMBER = r"(\d+(?:\.\d+)?|\.\d+)"
_PERCENT = re.compile(rf"{_NUMBER}\s*%?")


def parse_percent(text: str, *, what: str, allow_zero: bool = True) -> float:
    """A share in [0, 1) from ``15%``, ``15`` or ``0.15`` (all three mean 15 %).

    The rule, so that no input is read as a share other than the one a person
    means: a number with ``%`` is a percentage (``0.5%`` is half a percent); a bare
    number above 1 is a percentage (``15`` is 15 %); a bare number below 1 is a
    fraction (``0.15`` is 15 %); a bare ``1`` could mean 1 % or 100 % and is refused,
    asking for ``1%``.

    Examples:
        >>> parse_percent("15%", what="x"), parse_percent("15", what="x")
        (0.15, 0.15)
        >>> parse_percent("0.8", what="x"), parse_percent("0.5%", what="x")
        (0.8, 0.005)
        >>> parse_percent("1", what="--shrinkage")
        Traceback (most recent call last):
        ...
        servicekit.cli._inputs.CliError: --shrinkage: a bare 1 could mean 1 % or 100 %; write 1% (or a fraction such as 0.15 or a percentage such as 15%)
    """
    stripped = text.strip()
    match = _PERCENT.fullmatch(stripped)
    # The lower bound in words: each language words "0 and above" its own way.
    low = _p("lowest share", "0") if allow_zero else _p("lowest share", "more than 0")
    if match is None:
        raise CliError(
            _(
                "{what}: cannot read {value} as a share; write it as a percentage {low} and below 100 such as 15%, or a fraction such as 0.15"
            ).format(what=what, value=quote(text), low=low)
        )
    number = float(match.group(1))
    if stripped.endswith("%") or number > 1:
        value = number / 100
    elif number == 1:
        raise CliError(
            _(
                "{what}: a bare 1 could mean {one} or {all}; write 1% (or a fraction such as 0.15 or a percentage such as 15%)"
            ).format(what=what, one=percent(1, 0), all=percent(100, 0))
        )
    else:
        value = number
    if not (0 <= value < 1) or (value == 0 and not allow_zero):
        raise CliError(
            _(
                "{what}: {value} is not a share {low} and below 100 %; write it like 15% (or 0.15)"
            ).format(what=what, value=quote(text), low=low)
        )
    return value


_RATE_UNITS = {
    "h": "hour",
    "hr": "hour",
    "hour": "hour",
    "d": "day",
    "day": "day",
    "w": "week",
    "wk": "week",
    "week": "week",
}
_RATE = re.compile(rf"{_NUMBER}\s*(?:/|per)\s*([a-z]+)")


def parse_rate(text: str, *, what: str) -> tuple[float, str]:
    """``(count, "hour" | "day" | "week")`` from ``1200/day``, ``150/h`` or ``5000/week``.

    Examples:
        >>> parse_rate("1200/day", what="--volume"), parse_rate("150/h", what="x")
        ((1200.0, 'day'), (150.0, 'hour'))
    """
    match = _RATE.fullmatch(text.strip().lower())
    unit = _RATE_UNITS.get(match.group(2)) if match else None
    if match is None or unit is None:
        raise CliError(
            _(
                "{what}: cannot read {value} as a volume; write it like 1200/day, 150/h or 6000/week"
            ).format(what=what, value=quote(text))
        )
    return float(match.group(1)), unit


def parse_target(text: str, *, what: str) -> tuple[float, float]:
    """``(share, seconds)`` from a service-level target such as ``80/20s`` or ``90%/30``.

    Examples:
        >>> parse_target("80/20s", what="--target"), parse_target("90%/1m", what="x")
        ((0.8, 20.0), (0.9, 60.0))
    """
    share_text, slash, answer_text = text.partition("/")
    if not slash:
        raise CliError(
            _(
                "{what}: cannot read {value} as a target; write it like 80/20s (80 % answered within 20 seconds)"
            ).format(what=what, value=quote(text))
        )
    share = parse_percent(share_text, what=what, allow_zero=False)
    answer = answer_text.strip()
    if re.fullmatch(_NUMBER, answer):
        answer += "s"
    return share, parse_seconds(answer, what=what)


def whole_number(text: str) -> int:
    """An option's whole number (an argparse ``type``): errors quote a short prefix.

    Examples:
        >>> whole_number(" 12 "), whole_number("-3")
        (12, -3)
        >>> whole_number("1.5")
        Traceback (most recent call last):
        ...
        argparse.ArgumentTypeError: expected a whole number such as 12, got '1.5'
    """
    stripped = text.strip()
    digits = stripped.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()):
        msg = f"expected a whole number such as 12, got {quote(text)}"
        raise argparse.ArgumentTypeError(msg)
    if len(digits) > _LONGEST_WHOLE:
        msg = f"{quote(text)} is far too large"
        raise argparse.ArgumentTypeError(msg)
    return int(stripped)


_LONGEST_WHOLE = 30  # digits; well past any count an option takes


def format_duration(value: dt.timedelta) -> str:
    """``H:MM`` (``H:MM:SS`` when there are seconds), with a sign when negative.

    Examples:
        >>> import datetime as dt
        >>> format_duration(dt.timedelta(hours=26, minutes=5))
        '26:05'
        >>> format_duration(-dt.timedelta(seconds=90.5))
        '-0:01:30.5'
    """
    # pendulum's Interval and Duration divide differently: use the plain fields.
    total_us = (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
    sign = "-" if total_us < 0 else ""
    total_us = abs(total_us)
    seconds, micro = divmod(total_us, 1_000_000)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{sign}{hours}:{minutes:02d}"
    if secs or micro:
        text += f":{secs:02d}"
    if micro:
        text += f".{micro:06d}".rstrip("0")
    return text


def format_instant(value: dt.datetime) -> str:
    """``Fri 2025-01-24 17:40 +08:00`` (seconds shown only when not zero).

    Examples:
        >>> import pendulum
        >>> format_instant(pendulum.datetime(2025, 1, 24, 17, 40, tz="Asia/Shanghai"))
        'Fri 2025-01-24 17:40 +08:00'
    """
    clock = "%H:%M:%S" if value.second or value.microsecond else "%H:%M"
    offset = value.strftime("%z")
    day = weekday(value)
    return (
        f"{day} " + value.strftime(f"%Y-%m-%d {clock} ") + f"{offset[:3]}:{offset[3:]}"
    )

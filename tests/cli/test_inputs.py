"""Parsers and readers of the command line: round trips against obvious references."""

from __future__ import annotations

import datetime as dt
import io
import math
import zoneinfo
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit.cli import _inputs, main
from servicekit.cli._inputs import (
    CliError,
    check_zone,
    format_duration,
    format_instant,
    parse_instant,
    parse_percent,
    parse_rate,
    parse_seconds,
    parse_target,
    read_csv,
    read_json,
    read_json_lines,
    read_text,
    seconds_delta,
)

UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1, "ms": 0.001}


class TestParseSeconds:
    @given(
        st.lists(
            st.tuples(st.integers(0, 10**6), st.sampled_from(sorted(UNITS))),
            min_size=1,
            max_size=5,
        ),
        st.booleans(),
    )
    def test_round_trip_against_a_sum(self, parts, spaced):
        sep = " " if spaced else ""
        text = sep.join(f"{n}{unit}" for n, unit in parts)
        expected = sum(n * UNITS[unit] for n, unit in parts)
        assert math.isclose(
            parse_seconds(text.upper(), what="x"), expected, rel_tol=1e-12, abs_tol=1e-9
        )

    @given(st.decimals(0, 1000, places=3), st.sampled_from(["h", "m", "s"]))
    def test_decimals(self, value, unit):
        got = parse_seconds(f"{value}{unit}", what="x")
        assert math.isclose(
            got, float(value) * UNITS[unit], rel_tol=1e-12, abs_tol=1e-9
        )

    @pytest.mark.parametrize(
        "text", ["", " ", "4", "h", "4x", "4h30", "-1h", "1h-", "4 hours"]
    )
    def test_refuses(self, text):
        with pytest.raises(CliError, match="--within: cannot read"):
            parse_seconds(text, what="--within")


class TestParseInstant:
    @given(
        st.datetimes(
            min_value=dt.datetime(1971, 1, 1),
            max_value=dt.datetime(2999, 12, 31),
            timezones=st.builds(
                dt.timezone,
                st.integers(-14 * 60, 14 * 60).map(lambda m: dt.timedelta(minutes=m)),
            ),
        )
    )
    def test_aware_round_trip(self, value):
        got = parse_instant(value.isoformat(), tz=None, what="--now")
        assert got.timestamp() == value.timestamp()
        assert got.utcoffset() == value.utcoffset()

    @given(
        st.datetimes(
            min_value=dt.datetime(1992, 1, 1), max_value=dt.datetime(2999, 12, 31)
        )
    )
    def test_naive_is_wall_clock_in_the_zone(self, value):
        # Shanghai has had no DST since 1991, so every wall-clock time exists once.
        zone = zoneinfo.ZoneInfo("Asia/Shanghai")
        got = parse_instant(value.isoformat(), tz="Asia/Shanghai", what="--start")
        assert got.timestamp() == value.replace(tzinfo=zone).timestamp()
        assert got.tzinfo.name == "Asia/Shanghai"

    def test_skipped_hour_moves_forward(self):
        got = parse_instant("2025-03-09T02:30", tz="America/New_York", what="x")
        assert (got.hour, got.minute, got.utcoffset()) == (
            3,
            30,
            dt.timedelta(hours=-4),
        )

    @pytest.mark.parametrize(
        ("zone", "text", "offset"),
        [
            ("America/New_York", "2025-11-02T01:30", "-04:00"),
            ("America/New_York", "2025-11-02T01:00", "-04:00"),
            ("America/New_York", "2025-11-02T01:59:59", "-04:00"),
            ("Europe/Berlin", "2025-10-26T02:30", "+02:00"),
            ("Australia/Sydney", "2025-04-06T02:30", "+11:00"),
        ],
    )
    def test_repeated_hour_is_the_first_occurrence(self, zone, text, offset):
        got = parse_instant(text, tz=zone, what="--start")
        assert (
            got.isoformat() == f"{text}{':00' if text.count(':') == 1 else ''}{offset}"
        )

    @pytest.mark.parametrize(
        ("zone", "text", "expected"),
        [
            ("America/New_York", "2025-03-09T02:00", "2025-03-09T03:00:00-04:00"),
            ("Europe/Berlin", "2025-03-30T02:59", "2025-03-30T03:59:00+02:00"),
            ("Australia/Sydney", "2025-10-05T02:30", "2025-10-05T03:30:00+11:00"),
        ],
    )
    def test_skipped_hour_is_the_instant_the_old_clock_meant(
        self, zone, text, expected
    ):
        got = parse_instant(text, tz=zone, what="--start")
        assert got.isoformat() == expected
        # The same instant as the wall-clock time read with the offset before the gap.
        before = dt.datetime.fromisoformat(text).replace(
            tzinfo=zoneinfo.ZoneInfo(zone), fold=0
        )
        assert got.timestamp() == before.timestamp()

    def test_refuses_garbage(self):
        with pytest.raises(CliError, match="--start: cannot read 'tomorrow'"):
            parse_instant("tomorrow", tz="UTC", what="--start")

    def test_naive_without_zone(self):
        with pytest.raises(CliError, match="no UTC offset"):
            parse_instant("2025-01-24T10:00", tz=None, what="--now")


class TestSmallParsers:
    @given(st.integers(0, 99), st.sampled_from(["", "%", " %"]))
    def test_percent(self, value, suffix):
        if value == 1 and not suffix:
            return  # a bare 1 is refused: test_bare_one_is_ambiguous
        assert parse_percent(f"{value}{suffix}", what="x") == value / 100

    @given(st.integers(0, 10**6 - 1))
    def test_share_is_read_as_a_person_reads_it(self, millionths):
        """`0.3` was read as 0.3 %: a bare number below 1 is a fraction."""
        fraction = millionths / 10**6
        assert parse_percent(f"{fraction:.6f}", what="x") == pytest.approx(fraction)
        as_percent = parse_percent(f"{fraction * 100:.4f}%", what="x")
        assert as_percent == pytest.approx(fraction)

    def test_bare_one_is_ambiguous(self):
        with pytest.raises(CliError, match="could mean 1 % or 100 %"):
            parse_percent("1", what="x")
        assert parse_percent("1%", what="x") == 0.01

    @pytest.mark.parametrize("text", ["100", "100%", "-5%", "x", "5%%", "1", "1.0"])
    def test_percent_refuses(self, text):
        with pytest.raises(CliError, match="--shrinkage: "):
            parse_percent(text, what="--shrinkage")

    def test_percent_zero_when_not_allowed(self):
        with pytest.raises(CliError, match="more than 0"):
            parse_percent("0", what="x", allow_zero=False)

    @given(
        st.integers(0, 10**7),
        st.sampled_from(
            [
                ("h", "hour"),
                ("hour", "hour"),
                ("hr", "hour"),
                ("day", "day"),
                ("d", "day"),
                ("week", "week"),
                ("w", "week"),
                ("wk", "week"),
            ]
        ),
        st.sampled_from(["/", " / ", " per "]),
    )
    def test_rate(self, count, unit, sep):
        text, canonical = unit
        assert parse_rate(f"{count}{sep}{text.upper()}", what="x") == (count, canonical)

    @pytest.mark.parametrize("text", ["1200", "1200/month", "/day", "x/day", "-3/h"])
    def test_rate_refuses(self, text):
        with pytest.raises(CliError, match="--volume: cannot read"):
            parse_rate(text, what="--volume")

    @given(
        st.integers(2, 99),
        st.integers(0, 3600),
        st.sampled_from(["s", "", "S"]),
        st.booleans(),
    )
    def test_target(self, share, seconds, unit, percent):
        text = f"{share}{'%' if percent else ''}/{seconds}{unit}"
        assert parse_target(text, what="x") == (share / 100, seconds)

    @pytest.mark.parametrize("text", ["80", "0/20s", "100/20s", "80/", "80/x"])
    def test_target_refuses(self, text):
        with pytest.raises(CliError, match="--target"):
            parse_target(text, what="--target")

    def test_zone(self):
        assert check_zone("UTC", what="--tz") == "UTC"
        for bad in ("Mars/Olympus", "../etc", ""):
            with pytest.raises(CliError, match="--tz: unknown time zone"):
                check_zone(bad, what="--tz")


class TestFormat:
    @given(
        st.timedeltas(
            min_value=dt.timedelta(days=-999), max_value=dt.timedelta(days=999)
        )
    )
    def test_duration_round_trip(self, value):
        text = format_duration(value)
        sign = -1 if text.startswith("-") else 1
        parts = text.lstrip("-").split(":")
        seconds = float(parts[2]) if len(parts) == 3 else 0.0
        back = dt.timedelta(hours=int(parts[0]), minutes=int(parts[1]), seconds=seconds)
        assert abs(sign * back - value) < dt.timedelta(microseconds=1)
        assert (len(parts) == 3) == bool(value.seconds % 60 or value.microseconds)

    def test_instant_shows_seconds_only_when_there_are_some(self):
        zone = zoneinfo.ZoneInfo("Asia/Kolkata")
        assert format_instant(dt.datetime(2025, 1, 6, 9, 5, 7, tzinfo=zone)) == (
            "Mon 2025-01-06 09:05:07 +05:30"
        )


class TestReaders:
    def test_missing_file(self, tmp_path):
        with pytest.raises(CliError, match=r"nope\.jsonl: no such file"):
            read_text(tmp_path / "nope.jsonl")

    def test_directory(self, tmp_path):
        with pytest.raises(CliError, match="is a directory"):
            read_text(tmp_path)

    def test_unreadable(self, tmp_path, monkeypatch):
        target = tmp_path / "f.txt"
        target.write_text("x")

        def refuse(self):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(Path, "read_bytes", refuse)
        with pytest.raises(CliError, match="cannot read it: Permission denied"):
            read_text(target)

    def test_not_utf8_names_the_line(self, tmp_path):
        target = tmp_path / "f.csv"
        target.write_bytes("a\nb\n\u00e9".encode("latin-1"))
        with pytest.raises(CliError, match=r"f\.csv, line 3: is not UTF-8"):
            read_text(target)

    def test_bom_is_dropped(self, tmp_path):
        target = tmp_path / "f.json"
        target.write_bytes(b"\xef\xbb\xbf[1]")
        assert read_json(target) == [1]

    def test_json_lines(self, tmp_path):
        target = tmp_path / "e.jsonl"
        target.write_text('{"a": 1}\n\n  \n[2]\n{oops\n')
        with pytest.raises(CliError, match=r"e\.jsonl, line 5: not JSON") as info:
            read_json_lines(target)
        assert info.value.line == 5

    def test_csv(self, tmp_path):
        target = tmp_path / "r.csv"
        target.write_text('city,note,nps\nHohhot,"two\nlines",9\n,,\nBaotou,,\n')
        header, rows = read_csv(target)
        assert header == ["city", "note", "nps"]
        assert rows == [
            (3, {"city": "Hohhot", "note": "two\nlines", "nps": "9"}),
            (5, {"city": "Baotou", "note": "", "nps": ""}),
        ]

    @pytest.mark.parametrize(
        ("raw", "rows"),
        [
            (b"city,nps\r\nA,9\r\nB,7\r\n", [(2, "A", "9"), (3, "B", "7")]),
            (b"\xef\xbb\xbfcity,nps\nA,9\n", [(2, "A", "9")]),
            (
                b'city,nps\n"Hohhot, Inner Mongolia",9\n',
                [(2, "Hohhot, Inner Mongolia", "9")],
            ),
            (b'city,nps\r\n"say ""hi"", B",7\r\n', [(2, 'say "hi", B', "7")]),
            (b"city,nps\nA,9", [(2, "A", "9")]),
        ],
    )
    def test_csv_dialects_that_work(self, tmp_path, raw, rows):
        target = tmp_path / "r.csv"
        target.write_bytes(raw)
        header, got = read_csv(target)
        assert header == ["city", "nps"]
        assert got == [(n, {"city": c, "nps": v}) for n, c, v in rows]

    @pytest.mark.parametrize(
        ("text", "line", "column", "message"),
        [
            ('city,nps\nA,9\n"B,7\nC,8\nD,10\nE,3\n', 3, "city", "never closed"),
            ('city,nps\r\nA,9\r\nB,"7\r\nC,8\r\n', 3, "nps", "never closed"),
            ('city,nps\nA,"9', 2, "nps", "never closed"),
            ('"city,nps\nA,9\n', 1, None, "never closed"),
            ("city,nps\nA,9\nB\n", 3, "nps", "1 cells but the header names 2"),
            ("a,b,c\n1,2,3\n1,2\n", 3, "c", "this column is missing"),
            ('city,nps\n"A"x,9\n', 2, None, "not CSV: ',' expected after '\"'"),
        ],
    )
    def test_csv_unterminated_quote_and_short_rows_name_the_place(
        self, tmp_path, text, line, column, message
    ):
        target = tmp_path / "r.csv"
        target.write_bytes(text.encode())
        with pytest.raises(CliError, match=message) as info:
            read_csv(target)
        assert (info.value.source, info.value.line, info.value.field) == (
            str(target),
            line,
            column,
        )

    def test_csv_unterminated_quote_when_csv_ends_quietly(self):
        # Some Python versions end the record at the end of the file without an error
        # even when strict: the re-read still finds the open quote.
        lines = ["city,nps\n", "A,9\n", '"B,7\n', "C,8\n"]
        with pytest.raises(CliError, match="never closed") as info:
            _inputs._check_closed("r.csv", lines, 3, ["city", "nps"])
        assert (info.value.line, info.value.field) == (3, "city")
        _inputs._check_closed("r.csv", lines[:2], 2, ["city", "nps"])

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("", r"r\.csv: is empty"),
            ("a,,b\n", r"r\.csv, line 1: a column has no name"),
            ("a,b,a\n", r"r\.csv, line 1: the column 'a' appears twice"),
            ("a,b\n1,2\n1,2,3\n", r"r\.csv, line 3: 3 cells but the header names 2"),
            ("a,b\n" + "x" * 200_000 + ",1\n", r"r\.csv, line 2: not CSV"),
        ],
    )
    def test_csv_errors(self, tmp_path, text, message):
        target = tmp_path / "r.csv"
        target.write_text(text)
        with pytest.raises(CliError, match=message):
            read_csv(target)


class TestSecondsDelta:
    @given(st.floats(min_value=0, max_value=86_399_999_999_999))
    def test_in_range(self, seconds):
        assert seconds_delta(seconds, what="--aht") == dt.timedelta(seconds=seconds)

    @given(
        st.one_of(
            st.floats(
                min_value=86_400_000_000_000, allow_infinity=True, allow_nan=False
            ),
            st.just(math.inf),
        )
    )
    def test_absurd_values_name_the_option(self, seconds):
        with pytest.raises(CliError, match=r"^--open: .* is too long"):
            seconds_delta(seconds, what="--open")


class _ClosedPipe(io.StringIO):
    """A standard output whose reader has gone away (``servicekit sla … | head``)."""

    def write(self, s: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_output_is_not_blamed_on_the_input_file() -> None:
    """Regression: ``servicekit sla events.jsonl | head -3`` said "events.jsonl: cannot
    read it: Broken pipe": the reader's error handler also caught the failed writes
    of the caller between two lines. Now only reads are the file's; the closed pipe
    ends the command quietly with the shell's status for it."""
    err = io.StringIO()
    events = str(Path(__file__).parents[2] / "examples" / "cli" / "events.jsonl")
    status = main(
        ["sla", events, "--now", "2025-01-28T12:00+08:00"], out=_ClosedPipe(), err=err
    )
    assert (status, err.getvalue()) == (141, "")


def test_a_failing_read_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    path.write_text('{"a": 1}\n{"b": 2}\n')

    class Failing(io.BytesIO):
        def readline(self, size: int | None = -1) -> bytes:
            raise OSError(5, "Input/output error")

    source = _inputs.JsonLines(str(path), Failing(path.read_bytes()), seekable=True)
    assert [v for _, _, v in source.lines()] == [{"a": 1}, {"b": 2}]
    with pytest.raises(CliError, match=r"e\.jsonl: cannot read it: Input/output error"):
        source.read_at(9, 2)

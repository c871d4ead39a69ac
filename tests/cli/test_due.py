"""`servicekit due`: known answers worked out by hand on the China calendar."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wcwidth import wcswidth

from cli.cli_run import run_entry_point, run_main
from helpers import SHANGHAI
from servicekit._iso import duration_from_iso
from servicekit.sla import BusinessCalendar, parse_hours

HOURS = "Mon-Fri 09:00-12:00,13:30-18:00"
CN = ("due", "--tz", SHANGHAI, "--country", "CN", "--hours", HOURS)


def stretch_block(out, word):
    """The first row saying ``word`` and the note lines under it, joined by spaces."""
    lines = out.splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith(f"  {word}"))
    block = [lines[i]]
    for line in lines[i + 1 :]:
        if not line.startswith(" " * 11):
            break
        block.append(line.strip())
    return " ".join(block)


def cn_calendar():
    return BusinessCalendar.for_country(
        "CN", timezone=SHANGHAI, weekly_hours=parse_hours(HOURS)
    )


def test_readme_example_make_up_day():
    """17:40 Friday 24 Jan 2025 + 2 business hours = Sunday 26 Jan 10:40 (调休)."""
    r = run_main(*CN, "--start", "2025-01-24T17:40", "--within", "2h")
    assert r.status == 0, r.err
    assert r.err == ""
    lines = r.out.splitlines()
    assert lines[0] == "Deadline: Sun 2025-01-26 10:40 +08:00 (Asia/Shanghai)"
    assert lines[1] == "2:00 business hours from Fri 2025-01-24 17:40 +08:00"
    body = [line.split() for line in lines[5:]]
    assert body[0][:7] == [
        "counted",
        "Fri",
        "2025-01-24",
        "17:40",
        "–",
        "18:00",
        "0:20",
    ]
    assert "night; Sat 2025-01-25: weekend" in lines[6]
    assert lines[7].split()[6:9] == ["1:40", "total", "2:00"]
    # Beside the row it would end at column 136: under the span (issue 12).
    assert lines[8] == (
        " " * 11 + "Sun 2025-01-26 is a make-up working day (调休), counted as open"
    )


def test_lunch_break_is_skipped():
    r = run_main(*CN, "--start", "2025-01-24T17:40", "--within", "4h")
    assert (
        r.out.splitlines()[0] == "Deadline: Sun 2025-01-26 14:10 +08:00 (Asia/Shanghai)"
    )
    assert "skipped  Sun 2025-01-26 12:00 – 13:30  lunch break" in r.out
    # The make-up note is said once for the day, not on each stretch.
    assert r.out.count("make-up working day") == 1
    assert r.out.splitlines()[-1].split()[6:9] == ["0:40", "total", "4:00"]


def test_public_holidays_are_named():
    r = run_main(*CN, "--start", "2025-01-27T17:00", "--within", "2h")
    assert (
        r.out.splitlines()[0] == "Deadline: Wed 2025-02-05 10:00 +08:00 (Asia/Shanghai)"
    )
    skipped = stretch_block(r.out, "skipped")
    assert "Tue 2025-01-28: public holiday, Chinese New Year's Eve" in skipped
    assert (
        "Wed 2025-01-29 – Fri 2025-01-31: public holiday, Chinese New Year (Spring Festival)"
        in skipped
    )
    assert "Sat 2025-02-01 – Sun 2025-02-02: weekend" in skipped
    assert "Mon 2025-02-03: public holiday, Day off" in skipped


def test_business_days():
    """Within 2 business days of Friday 10:00 = close of Monday (Sunday is a make-up day)."""
    r = run_main(*CN, "--start", "2025-01-24T10:00", "--business-days", "2")
    lines = r.out.splitlines()
    assert lines[0] == "Deadline: Mon 2025-01-27 18:00 +08:00 (Asia/Shanghai)"
    assert lines[1] == "2 business days from Fri 2025-01-24 10:00 +08:00"
    assert lines[-1].endswith("total 21:30")  # 6:30 Fri + 7:30 Sun + 7:30 Mon
    one = run_main(*CN, "--start", "2025-01-24T10:00", "--business-days", "1")
    assert one.out.splitlines()[1] == "1 business day from Fri 2025-01-24 10:00 +08:00"
    assert (
        one.out.splitlines()[0]
        == "Deadline: Sun 2025-01-26 18:00 +08:00 (Asia/Shanghai)"
    )


@pytest.mark.parametrize(
    ("start", "within"),
    [
        ("2025-01-24T17:40", "2h"),
        ("2025-01-24T17:40", "4h"),
        ("2025-01-27T17:00", "2h"),
        ("2025-09-30T16:00", "1h30m"),
        ("2025-04-30T11:59:30", "75m"),
        ("2025-01-25T03:00", "30s"),
    ],
)
def test_json_deadline_is_the_calendars(start, within):
    r = run_main(*CN, "--start", start, "--within", within, "--json")
    data = json.loads(r.out)
    begin = pendulum.parse(start, tz=SHANGHAI)
    seconds = {"2h": 7200, "4h": 14400, "1h30m": 5400, "75m": 4500, "30s": 30}[within]
    expected = cn_calendar().add(begin, dt.timedelta(seconds=seconds))
    assert data["deadline"] == expected.isoformat()
    assert data["start"] == begin.isoformat()
    opened = [s for s in data["stretches"] if s["kind"] == "open"]
    worked = sum(
        (
            dt.datetime.fromisoformat(s["end"]) - dt.datetime.fromisoformat(s["start"])
            for s in opened
        ),
        dt.timedelta(0),
    )
    assert worked == dt.timedelta(seconds=seconds)
    kinds = [s["kind"] for s in data["stretches"]]
    assert all(a != b for a, b in itertools.pairwise(kinds))


def test_json_fields():
    r = run_main(*CN, "--start", "2025-01-24T17:40", "--within", "2h", "--json")
    data = json.loads(r.out)
    assert data["within"] == "PT2H"
    assert data["business_days"] is None
    assert data["business_time"] == "PT2H"
    assert data["country"] == "CN"
    assert data["stretches"][1] == {
        "kind": "closed",
        "start": "2025-01-24T18:00:00+08:00",
        "end": "2025-01-26T09:00:00+08:00",
        "notes": ["night", "Sat 2025-01-25: weekend"],
    }
    assert data["stretches"][2]["duration"] == "PT1H40M"
    days = run_main(
        *CN, "--start", "2025-01-24T10:00", "--business-days", "0", "--json"
    )
    assert json.loads(days.out)["deadline"] == "2025-01-24T18:00:00+08:00"
    assert json.loads(days.out)["within"] is None


def test_start_with_an_offset_is_converted():
    r = run_main(*CN, "--start", "2025-01-24T09:40Z", "--within", "2h")
    assert (
        r.out.splitlines()[0] == "Deadline: Sun 2025-01-26 10:40 +08:00 (Asia/Shanghai)"
    )
    assert r.out.splitlines()[1].endswith("Fri 2025-01-24 17:40 +08:00")


def test_no_country_means_no_holidays():
    r = run_main(
        "due",
        "--tz",
        SHANGHAI,
        "--hours",
        HOURS,
        "--start",
        "2025-01-27T17:00",
        "--within",
        "2h",
    )
    assert (
        r.out.splitlines()[0] == "Deadline: Tue 2025-01-28 10:00 +08:00 (Asia/Shanghai)"
    )
    assert "no public holidays (give --country)" in r.out
    assert "skipped  Mon 2025-01-27 18:00 – Tue 2025-01-28 09:00  night" in r.out


def test_before_opening_and_after_closing():
    early = run_main(*CN, "--start", "2025-03-03T07:00", "--within", "1h")
    assert "skipped  Mon 2025-03-03 07:00 – 09:00  before opening" in early.out
    late = run_main(*CN, "--start", "2025-03-03T19:00", "--within", "1h")
    assert (
        "skipped  Mon 2025-03-03 19:00 – Tue 2025-03-04 09:00  after closing"
        in late.out
    )
    weekend = run_main(*CN, "--start", "2025-03-08T07:00", "--within", "1h")
    assert (
        "skipped  Sat 2025-03-08 07:00 – Mon 2025-03-10 09:00  Sat 2025-03-08 – Sun 2025-03-09: weekend"
        in weekend.out
    )


def test_other_breaks_and_closed_weekdays():
    r = run_main(
        "due",
        "--tz",
        "UTC",
        "--hours",
        "Mon,Tue,Thu,Fri 08:00-10:00,16:00-18:00",
        "--start",
        "2025-01-28T09:00",
        "--within",
        "4h",
    )
    assert r.out.splitlines()[0] == "Deadline: Thu 2025-01-30 09:00 +00:00 (UTC)"
    assert "skipped  Tue 2025-01-28 10:00 – 16:00  break" in r.out
    assert (
        "  skipped  Tue 2025-01-28 18:00 – Thu 2025-01-30 08:00  night;\n"
        + " " * 11
        + ("Wed 2025-01-29: no working hours on Wednesdays\n")
        in r.out
    )


def test_seconds_and_zero():
    r = run_main(*CN, "--start", "2025-03-03T11:59:30", "--within", "45s")
    assert (
        r.out.splitlines()[0]
        == "Deadline: Mon 2025-03-03 13:30:15 +08:00 (Asia/Shanghai)"
    )
    assert "counted  Mon 2025-03-03 11:59:30 – 12:00" in r.out
    zero = run_main(*CN, "--start", "2025-03-08T10:00", "--within", "0m")
    assert (
        zero.out.splitlines()[0]
        == "Deadline: Sat 2025-03-08 10:00 +08:00 (Asia/Shanghai)"
    )
    assert (
        zero.out.splitlines()[-1]
        == "No working time is needed: the deadline is the start."
    )


def test_subdivision_holidays():
    r = run_main(
        "due",
        "--tz",
        "America/New_York",
        "--country",
        "US",
        "--subdiv",
        "MA",
        "--start",
        "2025-04-18T17:00",
        "--within",
        "2h",
    )
    assert r.status == 0, r.err
    assert (
        r.out.splitlines()[0]
        == "Deadline: Tue 2025-04-22 10:00 -04:00 (America/New_York)"
    )
    assert "Patriots' Day" in r.out
    assert "public holidays of US-MA" in r.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--tz", "Mars/Base", "--start", "2025-01-24T10:00", "--within", "1h"),
            "--tz: unknown time zone",
        ),
        (
            ("--tz", SHANGHAI, "--start", "2025-01-24T10:00", "--within", "1x"),
            "--within: cannot read '1x'",
        ),
        (
            ("--tz", SHANGHAI, "--start", "soon", "--within", "1h"),
            "--start: cannot read 'soon'",
        ),
        (
            (
                "--tz",
                SHANGHAI,
                "--hours",
                "Mon-Fri 9-5",
                "--start",
                "2025-01-24T10:00",
                "--within",
                "1h",
            ),
            "--hours: ",
        ),
        (
            (
                "--tz",
                SHANGHAI,
                "--country",
                "XX",
                "--start",
                "2025-01-24T10:00",
                "--within",
                "1h",
            ),
            "--country: ",
        ),
        (
            (
                "--tz",
                SHANGHAI,
                "--subdiv",
                "MA",
                "--start",
                "2025-01-24T10:00",
                "--within",
                "1h",
            ),
            "--subdiv needs --country",
        ),
        (
            ("--tz", SHANGHAI, "--start", "2025-01-24T10:00", "--business-days", "-1"),
            "--business-days: must be 0 or more",
        ),
        (
            ("--tz", SHANGHAI, "--start", "2025-01-24T10:00", "--within", "100000000h"),
            "--within: ",
        ),
        (
            (
                "--tz",
                SHANGHAI,
                "--start",
                "2025-01-24T10:00",
                "--within",
                "1h",
                "--business-days",
                "2",
            ),
            "not allowed with argument",
        ),
        (
            ("--tz", SHANGHAI, "--start", "2025-01-24T10:00"),
            "one of the arguments --within --business-days is required",
        ),
        (
            ("--start", "2025-01-24T10:00", "--within", "1h"),
            "the following arguments are required: --tz",
        ),
    ],
)
def test_bad_input(args, message):
    r = run_main("due", *args)
    assert r.status == 2
    assert r.out == ""
    assert r.err.startswith("servicekit: error: ")
    assert message in r.err
    assert r.err.count("\n") == 1


def test_help_shows_an_example():
    r = run_main("due", "--help")
    assert r.status == 0
    assert "servicekit due --tz Asia/Shanghai --country CN" in r.out


def test_entry_point():
    ok = run_entry_point(*CN, "--start", "2025-01-24T17:40", "--within", "2h")
    assert ok.status == 0, ok.err
    assert ok.err == ""
    assert (
        ok.out.splitlines()[0]
        == "Deadline: Sun 2025-01-26 10:40 +08:00 (Asia/Shanghai)"
    )
    assert "调休" in ok.out
    bad = run_entry_point(*CN, "--start", "2025-01-24T17:40", "--within", "soon")
    assert bad.status == 2
    assert bad.out == ""
    assert "--within: cannot read 'soon' as a duration" in bad.err


# --- Regression tests for the review's defects -----------------------------------

DST_ZONES = (
    "America/New_York",
    "Europe/Berlin",
    "Australia/Sydney",
    "America/Santiago",
)
ROUND_THE_CLOCK = "Mon-Sun 00:00-24:00"


def counted(out):
    """``(duration, total)`` of every counted line of the table."""
    return [
        (parts[-3], parts[-1])
        for parts in (line.split() for line in out.splitlines())
        if parts and parts[0] == "counted"
    ]


@pytest.mark.parametrize(
    ("tz", "hours", "start", "within", "shown"),
    [
        # 25 wall-clock hours long: 24 elapsed ones end at 11:00 the next day.
        (
            "Europe/Berlin",
            ROUND_THE_CLOCK,
            "2025-10-25T12:00",
            "24h",
            [("24:00", "24:00")],
        ),
        # 01:00-04:00 on the spring-forward night is two hours long.
        (
            "America/New_York",
            "Mon-Sun 01:00-04:00",
            "2025-03-09T00:00",
            "3h",
            [("2:00", "2:00"), ("1:00", "3:00")],
        ),
        # ...and four on the fall-back night.
        (
            "America/New_York",
            "Mon-Sun 01:00-04:00",
            "2025-11-02T00:00",
            "3h",
            [("3:00", "3:00")],
        ),
    ],
)
def test_dst_stretch_durations_are_elapsed_time(tz, hours, start, within, shown):
    args = ("due", "--tz", tz, "--hours", hours, "--start", start, "--within", within)
    r = run_main(*args)
    assert r.status == 0, r.err
    assert counted(r.out) == [tuple(pair) for pair in shown]
    data = json.loads(run_main(*args, "--json").out)
    assert data["business_time"] == data["within"]


@st.composite
def dst_cases(draw):
    tz = draw(st.sampled_from(DST_ZONES))
    open_h = draw(st.integers(0, 22))
    close_h = draw(st.integers(open_h + 1, 24))
    days = draw(st.sampled_from(["Mon-Sun", "Mon-Fri", "Sat-Sun"]))
    hours = f"{days} {open_h:02d}:00-{close_h:02d}:00"
    # Starts within a few days of 2025's transitions in all four zones.
    anchor = draw(
        st.sampled_from(
            [
                dt.datetime(2025, 3, 8),
                dt.datetime(2025, 3, 29),
                dt.datetime(2025, 4, 4),
                dt.datetime(2025, 9, 5),
                dt.datetime(2025, 10, 3),
                dt.datetime(2025, 10, 25),
                dt.datetime(2025, 10, 31),
            ]
        )
    )
    start = anchor + dt.timedelta(minutes=draw(st.integers(0, 3 * 24 * 60)))
    minutes = draw(st.integers(1, 5 * 24 * 60))
    return tz, hours, start, minutes


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(dst_cases())
def test_dst_counted_stretches_sum_to_the_business_time(case):
    tz, hours, start, minutes = case
    text = start.strftime("%Y-%m-%dT%H:%M")
    args = (
        "due",
        "--tz",
        tz,
        "--hours",
        hours,
        "--start",
        text,
        "--within",
        f"{minutes}m",
    )
    r = run_main(*args, "--json")
    assert r.status == 0, r.err
    data = json.loads(r.out)
    delta = dt.timedelta(minutes=minutes)
    durations = [
        duration_from_iso(s["duration"], "duration")
        for s in data["stretches"]
        if s["kind"] == "open"
    ]
    assert sum(durations, dt.timedelta(0)) == delta
    assert duration_from_iso(data["business_time"], "business_time") == delta
    calendar = BusinessCalendar(timezone=tz, weekly_hours=parse_hours(hours))
    begin = pendulum.parse(data["start"])
    assert data["deadline"] == calendar.add(begin, delta).in_tz(tz).isoformat()
    # The table's running total ends at the requested time too.
    seconds = minutes * 60
    assert counted(run_main(*args).out)[-1][1] == (
        f"{seconds // 3600}:{seconds % 3600 // 60:02d}"
    )


def test_naive_start_in_a_repeated_hour_is_its_first_occurrence():
    r = run_main(
        "due", "--tz", "America/New_York", "--hours", ROUND_THE_CLOCK,
        "--start", "2025-11-02T01:30", "--within", "1h", "--json",
    )  # fmt: skip
    data = json.loads(r.out)
    assert data["start"] == "2025-11-02T01:30:00-04:00"
    # One elapsed hour later the clock shows 01:30 again, now in standard time.
    assert data["deadline"] == "2025-11-02T01:30:00-05:00"


def test_naive_start_in_a_skipped_hour_moves_forward_by_the_gap():
    r = run_main(
        "due", "--tz", "America/New_York", "--hours", ROUND_THE_CLOCK,
        "--start", "2025-03-09T02:30", "--within", "1h", "--json",
    )  # fmt: skip
    data = json.loads(r.out)
    assert data["start"] == "2025-03-09T03:30:00-04:00"
    assert data["deadline"] == "2025-03-09T04:30:00-04:00"


@given(
    st.integers(16, 400).map(lambda n: "9" * n),
    st.sampled_from(["h", "d", "s", "m", "ms", "h30m"]),
)
def test_absurd_within_is_an_option_error_not_a_traceback(digits, unit):
    r = run_main(
        "due", "--tz", "UTC", "--start", "2025-01-01T00:00", "--within", digits + unit
    )
    assert r.status == 2
    assert r.out == ""
    assert r.err.startswith("servicekit: error: --within: "), r.err


def test_huge_within_names_the_option():
    r = run_main(
        "due",
        "--tz",
        "UTC",
        "--start",
        "2025-01-01T00:00",
        "--within",
        "99999999999999h",
    )
    assert r.status == 2
    assert r.err.startswith(
        "servicekit: error: --within: '99999999999999h' is too long; the most is "
        "999,999,999 days"
    )


def test_long_stretch_lists_are_shortened_but_json_keeps_them_all():
    args = ("due", "--tz", "UTC", "--start", "2025-01-06T09:00", "--within", "300h")
    r = run_main(*args)
    assert r.status == 0, r.err
    data = json.loads(run_main(*args, "--json").out)
    total = len(data["stretches"])
    assert total > 40
    # Rows, not the lines their notes continue on.
    body = [line for line in r.out.splitlines()[5:] if not line.startswith(" " * 11)]
    assert len(body) == 20 + 1 + 10
    assert body[20] == f"  … {total - 30:,} more stretches (--json lists them all) …"
    assert body[-1].endswith("total 300:00")
    # Forty stretches or fewer are all shown.
    short = run_main(*args[:-1], "100h")
    assert "more stretches" not in short.out


def test_bare_zero_within_is_accepted():
    r = run_main("due", "--tz", "UTC", "--start", "2025-01-01T10:00", "--within", "0")
    assert r.status == 0, r.err
    assert "No working time is needed" in r.out
    assert (
        r.out.splitlines()[1] == "0:00 business hours from Wed 2025-01-01 10:00 +00:00"
    )


DUE_OPTIONS = {
    "--tz": "Europe/Berlin",
    "--hours": "Mon-Fri 09:00-18:00",
    "--country": "DE",
    "--start": "2025-01-06T10:00",
    "--within": "4h",
}


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from([*DUE_OPTIONS, "--business-days"]), st.text(max_size=30)
    ),
    st.booleans(),
)
def test_due_options_never_give_a_traceback(changed, as_json):
    options = {**DUE_OPTIONS, **changed}
    if "--business-days" in changed:
        del options["--within"]
    argv = [part for item in options.items() for part in item]
    r = run_main("due", *argv, *(["--json"] if as_json else []))
    assert r.status in {0, 2}
    assert "Traceback" not in r.err


def test_year_1_start_is_blamed_on_start_not_within():
    """A year-1 --start was reported as a --within problem."""
    r = run_main("due", "--tz", "UTC", "--start", "0001-01-01T10:00", "--within", "4h")
    assert r.status == 2
    assert r.err == (
        "servicekit: error: --start: year 1 is outside the years servicekit "
        "supports, 2 to 9998\n"
    )


def test_start_in_the_last_year_is_blamed_on_start():
    """The last supported year works (a deadline may spill into 9999, the calendar's
    own margin); only a deadline past the end of time is refused, naming --start."""
    ok = run_main(
        "due", "--tz", "Asia/Shanghai", "--start", "9998-12-31T10:00", "--within", "4h"
    )
    assert ok.status == 0, ok.err
    assert ok.out.startswith("Deadline: Thu 9998-12-31 14:00 +08:00")
    r = run_main(
        "due",
        "--tz",
        "Asia/Shanghai",
        "--start",
        "9998-12-31T10:00",
        "--within",
        "3000h",
    )
    assert r.status == 2
    assert r.err.startswith("servicekit: error: --start: the deadline 3000:00 business")
    assert "datetime" not in r.err


def test_far_deadline_speaks_hours_not_a_timedelta_repr():
    """`41666666 days, 16:00:00` once leaked from a huge --within."""
    r = run_main(
        "due", "--tz", "UTC", "--start", "2025-01-01T10:00", "--within", "1000000000h"
    )
    assert r.status == 2
    assert r.err.startswith("servicekit: error: --within: the deadline 1000000000:00")
    assert "days," not in r.err


@pytest.mark.parametrize(
    ("country", "subdiv"), [("cn", None), ("us", "ca"), ("Us", "Ca")]
)
def test_lower_case_country_is_accepted(country, subdiv):
    """`--country cn` was refused with `'cn' (subdivision None)`."""
    args = ["--country", country] + ([] if subdiv is None else ["--subdiv", subdiv])
    r = run_main(
        "due", "--tz", "UTC", *args, "--start", "2025-01-06T10:00", "--within", "1h"
    )
    assert r.status == 0, r.err
    assert "public holidays of " + country.upper() in r.out


def test_unknown_country_and_subdivision_say_so_plainly():
    base = ("due", "--tz", "UTC", "--start", "2025-01-06T10:00", "--within", "1h")
    r = run_main(*base, "--country", "XX")
    assert r.err == (
        "servicekit: error: --country: no public holidays are known for 'XX'; use a "
        "two-letter country code such as CN, US or DE\n"
    )
    r = run_main(*base, "--country", "US", "--subdiv", "zz")
    assert r.err.startswith(
        "servicekit: error: --subdiv: US has no subdivision 'zz'; its subdivisions are AK,"
    )
    assert "None" not in r.err


def test_zone_directory_is_an_unknown_zone_not_a_write_error():
    """`--tz America` said "cannot write the output: Is a directory"."""
    r = run_main(
        "due", "--tz", "America", "--start", "2025-01-06T10:00", "--within", "1h"
    )
    assert r.status == 2
    assert r.err.startswith("servicekit: error: --tz: unknown time zone 'America'")


def test_repeated_hour_stretch_shows_offsets_not_0130_to_0130():
    """A stretch in a fall-back hour read "01:30 – 01:30"."""
    r = run_main(
        "due",
        "--tz",
        "America/New_York",
        "--hours",
        "Mon-Sun 00:00-24:00",
        "--start",
        "2025-11-02T01:30",
        "--within",
        "1h",
    )
    assert r.status == 0, r.err
    assert "Sun 2025-11-02 01:30 -04:00 – 01:30 -05:00" in r.out
    assert "01:30 – 01:30" not in r.out


def test_unambiguous_times_keep_no_offset():
    r = run_main(
        "due",
        "--tz",
        "America/New_York",
        "--start",
        "2025-11-03T09:00",
        "--within",
        "1h",
    )
    assert "Mon 2025-11-03 09:00 – 10:00" in r.out


def test_long_values_are_quoted_short():
    long_text = "2" * 400
    for args in (
        ("--start", long_text, "--within", "1h"),
        ("--start", "2025-01-06T10:00", "--within", long_text + "h"),
        ("--start", "2025-01-06T10:00", "--business-days", "9" * 5000),
        ("--start", "2025-01-06T10:00", "--within", "1h", "--bogus", long_text),
    ):
        r = run_main("due", "--tz", "UTC", *args)
        assert r.status == 2
        assert long_text not in r.err
        assert len(r.err) < 300


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            "CalendarNeverOpensError",
            "servicekit: error: --hours: the calendar never opens after",
        ),
        ("InvalidArgumentError", "servicekit: error: --within: odd"),
    ],
)
def test_calendar_errors_name_the_option(monkeypatch, error, expected):
    from servicekit import errors  # noqa: PLC0415

    def fail(*_args, **_kwargs):
        raise getattr(errors, error)("odd")

    monkeypatch.setattr(BusinessCalendar, "add", fail)
    r = run_main("due", "--tz", "UTC", "--start", "2025-01-06T10:00", "--within", "1h")
    assert r.status == 2
    assert r.err.startswith(expected)


@pytest.mark.parametrize(
    ("country", "option"), [(None, "--hours"), ("US", "--country")]
)
def test_calendar_refused_names_the_option(monkeypatch, country, option):
    from servicekit import errors  # noqa: PLC0415

    def fail(*_args, **_kwargs):
        raise errors.InvalidArgumentError("odd")

    monkeypatch.setattr(BusinessCalendar, "__init__", fail)
    monkeypatch.setattr(BusinessCalendar, "for_country", fail)
    args = [] if country is None else ["--country", country]
    r = run_main(
        "due", "--tz", "UTC", *args, "--start", "2025-01-06T10:00", "--within", "1h"
    )
    assert r.err == f"servicekit: error: {option}: odd\n"


def test_country_without_subdivisions_says_it_has_none():
    r = run_main(
        "due",
        "--tz",
        "UTC",
        "--country",
        "SG",
        "--subdiv",
        "x",
        "--start",
        "2025-01-06T10:00",
        "--within",
        "1h",
    )
    assert r.status == 2
    assert r.err.startswith("servicekit: error: --subdiv: SG has no subdivision 'x';")


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_national_day_notes_fit_in_100_columns_and_none_is_lost(lang):
    """The week of National Day 2025 in one skipped stretch printed a 367-column line
    (issue 12: text reports fit in 100 columns); its notes now go one per line."""
    args = (*CN, "--start", "2025-09-30T16:00", "--business-days", "3")
    text = run_main("--lang", lang, *args)
    data = json.loads(run_main("--lang", lang, *args, "--json").out)
    assert text.status == 0, text.err
    assert max(wcswidth(line) for line in text.out.splitlines()) <= 100
    flat = " ".join(line.strip() for line in text.out.splitlines())
    for stretch in data["stretches"]:
        for note in stretch["notes"]:
            assert note in flat

"""Interval requirements on the real China calendar, against a minute-by-minute reference."""

import datetime as dt
import itertools
import math
import pickle

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit.errors import InvalidArgumentError, InvalidTypeError, NaiveDatetimeError
from servicekit.sla import BusinessCalendar, parse_hours
from servicekit.workforce import (
    IntervalRequirements,
    interval_requirements,
    required_agents,
    spread_volume,
)

SHANGHAI = "Asia/Shanghai"
CHINA = BusinessCalendar.for_country(
    "CN",
    timezone=SHANGHAI,
    weekly_hours=parse_hours("Mon-Fri 09:00-12:00,13:30-18:00"),
)
AHT = dt.timedelta(minutes=5)
TARGET = dt.timedelta(seconds=20)
# A day's contacts from 08:00 to 20:00, half-hour by half-hour (some before opening,
# some in the lunch break, some after closing).
DAY_PROFILE = (
    [0] * 16
    + [1, 2, 4, 5, 5, 4, 4, 3, 3, 3, 4, 4, 4, 4, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1]
    + [0] * 8
)


def reference(forecast, start, interval, calendar, **targets):
    """Open share by sampling the calendar every minute; staffing per interval."""
    step = dt.timedelta(minutes=1)
    samples = interval // step
    out = []
    at = pendulum.instance(start).in_timezone("UTC")
    for volume in forecast:
        open_minutes = sum(calendar.is_open(at + step * k) for k in range(samples))
        share = open_minutes / samples
        agents = (
            required_agents(
                volume=volume, period=interval, aht=AHT, target_answer=TARGET, **targets
            ).agents
            if share
            else 0
        )
        out.append((share, agents, volume * (1 - share)))
        at += interval
    return out


def check_against_reference(need, forecast, start, interval, calendar, **targets):
    expected = reference(forecast, start, interval, calendar, **targets)
    assert len(need) == len(forecast)
    for i, (share, agents, closed) in enumerate(expected):
        assert need.open_shares[i] == pytest.approx(share), i
        assert need.agents[i] == agents, i
        assert need.closed_volumes[i] == pytest.approx(closed, abs=1e-9), i


def plan(forecast, start, interval=dt.timedelta(minutes=30), calendar=CHINA, **kw):
    return interval_requirements(
        **{
            "forecast": forecast,
            "start": start,
            "interval": interval,
            "calendar": calendar,
            "aht": AHT,
            "target_answer": TARGET,
            **kw,
        }
    )


class TestChinaCalendar:
    def test_spring_festival_week(self):
        """Sunday 26 January 2025 is a make-up working day (调休), 28 January to
        4 February the Spring Festival: the desk is staffed on the Sunday, nobody
        over the holiday, and every contact forecast for the holiday is reported."""
        start = pendulum.datetime(2025, 1, 26, tz=SHANGHAI)
        forecast = spread_volume([1200] * 8, profile=DAY_PROFILE)
        need = plan(forecast, start)
        check_against_reference(need, forecast, start, need.interval, CHINA)
        per_day = [need.scheduled_agents[d * 48 : (d + 1) * 48] for d in range(8)]
        closed_per_day = [
            math.fsum(need.closed_volumes[d * 48 : (d + 1) * 48]) for d in range(8)
        ]
        assert max(per_day[0]) > 0  # the make-up Sunday
        assert max(per_day[1]) > 0  # Monday 27 January, the eve
        for day in per_day[2:]:  # 28 January - 2 February: the holiday
            assert max(day) == 0
        for closed in closed_per_day[2:]:
            assert closed == pytest.approx(1200)
        assert need.closed_volume == pytest.approx(math.fsum(closed_per_day))
        assert need.closed_volume > 6 * 1200  # and the before/after-hours volume

    def test_the_lunch_break_needs_nobody(self):
        start = pendulum.datetime(2025, 3, 3, 11, tz=SHANGHAI)
        need = plan([50] * 6, start)
        assert need.agents == (12, 12, 0, 0, 0, 12)
        assert need.closed_volumes == (0.0, 0.0, 50.0, 50.0, 50.0, 0.0)
        assert need.closed_intervals == (
            (pendulum.datetime(2025, 3, 3, 12, tz=SHANGHAI), 50.0),
            (pendulum.datetime(2025, 3, 3, 12, 30, tz=SHANGHAI), 50.0),
            (pendulum.datetime(2025, 3, 3, 13, tz=SHANGHAI), 50.0),
        )

    def test_an_hour_the_lunch_break_ends_in_is_half_open(self):
        """13:00-14:00 with lunch until 13:30: half its volume arrives while closed;
        the open half is staffed for the hour's arrival rate."""
        start = pendulum.datetime(2025, 3, 3, 13, tz=SHANGHAI)
        need = plan([100], start, interval=dt.timedelta(hours=1))
        assert need.open_shares == (0.5,)
        assert need.closed_volumes == (50.0,)
        full = required_agents(
            volume=100, period=dt.timedelta(hours=1), aht=AHT, target_answer=TARGET
        )
        assert need.agents == (full.agents,)

    @settings(max_examples=10, deadline=None)
    @given(
        st.sampled_from([15, 30, 60]),
        st.sampled_from(
            [
                pendulum.datetime(2025, 1, 24, tz=SHANGHAI),
                pendulum.datetime(2025, 2, 4, tz=SHANGHAI),
                pendulum.datetime(2025, 9, 28, tz=SHANGHAI),
            ]
        ),
        st.lists(st.integers(0, 300), min_size=1, max_size=150),
    )
    def test_any_forecast_against_the_minute_by_minute_reference(
        self, minutes, start, forecast
    ):
        interval = dt.timedelta(minutes=minutes)
        need = plan(forecast, start, interval=interval)
        check_against_reference(need, forecast, start, interval, CHINA)
        opened = math.fsum(
            v * s for v, s in zip(forecast, need.open_shares, strict=True)
        )
        assert opened + need.closed_volume == pytest.approx(sum(forecast))

    @settings(max_examples=8, deadline=None)
    @given(
        st.sampled_from([15, 30, 60]),
        st.sampled_from(
            [
                pendulum.datetime(2025, 3, 9, tz="America/New_York"),
                pendulum.datetime(2025, 11, 2, tz="America/New_York"),
            ]
        ),
        st.lists(st.integers(0, 200), min_size=1, max_size=30),
    )
    def test_clock_changes_against_the_minute_by_minute_reference(
        self, minutes, start, forecast
    ):
        """A night desk open 00:30-02:30 on the two nights New York changes its
        clocks: the skipped hour is not working time, the repeated one counts twice."""
        night = BusinessCalendar(
            timezone="America/New_York", weekly_hours=parse_hours("Mon-Sun 00:30-02:30")
        )
        interval = dt.timedelta(minutes=minutes)
        need = plan(forecast, start, interval=interval, calendar=night)
        check_against_reference(need, forecast, start, interval, night)

    def test_clock_changes_known_answers(self):
        night = BusinessCalendar(
            timezone="America/New_York", weekly_hours=parse_hours("Mon-Sun 00:30-02:30")
        )
        hour = dt.timedelta(hours=1)
        spring = pendulum.datetime(2025, 3, 9, tz="America/New_York")
        fall = pendulum.datetime(2025, 11, 2, tz="America/New_York")
        # 00:00, 01:00 EST, then 03:00 EDT: 02:00-02:30 never happens.
        assert plan([10] * 3, spring, interval=hour, calendar=night).open_shares == (
            0.5,
            1.0,
            0.0,
        )
        # 00:00 EDT, 01:00 EDT, 01:00 EST, 02:00 EST: the repeated hour is worked twice.
        assert plan([10] * 4, fall, interval=hour, calendar=night).open_shares == (
            0.5,
            1.0,
            1.0,
            0.5,
        )

    def test_erlang_a_targets_and_shrinkage_per_interval(self):
        start = pendulum.datetime(2025, 3, 3, 9, tz=SHANGHAI)
        targets = {
            "patience": dt.timedelta(minutes=2),
            "answer_rate": 0.95,
            "shrinkage": 0.3,
        }
        need = plan([80, 0, 40], start, **targets)
        expected = [
            required_agents(
                volume=v,
                period=dt.timedelta(minutes=30),
                aht=AHT,
                target_answer=TARGET,
                **targets,
            )
            for v in (80, 0, 40)
        ]
        assert need.agents == tuple(p.agents for p in expected)
        assert need.scheduled_agents == tuple(p.scheduled_agents for p in expected)

    def test_handling_times_per_interval(self):
        """Evening calls run longer: each interval is staffed with its own AHT."""
        start = pendulum.datetime(2025, 3, 3, 16, tz=SHANGHAI)
        ahts = [dt.timedelta(minutes=m) for m in (4, 5, 8, 8)]
        need = interval_requirements(
            forecast=[60, 60, 60, 60],
            start=start,
            interval=dt.timedelta(minutes=30),
            calendar=CHINA,
            aht=ahts,
            target_answer=TARGET,
        )
        expected = [
            required_agents(
                volume=60, period=dt.timedelta(minutes=30), aht=h, target_answer=TARGET
            ).agents
            for h in ahts
        ]
        assert need.agents == tuple(expected)
        assert need.agents[0] < need.agents[1] < need.agents[2]

    def test_a_minimum_while_open_and_none_while_closed(self):
        start = pendulum.datetime(2025, 3, 3, 11, 30, tz=SHANGHAI)
        need = plan([0, 0, 1], start, minimum_agents=2, shrinkage=0.5)
        assert need.agents == (2, 0, 0)
        assert need.scheduled_agents == (4, 0, 0)


class TestValue:
    def test_what_a_shift_scheduler_takes(self):
        start = pendulum.datetime(2025, 3, 3, 9, tz=SHANGHAI)
        need = plan([30] * 4, start, shrinkage=0.2)
        assert need.start == start
        assert need.interval == dt.timedelta(minutes=30)
        assert all(type(n) is int for n in need.scheduled_agents)
        assert need.required == need.scheduled_agents
        assert need.peak_agents == max(need.scheduled_agents)
        assert need.staffed_time == dt.timedelta(minutes=30) * sum(
            need.scheduled_agents
        )
        assert need.end == start.add(hours=2)
        assert IntervalRequirements.from_dict(need.to_dict()) == need
        assert pickle.loads(pickle.dumps(need)) == need

    def test_days_with_a_clock_change_have_elapsed_intervals(self):
        """New York springs forward on 9 March 2025: that day has 23 hourly intervals
        of elapsed time, and each start is one hour after the last."""
        ny = BusinessCalendar.always_open("America/New_York")
        start = pendulum.datetime(2025, 3, 9, tz="America/New_York")
        need = plan([10] * 23, start, interval=dt.timedelta(hours=1), calendar=ny)
        starts = need.starts
        assert starts[-1].hour == 23
        assert need.end == pendulum.datetime(2025, 3, 10, tz="America/New_York")
        for a, b in itertools.pairwise(starts):
            assert b.timestamp() - a.timestamp() == 3600
        assert set(need.open_shares) == {1.0}

    def test_a_day_long_interval_is_24_hours_of_elapsed_time(self):
        """Regression: pendulum adds a timedelta's days on the wall clock, which
        would make the day of the clock change 23 hours long."""
        ny = BusinessCalendar.always_open("America/New_York")
        start = pendulum.datetime(2025, 3, 8, tz="America/New_York")
        need = plan([100, 100], start, interval=dt.timedelta(days=1), calendar=ny)
        assert need.starts[1] == pendulum.datetime(2025, 3, 9, tz="America/New_York")
        assert need.end == pendulum.datetime(2025, 3, 10, 1, tz="America/New_York")
        assert need.open_shares == (1.0, 1.0)

    def test_lengths_must_agree(self):
        need = plan([1, 2], pendulum.datetime(2025, 3, 3, 9, tz=SHANGHAI))
        data = need.to_dict()
        with pytest.raises(InvalidArgumentError, match="agents holds 1"):
            IntervalRequirements(**{**need.__getstate__(), "agents": (1,)})
        assert IntervalRequirements.from_dict(data) == need


class TestSpreadVolume:
    def test_shares_of_the_day(self):
        volumes = spread_volume(1200, profile=DAY_PROFILE)
        assert len(volumes) == 48
        assert math.fsum(volumes) == pytest.approx(1200)
        assert volumes[:16] == (0.0,) * 16
        assert volumes[19] == pytest.approx(1200 * 5 / sum(DAY_PROFILE))

    @given(
        st.lists(st.floats(0, 1e6), min_size=1, max_size=4),
        st.sampled_from([24, 48, 96]).flatmap(
            lambda n: st.lists(st.floats(0, 100), min_size=n, max_size=n).filter(any)
        ),
    )
    def test_each_day_keeps_its_volume(self, days, profile):
        volumes = spread_volume(days, profile=profile)
        width = len(profile)
        assert len(volumes) == width * len(days)
        for d, day in enumerate(days):
            assert math.fsum(volumes[d * width : (d + 1) * width]) == pytest.approx(
                day, rel=1e-9, abs=1e-9
            )

    @pytest.mark.parametrize(
        ("volume", "profile", "match"),
        [
            (100, [1] * 7, "profile"),
            (100, [1] * 2880, "whole minutes"),
            (100, [], "profile"),
            (100, [0] * 24, "weight above zero"),
            (100, [1] * 23 + [-1], r"profile\[23\]"),
            (100, [1] * 23 + [math.nan], r"profile\[23\]"),
            (-5, [1] * 24, r"volume\[0\]"),
            ([100, math.inf], [1] * 24, r"volume\[1\]"),
        ],
    )
    def test_bad_input(self, volume, profile, match):
        with pytest.raises(InvalidArgumentError, match=match):
            spread_volume(volume, profile=profile)

    def test_wrong_types(self):
        with pytest.raises(InvalidTypeError, match="profile"):
            spread_volume(100, profile="24")
        with pytest.raises(InvalidTypeError, match="volume"):
            spread_volume("100", profile=[1] * 24)


class TestBadInput:
    START = pendulum.datetime(2025, 3, 3, 9, tz=SHANGHAI)

    @pytest.mark.parametrize(
        "interval",
        [
            dt.timedelta(minutes=7),
            dt.timedelta(days=2),
            dt.timedelta(microseconds=1) / 3,
            dt.timedelta(seconds=90),  # divides a day, but not into whole minutes
            dt.timedelta(minutes=7, seconds=30),
        ],
    )
    def test_an_interval_that_does_not_divide_a_day(self, interval):
        with pytest.raises(InvalidArgumentError, match="interval"):
            plan([1], self.START, interval=interval)

    def test_non_positive_interval(self):
        with pytest.raises(InvalidArgumentError, match="interval must be positive"):
            plan([1], self.START, interval=dt.timedelta(0))

    def test_a_start_off_the_grid(self):
        with pytest.raises(InvalidArgumentError, match="start"):
            plan([1], self.START.add(minutes=10))

    def test_a_start_on_the_grid_of_another_zone_only(self):
        """09:00 UTC is 17:00 in Shanghai; 09:30 in Kolkata is 12:00 in Shanghai, on
        the grid; 09:00 in Kathmandu (+05:45) is 11:15 there, off it."""
        plan([1], pendulum.datetime(2025, 3, 3, 9, 30, tz="Asia/Kolkata"))
        with pytest.raises(InvalidArgumentError, match="start"):
            plan([1], pendulum.datetime(2025, 3, 3, 9, tz="Asia/Kathmandu"))

    def test_naive_start(self):
        with pytest.raises(NaiveDatetimeError, match="start"):
            plan([1], dt.datetime(2025, 3, 3, 9))
        with pytest.raises(InvalidTypeError, match="start"):
            plan([1], "2025-03-03T09:00:00+08:00")

    @pytest.mark.parametrize(
        ("forecast", "match"),
        [
            ([1, -2], r"forecast\[1\]"),
            ([math.nan], r"forecast\[0\]"),
            ([1, math.inf], r"forecast\[1\]"),
        ],
    )
    def test_bad_volumes_are_named_by_index(self, forecast, match):
        with pytest.raises(InvalidArgumentError, match=match):
            plan(forecast, self.START)

    def test_wrong_types(self):
        with pytest.raises(InvalidTypeError, match="forecast"):
            plan(100, self.START)
        with pytest.raises(InvalidTypeError, match="calendar"):
            plan([1], self.START, calendar="CN")

    def test_handling_times_per_interval_must_match_the_forecast(self):
        with pytest.raises(InvalidArgumentError, match="aht holds 1"):
            plan([1, 2], self.START, aht=[AHT])
        with pytest.raises(InvalidArgumentError, match=r"aht\[1\]"):
            plan([1, 2], self.START, aht=[AHT, dt.timedelta(0)])
        with pytest.raises(InvalidTypeError, match="aht"):
            plan([1, 2], self.START, aht="PT5M")

    def test_an_empty_forecast_still_checks_the_targets(self):
        with pytest.raises(InvalidArgumentError, match="answer_rate"):
            plan([], self.START, aht=[], answer_rate=0.95)
        assert len(plan([], self.START)) == 0

    def test_too_long_a_forecast(self):
        with pytest.raises(InvalidArgumentError, match="intervals"):
            plan([0] * 100_001, self.START)

    def test_staffing_inputs_are_checked_even_with_no_volume(self):
        with pytest.raises(InvalidArgumentError, match="answer_rate"):
            plan([0, 0], self.START, answer_rate=0.95)
        with pytest.raises(InvalidArgumentError, match="minimum_agents"):
            plan([0, 0], self.START, minimum_agents=-1)

"""Every number of ``SERVICE_STANDARD`` and ``CHINA_BUSINESS_CALENDAR``, checked by name.

The preset's docstring is the service standard the seeds run today; these tests pin
each promise it lists (policy, metric, allowance, clock) and which policy a given
combination of facts selects, so an edit to the preset is a visible decision.
"""

import datetime as dt
import json
import pickle

import pendulum
import pytest

from helpers import HOUR, MINUTE, SECOND, SHANGHAI
from servicekit import Channel, Priority, Tier
from servicekit.sla import (
    BusinessCalendar,
    Metric,
    PolicySet,
    SlaPolicy,
    TicketStatus,
)
from servicekit.sla.presets import (
    BY_DEDICATED_MANAGER,
    CHINA_BUSINESS_CALENDAR,
    SERVICE_STANDARD,
)

FR = Metric.FIRST_RESPONSE
NR = Metric.NEXT_RESPONSE
PU = Metric.PERIODIC_UPDATE
RES = Metric.RESOLUTION

# (policy, metric) -> (within, business_hours), straight from the docstring.
PROMISES = {
    ("urgent", FR): (5 * MINUTE, False),
    ("urgent", NR): (5 * MINUTE, False),
    ("urgent", RES): (24 * HOUR, False),
    ("bot", FR): (10 * SECOND, False),
    ("bot", NR): (10 * SECOND, False),
    ("bot", RES): (24 * HOUR, False),
    ("chat", FR): (30 * SECOND, False),
    ("chat", NR): (30 * SECOND, False),
    ("chat", RES): (24 * HOUR, False),
    ("logistics_fast_lane", FR): (15 * MINUTE, False),
    ("logistics_fast_lane", NR): (15 * MINUTE, False),
    ("logistics_fast_lane", RES): (24 * HOUR, False),
    ("high_value", FR): (30 * MINUTE, False),
    ("high_value", NR): (30 * MINUTE, False),
    ("high_value", "manager_answer"): (2 * HOUR, True),
    ("high_value", RES): (24 * HOUR, False),
    ("requirement", FR): (30 * MINUTE, False),
    ("requirement", NR): (30 * MINUTE, False),
    ("requirement", PU): (168 * HOUR, False),
    ("standard", FR): (30 * MINUTE, False),
    ("standard", NR): (30 * MINUTE, False),
    ("standard", RES): (24 * HOUR, False),
}


def by_name(name: str) -> SlaPolicy:
    (found,) = [p for p in SERVICE_STANDARD if p.name == name]
    return found


def test_policy_names_in_order():
    """First match wins, so the order is part of the standard."""
    assert [p.name for p in SERVICE_STANDARD] == [
        "urgent",
        "bot",
        "chat",
        "logistics_fast_lane",
        "high_value",
        "requirement",
        "standard",
    ]


@pytest.mark.parametrize(("key", "promise"), PROMISES.items(), ids=str)
def test_each_number(key, promise):
    """Each (policy, target) allowance and clock is the documented one."""
    name, metric = key
    t = by_name(name).target(metric)
    assert t is not None
    assert (t.within, t.business_hours) == promise
    assert t.warn_at == (0.5, 0.75)


def test_nothing_else_is_measured():
    """Only the promises above are measured (e.g. requirement has no RESOLUTION)."""
    measured = {
        (p.name, t.metric if t.name == t.metric.value else t.name)
        for p in SERVICE_STANDARD
        for t in p.targets
    }
    assert measured == set(PROMISES)
    assert by_name("requirement").target(RES) is None
    assert by_name("urgent").target(PU) is None


def test_every_policy_uses_the_china_calendar_and_default_pauses():
    """Beijing time; RESOLUTION pauses while pending or on hold."""
    for p in SERVICE_STANDARD:
        assert p.calendar == CHINA_BUSINESS_CALENDAR
        assert p.pause_on == {TicketStatus.PENDING, TicketStatus.ON_HOLD}


def test_only_standard_is_a_catch_all():
    """Every ticket gets a policy: the last one matches anything."""
    assert by_name("standard").matches({"attributes": {}})
    assert SERVICE_STANDARD.select({}).name == "standard"
    others = [p for p in SERVICE_STANDARD if p.name != "standard"]
    assert not any(p.matches({"attributes": {}}) for p in others)


class TestChinaCalendar:
    def test_hours(self):
        """Mon-Fri 09:00-12:00 and 13:30-18:00, Beijing time."""
        cal = CHINA_BUSINESS_CALENDAR
        assert cal.timezone == SHANGHAI
        monday = pendulum.datetime(2025, 3, 3, tz=SHANGHAI)
        assert cal.between(monday, monday.add(days=1)) == 7.5 * HOUR
        assert not cal.is_open(monday.add(hours=12))
        assert cal.is_open(monday.add(hours=13, minutes=30))
        assert not cal.is_business_day(dt.date(2025, 3, 8))

    def test_spring_festival_2025(self):
        """Holidays Jan 28 - Feb 4; make-up working days Sun Jan 26 and Sat Feb 8."""
        cal = CHINA_BUSINESS_CALENDAR
        assert cal.is_business_day(dt.date(2025, 1, 26))
        assert cal.is_business_day(dt.date(2025, 2, 8))
        for day in range(28, 32):
            assert not cal.is_business_day(dt.date(2025, 1, day))
        for day in range(1, 5):
            assert not cal.is_business_day(dt.date(2025, 2, day))
        assert cal.is_business_day(dt.date(2025, 2, 5))

    def test_friday_17_00_plus_2_hours_is_monday_10_00(self):
        """The docstring's example for high-value customers."""
        friday = pendulum.datetime(2025, 3, 7, 17, tz=SHANGHAI)
        assert CHINA_BUSINESS_CALENDAR.add(friday, 2 * HOUR) == pendulum.datetime(
            2025, 3, 10, 10, tz=SHANGHAI
        )


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"priority": Priority.URGENT}, "urgent"),
        ({"priority": "urgent", "channel": "chat"}, "urgent"),
        ({"priority": "urgent", "channel": "bot"}, "urgent"),
        ({"priority": "urgent", "tier": "high_value"}, "urgent"),
        ({"priority": "urgent", "category": "requirement"}, "urgent"),
        ({"channel": Channel.BOT, "priority": "normal"}, "bot"),
        ({"channel": "bot", "tier": "high_value"}, "bot"),
        ({"channel": "chat", "priority": "high"}, "chat"),
        ({"channel": "chat", "category": "logistics_complaint"}, "chat"),
        ({"channel": "chat", "tier": "high_value"}, "chat"),
        (
            {"channel": "email", "category": "logistics_complaint"},
            "logistics_fast_lane",
        ),
        (
            {"category": "logistics_complaint", "tier": "high_value"},
            "logistics_fast_lane",
        ),
        ({"tier": Tier.HIGH_VALUE, "channel": "phone"}, "high_value"),
        ({"tier": "high_value", "category": "requirement"}, "high_value"),
        ({"category": "requirement", "channel": "web"}, "requirement"),
        ({"category": "requirement", "priority": "high"}, "requirement"),
        ({"priority": "high", "channel": "email", "tier": "potential"}, "standard"),
        ({"category": "logistics"}, "standard"),
        ({"tier": "ordinary"}, "standard"),
        ({}, "standard"),
    ],
)
def test_selection(facts, expected):
    """Which policy a combination of facts selects: urgent beats channel, channel beats category and tier."""
    assert SERVICE_STANDARD.select({"attributes": {}, **facts}).name == expected


def test_json_round_trip():
    """The preset survives json.dumps/loads of to_dict() unchanged, selection included."""
    text = json.dumps(SERVICE_STANDARD.to_dict())
    back = PolicySet.from_dict(json.loads(text))
    assert back == SERVICE_STANDARD
    assert [p.name for p in back] == [p.name for p in SERVICE_STANDARD]
    assert back.select({"channel": "chat", "priority": "urgent"}).name == "urgent"
    assert BusinessCalendar.from_dict(
        back.policies[0].calendar.to_dict()
    ).is_business_day(dt.date(2025, 1, 26))
    data = json.loads(text)
    high_value = data["policies"][4]
    assert high_value["name"] == "high_value"
    assert high_value["targets"][2] == {
        "metric": "first_response",
        "within": "PT2H",
        "business_hours": True,
        "warn_at": [0.5, 0.75],
        "name": "manager_answer",
        "stop_when": BY_DEDICATED_MANAGER.to_dict(),
    }
    assert high_value["pause_on"] == ["on_hold", "pending"]


def test_pickles():
    """The preset ships to Dask or Spark workers."""
    assert pickle.loads(pickle.dumps(SERVICE_STANDARD)) == SERVICE_STANDARD


def test_copy_and_edit_as_documented():
    """The docstring's recipe: replace the catch-all with your own."""
    mine = SlaPolicy(
        name="mine",
        targets=by_name("standard").targets,
        calendar=CHINA_BUSINESS_CALENDAR,
    )
    edited = PolicySet([*SERVICE_STANDARD.policies[:-1], mine])
    assert edited.select({"attributes": {}}).name == "mine"
    assert edited.select({"attributes": {}, "priority": "urgent"}).name == "urgent"

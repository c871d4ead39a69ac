"""Hostile stored input raises the library's own errors, never a bare built-in (issue 12)."""

import datetime as dt

import pytest

from servicekit.errors import (
    CalendarRangeError,
    DeserializationError,
    InvalidArgumentError,
)
from servicekit.sla import (
    Alert,
    MetricStatus,
    SlaClock,
    SlaPolicy,
    SlaReport,
    SlaTarget,
    TicketEvent,
    evaluate,
)
from servicekit.sla.presets import SERVICE_STANDARD
from sla.clock_world import MON

REPORT = evaluate(
    SERVICE_STANDARD, [TicketEvent(at=MON, kind="created")], MON
).to_dict()
ALERT = {
    "kind": "breach",
    "metric": "resolution",
    "threshold": 1.0,
    "cycle": 1,
    "at": "2025-01-01T00:00:00+00:00",
}


def _deep(levels):
    value = []
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize(
    "at",
    [
        dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5))),
        dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    ],
)
def test_ticket_event_at_the_ends_of_the_datetime_range_is_not_an_overflow(at):
    with pytest.raises(
        CalendarRangeError, match=r"TicketEvent\.at 0001|TicketEvent\.at 9999"
    ):
        TicketEvent(at=at, kind="created")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("now", "9999-12-31T23:00:00+00:00"),
        ("now", "0001-01-01T00:00:00+00:00"),
        ("next_change_at", "9999-12-31T23:59:00+00:00"),
    ],
)
def test_report_from_dict_at_year_1_or_9999_is_not_an_overflow_in_to_dict(key, value):
    with pytest.raises(
        DeserializationError, match=rf"SlaReport data .* at \$\.{key}: "
    ):
        SlaReport.from_dict({**REPORT, key: value}).to_dict()


def test_huge_within_is_a_deserialization_error_not_an_overflow():
    with pytest.raises(DeserializationError, match="SlaTarget"):
        SlaTarget.from_dict({"metric": "resolution", "within": "P1000000000D"})


def test_huge_elapsed_is_a_deserialization_error_not_an_overflow():
    status = next(iter(REPORT["metrics"].values()))
    with pytest.raises(
        DeserializationError, match=r"MetricStatus data .* at \$\.elapsed: "
    ):
        MetricStatus.from_dict(
            {**status, "elapsed": "P999999999D"}, timezone="UTC"
        ).to_dict()


@pytest.mark.parametrize("zone", ["Nowhere/Zone", "America", "x" * 300, 7])
def test_alert_from_dict_refuses_unknown_timezone_up_front(zone):
    with pytest.raises(DeserializationError, match=r"Alert data .* at \$\.timezone: "):
        Alert.from_dict(ALERT, timezone=zone)


@pytest.mark.parametrize("zone", ["Nowhere/Zone", "America"])
def test_report_from_dict_refuses_unknown_timezone(zone):
    with pytest.raises(
        DeserializationError, match=r"SlaReport data .* at \$\.timezone: "
    ):
        SlaReport.from_dict({**REPORT, "timezone": zone})


def test_alert_at_year_9999_is_refused_on_load_not_when_shown():
    with pytest.raises(DeserializationError, match=r"Alert data .* at \$\.at: "):
        Alert.from_dict(
            {**ALERT, "at": "9999-12-31T23:00:00+00:00"}, timezone="Asia/Tokyo"
        )


DEEP_INPUTS = [
    (
        TicketEvent.from_dict,
        {
            "at": "2025-01-01T00:00:00+00:00",
            "kind": "created",
            "attributes": {"x": _deep(500)},
        },
    ),
    (SlaReport.from_dict, {**REPORT, "metrics": _deep(500)}),
    (SlaPolicy.from_dict, {"name": "p", "calendar": _deep(500), "targets": []}),
    (SlaClock.from_dict, {"policies": _deep(500), "state": {}}),
    (lambda d: Alert.from_dict(d, timezone="UTC"), {**ALERT, "kind": _deep(500)}),
]


@pytest.mark.parametrize(("read", "data"), DEEP_INPUTS)
def test_500_nested_lists_are_a_deserialization_error_not_a_recursion_error(read, data):
    with pytest.raises(DeserializationError, match="nests deeper than 64"):
        read(data)


def test_deep_attributes_built_in_python_are_an_invalid_argument():
    with pytest.raises(InvalidArgumentError, match="attributes nests deeper"):
        TicketEvent(at=MON, kind="created", attributes={"x": _deep(500)})

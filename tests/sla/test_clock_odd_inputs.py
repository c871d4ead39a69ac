"""Odd but possible inputs to the SLA clocks: each test failed before the fix it pins.

Truthy values that equal 1, changes listed after a solve at the same instant,
instants at the ends of what ``datetime`` can hold, stored reports with wrong values,
non-iterable logs, and what an event's ``attributes`` may hold.
"""

import datetime as dt
import json

import pendulum
import pytest

from helpers import MINUTE
from servicekit.errors import (
    CalendarRangeError,
    DeserializationError,
    InvalidArgumentError,
    InvalidTypeError,
)
from servicekit.sla import (
    BusinessCalendar,
    Contains,
    Equals,
    EventKind,
    Metric,
    MetricState,
    PolicySet,
    SlaClock,
    SlaPolicy,
    SlaReport,
    SlaTarget,
    TicketEvent,
    evaluate,
    evaluate_many,
)

UTC24 = BusinessCalendar.always_open("UTC")
MONDAY_MIDNIGHT_UTC = pendulum.datetime(2025, 3, 3, tz="UTC")


def target(metric, within):
    return SlaTarget(metric=metric, within=within, business_hours=False)


def policy(name, *targets, when=None):
    return SlaPolicy(name=name, calendar=UTC24, targets=targets, when=when)


def test_policy_memo_tells_true_from_1():
    """Rule 5 / DESIGN §2 determinism: the selection memo keyed attributes by ``==``,
    so a ticket with ``vip=1`` (no match: conditions tell bool from int) made every
    later ``vip=True`` ticket of the same PolicySet fall to the catch-all."""
    ps = PolicySet(
        [
            policy(
                "vip",
                target(Metric.FIRST_RESPONSE, 5 * MINUTE),
                when=Equals(field="attributes.vip", value=True),
            ),
            policy("rest", target(Metric.FIRST_RESPONSE, 30 * MINUTE)),
        ]
    )

    def chosen(value):
        created = TicketEvent(
            at=MONDAY_MIDNIGHT_UTC, kind=EventKind.CREATED, attributes={"vip": value}
        )
        return evaluate(ps, [created], MONDAY_MIDNIGHT_UTC).policy

    assert chosen(1) == "rest"
    assert chosen(True) == "vip"
    assert chosen(1.0) == "rest"
    assert chosen(True) == "vip"


def test_change_listed_after_solve_at_same_instant_breaches_at_reopen():
    """Rule 7: a shorter target set while the ticket is solved breaches when it is
    reopened. A change stamped in the same instant as the solve (listed after it)
    was treated as made while running, so the breach was back-dated to the solve,
    although the report at 01:40 said MET."""
    ps = PolicySet(
        [
            policy(
                "urgent",
                target(Metric.RESOLUTION, 60 * MINUTE),
                when={"priority": "urgent"},
            ),
            policy("normal", target(Metric.RESOLUTION, 120 * MINUTE)),
        ]
    )
    at = MONDAY_MIDNIGHT_UTC.add(minutes=90)
    events = [
        TicketEvent(at=MONDAY_MIDNIGHT_UTC, kind=EventKind.CREATED, priority="normal"),
        TicketEvent(at=at, kind=EventKind.STATUS_CHANGED, status="solved"),
        TicketEvent(at=at, kind=EventKind.PRIORITY_CHANGED, priority="urgent"),
    ]
    before = evaluate(ps, events, MONDAY_MIDNIGHT_UTC.add(minutes=100)).metrics[
        Metric.RESOLUTION
    ]
    assert before.state is MetricState.MET
    reopen = MONDAY_MIDNIGHT_UTC.add(minutes=120)
    events.append(TicketEvent(at=reopen, kind=EventKind.REOPENED))
    res = evaluate(ps, events, reopen).metrics[Metric.RESOLUTION]
    assert res.state is MetricState.BREACHED
    assert res.breached_at == reopen


@pytest.mark.parametrize(
    ("created", "within", "now"),
    [
        # A 24-hour target on a ticket created in 9999's last hour: due in year 10000.
        (pendulum.datetime(9999, 12, 31, 23, tz="UTC"), 24 * 60 * MINUTE, None),
        # An absurd allowance: due past datetime.max.
        (MONDAY_MIDNIGHT_UTC, dt.timedelta.max, None),
        # A report shown in UTC-10 of an instant in year 1's first hours.
        (pendulum.datetime(1, 1, 1, 5, tz="UTC"), MINUTE, MONDAY_MIDNIGHT_UTC),
    ],
)
def test_instants_beyond_datetime_raise_at_evaluate(created, within, now):
    """DESIGN §2: errors are servicekit errors. evaluate() returned a report whose
    ``due_at``, ``next_change_at`` and ``to_dict()`` raised a bare OverflowError."""
    p = SlaPolicy(
        name="p",
        calendar=BusinessCalendar.always_open("Pacific/Honolulu"),
        targets=[target(Metric.RESOLUTION, within)],
    )
    with pytest.raises(CalendarRangeError, match="year"):
        evaluate(p, [TicketEvent(at=created, kind=EventKind.CREATED)], now or created)


def _report_dict():
    p = policy("p", target(Metric.RESOLUTION, 60 * MINUTE))
    created = TicketEvent(at=MONDAY_MIDNIGHT_UTC, kind=EventKind.CREATED)
    return evaluate(p, [created], MONDAY_MIDNIGHT_UTC.add(minutes=5)).to_dict()


@pytest.mark.parametrize(
    ("path", "bad"),
    [
        (("timezone",), "Mars/Olympus"),
        (("timezone",), 5),
        (("policy",), ["p"]),
        (("policy",), ""),
        (("metrics", "resolution", "metric"), "first_response"),
        (("metrics", "resolution", "cycles"), 1.9),
        (("metrics", "resolution", "cycles"), True),
    ],
)
def test_report_from_dict_rejects_bad_values(path, bad):
    """``from_dict`` promises DeserializationError for unusable data. It accepted an
    unknown zone (the report then raised pendulum's error on ``.now``), a list as the
    policy name (the report then could not be hashed), a metric filed under another
    metric's key, and truncated 1.9 cycles to 1."""
    data = _report_dict()
    where = data
    for key in path[:-1]:
        where = where[key]
    where[path[-1]] = bad
    with pytest.raises(DeserializationError):
        SlaReport.from_dict(data)


def test_apply_non_iterable_raises_servicekit_error():
    """DESIGN §2: ``SlaClock.apply(5)`` leaked a bare TypeError."""
    clock = SlaClock.start(
        policy("p", target(Metric.RESOLUTION, 60 * MINUTE)),
        [TicketEvent(at=MONDAY_MIDNIGHT_UTC, kind=EventKind.CREATED)],
    )
    with pytest.raises(InvalidTypeError):
        clock.apply(5)


def test_evaluate_many_checks_its_arguments_when_called():
    """A bad ``now`` or policy set raised only at the first ``next()``, far from the
    call that passed it; the logs stay lazy."""
    with pytest.raises(InvalidTypeError):
        evaluate_many(None, [], MONDAY_MIDNIGHT_UTC)
    with pytest.raises(InvalidTypeError):
        evaluate_many(policy("p", target(Metric.RESOLUTION, MINUTE)), [], "now")


class TestAttributesAreJsonValues:
    """DESIGN §2: every public value round-trips through JSON. Attributes holding a set
    or a date were accepted and then ``json.dumps(event.to_dict())`` raised a bare
    TypeError; a tuple came back from JSON as a list, unequal to the original."""

    @pytest.mark.parametrize(
        "value", [{"a", "b"}, dt.date(2025, 1, 1), object(), b"bytes"]
    )
    def test_non_json_values_are_refused_at_construction(self, value):
        with pytest.raises(
            InvalidTypeError, match=r"attributes\.x must be a JSON value"
        ):
            TicketEvent(
                at=MONDAY_MIDNIGHT_UTC, kind=EventKind.CREATED, attributes={"x": value}
            )

    @pytest.mark.parametrize("value", [float("nan"), float("inf")])
    def test_non_finite_numbers_are_refused(self, value):
        with pytest.raises(InvalidArgumentError, match="JSON cannot hold"):
            TicketEvent(
                at=MONDAY_MIDNIGHT_UTC,
                kind=EventKind.CREATED,
                attributes={"deep": {"x": [1, value]}},
            )

    def test_nested_lists_and_mappings_round_trip_through_json(self):
        attrs = {"tags": ("vip", "b2b"), "order": {"lines": [1, 2.5], "gift": None}}
        event = TicketEvent(
            at=MONDAY_MIDNIGHT_UTC, kind=EventKind.CREATED, attributes=attrs
        )
        back = TicketEvent.from_dict(json.loads(json.dumps(event.to_dict())))
        assert back == event
        assert back.attributes["tags"] == ("vip", "b2b")
        assert hash(back) == hash(event)

    def test_nested_attributes_are_read_only(self):
        event = TicketEvent(
            at=MONDAY_MIDNIGHT_UTC,
            kind=EventKind.CREATED,
            attributes={"order": {"lines": [1]}},
        )
        with pytest.raises(InvalidTypeError, match="read-only"):
            event.attributes["order"]["lines"] = [2]

    def test_conditions_see_list_attributes(self):
        ps = PolicySet(
            [
                policy(
                    "tagged",
                    target(Metric.FIRST_RESPONSE, 5 * MINUTE),
                    when=Contains(field="attributes.tags", value="vip"),
                ),
                policy("rest", target(Metric.FIRST_RESPONSE, 30 * MINUTE)),
            ]
        )
        created = TicketEvent(
            at=MONDAY_MIDNIGHT_UTC,
            kind=EventKind.CREATED,
            attributes={"tags": ["vip", "b2b"]},
        )
        assert evaluate(ps, [created], MONDAY_MIDNIGHT_UTC).policy == "tagged"

    @pytest.mark.parametrize("bad", ["", [], 0])
    def test_from_dict_refuses_falsy_non_mappings(self, bad):
        """``d.get("attributes") or {}`` turned "", [] and 0 into {} silently."""
        data = {
            "at": MONDAY_MIDNIGHT_UTC.isoformat(),
            "kind": "created",
            "attributes": bad,
        }
        with pytest.raises(
            DeserializationError, match=r"at \$\.attributes: expected an object"
        ):
            TicketEvent.from_dict(data)


@pytest.mark.parametrize(
    "at",
    [
        dt.datetime(9999, 12, 31, 23, tzinfo=dt.UTC),
        dt.datetime(1, 1, 1, 3, tzinfo=dt.UTC),
    ],
)
def test_events_outside_the_showable_years_are_refused(at):
    """An event at 9999-12-31 23:00 UTC made SlaClock.last_event_at raise a bare
    OverflowError in Asia/Shanghai; such instants are refused when the event is built."""
    with pytest.raises(CalendarRangeError, match="outside the years"):
        TicketEvent(at=at, kind=EventKind.CREATED)

"""Rules 1-4 of the SLA clocks: how a ticket's event log is ordered, checked and refused.

Hand-computed: every expected instant is worked out in the comments (business
clocks checked against ``BusinessCalendar.add``); each docstring names the rule of
``docs/sla.md`` it pins. The shared world is ``sla/clock_world.py``.
"""

import datetime as dt
import json

import pendulum
import pytest

from helpers import DAY, HOUR, MINUTE, SECOND, SHANGHAI, ZERO
from servicekit.errors import (
    DeserializationError,
    InvalidEventError,
    InvalidTypeError,
    NaiveDatetimeError,
    UnknownNameError,
)
from servicekit.sla import (
    EventKind,
    MetricState,
    PolicySet,
    TicketEvent,
    TicketStatus,
    evaluate,
)
from servicekit.sla.presets import SERVICE_STANDARD
from sla.clock_world import (
    ALL_FOUR,
    FR,
    MON,
    MONDAY_UTC,
    PU,
    RES,
    created,
    fields_of,
    message,
    metric,
    reopened,
    reply,
    status,
    target,
)


class TestOrdering:
    def test_events_out_of_order_are_sorted(self):
        """Rule 1: a CRM may export events in any order; the report is the same."""
        events = [
            created(MONDAY_UTC),
            reply(MONDAY_UTC + 5 * MINUTE),
            message(MONDAY_UTC + 10 * MINUTE),
            reply(MONDAY_UTC + 20 * MINUTE),
            status(MONDAY_UTC + 30 * MINUTE, "pending"),
        ]
        now = MONDAY_UTC + HOUR
        expected = evaluate(ALL_FOUR, events, now)
        assert evaluate(ALL_FOUR, list(reversed(events)), now) == expected
        assert evaluate(ALL_FOUR, [events[3], *events[:3], events[4]], now) == expected

    def test_reply_then_solve_at_the_same_instant(self):
        """Rules 1, 10, 12: the reply comes first, so it starts an update cycle that solving stops."""
        r = evaluate(
            ALL_FOUR,
            [
                created(MONDAY_UTC),
                reply(MONDAY_UTC + MINUTE),
                status(MONDAY_UTC + MINUTE, "solved"),
            ],
            MONDAY_UTC + HOUR,
        )
        assert metric(r, FR).state is MetricState.MET
        assert metric(r, PU).cycles == 1
        assert metric(r, PU).state is MetricState.MET
        assert metric(r, PU).elapsed == ZERO

    def test_solve_then_reply_at_the_same_instant(self):
        """Rules 1, 10, 12: solving first stops first response there; the later reply counts for nothing."""
        r = evaluate(
            ALL_FOUR,
            [
                created(MONDAY_UTC),
                status(MONDAY_UTC + MINUTE, "solved"),
                reply(MONDAY_UTC + MINUTE),
            ],
            MONDAY_UTC + HOUR,
        )
        assert metric(r, FR).state is MetricState.MET
        assert metric(r, FR).stopped_at == MONDAY_UTC + MINUTE
        assert metric(r, PU).state is MetricState.NOT_STARTED
        assert metric(r, PU).cycles == 0

    def test_created_goes_first_among_ties(self):
        """Rule 1: an auto-reply stamped in the same second as CREATED but listed first.

        CRMs stamp auto-replies in the ticket's own second and may list them first;
        CREATED is moved to the front of its instant, the rest keep input order.
        """
        r = evaluate(ALL_FOUR, [created(MONDAY_UTC), reply(MONDAY_UTC)], MONDAY_UTC)
        assert (
            evaluate(ALL_FOUR, [reply(MONDAY_UTC), created(MONDAY_UTC)], MONDAY_UTC)
            == r
        )
        assert metric(r, FR).state is MetricState.MET
        assert metric(r, FR).elapsed == ZERO

    def test_an_event_before_created_still_raises(self):
        """Rule 2: only ties move; an event a second before CREATED is an error."""
        with pytest.raises(InvalidEventError, match="first event must be CREATED"):
            evaluate(
                ALL_FOUR,
                [reply(MONDAY_UTC - dt.timedelta(seconds=1)), created(MONDAY_UTC)],
                MONDAY_UTC,
            )

    def test_events_at_the_same_instant_in_different_zones_are_one_instant(self):
        """Rule 1: sorting is by instant, not by wall clock: 17:00 Shanghai is before 10:00 UTC."""
        shanghai = pendulum.datetime(2025, 3, 3, 17, tz=SHANGHAI)  # 09:00 UTC
        r = evaluate(
            ALL_FOUR,
            [reply(pendulum.datetime(2025, 3, 3, 10, tz="UTC")), created(shanghai)],
            MONDAY_UTC + 2 * HOUR,
        )
        assert metric(r, FR).elapsed == HOUR


class TestEventLogErrors:
    def test_missing_created(self):
        """Rule 2: a log without CREATED (an export that lost it) raises, naming what came first."""
        with pytest.raises(InvalidEventError, match="first event must be CREATED"):
            evaluate(ALL_FOUR, [reply(MONDAY_UTC)], MONDAY_UTC)

    def test_event_before_created(self):
        """Rule 2: a reply stamped before the ticket's creation (clock skew) raises."""
        with pytest.raises(InvalidEventError, match="AGENT_REPLY"):
            evaluate(
                ALL_FOUR, [created(MONDAY_UTC), reply(MONDAY_UTC - SECOND)], MONDAY_UTC
            )

    def test_two_created(self):
        """Rule 2: a ticket is created once (two logs merged by mistake)."""
        with pytest.raises(InvalidEventError, match="second CREATED"):
            evaluate(
                ALL_FOUR,
                [created(MONDAY_UTC), created(MONDAY_UTC + MINUTE)],
                MONDAY_UTC + HOUR,
            )

    def test_event_after_now(self):
        """Rule 2: a report never describes a log from the future."""
        with pytest.raises(InvalidEventError, match="future"):
            evaluate(
                ALL_FOUR,
                [created(MONDAY_UTC), reply(MONDAY_UTC + HOUR)],
                MONDAY_UTC + MINUTE,
            )

    def test_reopened_on_an_open_ticket(self):
        """Rule 4: REOPENED is only valid on a SOLVED ticket."""
        with pytest.raises(InvalidEventError, match="only a SOLVED ticket"):
            evaluate(
                ALL_FOUR,
                [created(MONDAY_UTC), reopened(MONDAY_UTC + MINUTE)],
                MONDAY_UTC + HOUR,
            )

    @pytest.mark.parametrize(
        "after",
        [
            status(MONDAY_UTC + 2 * MINUTE, "open"),
            status(MONDAY_UTC + 2 * MINUTE, "solved"),
            status(MONDAY_UTC + 2 * MINUTE, "pending"),
            reopened(MONDAY_UTC + 2 * MINUTE),
        ],
        ids=["open", "solved", "pending", "reopened"],
    )
    def test_nothing_changes_a_closed_ticket(self, after):
        """Rule 4: a CLOSED ticket cannot change status or be reopened; open a follow-up."""
        with pytest.raises(InvalidEventError, match="CLOSED"):
            evaluate(
                ALL_FOUR,
                [created(MONDAY_UTC), status(MONDAY_UTC + MINUTE, "closed"), after],
                MONDAY_UTC + HOUR,
            )

    def test_solved_then_closed_is_fine(self):
        """Rule 4: SOLVED -> CLOSED is the normal end of a ticket."""
        r = evaluate(
            ALL_FOUR,
            [
                created(MONDAY_UTC),
                status(MONDAY_UTC + MINUTE, "solved"),
                status(MONDAY_UTC + DAY, "closed"),
            ],
            MONDAY_UTC + 2 * DAY,
        )
        assert r.status is TicketStatus.CLOSED
        assert metric(r, RES).state is MetricState.MET
        assert metric(r, RES).stopped_at == MONDAY_UTC + MINUTE

    def test_ticket_starts_open(self):
        """Rule 4: with no status event the ticket is OPEN."""
        assert (
            evaluate(ALL_FOUR, [created(MONDAY_UTC)], MONDAY_UTC).status
            is TicketStatus.OPEN
        )

    @pytest.mark.parametrize(
        ("kind", "field"),
        [
            (EventKind.AGENT_REPLY, {"status": "solved"}),
            (EventKind.CUSTOMER_MESSAGE, {"tier": "ordinary"}),
            (EventKind.STATUS_CHANGED, {"status": "open", "priority": "high"}),
            (EventKind.PRIORITY_CHANGED, {"priority": "high", "tier": "ordinary"}),
            (EventKind.TIER_CHANGED, {"tier": "ordinary", "channel": "chat"}),
            (EventKind.REOPENED, {"category": "x"}),
            (EventKind.CREATED, {"status": "open"}),
        ],
    )
    def test_a_field_the_kind_does_not_carry(self, kind, field):
        """Rule 3: a field on an event kind that does not carry it raises (it would be ignored silently)."""
        with pytest.raises(InvalidEventError, match="does not carry"):
            TicketEvent(at=MONDAY_UTC, kind=kind, **field)

    @pytest.mark.parametrize(
        ("kind", "needed"),
        [
            (EventKind.STATUS_CHANGED, "status"),
            (EventKind.PRIORITY_CHANGED, "priority"),
            (EventKind.TIER_CHANGED, "tier"),
        ],
    )
    def test_a_required_field_is_missing(self, kind, needed):
        """Rule 3: STATUS_CHANGED needs a status, PRIORITY_CHANGED a priority, TIER_CHANGED a tier."""
        with pytest.raises(InvalidEventError, match=f"needs {needed}"):
            TicketEvent(at=MONDAY_UTC, kind=kind)

    def test_naive_datetimes(self):
        """Rule 2 (boundary): an instant without a zone is ambiguous, for events and for now."""
        naive = dt.datetime(2025, 3, 3, 9)
        with pytest.raises(NaiveDatetimeError):
            TicketEvent(at=naive, kind=EventKind.CREATED)
        with pytest.raises(NaiveDatetimeError):
            evaluate(ALL_FOUR, [created(MONDAY_UTC)], naive)

    @pytest.mark.parametrize(
        "events",
        [
            [{"at": "2025-03-03T09:00:00+00:00", "kind": "created"}],
            ["created"],
            created(MONDAY_UTC),
            "created",
            None,
        ],
        ids=["dicts", "strings", "one-event", "string", "none"],
    )
    def test_events_that_are_not_ticket_events(self, events):
        """Rule 2 (boundary): JSON must go through TicketEvent.from_dict first; the message says so."""
        with pytest.raises(InvalidTypeError, match="TicketEvent"):
            evaluate(ALL_FOUR, events, MONDAY_UTC)

    @pytest.mark.parametrize("events", [[], (), iter([])])
    def test_empty_logs(self, events):
        """Rule 2: an empty log has no CREATED."""
        with pytest.raises(InvalidEventError, match="empty"):
            evaluate(ALL_FOUR, events, MONDAY_UTC)

    def test_bad_policies_argument(self):
        """evaluate takes a PolicySet or an SlaPolicy, nothing else."""
        with pytest.raises(InvalidTypeError, match="PolicySet or an SlaPolicy"):
            evaluate([ALL_FOUR], [created(MONDAY_UTC)], MONDAY_UTC)

    def test_unknown_event_kind(self):
        """Rule 3 (boundary): an unknown kind names the known ones."""
        with pytest.raises(UnknownNameError, match="agent_reply"):
            TicketEvent(at=MONDAY_UTC, kind="agent_note")


class TestTicketEventValues:
    def test_attributes_are_read_only(self):
        """Rule 3: an event is a fact; changing its attributes after the fact would change history."""
        e = created(MONDAY_UTC, attributes={"city": "Hohhot"})
        with pytest.raises(InvalidTypeError, match="read-only"):
            e.attributes["city"] = "Baotou"
        with pytest.raises(InvalidTypeError):
            e.attributes.update(city="Baotou")
        with pytest.raises(InvalidTypeError):
            del e.attributes["city"]
        assert e.attributes == {"city": "Hohhot"}

    def test_the_callers_dict_is_copied(self):
        """Rule 3: mutating the dict passed in does not reach the event."""
        given = {"city": "Hohhot"}
        e = created(MONDAY_UTC, attributes=given)
        given["city"] = "Baotou"
        assert e.attributes["city"] == "Hohhot"

    def test_events_are_equal_and_hash_equal_by_instant_across_zones(self):
        """Rule 1: equality compares instants, so a log read back in another zone dedupes."""
        utc = reply(pendulum.datetime(2025, 3, 3, 2, tz="UTC"))
        beijing = reply(pendulum.datetime(2025, 3, 3, 10, tz=SHANGHAI))
        assert utc == beijing
        assert hash(utc) == hash(beijing)
        assert len({utc, beijing}) == 1
        assert utc != reply(pendulum.datetime(2025, 3, 3, 10, tz="UTC"))
        with_attrs = created(MONDAY_UTC, attributes={"a": 1})
        assert hash(with_attrs) == hash(created(MONDAY_UTC, attributes={"a": 1}))

    def test_targets_and_policies_are_hashable_values(self):
        """Policies are values: usable as dict keys and in sets, equal when built alike."""
        assert hash(target(FR, 5 * MINUTE)) == hash(target(FR, 300 * SECOND))
        assert {ALL_FOUR, ALL_FOUR.__class__(**fields_of(ALL_FOUR))} == {ALL_FOUR}
        assert hash(SERVICE_STANDARD) == hash(
            PolicySet.from_dict(SERVICE_STANDARD.to_dict())
        )

    def test_event_json_round_trip(self):
        """TicketEvent.from_dict(to_dict()) keeps every field."""
        e = created(
            MON,
            priority="urgent",
            tier="high_value",
            channel="chat",
            category="logistics_complaint",
            attributes={"city": "Hohhot", "orders": [1, 2]},
        )
        back = TicketEvent.from_dict(json.loads(json.dumps(e.to_dict())))
        assert back == e
        assert back.attributes == e.attributes

    @pytest.mark.parametrize(
        "data",
        [
            {"kind": "created"},
            {"at": "2025-03-03T09:00:00+00:00"},
            {"at": "2025-03-03T09:00:00", "kind": "created"},
            {"at": "yesterday", "kind": "created"},
            {"at": "2025-03-03T09:00:00+00:00", "kind": "teleported"},
            {
                "at": "2025-03-03T09:00:00+00:00",
                "kind": "agent_reply",
                "status": "open",
            },
            {"at": "2025-03-03T09:00:00+00:00", "kind": "created", "priority": "meh"},
            [],
        ],
    )
    def test_event_from_bad_dicts(self, data):
        """A bad stored event raises DeserializationError, naming the data."""
        with pytest.raises(DeserializationError):
            TicketEvent.from_dict(data)

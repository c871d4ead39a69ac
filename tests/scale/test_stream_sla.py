"""The streaming path: JSON-lines exports to reports, one ticket held at a time.

The oracle is ``evaluate_many`` over the same tickets' events, built directly (no
JSON). Beyond agreement: the stream reads no further than the next ticket's first row
before yielding a report; a ticket whose rows are not together is refused by name
(never split into two reports); an error inside a ticket keeps its type and names the
ticket, its rows and the partition; the partition function pickles with its
arguments, and so do its errors.
"""

import datetime as dt
import functools
import json
import pickle

import pytest

from scale.engines import export_lines
from servicekit.errors import (
    DeserializationError,
    InvalidArgumentError,
    InvalidEventError,
    InvalidTypeError,
    NaiveDatetimeError,
    NoMatchingPolicyError,
    TicketOrderError,
)
from servicekit.sla import (
    BusinessCalendar,
    Equals,
    PolicySet,
    SlaPolicy,
    SlaTarget,
    evaluate_many,
    evaluate_partition,
    evaluate_stream,
    group_events,
)
from servicekit.sla.presets import SERVICE_STANDARD
from sla.sla_workload import NOW, events_of, make_plans

PLANS = make_plans(150, seed=20251205)
LINES = export_lines(150)
CREATED = {"at": "2025-03-03T10:00:00+08:00", "kind": "created"}
REPLY = {"at": "2025-03-03T10:05:00+08:00", "kind": "agent_reply"}


def row(ticket, **event):
    return json.dumps({"ticket_id": ticket, **event})


def serial():
    reports = evaluate_many(SERVICE_STANDARD, [events_of(p) for p in PLANS], NOW)
    return [(f"T-{i:05d}", r) for i, r in enumerate(reports)]


@pytest.mark.parametrize("order", ["grouped", "sorted"])
def test_a_stream_gives_the_serial_reports(order):
    assert list(evaluate_stream(SERVICE_STANDARD, LINES, NOW, order=order)) == serial()


def test_bytes_mappings_and_blank_lines_are_rows_too():
    rows = [
        "",
        LINES[0].encode(),
        *(json.loads(line) for line in LINES[1:]),
        "   \n",
    ]
    assert evaluate_partition(rows, SERVICE_STANDARD, NOW) == serial()


def test_the_stream_holds_one_ticket_at_a_time():
    """A report is yielded once the next ticket starts, before any later row is read."""
    read = []

    def rows():
        for i, line in enumerate(LINES):
            read.append(i)
            yield line

    stream = evaluate_stream(SERVICE_STANDARD, rows(), NOW)
    first_ticket_rows = len(events_of(PLANS[0]))
    ticket, report = next(stream)
    assert ticket == "T-00000"
    assert report == serial()[0][1]
    assert len(read) == first_ticket_rows + 1  # its rows, and the next ticket's first


def test_a_number_and_its_text_are_one_ticket():
    rows = [row(7, **CREATED), row("7", **REPLY)]
    assert [(t, len(e)) for t, e in group_events(rows)] == [("7", 2)]


def test_a_ticket_that_reappears_is_refused_by_name_and_line():
    rows = [row("a", **CREATED), row("b", **CREATED), row("a", **REPLY)]
    with pytest.raises(
        TicketOrderError, match=r"ticket 'a' .* reappears at line 3\b"
    ) as info:
        list(evaluate_stream(SERVICE_STANDARD, rows, NOW))
    assert (info.value.ticket, info.value.line) == ("a", 3)
    with pytest.raises(TicketOrderError, match="line 3 of partition 5"):
        evaluate_partition(rows, SERVICE_STANDARD, NOW, partition=5)


def test_sorted_order_needs_ascending_ids_and_keeps_no_set():
    ascending = [row(2, **CREATED), row(10, **CREATED), row("x", **CREATED)]
    assert [t for t, _ in group_events(ascending, order="sorted")] == ["2", "10", "x"]
    rows = [row("a", **CREATED), row("c", **CREATED), row("b", **CREATED)]
    with pytest.raises(
        TicketOrderError,
        match="ticket 'b' at line 3 of partition 'p-1' comes after ticket 'c'",
    ) as info:
        list(group_events(rows, order="sorted", partition="p-1"))
    assert info.value.line == 3
    # A reappearance is necessarily a step back in sorted input.
    rows = [row("a", **CREATED), row("b", **CREATED), row("a", **REPLY)]
    with pytest.raises(TicketOrderError, match="ticket 'a' at line 3"):
        list(group_events(rows, order="sorted"))


@pytest.mark.parametrize(
    ("rows", "error", "message"),
    [
        (
            ["[1]"],
            InvalidEventError,
            "line 1 of partition 3: each line must be a JSON object",
        ),
        (["{"], InvalidEventError, "line 1 of partition 3: not JSON"),
        (
            [42],
            InvalidEventError,
            "line 1 of partition 3: a row must be a line of JSON text",
        ),
        (
            [json.dumps(CREATED)],
            InvalidEventError,
            "line 1 of partition 3: ticket_id missing",
        ),
        ([row(True, **CREATED)], InvalidEventError, "a ticket id must be"),
        (
            [row("a", **CREATED, note=1)],
            InvalidEventError,
            "ticket 'a'.*unknown key 'note'",
        ),
        (
            [row("a", **CREATED), row("a", at="2025-03-03", kind="created")],
            DeserializationError,
            r"ticket 'a' \(line 2 of partition 3\): .*\$\.at",
        ),
        (
            [row("a", **CREATED), row("b", **REPLY)],
            InvalidEventError,
            r"ticket 'b' \(from line 2 of partition 3, 1 event\): a ticket's first event must be CREATED",
        ),
    ],
)
def test_errors_name_the_ticket_and_the_partition(rows, error, message):
    with pytest.raises(error, match=message):
        evaluate_partition(rows, SERVICE_STANDARD, NOW, partition=3)


def test_no_matching_policy_keeps_its_type():
    vip_only = PolicySet(
        [
            SlaPolicy(
                name="vip",
                when=Equals(field="tier", value="high_value"),
                targets=[
                    SlaTarget(metric="first_response", within=dt.timedelta(hours=1))
                ],
                calendar=BusinessCalendar.always_open(),
            )
        ]
    )
    with pytest.raises(
        NoMatchingPolicyError, match=r"ticket 'a' \(from line 1, 1 event\)"
    ):
        evaluate_partition([row("a", **CREATED)], vip_only, NOW)


def test_null_fields_are_absent_and_bookkeeping_keys_can_be_ignored():
    rows = [
        {
            "ticket_id": "a",
            **CREATED,
            "priority": None,
            "attributes": None,
            "src": "crm",
        },
    ]
    with pytest.raises(InvalidEventError, match="unknown key 'src'"):
        list(group_events(rows))
    ((_, (event,)),) = group_events(rows, ignore_keys=["src"])
    assert event.priority is None
    assert event.attributes == {}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"order": "random"}, "order must be 'grouped' or 'sorted'"),
        ({"partition": True}, "partition must be a whole number or a name"),
        ({"ignore_keys": "src"}, "ignore_keys must be a list"),
    ],
)
def test_bad_arguments_are_refused_at_the_call(kwargs, message):
    with pytest.raises(InvalidArgumentError, match=message):
        evaluate_stream(SERVICE_STANDARD, [], NOW, **kwargs)


def test_rows_must_be_an_iterable_of_rows():
    with pytest.raises(InvalidArgumentError, match="wrap a single row in a list"):
        group_events(LINES[0])
    with pytest.raises(InvalidArgumentError, match="got int"):
        evaluate_stream(SERVICE_STANDARD, 3, NOW)


def test_the_partition_function_and_its_errors_pickle():
    run = functools.partial(evaluate_partition, policies=SERVICE_STANDARD, now=NOW)
    shipped = pickle.loads(pickle.dumps(run))
    assert shipped(LINES) == serial()
    rows = [row("a", **CREATED), row("b", **CREATED), row("a", **REPLY)]
    with pytest.raises(TicketOrderError) as info:
        shipped(rows)
    again = pickle.loads(pickle.dumps(info.value))
    assert (type(again), str(again), again.ticket, again.line) == (
        TicketOrderError,
        str(info.value),
        "a",
        3,
    )


def test_an_empty_partition_gives_no_reports():
    assert evaluate_partition([], SERVICE_STANDARD, NOW) == []
    assert evaluate_partition(["", "\n"], SERVICE_STANDARD, NOW) == []


def test_policies_and_now_are_checked_at_the_call_not_at_the_first_ticket():
    with pytest.raises(NaiveDatetimeError):
        evaluate_stream(SERVICE_STANDARD, LINES, NOW.replace(tzinfo=None))
    with pytest.raises(InvalidTypeError, match="policies must be a PolicySet"):
        evaluate_stream("standard", LINES, NOW)

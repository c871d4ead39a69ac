"""Events read by the quick reader are the very values the codec builds (issue 13).

``tests/sla/test_event_json_reader.py`` holds the reader to the checking path field
by field on generated and respelt documents. Here: the logs of the shared SLA
strategies read back equal, write the same JSON and pickle alike by either road and
by either of the reader's ways of building an event; and named documents for the
instants most likely to go wrong (a repeated DST hour, ``Z``, odd offsets, fractions
of a second, a zone name in the text).
"""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzz
from helpers import building_by
from servicekit import _codec
from servicekit.errors import DeserializationError
from servicekit.sla import EventKind, TicketEvent
from servicekit.sla import _event_json as event_json
from strategies import sla_logs

NEW_YORK = ZoneInfo("America/New_York")


def exactly(event: TicketEvent) -> tuple[Any, ...]:
    """Everything an event holds, by type and value (``==`` compares instants only)."""
    at = event.at
    return (
        type(event),
        type(at),
        at.isoformat(),
        at.fold,
        type(at.tzinfo),
        at.tzinfo,
        at.utcoffset(),
        *(getattr(event, name) for name in event_json.FILLED_SLOTS[1:]),
        type(event.attributes),
        repr(event.attributes),  # 1 == True: the types too
    )


def outcome(read: Any, document: Any) -> tuple[str, Any]:
    """What ``read`` makes of ``document``: the exact event or the exact error."""
    try:
        event = read(document)
    except Exception as e:  # noqa: BLE001 -- the type is compared too
        return "refused", type(e), str(e)
    return "read", exactly(event)


def checked(document: Any) -> TicketEvent:
    return _codec.read_checked(TicketEvent, document)


def same_by_both_roads(document: Any) -> None:
    """``from_dict`` (quick reader first) and the checking path agree exactly."""
    careful = outcome(checked, document)
    for unseal in (True, False):
        with building_by(event_json, unseal=unseal):
            assert outcome(TicketEvent.from_dict, document) == careful


SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("unseal", [True, False])
@SETTINGS
@given(log=sla_logs())
def test_a_stored_log_reads_back_as_the_same_values(unseal, log):
    events, _ = log
    documents = [e.to_dict() for e in events]
    with building_by(event_json, unseal=unseal):
        read = [TicketEvent.from_dict(d) for d in documents]
    assert [event_json.read_event(d) is not None for d in documents] == [True] * len(
        documents
    )
    careful = [checked(d) for d in documents]
    assert read == events == careful
    assert [exactly(e) for e in read] == [exactly(e) for e in careful]
    assert [e.to_dict() for e in read] == documents
    assert [hash(e) for e in read] == [hash(e) for e in careful]
    for copied in (pickle.loads(pickle.dumps(read)), copy.deepcopy(read)):
        assert [exactly(e) for e in copied] == [exactly(e) for e in careful]
    assert [e._us for e in read] == [e._us for e in careful]


@SETTINGS
@given(st.data())
def test_mutated_stored_events_are_read_or_refused_alike(data):
    """Wrong types, missing and extra keys, NaN, deep nesting: the same outcome."""
    events, _ = data.draw(sla_logs(max_events=3))
    junk = fuzz.junk(["created", "agent_reply", "pending", "urgent", "Z", {}, 1.5])
    document = data.draw(
        fuzz.mutated(st.sampled_from(events).map(TicketEvent.to_dict), junk)
    )
    same_by_both_roads(document)


def test_the_reader_fills_every_slot_of_an_event():
    """Regression guard: a new TicketEvent field would be left unset by the reader."""
    assert set(TicketEvent.__slots__) == set(event_json.FILLED_SLOTS)


def test_the_reader_builds_by_class_assignment_on_this_python():
    """TicketEvent keeps the layout that lets the reader skip nine slot setters."""
    assert event_json.UNSEAL
    assert not hasattr(TicketEvent, "__weakref__")


def test_an_event_read_quickly_is_a_frozen_ticket_event():
    event = TicketEvent.from_dict(
        {"at": "2025-03-03T10:00:00+08:00", "kind": "created"}
    )
    assert type(event) is TicketEvent
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.kind = EventKind.REOPENED  # type: ignore[misc]
    assert attrs.evolve(event, kind=EventKind.REOPENED).kind is EventKind.REOPENED


def test_an_instant_in_the_repeated_dst_hour_keeps_its_side_of_the_change():
    """01:30 on 2025-11-02 happens twice in New York: fold 0 (EDT) and fold 1 (EST)."""
    first = dt.datetime(2025, 11, 2, 1, 30, tzinfo=NEW_YORK)
    second = first.replace(fold=1)
    docs = [
        TicketEvent(at=at, kind=EventKind.AGENT_REPLY).to_dict()
        for at in (first, second)
    ]
    assert [d["at"] for d in docs] == [
        "2025-11-02T01:30:00-04:00",
        "2025-11-02T01:30:00-05:00",
    ]
    read = [TicketEvent.from_dict(d) for d in docs]
    assert read[1].at - read[0].at == dt.timedelta(hours=1)
    assert read == [
        TicketEvent(at=at, kind=EventKind.AGENT_REPLY) for at in (first, second)
    ]
    for d in docs:
        same_by_both_roads(d)


def test_z_and_plus_zero_read_as_the_same_utc_instant():
    """``Z`` and ``+00:00`` both give ``datetime.UTC``, as the checking path does."""
    z, plus = (
        TicketEvent.from_dict({"at": f"2025-03-03T10:00:00{end}", "kind": "created"})
        for end in ("Z", "+00:00")
    )
    assert z == plus
    assert z.at.tzinfo is plus.at.tzinfo is dt.UTC
    assert z.to_dict()["at"] == "2025-03-03T10:00:00+00:00"
    for end in ("Z", "+00:00", "-00:00"):
        same_by_both_roads({"at": f"2025-03-03T10:00:00{end}", "kind": "created"})


@pytest.mark.parametrize(
    "offset", ["+05:45", "-03:30", "+14:00", "-12:00", "+05:30:07"]
)
def test_an_odd_offset_is_kept_as_given(offset):
    """Kathmandu's +05:45 and friends keep their offset, not UTC."""
    document = {"at": f"2025-03-03T10:00:00{offset}", "kind": "agent_reply"}
    event = TicketEvent.from_dict(document)
    assert event.at.isoformat().endswith(offset)
    assert event.to_dict() == document
    same_by_both_roads(document)


@pytest.mark.parametrize(
    "fraction", ["", ".5", ".123", ".000001", ".999999", ".1234567"]
)
def test_fractions_of_a_second_read_to_the_microsecond(fraction):
    """Six digits are exact; fewer are padded; more are refused by both roads alike."""
    same_by_both_roads(
        {"at": f"2025-03-03T23:59:59{fraction}+08:00", "kind": "created"}
    )


def test_microseconds_survive_the_round_trip():
    at = dt.datetime(2025, 3, 3, 10, 0, 0, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    event = TicketEvent.from_dict(TicketEvent(at=at, kind=EventKind.CREATED).to_dict())
    assert event.at.microsecond == 1
    assert event == TicketEvent(at=at, kind=EventKind.CREATED)


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-03T10:00:00+08:00[Asia/Shanghai]",
        "2025-03-03T10:00:00 Asia/Shanghai",
        "2025-03-03T10:00:00",
    ],
)
def test_a_zone_name_or_no_offset_is_refused_with_the_codecs_message(text):
    """The format holds offsets only; a named zone is refused, naming the path."""
    document = {"at": text, "kind": "created"}
    assert event_json.read_event(document) is None
    with pytest.raises(DeserializationError, match=r"\$\.at"):
        TicketEvent.from_dict(document)
    same_by_both_roads(document)

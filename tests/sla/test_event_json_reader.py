"""The quick reader of ticket events agrees with the codec's checking path (issue 13).

``TicketEvent.from_dict`` first tries a reader for the common valid document (the hot
path of a JSON-lines export) and takes the checking path for anything else. These
properties hold them together: on generated documents, respelt ones (names in another
case, nulls, odd offsets, the ends of time) and fuzzed ones, ``from_dict`` gives
exactly what the checking path gives (the same value, down to the zone object and the
precomputed instant, or the same error message), and the quick reader itself either
declines or builds that value. It never declines what ``to_dict`` writes.
"""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import fuzz
from servicekit import Channel, Priority, Tier, _codec
from servicekit.errors import DeserializationError
from servicekit.sla import EventKind, TicketEvent, TicketStatus
from servicekit.sla._event_json import read_event as _read_event

AT = "2025-03-03T10:00:00+08:00"

_ZONES = st.sampled_from(
    [
        dt.UTC,
        ZoneInfo("Asia/Shanghai"),
        ZoneInfo("America/New_York"),
        ZoneInfo("Asia/Kathmandu"),  # +05:45
        dt.timezone(dt.timedelta(hours=-3, minutes=-30)),
        dt.timezone(dt.timedelta(hours=5, seconds=7, microseconds=11)),
    ]
)
_INSTANTS = st.builds(
    lambda local, zone: local.replace(tzinfo=zone),
    st.datetimes(dt.datetime(1, 1, 3), dt.datetime(9999, 12, 28)),
    _ZONES,
)
_TEXTS = st.text(max_size=6)
_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _TEXTS
)
_FLAT = st.dictionaries(_TEXTS, _LEAVES, max_size=3)
_NESTED = st.dictionaries(
    _TEXTS, st.lists(_LEAVES, max_size=2) | st.dictionaries(_TEXTS, _LEAVES), max_size=2
)


@st.composite
def events(draw: st.DrawFn, attributes: st.SearchStrategy[Any] = _FLAT) -> TicketEvent:
    """An event of any kind with the fields its kind carries (some left out)."""
    kind = draw(st.sampled_from(list(EventKind)))
    fields: dict[str, Any] = {}
    if kind is EventKind.CREATED:
        fields = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "priority": st.sampled_from(list(Priority)),
                    "tier": st.sampled_from(list(Tier)),
                    "channel": st.sampled_from(list(Channel)),
                    "category": _TEXTS.filter(str.strip),
                    "attributes": attributes,
                },
            )
        )
    elif kind is EventKind.STATUS_CHANGED:
        fields["status"] = draw(st.sampled_from(list(TicketStatus)))
    elif kind is EventKind.PRIORITY_CHANGED:
        fields["priority"] = draw(st.sampled_from(list(Priority)))
    elif kind is EventKind.TIER_CHANGED:
        fields["tier"] = draw(st.sampled_from(list(Tier)))
    elif kind is EventKind.FACTS_CHANGED:
        fields["channel"] = draw(st.sampled_from(list(Channel)))
    if kind is not EventKind.CREATED and draw(st.booleans()):
        # Any event may carry its own facts (issue 14).
        fields["attributes"] = draw(attributes)
    return TicketEvent(at=draw(_INSTANTS), kind=kind, **fields)


def _respellings(key: str, value: Any) -> list[Any]:
    """Other spellings of a field's value, valid or not."""
    out: list[Any] = [None, "", " ", 1, True, [value], {"v": value}]
    if isinstance(value, str):
        out += [value.upper(), f" {value} ", value.title(), value + "x", value[:-1]]
    if key == "at" and isinstance(value, str):
        out += [
            value.replace("T", " "),
            value[:19],  # no offset
            value[:10],  # a date
            value.replace("+00:00", "Z"),
            value + "0",
            "0001-01-01T00:00:00+08:00",
            "9999-12-31T23:00:00+00:00",
            "9999-12-30T00:00:00-00:00",
            "0001-01-02T00:00:00+00:00",
            "x" * 65,
        ]
    if key == "kind":
        out += [k.name for k in EventKind] + ["CREATED", "创建"]
    if key == "attributes":
        out += [{}, {"a": [1]}, {"a": {"b": None}}, {"a": float("nan")}, {1: 2}, ("a",)]
    return out


@st.composite
def documents(draw: st.DrawFn) -> Any:
    """A stored event, maybe with some fields respelt, nulled, dropped or added."""
    doc: dict[str, Any] = draw(events(_FLAT | _NESTED)).to_dict()
    for _ in range(draw(st.integers(0, 3))):
        key = draw(
            st.sampled_from(
                [
                    *sorted(doc),
                    "priority",
                    "tier",
                    "channel",
                    "category",
                    "status",
                    "attributes",
                    "us",
                    "_us",
                    "type",
                    "colour",
                ]
            )
        )
        action = draw(st.sampled_from(["respell", "drop", "set"]))
        if action == "drop":
            doc.pop(key, None)
        elif action == "respell":
            doc[key] = draw(st.sampled_from(_respellings(key, doc.get(key))))
        else:
            doc[key] = draw(
                st.sampled_from(
                    [
                        m.value
                        for e in (Priority, Tier, Channel, TicketStatus)
                        for m in e
                    ]
                    + ["billing", None, {}]
                )
            )
    return doc


def _exactly(event: TicketEvent) -> tuple[Any, ...]:
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
        event.kind,
        type(event.priority),
        event.priority,
        type(event.tier),
        event.tier,
        type(event.channel),
        event.channel,
        event.category,
        type(event.status),
        event.status,
        type(event.attributes),
        repr(event.attributes),
        [(type(k), type(v)) for k, v in event.attributes.items()],
        event._us,
    )


def _outcome(read: Any, document: Any) -> tuple[str, Any]:
    try:
        event = read(document)
    except DeserializationError as e:
        return "refused", str(e)
    return "read", _exactly(event)


def _checked(document: Any) -> TicketEvent:
    return _codec.read_checked(TicketEvent, document)


def _agree(document: Any) -> None:
    careful = _outcome(_checked, document)
    assert _outcome(TicketEvent.from_dict, document) == careful
    assert _outcome(lambda d: _codec.from_data(TicketEvent, d), document) == careful
    quick = _read_event(document)
    if quick is not None:
        assert ("read", _exactly(quick)) == careful


SETTINGS = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(events())
def test_every_document_to_dict_writes_is_read_quickly_and_exactly(event):
    document = event.to_dict()
    quick = _read_event(document)
    if event.kind is EventKind.FACTS_CHANGED:  # rare: left to the checking path
        assert quick is None
        return
    assert quick is not None, document
    assert _exactly(quick) == _exactly(_checked(document))
    assert quick == event


@SETTINGS
@given(documents())
@example({"at": AT, "kind": "created", "channel": None, "attributes": {}})
@example({"at": AT, "kind": "agent_reply", "attributes": {}})
@example({"at": AT, "kind": "agent_reply", "priority": None, "status": None})
@example({"at": AT, "kind": "status_changed", "status": None})
@example({"at": AT, "kind": "status_changed"})
@example({"at": AT, "kind": "created", "category": "  "})
@example({"at": AT, "kind": "created", "attributes": {"a": float("inf")}})
@example({"at": AT, "kind": "created", "attributes": {"a": True, "b": 2.5}})
@example({"at": "2025-03-03T10:00:00+08:00:00.5", "kind": "created"})
@example({"at": "2025-03-03T10:00:00Z", "kind": "created"})
@example({"at": "2025-03-03T10:00:00", "kind": "created"})
@example({"at": "9999-12-30T00:00:00+00:00", "kind": "created"})
@example({"at": "9999-12-30T00:00:00.000001+00:00", "kind": "created"})
@example({"at": "0001-01-02T00:00:00+00:00", "kind": "created"})
@example({"at": "0001-01-01T23:59:59.999999+00:00", "kind": "created"})
def test_respelt_documents_read_as_the_checking_path_reads_them(document):
    _agree(document)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_fuzzed_documents_read_as_the_checking_path_reads_them(data):
    junk = fuzz.junk(["created", "agent_reply", "urgent", "chat", AT, "PT1H", {}])
    _agree(
        data.draw(fuzz.mutated(events(_FLAT | _NESTED).map(TicketEvent.to_dict), junk))
    )


@pytest.mark.parametrize(
    "document",
    [
        None,
        [],
        "x",
        {"at": AT},
        {"kind": "created"},
        {"at": 5, "kind": "created"},
        {"at": AT, "kind": ["created"]},
        {"at": AT, "kind": "created", 3: "x"},
    ],
)
def test_the_quick_reader_declines_what_it_does_not_know(document):
    assert _read_event(document) is None
    _agree(document)


def test_many_offsets_read_exactly_past_the_memo_of_offsets():
    """Offsets are memoised up to a bound; past it each is computed, as exactly."""
    for minutes in range(-12 * 60, 14 * 60 + 1, 15):
        sign = "-" if minutes < 0 else "+"
        text = f"2025-03-03T10:00:00.000123{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        _agree({"at": text, "kind": "agent_reply"})
        assert _read_event({"at": text, "kind": "agent_reply"}) is not None


class _Subclass(TicketEvent):
    __slots__ = ()


@pytest.mark.parametrize(
    "document",
    [
        {"at": AT, "kind": "agent_reply"},
        {"at": AT, "kind": "status_changed", "status": "pending"},
        {"at": AT, "kind": "AGENT_REPLY"},
        {"at": AT},
    ],
)
def test_a_subclass_reads_through_the_codec_as_its_own_class(document):
    # TicketEvent's own from_dict skips the codec's lookup of the quick reader; a
    # subclass has none registered, and gets exactly what the codec's path gives.
    expected = _outcome(lambda d: _codec.read_checked(_Subclass, d), document)
    assert _outcome(_Subclass.from_dict, document) == expected
    if expected[0] == "read":
        assert type(_Subclass.from_dict(document)) is _Subclass


def test_from_dict_reads_as_it_did_and_says_so():
    assert TicketEvent.from_dict.__name__ == "from_dict"
    assert TicketEvent.from_dict.__doc__ == _codec.Serialisable.from_dict.__doc__
    with pytest.raises(DeserializationError, match="kind"):
        TicketEvent.from_dict({"at": AT, "kind": "AGENT_REPLY!"})


@pytest.mark.parametrize(
    "document",
    [
        {"at": AT, "kind": "status_changed", "status": "pending"},
        {"at": AT, "kind": "status_changed", "status": "PENDING"},
        {"at": AT, "kind": "status_changed", "status": 5},
        {"at": AT, "kind": "status_changed", "attributes": {}},
        {"at": AT, "kind": "status_changed", "priority": "high"},
        {"at": AT, "kind": "priority_changed", "priority": "urgent"},
        {"at": AT, "kind": "priority_changed", "priority": "Urgent"},
        {"at": AT, "kind": "priority_changed", "priority": None},
        {"at": AT, "kind": "priority_changed", "status": "open"},
        {"at": AT, "kind": "tier_changed", "tier": "vip"},
        {"at": AT, "kind": "tier_changed", "tier": "gold!"},
        {"at": AT, "kind": "tier_changed", "tier": ["vip"]},
        {"at": AT, "kind": "tier_changed", "category": "vip"},
        {"at": AT, "kind": "agent_reply", "attributes": {"role": "dedicated_manager"}},
        {"at": AT, "kind": "agent_reply", "status": "open"},
        {"at": "2025-03-03", "kind": "status_changed", "status": "open"},
        {"at": "tomorrow", "kind": "tier_changed", "tier": "vip"},
    ],
)
def test_a_one_field_change_is_read_as_the_checking_path_reads_it(document):
    # The quick reader's three-key shortcut and its loop agree with the codec.
    _agree(document)

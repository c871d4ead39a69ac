"""The quick reader of a ticket event's JSON document: the hot path of an export.

``TicketEvent.from_dict`` reads one document per line of a JSON-lines export, so
its cost is paid once per event (issue 13). [`read_event`][] builds the event
directly from the common, well-formed document: a plain dict holding ``at`` (ISO
8601 text with its offset), ``kind``, and the fields that kind carries, as the
members' exact values or null; ``attributes`` a flat object of JSON scalars. It
declines (returns None) anything else: names in another case or language, odd
types, a missing or unknown field, an instant out of range, ``FACTS_CHANGED``.
Those take the codec's checking path, which builds the same value or says exactly
what is wrong, so the one codec stays the contract (``docs/serialisation.md``).

This module must never raise on any input, never accept a document the checking
path refuses, and never build a value that path would not build, down to the zone
object and the precomputed instant (``tests/sla/test_event_json_reader.py``).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Final

from servicekit import Channel, Priority, Tier, _codec
from servicekit.sla._model import (
    _CARRIES,
    _NO_ATTRIBUTES,
    _OPTIONAL_FIELDS,
    _REQUIRES,
    FIRST_US,
    LAST_US,
    EventKind,
    TicketEvent,
    TicketStatus,
    _FrozenDict,
)
from servicekit.sla._unseal import sealed_copy, unsealing_works

__all__ = ["read_event"]

# FACTS_CHANGED is rare and checked as a whole: the codec's path reads it.
_KINDS: Final = {m.value: m for m in EventKind if m is not EventKind.FACTS_CHANGED}
# The kinds a two-key document (``at`` and ``kind``) may be: those needing no field.
_BARE_KINDS: Final = {v: m for v, m in _KINDS.items() if m not in _REQUIRES}
# Members by their exact values, as ``to_dict`` writes them.
_PRIORITIES: Final = {m.value: m for m in Priority}
_TIERS: Final = {m.value: m for m in Tier}
_CHANNELS: Final = {m.value: m for m in Channel}
_STATUSES: Final = {m.value: m for m in TicketStatus}
# The enum-valued fields an event carries, each with its members by value.
_MEMBERS: Final[dict[str, dict[str, Any]]] = {
    "status": _STATUSES,
    "priority": _PRIORITIES,
    "tier": _TIERS,
    "channel": _CHANNELS,
}
# The kinds that need a field, as plain names: on Python 3.11 reading a member off
# its enum class (``EventKind.STATUS_CHANGED``) costs 0.14 µs, a global 0.01 µs.
_STATUS_CHANGED: Final = EventKind.STATUS_CHANGED
_PRIORITY_CHANGED: Final = EventKind.PRIORITY_CHANGED
_TIER_CHANGED: Final = EventKind.TIER_CHANGED
_NULLABLE: Final = frozenset(_OPTIONAL_FIELDS)
_HEAD: Final = frozenset({"at", "kind"})
_LEAF_TYPES: Final = frozenset({str, int, bool, type(None)})
_ISO_MAX: Final = 64  # the codec's longest instant text (longer is refused)
_EPOCH_DAY: Final = dt.date(1970, 1, 1).toordinal()
_from_iso: Final = dt.datetime.fromisoformat
# By time zone, the µs from 0001-01-01 local time to the Unix epoch: the epoch's
# ordinal plus the zone's UTC offset (``fromisoformat`` gives fixed-offset zones,
# equal by offset). Invisible memoisation, bounded: a document holds few offsets.
_SHIFT_US: dict[dt.tzinfo | None, int] = {}
_SHIFTS_KEPT: Final = 64


class _Unsealed(_codec.Serialisable):
    """A ``TicketEvent`` being filled in: the same slots, without the frozen guard.

    Nine plain slot stores and the ``__class__`` assignment that then makes the
    object a ``TicketEvent`` cost a third of nine calls to the frozen class's slot
    setters (0.3 against 0.9 µs on Python 3.11), the largest part of reading an
    event. Python allows the assignment between classes of one layout: the same base
    and slots, and on 3.11 no ``__weakref__`` slot, which ``TicketEvent`` forgoes
    for this. The result cannot be told from an event built any other way.
    """

    __slots__ = TicketEvent.__slots__
    at: dt.datetime
    kind: EventKind
    priority: Priority | None
    tier: Tier | None
    channel: Channel | None
    category: str | None
    status: TicketStatus | None
    attributes: Any
    _us: int


# The slots ``read_event`` fills (the test suite checks they are all of them).
FILLED_SLOTS: Final = (
    "at",
    "kind",
    "priority",
    "tier",
    "channel",
    "category",
    "status",
    "attributes",
    "_us",
)


# Read at each call, so the slower path (``sealed_copy``) can be tested as well.
UNSEAL: bool = unsealing_works((_Unsealed, TicketEvent, FILLED_SLOTS))


def read_event(data: object) -> TicketEvent | None:
    """A ``TicketEvent`` from its common, valid document, or None for anything else.

    Never raises. None sends the document to the codec's checking path, which
    reads what this declines or says what is wrong with it.

    Examples:
        >>> from servicekit.sla._event_json import read_event
        >>> read_event({"at": "2025-03-03T10:00:00+08:00", "kind": "agent_reply"})
        TicketEvent(at=datetime.datetime(2025, 3, 3, 10, 0, tzinfo=...), kind=<EventKind.AGENT_REPLY: 'agent_reply'>, ...)
        >>> read_event({"at": "2025-03-03T10:00:00+08:00", "kind": "AGENT_REPLY"})
    """
    return _read(None, data)


def _declined(cls: type[TicketEvent] | None, data: object) -> TicketEvent | None:
    """What ``_read`` gives for a document it declines: None, or the checking path's."""
    return None if cls is None else _codec.read_checked(cls, data)


def _read(cls: type[TicketEvent] | None, data: object) -> TicketEvent | None:
    """``read_event`` (``cls`` None) or ``TicketEvent.from_dict`` (``cls`` the class).

    One function for both, so that ``from_dict``, called once per event of an
    export, costs one Python call and not three (its own, the codec's lookup of the
    quick reader, the reader): a declined document goes to ``_declined``.
    """
    if cls is not TicketEvent and cls is not None:  # a subclass: the codec's way
        return _SERIALISABLE_FROM_DICT(cls, data)  # type: ignore[no-any-return]
    if type(data) is not dict:
        return _declined(cls, data)
    try:  # subscripts, not data.get(): a third cheaper, and free when present
        text = data["at"]
        name = data["kind"]
    except KeyError:
        return _declined(cls, data)
    if type(text) is not str or type(name) is not str or len(text) > _ISO_MAX:
        return _declined(cls, data)
    priority = tier = channel = category = status = None
    attributes: Any = _NO_ATTRIBUTES
    if len(data) == 2:  # most events: a reply, a customer message, a reopening
        kind = _BARE_KINDS.get(name)
        if kind is None:
            return _declined(cls, data)
    else:
        kind = _KINDS.get(name)
        if kind is None:
            return _declined(cls, data)
        # A third of the events: a status, priority or tier change and nothing else.
        # Its one field read directly is what the loop below would read (the kind
        # carries it, and with ``at`` and ``kind`` it makes the three keys); for
        # anything else, nothing is set and the loop reads the document.
        if len(data) == 3:
            if kind is _STATUS_CHANGED:
                v = data.get("status")
                if type(v) is str:
                    status = _STATUSES.get(v)
            elif kind is _PRIORITY_CHANGED:
                v = data.get("priority")
                if type(v) is str:
                    priority = _PRIORITIES.get(v)
            elif kind is _TIER_CHANGED:
                v = data.get("tier")
                if type(v) is str:
                    tier = _TIERS.get(v)
        if status is None and priority is None and tier is None:
            carries = _CARRIES[kind]
            for key, v in data.items():
                if key in _HEAD:
                    continue
                if v is None:
                    if key in _NULLABLE:
                        continue
                    return _declined(cls, data)
                if key not in carries:
                    return _declined(cls, data)
                if key == "attributes":
                    if type(v) is not dict:
                        return _declined(cls, data)
                    if v:
                        for k, x in v.items():
                            if type(k) is not str or (
                                type(x) not in _LEAF_TYPES
                                and not (type(x) is float and math.isfinite(x))
                            ):
                                return _declined(cls, data)
                        attributes = _FrozenDict(v)
                    continue
                if type(v) is not str:
                    return _declined(cls, data)
                if key == "category":
                    if not v.strip():
                        return _declined(cls, data)
                    category = v
                    continue
                member = _MEMBERS[key].get(v)
                if member is None:
                    return _declined(cls, data)
                if key == "status":
                    status = member
                elif key == "priority":
                    priority = member
                elif key == "tier":
                    tier = member
                else:
                    channel = member
            if (
                (status is None and kind is _STATUS_CHANGED)
                or (priority is None and kind is _PRIORITY_CHANGED)
                or (tier is None and kind is _TIER_CHANGED)
            ):
                return _declined(cls, data)
    try:
        at = _from_iso(text)
    except ValueError:
        return _declined(cls, data)
    zone = at.tzinfo
    shift = _SHIFT_US.get(zone)
    if shift is None:
        delta = at.utcoffset()
        if delta is None:
            return _declined(cls, data)
        shift = _EPOCH_DAY * 86_400_000_000 + (
            (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
        )
        if len(_SHIFT_US) < _SHIFTS_KEPT:
            _SHIFT_US[zone] = shift
    # instant_us(at) without its checks, in Horner's form: the first products stay
    # small ints, and the whole costs half as much.
    us = (
        ((at.toordinal() * 24 + at.hour) * 60 + at.minute) * 60_000_000
        + at.second * 1_000_000
        + at.microsecond
        - shift
    )
    if not FIRST_US <= us <= LAST_US:
        return _declined(cls, data)
    unsealed = _Unsealed()
    unsealed.at = at
    unsealed.kind = kind
    unsealed.priority = priority
    unsealed.tier = tier
    unsealed.channel = channel
    unsealed.category = category
    unsealed.status = status
    unsealed.attributes = attributes
    unsealed._us = us  # noqa: SLF001 -- this module's own class
    if UNSEAL:
        unsealed.__class__ = TicketEvent  # type: ignore[assignment]
        return unsealed  # type: ignore[return-value]
    return sealed_copy(unsealed, TicketEvent)


# The codec's own ``from_dict`` (what a subclass of TicketEvent uses), and the one
# TicketEvent uses instead: the same values and errors, one call fewer per event.
_SERIALISABLE_FROM_DICT: Final = _codec.Serialisable.from_dict.__func__  # type: ignore[attr-defined]
_read.__doc__ = _codec.Serialisable.from_dict.__doc__
_read.__name__ = "from_dict"
_read.__qualname__ = "TicketEvent.from_dict"
TicketEvent.from_dict = classmethod(_read)  # type: ignore[assignment,method-assign]

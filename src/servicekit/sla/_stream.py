"""SLA reports from a JSON-lines event export, one ticket in memory at a time.

An export (a file, a pipe, one partition of a Dask bag or a Spark RDD or DataFrame)
is a sequence of rows, each one event: a ``TicketEvent.to_dict()`` object plus the
ticket's id under ``"ticket_id"`` (or ``"ticket"``). Rows may be JSON text (``str``
or ``bytes``, one line each) or mappings already parsed (``Row.asDict()``, a pandas
record). A ticket's events must be on consecutive rows; the stream keeps the current
ticket's events, evaluates them when the next ticket starts and lets them go, so
memory follows the largest ticket, never the export.

What the stream remembers to refuse a ticket that reappears depends on ``order``:

* ``"grouped"`` (the default): each ticket's rows are together, tickets in any order.
  The ids of the tickets already done are kept (some tens of bytes a ticket, never
  their events), so any reappearance is caught.
* ``"sorted"``: ticket ids ascend (whole numbers in numeric order, text in code-point
  order: the order of Python's ``sorted`` and Spark's ``sortWithinPartitions``). Only
  the previous id is kept, so memory does not grow with the number of tickets; a
  reappearing ticket is necessarily a step back, and is caught as one.

Either way the error is a [`TicketOrderError`][servicekit.errors.TicketOrderError]
naming the ticket and the row where it reappeared: a ticket is never silently split.
An error inside a ticket (a bad field, an impossible log, no matching policy) keeps
its type and names the ticket, its rows and the partition.

The functions are module-level and everything they take and return pickles, so
``functools.partial(evaluate_partition, policies=..., now=...)`` is a partition
function for any engine. This module must never do I/O or read the clock: it reads
the rows it is given and opens nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar

from servicekit._boundary import quote, said
from servicekit.errors import (
    InvalidArgumentError,
    InvalidEventError,
    ServiceKitError,
    TicketOrderError,
)
from servicekit.sla._clock import evaluate, evaluate_many
from servicekit.sla._model import PolicySet, SlaPolicy, TicketEvent

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Collection

    from servicekit.sla._report import SlaReport

__all__ = [
    "EVENT_KEYS",
    "TICKET_KEYS",
    "Order",
    "contiguous",
    "evaluate_partition",
    "evaluate_stream",
    "group_events",
    "ticket_id",
]

#: The keys that may hold a row's ticket id, in the order they are looked for.
TICKET_KEYS: Final = ("ticket_id", "ticket")
#: The keys of a row that make up its event (``TicketEvent.to_dict()``'s keys).
EVENT_KEYS: Final = (
    "at",
    "kind",
    "priority",
    "tier",
    "channel",
    "category",
    "status",
    "attributes",
)
_ORDERS: Final = ("grouped", "sorted")

Order = Literal["grouped", "sorted"]
Row = str | bytes | bytearray | Mapping[str, Any]
_T = TypeVar("_T")


def ticket_id(data: Mapping[str, Any]) -> str:
    """The ticket id of one row, as text: the number 7 and the string "7" are one ticket.

    Raises:
        InvalidEventError: no ``ticket_id`` (or ``ticket``) key, or an id that is not
            a non-empty string or a whole number.

    Examples:
        >>> from servicekit.sla._stream import ticket_id
        >>> ticket_id({"ticket_id": 7}), ticket_id({"ticket": "T-1"})
        ('7', 'T-1')
    """
    return str(_raw_ticket(data))


def _raw_ticket(data: Mapping[str, Any]) -> str | int:
    key = next((k for k in TICKET_KEYS if k in data), None)
    if key is None:
        msg = 'ticket_id missing; every event needs the id of its ticket ("ticket_id" or "ticket")'
        raise InvalidEventError(msg, message=said("error.ticket_id.missing"))
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        msg = f"{key}: a ticket id must be a non-empty string or a whole number, got {quote(value)}"
        raise InvalidEventError(
            msg, message=said("error.ticket_id.invalid", key=key, value=quote(value))
        )
    return value


def _sort_key(raw: str | int) -> tuple[int, int | str]:
    return (0, raw) if isinstance(raw, int) else (1, raw)


class _Place:
    """Says where a row is: its line, and the partition when one is named."""

    __slots__ = ("partition",)

    def __init__(self, partition: object) -> None:
        if partition is not None and (
            isinstance(partition, bool) or not isinstance(partition, int | str)
        ):
            msg = f"partition must be a whole number or a name, got {quote(partition)}"
            raise InvalidArgumentError(msg)
        self.partition = partition

    def __call__(self, first: int, last: int | None = None) -> str:
        lines = f"line {first}" if last in {None, first} else f"lines {first}–{last}"
        if self.partition is None:
            return lines
        return f"{lines} of partition {quote(self.partition)}"


def contiguous(
    items: Iterable[tuple[str | int, int, _T]],
    *,
    order: Order = "grouped",
    partition: int | str | None = None,
) -> Iterator[tuple[str, int, list[_T]]]:
    """Group ``(ticket id, line, item)`` triples into ``(ticket, first line, items)``.

    Only the current ticket's items are held. A ticket whose items reappear after
    another ticket's raises [`TicketOrderError`][servicekit.errors.TicketOrderError]
    (see the module's note on ``order``).

    Examples:
        >>> from servicekit.sla._stream import contiguous
        >>> list(contiguous([(7, 1, "a"), ("7", 2, "b"), ("8", 3, "c")]))
        [('7', 1, ['a', 'b']), ('8', 3, ['c'])]
    """
    if order not in _ORDERS:
        msg = f"order must be 'grouped' or 'sorted', got {quote(order)}"
        raise InvalidArgumentError(msg)
    return _contiguous(items, order == "sorted", _Place(partition))


def _contiguous(
    items: Iterable[tuple[str | int, int, _T]], is_sorted: bool, place: _Place
) -> Iterator[tuple[str, int, list[_T]]]:
    current: str | None = None
    first = 0
    previous: tuple[int, int | str] = (0, 0)
    held: list[_T] = []
    done: set[str] = set()
    for raw, line, item in items:
        ticket = str(raw)
        if ticket != current:
            if current is not None:
                yield current, first, held
                if is_sorted:
                    key = _sort_key(raw)
                    if key <= previous:
                        msg = (
                            f"ticket {quote(ticket)} at {place(line)} comes after ticket "
                            f"{quote(current)}: with order='sorted' ticket ids must "
                            "ascend, so this ticket either appeared on earlier lines or "
                            "the input is not sorted; sort it by ticket id, or pass "
                            "order='grouped' if each ticket's lines are merely together"
                        )
                        raise TicketOrderError(msg, ticket=ticket, line=line)
                else:
                    done.add(current)
                    if ticket in done:
                        msg = (
                            f"ticket {quote(ticket)} appeared on earlier lines and "
                            f"reappears at {place(line)}: a stream holds one ticket at a "
                            "time, so each ticket's events must be on consecutive lines; "
                            "group or sort the input by ticket id (in Spark: "
                            "repartition by it, then sortWithinPartitions)"
                        )
                        raise TicketOrderError(msg, ticket=ticket, line=line)
            elif is_sorted:
                key = _sort_key(raw)
            current, first, held = ticket, line, []
            if is_sorted:
                previous = key
        held.append(item)
    if current is not None:
        yield current, first, held


def group_events(
    rows: Iterable[Row],
    *,
    order: Order = "grouped",
    partition: int | str | None = None,
    ignore_keys: Collection[str] = (),
) -> Iterator[tuple[str, list[TicketEvent]]]:
    """Yield ``(ticket id, events)`` for each ticket of an event export, lazily.

    Args:
        rows: one event per row: JSON text (``str`` or ``bytes``; blank lines are
            skipped) or a mapping; the ticket's id under ``"ticket_id"`` or
            ``"ticket"``, the other keys those of ``TicketEvent.to_dict()``. A key
            whose value is None (a null column) is absent.
        order: ``"grouped"`` or ``"sorted"``; see [`evaluate_stream`][].
        partition: a name for the rows in error messages (a partition index).
        ignore_keys: other keys a row may carry (bookkeeping columns); any key
            neither an event's nor listed here is an error, as a misspelt field
            would otherwise be lost without a word.

    Raises:
        TicketOrderError: a ticket's events are not on consecutive rows.
        InvalidEventError: a row is not JSON, not an object, or has no ticket id;
            the message names its line (and partition).
        DeserializationError: a row's event fields are wrong, likewise named.

    Examples:
        >>> from servicekit.sla import group_events
        >>> lines = [
        ...     '{"ticket_id": 1, "at": "2025-03-03T10:00:00+08:00", "kind": "created"}',
        ...     '{"ticket_id": 1, "at": "2025-03-03T10:05:00+08:00", "kind": "agent_reply"}',
        ...     "",
        ...     '{"ticket_id": 2, "at": "2025-03-03T11:00:00+08:00", "kind": "created"}',
        ... ]
        >>> [(t, [e.kind.value for e in events]) for t, events in group_events(lines)]
        [('1', ['created', 'agent_reply']), ('2', ['created'])]
    """
    ignored = _ignored(ignore_keys)
    groups = contiguous(
        _triples(_checked_rows(rows), ignored, _Place(partition)),
        order=order,
        partition=partition,
    )
    return ((ticket, events) for ticket, _line, events in groups)


def _ignored(keys: Collection[str]) -> frozenset[str]:
    if isinstance(keys, str) or not all(isinstance(k, str) for k in keys):
        msg = f"ignore_keys must be a list of key names, got {quote(keys)}"
        raise InvalidArgumentError(msg)
    return frozenset(keys)


def _checked_rows(rows: object) -> Iterable[Row]:
    if isinstance(rows, str | bytes | bytearray | Mapping) or not isinstance(
        rows, Iterable
    ):
        msg = (
            "rows must be an iterable of rows (JSON lines or mappings), "
            f"got {type(rows).__name__}; wrap a single row in a list"
        )
        raise InvalidArgumentError(msg)
    return rows


def _triples(
    rows: Iterable[Row], ignored: frozenset[str], place: _Place
) -> Iterator[tuple[str | int, int, TicketEvent]]:
    for line, row in enumerate(rows, start=1):
        data = _data(row, line, place)
        if data is None:
            continue
        try:
            raw = _raw_ticket(data)
        except InvalidEventError as error:
            msg = f"{place(line)}: {error}"
            raise InvalidEventError(msg) from None
        yield raw, line, _event(data, str(raw), line, ignored, place)


def _data(row: object, line: int, place: _Place) -> Mapping[str, Any] | None:
    if isinstance(row, Mapping):
        return row
    if isinstance(row, str | bytes | bytearray):
        if not row.strip():
            return None
        try:
            data = json.loads(row)
        except (ValueError, RecursionError) as error:
            # ValueError covers bad JSON, bad UTF-8 and a number too long to read.
            msg = (
                f"{place(line)}: not JSON ({error}); each line must be one event object"
            )
            raise InvalidEventError(msg) from None
        if isinstance(data, dict):
            return data
        msg = f"{place(line)}: each line must be a JSON object (one event), got {type(data).__name__}"
        raise InvalidEventError(msg)
    msg = f"{place(line)}: a row must be a line of JSON text or a mapping, got {type(row).__name__}"
    raise InvalidEventError(msg)


def _event(
    data: Mapping[str, Any],
    ticket: str,
    line: int,
    ignored: frozenset[str],
    place: _Place,
) -> TicketEvent:
    fields: dict[str, Any] = {}
    for key, value in data.items():
        if key in EVENT_KEYS:
            if value is not None:
                fields[key] = value
        elif key not in TICKET_KEYS and key not in ignored:
            msg = (
                f"{place(line)} (ticket {quote(ticket)}): unknown key {quote(key)}; an "
                f"event's keys are {', '.join((*TICKET_KEYS, *EVENT_KEYS))} (list "
                "bookkeeping columns in ignore_keys)"
            )
            raise InvalidEventError(msg)
    try:
        return TicketEvent.from_dict(fields)
    except ServiceKitError as error:
        raise _in_ticket(error, ticket, place(line)) from error


def _in_ticket(error: ServiceKitError, ticket: str, where: str) -> ServiceKitError:
    """The same kind of error, its message prefixed with the ticket and its rows."""
    return type(error)(f"ticket {quote(ticket)} ({where}): {error}")


def evaluate_stream(
    policies: PolicySet | SlaPolicy,
    rows: Iterable[Row],
    now: dt.datetime,
    *,
    order: Order = "grouped",
    partition: int | str | None = None,
    ignore_keys: Collection[str] = (),
) -> Iterator[tuple[str, SlaReport]]:
    """Yield ``(ticket id, report)`` for each ticket of an event export, one at a time.

    Each ticket's report is [`evaluate`][servicekit.sla.evaluate] of its events at
    ``now``, yielded as soon as the next ticket's first row is read; only that
    ticket's events are held. Tickets come in the order of the rows.

    Args:
        policies: a [`PolicySet`][servicekit.sla.PolicySet] or one
            [`SlaPolicy`][servicekit.sla.SlaPolicy].
        rows: the export's rows; see [`group_events`][].
        now: the instant every report describes (aware, at or after every event).
        order: ``"grouped"`` (each ticket's rows together; the ids of finished
            tickets are remembered, so memory grows by some tens of bytes a ticket) or
            ``"sorted"`` (ids ascending; constant memory).
        partition: a name for the rows in error messages (a partition index).
        ignore_keys: bookkeeping keys a row may carry besides the event's.

    Raises:
        TicketOrderError: a ticket's events are not on consecutive rows.
        InvalidEventError: a bad row, or an impossible log; names the ticket, its rows
            and the partition.
        NoMatchingPolicyError: no policy matches a ticket's facts, likewise named.
        DeserializationError: a row's event fields are wrong, likewise named.

    Examples:
        >>> import pendulum
        >>> from servicekit.sla import evaluate_stream
        >>> from servicekit.sla.presets import SERVICE_STANDARD
        >>> lines = [
        ...     '{"ticket_id": "A", "at": "2025-03-03T10:00:00+08:00", "kind": "created", "priority": "urgent"}',
        ...     '{"ticket_id": "B", "at": "2025-03-03T10:00:00+08:00", "kind": "created"}',
        ...     '{"ticket_id": "B", "at": "2025-03-03T10:20:00+08:00", "kind": "agent_reply"}',
        ... ]
        >>> now = pendulum.datetime(2025, 3, 3, 10, 40, tz="Asia/Shanghai")
        >>> for ticket, report in evaluate_stream(SERVICE_STANDARD, lines, now):
        ...     print(ticket, report.policy, [m.value for m in report.breached])
        A urgent ['first_response']
        B standard []
    """
    evaluate_many(policies, (), now)  # checks the policies and now here, at the call
    ignored = _ignored(ignore_keys)
    place = _Place(partition)
    groups = contiguous(
        _triples(_checked_rows(rows), ignored, place), order=order, partition=partition
    )
    return _reports(policies, groups, now, place)


def _reports(
    policies: PolicySet | SlaPolicy,
    groups: Iterator[tuple[str, int, list[TicketEvent]]],
    now: dt.datetime,
    place: _Place,
) -> Iterator[tuple[str, SlaReport]]:
    # The group's last line is unknown (blank lines are skipped): name its first.
    for ticket, first, events in groups:
        try:
            report = evaluate(policies, events, now)
        except ServiceKitError as error:
            where = (
                f"from {place(first)}, {len(events)} event{'s' * (len(events) != 1)}"
            )
            raise _in_ticket(error, ticket, where) from error
        yield ticket, report


def evaluate_partition(
    rows: Iterable[Row],
    policies: PolicySet | SlaPolicy,
    now: dt.datetime,
    *,
    order: Order = "grouped",
    partition: int | str | None = None,
    ignore_keys: Collection[str] = (),
) -> list[tuple[str, SlaReport]]:
    """Return [`evaluate_stream`][] of one partition's rows as a list.

    The partition function for engines that pickle what it returns (Dask's
    process scheduler, ``dask.distributed``): a list pickles, a generator does not.
    The rows come first, so ``functools.partial(evaluate_partition, policies=...,
    now=...)`` is the function to map over partitions.

    Raises:
        TicketOrderError: see [`evaluate_stream`][]; and likewise its other errors.

    Examples:
        >>> import functools, pendulum
        >>> from servicekit.sla import evaluate_partition
        >>> from servicekit.sla.presets import SERVICE_STANDARD
        >>> now = pendulum.datetime(2025, 3, 3, 10, 40, tz="Asia/Shanghai")
        >>> run = functools.partial(
        ...     evaluate_partition, policies=SERVICE_STANDARD, now=now
        ... )
        >>> rows = [
        ...     {"ticket_id": 9, "at": "2025-03-03T10:00:00+08:00", "kind": "created"}
        ... ]
        >>> [(t, r.policy) for t, r in run(rows)]
        [('9', 'standard')]
    """
    return list(
        evaluate_stream(
            policies,
            rows,
            now,
            order=order,
            partition=partition,
            ignore_keys=ignore_keys,
        )
    )

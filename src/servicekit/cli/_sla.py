"""``servicekit sla``: every ticket of a JSON-lines event export, evaluated at one instant.

Each line is a ``TicketEvent.to_dict()`` object plus a ``"ticket_id"`` (or
``"ticket"``). Lines are grouped by ticket and each ticket is evaluated with
:func:`servicekit.sla.evaluate`. Every problem of the input (unreadable JSON, a
missing ticket id, a bad field, an event after ``--now``, a ticket without its
``CREATED`` event, an impossible status change) is reported with the file, the line
and the field, before anything is printed. This is the one command that may read
the clock: without ``--now`` it evaluates at the current time.
"""

from __future__ import annotations

import array
import datetime as dt
import json
import re
import textwrap
from typing import TYPE_CHECKING, Any, TextIO

import attrs
import pendulum

from servicekit._boundary import quote
from servicekit.cli._format import cells, pad
from servicekit.cli._i18n import N_, _, chinese, say_error, term
from servicekit.cli._inputs import (
    CliError,
    JsonLines,
    format_duration,
    input_path,
    open_json_lines,
    parse_instant,
    read_json,
)
from servicekit.errors import (
    InvalidEventError,
    NoMatchingPolicyError,
    ServiceKitError,
    TicketOrderError,
)
from servicekit.sla import (
    EventKind,
    Metric,
    MetricState,
    PolicySet,
    SlaReport,
    TicketEvent,
    TicketStatus,
    evaluate,
)
from servicekit.sla._stream import EVENT_KEYS, TICKET_KEYS, contiguous, ticket_id
from servicekit.sla.presets import SERVICE_STANDARD

if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterable, Iterator, Sequence

EPILOG = N_("""\
examples:
  servicekit sla examples/cli/events.jsonl --policies examples/cli/policies.json \\
      --now 2025-01-31T18:00+08:00
  servicekit sla events.jsonl --now 2025-01-31T10:00Z --json

Each line of EVENTS is one event: a TicketEvent.to_dict() object plus "ticket_id",
e.g. {"ticket_id": "T-1", "at": "2025-01-27T09:12:00+08:00", "kind": "created",
"priority": "high", "channel": "email"}. Without --policies the seeds' service
standard (servicekit.sla.presets.SERVICE_STANDARD) applies. --now must carry its UTC
offset (or Z); without --now the current time is used.
""")

_EVENT_FIELDS = EVENT_KEYS[2:]
_KNOWN_KEYS = (*TICKET_KEYS, *EVENT_KEYS)


NAME = "sla"
HELP = N_("evaluate every ticket of a JSON-lines event export against SLA policies")
DESCRIPTION = N_(
    "Group a JSON-lines export of ticket events by ticket, evaluate "
    "each ticket's SLA clocks at --now, and print a table (or JSON) with a "
    "summary of breaches and the next change."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``sla`` command's options (the parser itself is made by ``_app``)."""
    parser.add_argument(
        "events", metavar="EVENTS", help=_("a JSON-lines file of events")
    )
    parser.add_argument(
        "--policies",
        metavar="FILE",
        help=_(
            "a PolicySet.to_dict() JSON file (default: the built-in service standard)"
        ),
    )
    parser.add_argument(
        "--now",
        help=_(
            "ISO-8601 instant with an offset, e.g. 2025-01-31T18:00+08:00 "
            "(default: the current time)"
        ),
    )
    parser.add_argument("--json", action="store_true", help=_("print JSON instead"))


@attrs.frozen
class _Line:
    """One event of the export and the line it came from."""

    number: int
    event: TicketEvent


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Evaluate every ticket and print its rows as soon as its events are read."""
    if args.now is None:
        # The CLI is the one place allowed to read the clock; whole seconds, so
        # remaining times do not print to the microsecond.
        now = pendulum.now("UTC").replace(microsecond=0)
    else:
        now = parse_instant(args.now, tz=None, what="--now")
    events = input_path(args.events, what="EVENTS")
    policies_path = (
        None if args.policies is None else input_path(args.policies, what="--policies")
    )
    policies, policy_source = _policies(policies_path)
    with open_json_lines(events) as source:
        groups = _tickets(events, source, now, err)
        reports = (
            (ticket, _evaluate(events, policies, ticket, lines, now))
            for ticket, lines in groups
        )
        if args.json:
            _write_json(reports, out)
        else:
            _write_table(reports, now, policy_source, policies, out)
    return 0


def _order(ticket: str) -> tuple[int, int, str]:
    """Ids of digits only in numeric order before the others in text order."""
    if ticket.isascii() and ticket.isdigit():
        return (0, int(ticket), ticket)
    return (1, 0, ticket)


def _policies(path: str | None) -> tuple[PolicySet, str]:
    if path is None:
        return SERVICE_STANDARD, _(
            "the built-in service standard (no --policies given)"
        )
    data = read_json(path)
    try:
        return PolicySet.from_dict(data), path
    except ServiceKitError as error:
        raise CliError(say_error(error), source=path, field="policies") from None


def _tickets(
    path: str, source: JsonLines, now: dt.datetime, err: TextIO
) -> Iterator[tuple[str, list[_Line]]]:
    """Each ticket's events, one ticket in memory at a time.

    A file is indexed first (the byte offsets of each ticket's lines, never the
    events), then read back one ticket at a time in ticket order, so its events
    need not be grouped. A pipe cannot be read twice: its tickets come in the
    order they appear, and each ticket's lines must be consecutive.
    """
    if source.seekable:
        # Two numbers a line (offset, line number): a few bytes, however big the event.
        index: dict[str, array.array[int]] = {}
        for number, offset, data in source.lines():
            ticket = _ticket_of(data, path, number)
            index.setdefault(ticket, array.array("q")).extend((offset, number))
        if not index:
            raise CliError(_("has no events; each line must be one event"), source=path)
        for ticket in sorted(index, key=_order):
            places = index.pop(ticket)
            yield (
                ticket,
                [
                    _line(path, number, source.read_at(offset, number), now, err)
                    for offset, number in zip(places[::2], places[1::2], strict=True)
                ],
            )
        return
    numbered = (
        (_ticket_of(data, path, number), number, (number, data))
        for number, _offset, data in source.lines()
    )
    empty = True
    try:
        for ticket, _first, rows in contiguous(numbered):
            empty = False
            yield ticket, [_line(path, number, data, now, err) for number, data in rows]
    except TicketOrderError as error:
        raise CliError(
            _(
                "ticket {ticket} appeared on earlier lines; read from a pipe, each ticket's events must be on consecutive lines (give a file instead, which may be in any order)"
            ).format(ticket=quote(error.ticket)),
            source=path,
            line=error.line,
        ) from None
    if empty:
        raise CliError(_("has no events; each line must be one event"), source=path)


def _ticket_of(data: Any, path: str, number: int) -> str:
    if not isinstance(data, dict):
        raise CliError(
            _("each line must be a JSON object (one event), got {data}").format(
                data=type(data).__name__
            ),
            source=path,
            line=number,
        )
    return _ticket_id(data, path, number)


def _line(path: str, number: int, data: Any, now: dt.datetime, err: TextIO) -> _Line:
    _ticket_of(data, path, number)
    _warn_unknown_keys(data, path, number, err)
    event = _event(data, path, number)
    if event.at.astimezone(dt.UTC) > now.astimezone(dt.UTC):
        raise CliError(
            _(
                "the event at {isoformat} is after --now {isoformat2}; a report describes the past, so pass a later --now"
            ).format(isoformat=event.at.isoformat(), isoformat2=now.isoformat()),
            source=path,
            line=number,
            field="at",
        )
    return _Line(number, event)


def _warn_unknown_keys(
    data: dict[str, Any], path: str, number: int, err: TextIO
) -> None:
    """One warning per key that is no part of an event (a misspelt field)."""
    for key in data:
        if key not in _KNOWN_KEYS:
            print(
                _(
                    "servicekit: warning: {path}, line {number}: unknown key {key} "
                    "ignored; an event's keys are {keys}"
                ).format(
                    path=path,
                    number=number,
                    key=quote(key),
                    keys=", ".join(_KNOWN_KEYS),
                ),
                file=err,
            )


def _ticket_id(data: dict[str, Any], path: str, number: int) -> str:
    """The ticket's id as text: the JSON number 7 and the string "7" are one ticket."""
    try:
        return ticket_id(data)
    except InvalidEventError as error:
        field = next((k for k in TICKET_KEYS if k in data), TICKET_KEYS[0])
        message = (
            say_error(error)
            .removeprefix(f"{field}: ")
            .removeprefix(f"{field}：")
            .removeprefix(f"{field} ")
        )
        raise CliError(message, source=path, line=number, field=field) from None


def _event(data: dict[str, Any], path: str, number: int) -> TicketEvent:
    # The ticket id and unknown keys (already warned about) are no part of the event.
    fields = {k: v for k, v in data.items() if k in EVENT_KEYS}
    try:
        return TicketEvent.from_dict(fields)
    except ServiceKitError as error:
        field = _bad_field(str(error))
        raise CliError(
            say_error(error), source=path, line=number, field=field
        ) from None


def _bad_field(message: str) -> str:
    """The field a ``TicketEvent.from_dict`` error names: the first of its JSON paths.

    A rule between fields is reported at ``$``; its message names the field the
    event's kind does not carry, or the one it needs.
    """
    found = _FIELD_PATH.search(message)
    if found is not None:
        return found.group(1)
    return next(
        (
            n
            for n in _EVENT_FIELDS
            if f"carry {n}" in message or f"needs {n}" in message
        ),
        "kind",
    )


_FIELD_PATH = re.compile(r"at \$\.(\w+)")


def _evaluate(
    path: str,
    policies: PolicySet,
    ticket: str,
    lines: list[_Line],
    now: dt.datetime,
) -> SlaReport:
    created = [line for line in lines if line.event.kind is EventKind.CREATED]
    if not created:
        raise CliError(
            _(
                "ticket {ticket} has no CREATED event; its log must start with one"
            ).format(ticket=quote(ticket)),
            source=path,
            line=min(line.number for line in lines),
            field="kind",
        )
    try:
        return evaluate(policies, [line.event for line in lines], now)
    except NoMatchingPolicyError as error:
        raise CliError(
            _("ticket {ticket}: {value}").format(
                ticket=quote(ticket), value=say_error(error)
            ),
            source=path,
            line=created[0].number,
        ) from None
    except InvalidEventError as error:
        culprit = _culprit(policies, lines, now)
        field = "status" if culprit.event.kind is EventKind.STATUS_CHANGED else "kind"
        raise CliError(
            _("ticket {ticket}: {value}").format(
                ticket=quote(ticket), value=say_error(error)
            ),
            source=path,
            line=culprit.number,
            field=field,
        ) from None


def _culprit(policies: PolicySet, lines: Sequence[_Line], now: dt.datetime) -> _Line:
    """The event whose arrival makes the ticket's log invalid, in the library's order.

    Events are replayed in the order ``evaluate`` folds them (by instant, ``CREATED``
    first among its ties); the shortest prefix that fails ends with the culprit.
    """
    ordered = sorted(
        lines,
        key=lambda line: (
            line.event.at.astimezone(dt.UTC),
            line.event.kind is not EventKind.CREATED,
        ),
    )
    for end in range(1, len(ordered) + 1):
        try:
            evaluate(policies, [line.event for line in ordered[:end]], now)
        except InvalidEventError:
            return ordered[end - 1]
    return ordered[-1]  # pragma: no cover - the whole log failed, so a prefix does


def _instant(value: dt.datetime | None) -> str:
    if value is None:
        return "-"
    offset = value.strftime("%z")
    return f"{value:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"


_NAMES_SHOWN = 20  # breached tickets named in the summary; the rest counted


def _write_json(reports: Iterable[tuple[str, SlaReport]], out: TextIO) -> None:
    """The same text as ``json.dumps(list, indent=2)``, one ticket at a time."""
    first = True
    for ticket, report in reports:
        item = json.dumps(
            {"ticket_id": ticket, "report": report.to_dict()},
            ensure_ascii=False,
            indent=2,
        )
        out.write(("[\n" if first else ",\n") + textwrap.indent(item, "  "))
        first = False
    out.write("\n]\n")


def _write_table(
    reports: Iterable[tuple[str, SlaReport]],
    now: dt.datetime,
    policy_source: str,
    policies: PolicySet,
    out: TextIO,
) -> None:
    """Print each ticket's rows as it comes; the summary follows the last one.

    Columns are as wide as the longest value they can hold (a longer ticket id
    widens its own row only), so nothing waits for the last ticket.
    """
    header = (
        _("ticket"),
        _("policy"),
        _("status"),
        _("metric"),
        _("state"),
        _("due"),
        _("remaining"),
        _("breached at"),
    )
    instant = len(_instant(now))
    widths = [
        max(cells(header[0]), 8),
        max([cells(header[1]), *(cells(p.name) for p in policies.policies)]),
        max(cells(header[2]), *(cells(_name(s)) for s in TicketStatus)),
        max(
            cells(header[3]),
            *(cells(_name(m)) for m in Metric),
            # A team's own metrics, shown by their names.
            *(
                cells(t.metric.name)
                for p in policies.policies
                for t in p.targets
                if not isinstance(t.metric, Metric)
            ),
        ),
        max(cells(header[4]), *(cells(_name(s)) for s in MetricState)),
        instant,
        max(cells(header[6]), 9),  # -100:00 and the like
        instant,
    ]
    right = {6}

    def fmt(row: tuple[str, ...]) -> str:
        return "  ".join(
            pad(cell, widths[i], right=i in right) for i, cell in enumerate(row)
        ).rstrip()

    count = 0
    breached: list[str] = []
    breached_count = 0
    upcoming: tuple[dt.datetime, str] | None = None
    for ticket, report in reports:
        if count == 0:
            said = _("SLA at {now}; policies: {source}").format(
                now=_instant(now), source=policy_source
            )
            out.write(f"{said}\n\n")
            out.write(fmt(header) + "\n")
        count += 1
        first = True
        for metric, status in report.metrics.items():
            row = (
                str(ticket) if first else "",
                report.policy if first else "",
                _name(report.status) if first else "",
                _name(metric),
                _name(status.state),
                _instant(status.due_at),
                format_duration(status.remaining),
                _instant(status.breached_at),
            )
            out.write(fmt(row) + "\n")
            first = False
        if any(s.state is MetricState.BREACHED for s in report.metrics.values()):
            breached_count += 1
            if len(breached) < _NAMES_SHOWN:
                breached.append(str(ticket))
        when = report.next_change_at
        if when is not None and (
            upcoming is None or when.astimezone(dt.UTC) < upcoming[0].astimezone(dt.UTC)
        ):
            upcoming = (when, ticket)
    if upcoming:
        next_text = _("next change {at} (ticket {ticket})").format(
            at=_instant(upcoming[0]), ticket=upcoming[1]
        )
    else:
        next_text = _("no clock running")
    names = _(", ").join(breached)
    if breached_count > len(breached):
        names += _(" and {n} more").format(n=f"{breached_count - len(breached):,}")
    tickets = _("1 ticket") if count == 1 else _("{n} tickets").format(n=f"{count:,}")
    summary = (
        _("{tickets}, {n} breached ({names}); {next}")
        if names
        else _("{tickets}, {n} breached; {next}")
    ).format(tickets=tickets, n=f"{breached_count:,}", names=names, next=next_text)
    out.write(f"\n{summary}\n")


def _name(value: TicketStatus | Metric | MetricState | str) -> str:
    """A state's value (``breached``), or its Chinese name (``已超时``).

    A team's own metric (a plain name) is shown as its team named it.
    """
    if not isinstance(value, TicketStatus | Metric | MetricState):
        return value
    return (
        term(type(value).__name__, value) or value.value if chinese() else value.value
    )

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

import datetime as dt
import json
from typing import TYPE_CHECKING, Any, TextIO

import attrs
import pendulum

from servicekit._boundary import quote
from servicekit._iso import instant_from_iso
from servicekit.cli._inputs import (
    CliError,
    format_duration,
    input_path,
    parse_instant,
    read_json,
    read_json_lines,
)
from servicekit.errors import (
    InvalidEventError,
    NoMatchingPolicyError,
    ServiceKitError,
)
from servicekit.sla import (
    EventKind,
    MetricState,
    PolicySet,
    SlaReport,
    TicketEvent,
    evaluate,
)
from servicekit.sla.presets import SERVICE_STANDARD

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

EPILOG = """\
examples:
  servicekit sla examples/cli/events.jsonl --policies examples/cli/policies.json \\
      --now 2025-01-31T18:00+08:00
  servicekit sla events.jsonl --now 2025-01-31T10:00Z --json

Each line of EVENTS is one event: a TicketEvent.to_dict() object plus "ticket_id",
e.g. {"ticket_id": "T-1", "at": "2025-01-27T09:12:00+08:00", "kind": "created",
"priority": "high", "channel": "email"}. Without --policies the seeds' service
standard (servicekit.sla.presets.SERVICE_STANDARD) applies. --now must carry its UTC
offset (or Z); without --now the current time is used.
"""

_TICKET_KEYS = ("ticket_id", "ticket")
_EVENT_FIELDS = ("priority", "tier", "channel", "category", "status", "attributes")
_KNOWN_KEYS = (*_TICKET_KEYS, "at", "kind", *_EVENT_FIELDS)


NAME = "sla"
HELP = "evaluate every ticket of a JSON-lines event export against SLA policies"
DESCRIPTION = (
    "Group a JSON-lines export of ticket events by ticket, evaluate "
    "each ticket's SLA clocks at --now, and print a table (or JSON) with a "
    "summary of breaches and the next change."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``sla`` command's options (the parser itself is made by ``_app``)."""
    parser.add_argument("events", metavar="EVENTS", help="a JSON-lines file of events")
    parser.add_argument(
        "--policies",
        metavar="FILE",
        help="a PolicySet.to_dict() JSON file (default: the built-in service standard)",
    )
    parser.add_argument(
        "--now",
        help="ISO-8601 instant with an offset, e.g. 2025-01-31T18:00+08:00 "
        "(default: the current time)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead")


@attrs.frozen
class _Line:
    """One event of the export and the line it came from."""

    number: int
    event: TicketEvent


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Evaluate every ticket and print the table (or JSON) in one go."""
    if args.now is None:
        # The CLI is the one place allowed to read the clock.
        now = pendulum.now("UTC")
    else:
        now = parse_instant(args.now, tz=None, what="--now")
    events = input_path(args.events, what="EVENTS")
    policies_path = (
        None if args.policies is None else input_path(args.policies, what="--policies")
    )
    policies, policy_source = _policies(policies_path)
    tickets = _read_events(events, now, err)
    reports = [
        (ticket, _evaluate(events, policies, ticket, lines, now))
        for ticket, lines in sorted(tickets.items(), key=lambda item: _order(item[0]))
    ]
    if args.json:
        text = json.dumps(
            [{"ticket_id": t, "report": r.to_dict()} for t, r in reports],
            ensure_ascii=False,
            indent=2,
        )
    else:
        text = _table(reports, now, policy_source)
    print(text, file=out)
    return 0


def _order(ticket: str) -> tuple[int, int, str]:
    """Ids of digits only in numeric order before the others in text order."""
    if ticket.isascii() and ticket.isdigit():
        return (0, int(ticket), ticket)
    return (1, 0, ticket)


def _policies(path: str | None) -> tuple[PolicySet, str]:
    if path is None:
        return SERVICE_STANDARD, "the built-in service standard (no --policies given)"
    data = read_json(path)
    try:
        return PolicySet.from_dict(data), path
    except ServiceKitError as error:
        raise CliError(str(error), source=path, field="policies") from None


def _read_events(path: str, now: dt.datetime, err: TextIO) -> dict[str, list[_Line]]:
    tickets: dict[str, list[_Line]] = {}
    now_utc = now.astimezone(dt.UTC)
    for number, data in read_json_lines(path):
        if not isinstance(data, dict):
            raise CliError(
                f"each line must be a JSON object (one event), got {type(data).__name__}",
                source=path,
                line=number,
            )
        ticket = _ticket_id(data, path, number)
        _warn_unknown_keys(data, path, number, err)
        event = _event(data, path, number)
        if event.at.astimezone(dt.UTC) > now_utc:
            raise CliError(
                f"the event at {event.at.isoformat()} is after --now "
                f"{now.isoformat()}; a report describes the past, so pass a later --now",
                source=path,
                line=number,
                field="at",
            )
        tickets.setdefault(ticket, []).append(_Line(number, event))
    if not tickets:
        raise CliError("has no events; each line must be one event", source=path)
    return tickets


def _warn_unknown_keys(
    data: dict[str, Any], path: str, number: int, err: TextIO
) -> None:
    """One warning per key that is no part of an event (a misspelt field)."""
    for key in data:
        if key not in _KNOWN_KEYS:
            print(
                f"servicekit: warning: {path}, line {number}: unknown key {quote(key)} "
                f"ignored; an event's keys are {', '.join(_KNOWN_KEYS)}",
                file=err,
            )


def _ticket_id(data: dict[str, Any], path: str, number: int) -> str:
    """The ticket's id as text: the JSON number 7 and the string "7" are one ticket."""
    key = next((k for k in _TICKET_KEYS if k in data), None)
    if key is None:
        raise CliError(
            'missing; every event needs the id of its ticket ("ticket_id" or "ticket")',
            source=path,
            line=number,
            field="ticket_id",
        )
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        raise CliError(
            f"a ticket id must be a non-empty string or a whole number, got {quote(value)}",
            source=path,
            line=number,
            field=key,
        )
    return str(value)


def _event(data: dict[str, Any], path: str, number: int) -> TicketEvent:
    fields = {k: v for k, v in data.items() if k not in _TICKET_KEYS}
    try:
        return TicketEvent.from_dict(fields)
    except ServiceKitError as error:
        field = _bad_field(fields, str(error))
        raise CliError(str(error), source=path, line=number, field=field) from None


def _bad_field(fields: dict[str, Any], message: str) -> str:
    """Which field made ``TicketEvent.from_dict`` fail: each is tried on its own."""
    if "at" not in fields:
        return "at"
    try:
        instant_from_iso(fields["at"], "at")
    except ServiceKitError:
        return "at"
    if "kind" not in fields:
        return "kind"
    try:
        EventKind.parse(fields["kind"])
    except ServiceKitError:
        return "kind"
    base = {"at": fields["at"], "kind": fields["kind"]}
    try:
        TicketEvent.from_dict({"at": fields["at"], "kind": EventKind.CREATED.value})
    except ServiceKitError:
        # A readable instant the event cannot hold (beyond year 9999 in UTC).
        return "at"
    for name in _EVENT_FIELDS:
        if name in fields:
            try:
                TicketEvent.from_dict({**base, name: fields[name]})
            except ServiceKitError:
                return name
    # Every field is fine alone: one the kind needs is missing ("needs status=…").
    return next((n for n in _EVENT_FIELDS if f"needs {n}" in message), "kind")


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
            f"ticket {quote(ticket)} has no CREATED event; its log must start with one",
            source=path,
            line=min(line.number for line in lines),
            field="kind",
        )
    try:
        return evaluate(policies, [line.event for line in lines], now)
    except NoMatchingPolicyError as error:
        raise CliError(
            f"ticket {quote(ticket)}: {error}", source=path, line=created[0].number
        ) from None
    except InvalidEventError as error:
        culprit = _culprit(policies, lines, now)
        field = "status" if culprit.event.kind is EventKind.STATUS_CHANGED else "kind"
        raise CliError(
            f"ticket {quote(ticket)}: {error}",
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


def _table(
    reports: list[tuple[str, SlaReport]], now: dt.datetime, policy_source: str
) -> str:
    header = (
        "ticket",
        "policy",
        "status",
        "metric",
        "state",
        "due",
        "remaining",
        "breached at",
    )
    rows: list[tuple[str, ...]] = []
    for ticket, report in reports:
        first = True
        for metric, status in report.metrics.items():
            rows.append(
                (
                    str(ticket) if first else "",
                    report.policy if first else "",
                    report.status.value if first else "",
                    metric.value,
                    status.state.value,
                    _instant(status.due_at),
                    format_duration(status.remaining),
                    _instant(status.breached_at),
                )
            )
            first = False
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    right = {6}

    def fmt(row: tuple[str, ...]) -> str:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        return "  ".join(cells).rstrip()

    breached = [
        (ticket, report)
        for ticket, report in reports
        if any(s.state is MetricState.BREACHED for s in report.metrics.values())
    ]
    upcoming = [
        (report.next_change_at, ticket)
        for ticket, report in reports
        if report.next_change_at is not None
    ]
    if upcoming:
        when, who = min(upcoming, key=lambda pair: pair[0].astimezone(dt.UTC))
        next_text = f"next change {_instant(when)} (ticket {who})"
    else:
        next_text = "no clock running"
    names = ", ".join(str(t) for t, _ in breached)
    lines = [
        f"SLA at {_instant(now)}; policies: {policy_source}",
        "",
        fmt(header),
        *(fmt(row) for row in rows),
        "",
        (
            f"{len(reports)} ticket{'' if len(reports) == 1 else 's'}, "
            f"{len(breached)} breached{f' ({names})' if names else ''}; {next_text}"
        ),
    ]
    return "\n".join(lines)

"""Every message servicekit writes: its code, its English template, its parameters.

One table, in one file, as h11 keeps its transitions: the English templates here are
the ``msgid`` of the gettext catalogs (extracted by ``pybabel extract`` with the
keyword ``_define:1c,2``, the code as ``msgctxt``), and each parameter has a
[`Kind`][servicekit.messages._kinds.Kind] saying how it is written and shown. Codes
are stable: a CRM stores them. A code whose English wording varies with a count or
with who is meant (``does``/``do``) is two codes, so each language words both.
This module must never do I/O; its table is filled at import and never changes.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Final

import attrs

from servicekit.messages import _kinds as k

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["BUILT_IN_NAMES", "CODES", "MessageSpec"]


@attrs.frozen
class MessageSpec:
    """One message: its stable code, its English template and its parameters' kinds.

    Examples:
        >>> from servicekit.messages import CODES
        >>> spec = CODES["routing.waiting"]
        >>> spec.template
        'ticket {ticket}: {priority} priority, {tier} customer, {channel}, waiting {waited}'
        >>> sorted(spec.kinds)
        ['channel', 'priority', 'ticket', 'tier', 'waited']
    """

    code: str
    template: str
    kinds: Mapping[str, k.Kind]


_CODES: dict[str, MessageSpec] = {}


def _define(code: str, template: str, **kinds: k.Kind) -> str:
    # The keyword pybabel extracts: argument 1 is the context (the code), 2 the msgid.
    _CODES[code] = MessageSpec(code, template, MappingProxyType(kinds))
    return code


def _name(context: str, text: str) -> str:
    # A built-in name (a routing policy's default name) that Chinese text translates;
    # extracted with the keyword _name:1c,2, under the context "name".
    assert context == "name"  # noqa: S101 -- one context for every name
    return text


PRIORITY = k.term("Priority")
TIER = k.term("Tier")
CHANNEL = k.term("Channel")

# ------------------------------------------------------------------- generic joins
_define("list.semicolon", "{items}", items=k.MESSAGES)
_define("list.comma", "{items}", items=k.PARTS)

# ------------------------------------------------------------------------ routing
_define(
    "routing.waiting",
    "ticket {ticket}: {priority} priority, {tier} customer, {channel}, waiting {waited}",
    ticket=k.TEXT,
    priority=PRIORITY,
    tier=TIER,
    channel=CHANNEL,
    waited=k.DURATION,
)
_define(
    "routing.triaged",
    "triage rule {rule} gave it {parts}",
    rule=k.QUOTED,
    parts=k.PARTS,
)
_define("routing.triage.priority", "{priority} priority", priority=PRIORITY)
_define("routing.triage.group", "the {group} group", group=k.TEXT)
_define("routing.triage.skills", "skills {skills}", skills=k.PARTS)
_define(
    "routing.skill_at_level",
    "{skill} at level {level} or above",
    skill=k.TEXT,
    level=k.INT,
)
_define(
    "routing.promoted",
    "served as {priority} priority after waiting {waited} (one level up for every {every} waited)",
    priority=PRIORITY,
    waited=k.DURATION,
    every=k.DURATION,
)
_define("routing.escalated", "escalated: {steps}", steps=k.MESSAGES)
_define("routing.step", "{step}: {changes}", step=k.MESSAGE, changes=k.PARTS)
_define("routing.step.unchanged", "{step}: no change", step=k.MESSAGE)
_define("routing.step.after", "after {after}", after=k.DURATION)
_define("routing.relax.any_skill", "stop requiring any skill")
_define("routing.relax.skills", "stop requiring {skills}", skills=k.TEXTS)
_define("routing.relax.levels", "accept skill levels {levels} lower", levels=k.INT)
_define(
    "routing.relax.language", "accept agents who do not speak the customer's language"
)
_define("routing.relax.any_group", "accept any skill group")
_define("routing.relax.groups", "also accept the {groups} group", groups=k.TEXTS)
_define("routing.relax.owner", "stop waiting for the case owner")
_define("routing.relax.policies", "skip {policies}", policies=k.NAMES)
_define(
    "routing.excluded.one",
    "{count} agent of {total} excluded by {policy}: they {why}",
    count=k.COUNT,
    total=k.COUNT,
    policy=k.NAME,
    why=k.MESSAGE,
)
_define(
    "routing.excluded.many",
    "{count} agents of {total} excluded by {policy}: they {why}",
    count=k.COUNT,
    total=k.COUNT,
    policy=k.NAME,
    why=k.MESSAGE,
)
_define(
    "routing.full.one",
    "the only qualified agent, {agent}, is at capacity or at their part-time share; it stays in the queue",
    agent=k.TEXT,
)
_define(
    "routing.full.many",
    "all {count} qualified agents are at capacity or at their part-time share; it stays in the queue",
    count=k.COUNT,
)
_define("routing.nobody_qualifies", "no agent qualifies; it stays in the queue")
_define(
    "routing.chose.one",
    "chose agent {agent} of {count} qualified agent",
    agent=k.TEXT,
    count=k.COUNT,
)
_define(
    "routing.chose.many",
    "chose agent {agent} of {count} qualified agents",
    agent=k.TEXT,
    count=k.COUNT,
)
_define(
    "routing.chose.one.notes",
    "chose agent {agent} of {count} qualified agent: {notes}",
    agent=k.TEXT,
    count=k.COUNT,
    notes=k.MESSAGES,
)
_define(
    "routing.chose.many.notes",
    "chose agent {agent} of {count} qualified agents: {notes}",
    agent=k.TEXT,
    count=k.COUNT,
    notes=k.MESSAGES,
)
_define(
    "routing.passed_over",
    "the customer's dedicated manager {agent} was passed over: {why}",
    agent=k.TEXT,
    why=k.MESSAGE,
)
_define("routing.by_policy", "{why} ({policy})", why=k.MESSAGE, policy=k.NAME)
_define(
    "routing.came_first",
    "agent {agent} came first on {policy}",
    agent=k.TEXT,
    policy=k.NAME,
)
_define("routing.came_first.id", "agent {agent} came first by agent id", agent=k.TEXT)
_define(
    "routing.agent_excluded",
    "agent {agent} excluded by {policy}: {why}",
    agent=k.TEXT,
    policy=k.NAME,
    why=k.MESSAGE,
)
_define(
    "routing.ranked",
    "agent {agent} ranked {rank} of {count}: {notes}",
    agent=k.TEXT,
    rank=k.INT,
    count=k.INT,
    notes=k.MESSAGES,
)
_define(
    "routing.ranked.no_preference",
    "agent {agent} ranked {rank} of {count}: no preference",
    agent=k.TEXT,
    rank=k.INT,
    count=k.INT,
)
_define("routing.no_agent_now", "no agent can take it now; it stays in the queue")
_define("routing.chose", "chose agent {agent}: {why}", agent=k.TEXT, why=k.MESSAGE)
_define("routing.only_eligible", "the only eligible agent")
_define("routing.decided_by", "decided by {policy}", policy=k.NAME)
_define("routing.tied", "tied on every policy, so the lowest agent id")
# What a policy says of one agent (.one) or, in a dispatch's summary, of many (.many).
_define("routing.channel.one", "does not work the {channel} channel", channel=CHANNEL)
_define("routing.channel.many", "do not work the {channel} channel", channel=CHANNEL)
_define(
    "routing.unavailable.one",
    "is not available (on a break, in training or logged off)",
)
_define("routing.unavailable.many", "are not available (break, training or logged off)")
_define(
    "routing.no_room",
    "already has {load} of {capacity} {channel} tickets (no room)",
    load=k.INT,
    capacity=k.INT,
    channel=CHANNEL,
)
_define("routing.lacks_skill", "lacks the skill {skill}", skill=k.TEXT)
_define(
    "routing.skill_too_low",
    "has {skill} at level {level} but needs {need} or above",
    skill=k.TEXT,
    level=k.INT,
    need=k.INT,
)
_define("routing.lack_skills", "lack the required skills ({skills})", skills=k.PARTS)
_define(
    "routing.lack_skills.groups",
    "lack the required skills: {groups}",
    groups=k.MESSAGES,
)
_define(
    "routing.lack_skills.group", "{skills} ({count})", skills=k.PARTS, count=k.COUNT
)
_define(
    "routing.language.one",
    "does not speak the customer's language ({language})",
    language=k.TEXT,
)
_define(
    "routing.language.many",
    "do not speak the customer's language ({language})",
    language=k.TEXT,
)
_define("routing.group.one", "is not in the {groups} group", groups=k.TEXTS_OR)
_define("routing.group.many", "are not in the {groups} group", groups=k.TEXTS_OR)
_define(
    "routing.part_time",
    "is part-time and already has {load} {channel} tickets, the most a part-time agent takes ({share} of {capacity})",
    load=k.INT,
    channel=CHANNEL,
    share=k.PERCENT,
    capacity=k.INT,
)
_define(
    "routing.not_senior",
    "is not a senior agent, and this customer has {complaints} unresolved complaints (seniors take {threshold} or more)",
    complaints=k.INT,
    threshold=k.INT,
)
_define(
    "routing.not_seniors",
    "are not senior agents (repeat complaints, {threshold} or more, go to seniors)",
    threshold=k.INT,
)
_define(
    "routing.owner.holds",
    "the case belongs to {owner} (first-contact ownership); it waits up to {wait} for them",
    owner=k.TEXT,
    wait=k.DURATION,
)
_define(
    "routing.owner.others",
    "are not the case owner {owner}, who keeps it for now (first-contact ownership)",
    owner=k.TEXT,
)
_define("routing.owner.owns", "owns the case (first-contact ownership)")
_define("routing.dedicated.customer", "is this customer's dedicated manager")
_define("routing.dedicated.tier", "serves {tier} customers", tier=TIER)
_define(
    "routing.load",
    "is handling {load} of {capacity} tickets ({share} loaded)",
    load=k.INT,
    capacity=k.INT,
    share=k.PERCENT,
)
_define(
    "routing.load.no_capacity",
    "is handling {load} of {capacity} tickets (no capacity loaded)",
    load=k.INT,
    capacity=k.INT,
)
_define("routing.no_capacity", "has no capacity")
_define("routing.idle.never", "has not received a ticket yet")
_define("routing.idle", "last received a ticket {idle} ago", idle=k.DURATION)

# ------------------------------------------------------------------------ scoring
_define(
    "scoring.rated_low",
    "{dimension} rated {rating} (below {below})",
    dimension=k.NAME,
    rating=k.INT,
    below=k.INT,
)
_define(
    "scoring.complaints",
    "{count} unresolved complaints in the {span} to {now} (threshold {threshold})",
    count=k.INT,
    span=k.SPAN,
    now=k.INSTANT,
    threshold=k.INT,
)
_define(
    "scoring.complaints.day",
    "{count} unresolved complaints in the day to {now} (threshold {threshold})",
    count=k.INT,
    now=k.INSTANT,
    threshold=k.INT,
)

# ---------------------------------------------------------------------------- SLA
METRIC = k.term("Metric", spaced=True)
_define(
    "sla.warning",
    "{metric}: warning, {share} of the time to its target used at {at}",
    metric=METRIC,
    share=k.PERCENT,
    at=k.INSTANT,
)
_define(
    "sla.warning.named",
    "{metric} target {target}: warning, {share} of its time used at {at}",
    metric=METRIC,
    target=k.TEXT,
    share=k.PERCENT,
    at=k.INSTANT,
)
_define(
    "sla.breach",
    "{metric}: breach, its target was missed at {at}",
    metric=METRIC,
    at=k.INSTANT,
)
_define(
    "sla.breach.named",
    "{metric} target {target}: breach, missed at {at}",
    metric=METRIC,
    target=k.TEXT,
    at=k.INSTANT,
)

# --------------------------------------------------------------------- acceptance
# An obligation rule as the process diagram has always worded it (identifiers as
# they are): who owes which duty, and by when.
PARTY = k.term("Party", as_is=True)
DUTY = k.term("Duty", as_is=True)
_define(
    "acceptance.owes.policy",
    "{party} owes {what} within {within} business days",
    party=PARTY,
    what=DUTY,
    within=k.TEXT,
)
_define(
    "acceptance.owes.days",
    "{party} owes {what} within {days} business days",
    party=PARTY,
    what=DUTY,
    days=k.INT,
)
_define(
    "acceptance.owes.hours",
    "{party} owes {what} within {hours} business hours",
    party=PARTY,
    what=DUTY,
    hours=k.TEXT,
)
_define(
    "acceptance.owes.promised",
    "{party} owes {what} by the promised delivery time",
    party=PARTY,
    what=DUTY,
)

# ------------------------------------------------------------------------- errors
# The sentences of the errors a person may read (``ServiceKitError.message``): each
# template gives back the error's English text exactly. Values quoted from the
# input, JSON paths, keys and type names are texts, shown as they are in every
# locale.
_define(
    "error.unusable",
    "{what} data is unusable: {problems}",
    what=k.TEXT,
    problems=k.MESSAGES,
)
_define("error.at", "at {path}: {problem}", path=k.TEXT, problem=k.MESSAGE)
_define("error.expected", "expected {what}, got {got}", what=k.MESSAGE, got=k.MESSAGE)
_define("error.a.bool", "true or false")
_define("error.a.boolean", "a boolean")
_define("error.a.whole_number", "a whole number")
_define("error.a.number", "a number")
_define("error.a.finite_number", "a finite number")
_define("error.a.number_or_infinity", "a number, 'inf' or '-inf'")
_define("error.a.text", "text")
_define("error.a.text_or_null", "text or null")
_define("error.a.null", "null")
_define("error.a.duration", "an ISO-8601 duration such as 'PT24H' or 'PT30M'")
_define(
    "error.a.instant",
    "an ISO-8601 instant with its UTC offset, such as '2025-01-24T10:00:00+08:00'",
)
_define("error.a.date", "a date such as '2025-01-24'")
_define("error.a.array", "an array")
_define("error.a.array_of", "an array of {count} items", count=k.INT)
_define("error.a.object", "an object")
_define("error.a.object_of", "an object describing a {type}", type=k.TEXT)
_define("error.a.tagged", "an object with a {key} ({known})", key=k.TEXT, known=k.TEXT)
_define("error.a.attributes", "an object of names to JSON values")
_define("error.a.text_keys", "text keys")
_define("error.a.name_of", "the text name of a {type}", type=k.TEXT)
_define("error.a.one_of", "one of {values}", values=k.TEXT)
_define("error.a.either", "{kinds}", kinds=k.ALTERNATIVES)
_define("error.got.boolean", "a boolean {value}", value=k.TEXT)
_define("error.got.number", "a number {value}", value=k.TEXT)
_define("error.got.text", "text {value}", value=k.TEXT)
_define("error.got.array", "an array {value}", value=k.TEXT)
_define("error.got.other", "{type} {value}", type=k.TEXT, value=k.TEXT)
_define(
    "error.not_member",
    "{value} is not a {type}; expected one of: {names}",
    value=k.TEXT,
    type=k.TEXT,
    names=k.TEXT,
)
_define(
    "error.tag_must_be",
    "{key} must be {tag} for a {type}, got {given}",
    key=k.TEXT,
    tag=k.TEXT,
    type=k.TEXT,
    given=k.TEXT,
)
_define(
    "error.unknown_tag",
    "unknown {key} {value}; expected one of: {known}",
    key=k.TEXT,
    value=k.TEXT,
    known=k.TEXT,
)
_define(
    "error.missing_tag",
    "missing {key}; expected one of: {known}",
    key=k.TEXT,
    known=k.TEXT,
)
_define(
    "error.old_tag",
    "{old} named the {key} in documents written before issue 13; name it under "
    "{quoted} ({known}): docs/serialisation.md, 'Format changes', shows how to "
    "convert such a document",
    old=k.TEXT,
    key=k.TEXT,
    quoted=k.TEXT,
    known=k.TEXT,
)
_define(
    "error.unknown_key",
    "unknown key {keys}; expected {expected}",
    keys=k.TEXT,
    expected=k.TEXT,
)
_define(
    "error.unknown_keys",
    "unknown keys {keys}; expected {expected}",
    keys=k.TEXT,
    expected=k.TEXT,
)
_define("error.missing_key", "this required key is missing")
_define(
    "error.unusable_value",
    "unusable value ({type}: {error})",
    type=k.TEXT,
    error=k.TEXT,
)
_define(
    "error.nests_deeper",
    "nests deeper than {limit} levels of lists and objects; flatten it",
    limit=k.INT,
)
_define(
    "error.nests_too_deep",
    "{what} nests deeper than {limit} levels of lists and objects; flatten it",
    what=k.NAME,
    limit=k.INT,
)
_define(
    "error.iso.duration",
    "{what} must be an ISO-8601 duration such as 'PT24H' or 'PT30M', got {value}",
    what=k.NAME,
    value=k.TEXT,
)
_define(
    "error.iso.not_text",
    "{what} must be an ISO-8601 string such as '2025-01-24T10:00:00+08:00', got {value}",
    what=k.NAME,
    value=k.TEXT,
)
_define(
    "error.iso.not_iso",
    "{what} {value} is not ISO-8601; use e.g. '2025-01-24T10:00:00+08:00'",
    what=k.NAME,
    value=k.TEXT,
)
_define(
    "error.iso.no_offset",
    "{what} {value} has no UTC offset; append one such as '+08:00'",
    what=k.NAME,
    value=k.TEXT,
)
_define(
    "error.zone.not_text",
    "timezone must be an IANA name such as 'Asia/Shanghai', got {value}",
    value=k.TEXT,
)
_define(
    "error.zone.not_iana",
    "{value} is not an IANA zone name; give one such as 'Asia/Shanghai'",
    value=k.TEXT,
)
_define(
    "error.zone.unknown",
    "unknown time zone {value}; use an IANA name such as 'Asia/Shanghai' or "
    "'America/New_York'",
    value=k.TEXT,
)
_define(
    "error.calendar.never_opens",
    "this calendar has no working hours on any day; give weekly_hours such as "
    "{example} or use BusinessCalendar.always_open()",
    example=k.TEXT,
)
_define(
    "error.calendar.never_within.after",
    "the calendar has no working time within 50 years after {at} (timezone "
    "{zone}); check its weekly hours, holidays and make-up days",
    at=k.TEXT,
    zone=k.TEXT,
)
_define(
    "error.calendar.never_within.before",
    "the calendar has no working time within 50 years before {at} (timezone "
    "{zone}); check its weekly hours, holidays and make-up days",
    at=k.TEXT,
    zone=k.TEXT,
)
_define(
    "error.calendar.never_again.after",
    "the calendar has no working time after {at} (timezone {zone}): it has no "
    "weekly hours and no make-up working days after {bound}; add weekly hours or "
    "make-up days",
    at=k.TEXT,
    zone=k.TEXT,
    bound=k.TEXT,
)
_define(
    "error.calendar.never_again.before",
    "the calendar has no working time before {at} (timezone {zone}): it has no "
    "weekly hours and no make-up working days before {bound}; add weekly hours or "
    "make-up days",
    at=k.TEXT,
    zone=k.TEXT,
    bound=k.TEXT,
)
_define(
    "error.calendar.too_close",
    "{at} is too close to the ends of the supported years {first}…{last} "
    "(timezone {zone}); use a nearer instant or a shorter duration",
    at=k.TEXT,
    first=k.INT,
    last=k.INT,
    zone=k.TEXT,
)
_define(
    "error.calendar.result_outside",
    "the result lies outside the years {first}…{last} in {zone}; use a nearer "
    "instant or a shorter duration",
    first=k.INT,
    last=k.INT,
    zone=k.TEXT,
)
_define(
    "error.calendar.beyond.from",
    "{amount} of working time from {year} lies beyond the supported years "
    "{first}…{last}",
    amount=k.SPAN,
    year=k.INT,
    first=k.INT,
    last=k.INT,
)
_define(
    "error.calendar.beyond.before",
    "{amount} of working time before {year} lies beyond the supported years "
    "{first}…{last}",
    amount=k.SPAN,
    year=k.INT,
    first=k.INT,
    last=k.INT,
)
_define(
    "error.holidays.missing",
    "holiday data for {country} ends on {until} (the last year whose holidays and "
    "make-up working days were announced); a computation reaching {where} relies "
    "on {year} and later, where make-up days are unknown and holidays only "
    "estimated. Add the {year} announcement with calendar.with_announcement("
    "year={year}, holidays=[...], workdays=[...]) or update the holidays package; "
    "this calendar is strict",
    country=k.NAME,
    until=k.TEXT,
    where=k.TEXT,
    year=k.INT,
)
_define(
    "error.hours.weekday",
    "weekday {value} is not 0 (Monday) … 6 (Sunday) or a day name such as 'Mon'",
    value=k.TEXT,
)
_define(
    "error.ticket_id.missing",
    'ticket_id missing; every event needs the id of its ticket ("ticket_id" or '
    '"ticket")',
)
_define(
    "error.ticket_id.invalid",
    "{key}: a ticket id must be a non-empty string or a whole number, got {value}",
    key=k.TEXT,
    value=k.TEXT,
)
_define(
    "error.holidays.no_calendar",
    "the holidays package has no holiday calendar for {kind} {which}",
    kind=k.NAME,
    which=k.TEXT,
)
_define(
    "error.holidays.no_calendar.subdiv",
    "the holidays package has no holiday calendar for {kind} {which}, subdivision "
    "{subdiv}",
    kind=k.NAME,
    which=k.TEXT,
    subdiv=k.TEXT,
)
_define(
    "error.hours.malformed",
    "malformed time {value}; write it as 'HH:MM' or 'HH:MM:SS' (24-hour clock)",
    value=k.TEXT,
)
_define(
    "error.hours.midnight_start",
    "{value} cannot start an interval; '24:00' is the next midnight, use '00:00'",
    value=k.TEXT,
)
_define(
    "error.hours.out_of_range",
    "time {value} is out of range; hours run 00-23 (or 24:00 as an end), minutes "
    "and seconds 00-59",
    value=k.TEXT,
)
_define(
    "error.hours.empty",
    "interval {value} is empty (it ends where it starts); a 24-hour day is "
    "('00:00', '24:00')",
    value=k.TEXT,
)
_define(
    "error.hours.overlap",
    "{what}: intervals {first} and {second} overlap; merge them or fix the bounds",
    what=k.TEXT,
    first=k.TEXT,
    second=k.TEXT,
)
_define(
    "error.hours.unknown_day",
    "unknown day {value}; use Mon, Tue, Wed, Thu, Fri, Sat, Sun, ranges like "
    "Mon-Fri, or Daily",
    value=k.TEXT,
)
_define(
    "error.hours.no_hours",
    "segment {value} names days but no hours; write e.g. 'Mon-Fri 09:00-18:00' or "
    "'Sun closed'",
    value=k.TEXT,
)
_define(
    "error.hours.interval_shape",
    "interval {value} in {segment} must look like 09:00-12:00",
    value=k.TEXT,
    segment=k.TEXT,
)
_define(
    "error.hours.day_twice",
    "{day} is given twice in {text}",
    day=k.TEXT,
    text=k.TEXT,
)
_define("error.hours.no_days", "hours text {text} names no days", text=k.TEXT)
_define(
    "error.hours.not_text",
    "hours text must be a non-empty string such as 'Mon-Fri 09:00-18:00'; got {value}",
    value=k.TEXT,
)

# SLA rules as data (servicekit.sla): what a policies file or an event log can get wrong.
_define(
    "error.sla.within_not_positive",
    "SlaTarget.within must be positive, e.g. timedelta(minutes=30); got {value}",
    value=k.TEXT,
)
_define(
    "error.sla.two_targets_named",
    "two targets are named {name}; name each promise of a policy "
    "(SlaTarget(name=...)): reports key targets by name",
    name=k.TEXT,
)
_define(
    "error.sla.no_policies",
    "a PolicySet needs at least one policy (add a catch-all with when=None)",
)
_define(
    "error.sla.no_policy_matches",
    "no SLA policy matches a ticket with facts {facts} (tried: {tried}); add a "
    "catch-all policy with when=None at the end",
    facts=k.TEXT,
    tried=k.TEXT,
)
_define(
    "error.sla.event_out_of_range",
    "TicketEvent.at {at} is outside the years a datetime can show in every zone "
    "(0001-01-02 … 9999-12-30 UTC); use a real instant",
    at=k.TEXT,
)
_define(
    "error.sla.event_does_not_carry",
    "a {kind} event does not carry {field}; drop it or use another event kind",
    kind=k.TEXT,
    field=k.TEXT,
)
_define(
    "error.sla.facts_changed_empty",
    "a FACTS_CHANGED event needs at least one fact: priority, tier, channel, "
    "category or attributes",
)
_define(
    "error.sla.event_needs", "a {kind} event needs {field}=…", kind=k.TEXT, field=k.TEXT
)
_define(
    "error.sla.first_not_created",
    "a ticket's first event must be CREATED; got {kind} at {at} (events are sorted "
    "by instant: is CREATED missing or late?)",
    kind=k.TEXT,
    at=k.TEXT,
)
_define(
    "error.sla.unknown_metric",
    "{value} is not a Metric (one of: {names}); a team's own metric is written as "
    "its definition (name, start_on, stop_on)",
    value=k.TEXT,
    names=k.TEXT,
)
_define(
    "error.sla.definition.required.start",
    "MetricDefinition.start_on is required: name the events that start the clock, "
    "e.g. {{'kind': 'created'}}",
)
_define(
    "error.sla.definition.required.stop",
    "MetricDefinition.stop_on is required: name the events that stop the clock, "
    "e.g. {{'kind': 'created'}}",
)
_define(
    "error.sla.definition.constant.start",
    "MetricDefinition.start_on matches every event or none; name the events that "
    "start the clock (kind, status, attributes)",
)
_define(
    "error.sla.definition.constant.stop",
    "MetricDefinition.stop_on matches every event or none; name the events that "
    "stop the clock (kind, status, attributes)",
)
_define(
    "error.sla.definition.unknown_fact",
    "MetricDefinition.{what} reads {field}, which no event carries; an event shows "
    "'kind', 'status', 'attributes.<name>', and the ticket's own facts as "
    "'ticket.<fact>' (status, priority, tier, channel, category, attributes.<name>)",
    what=k.TEXT,
    field=k.TEXT,
)
_define(
    "error.sla.definition.never.start",
    "MetricDefinition.{what} compares {field} with {value}, which no event can "
    "carry (one of: {names}); the clock would never start on it",
    what=k.TEXT,
    field=k.TEXT,
    value=k.TEXT,
    names=k.TEXT,
)
_define(
    "error.sla.definition.never.stop",
    "MetricDefinition.{what} compares {field} with {value}, which no event can "
    "carry (one of: {names}); the clock would never stop on it",
    what=k.TEXT,
    field=k.TEXT,
    value=k.TEXT,
    names=k.TEXT,
)
_define(
    "error.sla.definition.name_empty",
    "MetricDefinition.name must be a non-empty string; got {value}",
    value=k.TEXT,
)
_define(
    "error.sla.definition.builtin_name",
    "MetricDefinition.name {value} is the built-in metric {metric}; name a team's "
    "own metric differently (or use Metric.{member} itself)",
    value=k.TEXT,
    metric=k.TEXT,
    member=k.TEXT,
)
_define(
    "error.sla.definition.stop_when",
    "target {target}: stop_when applies to the built-in metrics; the definition "
    "{definition} says what stops its clock (MetricDefinition.stop_on)",
    target=k.TEXT,
    definition=k.TEXT,
)

#: Every message by code (read-only).
CODES: Final[Mapping[str, MessageSpec]] = MappingProxyType(_CODES)

#: Built-in names that Chinese text translates (routing policies' default names,
#: scoring's default dimensions); any other name is shown as it is.
BUILT_IN_NAMES: Final = (
    _name("name", "channel"),
    _name("name", "availability and capacity"),
    _name("name", "required skills"),
    _name("name", "language"),
    _name("name", "skill group"),
    _name("name", "part-time share"),
    _name("name", "senior for repeat complaints"),
    _name("name", "first-contact ownership"),
    _name("name", "dedicated manager"),
    _name("name", "least loaded"),
    _name("name", "longest idle"),
    _name("name", "standard"),
    _name("name", "default"),
    _name("name", "response_speed"),
    _name("name", "resolution"),
    _name("name", "attitude"),
    _name("name", "competence"),
    _name("name", "follow_up"),
    # what the codec's and the command line's errors name
    _name("name", "the instant"),
    _name("name", "the duration"),
    _name("name", "the file"),
    _name("name", "the line"),
    _name("name", "this calendar"),
    _name("name", "country"),
    _name("name", "market"),
)

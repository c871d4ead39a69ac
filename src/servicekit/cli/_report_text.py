"""Render the ``servicekit demo`` report as plain text for a terminal.

Every section of the report, in the order a service director reads it: SLA compliance
(by metric, priority and policy) and the worst breaches, routing outcomes and waiting
times, the city satisfaction index with its intervals and the honest top 5 / bottom 3,
NPS, CSAT and first-contact resolution, alerts, the requirements' workflow, and
staffing advice. Each section starts with a ``== Title ==`` line so scripts (and the
tests) can find it. Intervals are 95 % unless the report says otherwise.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import attrs

from servicekit.acceptance import RequirementPolicy
from servicekit.cli._format import aligned, decimals, wrap
from servicekit.cli._i18n import (
    N_,
    N_p,
    _,
    _p,
    chinese,
    city,
    duration,
    instant,
    percent,
    term,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from servicekit.cli._demo_sections import (
        Alerts,
        Cities,
        CityRow,
        DemoReport,
        Meta,
        RequirementRow,
        Routing,
        Sla,
        StaffingRow,
    )
    from servicekit.scoring import Estimate

__all__ = ["SECTIONS", "WIDTH", "human", "humane", "render_text", "wait"]

WIDTH = 100
"""The widest line of the text report, in columns."""

SECTIONS = (
    N_("SLA compliance"),
    N_("SLA breaches"),
    N_("Routing"),
    N_("City satisfaction index"),
    N_("NPS, CSAT and first-contact resolution"),
    N_("Alerts"),
    N_("Requirements"),
    N_("Staffing advice"),
)


def wait(seconds: object) -> str:
    """A duration in one style everywhere: the largest unit and the next, both shown.

    ``45 s``, ``3 min 20 s``, ``3 min 00 s``, ``16 h 00 min``, ``2 d 04 h``; anything
    that is not a finite number reads ``n/a``, negative durations read ``0 s``.

    Examples:
        >>> [wait(45), wait(180), wait(57_660), wait(57_600), wait(187_200)]
        ['45 s', '3 min 00 s', '16 h 01 min', '16 h 00 min', '2 d 04 h']
        >>> wait(float("nan")), wait(None)
        ('n/a', 'n/a')
    """
    return duration(seconds)


_WORDS = {
    # acceptance duties and breach kinds
    "send_sheet": "sending the confirmation sheet",
    "confirm_sheet": "confirming the sheet",
    "deliver": "delivery",
    "accept": "acceptance",
    "resubmit": "rework",
    "follow_up": "follow-up",
    "late_delay_notice": "late delay notice for",
    # survey dimensions
    "response_speed": "response speed",
}


def human(name: object) -> str:
    """An identifier as words a reader knows: ``logistics_fast_lane`` → ``logistics fast lane``.

    Examples:
        >>> human("logistics_fast_lane"), human("send_sheet"), human("follow_up")
        ('logistics fast lane', 'sending the confirmation sheet', 'follow-up')
    """
    text = str(name)
    english = _WORDS.get(text, text.replace("_", " "))
    if not chinese():
        return english
    for vocabulary in _VOCABULARIES:
        found = term(vocabulary, text)
        if found is not None:
            return found
    return _p("word", english)


# Where an identifier's Chinese name is looked up first (the enums' own names).
_VOCABULARIES = (
    "Metric",
    "Priority",
    "Tier",
    "Channel",
    "RequirementState",
    "Duty",
    "BreachKind",
    "Party",
)
# The demo's own words (its policies, escalation steps and survey dimensions).
WORDS = (
    N_p("word", "standard"),
    N_p("word", "high value"),
    N_p("word", "logistics fast lane"),
    N_p("word", "requirement"),
    N_p("word", "anyone"),
    N_p("word", "lower skill levels"),
    N_p("word", "any language"),
    N_p("word", "response speed"),
    N_p("word", "attitude"),
    N_p("word", "competence"),
)


def humane(text: str) -> str:
    """Every identifier the report knows, inside a sentence, as words.

    Examples:
        >>> humane("response_speed rated 1 (below 3); follow_up rated 2 (below 3)")
        'response speed rated 1 (below 3); follow-up rated 2 (below 3)'
    """
    return re.sub(r"\b[a-z]+(?:_[a-z]+)+\b", lambda m: human(m.group()), text)


def _n(value: float) -> str:
    return f"{value:,.0f}"


def _pct(part: float, whole: float) -> str:
    return _("n/a") if whole == 0 else percent(100 * part / whole)


def _est(e: Estimate, unit: str | None = None, digits: int = 1) -> str:
    """``value unit (low-high)``, with more decimals where one would mislead.

    Examples:
        >>> from servicekit.scoring import Estimate
        >>> _est(Estimate(value=99.97, low=99.9, high=99.99, n=9, method="t"))
        '99.97 % (99.90-99.99)'
        >>> _est(Estimate(value=78.04, low=77.61, high=78.46, n=9, method="t"))
        '78.0 % (77.6-78.5)'
    """
    numbers = (e.value, e.low, e.high)
    shown = decimals(numbers, digits)
    value, low, high = (f"{x:.{shown}f}" for x in numbers)
    if unit is None:
        unit = "%" if chinese() else " %"
    return f"{value}{unit} ({low}-{high})"


_NUMBER = re.compile(
    r"[-+]?[\d.,]+(?: ?%| [a-z]+(?: [\d.]+ [a-z]+)?)?(?: \(.*\))?|\d+-\d+|-|n/a|不适用"
    r"|(?:\d+(?:天|小时|分钟|秒))+"
)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Columns padded to their widest cell: numbers right-aligned, text left-aligned.

    A column is numeric when every cell is a number, a share, a duration, a number
    with its interval, ``-`` or ``n/a``; its header is aligned like its cells.

    Examples:
        >>> _table(("city", "n"), [("Lhasa", "7"), ("Xi'an", "1,204")])
        ['  city       n', '  Lhasa      7', "  Xi'an  1,204"]
    """
    columns = list(zip(header, *rows, strict=True))
    right = {
        i
        for i, col in enumerate(columns)
        if rows and all(_NUMBER.fullmatch(str(c)) for c in col[1:])
    }
    return aligned([tuple(map(str, r)) for r in (header, *rows)], right, indent="  ")


def _wrap(text: str, indent: str = "") -> list[str]:
    """A paragraph as lines of at most ``WIDTH`` terminal cells."""
    return wrap(text, WIDTH, indent)


def _title(text: str) -> list[str]:
    return ["", f"== {_(text)} =="]


def render_text(report: DemoReport) -> str:
    """The whole report as text, ending with a newline.

    Examples:
        >>> from servicekit.cli._demo import make_report
        >>> text = render_text(make_report(7, "2025-02", volume=60))
        >>> all(f"== {s} ==" in text for s in SECTIONS)
        True
    """
    lines = _header(report.meta)
    lines += _sla(report.sla)
    lines += _routing(report.routing)
    lines += _cities(report.cities)
    lines += _scores(report)
    lines += _alerts(report.alerts)
    lines += _requirements(report.requirements)
    lines += _staffing(report.staffing)
    return "\n".join(lines) + "\n"


def _header(meta: Meta) -> list[str]:
    return [
        _("servicekit demo: {month}, seed {seed}, read at {now} ({zone})").format(
            month=meta.month,
            seed=meta.seed,
            now=instant(meta.now),
            zone=_p("zone", meta.timezone),
        ),
        *_wrap(
            _(
                "{cities} cities, {agents} agents ({part_time} part-time), "
                "{requests} requests ({routed} handled by people), {answers} survey "
                "answers, {requirements} requirements"
            ).format(
                cities=meta.cities,
                agents=meta.agents,
                part_time=meta.part_time_agents,
                requests=_n(meta.requests),
                routed=_n(meta.routed),
                answers=_n(meta.survey_answers),
                requirements=meta.requirements,
            )
        ),
        *_wrap(
            _(
                "Intervals are {level} confidence intervals; SLA targets are the "
                "service standard (servicekit.sla.presets.SERVICE_STANDARD) on the "
                "China business calendar."
            ).format(level=percent(95, 0))
        ),
    ]


def _sla(sla: Sla) -> list[str]:
    lines = _title(N_("SLA compliance"))
    lines.append(
        _("By metric (each request's clock: met before its due instant, or breached):")
    )
    lines += _table(
        (_("metric"), _("met"), _("breached"), _("open"), _("compliance")),
        [
            (
                human(m.metric),
                _n(m.met),
                _n(m.breached),
                _n(m.running),
                _est(m.compliance),
            )
            for m in sla.by_metric
        ],
    )
    lines.append(_("By priority (requests with no breached clock):"))
    lines += _table(
        (_("priority"), _("requests"), _("breached"), _("compliance")),
        [
            (
                human(row.priority),
                _n(row.tickets),
                _n(row.breached_tickets),
                _est(row.compliance),
            )
            for row in sla.by_priority
        ],
    )
    lines.append(_("By policy (requests with no breached clock):"))
    lines += _table(
        (_("policy"), _("requests"), _("breached"), _("compliance")),
        [
            (
                human(row.policy),
                _n(row.tickets),
                _n(row.breached_tickets),
                _est(row.compliance),
            )
            for row in sla.by_policy
        ],
    )
    breaches = sla.breaches
    lines += _title(N_("SLA breaches"))
    lines += _wrap(
        _(
            "{requests} requests breached at least one clock ({clocks} clocks in "
            "all). The ten most overdue clocks:"
        ).format(requests=_n(breaches.tickets), clocks=_n(breaches.metrics))
    )
    lines += _table(
        (_("request"), _("city"), _("policy"), _("metric"), _("due"), _("late by")),
        [
            (
                w.ticket,
                city(w.city),
                human(w.policy),
                human(w.metric),
                (w.due_at or "")[5:16].replace("T", " "),
                wait(w.late_by_seconds),
            )
            for w in breaches.worst
        ],
    )
    return lines


def _routing(routing: Routing) -> list[str]:
    lines = _title(N_("Routing"))
    routed, assigned = routing.routed, routing.assigned
    steps = _(", ").join(
        f"{human(s.step)} {_n(s.tickets)}" for s in routing.escalation_steps
    )
    escalated = _(
        "Assigned under an escalation step (after waiting): {n} ({share})"
    ).format(n=_n(routing.escalated), share=_pct(routing.escalated, assigned))
    for sentence in (
        _(
            "Requests for people: {routed}; assigned {assigned} ({share}), still "
            "waiting at month end {waiting}."
        ).format(
            routed=_n(routed),
            assigned=_n(assigned),
            share=_pct(assigned, routed),
            waiting=_n(routed - assigned),
        ),
        _share_of(
            _(
                "To the case owner (first-contact ownership): {n} of {of} requests from "
                "customers with a case owner ({share})."
            ),
            routing.to_owner,
            routing.owner_tickets,
        ),
        _share_of(
            _("To the dedicated manager: {n} of {of} high-value requests ({share})."),
            routing.to_dedicated_manager,
            routing.dedicated_tickets,
        ),
        _share_of(
            _(
                "In the customer's language (Mongolian, Uyghur, Tibetan, English): "
                "{n} of {of} ({share})."
            ),
            routing.language_matched,
            routing.language_tickets,
        ),
        escalated + (_(": {steps}").format(steps=steps) if steps else "") + _("."),
    ):
        lines += _wrap(sentence)
    lines.append(_("Time from arrival to an agent:"))
    total = sum(b.count for b in routing.wait_histogram)
    lines += _table(
        (_("wait"), _("requests"), _("share")),
        [(b.label, _n(b.count), _pct(b.count, total)) for b in routing.wait_histogram],
    )
    slow = sorted(
        routing.by_city,
        key=lambda c: (-c.p90_wait_seconds, -c.mean_wait_seconds, c.city),
    )[:5]
    lines.append(_("Longest waits by city (90th percentile, then mean):"))
    lines += _table(
        (
            _("city"),
            _("requests"),
            _("agents"),
            _("median wait"),
            _("mean wait"),
            _("90 % within"),
        ),
        [
            (
                city(c.city),
                _n(c.tickets),
                str(c.agents),
                wait(c.median_wait_seconds),
                wait(c.mean_wait_seconds),
                wait(c.p90_wait_seconds),
            )
            for c in slow
        ],
    )
    return lines


def _share_of(template: str, part: int, whole: int) -> str:
    """A sentence naming ``{n}`` of ``{of}`` and their ``{share}``."""
    return template.format(n=_n(part), of=_n(whole), share=_pct(part, whole))


def _place(r: CityRow) -> str:
    """A ranked city's possible places, ``3`` or ``1-7`` (``-`` when not ranked)."""
    best, worst = r.best_rank, r.worst_rank
    if best is None or worst is None:
        return "-"
    return str(best) if best == worst else f"{best}-{worst}"


def _cities_list(names: Sequence[str]) -> str:
    return _(", ").join(map(city, names)) or _("no city")


def _cities(cities: Cities) -> list[str]:
    lines = _title(N_("City satisfaction index"))
    lines += _wrap(
        _(
            "{measure}. Cities in the order of the pairwise tests (Holm-corrected), "
            "then by shrunk index: the index pulled toward the national value by the "
            "size of its sample (empirical Bayes). 'Places' is where the tests allow "
            "each city to stand; 'by score' is its place in a plain sort by index."
        ).format(measure=f"{cities.measure[:1].upper()}{cities.measure[1:]}")
    )
    lines += _table(
        (
            _("city"),
            _("n"),
            _("index ({level} interval)").format(level=percent(95, 0)),
            _("shrunk"),
            _("places"),
            _("by score"),
            _("mark"),
        ),
        [
            (
                city(r.city),
                _n(r.n),
                _est(r.index, ""),
                f"{r.shrunk.value:.1f}",
                _place(r),
                "-" if r.value_rank is None else str(r.value_rank),
                (_("top") if r.top else "")
                or (_("bottom") if r.bottom else "")
                or ("" if r.rankable else _("not ranked")),
            )
            for r in cities.rows
        ],
    )
    lines += _wrap(
        _(
            "Marked top (at most {top_k}): {top}. Marked bottom (at most {bottom_k}): "
            "{bottom}."
        ).format(
            top_k=cities.top_k,
            top=_cities_list(cities.top),
            bottom_k=cities.bottom_k,
            bottom=_cities_list(cities.bottom),
        )
    )
    for note in cities.notes:
        lines += _wrap(note)
    if cities.unranked:
        lines += _wrap(
            _("Not ranked (fewer than {n} answers): {cities}.").format(
                n=cities.min_n, cities=_cities_list(cities.unranked)
            )
        )
    if cities.no_answers:
        lines += _wrap(
            _("No survey answers at all: {cities}.").format(
                cities=_cities_list(cities.no_answers)
            )
        )
    return lines


def _scores(report: DemoReport) -> list[str]:
    nps, csat, fcr = report.nps, report.csat, report.fcr
    n = nps.estimate.n
    return [
        *_title(N_("NPS, CSAT and first-contact resolution")),
        _(
            "NPS {nps} from {n} answers: {promoters} promoters, {passives} passives, "
            "{detractors} detractors."
        ).format(
            nps=_est(nps.estimate, ""),
            n=_n(n),
            promoters=_pct(nps.promoters, n),
            passives=_pct(nps.passives, n),
            detractors=_pct(nps.detractors, n),
        ),
        _("CSAT (4 or 5 of 5) {csat}; mean rating {mean}.").format(
            csat=_est(csat.top_box), mean=_est(csat.mean, "", digits=2)
        ),
        _("First-contact resolution {fcr} of {n} solved requests.").format(
            fcr=_est(fcr.estimate), n=_n(fcr.estimate.n)
        ),
    ]


def _reasons(reasons: Sequence[str]) -> str:
    return _("; ").join(reasons)


def _alerts(alerts: Alerts) -> list[str]:
    follow = alerts.follow_up
    lines = [
        *_title(N_("Alerts")),
        _("Follow-up calls due (a rating below 3 of 5): {n}, e.g.").format(
            n=_n(follow.count)
        ),
    ]
    for a in follow.examples:
        lines += _wrap(
            _("{who} ({city}): {reasons}").format(
                who=a.response, city=city(a.city), reasons=humane(_reasons(a.reasons))
            ),
            "  ",
        )
    lines.append(_("High-risk customers: {n}").format(n=len(alerts.high_risk)))
    for h in alerts.high_risk:
        reasons = humane(_reasons(h.reasons))
        reasons = re.sub(
            r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d):\d\d[+-]\d\d:\d\d", r"\1 \2", reasons
        )
        lines += _wrap(
            _("{who} ({city}): {reasons}").format(
                who=h.customer, city=city(h.city), reasons=reasons
            ),
            "  ",
        )
    return lines


def _requirements(requirements: Sequence[RequirementRow]) -> list[str]:
    lines = _title(N_("Requirements"))
    rules = attrs.fields(RequirementPolicy)  # the demo runs the default policy
    lines += _wrap(
        _(
            "Confirmation sheet within {confirm} business days, customer confirmation "
            "within {customer}, acceptance within {accept}, rework within {rework}, "
            "follow-up within {follow_up}:"
        ).format(
            confirm=rules.confirm_within.default,
            customer=rules.customer_confirm_within.default,
            accept=rules.accept_within.default,
            rework=rules.rework_within.default,
            follow_up=rules.follow_up_within.default,
        )
    )
    lines += _table(
        (
            _("requirement"),
            _("city"),
            _("state"),
            _("reworks"),
            _("re-discussed"),
            _("escalated"),
        ),
        [
            (
                r.id,
                city(r.city),
                human(r.state),
                str(r.rework_count),
                str(r.rediscussion_count),
                _("yes") if r.escalated else _("no"),
            )
            for r in requirements
        ],
    )
    for r in requirements:
        said = [
            _("{kind} {what}").format(kind=human(b.kind), what=human(b.what))
            for b in r.breaches
        ]
        said += [
            _("the {party} owes {what}").format(
                party=human(o.party), what=human(o.what)
            )
            for o in r.overdue
        ]
        if said:
            lines += _wrap(
                _("{id}: {said}.").format(id=r.id, said=_reasons(said)), "  "
            )
    return lines


def _staffing(staffing: Sequence[StaffingRow]) -> list[str]:
    lines = _title(N_("Staffing advice"))
    lines += _wrap(
        _(
            "Erlang C for the phone line of the cities with the longest waits (90th "
            "percentile, then mean), at their busiest working-day hour; target "
            "{target} answered within 30 s. 'On shift' counts the desk's agents at that "
            "hour on a typical working day (the median; every agent is blended and "
            "takes one call at a time); 'roster' adds {shrinkage} shrinkage to the "
            "agents needed. 'Model' is Erlang C's service level for a typical day with "
            "the agents on shift; 'measured' is the share of that hour's calls this "
            "month that an agent took within 30 s, and 'p90 wait' the city's measured "
            "90th-percentile wait."
        ).format(target=percent(80, 0), shrinkage=percent(30, 0))
    )
    lines += _table(
        (
            _("city"),
            _("hour"),
            _("calls/h"),
            _("AHT"),
            _("on shift"),
            _("needed"),
            _("roster"),
            _("model"),
            _("measured"),
            _("p90 wait"),
        ),
        [
            (
                city(s.city),
                s.peak_hour[:5],
                f"{s.peak_volume_per_hour:.2f}",
                wait(s.aht_seconds),
                str(s.agents_on_shift),
                str(s.required_agents),
                str(s.scheduled_agents),
                percent(100 * s.service_level_now),
                _("n/a")
                if s.measured_service_level is None
                else percent(100 * s.measured_service_level),
                wait(s.p90_wait_seconds),
            )
            for s in staffing
        ],
    )
    for s in staffing:
        lines += _wrap(
            _("{city}: {verdict}").format(
                city=city(s.city), verdict=_staffing_verdict(s)
            ),
            "  ",
        )
    return lines


def _staffing_verdict(s: StaffingRow) -> str:
    """What the numbers of one staffing row say, in one sentence."""
    short = s.required_agents - s.agents_on_shift
    hour = s.peak_hour
    if short > 1:
        verdict = _("add {n} agents on the phones at {hour}").format(n=short, hour=hour)
    elif short == 1:
        verdict = _("add 1 agent on the phones at {hour}").format(hour=hour)
    else:
        verdict = _(
            "a typical working day has enough agents on the phones at {hour}"
        ).format(hour=hour)
    if s.days_nobody_on_shift:
        verdict += _(
            ", but on {days} of {working} working days nobody was on shift then: the "
            "rota's days off leave the desk empty"
        ).format(days=s.days_nobody_on_shift, working=s.working_days)
    # Worded by count: "0 of its 1 waits" is what a reader notices first.
    if s.long_waits == 0:
        return _("{verdict}; none of its waits was over 15 min.").format(
            verdict=verdict
        )
    if s.long_waits == 1 and s.long_waits_relaxed:
        return _(
            "{verdict}; its one wait over 15 min ended when an escalation step "
            "relaxed the skills or language required (so, we infer, no agent with "
            "them was free before)."
        ).format(verdict=verdict)
    if s.long_waits == 1:
        return _(
            "{verdict}; its one wait over 15 min ended without an escalation step "
            "relaxing the skills or language required."
        ).format(verdict=verdict)
    return _(
        "{verdict}; {relaxed} of its {waits} waits over 15 min ended when an "
        "escalation step relaxed the skills or language required (so, we infer, no "
        "agent with them was free before)."
    ).format(verdict=verdict, relaxed=s.long_waits_relaxed, waits=s.long_waits)

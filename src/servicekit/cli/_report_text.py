"""Render the ``servicekit demo`` report as plain text for a terminal.

Every section of the report, in the order a service director reads it: SLA compliance
(by metric, priority and policy) and the worst breaches, routing outcomes and waiting
times, the city satisfaction index with its intervals and the honest top 5 / bottom 3,
NPS, CSAT and first-contact resolution, alerts, the requirements' workflow, and
staffing advice. Each section starts with a ``== Title ==`` line so scripts (and the
tests) can find it. Intervals are 95 % unless the report says otherwise.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

import attrs

from servicekit.acceptance import RequirementPolicy
from servicekit.cli._format import aligned, decimals, wrap

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
    "SLA compliance",
    "SLA breaches",
    "Routing",
    "City satisfaction index",
    "NPS, CSAT and first-contact resolution",
    "Alerts",
    "Requirements",
    "Staffing advice",
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
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        return "n/a"
    if not math.isfinite(seconds):
        return "n/a"
    total = max(0, round(seconds))
    if total < 60:
        return f"{total} s"
    if total < 3600:
        return "{} min {:02d} s".format(*divmod(total, 60))
    hours, minutes = divmod(round(total / 60), 60)
    if hours < 24:
        return f"{hours} h {minutes:02d} min"
    return "{} d {:02d} h".format(*divmod(hours, 24))


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
    return _WORDS.get(text, text.replace("_", " "))


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
    return "n/a" if whole == 0 else f"{100 * part / whole:.1f} %"


def _est(e: Estimate, unit: str = " %", digits: int = 1) -> str:
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
    return f"{value}{unit} ({low}-{high})"


_NUMBER = re.compile(
    r"[-+]?[\d.,]+(?: ?%| [a-z]+(?: [\d.]+ [a-z]+)?)?(?: \(.*\))?|\d+-\d+|-|n/a"
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
    return ["", f"== {text} =="]


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
        (
            f"servicekit demo: {meta.month}, seed {meta.seed}, "
            f"read at {meta.now} ({meta.timezone})"
        ),
        *_wrap(
            f"{meta.cities} cities, {meta.agents} agents "
            f"({meta.part_time_agents} part-time), {_n(meta.requests)} requests "
            f"({_n(meta.routed)} handled by people), "
            f"{_n(meta.survey_answers)} survey answers, "
            f"{meta.requirements} requirements"
        ),
        *_wrap(
            "Intervals are 95 % confidence intervals; SLA targets are the service "
            "standard (servicekit.sla.presets.SERVICE_STANDARD) on the China business "
            "calendar."
        ),
    ]


def _sla(sla: Sla) -> list[str]:
    lines = _title("SLA compliance")
    lines.append(
        "By metric (each request's clock: met before its due instant, or breached):"
    )
    lines += _table(
        ("metric", "met", "breached", "open", "compliance"),
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
    lines.append("By priority (requests with no breached clock):")
    lines += _table(
        ("priority", "requests", "breached", "compliance"),
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
    lines.append("By policy (requests with no breached clock):")
    lines += _table(
        ("policy", "requests", "breached", "compliance"),
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
    lines += _title("SLA breaches")
    lines += _wrap(
        f"{_n(breaches.tickets)} requests breached at least one clock "
        f"({_n(breaches.metrics)} clocks in all). The ten most overdue clocks:"
    )
    lines += _table(
        ("request", "city", "policy", "metric", "due", "late by"),
        [
            (
                w.ticket,
                w.city,
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
    lines = _title("Routing")
    routed, assigned = routing.routed, routing.assigned
    steps = ", ".join(f"{s.step} {_n(s.tickets)}" for s in routing.escalation_steps)
    for sentence in (
        (
            f"Requests for people: {_n(routed)}; assigned {_n(assigned)} "
            f"({_pct(assigned, routed)}), still waiting at month end {_n(routed - assigned)}."
        ),
        (
            f"To the case owner (first-contact ownership): {_n(routing.to_owner)} of "
            f"{_n(routing.owner_tickets)} requests from customers with a case owner "
            f"({_pct(routing.to_owner, routing.owner_tickets)})."
        ),
        (
            f"To the dedicated manager: {_n(routing.to_dedicated_manager)} of "
            f"{_n(routing.dedicated_tickets)} high-value requests "
            f"({_pct(routing.to_dedicated_manager, routing.dedicated_tickets)})."
        ),
        (
            f"In the customer's language (Mongolian, Uyghur, Tibetan, English): "
            f"{_n(routing.language_matched)} of {_n(routing.language_tickets)} "
            f"({_pct(routing.language_matched, routing.language_tickets)})."
        ),
        (
            f"Assigned under an escalation step (after waiting): {_n(routing.escalated)} "
            f"({_pct(routing.escalated, assigned)}){': ' + steps if steps else ''}."
        ),
    ):
        lines += _wrap(sentence)
    lines.append("Time from arrival to an agent:")
    total = sum(b.count for b in routing.wait_histogram)
    lines += _table(
        ("wait", "requests", "share"),
        [(b.label, _n(b.count), _pct(b.count, total)) for b in routing.wait_histogram],
    )
    slow = sorted(
        routing.by_city,
        key=lambda c: (-c.p90_wait_seconds, -c.mean_wait_seconds, c.city),
    )[:5]
    lines.append("Longest waits by city (90th percentile, then mean):")
    lines += _table(
        ("city", "requests", "agents", "median wait", "mean wait", "90 % within"),
        [
            (
                c.city,
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


def _place(r: CityRow) -> str:
    """A ranked city's possible places, ``3`` or ``1-7`` (``-`` when not ranked)."""
    best, worst = r.best_rank, r.worst_rank
    if best is None or worst is None:
        return "-"
    return str(best) if best == worst else f"{best}-{worst}"


def _cities(cities: Cities) -> list[str]:
    lines = _title("City satisfaction index")
    lines += _wrap(
        f"{cities.measure[:1].upper()}{cities.measure[1:]}. Cities in the order "
        "of the pairwise tests (Holm-corrected), then by shrunk index: the index "
        "pulled toward the national value by the size of its sample (empirical "
        "Bayes). 'Places' is where the tests allow each city to stand; 'by score' "
        "is its place in a plain sort by index."
    )
    lines += _table(
        ("city", "n", "index (95 % interval)", "shrunk", "places", "by score", "mark"),
        [
            (
                r.city,
                _n(r.n),
                _est(r.index, ""),
                f"{r.shrunk.value:.1f}",
                _place(r),
                "-" if r.value_rank is None else str(r.value_rank),
                ("top" if r.top else "")
                or ("bottom" if r.bottom else "")
                or ("" if r.rankable else "not ranked"),
            )
            for r in cities.rows
        ],
    )
    lines += _wrap(
        f"Marked top (at most {cities.top_k}): "
        f"{', '.join(cities.top) or 'no city'}. "
        f"Marked bottom (at most {cities.bottom_k}): "
        f"{', '.join(cities.bottom) or 'no city'}."
    )
    for note in cities.notes:
        lines += _wrap(note)
    if cities.unranked:
        lines += _wrap(
            f"Not ranked (fewer than {cities.min_n} answers): "
            f"{', '.join(cities.unranked)}."
        )
    if cities.no_answers:
        lines += _wrap(f"No survey answers at all: {', '.join(cities.no_answers)}.")
    return lines


def _scores(report: DemoReport) -> list[str]:
    nps, csat, fcr = report.nps, report.csat, report.fcr
    n = nps.estimate.n
    return [
        *_title("NPS, CSAT and first-contact resolution"),
        (
            f"NPS {_est(nps.estimate, '')} from {_n(n)} answers: "
            f"{_pct(nps.promoters, n)} promoters, {_pct(nps.passives, n)} passives, "
            f"{_pct(nps.detractors, n)} detractors."
        ),
        (
            f"CSAT (4 or 5 of 5) {_est(csat.top_box)}; mean rating "
            f"{_est(csat.mean, '', digits=2)}."
        ),
        (
            f"First-contact resolution {_est(fcr.estimate)} of "
            f"{_n(fcr.estimate.n)} solved requests."
        ),
    ]


def _alerts(alerts: Alerts) -> list[str]:
    follow = alerts.follow_up
    lines = [
        *_title("Alerts"),
        f"Follow-up calls due (a rating below 3 of 5): {_n(follow.count)}, e.g.",
    ]
    for a in follow.examples:
        lines += _wrap(f"{a.response} ({a.city}): {humane('; '.join(a.reasons))}", "  ")
    lines.append(f"High-risk customers: {len(alerts.high_risk)}")
    for h in alerts.high_risk:
        reasons = humane("; ".join(h.reasons))
        reasons = re.sub(
            r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d):\d\d[+-]\d\d:\d\d", r"\1 \2", reasons
        )
        lines += _wrap(f"{h.customer} ({h.city}): {reasons}", "  ")
    return lines


def _requirements(requirements: Sequence[RequirementRow]) -> list[str]:
    lines = _title("Requirements")
    rules = attrs.fields(RequirementPolicy)  # the demo runs the default policy
    lines += _wrap(
        f"Confirmation sheet within {rules.confirm_within.default} business days, "
        f"customer confirmation within {rules.customer_confirm_within.default}, "
        f"acceptance within {rules.accept_within.default}, rework within "
        f"{rules.rework_within.default}, follow-up within "
        f"{rules.follow_up_within.default}:"
    )
    lines += _table(
        ("requirement", "city", "state", "reworks", "re-discussed", "escalated"),
        [
            (
                r.id,
                r.city,
                human(r.state),
                str(r.rework_count),
                str(r.rediscussion_count),
                "yes" if r.escalated else "no",
            )
            for r in requirements
        ],
    )
    for r in requirements:
        said = [f"{human(b.kind)} {human(b.what)}" for b in r.breaches]
        said += [f"the {o.party} owes {human(o.what)}" for o in r.overdue]
        if said:
            lines += _wrap(f"{r.id}: {'; '.join(said)}.", "  ")
    return lines


def _staffing(staffing: Sequence[StaffingRow]) -> list[str]:
    lines = _title("Staffing advice")
    lines += _wrap(
        "Erlang C for the phone line of the cities with the longest waits (90th "
        "percentile, then mean), at their busiest working-day hour; target 80 % "
        "answered within 30 s. 'On shift' counts the desk's agents at that hour on a "
        "typical working day (the median; every agent is blended and takes one call "
        "at a time); 'roster' adds 30 % shrinkage to the agents needed. 'Model' is "
        "Erlang C's service level for a typical day with the agents on shift; "
        "'measured' is the share of that hour's calls this month that an agent took "
        "within 30 s, and 'p90 wait' the city's measured 90th-percentile wait."
    )
    lines += _table(
        (
            "city",
            "hour",
            "calls/h",
            "AHT",
            "on shift",
            "needed",
            "roster",
            "model",
            "measured",
            "p90 wait",
        ),
        [
            (
                s.city,
                s.peak_hour[:5],
                f"{s.peak_volume_per_hour:.2f}",
                wait(s.aht_seconds),
                str(s.agents_on_shift),
                str(s.required_agents),
                str(s.scheduled_agents),
                f"{100 * s.service_level_now:.1f} %",
                "n/a"
                if s.measured_service_level is None
                else f"{100 * s.measured_service_level:.1f} %",
                wait(s.p90_wait_seconds),
            )
            for s in staffing
        ],
    )
    for s in staffing:
        lines += _wrap(f"{s.city}: {_staffing_verdict(s)}", "  ")
    return lines


def _staffing_verdict(s: StaffingRow) -> str:
    """What the numbers of one staffing row say, in one sentence."""
    short = s.required_agents - s.agents_on_shift
    hour = s.peak_hour
    if short > 0:
        verdict = f"add {short} agent{'s' if short > 1 else ''} on the phones at {hour}"
    else:
        verdict = f"a typical working day has enough agents on the phones at {hour}"
    if s.days_nobody_on_shift:
        verdict += (
            f", but on {s.days_nobody_on_shift} of {s.working_days} working days "
            "nobody was on shift then: the rota's days off leave the desk empty"
        )
    return (
        f"{verdict}; {s.long_waits_relaxed} of its {s.long_waits} waits over "
        "15 min ended when an escalation step relaxed the skills or language "
        "required (so, we infer, no agent with them was free before)."
    )

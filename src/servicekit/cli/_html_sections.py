"""The demo page's sections: one function per part of the report.

Each takes its section of the typed demo report and returns one ``<section>`` (or, for
the header, the page's opening), built from ``_html_parts`` and ``_html_charts``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from servicekit.cli import _html_charts as charts
from servicekit.cli import _html_parts as h
from servicekit.cli._report_text import human, humane, wait

if TYPE_CHECKING:
    from collections.abc import Sequence

    from servicekit.cli._demo_sections import (
        Alerts,
        Cities,
        Csat,
        DemoReport,
        Fcr,
        Nps,
        RequirementRow,
        Routing,
        Sla,
        StaffingRow,
    )
    from servicekit.scoring import Estimate

# --- sections -------------------------------------------------------------------------


def header(report: DemoReport) -> str:
    meta = report.meta
    month = meta.month
    facts = [
        ("Month", h.esc(month)),
        ("Time zone", h.esc(meta.timezone)),
        ("Report time", h.when(meta.now)),
        ("Seed", h.esc(meta.seed)),
        ("Days simulated", h.esc(meta.days)),
        ("Cities", h.esc(meta.cities)),
        (
            "Agents",
            f"{h.esc(meta.agents)} ({h.esc(meta.part_time_agents)} part-time)",
        ),
        ("Requests", h.esc(h.count(meta.requests))),
        ("Routed tickets", h.esc(h.count(meta.routed))),
        ("Survey answers", h.esc(h.count(meta.survey_answers))),
        ("Requirements", h.esc(meta.requirements)),
    ]
    rows = "".join(f'<tr><th scope="row">{k}</th><td>{v}</td></tr>' for k, v in facts)
    figures = [
        ("NPS", h.num(report.nps.estimate.value)),
        ("CSAT top box", h.pct(report.csat.top_box.value)),
        ("First-contact resolution", h.pct(report.fcr.estimate.value)),
        ("SLA breaches", f"{h.count(report.sla.breaches.tickets)} tickets"),
    ]
    strip = "".join(f"<li>{h.esc(k)}<b>{h.esc(v)}</b></li>" for k, v in figures)
    links = [
        ("sla", "SLA"),
        ("routing", "Routing"),
        ("cities", "Cities"),
        ("nps", "NPS"),
        ("csat", "CSAT"),
        ("fcr", "FCR"),
        ("alerts", "Alerts"),
        ("requirements", "Requirements"),
        ("staffing", "Staffing"),
    ]
    nav = "".join(f'<li><a href="#{i}">{t}</a></li>' for i, t in links)
    return (
        f'<header id="summary">\n<h1>Customer service by the numbers: {h.esc(month)}</h1>\n'
        "<p>A simulated month of a national customer-service operation "
        "(<code>servicekit demo</code>).</p>\n"
        f'<ul class="figures">{strip}</ul>\n'
        f'<table class="meta"><tbody>{rows}</tbody></table>\n'
        f"<nav><ul>{nav}</ul></nav>\n</header>"
    )


def sla_section(sla: Sla) -> str:
    by_metric = h.table(
        [
            "Metric",
            "Measured",
            "Met",
            "Breached",
            "Running",
            "Compliance, % (interval)",
        ],
        [
            [
                h.esc(human(r.metric)),
                h.esc(h.count(r.measured)),
                h.esc(h.count(r.met)),
                h.esc(h.count(r.breached)),
                h.esc(h.count(r.running)),
                h.esc(h.interval(r.compliance)),
            ]
            for r in sla.by_metric
        ],
        numeric=(1, 2, 3, 4, 5),
    )

    def by_group(title: str, rows: Sequence[tuple[str, int, int, Estimate]]) -> str:
        return h.table(
            [title, "Tickets", "Breached tickets", "Compliance, % (interval)"],
            [
                [
                    h.esc(human(name)),
                    h.esc(h.count(tickets)),
                    h.esc(h.count(breached)),
                    h.esc(h.interval(compliance)),
                ]
                for name, tickets, breached, compliance in rows
            ],
            numeric=(1, 2, 3),
        )

    breaches = sla.breaches
    worst = h.table(
        ["Ticket", "City", "Policy", "Priority", "Metric", "Due", "Late by"],
        [
            [
                h.esc(w.ticket),
                h.esc(w.city),
                h.esc(human(w.policy)),
                h.esc(w.priority),
                h.esc(human(w.metric)),
                h.when(w.due_at),
                h.esc(wait(w.late_by_seconds)),
            ]
            for w in breaches.worst
        ],
        numeric=(6,),
    )
    return h.section(
        "sla",
        "Service-level agreements",
        [
            h.figure(
                charts.sla_chart(sla),
                "By metric, bars are the share of measured clocks met; by priority, "
                "the share of requests with no breached clock. Whiskers: the "
                "interval of each share.",
            ),
            "<h3>By metric</h3>",
            by_metric,
            "<h3>By priority</h3>",
            by_group(
                "Priority",
                [
                    (r.priority, r.tickets, r.breached_tickets, r.compliance)
                    for r in sla.by_priority
                ],
            ),
            "<h3>By policy</h3>",
            by_group(
                "Policy",
                [
                    (r.policy, r.tickets, r.breached_tickets, r.compliance)
                    for r in sla.by_policy
                ],
            ),
            "<h3>Breaches</h3>",
            (
                f"<p>{h.esc(h.count(breaches.tickets))} tickets breached "
                f"{h.esc(h.count(breaches.metrics))} clocks in total. The worst:</p>"
            ),
            worst,
        ],
    )


def routing_section(routing: Routing) -> str:
    routed = routing.routed
    outcomes = [
        ("Routed tickets", routing.routed, None),
        ("Assigned to an agent", routing.assigned, routed),
        ("Tickets from customers with a case owner", routing.owner_tickets, None),
        ("… routed to their owner", routing.to_owner, routing.owner_tickets),
        ("Tickets with a dedicated manager", routing.dedicated_tickets, None),
        (
            "… routed to the dedicated manager",
            routing.to_dedicated_manager,
            routing.dedicated_tickets,
        ),
        ("Tickets needing a language", routing.language_tickets, None),
        (
            "… matched to a speaker",
            routing.language_matched,
            routing.language_tickets,
        ),
        (
            "Assigned under an escalation step",
            routing.escalated,
            routing.assigned,
        ),
    ]
    outcome_table = h.table(
        ["Outcome", "Tickets", "Share"],
        [
            [
                h.esc(name),
                h.esc(h.count(count)),
                h.esc(h.share(count, whole)) if whole is not None else "",
            ]
            for name, count, whole in outcomes
        ],
        numeric=(1, 2),
    )
    steps = routing.escalation_steps
    total_steps = sum(s.tickets for s in steps)
    step_table = h.table(
        ["Escalation step", "Tickets", "Share"],
        [
            [
                h.esc(s.step),
                h.esc(h.count(s.tickets)),
                h.esc(h.share(s.tickets, total_steps)),
            ]
            for s in steps
        ],
        numeric=(1, 2),
    )
    by_city = h.table(
        ["City", "Tickets", "Agents", "Median wait", "p90 wait"],
        [
            [
                h.esc(r.city),
                h.esc(h.count(r.tickets)),
                h.esc(r.agents),
                h.esc(wait(r.median_wait_seconds)),
                h.esc(wait(r.p90_wait_seconds)),
            ]
            for r in routing.by_city
        ],
        numeric=(1, 2, 3, 4),
    )
    histogram = routing.wait_histogram
    total = sum(b.count for b in histogram)
    hist_table = h.table(
        ["Wait", "Tickets", "Share"],
        [
            [
                h.esc(b.label),
                h.esc(h.count(b.count)),
                h.esc(h.share(b.count, total)),
            ]
            for b in histogram
        ],
        numeric=(1, 2),
    )
    return h.section(
        "routing",
        "Routing and queues",
        [
            "<h3>Outcomes</h3>",
            outcome_table,
            "<h3>Escalation steps</h3>",
            step_table,
            "<h3>Queue waiting times</h3>",
            h.figure(
                charts.histogram_chart(histogram),
                "Number of tickets per waiting-time band (count above each bar).",
            ),
            hist_table,
            "<h3>Waiting time by city</h3>",
            h.figure(
                charts.city_waits_chart(routing.by_city),
                "Light bar: 90th percentile wait; dark bar: median wait.",
            ),
            by_city,
        ],
    )


def _city_list(names: Sequence[str]) -> str:
    return (
        ", ".join(h.esc(n) for n in names)
        if names
        else '<span class="none">none</span>'
    )


def cities_section(cities: Cities) -> str:
    # The report's order (ranked cities by rank, then the unranked), as in the text.
    rows = list(cities.rows)
    markers = charts.city_markers(cities)
    level = h.confidence(rows[0].index if rows else None)
    min_n = cities.min_n
    kinds = [charts.city_kind(r) for r in rows]
    table = h.table(
        [
            "City",
            "n",
            f"Index ({level} interval)",
            "Shrunk (interval)",
            "Rank",
            "Shrunk rank",
            "Mark",
        ],
        [
            [
                h.esc(r.city),
                h.esc(h.count(r.n)),
                h.esc(h.interval(r.index)),
                h.esc(h.interval(r.shrunk)),
                h.esc(r.rank if r.rank is not None else "–"),
                h.esc(r.shrunk_rank if r.shrunk_rank is not None else "–"),
                f'<span class="mark {kind}">{h.esc(markers[kind])}</span>'
                if markers[kind]
                else "",
            ]
            for r, kind in zip(rows, kinds, strict=True)
        ],
        numeric=(1, 2, 3, 4, 5),
        row_classes=kinds,
    )
    notes = "".join(f"<p>{h.esc(n)}</p>" for n in cities.notes)
    top_k, bottom_k = cities.top_k, cities.bottom_k
    honest = (
        "<p>A city is marked top (bottom) only when the pairwise tests, Holm-corrected, "
        "find it better (worse) than every ranked city outside the list; cities the "
        "tests do not tell apart share a rank. The lists can be shorter than "
        f"{h.esc(top_k)} and {h.esc(bottom_k)}, or empty. Cities with fewer than "
        f"{h.esc(min_n)} answers are not ranked at all.</p>\n"
        f"{notes}\n"
        f'<ul class="honest">'
        f"<li><b>Top:</b> {_city_list(cities.top)}</li>"
        f"<li><b>Bottom:</b> {_city_list(cities.bottom)}</li>"
        f"<li><b>Not ranked (n&lt;{h.esc(min_n)}):</b> {_city_list(cities.unranked)}</li>"
        "</ul>"
    )
    return h.section(
        "cities",
        "Cities: satisfaction index",
        [
            (
                f"<p>Measure: {h.esc(cities.measure)}. Dots are each "
                "city's own estimate; diamonds the empirical-Bayes estimate shrunk "
                "towards the national mean, which tempers small samples.</p>"
            ),
            h.figure(
                charts.city_index_chart(cities),
                "Cities in the table's order (the pairwise tests' ranks, then the "
                "shrunk index); whiskers show the interval of each index.",
            ),
            "<h3>Honest top and bottom</h3>",
            honest,
            "<h3>All cities</h3>",
            table,
        ],
    )


def nps_section(nps: Nps) -> str:
    est = nps.estimate
    counts = [nps.promoters, nps.passives, nps.detractors]
    total = sum(counts)
    table = h.table(
        ["Group", "Answers", "Share"],
        [
            [h.esc(name), h.esc(h.count(count)), h.esc(h.share(count, total))]
            for name, count in zip(
                ("Promoters (9–10)", "Passives (7–8)", "Detractors (0–6)"),
                counts,
                strict=True,
            )
        ],
        numeric=(1, 2),
    )
    return h.section(
        "nps",
        "Net Promoter Score",
        [
            (
                f"<p>NPS <b>{h.esc(h.interval(est))}</b> points ({h.esc(h.confidence(est))} "
                f"interval, {h.esc(est.method)}, n={h.esc(h.count(est.n))}).</p>"
            ),
            table,
        ],
    )


def _estimate_line(name: str, est: Estimate, digits: int, unit: str) -> str:
    return (
        f"<li>{h.esc(name)}: <b>{h.esc(h.interval(est, digits))}</b>{h.esc(unit)} "
        f"({h.esc(h.confidence(est))} interval, {h.esc(est.method)}, n={h.esc(h.count(est.n))})</li>"
    )


def csat_fcr_sections(csat: Csat, fcr: Fcr) -> list[str]:
    return [
        h.section(
            "csat",
            "Customer satisfaction (CSAT)",
            [
                "<ul>",
                _estimate_line("Top-box share", csat.top_box, 1, " %"),
                _estimate_line("Mean rating", csat.mean, 2, ""),
                "</ul>",
            ],
        ),
        h.section(
            "fcr",
            "First-contact resolution (FCR)",
            [
                "<ul>",
                _estimate_line("Resolved at first contact", fcr.estimate, 1, " %"),
                "</ul>",
            ],
        ),
    ]


def alerts_section(alerts: Alerts) -> str:
    follow = alerts.follow_up
    examples = h.table(
        ["Response", "City", "Reasons"],
        [
            [
                h.esc(x.response),
                h.esc(x.city),
                h.esc(humane("; ".join(map(str, x.reasons)))),
            ]
            for x in follow.examples
        ],
    )
    risk = h.table(
        ["Customer", "City", "Unresolved", "Reasons"],
        [
            [
                h.esc(x.customer),
                h.esc(x.city),
                h.esc(x.unresolved),
                h.esc(humane("; ".join(map(str, x.reasons)))),
            ]
            for x in alerts.high_risk
        ],
        numeric=(2,),
    )
    return h.section(
        "alerts",
        "Alerts",
        [
            "<h3>Survey answers needing a follow-up</h3>",
            f"<p>{h.esc(h.count(follow.count))} answers need a follow-up. Examples:</p>",
            examples,
            "<h3>High-risk customers</h3>",
            risk,
        ],
    )


def requirements_section(requirements: Sequence[RequirementRow]) -> str:
    states: dict[str, int] = {}
    for req in requirements:
        states[str(req.state)] = states.get(str(req.state), 0) + 1
    summary = (
        ", ".join(f"{h.esc(human(s))}: {n}" for s, n in sorted(states.items()))
        if states
        else "none"
    )

    def breaches(req: RequirementRow) -> str:
        items = [
            f"<li>{h.esc(human(b.kind))}: {h.esc(human(b.what))} (due {h.when(b.due_at)}, "
            f"at {h.when(b.at)})</li>"
            for b in req.breaches
        ]
        return f"<ul>{''.join(items)}</ul>" if items else "none"

    def overdue(req: RequirementRow) -> str:
        items = [
            f"<li>{h.esc(human(o.what))}, owed by the {h.esc(o.party)} (due {h.when(o.due_at)})</li>"
            for o in req.overdue
        ]
        return f"<ul>{''.join(items)}</ul>" if items else "none"

    table = h.table(
        [
            "Requirement",
            "Customer",
            "City",
            "State",
            "Reworks",
            "Re-discussions",
            "Escalated",
            "Breaches",
            "Overdue",
        ],
        [
            [
                h.esc(r.id),
                h.esc(r.customer),
                h.esc(r.city),
                h.esc(human(r.state)),
                h.esc(r.rework_count),
                h.esc(r.rediscussion_count),
                "yes" if r.escalated else "no",
                breaches(r),
                overdue(r),
            ]
            for r in requirements
        ],
        numeric=(4, 5),
    )
    return h.section(
        "requirements",
        "Requirements and acceptance",
        [f"<p>{len(requirements)} requirements by state: {summary}.</p>", table],
    )


def staffing_section(staffing: Sequence[StaffingRow]) -> str:
    table = h.table(
        [
            "City",
            "Busiest hour",
            "Calls / h",
            "AHT",
            "Agents on shift (typical day)",
            "Median wait",
            "Required agents",
            "Scheduled agents",
            "Service level, model of a typical day",
            "Answered within 30 s, measured this month",
            "p90 wait, measured",
            "Service level advised",
            "ASA advised",
            "Working days with nobody on shift then",
            "Waits > 15 min (ended by a step)",
        ],
        [
            [
                h.esc(s.city),
                h.esc(s.peak_hour),
                h.esc(h.num(s.peak_volume_per_hour, 2)),
                h.esc(wait(s.aht_seconds)),
                h.esc(s.agents_on_shift),
                h.esc(wait(s.median_wait_seconds)),
                h.esc(s.required_agents),
                h.esc(s.scheduled_agents),
                h.esc(h.frac_pct(s.service_level_now)),
                h.esc(h.frac_pct(s.measured_service_level)),
                h.esc(wait(s.p90_wait_seconds)),
                h.esc(h.frac_pct(s.service_level_advised)),
                h.esc(wait(s.asa_seconds_advised)),
                h.esc(f"{s.days_nobody_on_shift} of {s.working_days}"),
                h.esc(f"{s.long_waits} ({s.long_waits_relaxed})"),
            ]
            for s in staffing
        ],
        numeric=tuple(range(2, 15)),
    )
    return h.section(
        "staffing",
        "Staffing advice",
        [
            (
                "<p>Erlang C for the phone line of the cities with the longest waits, "
                "at their busiest working-day hour: the agents needed for 80 % of "
                "calls answered within 30 s, and the agents to roster with 30 % "
                "shrinkage, against the agents on shift on a typical working day. "
                "The model's service level is Erlang C's for that typical day; beside "
                "it, what the month's calls at that hour really met, and the city's "
                "measured 90th-percentile wait. "
                "The last column counts the waits over 15 minutes that ended the "
                "moment an escalation step relaxed the skills or language required.</p>"
            ),
            table,
        ],
    )

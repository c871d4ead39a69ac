"""The demo page's sections: one function per part of the report.

Each takes its section of the typed demo report and returns one ``<section>`` (or, for
the header, the page's opening), built from ``_html_parts`` and ``_html_charts``.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from servicekit.cli import _html_charts as charts
from servicekit.cli import _html_parts as h
from servicekit.cli._i18n import N_, _, _p, city, percent
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


def _h3(text: str) -> str:
    return f"<h3>{h.esc(_(text))}</h3>"


def _para(text: str) -> str:
    return f"<p>{html.escape(text, quote=False)}</p>"


def _PERCENT() -> str:  # noqa: N802 -- a unit, read when the page is written
    return percent(0, 0).removeprefix("0")


def _COMPLIANCE() -> str:  # noqa: N802
    return h.esc(_("Compliance, % (interval)"))


def header(report: DemoReport) -> str:
    meta = report.meta
    month = meta.month
    facts = [
        (N_("Month"), h.esc(month)),
        (N_("Time zone"), h.esc(_p("zone", meta.timezone))),
        (N_("Report time"), h.when(meta.now)),
        (N_("Seed"), h.esc(meta.seed)),
        (N_("Days simulated"), h.esc(meta.days)),
        (N_("Cities"), h.esc(meta.cities)),
        (
            N_("Agents"),
            h.esc(
                _("{agents} ({part_time} part-time)").format(
                    agents=meta.agents, part_time=meta.part_time_agents
                )
            ),
        ),
        (N_("Requests"), h.esc(h.count(meta.requests))),
        (N_("Routed tickets"), h.esc(h.count(meta.routed))),
        (N_("Survey answers"), h.esc(h.count(meta.survey_answers))),
        (N_("Requirements"), h.esc(meta.requirements)),
    ]
    rows = "".join(
        f'<tr><th scope="row">{h.esc(_(k))}</th><td>{v}</td></tr>' for k, v in facts
    )
    figures = [
        (N_("NPS"), h.num(report.nps.estimate.value)),
        (N_("CSAT top box"), h.pct(report.csat.top_box.value)),
        (N_("First-contact resolution"), h.pct(report.fcr.estimate.value)),
        (
            N_("SLA breaches"),
            _("{n} tickets").format(n=h.count(report.sla.breaches.tickets)),
        ),
    ]
    strip = "".join(f"<li>{h.esc(_(k))}<b>{h.esc(v)}</b></li>" for k, v in figures)
    links = [
        ("sla", N_("SLA")),
        ("routing", N_("Routing")),
        ("cities", N_("Cities")),
        ("nps", N_("NPS")),
        ("csat", N_("CSAT")),
        ("fcr", N_("FCR")),
        ("alerts", N_("Alerts")),
        ("requirements", N_("Requirements")),
        ("staffing", N_("Staffing")),
    ]
    nav = "".join(f'<li><a href="#{i}">{h.esc(_(t))}</a></li>' for i, t in links)
    title = _("Customer service by the numbers: {month}").format(month=month)
    intro = h.esc(
        _("A simulated month of a national customer-service operation ({command}).")
    ).format(command="<code>servicekit demo</code>")
    return (
        f'<header id="summary">\n<h1>{h.esc(title)}</h1>\n'
        f"<p>{intro}</p>\n"
        f'<ul class="figures">{strip}</ul>\n'
        f'<table class="meta"><tbody>{rows}</tbody></table>\n'
        f"<nav><ul>{nav}</ul></nav>\n</header>"
    )


def sla_section(sla: Sla) -> str:
    by_metric = h.table(
        [
            _("Metric"),
            _("Measured"),
            _("Met"),
            _("Breached"),
            _("Running"),
            _COMPLIANCE(),
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
            [title, _("Tickets"), _("Breached tickets"), _COMPLIANCE()],
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
        [
            _("Ticket"),
            _("City"),
            _("Policy"),
            _("Priority"),
            _("Metric"),
            _("Due"),
            _("Late by"),
        ],
        [
            [
                h.esc(w.ticket),
                h.esc(city(w.city)),
                h.esc(human(w.policy)),
                h.esc(human(w.priority)),
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
        _("Service-level agreements"),
        [
            h.figure(
                charts.sla_chart(sla),
                _(
                    "By metric, bars are the share of measured clocks met; by "
                    "priority, the share of requests with no breached clock. "
                    "Whiskers: the interval of each share."
                ),
            ),
            _h3(N_("By metric")),
            by_metric,
            _h3(N_("By priority")),
            by_group(
                _("Priority"),
                [
                    (r.priority, r.tickets, r.breached_tickets, r.compliance)
                    for r in sla.by_priority
                ],
            ),
            _h3(N_("By policy")),
            by_group(
                _("Policy"),
                [
                    (r.policy, r.tickets, r.breached_tickets, r.compliance)
                    for r in sla.by_policy
                ],
            ),
            _h3(N_("Breaches")),
            _para(
                _(
                    "{tickets} tickets breached {clocks} clocks in total. The worst:"
                ).format(
                    tickets=h.count(breaches.tickets),
                    clocks=h.count(breaches.metrics),
                )
            ),
            worst,
        ],
    )


def routing_section(routing: Routing) -> str:
    routed = routing.routed
    outcomes = [
        (N_("Routed tickets"), routing.routed, None),
        (N_("Assigned to an agent"), routing.assigned, routed),
        (
            N_("Tickets from customers with a case owner"),
            routing.owner_tickets,
            None,
        ),
        (N_("… routed to their owner"), routing.to_owner, routing.owner_tickets),
        (N_("Tickets with a dedicated manager"), routing.dedicated_tickets, None),
        (
            N_("… routed to the dedicated manager"),
            routing.to_dedicated_manager,
            routing.dedicated_tickets,
        ),
        (N_("Tickets needing a language"), routing.language_tickets, None),
        (
            N_("… matched to a speaker"),
            routing.language_matched,
            routing.language_tickets,
        ),
        (
            N_("Assigned under an escalation step"),
            routing.escalated,
            routing.assigned,
        ),
    ]
    outcome_table = h.table(
        [_("Outcome"), _("Tickets"), _("Share")],
        [
            [
                h.esc(_(name)),
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
        [_("Escalation step"), _("Tickets"), _("Share")],
        [
            [
                h.esc(human(s.step)),
                h.esc(h.count(s.tickets)),
                h.esc(h.share(s.tickets, total_steps)),
            ]
            for s in steps
        ],
        numeric=(1, 2),
    )
    by_city = h.table(
        [_("City"), _("Tickets"), _("Agents"), _("Median wait"), _("p90 wait")],
        [
            [
                h.esc(city(r.city)),
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
        [_("Wait"), _("Tickets"), _("Share")],
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
        _("Routing and queues"),
        [
            _h3(N_("Outcomes")),
            outcome_table,
            _h3(N_("Escalation steps")),
            step_table,
            _h3(N_("Queue waiting times")),
            h.figure(
                charts.histogram_chart(histogram),
                _("Number of tickets per waiting-time band (count above each bar)."),
            ),
            hist_table,
            _h3(N_("Waiting time by city")),
            h.figure(
                charts.city_waits_chart(routing.by_city),
                _("Light bar: 90th percentile wait; dark bar: median wait."),
            ),
            by_city,
        ],
    )


def _city_list(names: Sequence[str]) -> str:
    return (
        _(", ").join(h.esc(city(n)) for n in names)
        if names
        else f'<span class="none">{h.esc(_("none"))}</span>'
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
            _("City"),
            "n",
            h.esc(_("Index ({level} interval)").format(level=level)),
            _("Shrunk (interval)"),
            _("Rank"),
            _("Shrunk rank"),
            _("Mark"),
        ],
        [
            [
                h.esc(city(r.city)),
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
    said = _(
        "A city is marked top (bottom) only when the pairwise tests, Holm-corrected, "
        "find it better (worse) than every ranked city outside the list; cities the "
        "tests do not tell apart share a rank. The lists can be shorter than {top_k} "
        "and {bottom_k}, or empty. Cities with fewer than {min_n} answers are not "
        "ranked at all."
    ).format(top_k=top_k, bottom_k=bottom_k, min_n=min_n)
    top_said, bottom_said = _("Top:"), _("Bottom:")
    unranked_said = _("Not ranked (n<{n}):").format(n=min_n)
    honest = (
        f"{_para(said)}\n"
        f"{notes}\n"
        f'<ul class="honest">'
        f"<li><b>{h.esc(top_said)}</b> {_city_list(cities.top)}</li>"
        f"<li><b>{h.esc(bottom_said)}</b> {_city_list(cities.bottom)}</li>"
        f"<li><b>{h.esc(unranked_said)}</b> "
        f"{_city_list(cities.unranked)}</li>"
        "</ul>"
    )
    return h.section(
        "cities",
        _("Cities: satisfaction index"),
        [
            _para(
                _(
                    "Measure: {measure}. Dots are each city's own estimate; diamonds "
                    "the empirical-Bayes estimate shrunk towards the national mean, "
                    "which tempers small samples."
                ).format(measure=cities.measure)
            ),
            h.figure(
                charts.city_index_chart(cities),
                _(
                    "Cities in the table's order (the pairwise tests' ranks, then the "
                    "shrunk index); whiskers show the interval of each index."
                ),
            ),
            _h3(N_("Honest top and bottom")),
            honest,
            _h3(N_("All cities")),
            table,
        ],
    )


def nps_section(nps: Nps) -> str:
    est = nps.estimate
    counts = [nps.promoters, nps.passives, nps.detractors]
    total = sum(counts)
    table = h.table(
        [_("Group"), _("Answers"), _("Share")],
        [
            [h.esc(_(name)), h.esc(h.count(count)), h.esc(h.share(count, total))]
            for name, count in zip(
                (
                    N_("Promoters (9–10)"),
                    N_("Passives (7–8)"),
                    N_("Detractors (0–6)"),
                ),
                counts,
                strict=True,
            )
        ],
        numeric=(1, 2),
    )
    return h.section(
        "nps",
        _("Net Promoter Score"),
        [
            "<p>"
            + h.esc(
                _("NPS {value} points ({level} interval, {method}, n={n}).")
            ).format(
                value=f"<b>{h.esc(h.interval(est))}</b>",
                level=h.esc(h.confidence(est)),
                method=h.esc(est.method),
                n=h.esc(h.count(est.n)),
            )
            + "</p>",
            table,
        ],
    )


def _estimate_line(name: str, est: Estimate, digits: int, unit: str) -> str:
    return (
        "<li>"
        + h.esc(_("{name}: {value}{unit} ({level} interval, {method}, n={n})")).format(
            name=h.esc(_(name)),
            value=f"<b>{h.esc(h.interval(est, digits))}</b>",
            unit=h.esc(unit),
            level=h.esc(h.confidence(est)),
            method=h.esc(est.method),
            n=h.esc(h.count(est.n)),
        )
        + "</li>"
    )


def csat_fcr_sections(csat: Csat, fcr: Fcr) -> list[str]:
    return [
        h.section(
            "csat",
            _("Customer satisfaction (CSAT)"),
            [
                "<ul>",
                _estimate_line(N_("Top-box share"), csat.top_box, 1, _PERCENT()),
                _estimate_line(N_("Mean rating"), csat.mean, 2, ""),
                "</ul>",
            ],
        ),
        h.section(
            "fcr",
            _("First-contact resolution (FCR)"),
            [
                "<ul>",
                _estimate_line(
                    N_("Resolved at first contact"), fcr.estimate, 1, _PERCENT()
                ),
                "</ul>",
            ],
        ),
    ]


def alerts_section(alerts: Alerts) -> str:
    follow = alerts.follow_up
    examples = h.table(
        [_("Response"), _("City"), _("Reasons")],
        [
            [
                h.esc(x.response),
                h.esc(city(x.city)),
                h.esc(humane(_("; ").join(map(str, x.reasons)))),
            ]
            for x in follow.examples
        ],
    )
    risk = h.table(
        [_("Customer"), _("City"), _("Unresolved"), _("Reasons")],
        [
            [
                h.esc(x.customer),
                h.esc(city(x.city)),
                h.esc(x.unresolved),
                h.esc(humane(_("; ").join(map(str, x.reasons)))),
            ]
            for x in alerts.high_risk
        ],
        numeric=(2,),
    )
    return h.section(
        "alerts",
        _("Alerts"),
        [
            _h3(N_("Survey answers needing a follow-up")),
            _para(
                _("{n} answers need a follow-up. Examples:").format(
                    n=h.count(follow.count)
                )
            ),
            examples,
            _h3(N_("High-risk customers")),
            risk,
        ],
    )


def requirements_section(requirements: Sequence[RequirementRow]) -> str:
    states: dict[str, int] = {}
    for req in requirements:
        states[str(req.state)] = states.get(str(req.state), 0) + 1
    none = h.esc(_("none"))
    summary = (
        _(", ").join(
            _("{state}: {n}").format(state=h.esc(human(s)), n=n)
            for s, n in sorted(states.items())
        )
        if states
        else none
    )

    def breaches(req: RequirementRow) -> str:
        items = [
            "<li>"
            + h.esc(_("{kind}: {what} (due {due}, at {at})")).format(
                kind=h.esc(human(b.kind)),
                what=h.esc(human(b.what)),
                due=h.when(b.due_at),
                at=h.when(b.at),
            )
            + "</li>"
            for b in req.breaches
        ]
        return f"<ul>{''.join(items)}</ul>" if items else none

    def overdue(req: RequirementRow) -> str:
        items = [
            "<li>"
            + h.esc(_("{what}, owed by the {party} (due {due})")).format(
                what=h.esc(human(o.what)),
                party=h.esc(human(o.party)),
                due=h.when(o.due_at),
            )
            + "</li>"
            for o in req.overdue
        ]
        return f"<ul>{''.join(items)}</ul>" if items else none

    table = h.table(
        [
            _("Requirement"),
            _("Customer"),
            _("City"),
            _("State"),
            _("Reworks"),
            _("Re-discussions"),
            _("Escalated"),
            _("Breaches"),
            _("Overdue"),
        ],
        [
            [
                h.esc(r.id),
                h.esc(r.customer),
                h.esc(city(r.city)),
                h.esc(human(r.state)),
                h.esc(r.rework_count),
                h.esc(r.rediscussion_count),
                h.esc(_("yes") if r.escalated else _("no")),
                breaches(r),
                overdue(r),
            ]
            for r in requirements
        ],
        numeric=(4, 5),
    )
    return h.section(
        "requirements",
        _("Requirements and acceptance"),
        [
            "<p>"
            + h.esc(_("{n} requirements by state: {summary}.")).format(
                n=len(requirements), summary=summary
            )
            + "</p>",
            table,
        ],
    )


def staffing_section(staffing: Sequence[StaffingRow]) -> str:
    table = h.table(
        [
            _("City"),
            _("Busiest hour"),
            _("Calls / h"),
            _("AHT"),
            _("Agents on shift (typical day)"),
            _("Median wait"),
            _("Required agents"),
            _("Scheduled agents"),
            _("Service level, model of a typical day"),
            _("Answered within 30 s, measured this month"),
            _("p90 wait, measured"),
            _("Service level advised"),
            _("ASA advised"),
            _("Working days with nobody on shift then"),
            _("Waits > 15 min (ended by a step)"),
        ],
        [
            [
                h.esc(city(s.city)),
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
                h.esc(
                    _("{days} of {working}").format(
                        days=s.days_nobody_on_shift, working=s.working_days
                    )
                ),
                h.esc(f"{s.long_waits} ({s.long_waits_relaxed})"),
            ]
            for s in staffing
        ],
        numeric=tuple(range(2, 15)),
    )
    return h.section(
        "staffing",
        _("Staffing advice"),
        [
            _para(
                _(
                    "Erlang C for the phone line of the cities with the longest "
                    "waits, at their busiest working-day hour: the agents needed for "
                    "{target} of calls answered within 30 s, and the agents to roster "
                    "with {shrinkage} shrinkage, against the agents on shift on a "
                    "typical working day. The model's service level is Erlang C's for "
                    "that typical day; beside it, what the month's calls at that hour "
                    "really met, and the city's measured 90th-percentile wait. The "
                    "last column counts the waits over 15 minutes that ended the "
                    "moment an escalation step relaxed the skills or language "
                    "required."
                ).format(target=percent(80, 0), shrinkage=percent(30, 0))
            ),
            table,
        ],
    )

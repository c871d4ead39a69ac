"""The demo's report: every section a service director asks for, as typed values.

`build_report` turns the month's summaries into one `DemoReport` (its ``to_dict()``
is the ``--json`` output; the text and HTML pages are renderings of it). Every
figure is computed by the library: SLA states come from `servicekit.sla.evaluate`,
shares and their intervals from `servicekit.scoring.proportion`, the city index
table from `servicekit.scoring.segment_table`, NPS, CSAT and FCR from their
functions, alerts from `servicekit.scoring.follow_up_alerts` and
`servicekit.scoring.high_risk_customers`, staffing advice from
`servicekit.routing.staffing.required_agents`, and the requirements' fate from
the acceptance workflow. This module computes; it never formats text.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Final

from servicekit._vocabulary import Priority
from servicekit.acceptance import (
    AcceptanceFailed,
    AcceptancePassed,
    CustomerConfirmed,
    DelayAnnounced,
    Delivered,
    FollowUpDone,
    Requirement,
    RequirementPolicy,
    SheetSent,
)
from servicekit.cli._demo_data import ZONE, ZONE_NAME, RequirementPlan, World
from servicekit.cli._demo_sections import (
    Alerts,
    Breaches,
    Cities,
    CityRow,
    CityWaits,
    Csat,
    DemoReport,
    EscalationStep,
    Fcr,
    FollowUpExample,
    FollowUps,
    HighRiskCustomer,
    Meta,
    MetricCompliance,
    Nps,
    OverdueDuty,
    PolicyCompliance,
    PriorityCompliance,
    RequirementBreach,
    RequirementRow,
    Routing,
    Sla,
    StaffingRow,
    WaitBand,
    WorstBreach,
)
from servicekit.cli._demo_sim import ESCALATIONS, shifts_worked
from servicekit.cli._demo_tickets import DIMENSIONS, MetricOutcome, Summary
from servicekit.cli._i18n import N_, _, say
from servicekit.cli._i18n import city as city_name
from servicekit.routing.staffing import required_agents, service_level
from servicekit.scoring import (
    Complaint,
    IndexMeasure,
    csat,
    first_contact_resolution,
    follow_up_alerts,
    high_risk_customers,
    nps,
    proportion,
    segment_table,
)
from servicekit.sla import Metric
from servicekit.sla.presets import CHINA_BUSINESS_CALENDAR

if TYPE_CHECKING:
    from collections.abc import Sequence

    from servicekit.acceptance import Event
    from servicekit.scoring import SegmentRow

TARGET_ANSWER: Final = dt.timedelta(seconds=30)
"""The staffing target: 80 % of contacts answered within 30 s (the chat promise)."""
_HISTOGRAM: Final = (
    (N_("< 30 s"), 30.0),
    (N_("30 s - 2 min"), 120.0),
    (N_("2 - 5 min"), 300.0),
    (N_("5 - 15 min"), 900.0),
    (N_("15 - 60 min"), 3600.0),
    (N_("1 - 4 h"), 4 * 3600.0),
    (N_("4 - 12 h"), 12 * 3600.0),
    (N_("12 h or more"), None),
)
_STAFFING_ROWS: Final = 5
_LONG_WAIT: Final = 15 * 60  # seconds: a wait a director asks about
_STEP_SECONDS: Final = frozenset(int(s.after.total_seconds()) for s in ESCALATIONS)
_COMPLAINTS: Final = frozenset({"complaint", "logistics_complaint"})


def _iso(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, ZONE).isoformat()


def build_report(
    world: World, summaries: list[Summary], requirements: Sequence[RequirementRow]
) -> DemoReport:
    """The whole report (see the module docstring).

    Examples:
        >>> from servicekit.cli._demo_data import generate
        >>> from servicekit.cli._demo_sim import simulate
        >>> from servicekit.cli._demo_tickets import summarise
        >>> world = generate(5, "2025-02", volume=60)
        >>> report = build_report(world, summarise(world, simulate(world)), [])
        >>> report.meta.month, list(report.to_dict())[:3]
        ('2025-02', ['meta', 'sla', 'routing'])
    """
    routed = [s for s in summaries if not s.bot_only]
    surveys = [s for s in summaries if s.survey is not None]
    return DemoReport(
        meta=Meta(
            seed=world.seed,
            month=world.month,
            timezone=ZONE_NAME,
            now=_iso(world.end - 1),
            days=round((world.end - world.start) / 86400),
            cities=len(world.cities),
            agents=len(world.staff),
            part_time_agents=sum(s.agent.part_time for s in world.staff),
            requests=len(summaries),
            routed=len(routed),
            survey_answers=len(surveys),
            requirements=len(requirements),
        ),
        sla=_sla(summaries),
        routing=_routing(world, routed),
        cities=_cities(world, surveys),
        nps=_nps(surveys),
        csat=_csat(surveys),
        fcr=Fcr(
            estimate=first_contact_resolution(
                [bool(s.first_contact) for s in summaries if s.solved]
            )
        ),
        alerts=_alerts(world, summaries, surveys),
        requirements=tuple(requirements),
        staffing=_staffing(world, routed),
    )


def _verdict(m: MetricOutcome) -> str | None:
    """One metric of a request: met, breached or open (None: never measured)."""
    if m.breached_cycles > 0 or m.state == "breached":
        return "breached"
    if m.cycles > 0:
        return "met" if m.state == "met" else "open"
    return None


def _sla(summaries: list[Summary]) -> Sla:
    by_metric: dict[str, Counter[str]] = {m.value: Counter() for m in Metric}
    by_priority: dict[str, Counter[str]] = {
        p.value: Counter() for p in reversed(Priority)
    }
    by_policy: dict[str, Counter[str]] = defaultdict(Counter)
    worst: list[tuple[float, str, Summary, MetricOutcome]] = []
    # (metric, verdict) and (priority or policy, breached) counted as plain tuples in
    # one pass, then poured into the tables: a Counter per request and metric cost
    # a third of the report.
    verdicts: Counter[tuple[str, str]] = Counter()
    tickets: Counter[tuple[str, str, bool]] = Counter()
    for s in summaries:
        breached = False
        for m in s.metrics:
            verdict = _verdict(m)
            if verdict is not None:
                verdicts[m.metric, verdict] += 1
                breached = breached or verdict == "breached"
            if m.late_by is not None:
                worst.append((m.late_by, s.id, s, m))
        tickets["priority", s.priority, breached] += 1
        tickets["policy", s.policy, breached] += 1
    for (metric, verdict), n in verdicts.items():
        by_metric[metric][verdict] += n
    for (table, key, breached), n in tickets.items():
        counts = (by_priority if table == "priority" else by_policy)[key]
        counts["tickets"] += n
        counts["breached"] += n if breached else 0
    worst.sort(key=lambda w: (-w[0], w[1], w[3].metric))
    # Every row counts at least one request (or clock), so each share has an n.
    return Sla(
        by_metric=tuple(
            MetricCompliance(
                metric=metric,
                measured=sum(c.values()),
                met=c["met"],
                breached=c["breached"],
                running=c["open"],
                compliance=proportion(c["met"], c["met"] + c["breached"]),
            )
            for metric, c in by_metric.items()
            if c["met"] + c["breached"] > 0
        ),
        by_priority=tuple(
            PriorityCompliance(
                priority=p,
                tickets=c["tickets"],
                breached_tickets=c["breached"],
                compliance=proportion(c["tickets"] - c["breached"], c["tickets"]),
            )
            for p, c in by_priority.items()
            if c["tickets"]
        ),
        by_policy=tuple(
            PolicyCompliance(
                policy=p,
                tickets=c["tickets"],
                breached_tickets=c["breached"],
                compliance=proportion(c["tickets"] - c["breached"], c["tickets"]),
            )
            for p, c in sorted(by_policy.items(), key=lambda kv: -kv[1]["tickets"])
        ),
        breaches=Breaches(
            tickets=sum(c["breached"] for c in by_priority.values()),
            metrics=sum(c["breached"] for c in by_metric.values()),
            worst=tuple(
                WorstBreach(
                    ticket=s.id,
                    city=s.city,
                    policy=s.policy,
                    priority=s.priority,
                    metric=m.metric,
                    due_at=m.due_at,
                    late_by_seconds=late,
                )
                for late, _, s, m in worst[:10]
            ),
        ),
    )


def _percentile(values: list[int], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(q * len(ordered)))])


def _routing(world: World, routed: list[Summary]) -> Routing:
    assigned = [s for s in routed if s.assigned]
    steps = Counter(s.step for s in assigned if s.step != "standard")
    staff = Counter(s.city for s in world.staff)
    waits: dict[str, list[int]] = {c.name: [] for c in world.cities}
    tickets = Counter(s.city for s in routed)
    for s in assigned:
        waits[s.city].append(s.wait or 0)
    histogram = [0] * len(_HISTOGRAM)
    for s in assigned:
        wait = s.wait or 0
        for i, (_label, upper) in enumerate(_HISTOGRAM):
            if upper is None or wait < upper:
                histogram[i] += 1
                break
    language = [s for s in routed if s.language != "zh"]
    return Routing(
        routed=len(routed),
        assigned=len(assigned),
        owner_tickets=sum(s.had_owner for s in routed),
        to_owner=sum(s.to_owner for s in routed),
        dedicated_tickets=sum(s.had_manager for s in routed),
        to_dedicated_manager=sum(s.to_manager for s in routed),
        language_tickets=len(language),
        language_matched=sum(bool(s.language_matched) for s in language),
        escalated=sum(steps.values()),
        escalation_steps=tuple(
            EscalationStep(step=step, tickets=n)
            for step, n in sorted(steps.items(), key=lambda kv: (-kv[1], kv[0]))
        ),
        by_city=tuple(
            CityWaits(
                city=c.name,
                tickets=tickets[c.name],
                agents=staff[c.name],
                median_wait_seconds=float(statistics.median(waits[c.name]))
                if waits[c.name]
                else 0.0,
                mean_wait_seconds=round(statistics.fmean(waits[c.name]), 1)
                if waits[c.name]
                else 0.0,
                p90_wait_seconds=_percentile(waits[c.name], 0.9),
            )
            for c in world.cities
        ),
        wait_histogram=tuple(
            WaitBand(label=_(label), upper_seconds=upper, count=count)
            for (label, upper), count in zip(_HISTOGRAM, histogram, strict=True)
        ),
    )


def _cities(world: World, surveys: list[Summary]) -> Cities:
    rows = [
        {"city": s.city, "ratings": {d: s.survey[d] for d in DIMENSIONS}}
        for s in surveys
        if s.survey is not None
    ]
    table = segment_table(
        rows, by="city", measure=IndexMeasure(field="ratings"), top_k=5, bottom_k=3
    )
    ranked = table.ranked(None)
    answered = {str(r.segment) for r in ranked}
    silent = sorted(c.name for c in world.cities if c.name not in answered)
    top = list(table.top(None))
    bottom = list(table.bottom(None))
    highest = list(table.highest(None))
    lowest = list(table.lowest(None))
    return Cities(
        measure=_(
            "satisfaction index (0-100): response speed 30 %, resolution 40 %, "
            "attitude 20 %, follow-up 10 %"
        ),
        min_n=30,
        top_k=table.top_k,
        bottom_k=table.bottom_k,
        rows=tuple(
            CityRow(
                city=str(r.segment),
                n=r.n,
                index=r.estimate,
                shrunk=r.shrunk,
                rank=r.rank,
                shrunk_rank=r.shrunk_rank,
                best_rank=r.best_rank,
                worst_rank=r.worst_rank,
                value_rank=r.value_rank,
                rankable=r.rankable,
                top=r.top,
                bottom=r.bottom,
            )
            for r in ranked
        ),
        top=tuple(str(r.segment) for r in top),
        bottom=tuple(str(r.segment) for r in bottom),
        highest=tuple(str(r.segment) for r in highest),
        lowest=tuple(str(r.segment) for r in lowest),
        unranked=tuple(
            sorted([str(r.segment) for r in ranked if not r.rankable] + silent)
        ),
        no_answers=tuple(silent),
        notes=tuple(
            _ranking_notes(
                len([r for r in ranked if r.rankable]),
                (table.top_k, top, highest),
                (table.bottom_k, bottom, lowest),
            )
        ),
    )


def _names(rows: list[SegmentRow]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    names = [city_name(str(r.segment)) for r in rows]
    if len(names) <= 1:
        return "".join(names)
    return _("{some} and {last}").format(some=_(", ").join(names[:-1]), last=names[-1])


def _ranking_notes(
    rankable: int,
    top: tuple[int, list[SegmentRow], list[SegmentRow]],
    bottom: tuple[int, list[SegmentRow], list[SegmentRow]],
) -> list[str]:
    """What the pairwise tests say about the top and bottom lists, in plain sentences.

    ``top`` and ``bottom`` are (the list's size, the cities the tests mark, the cities
    with the highest or lowest raw index). A city is marked only when the tests find
    it better (worse) than every ranked city outside the list; when the marked list
    differs from the highest (lowest) raw scores, the notes say which cities a plain
    sort would have listed and why the report does not.

    Examples:
        >>> _ranking_notes(0, (5, [], []), (3, [], []))
        ['No city has enough answers to be ranked.']
    """
    if not rankable:
        return [_("No city has enough answers to be ranked.")]
    notes = []
    for (k, marked, raw), none, same, other in (
        (
            top,
            N_(
                "No city is marked top: the tests find no group of {k} or fewer "
                "cities better than every other ranked city. The {n} highest raw "
                "scores ({raw}) are not told apart from the cities next to them."
            ),
            N_(
                "The top {n} ({marked}) are the highest raw scores, and the tests "
                "find each better than every city outside the list."
            ),
            N_(
                "Marked top: {marked}, each better than every city outside the list. "
                "A plain sort by raw score would also have listed {left}, but the "
                "tests do not tell {them} apart from cities outside the list."
            ),
        ),
        (
            bottom,
            N_(
                "No city is marked bottom: the tests find no group of {k} or fewer "
                "cities worse than every other ranked city. The {n} lowest raw "
                "scores ({raw}) are not told apart from the cities next to them."
            ),
            N_(
                "The bottom {n} ({marked}) are the lowest raw scores, and the tests "
                "find each worse than every city outside the list."
            ),
            N_(
                "Marked bottom: {marked}, each worse than every city outside the "
                "list. A plain sort by raw score would also have listed {left}, but "
                "the tests do not tell {them} apart from cities outside the list."
            ),
        ),
    ):
        if not marked:
            notes.append(_(none).format(k=k, n=len(raw), raw=_names(raw)))
            continue
        chosen = {r.segment for r in marked}
        if chosen == {r.segment for r in raw}:
            notes.append(_(same).format(n=len(marked), marked=_names(marked)))
            continue
        left_out = [r for r in raw if r.segment not in chosen]
        them = _("it") if len(left_out) == 1 else _("them")
        notes.append(
            _(other).format(marked=_names(marked), left=_names(left_out), them=them)
        )
    return notes


def _nps(surveys: list[Summary]) -> Nps:
    result = nps([int(s.survey["nps"]) for s in surveys if s.survey is not None])  # type: ignore[call-overload]
    return Nps(
        estimate=result.estimate,
        promoters=result.promoters,
        passives=result.passives,
        detractors=result.detractors,
    )


def _csat(surveys: list[Summary]) -> Csat:
    result = csat([int(s.survey["csat"]) for s in surveys if s.survey is not None])  # type: ignore[call-overload]
    return Csat(top_box=result.top_box, mean=result.mean)


def _alerts(world: World, summaries: list[Summary], surveys: list[Summary]) -> Alerts:
    city_of = {s.id: s.city for s in surveys}
    alerts = follow_up_alerts(
        [{"id": s.id, **(s.survey or {})} for s in surveys], id_field="id"
    )
    complaints = [
        Complaint(
            customer=s.customer,
            at=dt.datetime.fromtimestamp(s.created, ZONE),
            resolved=s.solved,
        )
        for s in summaries
        if s.category in _COMPLAINTS
    ]
    customer_city = {s.customer: s.city for s in summaries}
    risky = high_risk_customers(
        complaints, now=dt.datetime.fromtimestamp(world.end - 1, ZONE), threshold=2
    )
    return Alerts(
        follow_up=FollowUps(
            count=len(alerts),
            examples=tuple(
                FollowUpExample(
                    response=str(a.response),
                    city=city_of[str(a.response)],
                    reasons=tuple(map(say, a.messages)),
                )
                for a in alerts[:5]
            ),
        ),
        high_risk=tuple(
            HighRiskCustomer(
                customer=str(a.customer),
                city=customer_city[str(a.customer)],
                unresolved=a.unresolved,
                reasons=tuple(map(say, a.messages)),
            )
            for a in risky[:10]
        ),
    )


def _staffing(world: World, routed: list[Summary]) -> tuple[StaffingRow, ...]:
    """Erlang C advice for the phone line of the five cities that kept people waiting.

    The cities are those with the longest 90th-percentile wait. For each, the advice
    is for its own desk's busiest phone hour on working days: the average calls in
    that hour, the average handling time, and the agents actually on shift then
    (Erlang C assumes one contact at a time, which is what a phone agent does).
    """
    days = round((world.end - world.start) / 86400)
    first = dt.datetime.fromtimestamp(world.start, ZONE).date()
    business = {
        d
        for d in (first + dt.timedelta(days=i) for i in range(days))
        if CHINA_BUSINESS_CALENDAR.is_business_day(d)
    }
    waits: dict[str, list[int]] = defaultdict(list)
    for s in routed:
        if s.assigned:
            waits[s.city].append(s.wait or 0)
    # Longest 90th-percentile wait first; many cities share a p90 (an escalation
    # step's delay), so the mean wait breaks those ties, then the name.
    slowest = sorted(
        waits,
        key=lambda c: (-_percentile(waits[c], 0.9), -statistics.fmean(waits[c]), c),
    )
    # Each desk's phone calls and each city's requests, in the month's order, read
    # in one pass rather than once per city considered.
    phone_calls: dict[str, list[Summary]] = defaultdict(list)
    of_city: dict[str, list[Summary]] = defaultdict(list)
    for s in routed:
        if s.channel == "phone":
            phone_calls[s.desk].append(s)
        of_city[s.city].append(s)
    advice: list[StaffingRow] = []
    for city in slowest:
        if len(advice) == _STAFFING_ROWS:
            break
        calls = phone_calls[city]
        per_hour: Counter[int] = Counter()
        in_hour: dict[int, list[Summary]] = defaultdict(list)
        for s in calls:
            local = dt.datetime.fromtimestamp(s.created, ZONE)
            if local.date() in business:
                per_hour[local.hour] += 1
                in_hour[local.hour].append(s)
        if not per_hour:
            continue
        hour, count = max(sorted(per_hour.items()), key=lambda kv: kv[1])
        # What the month's calls at that hour really met, beside the model's figure.
        answered = [
            s.wait is not None and s.wait <= TARGET_ANSWER.total_seconds()
            for s in in_hour[hour]
        ]
        volume = count / max(1, len(business))
        aht = dt.timedelta(seconds=round(statistics.fmean(s.handling for s in calls)))
        on_shift, empty_days = _on_shift(world, city, hour, business)
        plan = required_agents(
            volume=volume,
            period=dt.timedelta(hours=1),
            aht=aht,
            target_answer=TARGET_ANSWER,
            service_level=0.8,
            shrinkage=0.3,
        )
        long = [s for s in of_city[city] if (s.wait or 0) > _LONG_WAIT]
        advice.append(
            StaffingRow(
                city=city,
                long_waits=len(long),
                # Taken the very second a step relaxed them: no qualified agent before.
                long_waits_relaxed=sum(s.routed_after in _STEP_SECONDS for s in long),
                peak_hour=f"{hour:02d}:00-{(hour + 1) % 24:02d}:00",
                peak_volume_per_hour=round(volume, 2),
                aht_seconds=aht.total_seconds(),
                agents_on_shift=on_shift,
                working_days=len(business),
                days_nobody_on_shift=empty_days,
                median_wait_seconds=float(statistics.median(waits[city])),
                p90_wait_seconds=_percentile(waits[city], 0.9),
                required_agents=plan.agents,
                scheduled_agents=plan.scheduled_agents,
                measured_calls=len(answered),
                measured_service_level=sum(answered) / len(answered),
                measured_p90_wait_seconds=_percentile(
                    [s.wait for s in in_hour[hour] if s.wait is not None], 0.9
                ),
                service_level_now=service_level(
                    agents=on_shift,
                    traffic=volume * aht.total_seconds() / 3600,
                    aht=aht,
                    target_answer=TARGET_ANSWER,
                ),
                service_level_advised=plan.service_level,
                asa_seconds_advised=plan.asa.total_seconds(),
            )
        )
    return tuple(advice)


def _on_shift(
    world: World, city: str, hour: int, business: set[dt.date]
) -> tuple[int, int]:
    """Agents of the city's desk on shift at half past ``hour`` on working days.

    Returns the median over the month's working days (the typical day) and the
    number of working days on which nobody was on shift then.
    """
    staff = tuple(s for s in world.staff if s.city == city)
    shifts = shifts_worked(world, staff)
    counts = []
    for day in sorted(business):
        probe = dt.datetime.combine(day, dt.time(hour, 30), ZONE).timestamp()
        counts.append(sum(on <= probe < off for on, off, _ in shifts))
    if not counts:
        return 0, 0
    return round(statistics.median(counts)), counts.count(0)


def run_requirements(world: World) -> list[RequirementRow]:
    """Run each planned requirement through the acceptance workflow up to month end.

    Examples:
        >>> from servicekit.cli._demo_data import generate
        >>> rows = run_requirements(generate(7, "2025-01", volume=300))
        >>> len(rows), rows[0].id.startswith("REQ-202501-")
        (12, True)
    """
    policy = RequirementPolicy(CHINA_BUSINESS_CALENDAR)
    now = dt.datetime.fromtimestamp(world.end - 1, ZONE)
    return [_requirement(plan, policy, now) for plan in world.requirements]


def _requirement(
    plan: RequirementPlan, policy: RequirementPolicy, now: dt.datetime
) -> RequirementRow:
    cal = CHINA_BUSINESS_CALENDAR
    hour = dt.timedelta(hours=1)
    received = dt.datetime.fromtimestamp(plan.received, ZONE)
    req = Requirement.open(
        id=plan.id, received_at=received, policy=policy, customer=plan.customer
    )
    sheet = cal.add(received, plan.sheet_after_hours * hour)
    due = cal.add(sheet, 7.5 * plan.delivery_days * hour)
    events: list[Event] = [SheetSent(at=sheet, delivery_due=due)]
    if plan.confirms:
        events.append(CustomerConfirmed(at=cal.add(sheet, 2 * hour)))
        at = cal.add(sheet, 2 * hour)
    else:  # the sheet lapses; the re-discussed sheet is confirmed at once
        lapsed = cal.add_business_days(sheet, 1)
        again = cal.add(lapsed, 3 * hour)
        due = cal.add(again, 7.5 * plan.delivery_days * hour)
        events += [
            SheetSent(at=again, delivery_due=due),
            CustomerConfirmed(at=cal.add(again, hour)),
        ]
        at = cal.add(again, hour)
    delivered = cal.subtract(due, 2 * hour)
    if plan.delay_notice_days is not None:
        # A supplier slips: the team announces a delay, in time (a day or more
        # ahead) or too late (hours ahead, so the old due time stands and the
        # delivery is late).
        notice = max(at, due - dt.timedelta(days=plan.delay_notice_days))
        new_due = cal.add(due, 15 * hour)
        events.append(DelayAnnounced(at=notice, new_due=new_due, reason="supplier"))
        delivered = cal.subtract(new_due, 2 * hour)
        if plan.delay_notice_days >= 1:
            due = new_due
    at = delivered
    events.append(Delivered(at=at))
    for k in range(plan.failures):
        failed = cal.add(at, 5 * hour)
        at = cal.add(failed, 6 * hour)
        events += [
            AcceptanceFailed(at=failed, reasons=[f"check {k + 1} failed"]),
            Delivered(at=at),
        ]
    accepted = cal.add(at, (30 if plan.accepts_late else 4) * hour)
    events.append(AcceptancePassed(at=accepted))
    events.append(
        FollowUpDone(
            at=cal.add(accepted, plan.follow_up_after_hours * hour),
            solved=plan.failures < 2,
            attitude=5 - plan.failures,
            competence=4,
        )
    )
    for event in events:
        if event.at > now:
            break
        req = req.apply_all(req.timeouts(event.at))
        req = req.apply(event)
    req = req.apply_all(req.timeouts(now))
    return RequirementRow(
        id=plan.id,
        customer=plan.customer,
        city=plan.city,
        state=req.state.value,
        rework_count=req.rework_count,
        rediscussion_count=req.rediscussion_count,
        escalated=req.escalated,
        breaches=tuple(
            RequirementBreach(
                kind=b.kind.value,
                what=b.what.value,
                due_at=b.due_at.isoformat(),
                at=b.at.isoformat(),
            )
            for b in req.breaches
        ),
        overdue=tuple(
            OverdueDuty(
                what=o.what.value,
                party=o.party.value,
                due_at=None if o.due_at is None else o.due_at.isoformat(),
            )
            for o in req.overdue(now)
        ),
    )

"""The serialisation contract (docs/serialisation.md), checked on every registered value.

Every class registered with the codec (``servicekit._codec._SPECS``) is a case: its
values round-trip exactly (as data and as JSON text), unknown keys are refused, and
a document with one field mutated (a wrong type, missing, NaN, a 10 MB string, deep
nesting) gives a value or a ``DeserializationError`` naming a JSON path, nothing else.
A class the codec knows but ``STRATEGIES`` does not fails here, so no new value can
skip the contract: add a strategy for it when you register it.
"""

import datetime as dt
import json
import math
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import servicekit.acceptance
import servicekit.conditions
import servicekit.messages
import servicekit.routing
import servicekit.routing.staffing
import servicekit.scoring
import servicekit.sla  # importing each package registers its values
import servicekit.workforce
from cli.demo_report_sample import sample as demo_sample
from messages.message_strategies import messages as structured_messages
from servicekit import _codec
from servicekit._boundary import MAX_DEPTH
from servicekit.acceptance import (
    STATE_OBLIGATIONS,
    Breach,
    BreachKind,
    Duty,
    Obligation,
    ObligationRule,
    Party,
    Requirement,
    RequirementPolicy,
)
from servicekit.errors import DeserializationError
from servicekit.routing.staffing import required_agents
from servicekit.scoring import (
    Comparison,
    Complaint,
    CsatMeasure,
    CustomerActivity,
    FollowUpAlert,
    IndexMeasure,
    IndexResult,
    MeanMeasure,
    NpsMeasure,
    NpsResult,
    RatingResult,
    RiskAlert,
    SatisfactionIndex,
    SegmentRow,
    SegmentTable,
    ShareMeasure,
    TierAssignment,
    TieringPolicy,
    ces,
    csat,
    measure_from,
    nps,
    segment_table,
)
from servicekit.scoring._segments import _Overall
from servicekit.sla import (
    Alert,
    BusinessCalendar,
    EventKind,
    HolidayAnnouncement,
    HolidaySet,
    MetricDefinition,
    MetricStatus,
    PolicySet,
    SlaClock,
    SlaPolicy,
    SlaReport,
    SlaTarget,
    TicketEvent,
    _stored_clock,
    evaluate,
)
from strategies import (
    ACCEPTANCE_EVENT_TYPES,
    ACCEPTANCE_RECURRING_VALUES,
    ACCEPTANCE_SOLUTION_EVENTS,
    ACCEPTANCE_TASK_VALUES,
    CONDITIONS,
    SLA_CALENDARS,
    SLA_METRICS,
    WORKFORCE_STRATEGIES,
    acceptance_event_at,
    acceptance_instants,
    acceptance_policies,
    acceptance_processes,
    acceptance_requirements,
    acceptance_rules,
    acceptance_states,
    acceptance_step_events,
    acceptance_texts,
    acceptance_transitions,
    channels,
    complete_index_responses,
    duration_measures,
    duration_statistics_values,
    estimates,
    holiday_announcement_fields,
    measure_summaries,
    metric_definitions,
    priorities,
    routing_agents,
    routing_tickets,
    satisfaction_indices,
    segment_surveys,
    sla_cases,
    sla_policy_sets,
    sla_targets,
    tiers,
)

# ----------------------------------------------------------------- building blocks

texts = st.text(min_size=1, max_size=12)
field_names = st.text(min_size=1, max_size=8)
ids = texts | st.integers(-(2**63), 2**63 - 1)
reasons = st.lists(texts, min_size=1, max_size=3)
counts = st.integers(0, 10**6)
# Zones whose instants round-trip to ``==`` values. A zone with DST does not inside
# its repeated hour (PEP 495: == across zones is False there), which
# test_instants_in_a_repeated_hour_keep_the_instant checks separately.
instant_zones = st.sampled_from(
    [
        dt.UTC,
        dt.timezone(dt.timedelta(hours=8)),
        dt.timezone(-dt.timedelta(hours=3, minutes=30)),
        ZoneInfo("Asia/Shanghai"),
        pendulum.timezone("Asia/Shanghai"),
    ]
)
instants = st.datetimes(
    min_value=dt.datetime(1970, 1, 2),
    max_value=dt.datetime(2200, 1, 1),
    timezones=instant_zones,
)
keys = texts | st.integers(-(10**6), 10**6)


@st.composite
def comparisons(draw: st.DrawFn) -> Comparison:
    return Comparison(
        difference=draw(estimates()),
        # ±inf: two constant samples that differ (written as "inf"/"-inf").
        z=draw(st.floats(-50, 50) | st.sampled_from([math.inf, -math.inf])),
        p_value=draw(st.floats(0, 1)),
    )


@st.composite
def tiering_policies(draw: st.DrawFn) -> TieringPolicy:
    purchases = draw(st.integers(0, 1000))
    spend = draw(st.floats(0, 1e12))
    recency = draw(st.integers(0, 3650))
    return TieringPolicy(
        potential_purchases=purchases,
        high_value_purchases=purchases + draw(st.integers(0, 1000)),
        potential_spend=spend,
        high_value_spend=spend + draw(st.floats(0, 1e12)),
        potential_recency_days=recency,
        high_value_recency_days=draw(st.integers(0, recency)),
    )


tables = st.builds(
    lambda rows, measure, min_n, top_k, bottom_k: segment_table(
        rows,
        by="city",
        period="month",
        measure=measure,
        min_n=min_n,
        top_k=top_k,
        bottom_k=bottom_k,
    ),
    segment_surveys(max_count=12),
    st.builds(NpsMeasure),
    st.integers(1, 40),
    st.integers(0, 3),
    st.integers(0, 3),
)


def _later(at: dt.datetime) -> st.SearchStrategy[dt.datetime]:
    return st.timedeltas(dt.timedelta(0), dt.timedelta(days=30)).map(lambda g: at + g)


obligations = st.builds(
    lambda party, what, since, due_at: Obligation(
        party=party, what=what, since=since, due_at=due_at
    ),
    st.sampled_from(list(Party)),
    st.sampled_from(list(Duty)),
    acceptance_instants,
    st.none() | acceptance_instants,
)
breaches = acceptance_instants.flatmap(
    lambda due: st.builds(
        Breach,
        kind=st.sampled_from(list(BreachKind)),
        party=st.sampled_from(list(Party)),
        what=st.sampled_from(list(Duty)),
        due_at=st.just(due),
        at=_later(due),
    )
)

# JSON values as an event's attributes hold them (finite numbers, nested a little).
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def ticket_events(draw: st.DrawFn) -> TicketEvent:
    """An event of any kind, with the fields its kind carries (some left out)."""
    kind = draw(st.sampled_from(list(EventKind)))
    fields: dict[str, Any] = {}
    if kind is EventKind.CREATED:
        fields = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "priority": priorities,
                    "tier": tiers,
                    "channel": channels,
                    "category": texts.filter(str.strip),
                    "attributes": st.dictionaries(texts, json_values, max_size=4),
                },
            )
        )
    elif kind is EventKind.STATUS_CHANGED:
        fields["status"] = draw(st.sampled_from(list(servicekit.sla.TicketStatus)))
    elif kind is EventKind.FACTS_CHANGED:
        fields["category"] = draw(texts.filter(str.strip))
    elif kind is EventKind.PRIORITY_CHANGED:
        fields["priority"] = draw(priorities)
    elif kind is EventKind.TIER_CHANGED:
        fields["tier"] = draw(tiers)
    return TicketEvent(at=draw(instants), kind=kind, **fields)


sla_policy_sets_only = sla_policy_sets().map(lambda pair: pair[1])
some_dates = st.frozensets(
    st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)), max_size=4
)
holiday_sets = st.one_of(
    st.builds(HolidaySet, dates=some_dates, removed=some_dates),
    st.builds(
        HolidaySet,
        dates=some_dates,
        country=st.sampled_from(["CN", "US", "DE"]),
        observed=st.booleans(),
    ),
    st.builds(HolidaySet, market=st.just("NYSE")),
    st.builds(
        HolidaySet,
        country=st.just("CN"),
        announcements=st.lists(
            holiday_announcement_fields().map(lambda kw: HolidayAnnouncement(**kw)),
            max_size=3,
            unique_by=lambda a: a.year,
        ),
        strict=st.booleans(),
    ),
)

names = texts.filter(str.strip)
positive_durations = st.timedeltas(dt.timedelta(microseconds=1), dt.timedelta(days=30))
escalation_steps = st.builds(
    servicekit.routing.EscalationStep,
    after=positive_durations,
    drop_skills=st.frozensets(names, max_size=3),
    drop_all_skills=st.booleans(),
    lower_levels_by=st.integers(0, 9),
    drop_language=st.booleans(),
    widen_to_groups=st.frozensets(names, max_size=3),
    any_group=st.booleans(),
    release_owner=st.booleans(),
    drop_policies=st.frozensets(names, max_size=3),
) | st.builds(servicekit.routing.EscalationStep, after=positive_durations, name=names)

R = servicekit.routing
policy_strategies = {
    cls: st.builds(cls) | st.builds(cls, name=names)
    for cls in (
        R.ChannelMatch,
        R.Availability,
        R.RequiredSkills,
        R.LanguageMatch,
        R.SkillGroupMatch,
        R.DedicatedManager,
        R.LeastLoaded,
        R.LongestIdle,
    )
} | {
    R.PartTimeWeighting: st.builds(
        R.PartTimeWeighting,
        share=st.floats(0, 1, exclude_min=True),
        name=names,
    ),
    R.SeniorForRepeatComplaints: st.builds(
        R.SeniorForRepeatComplaints,
        threshold=st.integers(1, 100),
        attribute=names,
        name=names,
    ),
    R.OwnerStickiness: st.builds(
        R.OwnerStickiness,
        wait=st.timedeltas(dt.timedelta(0), dt.timedelta(days=3)),
        name=names,
    ),
}


@st.composite
def triage_rules(draw: st.DrawFn, name: str | None = None) -> R.TriageRule:
    skills = draw(st.frozensets(st.sampled_from(["billing", "refunds", "x y"])))
    return R.TriageRule(
        name=name if name is not None else draw(names),
        when=draw(
            st.none()
            | tiers.map(lambda t: {"tier": t})
            | st.lists(st.sampled_from(["chat", "email"]), min_size=1).map(
                lambda cs: {"channel": cs}
            )
        ),
        priority=draw(st.none() | st.sampled_from(["urgent", "low"])),
        group=draw(st.none() | names),
        skills=skills,
        min_levels={s: draw(st.integers(1, 10)) for s in sorted(skills)},
    )


triages = st.lists(
    names.filter(lambda n: n != "default"), unique=True, max_size=4
).flatmap(
    lambda ns: st.builds(
        lambda rules: R.Triage(rules=rules),
        st.tuples(*(triage_rules(n) for n in ns)),
    )
)
triage_results = st.builds(
    lambda triage, ticket: triage.classify(ticket), triages, routing_tickets()
)

sentences = st.lists(st.text(max_size=20), max_size=3)
assignments = st.builds(
    R.Assignment, ticket_id=names, agent_id=names, step=names, reasons=sentences
)
decisions = st.builds(
    R.RoutingDecision,
    ticket_id=st.none() | names,
    agent_id=st.none() | names,
    step=names,
    reasons=sentences,
)
dispatch_results = st.builds(
    R.DispatchResult,
    assignments=st.lists(assignments, max_size=3),
    unassigned=st.lists(decisions, max_size=3),
    agents=st.lists(routing_agents(), max_size=3),
)

routers = st.builds(
    lambda policies, afters, queue, triage: R.Router(
        policies=policies,
        escalations=[
            R.EscalationStep(after=dt.timedelta(minutes=m), drop_language=True)
            for m in sorted(afters)
        ],
        queue=queue,
        triage=triage,
    ),
    st.lists(
        st.one_of(*policy_strategies.values()), unique_by=lambda p: p.name, max_size=5
    ),
    st.sets(st.integers(1, 600), max_size=3),
    st.builds(R.QueueOrder, promote_every=st.none() | positive_durations),
    st.none() | triages,
)


# Reports and clocks of generated logs: every state, pauses, re-selected policies,
# breaches.
sla_reports = sla_cases(max_events=8).map(lambda case: evaluate(*case))
sla_clocks = sla_cases(max_events=8).map(lambda case: SlaClock.start(*case[:2]))


def _stored_clock_parts(clocks: st.SearchStrategy[Any]) -> dict[type, Any]:
    """The private records a stored clock is made of, drawn from real clocks."""
    stored = clocks.map(_codec._SPECS[SlaClock].form.write)
    return {
        _stored_clock._StateRecord: stored.map(lambda r: r.state),
        _stored_clock._FactsRecord: stored.map(lambda r: r.state.facts),
        _stored_clock._MetricCycles: stored.map(lambda r: r.state.cycles),
        _stored_clock._CycleRecord: stored.flatmap(
            lambda r: st.sampled_from(
                [
                    c
                    for f in attrs.fields(type(r.state.cycles))
                    for c in getattr(r.state.cycles, f.name)
                ]
            )
        ),
    }


def _forms(values: dict[type, st.SearchStrategy[Any]]) -> dict[type, Any]:
    """A strategy for each record that is another class's JSON form (``form=``).

    Its values are that class's values, written as the record.
    """
    out = {}
    for cls, spec in _codec._SPECS.items():
        if spec.form is not None and cls in values:
            out[spec.form.json_type] = values[cls].map(spec.form.write)
    return out


def _demo_report_values() -> dict[type, st.SearchStrategy[Any]]:
    """The demo report's sections and rows, each drawn from a real (sample) report.

    They are private to the CLI, yet registered with the codec, so the contract holds
    for them too: ``--json`` is their ``to_dict`` and the tests read it back.
    """
    found: dict[type, list[Any]] = {}

    def walk(value: object) -> None:
        if attrs.has(type(value)):
            found.setdefault(type(value), []).append(value)
            for field in attrs.fields(type(value)):
                walk(getattr(value, field.name))
        elif isinstance(value, tuple | list):
            for item in value:
                walk(item)
        elif isinstance(value, Mapping):
            for item in value.values():
                walk(item)

    walk(demo_sample())
    return {
        cls: st.sampled_from(values[:20])
        for cls, values in found.items()
        if cls.__module__ == "servicekit.cli._demo_sections"
    }


# Workforce planning values (issue 15), built directly: no solver runs here.
W = servicekit.workforce
_hour = dt.timedelta(hours=1)
shift_breaks = st.builds(
    W.ShiftBreak,
    after=st.integers(0, 4).map(lambda n: n * _hour),
    length=st.integers(1, 4).map(lambda n: n * dt.timedelta(minutes=15)),
)
shift_templates = st.builds(
    W.ShiftTemplate,
    name=names,
    start=st.times(),
    length=st.integers(6, 24).map(lambda n: n * _hour),
    breaks=st.lists(shift_breaks, max_size=1),
    cost=st.floats(0, 1e6),
    weekdays=st.frozensets(st.integers(0, 6), min_size=1),
    holidays=st.booleans(),
    makeup_days=st.booleans(),
)
shift_starts = st.builds(
    W.ShiftStart, template=names, day=st.dates(), agents=st.integers(0, 1000)
)


@st.composite
def shift_plans(draw: st.DrawFn) -> Any:
    templates = draw(
        st.lists(shift_templates, min_size=1, max_size=3, unique_by=lambda t: t.name)
    )
    n = draw(st.integers(1, 6))
    return W.ShiftPlan(
        start=draw(instants),
        interval=draw(st.sampled_from([15, 30, 60])) * dt.timedelta(minutes=1),
        timezone=draw(st.sampled_from(["UTC", "Asia/Shanghai", "Asia/Urumqi"])),
        templates=templates,
        starts=draw(
            st.lists(
                st.builds(
                    W.ShiftStart,
                    template=st.sampled_from([t.name for t in templates]),
                    day=st.dates(),
                    agents=st.integers(0, 50),
                ),
                max_size=3,
                unique_by=lambda s: (s.template, s.day),
            )
        ),
        required=draw(st.lists(st.integers(0, 50), min_size=n, max_size=n)),
        coverage=draw(st.lists(st.integers(0, 50), min_size=n, max_size=n)),
        cost=draw(st.floats(0, 1e9)),
        status=draw(st.sampled_from(list(W.SolveStatus))),
    )


# A shift's end is its start plus hours, which may land in a zone's repeated hour
# (where == across zones is False, PEP 495): fixed offsets keep == exact.
shift_instants = st.datetimes(
    min_value=dt.datetime(1970, 1, 2),
    max_value=dt.datetime(2200, 1, 1),
    timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=8))]),
)


@st.composite
def roster_shifts(draw: st.DrawFn) -> Any:
    start = draw(shift_instants)
    length = draw(st.integers(1, 24)) * _hour
    breaks = draw(st.booleans())
    return W.RosterShift(
        agent=draw(names),
        template=draw(names),
        day=draw(st.dates()),
        start=start,
        end=start + length,
        breaks=[(start, start + dt.timedelta(minutes=30))] if breaks else [],
    )


workforce_strategies: dict[type, st.SearchStrategy[Any]] = {
    W.ShiftBreak: shift_breaks,
    W.ShiftTemplate: shift_templates,
    W.ShiftStart: shift_starts,
    W.ShiftPlan: shift_plans(),
    W.StaffMember: st.builds(
        W.StaffMember,
        id=names,
        languages=st.frozensets(st.sampled_from(["zh", "ug", "mn", "en"])),
        skills=st.frozensets(names, max_size=3),
        max_hours_per_week=st.none() | st.integers(1, 60).map(lambda n: n * _hour),
        templates=st.none() | st.frozensets(names, max_size=3),
        weekdays=st.frozensets(st.integers(0, 6)),
        unavailable=st.frozensets(st.dates(), max_size=3),
    ),
    W.CoverageRule: st.builds(
        W.CoverageRule,
        name=names,
        language=st.sampled_from(["zh", "ug", "mn"]),
        skill=st.none() | names,
        at_least=st.integers(1, 5),
        templates=st.frozensets(names, max_size=3),
        always=st.booleans(),
    ),
    W.RosterRules: st.builds(
        W.RosterRules,
        min_rest=st.timedeltas(dt.timedelta(0), dt.timedelta(days=2)),
        days_off_per_week=st.integers(0, 7),
        max_consecutive_days=st.integers(1, 30),
    ),
    W.RosterShift: roster_shifts(),
    W.Roster: st.builds(
        W.Roster,
        shifts=st.lists(roster_shifts(), max_size=4),
        status=st.sampled_from(list(W.SolveStatus)),
    ),
}


#: One strategy per class the codec knows. A registered class missing here fails.
STRATEGIES: dict[type, st.SearchStrategy[Any]] = {
    **_demo_report_values(),
    **CONDITIONS,
    **{
        kind: acceptance_instants.flatmap(
            lambda at, kind=kind: acceptance_event_at(at, kind)
        )
        for kind in ACCEPTANCE_EVENT_TYPES
    },
    RequirementPolicy: acceptance_policies,
    servicekit.acceptance.Process: acceptance_processes(),
    servicekit.acceptance.State: acceptance_states,
    servicekit.acceptance.Transition: acceptance_transitions,
    servicekit.acceptance.StepDone: acceptance_step_events,
    **ACCEPTANCE_SOLUTION_EVENTS,
    **ACCEPTANCE_TASK_VALUES,
    **ACCEPTANCE_RECURRING_VALUES,
    servicekit.acceptance.SheetRejected: st.builds(
        servicekit.acceptance.SheetRejected,
        at=acceptance_instants,
        reasons=st.lists(acceptance_texts, min_size=1, max_size=3),
    ),
    servicekit.acceptance.SheetAmended: st.builds(
        servicekit.acceptance.SheetAmended,
        at=acceptance_instants,
        changes=st.lists(acceptance_texts, min_size=1, max_size=3),
    ),
    Requirement: acceptance_requirements(max_events=8),
    Obligation: obligations,
    Breach: breaches,
    ObligationRule: st.sampled_from(list(STATE_OBLIGATIONS.values()))
    | acceptance_rules,
    servicekit.routing.Agent: routing_agents(),
    servicekit.routing.Ticket: routing_tickets(),
    servicekit.routing.EscalationStep: escalation_steps,
    **policy_strategies,
    R.TriageRule: triage_rules(),
    R.Triage: triages,
    R.TriageResult: triage_results,
    R.Assignment: assignments,
    R.RoutingDecision: decisions,
    R.DispatchResult: dispatch_results,
    R.Router: routers,
    servicekit.routing.staffing.StaffingPlan: st.builds(
        required_agents,
        volume=st.integers(0, 2000),
        period=st.just(dt.timedelta(hours=1)),
        aht=st.timedeltas(dt.timedelta(seconds=30), dt.timedelta(minutes=20)),
        target_answer=st.timedeltas(dt.timedelta(0), dt.timedelta(minutes=2)),
        shrinkage=st.floats(0, 0.5),
    ),
    R.Assessment: st.builds(
        R.Assessment,
        admitted=st.booleans(),
        rank=st.floats(allow_nan=False),
        reason=st.text(max_size=20),
    ),
    servicekit.routing.QueueOrder: st.builds(
        servicekit.routing.QueueOrder, promote_every=st.none() | positive_durations
    ),
    servicekit.scoring.Estimate: estimates(),
    Comparison: comparisons(),
    NpsResult: st.lists(st.integers(0, 10), min_size=1, max_size=60).map(nps),
    RatingResult: (
        st.lists(st.integers(1, 5), min_size=1, max_size=60).map(csat)
        | st.lists(st.integers(1, 7), min_size=1, max_size=60).map(ces)
    ),
    IndexResult: complete_index_responses.map(SatisfactionIndex().score),
    SatisfactionIndex: satisfaction_indices,
    NpsMeasure: st.builds(NpsMeasure, field=field_names),
    CsatMeasure: st.integers(2, 11).flatmap(
        lambda scale: st.builds(
            CsatMeasure,
            field=field_names,
            scale=st.just(scale),
            satisfied_at=st.integers(2, scale),
        )
    ),
    MeanMeasure: st.builds(MeanMeasure, field=field_names, scale=st.integers(2, 11)),
    ShareMeasure: st.builds(ShareMeasure, field=field_names),
    IndexMeasure: st.builds(
        IndexMeasure, field=field_names, index=satisfaction_indices
    ),
    SegmentTable: tables,
    servicekit.scoring.DurationMeasure: duration_measures,
    servicekit.scoring.MeasureSummary: measure_summaries(),
    servicekit.scoring.DurationStatistics: duration_statistics_values,
    SegmentRow: tables.flatmap(lambda t: st.sampled_from(t.rows)),
    _Overall: st.builds(_Overall, period=st.none() | keys, estimate=estimates()),
    FollowUpAlert: st.builds(FollowUpAlert, response=ids, reasons=reasons),
    Complaint: st.builds(Complaint, customer=ids, at=instants, resolved=st.booleans()),
    RiskAlert: st.builds(
        RiskAlert,
        customer=ids,
        unresolved=st.integers(1, 1000),
        first_at=instants,
        last_at=instants,
        reasons=reasons,
    ),
    TieringPolicy: tiering_policies(),
    CustomerActivity: st.builds(
        CustomerActivity,
        customer=texts,
        purchases=counts,
        spend=st.floats(0, 1e12) | st.integers(0, 10**12),
        last_purchase=st.dates(),
    ),
    TierAssignment: st.builds(
        TierAssignment,
        customer=texts,
        tier=tiers,
        recency_days=counts,
        reasons=reasons,
    ),
    SlaTarget: st.one_of(st.sampled_from(SLA_METRICS), metric_definitions()).flatmap(
        sla_targets
    ),
    MetricDefinition: metric_definitions(),
    SlaPolicy: sla_policy_sets_only.flatmap(lambda ps: st.sampled_from(ps.policies)),
    PolicySet: sla_policy_sets_only,
    TicketEvent: ticket_events(),
    SlaReport: sla_reports,
    SlaClock: sla_clocks,
    **_stored_clock_parts(sla_clocks),
    MetricStatus: sla_reports.filter(lambda r: r.metrics).flatmap(
        lambda r: st.sampled_from(list(r.metrics.values()))
    ),
    Alert: sla_reports.filter(lambda r: r.alerts).flatmap(
        lambda r: st.sampled_from(r.alerts)
    ),
    HolidaySet: holiday_sets,
    HolidayAnnouncement: holiday_announcement_fields().map(
        lambda kw: HolidayAnnouncement(**kw)
    ),
    BusinessCalendar: st.one_of(
        st.sampled_from(sorted(SLA_CALENDARS)).map(SLA_CALENDARS.__getitem__),
        st.builds(
            BusinessCalendar.always_open,
            st.sampled_from(["UTC", "Asia/Shanghai", "America/New_York"]),
        ),
        st.builds(
            lambda holidays, workdays: BusinessCalendar(
                timezone="Asia/Shanghai",
                weekly_hours={0: [("09:00", "12:00"), ("22:00", "02:00")]},
                holidays=holidays,
                workdays=workdays,
                workday_hours=[("10:00", "16:00")],
            ),
            holiday_sets,
            some_dates,
        ),
    ),
    **workforce_strategies,
}

STRATEGIES |= WORKFORCE_STRATEGIES
STRATEGIES[servicekit.messages.Message] = structured_messages
STRATEGIES |= _forms(STRATEGIES)

REGISTERED = sorted(
    (c for c in _codec._SPECS if c.__module__.startswith("servicekit.")),
    key=lambda c: f"{c.__module__}.{c.__qualname__}",
)
CASES = [pytest.param(c, id=c.__qualname__) for c in REGISTERED]
SLOW = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _strategy(cls: type) -> st.SearchStrategy[Any]:
    if cls not in STRATEGIES:
        pytest.fail(
            f"{cls.__module__}.{cls.__qualname__} is registered with the codec but has "
            "no strategy in tests/test_serialisation_contract.py STRATEGIES: add one"
        )
    return STRATEGIES[cls]


def _read(cls: type, data: Any) -> Any:
    return cls.from_dict(data)


def _comparable(value: Any) -> Any:
    """``value``, or what it is compared by when it compares by identity.

    A clock does (its reports are what compare); two clocks whose data is equal
    hold the same state and report alike (tests/sla/test_clock_properties.py).
    """
    return value.to_dict() if isinstance(value, SlaClock) else value


# --------------------------------------------------------------------------- tests


def test_every_public_scoring_value_is_registered():
    """Each value class servicekit.scoring exports serialises through the codec."""
    exported = [
        getattr(servicekit.scoring, name) for name in servicekit.scoring.__all__
    ]
    values = {c for c in exported if isinstance(c, type) and hasattr(c, "to_dict")}
    assert values - {servicekit.scoring.Measure} <= set(REGISTERED)
    assert len(values) >= 19


@pytest.mark.parametrize("cls", CASES)
@SLOW
@given(data=st.data())
def test_values_round_trip(cls, data):
    value = data.draw(_strategy(cls))
    stored = value.to_dict()
    assert _comparable(_read(cls, stored)) == _comparable(value)
    text = json.dumps(stored, allow_nan=False, ensure_ascii=False)
    assert _comparable(_read(cls, json.loads(text))) == _comparable(value)


@pytest.mark.parametrize("cls", CASES)
@SLOW
@given(data=st.data())
def test_unknown_keys_are_refused(cls, data):
    stored = data.draw(_strategy(cls)).to_dict()
    with pytest.raises(DeserializationError, match=r"at \$: unknown key 'colour'"):
        _read(cls, {**stored, "colour": "red"})


def _deep(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


def _wrong_type(json_value: Any) -> Any:
    """A JSON value of another type than ``json_value``, never valid where it was."""
    return 1 if isinstance(json_value, list) else [1]


HUGE = "x" * 10_000_000
MUTATIONS = ["wrong type", "missing", "NaN", "10 MB string", "deep nesting"]


@pytest.mark.parametrize("cls", CASES)
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_mutated_documents_give_only_path_naming_errors(cls, data):
    """One field mutated: a value, or a DeserializationError naming the JSON path."""
    stored = data.draw(_strategy(cls)).to_dict()
    for key in stored:
        if key == _codec.TAG:
            continue
        for mutation in MUTATIONS:
            document = dict(stored)
            if mutation == "missing":
                del document[key]
            else:
                document[key] = {
                    "wrong type": _wrong_type(stored[key]),
                    "NaN": math.nan,
                    "10 MB string": HUGE,
                    "deep nesting": _deep(MAX_DEPTH + 5),
                }[mutation]
            try:
                _read(cls, document)
            except DeserializationError as e:
                message = str(e)
            else:
                # Only what the field's type allows may pass: a missing key with
                # a default, or a huge text where the field holds text.
                assert mutation in {"missing", "10 MB string"}, (key, mutation)
                continue
            assert len(message) < 1_000, (key, mutation)
            if mutation == "missing":
                # Either the key itself, or (with a default) the rule it broke.
                assert f"at $.{key}: " in message or "at $: " in message
            elif mutation != "10 MB string" or "at $: " not in message:
                assert f"at $.{key}" in message, (key, mutation, message)


def test_a_family_is_read_by_its_tag():
    """The measures share one tag key, "type", read by measure_from and the table."""
    for measure in (NpsMeasure(), CsatMeasure(), MeanMeasure(), ShareMeasure()):
        data = measure.to_dict()
        assert data[_codec.TAG] == measure_from(data).to_dict()[_codec.TAG]
        assert measure_from(data) == measure
    with pytest.raises(DeserializationError, match="'type' must be 'nps'"):
        NpsMeasure.from_dict(CsatMeasure().to_dict())


def test_every_rule_condition_is_registered():
    """The conditions (servicekit.conditions) are one family of variants, by "type"."""
    exported = [
        getattr(servicekit.conditions, n) for n in servicekit.conditions.__all__
    ]
    values = {c for c in exported if isinstance(c, type) and hasattr(c, "to_dict")}
    values -= {servicekit.conditions.Condition}
    assert len(values) == 11
    assert values <= set(REGISTERED)
    tags = {_codec._SPECS[cls].tag for cls in values}
    assert None not in tags
    assert len(tags) == 11


def test_instants_in_a_repeated_hour_keep_the_instant():
    """Read back, an instant of the repeated hour is the same instant at its offset.

    Only the offset is stored, so ``==`` with the original (in its IANA zone) is
    False inside that hour, as PEP 495 has it for every pair of zones.
    """
    zone = ZoneInfo("America/New_York")
    for fold, offset in ((0, "-04:00"), (1, "-05:00")):
        at = dt.datetime(2024, 11, 3, 1, 30, tzinfo=zone, fold=fold)
        data = Complaint(customer="c", at=at).to_dict()
        assert data["at"] == f"2024-11-03T01:30:00{offset}"
        back = Complaint.from_dict(data).at
        assert back.timestamp() == at.timestamp()
        assert back.utcoffset() == at.utcoffset()

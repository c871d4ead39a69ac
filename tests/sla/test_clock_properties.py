"""Property tests of the SLA clocks against the brute-force reference (docs/sla.md).

``sla.sla_reference`` replays the rules literally; the strategies in
``strategies.py`` ("SLA event logs") draw small policy sets over a China split shift
with its 2025 holidays, a New York 24x7 calendar across DST and a London night shift,
and valid logs around holiday edges, lunch breaks, weekends and DST changes.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import pickle

import attrs
from hypothesis import example, given, settings
from hypothesis import strategies as st

from servicekit import Priority
from servicekit.sla import (
    BusinessCalendar,
    EventKind,
    Metric,
    MetricState,
    PolicySet,
    SlaClock,
    SlaPolicy,
    SlaReport,
    SlaTarget,
    TicketEvent,
    TicketStatus,
    evaluate,
    evaluate_many,
)
from sla.sla_reference import from_report, reference_report, replay, us, utc
from strategies import sla_cases, sla_event, sla_next_status

ONE_US = dt.timedelta(microseconds=1)
# The main comparison runs at least this many examples whatever the profile says.
MAIN_EXAMPLES = max(400, settings.default.max_examples)


def distinct_instants(events: list[TicketEvent]) -> list[TicketEvent]:
    """The log with event ``i`` moved ``i`` µs later: same order, no ties.

    The arithmetic is done in UTC: wall-clock arithmetic drops ``fold``.
    """
    return [attrs.evolve(e, at=utc(e.at) + i * ONE_US) for i, e in enumerate(events)]


def _downgrade_case():
    """URGENT (RESOLUTION 1 h, warn 50 %) downgraded at 10:40 to NORMAL (4 h).

    The 50 % warning was reported passed at 10:30; it must stay there, not move to
    12:00 and be scheduled again (the bug fixed in 7a140a8).
    """
    cal = BusinessCalendar.always_open("UTC")

    def policy(name, hours, when=None):
        target = SlaTarget(
            metric=Metric.RESOLUTION,
            within=dt.timedelta(hours=hours),
            business_hours=False,
            warn_at=(0.5,),
        )
        return SlaPolicy(name=name, calendar=cal, when=when, targets=[target])

    t0 = dt.datetime(2025, 3, 3, 10, tzinfo=dt.UTC)
    events = [
        TicketEvent(at=t0, kind=EventKind.CREATED, priority=Priority.URGENT),
        TicketEvent(
            at=t0 + dt.timedelta(minutes=40),
            kind=EventKind.PRIORITY_CHANGED,
            priority=Priority.NORMAL,
        ),
    ]
    policies = PolicySet(
        [policy("urgent", 1, {"priority": Priority.URGENT}), policy("normal", 4)]
    )
    return policies, events, t0 + dt.timedelta(minutes=45)


@settings(max_examples=MAIN_EXAMPLES, deadline=None)
@given(sla_cases())
@example(_downgrade_case())
def test_evaluate_matches_reference(case):
    """Guards every rule at once: evaluate() equals the brute-force replay of docs/sla.md.

    States, start/due/breach/stop instants, elapsed and remaining time, cycle counts,
    alerts and next_change_at must agree to the microsecond.
    """
    policies, events, now = case
    assert from_report(evaluate(policies, events, now)) == reference_report(
        policies, events, now
    )


@settings(deadline=None)
@given(sla_cases())
def test_assembled_report_is_the_constructors(case):
    """The fold builds its report without converters (issue 12): same value, same types."""
    policies, events, now = case
    report = evaluate(policies, events, now)
    again = SlaReport(
        policy=report.policy,
        status=report.status,
        timezone=report.timezone,
        metrics=dict(report.metrics),
        alerts=list(report.alerts),
        now_us=report._now,
        next_change_us=report._next,
    )
    assert report == again
    assert repr(report) == repr(again)
    assert report.to_dict() == again.to_dict()
    assert type(report.metrics) is type(again.metrics)
    assert type(report.alerts) is tuple
    assert list(report.metrics) == list(again.metrics)
    assert pickle.loads(pickle.dumps(report)) == report
    # The statuses and alerts are built without attrs' __init__ too (issue 13).
    for got in (*report.metrics.values(), *report.alerts):
        fields = {
            a.alias or a.name: getattr(got, a.name) for a in attrs.fields(type(got))
        }
        built = type(got)(**fields)
        assert got == built
        assert repr(got) == repr(built)
        assert got.to_dict() == built.to_dict()
        assert pickle.loads(pickle.dumps(got)) == built


@given(sla_cases(), st.data())
def test_evaluate_many_is_evaluate_per_ticket(case, data):
    """Guards evaluate_many: each report equals evaluate() of that ticket alone."""
    policies, events, now = case
    split = data.draw(st.integers(1, len(events)), label="prefix")
    other = events[:split]
    got = list(evaluate_many(policies, [events, other], now))
    assert got == [evaluate(policies, events, now), evaluate(policies, other, now)]


@settings(deadline=None)
@given(sla_cases(), st.data())
def test_incremental_replay_equals_evaluate(case, data):
    """Guards SlaClock: start on any prefix then apply the rest == evaluate on the whole.

    Also applies the rest one event at a time, and checks the clock started on the
    prefix still reports what evaluate() says about the prefix (apply returns a new
    clock and never mutates the old one).
    """
    policies, events, now = case
    k = data.draw(st.integers(1, len(events)), label="prefix length")
    whole = evaluate(policies, events, now)
    clock = SlaClock.start(policies, events[:k])
    assert clock.apply(events[k:]).report(now) == whole
    step = clock
    for e in events[k:]:
        step = step.apply(e)
    assert step.report(now) == whole
    assert clock.report(now) == evaluate(policies, events[:k], now)
    assert utc(step.last_event_at) == utc(events[-1].at)  # PEP 495: compare in UTC


@settings(deadline=None)
@given(sla_cases(), st.randoms(use_true_random=False))
def test_input_order_does_not_matter(case, rnd):
    """Guards rule 1: events with distinct instants give the same report in any order."""
    policies, events, now = case
    events = distinct_instants(events)
    now += len(events) * ONE_US
    shuffled = events.copy()
    rnd.shuffle(shuffled)
    assert evaluate(policies, shuffled, now) == evaluate(policies, events, now)
    assert SlaClock.start(policies, shuffled).report(now) == evaluate(
        policies, events, now
    )


@settings(deadline=None)
@given(sla_cases())
def test_elapsed_plus_remaining_is_the_target(case):
    """Guards rule 17: elapsed + remaining == within, percent_used == 100·elapsed/within.

    Also that elapsed is never negative and that a NOT_STARTED metric has used nothing.
    """
    policies, events, now = case
    report = evaluate(policies, events, now)
    for s in report.metrics.values():
        assert s.elapsed + s.remaining == s.target.within
        assert s.elapsed >= dt.timedelta(0)
        assert math.isclose(
            s.percent_used, 100 * us(s.elapsed) / us(s.target.within), rel_tol=1e-12
        )
        if s.state is MetricState.NOT_STARTED:
            assert s.elapsed == dt.timedelta(0)
            assert s.cycles == 0


@settings(deadline=None)
@given(sla_cases())
def test_report_is_consistent(case):
    """Guards rules 15-20 as invariants of one report.

    BREACHED iff breached_at is set; a breached metric is due at its breach; a running
    metric is due after now, a paused one has no due instant; breached_cycles <=
    cycles; alerts are sorted by instant then metric; next_change_at is the earliest
    alert after now.
    """
    policies, events, now = case
    r = evaluate(policies, events, now)
    now = utc(now)
    # Compare instants in UTC: same-zone datetimes compare wall clocks, ignoring fold.
    for s in r.metrics.values():
        assert (s.state is MetricState.BREACHED) == (s.breached_at is not None)
        assert 0 <= s.breached_cycles <= s.cycles
        if s.state is MetricState.BREACHED:
            assert s.due_at == s.breached_at
            assert utc(s.breached_at) <= now
        if s.state is MetricState.RUNNING:
            assert s.due_at is not None
            assert utc(s.due_at) > now
        if s.state is MetricState.PAUSED:
            assert s.due_at is None
        if s.state in {MetricState.MET, MetricState.BREACHED} and s.stopped_at:
            assert utc(s.stopped_at) <= now
    keys = [(utc(a.at), list(Metric).index(a.metric)) for a in r.alerts]
    assert keys == sorted(keys)
    later = [utc(a.at) for a in r.alerts if utc(a.at) > now]
    assert utc(r.next_change_at) == (min(later) if later else None)
    assert list(r.passed_alerts()) + list(r.upcoming_alerts()) == list(r.alerts)


@settings(deadline=None)
@given(sla_cases(), st.floats(0, 1, exclude_max=True), st.integers(1, 40 * 86_400))
def test_nothing_changes_before_next_change_at(case, fraction, far):
    """Guards rule 20: the discrete report is constant on [now, next_change_at).

    States, due/breach/stop instants, cycle counts, alerts and next_change_at are the
    same at any later instant before next_change_at (and just before it); at
    next_change_at the alert then falls at or before now. With no next change, the
    report stays the same for weeks.
    """
    policies, events, now = case
    report = evaluate(policies, events, now)
    base = from_report(report).discrete()
    nxt = utc(report.next_change_at)  # UTC: wall-clock arithmetic drops fold
    if nxt is None:
        later = [now + dt.timedelta(seconds=far)]
    else:
        span = us(nxt - now)
        later = [now + ONE_US * int(span * fraction), nxt - ONE_US]
    for t in later:
        assert from_report(evaluate(policies, events, t)).discrete() == base
    if nxt is not None:
        at_next = evaluate(policies, events, nxt)
        assert any(utc(a.at) == utc(nxt) for a in at_next.passed_alerts())
        after = at_next.next_change_at
        assert after is None or utc(after) > utc(nxt)


def with_pending_pause(policies: PolicySet) -> PolicySet:
    return PolicySet(
        [
            attrs.evolve(p, pause_on=p.pause_on | {TicketStatus.PENDING})
            for p in policies
        ]
    )


@settings(deadline=None)
@given(sla_cases(), st.data())
def test_a_pause_never_brings_resolution_forward(case, data):
    """Guards rules 13 and 16: an inserted PENDING..OPEN pause only delays RESOLUTION.

    The pause goes where the ticket is OPEN (between two events, or after the last),
    with PENDING in every policy's pause_on: RESOLUTION's due_at is never earlier,
    and a MET resolution never becomes BREACHED.
    """
    policies, events, now = case
    policies = with_pending_pause(policies)
    status = TicketStatus.OPEN
    slots = []  # (index after which to insert, earliest, latest)
    for i, e in enumerate(events):
        if e.kind is not EventKind.CREATED:
            status = sla_next_status(status, e.kind, e.status)
        end = events[i + 1].at if i + 1 < len(events) else now
        if status is TicketStatus.OPEN:
            slots.append((i, utc(e.at), utc(end)))  # UTC: wall arithmetic drops fold
    if not slots:
        return
    i, lo, hi = data.draw(st.sampled_from(slots), label="slot")
    span = us(hi - lo)
    a = data.draw(st.integers(0, span), label="pause start")
    b = data.draw(st.integers(a, span), label="pause end")
    pause = [
        sla_event(
            lo + a * ONE_US, EventKind.STATUS_CHANGED, status=TicketStatus.PENDING
        ),
        sla_event(lo + b * ONE_US, EventKind.STATUS_CHANGED, status=TicketStatus.OPEN),
    ]
    paused_log = [*events[: i + 1], *pause, *events[i + 1 :]]
    base = evaluate(policies, events, now).metrics.get(Metric.RESOLUTION)
    got = evaluate(policies, paused_log, now).metrics.get(Metric.RESOLUTION)
    if base is None or got is None:
        return
    assert got.elapsed <= base.elapsed
    if base.due_at is not None and got.due_at is not None:
        assert got.due_at >= base.due_at
    if base.state is MetricState.MET:
        assert got.state is not MetricState.BREACHED
    if got.breached_at is not None:
        assert base.breached_at is not None
        assert got.breached_at >= base.breached_at


@settings(deadline=None)
@given(sla_cases())
def test_reference_agrees_on_the_clock_after_each_event(case):
    """Guards the fold step by step: after every event, the report at that instant.

    A report at the instant of each event (not only at the end) must match the
    reference, so an intermediate state that later events happen to hide is caught.
    """
    policies, events, _now = case
    clock = SlaClock.start(policies, events[:1])
    for k in range(1, len(events) + 1):
        if k > 1:
            clock = clock.apply(events[k - 1])
        at = events[k - 1].at
        assert from_report(clock.report(at)) == replay(policies, events[:k]).report(at)


@settings(deadline=None)
@given(sla_cases())
def test_dict_round_trips(case):
    """Guards to_dict/from_dict: reports, events, policies and policy sets survive JSON."""
    policies, events, now = case
    report = evaluate(policies, events, now)
    back = SlaReport.from_dict(report.to_dict())
    assert back == report
    assert back.to_dict() == report.to_dict()
    for e in events:
        assert TicketEvent.from_dict(e.to_dict()) == e
    for p in policies:
        assert SlaPolicy.from_dict(p.to_dict()) == p
    assert PolicySet.from_dict(policies.to_dict()) == policies


@settings(deadline=None)
@given(sla_cases(), st.data())
def test_pickle_round_trips(case, data):
    """Guards pickling (Dask/Spark): a report, a clock and a policy set round-trip.

    The unpickled clock reports the same and still accepts the rest of the log.
    """
    policies, events, now = case
    k = data.draw(st.integers(1, len(events)), label="prefix length")
    report = evaluate(policies, events, now)
    assert pickle.loads(pickle.dumps(report)) == report
    ps = pickle.loads(pickle.dumps(policies))
    assert ps == policies
    assert evaluate(ps, events, now) == report
    clock = SlaClock.start(policies, events[:k])
    back = pickle.loads(pickle.dumps(clock))
    assert back.report(now) == clock.report(now)
    assert back.apply(events[k:]).report(now) == report


@settings(max_examples=max(300, settings.default.max_examples), deadline=None)
@given(sla_cases())
@example(_downgrade_case())
def test_a_policy_change_keeps_passed_warnings(case):
    """Guards rule 7: a change never moves a warning that was already reported passed.

    For every PRIORITY_CHANGED/TIER_CHANGED at instant t, the report at t just before
    the change and the report at t just after it agree on every warning at or before t
    (for a threshold the new target also has), unless the change breached the metric.
    """
    policies, events, _now = case
    for k, e in enumerate(events):
        if e.kind not in {EventKind.PRIORITY_CHANGED, EventKind.TIER_CHANGED}:
            continue
        t = e.at
        before = evaluate(policies, events[:k], t)
        after = evaluate(policies, events[: k + 1], t)
        for m, s in after.metrics.items():
            old = before.metrics.get(m)
            if old is None or s.state is MetricState.BREACHED:
                continue
            fractions = set(s.target.warn_at)
            passed = {
                (a.threshold, utc(a.at))
                for a in before.passed_alerts()
                if a.metric is m and a.kind.value == "warning"
            }
            now_passed = {
                (a.threshold, utc(a.at))
                for a in after.alerts
                if a.metric is m and a.kind.value == "warning"
            }
            assert {p for p in passed if p[0] in fractions} <= now_passed


@settings(deadline=None)
@given(sla_cases(), st.data())
def test_clock_json_round_trips(case, data):
    """Guards SlaClock.to_dict/from_dict (DESIGN §2: workflow state is JSON).

    A clock stored as JSON after any prefix of the log and read back reports what the
    original reports, and, given the rest of the log, what evaluate() says of it all.
    """
    policies, events, now = case
    k = data.draw(st.integers(1, len(events)), label="prefix length")
    clock = SlaClock.start(policies, events[:k])
    back = SlaClock.from_dict(json.loads(json.dumps(clock.to_dict())))
    assert back.report(now) == clock.report(now)
    assert back.to_dict() == clock.to_dict()
    assert back.apply(events[k:]).report(now) == evaluate(policies, events, now)

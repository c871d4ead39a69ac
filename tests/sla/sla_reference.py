"""Brute-force reference for the SLA clocks of ``docs/sla.md`` (rules 1-20, D1-D5).

Obviously correct and slow on purpose. The log is replayed event by event on a plain
state: the status, the facts, the policy in force and when it took force, and per
metric a list of cycles, each a list of running stretches ``[start, end]`` (UTC
``datetime``; ``end`` None while running) plus the instant it stopped. After every
event the pausable metrics' stretches are re-synchronised with "is the status in the
policy's ``pause_on``?", so status changes and policy changes pause and resume through
the same two lines.

A target's clock is ``calendar.between`` (public, already checked against the
brute-force calendar in ``reference.py``) for business-hours targets and plain
``datetime`` subtraction otherwise. The instant at which elapsed time reaches ``x``
is found by bisection, to the microsecond, on the monotone function "elapsed time at
``t``": never with ``calendar.add`` and never with anything from ``servicekit.sla``'s clock modules (``_clock``, ``_fold``, ``_report``).

:func:`reference_report` returns a :class:`RefReport`, plain data; :func:`from_report`
turns a real ``SlaReport`` into the same shape, so tests compare with ``==``.

A team's own metrics (``MetricDefinition``, rules D1-D5) are keyed by their name
beside the four built-in ones: after the built-in rules, each definition sees the
event (stop first, then start) with the facts ``kind``, ``status``, ``attributes``
and ``ticket`` (the ticket's facts and status after the event), and ``sync`` holds
it while the status is in its ``pause_on`` (the policy's when None). Solving stops
none of them. Every target is assumed to carry its metric's name.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from servicekit.sla import (
    EventKind,
    Metric,
    MetricDefinition,
    MetricState,
    PolicySet,
    SlaPolicy,
    SlaReport,
    SlaTarget,
    TicketEvent,
    TicketStatus,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "Invalid",
    "RefMetric",
    "RefReport",
    "RefTicket",
    "from_report",
    "reference_report",
    "utc",
]

UTC = dt.UTC
ONE_US = dt.timedelta(microseconds=1)
METRICS = (
    Metric.FIRST_RESPONSE,
    Metric.NEXT_RESPONSE,
    Metric.PERIODIC_UPDATE,
    Metric.RESOLUTION,
)
RANK = {m: i for i, m in enumerate(METRICS)}


def rank(m: Metric | str) -> tuple[int, str]:
    """Alerts' order between metrics: the built-in four, then a team's by name."""
    return (RANK[m], "") if m in RANK else (len(RANK), str(m))


PAUSABLE = (Metric.PERIODIC_UPDATE, Metric.RESOLUTION)  # rule 13
SOLVED = (TicketStatus.SOLVED, TicketStatus.CLOSED)  # rule 4


class Invalid(Exception):  # noqa: N818 - the reference's own, not servicekit's
    """The reference rejects the log (rules 2 and 4)."""


def utc(t: dt.datetime | None) -> dt.datetime | None:
    """A plain UTC ``datetime`` for the same instant (pendulum or not), or None."""
    if t is None:
        return None
    u = t.astimezone(UTC)
    return dt.datetime(
        u.year, u.month, u.day, u.hour, u.minute, u.second, u.microsecond, tzinfo=UTC
    )


def us(d: dt.timedelta) -> int:
    """A timedelta in integer microseconds."""
    return (d.days * 86_400 + d.seconds) * 1_000_000 + d.microseconds


# ---------------------------------------------------------------------------- clocks


def clock(target: SlaTarget, policy: SlaPolicy, a: dt.datetime, b: dt.datetime) -> int:
    """Microseconds counted by ``target``'s clock in ``[a, b)`` (rule 14)."""
    assert a <= b
    if target.business_hours:
        return us(policy.calendar.between(a, b))
    return us(b - a)


@dataclasses.dataclass
class Cycle:
    """One run of a metric's clock."""

    start: dt.datetime
    stretches: list[list[Any]]  # [start, end or None while running]
    stop: dt.datetime | None = None
    breach: dt.datetime | None = None  # decided breach instant: final (rule 16)
    due_at_stop: dt.datetime | None = None  # due instant when it stopped running
    # Warning instants already reported as passed when a policy change replaced the
    # target: fraction -> instant (rule 7 keeps them where they were).
    kept: dict[float, dt.datetime] = dataclasses.field(default_factory=dict)
    # Reopened after a policy change made while it was stopped: the change's effects
    # happen when it runs again (rule 7).
    floor: dt.datetime | None = None

    def running(self) -> bool:
        return bool(self.stretches) and self.stretches[-1][1] is None

    def elapsed(self, target: SlaTarget, policy: SlaPolicy, now: dt.datetime) -> int:
        """Elapsed time at ``now``: the sum of the clock over the stretches (rule 14)."""
        total = 0
        for a, b in self.stretches:
            end = now if b is None else min(b, now)
            if a < end:
                total += clock(target, policy, a, end)
        return total

    def crossing(
        self, target: SlaTarget, policy: SlaPolicy, x: int
    ) -> dt.datetime | None:
        """The earliest instant at which elapsed time reaches ``x`` > 0 (rules 15, 18).

        None when the finished stretches do not reach it and the cycle is not
        running. Within the stretch where it is reached, bisect to the microsecond.
        """
        assert x > 0
        used = 0
        for a, b in self.stretches:
            need = x - used
            if b is None:  # open-ended: find an instant where it is reached
                step = need
                hi = a + ONE_US * step  # a clock never counts faster than real time
                while clock(target, policy, a, hi) < need:
                    step *= 2
                    hi = a + ONE_US * step
            else:
                n = clock(target, policy, a, b)
                if n < need:
                    used += n
                    continue
                hi = b
            lo = a  # clock(a, lo) < need <= clock(a, hi)
            while hi - lo > ONE_US:
                mid = lo + ONE_US * (us(hi - lo) // 2)
                if clock(target, policy, a, mid) >= need:
                    hi = mid
                else:
                    lo = mid
            return hi
        return None


def threshold_us(target: SlaTarget, f: float) -> int:
    """``f × within`` rounded up to a microsecond: reached when elapsed >= it (rule 18).

    ``f`` is read as the decimal it is written as (0.9, not the double just below).
    """
    exact = Fraction(repr(f)) * us(target.within)
    return -((-exact.numerator) // exact.denominator)


# ---------------------------------------------------------------------------- replay


class RefTicket:
    """A ticket replayed event by event (rules 1-14)."""

    def __init__(self, policies: PolicySet, created: TicketEvent) -> None:
        if created.kind is not EventKind.CREATED:
            raise Invalid("first event is not CREATED")
        self.policies = policies
        self.facts: dict[str, Any] = {"attributes": created.attributes}
        for name in ("priority", "tier", "channel", "category"):
            if getattr(created, name) is not None:
                self.facts[name] = getattr(created, name)
        self.policy = self.select()
        t = utc(created.at)
        assert t is not None
        self.since = t  # when the policy in force took force (rule 7)
        self.changed_while_solved = False  # in event order, same instant included
        self.last = t
        self.status = TicketStatus.OPEN
        self.cycles: dict[Metric | str, list[Cycle]] = {m: [] for m in METRICS}
        self.cycles[Metric.FIRST_RESPONSE].append(Cycle(t, [[t, None]]))  # rule 8
        self.cycles[Metric.RESOLUTION].append(Cycle(t, [[t, None]]))  # rule 11
        # A team's definitions, by name, in the order the policies first name them.
        self.defs: dict[str, MetricDefinition] = {}
        for p in policies:
            for tg in p.targets:
                if isinstance(tg.metric, MetricDefinition):
                    self.defs.setdefault(tg.metric.name, tg.metric)
        for name in self.defs:
            self.cycles[name] = []
        self.defined(created, t)
        self.sync(t)

    def select(self) -> SlaPolicy:
        for p in self.policies:
            if p.matches(self.facts):
                return p
        raise AssertionError("strategies always end with a catch-all policy")

    def target(self, m: Metric | str) -> SlaTarget | None:
        return self.policy.target(m)

    def keys(self) -> list[Metric | str]:
        """The built-in metrics, then the team's definitions."""
        return [*METRICS, *self.defs]

    def defined(self, e: TicketEvent, t: dt.datetime) -> None:
        """Rules D1, D2: each definition's stop, then its start, on this event."""
        facts: dict[str, Any] = {"kind": e.kind, "attributes": e.attributes}
        if e.status is not None:
            facts["status"] = e.status
        facts["ticket"] = {**self.facts, "status": self.status}
        for name, d in self.defs.items():
            if self.live(name) is not None and d.stop_on.matches(facts):
                self.stop(name, t)
            if self.live(name) is None and d.start_on.matches(facts):
                self.start(name, t)

    def live(self, m: Metric | str) -> Cycle | None:
        """The metric's latest cycle if it has not stopped."""
        cs = self.cycles[m]
        return cs[-1] if cs and cs[-1].stop is None else None

    def clamp(self, t: dt.datetime | None, c: Cycle) -> dt.datetime | None:
        """Rule 7: nothing the policy in force decides happens before it took force,
        nor, for a cycle reopened after a change made while it was stopped, before it
        ran again."""
        if t is None:
            return None
        return max(t, self.since, c.floor or self.since)

    def due(self, m: Metric | str, c: Cycle) -> dt.datetime | None:
        """When ``c`` reaches the target of the policy in force (rules 7, 15)."""
        tg = self.target(m)
        if tg is None:
            return None
        return self.clamp(c.crossing(tg, self.policy, us(tg.within)), c)

    def warning(self, c: Cycle, tg: SlaTarget, f: float) -> dt.datetime | None:
        """Where the report shows warning ``f`` of ``c`` (rules 7, 18)."""
        if f in c.kept:
            return c.kept[f]
        return self.clamp(c.crossing(tg, self.policy, threshold_us(tg, f)), c)

    def stop(self, m: Metric | str, t: dt.datetime) -> None:
        c = self.live(m)
        if c is None:
            return
        if c.breach is None:
            b = self.due(m, c)
            if b is not None and b <= t:
                c.breach = b  # rule 16: stopped at or after the due instant
            elif c.running():
                c.due_at_stop = b
        if c.running():
            c.stretches[-1][1] = t
        c.stop = t

    def start(self, m: Metric | str, t: dt.datetime) -> None:
        self.cycles[m].append(Cycle(t, []))  # sync() opens its stretch if it runs

    def sync(self, t: dt.datetime) -> None:
        """Every live cycle runs unless it is pausable and the status pauses it."""
        for m in self.keys():
            c = self.live(m)
            if c is None:
                continue
            if not isinstance(m, Metric):  # rule D3: its own pause statuses
                d = self.defs[m]
                pause_on = self.policy.pause_on if d.pause_on is None else d.pause_on
                should = self.status not in pause_on
            else:
                should = m not in PAUSABLE or self.status not in self.policy.pause_on
            if should and not c.running():
                c.stretches.append([t, None])
            elif not should and c.running():
                c.stretches[-1][1] = t

    def apply(self, e: TicketEvent) -> None:
        t = utc(e.at)
        assert t is not None
        assert t >= self.last
        k = e.kind
        if k is EventKind.CREATED:
            raise Invalid("second CREATED")
        if k is EventKind.CUSTOMER_MESSAGE:
            nobody_waits = (
                self.live(Metric.FIRST_RESPONSE) is None
                and self.live(Metric.NEXT_RESPONSE) is None
            )
            if self.status not in SOLVED and nobody_waits:
                self.start(Metric.NEXT_RESPONSE, t)  # rule 9
        elif k is EventKind.AGENT_REPLY:
            if self.status not in SOLVED:
                self.stop(Metric.FIRST_RESPONSE, t)  # rule 8
                self.stop(Metric.NEXT_RESPONSE, t)  # rule 9
                self.stop(Metric.PERIODIC_UPDATE, t)  # rule 10
                self.start(Metric.PERIODIC_UPDATE, t)
        elif k is EventKind.STATUS_CHANGED:
            new = e.status
            assert new is not None
            old = self.status
            if old is TicketStatus.CLOSED and new is not TicketStatus.CLOSED:
                raise Invalid("status change on a CLOSED ticket")
            if new in SOLVED and old not in SOLVED:
                for m in METRICS:
                    self.stop(m, t)  # rule 12
            if old is TicketStatus.SOLVED and new not in SOLVED:
                self.resume(t)  # rule 11
            self.status = new
        elif k is EventKind.REOPENED:
            if self.status is not TicketStatus.SOLVED:
                raise Invalid("REOPENED on a ticket that is not SOLVED")
            self.status = TicketStatus.OPEN
            self.resume(t)  # rule 11
            if self.live(Metric.NEXT_RESPONSE) is None:
                self.start(Metric.NEXT_RESPONSE, t)  # rule 9
        elif k in {
            EventKind.PRIORITY_CHANGED,
            EventKind.TIER_CHANGED,
            EventKind.FACTS_CHANGED,
        }:  # rule 6
            if k is EventKind.PRIORITY_CHANGED:
                self.facts["priority"] = e.priority
            elif k is EventKind.TIER_CHANGED:
                self.facts["tier"] = e.tier
            else:  # the facts it names replace the ticket's, the others stay
                for name in ("priority", "tier", "channel", "category"):
                    if getattr(e, name) is not None:
                        self.facts[name] = getattr(e, name)
                self.facts["attributes"] = {**self.facts["attributes"], **e.attributes}
            new_policy = self.select()
            if new_policy is not self.policy:
                for m in self.keys():
                    c = self.live(m)
                    if c is None and m is Metric.RESOLUTION:
                        c = self.cycles[m][-1]  # solved: may be reopened later
                    tg = self.target(m)
                    if c is None or tg is None or c.breach is not None:
                        continue
                    b = self.due(m, c)
                    if c.stop is None and b is not None and b <= t:
                        c.breach = b  # already breached: stays breached
                        continue
                    for f in tg.warn_at:  # rule 7: passed warnings stay where they were
                        w = self.warning(c, tg, f)
                        if w is not None and w <= t:
                            c.kept[f] = w
                self.policy = new_policy
                self.since = t
                if self.status in SOLVED:
                    self.changed_while_solved = True
        self.defined(e, t)
        self.sync(t)
        self.last = t

    def resume(self, t: dt.datetime) -> None:
        """Reopening resumes RESOLUTION with its time (sync() opens its stretch)."""
        c = self.cycles[Metric.RESOLUTION][-1]
        assert c.stop is not None
        if self.changed_while_solved:  # the policy changed while it was stopped
            c.floor = t
            self.changed_while_solved = False
        c.stop = None
        c.due_at_stop = None

    # -- report -----------------------------------------------------------------------

    def report(self, now: dt.datetime) -> RefReport:
        now = utc(now)  # type: ignore[assignment]
        if now < self.last:
            raise Invalid("now is before the last event")
        metrics: dict[Metric | str, RefMetric] = {}
        alerts: list[tuple[Any, ...]] = []
        for m in self.keys():
            tg = self.target(m)
            if tg is not None:
                metrics[m] = self.metric(m, tg, now, alerts)
        alerts.sort()
        later = [a[0] for a in alerts if a[0] > now]
        return RefReport(
            policy=self.policy.name,
            status=self.status.value,
            metrics=metrics,
            alerts=tuple(alerts),
            next_change_at=min(later) if later else None,
        )

    def metric(
        self,
        m: Metric | str,
        tg: SlaTarget,
        now: dt.datetime,
        alerts: list[tuple[Any, ...]],
    ) -> RefMetric:
        within = us(tg.within)
        cs = self.cycles[m]
        if not cs:
            return RefMetric(
                MetricState.NOT_STARTED.value, None, None, None, None, 0, within, 0, 0
            )
        c = cs[-1]
        n = len(cs)
        elapsed = c.elapsed(tg, self.policy, now)
        breach = c.breach
        due: dt.datetime | None
        if c.stop is not None:
            state = MetricState.MET if breach is None else MetricState.BREACHED
            due = c.due_at_stop if breach is None else breach
        else:
            if breach is None:
                b = self.due(m, c)
                if b is not None and b <= now:
                    breach = b  # rule 16
            if breach is not None:
                state, due = MetricState.BREACHED, breach
            elif c.running():
                state, due = MetricState.RUNNING, self.due(m, c)
            else:
                state, due = MetricState.PAUSED, None  # rule 15
            if breach is None:  # rule 19: warnings, and the breach while running
                for f in tg.warn_at:
                    w = self.warning(c, tg, f)
                    if w is not None:
                        alerts.append((w, rank(m), "warning", f, n))
                if due is not None:
                    alerts.append((due, rank(m), "breach", 1.0, n))
        if breach is not None:
            alerts.append((breach, rank(m), "breach", 1.0, n))
        earlier = sum(1 for x in cs[:-1] if x.breach is not None)
        return RefMetric(
            state=state.value,
            started_at=c.start,
            due_at=due,
            breached_at=breach,
            stopped_at=c.stop,
            elapsed=elapsed,
            remaining=within - elapsed,
            cycles=n,
            breached_cycles=earlier + (breach is not None),
        )


@dataclasses.dataclass(frozen=True)
class RefMetric:
    """One metric, instants in UTC, durations in microseconds."""

    state: str
    started_at: dt.datetime | None
    due_at: dt.datetime | None
    breached_at: dt.datetime | None
    stopped_at: dt.datetime | None
    elapsed: int
    remaining: int
    cycles: int
    breached_cycles: int


@dataclasses.dataclass(frozen=True)
class RefReport:
    """A report as plain data; alerts are ``(at, metric rank, kind, threshold, cycle)``."""

    policy: str
    status: str
    metrics: dict[Metric | str, RefMetric]
    alerts: tuple[tuple[Any, ...], ...]
    next_change_at: dt.datetime | None

    def discrete(self) -> tuple[Any, ...]:
        """The parts that change only at events and alerts (rule 20)."""
        return (
            self.policy,
            self.status,
            {
                m: dataclasses.replace(s, elapsed=0, remaining=0)
                for m, s in self.metrics.items()
            },
            self.alerts,
            self.next_change_at,
        )


def replay(policies: PolicySet, events: Iterable[TicketEvent]) -> RefTicket:
    """Sort (stably, rule 1) and replay ``events``; raises :class:`Invalid`."""
    # Rule 1: by instant, CREATED first among the events of its instant, else stable.
    ordered = sorted(events, key=lambda e: (utc(e.at), e.kind is not EventKind.CREATED))
    if not ordered:
        raise Invalid("empty log")
    ticket = RefTicket(policies, ordered[0])
    for e in ordered[1:]:
        ticket.apply(e)
    return ticket


def reference_report(
    policies: PolicySet, events: Iterable[TicketEvent], now: dt.datetime
) -> RefReport:
    """The reference's report at ``now``; raises :class:`Invalid` for a bad log."""
    return replay(policies, events).report(now)


def from_report(report: SlaReport) -> RefReport:
    """The real report in the reference's shape."""
    metrics = {
        m: RefMetric(
            state=s.state.value,
            started_at=utc(s.started_at),
            due_at=utc(s.due_at),
            breached_at=utc(s.breached_at),
            stopped_at=utc(s.stopped_at),
            elapsed=us(s.elapsed),
            remaining=us(s.remaining),
            cycles=s.cycles,
            breached_cycles=s.breached_cycles,
        )
        for m, s in report.metrics.items()
    }
    alerts = sorted(
        (utc(a.at), rank(a.metric), a.kind.value, a.threshold, a.cycle)
        for a in report.alerts
    )
    return RefReport(
        policy=report.policy,
        status=report.status.value,
        metrics=metrics,
        alerts=tuple(alerts),
        next_change_at=utc(report.next_change_at),
    )

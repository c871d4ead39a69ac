"""The fold: a ticket's SLA clocks as a pure fold over its event log.

The fold works in integer microseconds since the epoch; each metric keeps its
*cycles*, and each cycle the stretches during which it ran. Elapsed time is the sum of
the target's clock over those stretches, so a pause never subtracts closed hours twice
(the frappe/erpnext bug), and a priority change can apply a new target, in another
clock, to the same stretches. The rules are numbered in ``docs/sla.md``; comments
cite them. [`Fold`][] is the engine behind [`evaluate`][servicekit.sla.evaluate]
and [`SlaClock`][servicekit.sla.SlaClock]; its report is built from the values of
``_report``. This module must never read the clock or do I/O: "now" is a parameter.
"""

from __future__ import annotations

import bisect
import operator
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice, repeat
from typing import Any, Final, cast

from servicekit._boundary import said
from servicekit.errors import (
    CalendarRangeError,
    DeserializationError,
    InvalidEventError,
    InvalidTypeError,
)
from servicekit.sla._model import (
    FIRST_US,
    LAST_US,
    METRIC_ORDER,
    SOLVED_STATUSES,
    CompiledPolicy,
    CompiledTarget,
    EventKind,
    Metric,
    MetricDefinition,
    MetricState,
    PolicySet,
    TicketEvent,
    TicketStatus,
    event_facts,
    facts_of,
    merged_attributes,
)
from servicekit.sla._report import (
    Alert,
    AlertKind,
    MetricStatus,
    SlaReport,
    alert_order,
    assembled_report,
    due_us,
    new_alert,
    new_status,
)
from servicekit.sla._timeline import datetime_at

__all__ = ["Cycle", "Cycles", "Fold", "fold_events"]

# The fold keeps its per-metric state in lists, one slot per Metric in METRIC_ORDER
# (a list index is cheaper than a Metric key on every event); these name the slots.
_SLOT: Final = {metric: slot for slot, metric in enumerate(METRIC_ORDER)}
FIRST_RESPONSE: Final = _SLOT[Metric.FIRST_RESPONSE]
NEXT_RESPONSE: Final = _SLOT[Metric.NEXT_RESPONSE]
PERIODIC_UPDATE: Final = _SLOT[Metric.PERIODIC_UPDATE]
RESOLUTION: Final = _SLOT[Metric.RESOLUTION]
_SLOTS: Final = range(len(METRIC_ORDER))
_PAUSABLE_METRICS: Final = (PERIODIC_UPDATE, RESOLUTION)
_STARTS_AT_CREATION: Final = (FIRST_RESPONSE, RESOLUTION)
# The events that can change the ticket's status or its policy (rules 4, 6).
_PAUSING_KINDS: Final = frozenset(
    {
        EventKind.CREATED,
        EventKind.STATUS_CHANGED,
        EventKind.REOPENED,
        EventKind.PRIORITY_CHANGED,
        EventKind.TIER_CHANGED,
        EventKind.FACTS_CHANGED,
    }
)


# Enum members as module globals: reading one off its class costs ~0.14 µs on
# Python 3.11, and the fold reads several per event.
_CREATED: Final = EventKind.CREATED
_AGENT_REPLY: Final = EventKind.AGENT_REPLY
_CUSTOMER_MESSAGE: Final = EventKind.CUSTOMER_MESSAGE
_STATUS_CHANGED: Final = EventKind.STATUS_CHANGED
_REOPENED: Final = EventKind.REOPENED
_PRIORITY_CHANGED: Final = EventKind.PRIORITY_CHANGED
_TIER_CHANGED: Final = EventKind.TIER_CHANGED
_FACTS_CHANGED: Final = EventKind.FACTS_CHANGED
_CLOSED: Final = TicketStatus.CLOSED
_SOLVED: Final = TicketStatus.SOLVED
_OPEN: Final = TicketStatus.OPEN
_NOT_STARTED: Final = MetricState.NOT_STARTED
_MET: Final = MetricState.MET
_BREACHED: Final = MetricState.BREACHED
_PAUSED: Final = MetricState.PAUSED
_RUNNING: Final = MetricState.RUNNING
_WARNING: Final = AlertKind.WARNING
_BREACH: Final = AlertKind.BREACH


class _Stretches:
    """Finished running stretches, shared by the copies of a cycle (append-only).

    A copy of a cycle shares this store and remembers how many stretches are its own,
    so copying costs O(1) (``SlaClock.apply`` copies the fold for every call). The
    first copy to append past a point shared with another copies the store first.
    ``sums`` caches, per target, the prefix sums of the stretches' spans in that
    target's clock, so elapsed time and crossings never re-add the whole history.
    """

    __slots__ = ("items", "sums")

    def __init__(self, items: list[tuple[int, int]]) -> None:
        self.items = items
        self.sums: dict[CompiledTarget, list[int]] = {}


# The store of every cycle that has not yet finished a stretch: never appended to
# (``Cycle.close`` gives a cycle its own store at its first stretch) and never summed
# (elapsed time and crossings read no sums without a stretch), so most cycles, which
# never pause, cost no store of their own.
_NO_STRETCHES: Final = _Stretches([])
_new_object: Final = object.__new__


class Cycle:
    """One run of a metric's clock. Mutable only inside the fold that owns it."""

    __slots__ = (
        "active",
        "breach",
        "due",
        "floor",
        "n",
        "passed",
        "run",
        "start",
        "stop",
    )

    def __init__(self, start: int, *, active: bool) -> None:
        self.start = start
        self.run = _NO_STRETCHES  # finished running stretches: run.items[:n]
        self.n = 0
        self.active: int | None = start if active else None  # running since
        self.stop: int | None = None
        self.breach: int | None = None  # decided breach instant (rule 16: final)
        self.due: int | None = None  # due instant when it stopped while running
        # Warning instants already passed when a policy change replaced the target:
        # fraction -> instant (rule 7 keeps them where they were reported).
        self.passed: dict[float, int] | None = None
        # Reopened after a policy change made while it was stopped: what the change
        # causes happens when it runs again, not while the ticket was solved (rule 7).
        self.floor: int | None = None

    def copy(self) -> Cycle:
        c = Cycle.__new__(Cycle)
        c.start = self.start
        c.run = self.run  # shared: see _Stretches
        c.n = self.n
        c.active = self.active
        c.stop = self.stop
        c.breach = self.breach
        c.due = self.due
        c.passed = None if self.passed is None else self.passed.copy()
        c.floor = self.floor
        return c

    def __getstate__(self) -> tuple[Any, ...]:
        # The span caches are keyed by compiled targets: ship the stretches only.
        return (
            self.start,
            self.closed,
            self.active,
            self.stop,
            self.breach,
            self.due,
            self.passed,
            self.floor,
        )

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        (
            self.start,
            closed,
            self.active,
            self.stop,
            self.breach,
            self.due,
            self.passed,
            self.floor,
        ) = state
        self.run = _Stretches(list(closed))
        self.n = len(closed)

    @property
    def closed(self) -> list[tuple[int, int]]:
        """The finished running stretches (a copy)."""
        return self.run.items[: self.n]

    def close(self, a: int, b: int) -> None:
        """Append the finished stretch ``[a, b)``."""
        n = self.n
        if n == 0:  # the first stretch: a store of its own (what a fork would give)
            # _Stretches([(a, b)]), without the class call (most cycles come here).
            run = _new_object(_Stretches)
            run.items = [(a, b)]
            run.sums = {}
            self.run = run
            self.n = 1
            return
        run = self.run
        if len(run.items) != n:  # another copy appended past our end: fork
            fork = _Stretches(run.items[:n])
            fork.sums = {ct: p[: n + 1] for ct, p in run.sums.items()}
            self.run = run = fork
        run.items.append((a, b))
        self.n = n + 1

    @classmethod
    def restore(
        cls,
        *,
        start: int,
        closed: Iterable[tuple[int, int]],
        active: int | None,
        stop: int | None,
        breach: int | None,
        due: int | None,
        passed: dict[float, int] | None,
        floor: int | None,
    ) -> Cycle:
        """A stored cycle, its stretches in order (the stored form checks them).

        [`check`][] then decides whether an event log could give it.
        """
        c = cls(start, active=False)
        for a, b in closed:
            c.close(a, b)
        c.active, c.stop, c.breach, c.due = active, stop, breach, due
        c.passed, c.floor = passed, floor
        return c

    def check(self, last: int, where: str) -> None:
        """Refuse a stored cycle whose instants contradict each other (issue 12)."""

        def bad(field: str, why: str) -> DeserializationError:
            return DeserializationError(f"state.{where}.{field} {why}")

        if self.start > last:
            raise bad("start", "is after the clock's last event")
        end = self.start
        for a, b in self.closed:
            if a < end or b > last:
                raise bad(
                    "closed",
                    "must list stretches in time order, from the cycle's start to "
                    "the clock's last event, without overlaps",
                )
            end = b
        for field in ("active", "stop"):
            v = getattr(self, field)
            if v is not None and not end <= v <= last:
                raise bad(
                    field,
                    "must lie between the end of the cycle's last stretch and the "
                    "clock's last event",
                )
        for field in ("breach", "floor"):
            v = getattr(self, field)
            if v is not None and not self.start <= v <= last:
                raise bad(
                    field,
                    "must lie between the cycle's start and the clock's last event",
                )
        if self.due is not None and self.stop is None:
            raise bad("due", "is set on a cycle that has not stopped")
        for f, w in (self.passed or {}).items():
            if not (0 < f < 1 and self.start <= w <= last):
                raise bad(
                    "passed",
                    "must hold fractions in (0, 1) passed between the cycle's start "
                    "and the clock's last event",
                )

    def pause(self, t: int) -> None:
        a = self.active
        if a is not None:
            if t > a:
                self.close(a, t)
            self.active = None

    def sums(self, ct: CompiledTarget) -> list[int]:
        """Prefix sums of the stretches' spans in ``ct``'s clock, at least ``n + 1`` long."""
        run = self.run
        p = run.sums.get(ct)
        if p is None:
            p = run.sums[ct] = [0]
        n = self.n
        if len(p) <= n:
            total = p[-1]
            for a, b in run.items[len(p) - 1 : n]:
                total += ct.span(a, b)
                p.append(total)
        return p

    def crossing(self, ct: CompiledTarget, x: int) -> int | None:
        """The earliest instant at which elapsed time reaches ``x`` (rules 15, 18).

        None if it is not reached in the finished stretches and the cycle is not running.
        """
        n = self.n
        if n == 0:  # never paused yet (most crossings): no stretches to search
            a = self.active
            return None if a is None else ct.add(a, x)
        p = self.sums(ct)
        i = bisect.bisect_left(p, x, 1, n + 1)  # spans are >= 0: p never decreases
        if i <= n:
            return ct.add(self.run.items[i - 1][0], x - p[i - 1])
        if self.active is not None:
            return ct.add(self.active, x - p[n])
        return None


class Cycles:
    """A metric's cycles, oldest first: the earlier ones shared by copies, the latest owned.

    Only the latest cycle ever changes, so a copy of the fold shares the list of
    earlier ones (append-only, as ``_Stretches``) and copies the latest alone.
    """

    __slots__ = ("breached", "done", "last", "n")

    def __init__(self) -> None:
        self.done: list[Cycle] = []  # earlier cycles: done[:n]
        self.n = 0
        self.breached = 0  # how many of the earlier cycles were breached
        self.last: Cycle | None = None

    @classmethod
    def of(cls, cycles: Iterable[Cycle]) -> Cycles:
        out = cls()
        for c in cycles:
            out.append(c)
        return out

    def __len__(self) -> int:
        return self.n + (self.last is not None)

    def __iter__(self) -> Iterator[Cycle]:
        yield from self.done[: self.n]
        if self.last is not None:
            yield self.last

    def __reduce__(self) -> tuple[Any, ...]:
        return (Cycles.of, (list(self),))

    def append(self, c: Cycle) -> None:
        last = self.last
        if last is not None:
            done = self.done
            if len(done) != self.n:  # another copy appended past our end: fork
                done = self.done = done[: self.n]
            done.append(last)
            self.n += 1
            self.breached += last.breach is not None
        self.last = c

    def copy(self) -> Cycles:
        out = Cycles.__new__(Cycles)
        out.done = self.done
        out.n = self.n
        out.breached = self.breached
        out.last = None if self.last is None else self.last.copy()
        return out


def new_cycle(start: int, active: int | None) -> Cycle:
    """``Cycle(start, active=...)`` with ``active`` given as ``start`` or None.

    Without the class call's machinery: a fold starts several cycles per ticket.
    The same fields as ``Cycle.__init__`` (tests/sla/test_fold_factories.py).
    """
    c: Cycle = _new_object(Cycle)
    c.start = start
    c.run = _NO_STRETCHES
    c.n = 0
    c.active = active
    c.stop = None
    c.breach = None
    c.due = None
    c.passed = None
    c.floor = None
    return c


def new_cycles(last: Cycle | None) -> Cycles:
    """``Cycles()`` with ``last`` as its latest cycle, without the class call."""
    cs: Cycles = _new_object(Cycles)
    cs.done = []
    cs.n = 0
    cs.breached = 0
    cs.last = last
    return cs


class Fold:
    """The state of one ticket's clocks after some prefix of its events."""

    __slots__ = (
        "attributes",
        "awaiting",
        "category",
        "changed_solved",
        "channel",
        "cycles",
        "extras",
        "first_done",
        "last",
        "pausable",
        "policies",
        "policy",
        "priority",
        "shared",
        "since",
        "status",
        "tier",
    )

    def __init__(self, policies: PolicySet, created: TicketEvent) -> None:
        if created.kind is not _CREATED:
            at = created.at.isoformat()
            msg = (
                f"a ticket's first event must be CREATED; got {created.kind.name} at {at}"
                " (events are sorted by instant: is CREATED missing or late?)"
            )
            said_as = said("error.sla.first_not_created", kind=created.kind.name, at=at)
            raise InvalidEventError(msg, message=said_as)
        t = created._us  # noqa: SLF001
        self.policies = policies
        self.priority = priority = created.priority
        self.tier = tier = created.tier
        self.channel = channel = created.channel
        self.category = category = created.category
        self.attributes = attributes = created.attributes
        # self.select(), inlined: the facts are the event's. When no condition reads
        # an attribute (SERVICE_STANDARD), index_for's memo is read here first.
        index = (
            policies._memo.get((priority, tier, channel, category, ()))  # noqa: SLF001
            if policies._keyed_attributes == ()  # noqa: SLF001
            else None
        )
        if index is None:
            index = policies.index_for(priority, tier, channel, category, attributes)
        self.policy: CompiledPolicy = policies._compiled[index]  # noqa: SLF001
        self.since = t  # when the current policy took force (rule 7)
        # The policy changed while the ticket was solved (in event order, so also a
        # change listed after the solve in the same instant): rule 7 floor on reopen.
        self.changed_solved = False
        self.last = t
        self.status = _OPEN
        self.awaiting = True  # the request itself awaits a reply
        self.first_done = False
        self.cycles = cycles = [
            new_cycles(new_cycle(t, t)),  # FIRST_RESPONSE
            new_cycles(None),  # NEXT_RESPONSE
            new_cycles(None),  # PERIODIC_UPDATE
            new_cycles(new_cycle(t, t)),  # RESOLUTION
        ]
        # policies.extras and policies.pausable, read without their properties' calls.
        self.extras = extras = policies._extras  # noqa: SLF001
        self.pausable = policies._pausable  # noqa: SLF001
        for _i, base, _condition, _kinds in extras:
            cycles.append(
                new_cycles(new_cycle(t, t) if base in _STARTS_AT_CREATION else None)
            )
        # Bit m set: cycles[m] is shared with the fold this one was copied from, and
        # must be copied before it changes (see own()).
        self.shared = 0
        if policies.defined:
            self.cycles.extend(Cycles() for _ in policies.defined)
            self.run_defined(created, t)  # rule D1: start_on may name CREATED

    def __getstate__(self) -> dict[str, Any]:
        # The compiled policy points at calendar engines: ship its index instead.
        state = {name: getattr(self, name) for name in Fold.__slots__}
        state["policy"] = self.policy.index
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)
        self.shared = 0
        self.policy = self.policies.compiled(state["policy"])

    @classmethod
    def restore(
        cls,
        policies: PolicySet,
        *,
        policy: str,
        created: TicketEvent,
        since: int,
        last: int,
        status: TicketStatus,
        changed_solved: bool,
        awaiting: bool,
        first_done: bool,
        cycles: Iterable[Iterable[Cycle]],
    ) -> Fold:
        """A stored fold, checked as a whole (see [`check`][]).

        Args:
            policies: the policy set the clock runs under.
            policy: the name of the policy in force.
            created: a CREATED event carrying the ticket's current facts.
            since: when that policy took force.
            last: the last event applied.
            status: the ticket's status.
            changed_solved: the policy changed while the ticket was solved.
            awaiting: a reply is awaited.
            first_done: the first response was given.
            cycles: each metric's cycles, in ``METRIC_ORDER``.

        Raises:
            DeserializationError: the policy set lacks the policy, or no event log
                could produce this state.
        """
        f = cls.__new__(cls)
        f.policies = policies
        f.priority = created.priority
        f.tier = created.tier
        f.channel = created.channel
        f.category = created.category
        f.attributes = created.attributes
        index = next((i for i, p in enumerate(policies) if p.name == policy), None)
        if index is None:
            msg = f"the stored clock ran under policy {policy!r}, which this policy set lacks"
            raise DeserializationError(msg)
        f.policy = policies.compiled(index)
        f.since = since
        f.last = last
        f.status = status
        f.changed_solved = changed_solved
        f.awaiting = awaiting
        f.first_done = first_done
        f.shared = 0
        f.extras = policies.extras
        f.pausable = policies.pausable
        f.cycles = [Cycles.of(c) for c in cycles]
        if len(f.cycles) != len(policies.tracks):
            msg = (
                f"state.tracks holds {len(f.cycles) - len(METRIC_ORDER)} further "
                "targets' cycles; this policy set has "
                f"{len(policies.tracks) - len(METRIC_ORDER)}"
            )
            raise DeserializationError(msg)
        if len(f.cycles[FIRST_RESPONSE]) != 1 or len(f.cycles[RESOLUTION]) != 1:
            msg = (
                "a stored clock has exactly one FIRST_RESPONSE and one RESOLUTION cycle"
            )
            raise DeserializationError(msg)
        f.check()
        return f

    def check(self) -> None:
        """Refuse stored state no event log could produce (issue 12).

        Otherwise a clock would report, say, a closed ticket whose resolution runs,
        with a negative ``percent_used``. Each message names the field.
        """
        w = "state"
        if self.since > self.last:
            msg = f"{w}.since is after {w}.last; a policy cannot take force after the last event"
            raise DeserializationError(msg)
        solved = self.status in SOLVED_STATUSES
        paused = self.paused()
        names = [f"cycles.{metric.value}" for metric in METRIC_ORDER] + [
            f"tracks[{j}]" for j in range(len(self.cycles) - len(METRIC_ORDER))
        ]
        first_defined = self.policies.first_defined
        for m, name in enumerate(names):
            cycles = list(self.cycles[m])
            for i, c in enumerate(cycles):
                where = f"{name}[{i}]"
                c.check(self.last, where)
                if c.stop is not None:
                    continue
                if i < len(cycles) - 1:
                    msg = f"{w}.{where}.stop is missing: only the latest cycle may run"
                    raise DeserializationError(msg)
                if m >= first_defined:  # a team's clock: its own pause statuses
                    held = self.defined_paused(
                        self.policies.defined[m - first_defined][1]
                    )
                elif solved:
                    msg = (
                        f"{w}.{where}.stop is missing, but {w}.status is "
                        f"{self.status.value}: solving stops every clock"
                    )
                    raise DeserializationError(msg)
                else:
                    held = m in self.pausable and paused
                if held != (c.active is None):
                    state = "paused" if held else "running"
                    msg = (
                        f"{w}.{where}.active contradicts {w}.status "
                        f"{self.status.value} and the policy: this clock is {state}"
                    )
                    raise DeserializationError(msg)
        fr = self.running(FIRST_RESPONSE) is not None
        nr = self.running(NEXT_RESPONSE) is not None
        if self.first_done == fr:
            msg = f"{w}.first_done contradicts the FIRST_RESPONSE cycle (stopped iff done)"
            raise DeserializationError(msg)
        if self.awaiting != (fr or nr):
            msg = (
                f"{w}.awaiting contradicts the cycles: a reply is awaited iff the "
                "FIRST_RESPONSE or NEXT_RESPONSE clock runs"
            )
            raise DeserializationError(msg)
        if self.cycles[NEXT_RESPONSE] and not self.first_done:
            msg = f"{w}.cycles.next_response has cycles before the first response"
            raise DeserializationError(msg)
        if self.changed_solved and not solved:
            msg = f"{w}.changed_solved is true on a ticket that is not solved"
            raise DeserializationError(msg)

    def select(self) -> int:
        return self.policies.index_for(
            self.priority, self.tier, self.channel, self.category, self.attributes
        )

    def copy(self) -> Fold:
        """A fold that changes independently of this one, in O(1) time.

        The cycles are shared until either side changes them (``own``): a clock that
        applies one event copies only what that event changes.
        """
        f = Fold.__new__(Fold)
        f.attributes = self.attributes
        f.awaiting = self.awaiting
        f.category = self.category
        f.changed_solved = self.changed_solved
        f.channel = self.channel
        f.cycles = self.cycles.copy()
        f.first_done = self.first_done
        f.last = self.last
        f.policies = self.policies
        f.policy = self.policy
        f.priority = self.priority
        f.since = self.since
        f.status = self.status
        f.tier = self.tier
        f.extras = self.extras
        f.pausable = self.pausable
        f.shared = -1  # every track's bit
        self.shared = -1
        return f

    def own(self, m: int) -> Cycles:
        """Metric ``m``'s cycles, copied first if shared with another fold."""
        bit = 1 << m
        if self.shared & bit:
            self.cycles[m] = self.cycles[m].copy()
            self.shared &= ~bit
        return self.cycles[m]

    def mine(self, m: int) -> Cycle:
        """Metric ``m``'s latest cycle, ready to change (see ``own``)."""
        c = self.own(m).last
        assert c is not None  # noqa: S101  (only called when there is one)
        return c

    # -- helpers --------------------------------------------------------------------

    def paused(self) -> bool:
        return self.status in self.policy.pause_on

    def running(self, m: int) -> Cycle | None:
        c = self.cycles[m].last
        if c is not None and c.stop is None:
            return c
        return None

    def clamp(self, b: int | None, c: Cycle) -> int | None:
        """Rule 7: nothing the policy in force decides happens before it took force."""
        if b is None:
            return None
        lo = self.since
        floor = c.floor
        if floor is not None and floor > lo:
            lo = floor
        return max(lo, b)

    def stop(self, m: int, t: int) -> None:
        # running() and mine() inlined: this runs for every reply and solve.
        c = self.cycles[m].last
        if c is None or c.stop is not None:
            return
        if self.shared & (1 << m):
            c = self.own(m).last
            assert c is not None  # noqa: S101  (a copy keeps the latest cycle)
        ct = self.policy.targets[m]
        a = c.active
        if ct is not None and c.breach is None:
            # c.crossing, self.clamp and ct.add, inlined.
            if c.n == 0:
                if a is None:
                    b = None
                else:
                    eng = ct.engine
                    b = a + ct.within if eng is None else eng.add_us(a, ct.within)
            else:
                b = c.crossing(ct, ct.within)
            if b is not None:
                lo = self.since
                floor = c.floor
                if floor is not None and floor > lo:
                    lo = floor
                if lo > b:  # noqa: PLR1730  (max() costs a call)
                    b = lo
                if b <= t:
                    c.breach = b
                elif a is not None:
                    c.due = b
        if a is not None:  # c.pause(t), inlined
            if t > a:
                c.close(a, t)
            c.active = None
        c.stop = t

    def start(self, m: int, t: int) -> None:
        paused = m in self.pausable and self.status in self.policy.pause_on
        cycles = self.own(m) if self.shared & (1 << m) else self.cycles[m]
        c = new_cycle(t, None if paused else t)
        if cycles.last is None:  # cycles.append(c), inlined for a first cycle (most)
            cycles.last = c
        else:
            cycles.append(c)

    def solve(self, t: int) -> None:
        # Rule 12: solving stops every clock but a team's (rule D4). Most are
        # stopped or never started: stop() is called for the running ones only.
        cycles = self.cycles
        for m in range(self.policies.first_defined):
            c = cycles[m].last
            if c is not None and c.stop is None:
                self.stop(m, t)
        self.awaiting = False
        self.first_done = True

    def resume_resolution(self, t: int) -> None:
        changed, paused = self.changed_solved, self.paused()
        self.changed_solved = False
        self.resume(RESOLUTION, t, changed=changed, paused=paused)
        for i, base, _condition, _kinds in self.extras:
            if base == RESOLUTION:  # its clock was stopped by the solve, or before
                self.resume(i, t, changed=changed, paused=paused)

    def resume(self, m: int, t: int, *, changed: bool, paused: bool) -> None:
        c = self.mine(m)
        if changed:
            c.floor = t
        c.stop = None
        c.due = None
        if not paused:
            c.active = t

    def reselect(self, t: int) -> None:
        index = self.select()
        old = self.policy
        if index == old.index:
            return
        for m in range(len(self.cycles)):
            ct = old.targets[m]
            c = self.cycles[m].last
            if ct is None or c is None:
                continue
            # A stopped RESOLUTION may be reopened: its passed warnings must stay too.
            if c.breach is not None or (c.stop is not None and m != RESOLUTION):
                continue
            if c.stop is None:
                b = self.clamp(c.crossing(ct, ct.within), c)
                if b is not None and b <= t:
                    self.mine(m).breach = b  # rule 6: already breached stays breached
                    continue
            for f, x in ct.warn:
                w = self.clamp(c.crossing(ct, x), c)
                if w is not None and w <= t:
                    c = self.mine(m)
                    if c.passed is None:
                        c.passed = {}
                    c.passed.setdefault(f, w)
        was_paused = self.paused()
        self.policy = self.policies.compiled(index)
        self.since = t
        if self.status in SOLVED_STATUSES:
            self.changed_solved = True
        self.repause(was_paused, t)

    def repause(self, was_paused: bool, t: int) -> None:
        """Pause or resume the pausable clocks if the pause state changed (rule 13)."""
        if was_paused == self.paused():
            return
        for m in self.pausable:
            if self.running(m) is not None:
                live = self.mine(m)
                if was_paused:
                    live.active = t
                else:
                    live.pause(t)

    # -- events ---------------------------------------------------------------------

    def apply(self, e: TicketEvent) -> None:
        t = e._us  # noqa: SLF001
        if t < self.last:
            msg = (
                f"event {e.kind.name} at {e.at.isoformat()} is earlier than an event "
                "already applied; apply events in time order (evaluate() sorts them)"
            )
            raise InvalidEventError(msg)
        kind = e.kind
        if kind is _CREATED:
            msg = f"a second CREATED event at {e.at.isoformat()}; a ticket is created once"
            raise InvalidEventError(msg)
        extras = self.extras
        policies = self.policies
        # A conditional FIRST_RESPONSE track (the manager's answer) never starts after
        # CREATED and stops on its own events: it needs no marks.
        marks = self.marks() if extras and policies.marked else None
        if kind is _AGENT_REPLY:
            self.agent_reply(t)
        elif kind is _CUSTOMER_MESSAGE:
            if self.status not in SOLVED_STATUSES and not self.awaiting:
                self.awaiting = True
                self.start(NEXT_RESPONSE, t)  # rule 9
        elif kind is _STATUS_CHANGED:
            assert e.status is not None  # noqa: S101  (TicketEvent requires it)
            self.change_status(e.status, t, e)
        elif kind is _REOPENED:
            self.reopen(t, e)
        elif kind is _PRIORITY_CHANGED:
            self.priority = e.priority
            self.reselect(t)
        elif kind is _TIER_CHANGED:
            self.tier = e.tier
            self.reselect(t)
        elif kind is _FACTS_CHANGED:
            self.change_facts(e)
            self.reselect(t)
        # CUSTOMER_NOTIFIED, SURVEY_SENT: no built-in clock moves (a team's may).
        if extras and kind in policies.follow_kinds:
            if marks is not None or e.attributes:
                self.follow(e, t, marks)
            else:
                # policies.stops_bare(-1, kind, e.status), its memo read here first:
                # most followed events have no attributes, and a call costs more.
                stops = policies._any_stop_memo.get((kind, e.status))  # noqa: SLF001
                if stops is None:
                    stops = policies.stops_bare(-1, kind, e.status)
                if stops:
                    self.follow(e, t, marks)
        if policies.defined:
            self.run_defined(e, t)
        self.last = t

    def change_facts(self, e: TicketEvent) -> None:
        """Rule 6: the facts a FACTS_CHANGED event names replace the ticket's."""
        if e.priority is not None:
            self.priority = e.priority
        if e.tier is not None:
            self.tier = e.tier
        if e.channel is not None:
            self.channel = e.channel
        if e.category is not None:
            self.category = e.category
        if e.attributes:
            self.attributes = merged_attributes(self.attributes, e.attributes)

    def marks(self) -> list[tuple[int, bool]]:
        """Before an event: each further track's metric's cycle count and if it runs."""
        cycles = self.cycles
        out = []
        for _i, base, _c, _k in self.extras:
            cs = cycles[base]
            last = cs.last
            if last is None:
                out.append((0, False))
            else:
                out.append((cs.n + 1, last.stop is None))
        return out

    def follow(
        self, e: TicketEvent, t: int, marks: list[tuple[int, bool]] | None
    ) -> None:
        """Further tracks follow their metric's own (rule 21).

        They start with it, and stop with it unless a condition says which events
        stop them.
        """
        facts: dict[str, Any] | None = None
        for j, (i, base, condition, kinds) in enumerate(self.extras):
            if marks is None:
                started = stopped = False
            else:
                n0, ran = marks[j]
                cs = self.cycles[base]
                last = cs.last
                started = last is not None and cs.n + 1 > n0
                stopped = ran and (started or last is None or last.stop is not None)
            mine = self.cycles[i].last
            running = mine is not None and mine.stop is None
            if running:
                if condition is None:
                    hit = stopped
                elif kinds is not None and e.kind not in kinds:
                    hit = False
                elif not e.attributes:  # facts are kind and status: memoised
                    hit = self.policies.stops_bare(i, e.kind, e.status)
                else:
                    if facts is None:
                        facts = event_facts(e)
                    hit = condition.matches(facts)
                if hit:
                    self.stop(i, t)
                    running = False
            if started and not running and self.status not in SOLVED_STATUSES:
                self.start(i, t)

    def defined_paused(self, d: MetricDefinition) -> bool:
        """Rule D3: whether a definition's clock is held at the ticket's status."""
        pause_on = self.policy.pause_on if d.pause_on is None else d.pause_on
        return self.status in pause_on

    def run_defined(self, e: TicketEvent, t: int) -> None:
        """The team's definitions see event ``e``, after the built-in rules (D1-D5)."""
        policies = self.policies
        kind = e.kind
        # Only these kinds change the status or the policy, so only they can pause
        # or resume a running clock; others matter only if a condition names them.
        pausing = kind in _PAUSING_KINDS
        if not pausing and kind not in policies.defined_kinds:
            return
        bare = not e.attributes
        key = (kind, e.status)
        facts: dict[str, Any] | None = None
        status = self.status
        for i, d, reads_ticket, own_pause, kinds in policies.defined:
            if kinds is not None and kind not in kinds:
                stops = starts = False  # its conditions name other kinds only
            elif bare and not reads_ticket:
                stops, starts = policies.defined_bare(i, d, key)
            else:
                if facts is None:
                    facts = event_facts(e)
                    facts["ticket"] = self.ticket_facts()
                stops = d.stop_on.matches(facts)
                starts = d.start_on.matches(facts)
            if not (stops or starts or pausing):
                continue
            c = self.cycles[i].last
            running = c is not None and c.stop is None
            if running and stops:  # rule D2: stop first, so both means restart
                self.stop(i, t)
                running = False
            held = status in (self.policy.pause_on if own_pause is None else own_pause)
            if not running:
                if starts:  # rule D1: a new cycle
                    cycles = self.own(i) if self.shared & (1 << i) else self.cycles[i]
                    cycles.append(new_cycle(t, None if held else t))
            elif c is not None and held != (c.active is None):  # rule D3
                live = self.mine(i)
                if held:
                    live.pause(t)
                else:
                    live.active = t

    def ticket_facts(self) -> dict[str, Any]:
        """The ticket's facts as a definition's ``ticket.<fact>`` reads them."""
        out = facts_of(
            self.priority, self.tier, self.channel, self.category, self.attributes
        )
        out["status"] = self.status
        return out

    def agent_reply(self, t: int) -> None:
        if self.status in SOLVED_STATUSES:
            return
        if self.awaiting:
            self.stop(
                NEXT_RESPONSE if self.first_done else FIRST_RESPONSE, t
            )  # rules 8, 9
            self.awaiting = False
            self.first_done = True
        c = self.cycles[PERIODIC_UPDATE].last
        if c is not None and c.stop is None:  # none before the first reply
            self.stop(PERIODIC_UPDATE, t)  # rule 10
        self.start(PERIODIC_UPDATE, t)

    def change_status(self, new: TicketStatus, t: int, e: TicketEvent) -> None:
        old = self.status
        if old is _CLOSED and new is not old:
            msg = f"STATUS_CHANGED to {new.name} at {e.at.isoformat()} on a CLOSED ticket; open a follow-up ticket"
            raise InvalidEventError(msg)
        if new is old:
            return
        if new in SOLVED_STATUSES:
            if old not in SOLVED_STATUSES:
                self.solve(t)  # rule 12
            self.status = new
            return
        was_paused = self.paused()
        self.status = new
        if old is _SOLVED:
            self.resume_resolution(t)  # rule 11
            return
        self.repause(was_paused, t)

    def reopen(self, t: int, e: TicketEvent) -> None:
        if self.status is not _SOLVED:
            msg = (
                f"REOPENED at {e.at.isoformat()} on a {self.status.name} ticket; only a "
                "SOLVED ticket can be reopened"
            )
            raise InvalidEventError(msg)
        self.status = _OPEN
        self.resume_resolution(t)
        if not self.awaiting:
            self.awaiting = True
            self.start(NEXT_RESPONSE, t)

    # -- report ---------------------------------------------------------------------

    def report(self, now: int) -> SlaReport:
        if now < self.last:
            msg = (
                f"now ({datetime_at(now, 'UTC').isoformat()}) is before the ticket's last "
                f"event ({datetime_at(self.last, 'UTC').isoformat()}); a report cannot "
                "describe a log from the future"
            )
            raise InvalidEventError(msg)
        pol = self.policy
        tz = pol.timezone
        cycles = self.cycles
        since = self.since
        metrics: dict[Metric | str, MetricStatus] = {}
        targets: dict[str, MetricStatus] = {}
        alerts: list[Alert] = []
        hi = now  # the latest instant the report shows (for check_range)
        # The first alert after now (first_after of the sorted alerts, inlined: the
        # earliest instant after now, whichever alert has it).
        nxt: int | None = None
        # Each target's status, built here rather than in a method of its own: this
        # runs for every target of every report, and the loop also needs its due.
        due: int | None
        breach: int | None
        for m, ct in pol.measured:
            metric = ct.metric
            cs = cycles[m]
            c = cs.last
            if c is None:
                due = None
                # The same for every ticket: built once per target (a value).
                status = ct.idle
                if status is None:
                    status = ct.idle = new_status(
                        metric,
                        _NOT_STARTED,
                        ct.target,
                        tz,
                        0,  # cycles
                        0,  # breached_cycles
                        0,  # elapsed_us
                        None,  # started_us
                        None,  # due_us
                        None,  # breached_us
                        None,  # stopped_us
                    )
            else:
                # len(cs), the finished stretches' sum and, for a cycle never paused,
                # c.crossing and self.clamp, inlined; ct.span and ct.add too.
                n = cs.n + 1
                done = c.n
                stop = c.stop
                eng = ct.engine
                if done == 0:
                    elapsed = 0
                elif done == 1 and stop is not None:
                    # One stretch (most stopped cycles), and no crossing to come
                    # that would reuse the prefix sums: its span, not c.sums(ct).
                    s0, s1 = c.run.items[0]
                    elapsed = s1 - s0 if eng is None else eng.between_us(s0, s1)
                else:
                    elapsed = c.sums(ct)[done]
                active = c.active
                if active is not None:
                    elapsed += (
                        now - active if eng is None else eng.between_us(active, now)
                    )
                breach = c.breach
                if stop is not None:
                    state = _MET if breach is None else _BREACHED
                    due = c.due if breach is None else breach
                else:
                    if breach is None:
                        if done == 0:
                            if active is None:
                                b = None
                            elif eng is None:
                                b = active + ct.within
                            else:
                                b = eng.add_us(active, ct.within)
                        else:
                            b = c.crossing(ct, ct.within)
                        if b is not None:
                            lo = since
                            floor = c.floor
                            if floor is not None and floor > lo:
                                lo = floor
                            if lo > b:  # noqa: PLR1730  (max() costs a call)
                                b = lo
                            if b <= now:
                                breach = b
                        due = b
                    else:
                        due = breach
                    if breach is not None:
                        state = _BREACHED
                    elif active is None:
                        state = _PAUSED
                        due = None
                    else:
                        state = _RUNNING
                    if breach is None:
                        # Rule 19: warnings of a running cycle, and those passed while
                        # paused.
                        for f, x in ct.warn:
                            kept = None if c.passed is None else c.passed.get(f)
                            if kept is not None:
                                # Rule 7: passed before a change, it stays where it
                                # was reported, even if the new target would put it
                                # later.
                                w: int | None = kept
                            else:
                                # First passed because of the change, it falls there.
                                w = self.clamp(c.crossing(ct, x), c)
                            if w is not None:
                                alerts.append(
                                    new_alert(_WARNING, metric, f, n, tz, w, ct.name)
                                )
                                if w > now:
                                    if nxt is None or w < nxt:
                                        nxt = w
                                    if w > hi:  # noqa: PLR1730  (max() costs a call)
                                        hi = w
                # Rule 19: the breach, passed or ahead; none for a met or paused cycle.
                end = breach if breach is not None or stop is not None else due
                if end is not None:
                    alerts.append(new_alert(_BREACH, metric, 1.0, n, tz, end, ct.name))
                    if end > now:
                        if nxt is None or end < nxt:
                            nxt = end
                        if end > hi:  # noqa: PLR1730
                            hi = end
                status = new_status(
                    metric,
                    state,
                    ct.target,
                    tz,
                    n,  # cycles
                    cs.breached + (breach is not None),  # breached_cycles
                    elapsed,
                    c.start,
                    due,
                    breach,
                    stop,
                )
                if due is not None and due > hi:
                    hi = due
            targets[ct.name] = status
            shown = metrics.get(metric)
            # A metric shows its earliest-due target; ties: the policy's order.
            if shown is None:
                metrics[metric] = status
            elif due is not None:  # _due_before(status, shown), inlined
                e = due_us(shown)
                if e is None or due < e:
                    metrics[metric] = status
        if pol.names is not None:  # the same targets, in the policy's order
            targets = {name: targets[name] for name in pol.names}
        if len(alerts) > 1:
            alerts.sort(key=alert_order)
        self.check_range(hi)
        return assembled_report(
            policy=pol.policy.name,
            status=self.status,
            timezone=tz,
            now_us=now,
            metrics=metrics,
            targets=targets,
            alerts=alerts,
            next_change_us=nxt,
        )

    def check_range(self, hi: int) -> None:
        """Every instant the report shows must be a datetime in any zone (DESIGN §2).

        ``hi`` is the latest of them: now, the latest alert, the latest due instant.
        """
        cs = self.cycles[RESOLUTION]  # its first cycle starts at CREATED
        first = cs.done[0] if cs.n else cs.last
        assert first is not None  # noqa: S101  (RESOLUTION starts at CREATED)
        lo = first.start
        if lo < FIRST_US or hi > LAST_US:
            bad = lo if lo < FIRST_US else hi
            msg = (
                f"this report would show an instant {bad} µs from 1970, outside the "
                "years a datetime can show in every zone (0001-01-02 … 9999-12-30 "
                "UTC); use nearer instants or a shorter SlaTarget.within"
            )
            raise CalendarRangeError(msg)


def fold_events(policies: PolicySet, events: Iterable[TicketEvent]) -> Fold:
    """The fold of a ticket's whole event log, sorted by instant (rule 1).

    Raises:
        InvalidTypeError: ``events`` is not a list of TicketEvent.
        InvalidEventError: the log is impossible.
    """
    given: object = events
    if type(given) is not list and (
        isinstance(given, TicketEvent | str | bytes | Mapping)
        or not isinstance(given, Iterable)
    ):
        msg = f"events must be a list of TicketEvent; got {type(given).__name__}"
        raise InvalidTypeError(msg)
    items: list[object] = list(given)
    # One pass in C over the common case; the loop only to name a stray item.
    if not all(map(isinstance, items, repeat(TicketEvent))):
        e = next(e for e in items if not isinstance(e, TicketEvent))
        msg = f"each event must be a TicketEvent (TicketEvent.from_dict reads JSON); got {e!r}"
        raise InvalidTypeError(msg)
    if not items:
        msg = "a ticket's event log is empty; it needs at least its CREATED event"
        raise InvalidEventError(msg)
    checked = cast("list[TicketEvent]", items)
    checked.sort(key=_EVENT_US)  # stable: ties keep input order (rule 1)
    first = checked[0]
    if first.kind is not _CREATED:
        # Rule 1: CREATED goes first among the events of its instant (an auto-reply
        # stamped in the same second as the ticket, listed before it).
        for i, e in enumerate(checked):
            if e._us != first._us:  # noqa: SLF001
                break
            if e.kind is _CREATED:
                checked.insert(0, checked.pop(i))
                break
    fold = Fold(policies, checked[0])
    apply = fold.apply
    for e in islice(checked, 1, None):
        apply(e)
    return fold


# The events' instants, read in C: sorting calls it once per event.
_EVENT_US: Final = operator.attrgetter("_us")

"""SLA clocks as a pure fold over a ticket's event log, and the reports they give.

The fold works in integer microseconds since the epoch; each metric keeps its
*cycles*, and each cycle the stretches during which it ran. Elapsed time is the sum of
the target's clock over those stretches, so a pause never subtracts closed hours twice
(the frappe/erpnext bug), and a priority change can apply a new target, in another
clock, to the same stretches. The rules are numbered in ``docs/sla.md``; comments
cite them. This module must never read the clock or do I/O: "now" is a parameter.
"""

from __future__ import annotations

import bisect
import datetime as dt
import operator
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final, Self, cast

import attrs

from servicekit._boundary import quote
from servicekit._iso import duration_from_iso, duration_to_iso, instant_from_iso
from servicekit._vocabulary import NamedEnum
from servicekit.errors import (
    CalendarRangeError,
    DeserializationError,
    InvalidEventError,
    InvalidTypeError,
)
from servicekit.sla._instants import instant_us
from servicekit.sla._model import (
    FIRST_US as _FIRST_US,
)
from servicekit.sla._model import (
    LAST_US as _LAST_US,
)
from servicekit.sla._model import (
    METRIC_ORDER,
    SOLVED_STATUSES,
    CompiledPolicy,
    CompiledTarget,
    EventKind,
    Metric,
    MetricState,
    PolicySet,
    SlaPolicy,
    SlaTarget,
    TicketEvent,
    TicketStatus,
    _FrozenDict,
    _get,
    _mapping,
    facts_of,
    get_list,
    plain_json,
    reads,
)
from servicekit.sla._timeline import datetime_at

if TYPE_CHECKING:
    import pendulum

__all__ = [
    "Alert",
    "AlertKind",
    "MetricStatus",
    "SlaClock",
    "SlaReport",
    "evaluate",
    "evaluate_many",
]

# The fold keeps its per-metric state in lists, one slot per Metric in METRIC_ORDER
# (a list index is cheaper than a Metric key on every event); these name the slots.
_SLOT: Final = {metric: slot for slot, metric in enumerate(METRIC_ORDER)}
FIRST_RESPONSE: Final = _SLOT[Metric.FIRST_RESPONSE]
NEXT_RESPONSE: Final = _SLOT[Metric.NEXT_RESPONSE]
PERIODIC_UPDATE: Final = _SLOT[Metric.PERIODIC_UPDATE]
RESOLUTION: Final = _SLOT[Metric.RESOLUTION]
_SLOTS: Final = range(len(METRIC_ORDER))
_PAUSABLE_METRICS: Final = (PERIODIC_UPDATE, RESOLUTION)
_ONE_US: Final = dt.timedelta(microseconds=1)
# The instants every zone (offsets within ±1 day) can show as a datetime.


# ---------------------------------------------------------------------------- fold


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


class _Cycle:
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
        self.run = _Stretches([])  # finished running stretches: run.items[:n]
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

    def copy(self) -> _Cycle:
        c = _Cycle.__new__(_Cycle)
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
        run = self.run
        n = self.n
        if len(run.items) != n:  # another copy appended past our end: fork
            fork = _Stretches(run.items[:n])
            fork.sums = {ct: p[: n + 1] for ct, p in run.sums.items()}
            self.run = run = fork
        run.items.append((a, b))
        self.n = n + 1

    def to_plain(self) -> dict[str, Any]:
        return {
            "start": _iso(self.start),
            "closed": [[_iso(a), _iso(b)] for a, b in self.closed],
            "active": _opt_iso(self.active),
            "stop": _opt_iso(self.stop),
            "breach": _opt_iso(self.breach),
            "due": _opt_iso(self.due),
            "passed": None
            if self.passed is None
            else [[f, _iso(w)] for f, w in sorted(self.passed.items())],
            "floor": _opt_iso(self.floor),
        }

    @classmethod
    def from_plain(cls, data: object) -> _Cycle:
        d = _mapping(data, "SlaClock cycle")
        c = cls(_us_of(_get(d, "start", "SlaClock cycle")), active=False)
        for pair in get_list(d, "closed", "SlaClock cycle"):
            if not isinstance(pair, list) or len(pair) != 2:
                msg = f"a closed stretch must be [start, end]; got {pair!r}"
                raise DeserializationError(msg)
            a, b = _us_of(pair[0]), _us_of(pair[1])
            if not c.start <= a < b:
                msg = f"a closed stretch must lie after the cycle's start and end after it begins; got {pair!r}"
                raise DeserializationError(msg)
            c.close(a, b)
        c.active = _opt_us_of(d.get("active"))
        c.stop = _opt_us_of(d.get("stop"))
        c.breach = _opt_us_of(d.get("breach"))
        c.due = _opt_us_of(d.get("due"))
        c.floor = _opt_us_of(d.get("floor"))
        passed = d.get("passed")
        if passed is not None:
            if not isinstance(passed, list):
                msg = f"passed warnings must be a list of [fraction, instant]; got {passed!r}"
                raise DeserializationError(msg)
            c.passed = {}
            for item in passed:
                if (
                    not isinstance(item, list)
                    or len(item) != 2
                    or isinstance(item[0], bool)
                    or not isinstance(item[0], int | float)
                ):
                    msg = f"a passed warning must be [fraction, instant]; got {item!r}"
                    raise DeserializationError(msg)
                c.passed[float(item[0])] = _us_of(item[1])
        if c.active is not None and c.stop is not None:
            msg = "a cycle cannot be running and stopped at once"
            raise DeserializationError(msg)
        return c

    def check(self, last: int, where: str) -> None:
        """Refuse a stored cycle whose instants contradict each other (issue 12)."""

        def bad(field: str, why: str) -> DeserializationError:
            return DeserializationError(f"SlaClock state.{where}.{field} {why}")

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

    def elapsed(self, ct: CompiledTarget) -> int:
        """Time counted in the finished stretches, in ``ct``'s clock."""
        return self.sums(ct)[self.n]

    def crossing(self, ct: CompiledTarget, x: int) -> int | None:
        """The earliest instant at which elapsed time reaches ``x`` (rules 15, 18).

        None if it is not reached in the finished stretches and the cycle is not running.
        """
        p = self.sums(ct)
        n = self.n
        i = bisect.bisect_left(p, x, 1, n + 1)  # spans are >= 0: p never decreases
        if i <= n:
            return ct.add(self.run.items[i - 1][0], x - p[i - 1])
        if self.active is not None:
            return ct.add(self.active, x - p[n])
        return None


class _Cycles:
    """A metric's cycles, oldest first: the earlier ones shared by copies, the latest owned.

    Only the latest cycle ever changes, so a copy of the fold shares the list of
    earlier ones (append-only, as ``_Stretches``) and copies the latest alone.
    """

    __slots__ = ("breached", "done", "last", "n")

    def __init__(self) -> None:
        self.done: list[_Cycle] = []  # earlier cycles: done[:n]
        self.n = 0
        self.breached = 0  # how many of the earlier cycles were breached
        self.last: _Cycle | None = None

    @classmethod
    def of(cls, cycles: Iterable[_Cycle]) -> _Cycles:
        out = cls()
        for c in cycles:
            out.append(c)
        return out

    def __len__(self) -> int:
        return self.n + (self.last is not None)

    def __iter__(self) -> Iterator[_Cycle]:
        yield from self.done[: self.n]
        if self.last is not None:
            yield self.last

    def __reduce__(self) -> tuple[Any, ...]:
        return (_Cycles.of, (list(self),))

    def append(self, c: _Cycle) -> None:
        last = self.last
        if last is not None:
            done = self.done
            if len(done) != self.n:  # another copy appended past our end: fork
                done = self.done = done[: self.n]
            done.append(last)
            self.n += 1
            self.breached += last.breach is not None
        self.last = c

    def copy(self) -> _Cycles:
        out = _Cycles.__new__(_Cycles)
        out.done = self.done
        out.n = self.n
        out.breached = self.breached
        out.last = None if self.last is None else self.last.copy()
        return out


class _Fold:
    """The state of one ticket's clocks after some prefix of its events."""

    __slots__ = (
        "attributes",
        "awaiting",
        "category",
        "changed_solved",
        "channel",
        "cycles",
        "first_done",
        "last",
        "policies",
        "policy",
        "priority",
        "shared",
        "since",
        "status",
        "tier",
    )

    def __init__(self, policies: PolicySet, created: TicketEvent) -> None:
        if created.kind is not EventKind.CREATED:
            at = created.at.isoformat()
            msg = (
                f"a ticket's first event must be CREATED; got {created.kind.name} at {at}"
                " (events are sorted by instant: is CREATED missing or late?)"
            )
            raise InvalidEventError(msg)
        t = created._us  # noqa: SLF001
        self.policies = policies
        self.priority = created.priority
        self.tier = created.tier
        self.channel = created.channel
        self.category = created.category
        self.attributes = created.attributes
        self.policy: CompiledPolicy = policies.compiled(self.select())
        self.since = t  # when the current policy took force (rule 7)
        # The policy changed while the ticket was solved (in event order, so also a
        # change listed after the solve in the same instant): rule 7 floor on reopen.
        self.changed_solved = False
        self.last = t
        self.status = TicketStatus.OPEN
        self.awaiting = True  # the request itself awaits a reply
        self.first_done = False
        first, resolution = _Cycles(), _Cycles()
        first.last = _Cycle(t, active=True)
        resolution.last = _Cycle(t, active=True)
        self.cycles: list[_Cycles] = [first, _Cycles(), _Cycles(), resolution]
        # Bit m set: cycles[m] is shared with the fold this one was copied from, and
        # must be copied before it changes (see own()).
        self.shared = 0

    def __getstate__(self) -> dict[str, Any]:
        # The compiled policy points at calendar engines: ship its index instead.
        state = {name: getattr(self, name) for name in _Fold.__slots__}
        state["policy"] = self.policy.index
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)
        self.shared = 0
        self.policy = self.policies.compiled(state["policy"])

    def to_plain(self) -> dict[str, Any]:
        attributes: Any = self.attributes
        return {
            "policy": self.policy.policy.name,
            "facts": {
                "priority": _opt_str(self.priority),
                "tier": _opt_str(self.tier),
                "channel": _opt_str(self.channel),
                "category": self.category,
                "attributes": plain_json(attributes),
            },
            "since": _iso(self.since),
            "changed_solved": self.changed_solved,
            "last": _iso(self.last),
            "status": self.status.value,
            "awaiting": self.awaiting,
            "first_done": self.first_done,
            "cycles": {
                m.value: [c.to_plain() for c in self.cycles[i]]
                for i, m in enumerate(METRIC_ORDER)
            },
        }

    @classmethod
    def from_plain(cls, policies: PolicySet, data: object) -> _Fold:
        d = _mapping(data, "SlaClock state")
        w = "SlaClock state"
        facts = _mapping(_get(d, "facts", w), "SlaClock facts")
        # A CREATED event validates and converts the facts exactly as the log did.
        created = TicketEvent(
            at=datetime_at(_us_of(_get(d, "last", w)), "UTC"),
            kind=EventKind.CREATED,
            priority=facts.get("priority"),
            tier=facts.get("tier"),
            channel=facts.get("channel"),
            category=facts.get("category"),
            attributes=_or_empty(facts.get("attributes")),
        )
        f = cls.__new__(cls)
        f.policies = policies
        f.priority = created.priority
        f.tier = created.tier
        f.channel = created.channel
        f.category = created.category
        f.attributes = created.attributes
        name = _get(d, "policy", w)
        index = next((i for i, p in enumerate(policies) if p.name == name), None)
        if index is None:
            msg = f"the stored clock ran under policy {name!r}, which this policy set lacks"
            raise DeserializationError(msg)
        f.policy = policies.compiled(index)
        f.since = _us_of(_get(d, "since", w))
        f.last = _us_of(_get(d, "last", w))
        f.status = TicketStatus.parse(_get(d, "status", w))
        flags = {k: _get(d, k, w) for k in ("changed_solved", "awaiting", "first_done")}
        for k, v in flags.items():
            if not isinstance(v, bool):
                msg = f"{w}.{k} must be true or false; got {v!r}"
                raise DeserializationError(msg)
        f.changed_solved = flags["changed_solved"]
        f.awaiting = flags["awaiting"]
        f.first_done = flags["first_done"]
        f.shared = 0
        cycles = _mapping(_get(d, "cycles", w), "SlaClock cycles")
        f.cycles = [
            _Cycles.of(
                _Cycle.from_plain(c)
                for c in get_list(cycles, m.value, "SlaClock cycles")
            )
            for m in METRIC_ORDER
        ]
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
        w = "SlaClock state"
        if self.since > self.last:
            msg = f"{w}.since is after {w}.last; a policy cannot take force after the last event"
            raise DeserializationError(msg)
        solved = self.status in SOLVED_STATUSES
        paused = self.paused()
        for m, metric in enumerate(METRIC_ORDER):
            cycles = list(self.cycles[m])
            for i, c in enumerate(cycles):
                where = f"cycles.{metric.value}[{i}]"
                c.check(self.last, where)
                if c.stop is not None:
                    continue
                if i < len(cycles) - 1:
                    msg = f"{w}.{where}.stop is missing: only the latest cycle may run"
                    raise DeserializationError(msg)
                if solved:
                    msg = (
                        f"{w}.{where}.stop is missing, but {w}.status is "
                        f"{self.status.value}: solving stops every clock"
                    )
                    raise DeserializationError(msg)
                held = m in _PAUSABLE_METRICS and paused
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

    def facts(self) -> dict[str, Any]:
        return facts_of(
            self.priority, self.tier, self.channel, self.category, self.attributes
        )

    def copy(self) -> _Fold:
        """A fold that changes independently of this one, in O(1) time.

        The cycles are shared until either side changes them (``own``): a clock that
        applies one event copies only what that event changes.
        """
        f = _Fold.__new__(_Fold)
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
        f.shared = 0b1111
        self.shared = 0b1111
        return f

    def own(self, m: int) -> _Cycles:
        """Metric ``m``'s cycles, copied first if shared with another fold."""
        bit = 1 << m
        if self.shared & bit:
            self.cycles[m] = self.cycles[m].copy()
            self.shared &= ~bit
        return self.cycles[m]

    def mine(self, m: int) -> _Cycle:
        """Metric ``m``'s latest cycle, ready to change (see ``own``)."""
        c = self.own(m).last
        assert c is not None  # noqa: S101  (only called when there is one)
        return c

    # -- helpers --------------------------------------------------------------------

    def paused(self) -> bool:
        return self.status in self.policy.pause_on

    def running(self, m: int) -> _Cycle | None:
        c = self.cycles[m].last
        if c is not None and c.stop is None:
            return c
        return None

    def clamp(self, b: int | None, c: _Cycle) -> int | None:
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
        if ct is not None and c.breach is None:
            was_running = c.active is not None
            b = self.clamp(c.crossing(ct, ct.within), c)
            if b is not None and b <= t:
                c.breach = b
            elif was_running:
                c.due = b
        c.pause(t)
        c.stop = t

    def start(self, m: int, t: int) -> None:
        paused = m in _PAUSABLE_METRICS and self.status in self.policy.pause_on
        cycles = self.own(m) if self.shared & (1 << m) else self.cycles[m]
        cycles.append(_Cycle(t, active=not paused))

    def solve(self, t: int) -> None:
        for m in _SLOTS:
            self.stop(m, t)
        self.awaiting = False
        self.first_done = True

    def resume_resolution(self, t: int) -> None:
        c = self.mine(RESOLUTION)
        if self.changed_solved:
            c.floor = t
            self.changed_solved = False
        c.stop = None
        c.due = None
        if not self.paused():
            c.active = t

    def reselect(self, t: int) -> None:
        index = self.select()
        old = self.policy
        if index == old.index:
            return
        for m in _SLOTS:
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
        for m in _PAUSABLE_METRICS:
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
        if kind is EventKind.CREATED:
            msg = f"a second CREATED event at {e.at.isoformat()}; a ticket is created once"
            raise InvalidEventError(msg)
        if kind is EventKind.AGENT_REPLY:
            self.agent_reply(t)
        elif kind is EventKind.CUSTOMER_MESSAGE:
            if self.status not in SOLVED_STATUSES and not self.awaiting:
                self.awaiting = True
                self.start(NEXT_RESPONSE, t)  # rule 9
        elif kind is EventKind.STATUS_CHANGED:
            assert e.status is not None  # noqa: S101  (TicketEvent requires it)
            self.change_status(e.status, t, e)
        elif kind is EventKind.REOPENED:
            self.reopen(t, e)
        elif kind is EventKind.PRIORITY_CHANGED:
            self.priority = e.priority
            self.reselect(t)
        else:  # TIER_CHANGED
            self.tier = e.tier
            self.reselect(t)
        self.last = t

    def agent_reply(self, t: int) -> None:
        if self.status in SOLVED_STATUSES:
            return
        if self.awaiting:
            self.stop(
                NEXT_RESPONSE if self.first_done else FIRST_RESPONSE, t
            )  # rules 8, 9
            self.awaiting = False
            self.first_done = True
        self.stop(PERIODIC_UPDATE, t)  # rule 10
        self.start(PERIODIC_UPDATE, t)

    def change_status(self, new: TicketStatus, t: int, e: TicketEvent) -> None:
        old = self.status
        if old is TicketStatus.CLOSED and new is not old:
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
        if old is TicketStatus.SOLVED:
            self.resume_resolution(t)  # rule 11
            return
        self.repause(was_paused, t)

    def reopen(self, t: int, e: TicketEvent) -> None:
        if self.status is not TicketStatus.SOLVED:
            msg = (
                f"REOPENED at {e.at.isoformat()} on a {self.status.name} ticket; only a "
                "SOLVED ticket can be reopened"
            )
            raise InvalidEventError(msg)
        self.status = TicketStatus.OPEN
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
        metrics: dict[Metric, MetricStatus] = {}
        alerts: list[Alert] = []
        for m, ct in enumerate(pol.targets):
            if ct is not None:
                metrics[ct.metric] = self.metric_status(m, ct, now, tz, alerts)
        alerts.sort(key=_alert_order)
        self.check_range(now, metrics, alerts)
        nxt = None
        for a in alerts:
            if a._at > now:  # noqa: SLF001
                nxt = a._at  # noqa: SLF001
                break
        return _assembled_report(
            policy=pol.policy.name,
            status=self.status,
            timezone=tz,
            now_us=now,
            metrics=metrics,
            alerts=alerts,
            next_change_us=nxt,
        )

    def check_range(
        self, now: int, metrics: Mapping[Metric, MetricStatus], alerts: list[Alert]
    ) -> None:
        """Every instant the report shows must be a datetime in any zone (DESIGN §2)."""
        hi = now
        if alerts and alerts[-1]._at > hi:  # noqa: SLF001
            hi = alerts[-1]._at  # noqa: SLF001
        for s in metrics.values():
            d = s._due  # noqa: SLF001
            if d is not None and d > hi:
                hi = d
        first = next(iter(self.cycles[RESOLUTION]))
        lo = first.start  # CREATED
        if lo < _FIRST_US or hi > _LAST_US:
            bad = lo if lo < _FIRST_US else hi
            msg = (
                f"this report would show an instant {bad} µs from 1970, outside the "
                "years a datetime can show in every zone (0001-01-02 … 9999-12-30 "
                "UTC); use nearer instants or a shorter SlaTarget.within"
            )
            raise CalendarRangeError(msg)

    def metric_status(
        self, m: int, ct: CompiledTarget, now: int, tz: str, alerts: list[Alert]
    ) -> MetricStatus:
        metric = ct.metric
        cs = self.cycles[m]
        c = cs.last
        if c is None:
            return MetricStatus(
                metric=metric,
                state=MetricState.NOT_STARTED,
                target=ct.target,
                timezone=tz,
                elapsed_us=0,
            )
        n = len(cs)
        earlier = cs.breached
        elapsed = c.elapsed(ct)
        if c.active is not None:
            elapsed += ct.span(c.active, now)
        due: int | None
        breach: int | None
        if c.stop is not None:
            breach = c.breach
            state = MetricState.MET if breach is None else MetricState.BREACHED
            due = c.due if breach is None else breach
        else:
            breach = c.breach
            if breach is None:
                b = self.clamp(c.crossing(ct, ct.within), c)
                if b is not None and b <= now:
                    breach = b
                due = b
            else:
                due = breach
            if breach is not None:
                state = MetricState.BREACHED
            elif c.active is None:
                state = MetricState.PAUSED
                due = None
            else:
                state = MetricState.RUNNING
            if breach is None:
                # Rule 19: warnings of a running cycle, and those passed while paused.
                for f, x in ct.warn:
                    kept = None if c.passed is None else c.passed.get(f)
                    if kept is not None:
                        # Rule 7: passed before a change, it stays where it was
                        # reported, even if the new target would put it later.
                        w: int | None = kept
                    else:
                        # First passed because of the change, it falls there.
                        w = self.clamp(c.crossing(ct, x), c)
                    if w is not None:
                        alerts.append(
                            Alert(
                                kind=AlertKind.WARNING,
                                metric=metric,
                                threshold=f,
                                cycle=n,
                                timezone=tz,
                                at_us=w,
                            )
                        )
        # Rule 19: the breach, passed or ahead; none for a met or paused cycle.
        end = breach if breach is not None or c.stop is not None else due
        if end is not None:
            alerts.append(
                Alert(
                    kind=AlertKind.BREACH,
                    metric=metric,
                    threshold=1.0,
                    cycle=n,
                    timezone=tz,
                    at_us=end,
                )
            )
        return MetricStatus(
            metric=metric,
            state=state,
            target=ct.target,
            timezone=tz,
            cycles=n,
            breached_cycles=earlier + (breach is not None),
            elapsed_us=elapsed,
            started_us=c.start,
            due_us=due,
            breached_us=breach,
            stopped_us=c.stop,
        )


def _iso(us: int) -> str:
    return datetime_at(us, "UTC").isoformat()


def _opt_iso(us: int | None) -> str | None:
    return None if us is None else _iso(us)


def _us_of(value: object) -> int:
    return _stored_us(value, "SlaClock instant")


def _opt_us_of(value: object) -> int | None:
    return None if value is None else _us_of(value)


def _or_empty(value: object) -> object:
    return {} if value is None else value


def _opt_str(value: str | None) -> str | None:
    return None if value is None else str(value)


def _alert_order(a: Alert) -> tuple[int, int, float]:
    return (a._at, _METRIC_RANK[a.metric], a.threshold)  # noqa: SLF001


_METRIC_RANK: Final = {m: i for i, m in enumerate(METRIC_ORDER)}


# ---------------------------------------------------------------------------- values


class AlertKind(NamedEnum):
    """A warning threshold or the breach.

    Examples:
        >>> from servicekit.sla import AlertKind
        >>> AlertKind.parse("breach")
        <AlertKind.BREACH: 'breach'>
    """

    WARNING = "warning"
    BREACH = "breach"


def _to_alert_kind(value: object) -> AlertKind:
    return AlertKind.parse(value)


def _to_alerts(value: Iterable[Alert]) -> tuple[Alert, ...]:
    return tuple(value)


def _optional_iso(us: int | None, tz: str) -> str | None:
    return None if us is None else datetime_at(us, tz).isoformat()


def _optional_us(value: Any, what: str) -> int | None:
    return None if value is None else _stored_us(value, what)


def _stored_us(value: Any, what: str) -> int:
    """A stored instant, refused unless every zone can show it (no later OverflowError)."""
    us = instant_us(instant_from_iso(value, what), what)
    if not _FIRST_US <= us <= _LAST_US:
        msg = (
            f"{what} {quote(value)} is outside the years a datetime can show in every "
            "zone (0001-01-02 … 9999-12-30 UTC)"
        )
        raise DeserializationError(msg)
    return us


def _stored_zone(value: object, what: str) -> str:
    """A stored zone name that instants can be shown in, or DeserializationError."""
    try:
        datetime_at(0, value)  # type: ignore[arg-type]
    except (ValueError, LookupError, OSError, TypeError) as e:
        msg = f"{what} must be an IANA time zone name; got {quote(value)}"
        raise DeserializationError(msg) from e
    return cast("str", value)


def _duration_in_range(us: int, what: str) -> int:
    if not 0 <= us <= _LAST_US - _FIRST_US:
        msg = f"{what} must be a duration from zero to the span of the datetime range"
        raise DeserializationError(msg)
    return us


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = f"{what} must be a whole number >= 0; got {value!r}"
        raise DeserializationError(msg)
    return value


def _threshold(value: Any) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 < value <= 1
    ):
        msg = f"Alert.threshold must be a fraction in (0, 1]; got {value!r}"
        raise DeserializationError(msg)
    return float(value)


def _duration_us(value: Any, what: str) -> int:
    d = duration_from_iso(value, what)
    return (d.days * 86400 + d.seconds) * 1_000_000 + d.microseconds


def _public_repr(value: object, names: tuple[str, ...]) -> str:
    """``Class(name=repr, ...)`` over public fields and properties (instants, durations)."""
    shown = ", ".join(f"{n}={getattr(value, n)!r}" for n in names)
    return f"{type(value).__name__}({shown})"


@attrs.frozen(kw_only=True, repr=False)
class Alert:
    """A warning or breach of one metric's latest cycle, at an instant.

    ``at`` may lie in the past (already passed) or the future (scheduled); compare it
    with the report's ``now``.

    Examples:
        >>> import datetime as dt, pendulum
        >>> from servicekit.sla import (
        ...     BusinessCalendar,
        ...     EventKind,
        ...     Metric,
        ...     SlaPolicy,
        ...     SlaTarget,
        ...     TicketEvent,
        ...     evaluate,
        ... )
        >>> policy = SlaPolicy(
        ...     name="chat",
        ...     calendar=BusinessCalendar.always_open("UTC"),
        ...     targets=[
        ...         SlaTarget(
        ...             metric=Metric.FIRST_RESPONSE, within=dt.timedelta(seconds=30)
        ...         )
        ...     ],
        ... )
        >>> t0 = pendulum.datetime(2025, 3, 3, 9)
        >>> report = evaluate(policy, [TicketEvent(at=t0, kind=EventKind.CREATED)], t0)
        >>> [(a.kind.value, a.threshold, a.at.second) for a in report.alerts]
        [('warning', 0.5, 15), ('warning', 0.75, 22), ('breach', 1.0, 30)]
    """

    kind: AlertKind
    metric: Metric
    threshold: float
    cycle: int
    timezone: str
    _at: int = attrs.field(alias="at_us")

    @property
    def at(self) -> pendulum.DateTime:
        """The instant of the alert, in the policy calendar's zone."""
        return datetime_at(self._at, self.timezone)

    def __repr__(self) -> str:
        return _public_repr(
            self, ("kind", "metric", "threshold", "cycle", "timezone", "at")
        )

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-native data."""
        return {
            "kind": self.kind.value,
            "metric": self.metric.value,
            "threshold": self.threshold,
            "cycle": self.cycle,
            "at": self.at.isoformat(),
        }

    @classmethod
    @reads("Alert")
    def from_dict(cls, data: Mapping[str, Any], *, timezone: str) -> Self:
        """Rebuild an alert from [`to_dict`][] data, shown in ``timezone``.

        Raises:
            DeserializationError: a key is missing or a value is unusable.
        """
        d = _mapping(data, "Alert")
        return cls(
            kind=AlertKind.parse(_get(d, "kind", "Alert")),
            metric=Metric.parse(_get(d, "metric", "Alert")),
            threshold=_threshold(_get(d, "threshold", "Alert")),
            cycle=_count(_get(d, "cycle", "Alert"), "Alert.cycle"),
            timezone=_stored_zone(timezone, "Alert timezone"),
            at_us=_stored_us(_get(d, "at", "Alert"), "Alert.at"),
        )


@attrs.frozen(kw_only=True, repr=False)
class MetricStatus:
    """Where one metric stands at the report's ``now``.

    ``elapsed`` and ``remaining`` are in the target's clock (working time for a
    business-hours target), and ``elapsed + remaining == target.within`` always;
    ``remaining`` is negative past the target. Instants are in the policy calendar's
    zone. For NEXT_RESPONSE and PERIODIC_UPDATE the state and instants are the latest
    cycle's; ``cycles`` counts the cycles and ``breached_cycles`` the breached ones.

    Examples:
        >>> import datetime as dt, pendulum
        >>> from servicekit.sla import (
        ...     BusinessCalendar,
        ...     EventKind,
        ...     Metric,
        ...     SlaPolicy,
        ...     SlaTarget,
        ...     TicketEvent,
        ...     evaluate,
        ...     parse_hours,
        ... )
        >>> cal = BusinessCalendar(
        ...     timezone="Asia/Shanghai",
        ...     weekly_hours=parse_hours("Mon-Fri 09:00-12:00,13:30-18:00"),
        ... )
        >>> policy = SlaPolicy(
        ...     name="standard",
        ...     calendar=cal,
        ...     targets=[
        ...         SlaTarget(
        ...             metric=Metric.FIRST_RESPONSE, within=dt.timedelta(hours=2)
        ...         )
        ...     ],
        ... )
        >>> created = pendulum.datetime(2025, 3, 3, 11, tz="Asia/Shanghai")
        >>> report = evaluate(
        ...     policy,
        ...     [TicketEvent(at=created, kind=EventKind.CREATED)],
        ...     created.add(hours=2),
        ... )
        >>> first = report.metrics[Metric.FIRST_RESPONSE]
        >>> first.state.value, first.elapsed, first.due_at.time()
        ('running', datetime.timedelta(seconds=3600), Time(14, 30, 0))
    """

    metric: Metric
    state: MetricState
    target: SlaTarget
    timezone: str
    cycles: int = 0
    breached_cycles: int = 0
    _elapsed: int = attrs.field(alias="elapsed_us")
    _started: int | None = attrs.field(default=None, alias="started_us")
    _due: int | None = attrs.field(default=None, alias="due_us")
    _breached: int | None = attrs.field(default=None, alias="breached_us")
    _stopped: int | None = attrs.field(default=None, alias="stopped_us")

    def __repr__(self) -> str:
        return _public_repr(self, _STATUS_REPR)

    def _at(self, us: int | None) -> pendulum.DateTime | None:
        return None if us is None else datetime_at(us, self.timezone)

    @property
    def started_at(self) -> pendulum.DateTime | None:
        """When the latest cycle started; None if none has."""
        return self._at(self._started)

    @property
    def due_at(self) -> pendulum.DateTime | None:
        """When the latest cycle runs out: None while paused or not started."""
        return self._at(self._due)

    @property
    def breached_at(self) -> pendulum.DateTime | None:
        """When the latest cycle was breached, or None."""
        return self._at(self._breached)

    @property
    def stopped_at(self) -> pendulum.DateTime | None:
        """When the latest cycle stopped (MET or BREACHED and stopped), or None."""
        return self._at(self._stopped)

    @property
    def elapsed(self) -> dt.timedelta:
        """Time counted so far in the latest cycle, in the target's clock."""
        return _ONE_US * self._elapsed

    @property
    def remaining(self) -> dt.timedelta:
        """``target.within - elapsed``; negative once past the target."""
        return self.target.within - _ONE_US * self._elapsed

    @property
    def percent_used(self) -> float:
        """``100 * elapsed / target.within``."""
        within = self.target.within
        return (
            100
            * self._elapsed
            / ((within.days * 86400 + within.seconds) * 1_000_000 + within.microseconds)
        )

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-native data (instants ISO-8601 with offsets, durations ISO-8601)."""
        tz = self.timezone
        return {
            "metric": self.metric.value,
            "state": self.state.value,
            "target": self.target.to_dict(),
            "cycles": self.cycles,
            "breached_cycles": self.breached_cycles,
            "started_at": _optional_iso(self._started, tz),
            "due_at": _optional_iso(self._due, tz),
            "breached_at": _optional_iso(self._breached, tz),
            "stopped_at": _optional_iso(self._stopped, tz),
            "elapsed": duration_to_iso(self.elapsed),
            "remaining": duration_to_iso(self.remaining),
            "percent_used": self.percent_used,
        }

    @classmethod
    @reads("MetricStatus")
    def from_dict(cls, data: Mapping[str, Any], *, timezone: str) -> Self:
        """Rebuild a status from [`to_dict`][] data, shown in ``timezone``.

        Raises:
            DeserializationError: a key is missing or a value is unusable.
        """
        d = _mapping(data, "MetricStatus")
        w = "MetricStatus"
        return cls(
            metric=Metric.parse(_get(d, "metric", w)),
            state=MetricState.parse(_get(d, "state", w)),
            target=SlaTarget.from_dict(_get(d, "target", w)),
            timezone=_stored_zone(timezone, "MetricStatus timezone"),
            cycles=_count(_get(d, "cycles", w), "MetricStatus.cycles"),
            breached_cycles=_count(
                _get(d, "breached_cycles", w), "MetricStatus.breached_cycles"
            ),
            elapsed_us=_duration_in_range(
                _duration_us(_get(d, "elapsed", w), "MetricStatus.elapsed"),
                "MetricStatus.elapsed",
            ),
            started_us=_optional_us(d.get("started_at"), "MetricStatus.started_at"),
            due_us=_optional_us(d.get("due_at"), "MetricStatus.due_at"),
            breached_us=_optional_us(d.get("breached_at"), "MetricStatus.breached_at"),
            stopped_us=_optional_us(d.get("stopped_at"), "MetricStatus.stopped_at"),
        )


_STATUS_REPR: Final = (
    "metric",
    "state",
    "target",
    "timezone",
    "cycles",
    "breached_cycles",
    "elapsed",
    "started_at",
    "due_at",
    "breached_at",
    "stopped_at",
)


def _to_metrics(value: Mapping[Any, MetricStatus]) -> Mapping[Metric, MetricStatus]:
    frozen: Mapping[Any, Any] = _FrozenDict(
        {Metric.parse(k): v for k, v in value.items()}
    )
    return frozen


@attrs.frozen(kw_only=True, repr=False)
class SlaReport:
    """Every measured metric of one ticket at ``now``, and when that will next change.

    Attributes:
        policy: the name of the policy applied (after any re-selection).
        status: the ticket's status.
        metrics: one [`MetricStatus`][] per metric the policy measures.
        alerts: warnings and breaches of the latest cycles, by instant (rule 19).
        timezone: the policy calendar's zone, in which instants are shown.

    Examples:
        >>> import datetime as dt, pendulum
        >>> from servicekit.sla import EventKind, Metric, TicketEvent, evaluate
        >>> from servicekit.sla.presets import SERVICE_STANDARD
        >>> t0 = pendulum.datetime(2025, 3, 3, 10, tz="Asia/Shanghai")
        >>> events = [
        ...     TicketEvent(at=t0, kind=EventKind.CREATED, priority="urgent"),
        ...     TicketEvent(at=t0.add(minutes=3), kind=EventKind.AGENT_REPLY),
        ... ]
        >>> report = evaluate(SERVICE_STANDARD, events, t0.add(minutes=10))
        >>> report.policy, report.metrics[Metric.FIRST_RESPONSE].state.value
        ('urgent', 'met')
        >>> report.next_change_at
        DateTime(2025, 3, 3, 22, 0, 0, tzinfo=Timezone('Asia/Shanghai'))
    """

    policy: str
    status: TicketStatus
    timezone: str
    metrics: Mapping[Metric, MetricStatus] = attrs.field(converter=_to_metrics)
    alerts: tuple[Alert, ...] = attrs.field(converter=_to_alerts)
    _now: int = attrs.field(alias="now_us")
    _next: int | None = attrs.field(alias="next_change_us")

    @property
    def now(self) -> pendulum.DateTime:
        """The instant this report describes."""
        return datetime_at(self._now, self.timezone)

    def __repr__(self) -> str:
        return _public_repr(
            self,
            (
                "policy",
                "status",
                "timezone",
                "now",
                "next_change_at",
                "metrics",
                "alerts",
            ),
        )

    @property
    def next_change_at(self) -> pendulum.DateTime | None:
        """The earliest alert after ``now`` (schedule one timer here), or None (rule 20)."""
        return None if self._next is None else datetime_at(self._next, self.timezone)

    @property
    def breached(self) -> tuple[Metric, ...]:
        """The metrics whose latest cycle is breached."""
        return tuple(
            m for m, s in self.metrics.items() if s.state is MetricState.BREACHED
        )

    def passed_alerts(self) -> tuple[Alert, ...]:
        """The alerts at or before ``now``."""
        return tuple(a for a in self.alerts if a._at <= self._now)  # noqa: SLF001

    def upcoming_alerts(self) -> tuple[Alert, ...]:
        """The alerts after ``now``, soonest first."""
        return tuple(a for a in self.alerts if a._at > self._now)  # noqa: SLF001

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-native data."""
        nxt = self.next_change_at
        return {
            "policy": self.policy,
            "status": self.status.value,
            "timezone": self.timezone,
            "now": self.now.isoformat(),
            "next_change_at": None if nxt is None else nxt.isoformat(),
            "metrics": {m.value: s.to_dict() for m, s in self.metrics.items()},
            "alerts": [a.to_dict() for a in self.alerts],
        }

    @classmethod
    @reads("SlaReport")
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Rebuild a report from [`to_dict`][] data.

        Raises:
            DeserializationError: a key is missing or a value is unusable.
        """
        d = _mapping(data, "SlaReport")
        # An unknown zone raises now, not when an instant is shown.
        tz = _stored_zone(_get(d, "timezone", "SlaReport"), "SlaReport.timezone")
        name = _get(d, "policy", "SlaReport")
        if not isinstance(name, str) or not name.strip():
            msg = f"SlaReport.policy must be a policy name; got {name!r}"
            raise DeserializationError(msg)
        metrics = _mapping(_get(d, "metrics", "SlaReport"), "SlaReport.metrics")
        statuses = {}
        for k, v in metrics.items():
            status = MetricStatus.from_dict(v, timezone=tz)
            if Metric.parse(k) is not status.metric:
                msg = f"SlaReport.metrics[{k!r}] holds the status of {status.metric.value}"
                raise DeserializationError(msg)
            statuses[k] = status
        alerts = get_list(d, "alerts", "SlaReport")
        return cls(
            policy=name,
            status=TicketStatus.parse(_get(d, "status", "SlaReport")),
            timezone=tz,
            metrics=statuses,
            alerts=[Alert.from_dict(a, timezone=tz) for a in alerts],
            now_us=_stored_us(_get(d, "now", "SlaReport"), "SlaReport.now"),
            next_change_us=_optional_us(
                d.get("next_change_at"), "SlaReport.next_change_at"
            ),
        )


def _assembled_report(
    *,
    policy: str,
    status: TicketStatus,
    timezone: str,
    now_us: int,
    metrics: dict[Metric, MetricStatus],
    alerts: list[Alert],
    next_change_us: int | None,
) -> SlaReport:
    """The report a fold assembled, without the converters' second look.

    Every fold report goes through here (one per ticket): its metrics are keyed by
    ``Metric`` members already, which is all ``_to_metrics`` would check. Equal to
    ``SlaReport(...)`` of the same fields (tests/sla/test_clock_properties.py).
    """
    report = object.__new__(SlaReport)
    frozen = _FrozenDict(cast("dict[str, MetricStatus]", metrics))
    for name, value in (
        ("policy", policy),
        ("status", status),
        ("timezone", timezone),
        ("metrics", frozen),
        ("alerts", tuple(alerts)),
        ("_now", now_us),
        ("_next", next_change_us),
    ):
        object.__setattr__(report, name, value)
    return report


# ---------------------------------------------------------------------------- entry points


def _policy_set(policies: object) -> PolicySet:
    if isinstance(policies, PolicySet):
        return policies
    if isinstance(policies, SlaPolicy):
        return PolicySet([policies])
    msg = f"policies must be a PolicySet or an SlaPolicy; got {type(policies).__name__}"
    raise InvalidTypeError(msg)


def _fold(policies: PolicySet, events: Iterable[TicketEvent]) -> _Fold:
    given: object = events
    if isinstance(given, TicketEvent | str | bytes | Mapping) or not isinstance(
        given, Iterable
    ):
        msg = f"events must be a list of TicketEvent; got {type(given).__name__}"
        raise InvalidTypeError(msg)
    items: list[object] = list(given)
    for e in items:
        if not isinstance(e, TicketEvent):
            msg = f"each event must be a TicketEvent (TicketEvent.from_dict reads JSON); got {e!r}"
            raise InvalidTypeError(msg)
    if not items:
        msg = "a ticket's event log is empty; it needs at least its CREATED event"
        raise InvalidEventError(msg)
    checked = cast("list[TicketEvent]", items)
    checked.sort(key=_EVENT_US)  # stable: ties keep input order (rule 1)
    first = checked[0]
    if first.kind is not EventKind.CREATED:
        # Rule 1: CREATED goes first among the events of its instant (an auto-reply
        # stamped in the same second as the ticket, listed before it).
        for i, e in enumerate(checked):
            if e._us != first._us:  # noqa: SLF001
                break
            if e.kind is EventKind.CREATED:
                checked.insert(0, checked.pop(i))
                break
    fold = _Fold(policies, checked[0])
    for e in checked[1:]:
        fold.apply(e)
    return fold


# The events' instants, read in C: sorting calls it once per event.
_EVENT_US: Final = operator.attrgetter("_us")


def evaluate(
    policies: PolicySet | SlaPolicy, events: Iterable[TicketEvent], now: dt.datetime
) -> SlaReport:
    """Return every SLA metric of one ticket at ``now``, from its event log.

    Args:
        policies: a [`PolicySet`][] (first match wins) or one [`SlaPolicy`][].
        events: the ticket's events in any order; sorted by instant, ties in input
            order.
        now: an aware datetime at or after the last event.

    Raises:
        InvalidEventError: no CREATED first, a second CREATED, an event after ``now``,
            or an impossible status change.
        NoMatchingPolicyError: no policy matches the ticket's facts.
        InvalidTypeError: an argument of the wrong type.
        NaiveDatetimeError: ``now`` has no time zone.

    Examples:
        >>> import pendulum
        >>> from servicekit.sla import EventKind, Metric, TicketEvent, evaluate
        >>> from servicekit.sla.presets import SERVICE_STANDARD
        >>> t0 = pendulum.datetime(2025, 3, 3, 10, tz="Asia/Shanghai")
        >>> report = evaluate(
        ...     SERVICE_STANDARD,
        ...     [TicketEvent(at=t0, kind=EventKind.CREATED, priority="normal")],
        ...     t0.add(minutes=40),
        ... )
        >>> report.metrics[Metric.FIRST_RESPONSE].state.value
        'breached'
    """
    ps = _policy_set(policies)
    n = instant_us(now, "now")
    return _fold(ps, events).report(n)


def evaluate_many(
    policies: PolicySet | SlaPolicy,
    histories: Iterable[Iterable[TicketEvent]],
    now: dt.datetime,
) -> Iterator[SlaReport]:
    """Yield [`evaluate`][] of each ticket's events, lazily and in order.

    The policies' calendars are precomputed once and shared, and everything pickles,
    so the same call runs inside a Dask or Spark partition.

    Raises:
        InvalidEventError: a ticket's log is impossible (see [`evaluate`][]); raised
            when that ticket is reached, after the reports before it.
        NoMatchingPolicyError: no policy matches a ticket's facts, likewise.

    Examples:
        >>> import pendulum
        >>> from servicekit.sla import EventKind, TicketEvent, evaluate_many
        >>> from servicekit.sla.presets import SERVICE_STANDARD
        >>> t0 = pendulum.datetime(2025, 3, 3, 10, tz="Asia/Shanghai")
        >>> logs = [
        ...     [TicketEvent(at=t0, kind=EventKind.CREATED, priority=p)]
        ...     for p in ("urgent", "normal")
        ... ]
        >>> [r.policy for r in evaluate_many(SERVICE_STANDARD, logs, t0)]
        ['urgent', 'standard']
    """
    ps = _policy_set(policies)
    n = instant_us(now, "now")
    return _reports(ps, histories, n)


def _reports(
    ps: PolicySet, histories: Iterable[Iterable[TicketEvent]], n: int
) -> Iterator[SlaReport]:
    for events in histories:
        yield _fold(ps, events).report(n)


@attrs.frozen(eq=False)
class SlaClock:
    """A ticket's clocks after the events so far: apply new events as they arrive.

    ``SlaClock.start(policies, events).apply(more).report(now)`` equals
    ``evaluate(policies, events + more, now)`` when ``more`` comes in time order after
    ``events``; the clock never replays what it has seen. Applying returns a new clock
    and leaves this one as it was. Clocks compare by identity; compare their reports.

    Examples:
        >>> import pendulum
        >>> from servicekit.sla import EventKind, Metric, SlaClock, TicketEvent
        >>> from servicekit.sla.presets import SERVICE_STANDARD
        >>> t0 = pendulum.datetime(2025, 3, 3, 10, tz="Asia/Shanghai")
        >>> clock = SlaClock.start(
        ...     SERVICE_STANDARD, [TicketEvent(at=t0, kind=EventKind.CREATED)]
        ... )
        >>> later = clock.apply(
        ...     [TicketEvent(at=t0.add(minutes=5), kind=EventKind.AGENT_REPLY)]
        ... )
        >>> later.report(t0.add(minutes=6)).metrics[Metric.FIRST_RESPONSE].state.value
        'met'
        >>> clock.report(t0.add(minutes=6)).metrics[Metric.FIRST_RESPONSE].state.value
        'running'
    """

    policies: PolicySet
    _fold: _Fold = attrs.field(eq=False, repr=False)

    @classmethod
    def start(
        cls, policies: PolicySet | SlaPolicy, events: Iterable[TicketEvent]
    ) -> SlaClock:
        """Fold ``events`` (any order; CREATED among them) into a new clock.

        Raises:
            InvalidEventError: the log is impossible (see [`evaluate`][]).
            NoMatchingPolicyError: no policy matches the ticket's facts.
        """
        ps = _policy_set(policies)
        return cls(ps, _fold(ps, events))

    @property
    def last_event_at(self) -> pendulum.DateTime:
        """The instant of the latest event applied."""
        return datetime_at(self._fold.last, self._fold.policy.timezone)

    def apply(self, events: Iterable[TicketEvent]) -> SlaClock:
        """Return the clock after ``events``, which must not precede [`last_event_at`][].

        Raises:
            InvalidEventError: an event earlier than one already applied, or one the
                ticket's state does not allow; this clock is unchanged.
        """
        if isinstance(events, TicketEvent):
            events = (events,)
        given: object = events
        if type(given) is not tuple and not isinstance(given, Iterable):
            msg = f"events must be a TicketEvent or a list of them; got {given!r}"
            raise InvalidTypeError(msg)
        fold = self._fold.copy()
        for e in given:
            if not isinstance(e, TicketEvent):
                msg = f"each event must be a TicketEvent; got {e!r}"
                raise InvalidTypeError(msg)
            fold.apply(e)
        return SlaClock(self.policies, fold)

    def report(self, now: dt.datetime) -> SlaReport:
        """Return the report at ``now`` (not before the last event)."""
        return self._fold.report(instant_us(now, "now"))

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-native data: the policy set and the clocks' state.

        Store it instead of the event log; [`from_dict`][] gives back a clock whose
        reports, and whatever events it is given next, are those of the original.

        Examples:
            >>> import json, pendulum
            >>> from servicekit.sla import EventKind, SlaClock, TicketEvent
            >>> from servicekit.sla.presets import SERVICE_STANDARD
            >>> t0 = pendulum.datetime(2025, 3, 3, 10, tz="Asia/Shanghai")
            >>> clock = SlaClock.start(
            ...     SERVICE_STANDARD, [TicketEvent(at=t0, kind=EventKind.CREATED)]
            ... )
            >>> stored = json.dumps(clock.to_dict())
            >>> again = SlaClock.from_dict(json.loads(stored))
            >>> again.report(t0.add(hours=1)) == clock.report(t0.add(hours=1))
            True
        """
        return {"policies": self.policies.to_dict(), "state": self._fold.to_plain()}

    @classmethod
    @reads("SlaClock")
    def from_dict(cls, data: Mapping[str, Any]) -> SlaClock:
        """Rebuild a clock from [`to_dict`][] data.

        Raises:
            DeserializationError: a key is missing or a value is unusable.
        """
        d = _mapping(data, "SlaClock")
        policies = PolicySet.from_dict(_get(d, "policies", "SlaClock"))
        return cls(policies, _Fold.from_plain(policies, _get(d, "state", "SlaClock")))

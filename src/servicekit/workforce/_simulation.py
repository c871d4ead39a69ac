"""A seeded discrete-event simulation of a desk: does a staffing plan hold?

Contacts arrive (a Poisson process per interval of a forecast), wait, hang up after
their patience, and are assigned by the real [`Router`][servicekit.routing.Router]
to the agents on duty (from a [`Roster`][servicekit.workforce.Roster], or a fixed
team), who hold them for their handling time; each contact's event log is then
evaluated by the real SLA clocks. The result is a frozen value: every contact's
outcome, and the service level, answer and abandon rates as
[`Estimate`][servicekit.scoring.Estimate]s with batch-means confidence intervals.
The run is a pure function of its inputs and its seed: it must never read a clock,
use the global random generator, or do I/O.
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from collections.abc import Iterable, Sequence
from typing import Final

import attrs
import pendulum

from servicekit import _codec
from servicekit._vocabulary import Channel, Priority, Tier
from servicekit.errors import InvalidArgumentError, InvalidTypeError, UnknownNameError
from servicekit.routing import Agent, Router
from servicekit.routing import _values as v
from servicekit.routing._model import created_us
from servicekit.scoring import Estimate
from servicekit.scoring._distributions import t_ppf
from servicekit.sla import (
    EventKind,
    Metric,
    MetricState,
    PolicySet,
    SlaPolicy,
    SlaReport,
    TicketEvent,
    TicketStatus,
    evaluate,
)
from servicekit.workforce import _checks as c
from servicekit.workforce._arrivals import Arrival, BotChannel
from servicekit.workforce._desk_engine import (
    Desk,
    Draws,
    Outcome,
    bot_stream,
    draw_contacts,
)
from servicekit.workforce._schedule import Roster

__all__ = ["ContactType", "DeskSimulation", "SimulatedContact", "simulate_desk"]

# A forecast expecting more contacts than this is almost certainly a unit mistake
# (a month of a busy national desk is a few hundred thousand); simulating it would
# run for hours rather than fail.
MAX_CONTACTS: Final = 2_000_000
_METHOD: Final = "batch means"
_MICROSECOND: Final = dt.timedelta(microseconds=1)
# Zones whose fromutc keeps the instant: a local time they make reads back (through
# its utcoffset) as the UTC instant it was made from, folds included.
_EXACT_ZONES: Final = (zoneinfo.ZoneInfo, dt.timezone, pendulum.FixedTimezone)


# ------------------------------------------------------------------- contact types


def _kind_name(value: object) -> str:
    return v.check_id(value, "ContactType.name", "'billing call'")


def _weight(value: object) -> float:
    found = c.number(value, "ContactType.weight", "this kind's share of the volume")
    if found == 0:
        msg = "ContactType.weight must be above zero (leave the kind out instead)"
        raise InvalidArgumentError(msg)
    return found


def _channel(value: object) -> Channel:
    return v.enum_member(Channel, value, "ContactType.channel")  # type: ignore[no-any-return]


def _priority(value: object) -> Priority:
    return v.enum_member(Priority, value, "ContactType.priority")  # type: ignore[no-any-return]


def _tier(value: object) -> Tier:
    return v.enum_member(Tier, value, "ContactType.tier")  # type: ignore[no-any-return]


def _skills(value: object) -> frozenset[str]:
    return v.names(value, "ContactType.skills")


def _min_levels(value: object) -> v.FrozenMap[str, int]:
    return v.skill_levels(value, "ContactType.min_levels")


def _language(value: object) -> str | None:
    return v.optional_language(value, "ContactType.language")


def _kind_aht(value: object) -> dt.timedelta | None:
    return (
        None if value is None else c.duration(value, "ContactType.aht", positive=True)
    )


@_codec.value(shapes={"min_levels": _codec.Shape(dict[str, int], _min_levels, dict)})
@attrs.frozen(kw_only=True)
class ContactType(_codec.Serialisable):
    """One kind of contact a desk receives: its share of the volume and its needs.

    Each simulated contact is a routing [`Ticket`][servicekit.routing.Ticket] with
    this kind's channel, priority, tier, skills (at their minimum levels) and
    language (and ``attributes={"kind": name}``, for triage rules), so the router
    sends it only to agents with room on the channel who have the skills and speak
    the language.

    Args:
        name: The kind's name (reported on each contact).
        weight: Its share of the volume, relative to the other kinds'.
        channel: Where it arrives.
        priority: Its priority in the queue.
        tier: The customer's tier.
        skills: Skills an agent needs to take it.
        min_levels: Minimum level (1-10) per skill in ``skills``; others need 1.
        language: A language the agent must speak, or None.
        aht: Its own mean handling time (exponential), or None for the desk's.

    Raises:
        InvalidArgumentError: an empty name, a weight not above zero or not
            finite, a handling time not above zero.
        UnknownNameError: a channel, priority or tier that does not exist.

    Examples:
        >>> from servicekit.workforce import ContactType
        >>> k = ContactType(name="Uyghur call", weight=0.15, language="ug")
        >>> k.channel, ContactType.from_dict(k.to_dict()) == k
        (<Channel.PHONE: 'phone'>, True)
        >>> ContactType(
        ...     name="refund", skills={"billing"}, min_levels={"billing": 6}
        ... ).to_dict()["min_levels"]
        {'billing': 6}
    """

    name: str = attrs.field(converter=_kind_name)
    weight: float = attrs.field(default=1.0, converter=_weight)
    channel: Channel = attrs.field(default=Channel.PHONE, converter=_channel)
    priority: Priority = attrs.field(default=Priority.NORMAL, converter=_priority)
    tier: Tier = attrs.field(default=Tier.ORDINARY, converter=_tier)
    skills: frozenset[str] = attrs.field(default=frozenset(), converter=_skills)
    min_levels: v.FrozenMap[str, int] = attrs.field(
        factory=v.FrozenMap, converter=_min_levels
    )
    language: str | None = attrs.field(default=None, converter=_language)
    aht: dt.timedelta | None = attrs.field(default=None, converter=_kind_aht)

    def __attrs_post_init__(self) -> None:
        extra = sorted(set(self.min_levels) - self.skills)
        if extra:
            msg = (
                f"ContactType {self.name!r}: min_levels names {extra}, which are not "
                f"in skills {sorted(self.skills)}; add them to skills or drop their levels"
            )
            raise InvalidArgumentError(msg)


# ---------------------------------------------------------------------- outcomes


def _contact_id(value: object) -> str:
    return v.check_id(value, "SimulatedContact.id", "'C1'")


def _contact_kind(value: object) -> str:
    return v.check_id(value, "SimulatedContact.kind", "'call'")


def _arrived(value: object) -> dt.datetime:
    return v.aware(value, "SimulatedContact.arrived_at")


def _answered(value: object) -> dt.datetime | None:
    return v.optional_aware(value, "SimulatedContact.answered_at")


def _ended(value: object) -> dt.datetime | None:
    return v.optional_aware(value, "SimulatedContact.ended_at")


def _instant_key(value: dt.datetime | None) -> int | None:
    return None if value is None else v.micros(value)


def _agent_id(value: object) -> str | None:
    return v.optional_id(value, "SimulatedContact.agent_id")


def _report(value: object) -> SlaReport | None:
    if value is not None and not isinstance(value, SlaReport):
        msg = f"SimulatedContact.sla must be an SlaReport or None; got {value!r}"
        raise InvalidTypeError(msg)
    return value


def _routed(value: object) -> dt.datetime | None:
    return v.optional_aware(value, "SimulatedContact.routed_at")


def _step(value: object) -> str | None:
    return None if value is None else v.check_id(value, "SimulatedContact.step")


def _owner(value: object) -> str | None:
    return v.optional_id(value, "SimulatedContact.owner_id")


@_codec.value(
    omit_if_default=(
        "answered_at",
        "ended_at",
        "agent_id",
        "sla",
        "routed_at",
        "step",
        "owner_id",
        "by_bot",
    )
)
@attrs.frozen(kw_only=True)
class SimulatedContact(_codec.Serialisable):
    """What happened to one simulated contact.

    Args:
        id: ``"C1"``, ``"C2"``, … in order of arrival (its routing ticket's id).
        kind: Its [`ContactType`][]'s name.
        arrived_at: When it arrived.
        answered_at: When an agent took it, or None.
        ended_at: When its handling ended, or when it hung up; None if it was
            still waiting when the simulation ended (infinite patience, nobody left
            on duty).
        agent_id: The agent who took it, or None.
        counted: False for a contact that arrived during the warm-up (left out of
            the statistics).
        sla: Its SLA report at the end of the simulation, when policies were given.
        routed_at: When the router chose its agent (``answered_at`` is then one
            pickup delay later), or None.
        step: The router's escalation step when it chose (``"standard"`` before
            any), or None.
        owner_id: The case owner its ticket named when it arrived (given, or
            remembered by ``owner_memory``), or None.
        by_bot: A [`BotChannel`][]'s bot answered it and kept it: no agent took
            part (``ended_at`` is its arrival); it is left out of the rates.

    Raises:
        NaiveDatetimeError: an instant without a time zone.
        InvalidArgumentError: an instant before ``arrived_at``, ``routed_at``
            after ``answered_at``, or a bot's contact that an agent took.

    Examples:
        >>> import pendulum
        >>> from servicekit.workforce import SimulatedContact
        >>> at = pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")
        >>> c = SimulatedContact(
        ...     id="C1",
        ...     kind="call",
        ...     arrived_at=at,
        ...     answered_at=at.add(seconds=12),
        ...     ended_at=at.add(minutes=5),
        ...     agent_id="A-1",
        ... )
        >>> c.wait, c.answered, c.abandoned
        (datetime.timedelta(seconds=12), True, False)
    """

    id: str = attrs.field(converter=_contact_id)
    kind: str = attrs.field(converter=_contact_kind)
    # Compared as instants: a value read back holds a fixed UTC offset where the run
    # held a zone, and == between zones is False inside a repeated hour (PEP 495).
    arrived_at: dt.datetime = attrs.field(converter=_arrived, eq=v.micros)
    answered_at: dt.datetime | None = attrs.field(
        default=None, converter=_answered, eq=_instant_key
    )
    ended_at: dt.datetime | None = attrs.field(
        default=None, converter=_ended, eq=_instant_key
    )
    agent_id: str | None = attrs.field(default=None, converter=_agent_id)
    counted: bool = attrs.field(
        default=True, validator=v.flag("SimulatedContact.counted")
    )
    sla: SlaReport | None = attrs.field(default=None, converter=_report)
    routed_at: dt.datetime | None = attrs.field(
        default=None, converter=_routed, eq=_instant_key
    )
    step: str | None = attrs.field(default=None, converter=_step)
    owner_id: str | None = attrs.field(default=None, converter=_owner)
    by_bot: bool = attrs.field(
        default=False, validator=v.flag("SimulatedContact.by_bot")
    )

    def __attrs_post_init__(self) -> None:
        arrived = v.micros(self.arrived_at)
        if self.by_bot and self.agent_id is not None:
            msg = "SimulatedContact.by_bot says the bot kept it, but agent_id names an agent; give one or the other"
            raise InvalidArgumentError(msg)
        if (
            self.routed_at is not None
            and self.answered_at is not None
            and v.micros(self.routed_at) > v.micros(self.answered_at)
        ):
            msg = f"SimulatedContact.routed_at ({self.routed_at.isoformat()}) is after answered_at ({self.answered_at.isoformat()})"
            raise InvalidArgumentError(msg)
        for name in ("answered_at", "ended_at", "routed_at"):
            at = getattr(self, name)
            if at is not None and v.micros(at) < arrived:
                msg = f"SimulatedContact.{name} ({at.isoformat()}) is before arrived_at ({self.arrived_at.isoformat()})"
                raise InvalidArgumentError(msg)
        if (self.answered_at is None) != (self.agent_id is None):
            msg = "SimulatedContact.agent_id must be given exactly when answered_at is"
            raise InvalidArgumentError(msg)

    @property
    def answered(self) -> bool:
        """An agent took it."""
        return self.answered_at is not None

    @property
    def abandoned(self) -> bool:
        """It hung up before an agent took it."""
        return (
            self.answered_at is None and self.ended_at is not None and not self.by_bot
        )

    @property
    def wait(self) -> dt.timedelta | None:
        """Time from arrival to answer, or to hanging up; None if still waiting or kept by the bot."""
        if self.by_bot:
            return None
        end = self.answered_at if self.answered_at is not None else self.ended_at
        return None if end is None else v.elapsed(self.arrived_at, end)


def _target(value: object) -> dt.timedelta:
    return c.duration(value, "DeskSimulation.target_answer")


def _contacts(value: object) -> tuple[SimulatedContact, ...]:
    return v.items_of(SimulatedContact, value, "DeskSimulation.contacts")


def _asa(value: object) -> dt.timedelta:
    return c.duration(value, "DeskSimulation.asa")


def _occupancy(value: object) -> float:
    return c.share(value, "DeskSimulation.occupancy")


def _batches(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        msg = f"batches must be a whole number, 2 or more; got {value!r}"
        raise InvalidArgumentError(msg)
    return value


def _confidence(value: object) -> float:
    return c.share(value, "confidence", low_open=True, high_open=True)


def _estimate(value: object) -> Estimate | None:
    if value is not None and not isinstance(value, Estimate):
        msg = f"DeskSimulation estimates must be Estimates or None; got {value!r}"
        raise InvalidTypeError(msg)
    return value


@_codec.value()
@attrs.frozen(kw_only=True)
class DeskSimulation(_codec.Serialisable):
    """The outcome of [`simulate_desk`][]: every contact, and the desk's measures.

    The rates are shares of the **counted** contacts (those that arrived after the
    warm-up and were offered to people: a bot's kept contacts are left out), as in [`QueueMetrics`][servicekit.workforce.QueueMetrics]: of offered
    contacts, with hang-ups counting against the service level. Each is an
    [`Estimate`][servicekit.scoring.Estimate] whose interval is a batch-means
    Student-t interval (the counted contacts split, in order of arrival, into
    ``batches`` runs; a contact's fate depends on its neighbours', so a binomial
    interval would be too narrow). None when no contact was counted. The interval
    is exact in the limit for a steady desk; over a day whose load changes, the
    batches differ by more than chance and the interval is wider (conservative).
    For independent replications, simulate several seeds.

    Args:
        seed: The seed the run was drawn from.
        target_answer: The service level's answer-time target.
        contacts: Every contact, in order of arrival.
        service_level: Share answered within ``target_answer``.
        answer_rate: Share answered at all.
        abandon_rate: Share that hung up.
        asa: Mean wait of the counted contacts that were answered.
        occupancy: Share of the on-duty agent time after the warm-up, up to the end
            of the forecast, spent handling contacts.
        batches: Runs the counted contacts were split into for the intervals.
        confidence: The intervals' confidence level.

    Examples:
        >>> import datetime as dt, pendulum
        >>> from servicekit.workforce import simulate_desk
        >>> sim = simulate_desk(
        ...     seed=7,
        ...     volumes=[60, 60],
        ...     interval=dt.timedelta(hours=1),
        ...     start=pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai"),
        ...     agents=3,
        ...     aht=dt.timedelta(minutes=2),
        ...     patience=dt.timedelta(minutes=1),
        ...     target_answer=dt.timedelta(seconds=20),
        ... )
        >>> len(sim.contacts), sim.offered, sim.answered + sim.abandoned
        (117, 117, 117)
        >>> sim.to_dict()["service_level"]["method"]
        'batch means'
    """

    seed: int = attrs.field(validator=attrs.validators.instance_of(int))
    target_answer: dt.timedelta = attrs.field(converter=_target)
    contacts: tuple[SimulatedContact, ...] = attrs.field(converter=_contacts)
    service_level: Estimate | None = attrs.field(converter=_estimate)
    answer_rate: Estimate | None = attrs.field(converter=_estimate)
    abandon_rate: Estimate | None = attrs.field(converter=_estimate)
    asa: dt.timedelta = attrs.field(converter=_asa)
    occupancy: float = attrs.field(converter=_occupancy)
    batches: int = attrs.field(default=20, converter=_batches)
    confidence: float = attrs.field(default=0.95, converter=_confidence)

    def of_kind(self, kind: str) -> DeskSimulation:
        """Return the simulation seen from one kind of contact only.

        Its contacts are those of kind ``kind``; its rates, intervals and ASA are
        measured on them alone (the same batches and confidence); ``occupancy`` stays
        the desk's, since the agents are shared.

        Args:
            kind: A [`ContactType`][]'s name.

        Raises:
            UnknownNameError: no contact of that kind was simulated.

        Examples:
            >>> import datetime as dt, pendulum
            >>> from servicekit.workforce import ContactType, simulate_desk
            >>> sim = simulate_desk(
            ...     seed=1,
            ...     volumes=[60] * 4,
            ...     interval=dt.timedelta(minutes=30),
            ...     start=pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai"),
            ...     agents=5,
            ...     aht=dt.timedelta(minutes=3),
            ...     patience=dt.timedelta(minutes=1),
            ...     target_answer=dt.timedelta(seconds=20),
            ...     contact_types=[
            ...         ContactType(name="routine"),
            ...         ContactType(name="vip", priority="urgent", weight=0.2),
            ...     ],
            ... )
            >>> vip, routine = sim.of_kind("vip"), sim.of_kind("routine")
            >>> vip.offered + routine.offered == sim.offered
            True
            >>> vip.service_level.value > routine.service_level.value
            True
        """
        mine = tuple(x for x in self.contacts if x.kind == kind)
        if not mine:
            known = sorted({x.kind for x in self.contacts})
            msg = f"no contact of kind {kind!r} was simulated; the kinds simulated are {known}"
            raise UnknownNameError(msg)
        return self._of(mine)

    def arrived_between(self, start: dt.datetime, end: dt.datetime) -> DeskSimulation:
        """Return the simulation seen from the contacts that arrived in ``[start, end)``.

        An hour of the day, the evening peak, the day after a holiday: the rates,
        intervals and ASA are measured on those contacts alone (warm-up ones still
        left out); ``occupancy`` stays the whole run's.

        Args:
            start: The first instant included (aware).
            end: The first instant after.

        Raises:
            NaiveDatetimeError: an instant without a time zone.
            InvalidArgumentError: ``end`` before ``start``.

        Examples:
            >>> import datetime as dt, pendulum
            >>> from servicekit.workforce import simulate_desk
            >>> nine = pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")
            >>> sim = simulate_desk(
            ...     seed=1,
            ...     volumes=[30, 90],  # a quiet hour, then a busy one
            ...     interval=dt.timedelta(hours=1),
            ...     start=nine,
            ...     agents=4,
            ...     aht=dt.timedelta(minutes=3),
            ...     patience=dt.timedelta(minutes=1),
            ...     target_answer=dt.timedelta(seconds=20),
            ... )
            >>> quiet = sim.arrived_between(nine, nine.add(hours=1))
            >>> busy = sim.arrived_between(nine.add(hours=1), nine.add(hours=2))
            >>> quiet.offered + busy.offered == sim.offered
            True
            >>> quiet.service_level.value > busy.service_level.value
            True
        """
        lo = v.micros(v.aware(start, "start"))
        hi = v.micros(v.aware(end, "end"))
        if hi < lo:
            msg = f"end ({end.isoformat()}) is before start ({start.isoformat()})"
            raise InvalidArgumentError(msg)
        return self._of(
            tuple(x for x in self.contacts if lo <= v.micros(x.arrived_at) < hi)
        )

    def sla_met(self, target: Metric | str) -> Estimate | None:
        """Return the share of counted contacts whose SLA target was met, with its interval.

        Read from each contact's SLA report at the end of the run: a contact counts
        as met when the target's state is ``MET`` (a breach, or a clock still
        running or paused at the end, is not met). Contacts whose policy has no
        such target are left out. The interval is batch means, as for the rates.

        Args:
            target: A [`Metric`][servicekit.sla.Metric] (the policy's target on it),
                or a target's name (named targets: several per metric).

        Returns:
            The share met, or None when no counted contact has a report with that
            target (no ``policies`` were given, say).

        Examples:
            >>> import datetime as dt, pendulum
            >>> from servicekit.sla import (
            ...     BusinessCalendar,
            ...     Metric,
            ...     SlaPolicy,
            ...     SlaTarget,
            ... )
            >>> from servicekit.workforce import simulate_desk
            >>> promise = SlaPolicy(
            ...     name="phone",
            ...     targets=[
            ...         SlaTarget(
            ...             metric=Metric.FIRST_RESPONSE,
            ...             within=dt.timedelta(seconds=20),
            ...         )
            ...     ],
            ...     calendar=BusinessCalendar.always_open(timezone="Asia/Shanghai"),
            ... )
            >>> sim = simulate_desk(
            ...     seed=1,
            ...     volumes=[100] * 4,
            ...     interval=dt.timedelta(minutes=30),
            ...     start=pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai"),
            ...     agents=13,
            ...     aht=dt.timedelta(minutes=3),
            ...     patience=dt.timedelta(minutes=2),
            ...     target_answer=dt.timedelta(seconds=20),
            ...     policies=promise,
            ... )
            >>> sim.sla_met(Metric.FIRST_RESPONSE).value == sim.service_level.value
            True
            >>> sim.sla_met("resolution") is None
            True
        """
        hits = []
        for x in self.contacts:
            if not x.counted or x.sla is None or x.by_bot:
                continue
            found = (
                x.sla.metrics.get(target)
                if isinstance(target, Metric)
                else x.sla.targets.get(target)
            )
            if found is not None:
                hits.append(found.state is MetricState.MET)
        return _batch_estimate(hits, self.batches, self.confidence)

    def _of(self, contacts: tuple[SimulatedContact, ...]) -> DeskSimulation:
        return _measured(
            self.seed,
            self.target_answer,
            contacts,
            self.occupancy,
            self.batches,
            self.confidence,
        )

    @property
    def offered(self) -> int:
        """Counted contacts (arrived after the warm-up) offered to people (not kept by the bot)."""
        return sum(1 for x in self.contacts if x.counted and not x.by_bot)

    @property
    def kept_by_bot(self) -> int:
        """Counted contacts the bot answered and kept."""
        return sum(1 for x in self.contacts if x.counted and x.by_bot)

    @property
    def answered(self) -> int:
        """Counted contacts an agent took."""
        return sum(1 for x in self.contacts if x.counted and x.answered)

    @property
    def abandoned(self) -> int:
        """Counted contacts that hung up."""
        return sum(1 for x in self.contacts if x.counted and x.abandoned)

    @property
    def waits(self) -> tuple[dt.timedelta, ...]:
        """Each counted contact's wait, to its answer or its hang-up, in order of arrival."""
        return tuple(
            w for x in self.contacts if x.counted and (w := x.wait) is not None
        )


# ------------------------------------------------------------------------- inputs


def _contact_types(value: object) -> tuple[ContactType, ...]:
    if value is None:
        return (ContactType(name="call"),)
    kinds = v.items_of(ContactType, value, "contact_types")
    if not kinds:
        msg = "contact_types must hold at least one ContactType (or be None for one kind of call)"
        raise InvalidArgumentError(msg)
    dup = v.first_duplicate(k.name for k in kinds)
    if dup is not None:
        msg = f"contact_types names {dup!r} twice; give each kind its own name"
        raise InvalidArgumentError(msg)
    return kinds


def _handling(value: object) -> float | tuple[float, ...]:
    """The mean handling time in seconds, or the sample of handling times to draw from."""
    if isinstance(value, dt.timedelta):
        return c.seconds(c.duration(value, "aht", positive=True))
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        msg = (
            "aht must be a timedelta (the mean of exponential handling times) or a "
            f"sequence of past handling times to draw from; got {value!r}"
        )
        raise InvalidTypeError(msg)
    sample = tuple(c.seconds(c.duration(x, f"aht[{i}]")) for i, x in enumerate(value))
    if not sample or not math.fsum(sample):
        msg = "aht must hold at least one handling time above zero"
        raise InvalidArgumentError(msg)
    return sample


def _team(
    agents: object, roster: object, kinds: Sequence[ContactType]
) -> tuple[list[Agent], Roster | None]:
    if roster is not None and not isinstance(roster, Roster):
        msg = f"roster must be a servicekit.workforce.Roster or None; got {roster!r}"
        raise InvalidTypeError(msg)
    if isinstance(roster, Roster) and not roster.shifts:
        msg = "roster has no shifts: nobody would ever be on duty; give a roster with shifts or a number of agents"
        raise InvalidArgumentError(msg)
    plain = {k.channel: 1 for k in kinds}
    if agents is None:
        if roster is None:
            msg = "give agents= (a number of agents, or routing Agents) or roster= (who is on duty when)"
            raise InvalidArgumentError(msg)
        return [Agent(id=a, capacity=plain) for a in roster.agents], roster
    if isinstance(agents, int) and not isinstance(agents, bool):
        if roster is not None:
            msg = "agents= is a number but roster= says who works: give routing Agents (for their skills) or leave agents out"
            raise InvalidArgumentError(msg)
        if agents < 1:
            msg = f"agents must be at least 1; got {agents}"
            raise InvalidArgumentError(msg)
        width = len(str(agents))
        return [
            Agent(id=f"A{i:0{width}d}", capacity=plain) for i in range(1, agents + 1)
        ], None
    team = list(v.items_of(Agent, agents, "agents"))
    if not team:
        msg = "agents must hold at least one Agent"
        raise InvalidArgumentError(msg)
    dup = v.first_duplicate(a.id for a in team)
    if dup is not None:
        msg = f"agents holds two agents with the id {dup!r}"
        raise InvalidArgumentError(msg)
    for i, a in enumerate(team):
        if any(a.load.values()):
            msg = f"agents[{i}] ({a.id}) holds contacts already; start a simulation with every load empty"
            raise InvalidArgumentError(msg)
    if roster is not None:
        missing = sorted(set(roster.agents) - {a.id for a in team})
        if missing:
            msg = (
                f"roster puts {missing} on duty but agents has no Agent with those ids"
            )
            raise InvalidArgumentError(msg)
    return team, roster


def _staffed(  # noqa: PLR0917 -- private: the inputs staffing is read with
    staffing: object,
    agents: object,
    roster: object,
    kinds: Sequence[ContactType],
    forecast: Sequence[float],
    interval_s: float,
) -> tuple[list[Agent], list[tuple[float, float, str]]]:
    """Plain agents and their stretches on duty for a head count per interval.

    Agent ``k`` is on duty in every interval that needs ``k`` or more, so when the
    count falls the last to come are the first to go (finishing their calls).
    """
    if agents is not None or roster is not None:
        msg = "staffing= says how many are on duty in each interval; leave agents= and roster= out"
        raise InvalidArgumentError(msg)
    if isinstance(staffing, str | bytes) or not isinstance(staffing, Sequence):
        msg = f"staffing must be a sequence of agent counts, one per interval; got {staffing!r}"
        raise InvalidTypeError(msg)
    counts = [c.agents(n, f"staffing[{i}]") for i, n in enumerate(staffing)]
    if len(counts) != len(forecast):
        msg = f"staffing holds {len(counts)} counts but volumes holds {len(forecast)} intervals; give one per interval"
        raise InvalidArgumentError(msg)
    most = max(counts, default=0)
    if most == 0:
        msg = "staffing puts nobody on duty in any interval"
        raise InvalidArgumentError(msg)
    plain = {k.channel: 1 for k in kinds}
    width = len(str(most))
    team = [Agent(id=f"A{k:0{width}d}", capacity=plain) for k in range(1, most + 1)]
    duty = []
    for k, agent in enumerate(team, start=1):
        begin = None
        for i, n in enumerate([*counts, 0]):
            if n >= k and begin is None:
                begin = i
            elif n < k and begin is not None:
                duty.append((begin * interval_s, i * interval_s, agent.id))
                begin = None
    return team, duty


def _duty(roster: Roster, base_us: int) -> list[tuple[float, float, str]]:
    out = []
    for shift in roster.shifts:
        for a, b in shift.stretches_us():
            if b > base_us:
                out.append(
                    (
                        (max(a, base_us) - base_us) / 1e6,
                        (b - base_us) / 1e6,
                        shift.agent,
                    )
                )
    return out


# -------------------------------------------------------------------- the measures


def _batch_estimate(
    hits: Sequence[bool], batches: int, confidence: float
) -> Estimate | None:
    n = len(hits)
    if n == 0:
        return None
    value = sum(hits) / n
    k = min(batches, n)
    if k < 2:
        return Estimate(
            value=value, low=0.0, high=1.0, n=n, method=_METHOD, confidence=confidence
        )
    means = []
    for j in range(k):
        part = hits[j * n // k : (j + 1) * n // k]
        means.append(sum(part) / len(part))
    centre = math.fsum(means) / k
    spread = math.sqrt(math.fsum((m - centre) ** 2 for m in means) / (k - 1))
    half = t_ppf(0.5 + confidence / 2.0, k - 1) * spread / math.sqrt(k)
    return Estimate(
        value=value,
        low=max(0.0, min(value, value - half)),
        high=min(1.0, max(value, value + half)),
        n=n,
        method=_METHOD,
        confidence=confidence,
    )


def _busy_share(
    outcomes: Sequence[Outcome],
    window: tuple[float, float],
    duty: Sequence[tuple[float, float, str]] | None,
    team: int,
) -> float:
    lo, hi = window
    if duty is None:
        on_duty = team * (hi - lo)
    else:
        on_duty = math.fsum(max(0.0, min(b, hi) - max(a, lo)) for a, b, _ in duty)
    busy = math.fsum(
        max(0.0, min(o.ended, hi) - max(o.answered, lo))
        for o in outcomes
        if o.answered is not None and o.ended is not None
    )
    return min(1.0, busy / on_duty) if on_duty > 0 else 0.0


def _events(
    draws: Draws, outcome: Outcome, kind: ContactType, desk: Desk, end: float
) -> list[TicketEvent]:
    ticket = draws.ticket
    events = [
        TicketEvent(
            at=desk.instant(draws.arrival),
            kind=EventKind.CREATED,
            priority=kind.priority if ticket is None else ticket.priority,
            tier=kind.tier if ticket is None else ticket.tier,
            channel=kind.channel if ticket is None else ticket.channel,
            category=kind.name,
        )
    ]
    # The bot answers and solves the contacts it keeps on arrival.
    answered = draws.arrival if draws.bot_keeps else outcome.answered
    if answered is not None and outcome.ended is not None:
        # Only what happened by the end of the run (``until`` may cut a handling).
        if answered <= end:
            events.append(
                TicketEvent(at=desk.instant(answered), kind=EventKind.AGENT_REPLY)
            )
        if outcome.ended <= end:
            events.append(
                TicketEvent(
                    at=desk.instant(outcome.ended),
                    kind=EventKind.STATUS_CHANGED,
                    status=TicketStatus.SOLVED,
                )
            )
    return events


# --------------------------------------------------------------------------- run


def simulate_desk(
    *,
    seed: int,
    start: dt.datetime,
    target_answer: dt.timedelta,
    volumes: Sequence[float] | None = None,
    interval: dt.timedelta | None = None,
    aht: dt.timedelta | Sequence[dt.timedelta] | None = None,
    arrivals: Iterable[Arrival] | None = None,
    patience: dt.timedelta | None = None,
    agents: int | Iterable[Agent] | None = None,
    roster: Roster | None = None,
    staffing: Sequence[int] | None = None,
    contact_types: Iterable[ContactType] | None = None,
    router: Router | None = None,
    policies: PolicySet | SlaPolicy | None = None,
    warm_up: dt.timedelta = dt.timedelta(0),
    batches: int = 20,
    confidence: float = 0.95,
    until: dt.datetime | None = None,
    owner_memory: dt.timedelta | None = None,
    bot: BotChannel | None = None,
) -> DeskSimulation:
    """Simulate a desk contact by contact, through the real router and SLA clocks.

    Interval ``i`` of the forecast covers ``[start + i·interval, start +
    (i+1)·interval)`` in elapsed time (as in
    [`IntervalRequirements`][servicekit.workforce.IntervalRequirements]); contacts
    arrive in it as a Poisson process of mean ``volumes[i]``. Each is of a [`ContactType`][] drawn by weight, waits in the
    queue, and hangs up after an exponential patience of mean ``patience`` unless an
    agent takes it first (``None``: it waits as long as it takes; ``timedelta(0)``:
    it leaves at once if nobody is free, Erlang B's loss system). Whenever a contact
    arrives, an agent finishes or comes on duty, or an escalation step of the
    router begins for a waiting contact, the queue goes through
    ``router.dispatch`` with the agents on duty, exactly as a CRM would call it; an
    assigned contact holds one unit of the agent's capacity on its channel for its
    handling time. When arrivals stop, the queue runs until empty (or until nobody
    will ever be on duty again). With ``policies``, each contact's event log
    (CREATED; then AGENT_REPLY when answered and STATUS_CHANGED to SOLVED when its
    handling ends; nothing more for one that hung up, so its first response is
    breached) is evaluated by [`evaluate`][servicekit.sla.evaluate] at the instant
    the simulation ends.

    Instead of a forecast, ``arrivals`` gives every contact (an [`Arrival`][]: its
    own routing ticket, handling time, patience and pickup delay), as a CRM
    replaying last month would; then ``volumes``, ``interval``, ``aht``,
    ``patience``, ``contact_types`` and ``staffing`` are left out. An assigned
    contact holds its agent's capacity from the router's choice (``routed_at``),
    is taken one pickup delay later (``answered_at``) and ends its handling time
    after that. With ``owner_memory``, a contact whose ticket names a customer but
    no owner gets as its case owner the agent the router last gave one of that
    customer's contacts to, if that was at most ``owner_memory`` before it arrived
    (first-contact ownership across contacts); a ticket naming an owner is offered
    again when the router's wait for a busy owner ends. With ``bot``, every contact
    on the bot's channel is answered by the bot, which keeps some (``by_bot``) and
    hands the rest to people. With ``until``, nothing happens from that instant on:
    contacts still waiting then stay unanswered, SLA logs are read then, and a
    forecast's contacts drawn from then on are left out (given arrivals from then on
    are refused).

    The same inputs and seed give the same result, bit for bit; each contact's
    patience and handling time come from streams of their own, so two staffings
    simulated with one seed meet the same callers (the bot's hand-overs have a
    stream of their own too, so adding a bot changes no other draw).

    Args:
        seed: The seed of every random draw.
        start: The first interval's start (with ``arrivals``: the run's start;
            none may arrive before it).
        target_answer: The service level's answer-time target.
        volumes: Contacts expected in each interval (see
            [`spread_volume`][servicekit.workforce.spread_volume]); needed unless
            ``arrivals`` are given.
        interval: The intervals' length (with ``volumes``).
        aht: Mean handling time (exponential), or a sample of handling times to
            draw from (say, last month's). A [`ContactType`][] may have its own.
            Needed with ``volumes``.
        arrivals: Every contact, given (instead of ``volumes``): see above.
        patience: Callers' mean patience, or None for none hanging up.
        agents: A number of agents (each takes one contact at a time on each
            contact type's channel), or routing Agents (skills, languages,
            capacity). Without a roster they are on duty throughout.
        roster: Who is on duty when (agents on no shift are off duty); without
            ``agents``, each agent on it is a plain agent as above.
        staffing: Instead of ``agents`` and ``roster``, how many plain agents are on
            duty in each interval (``IntervalRequirements.agents``, say): agent
            ``k`` is on duty whenever the count is ``k`` or more; nobody is after
            the last interval.
        contact_types: The kinds of contact (None: one kind of phone call).
        router: The routing pipeline (None: ``Router.default()``).
        policies: SLA policies to evaluate each contact's log with, or None.
        warm_up: Contacts arriving before ``start + warm_up`` are simulated but not
            counted (the desk starts empty, unlike a desk in its steady state).
        batches: Runs the counted contacts are split into for the intervals.
        confidence: The intervals' confidence level.
        until: When the simulation stops (aware), or None: when the last contact
            is done.
        owner_memory: How long a customer's last agent stays their case owner,
            or None (owners only as the tickets name them).
        bot: A [`BotChannel`][] in front of one channel, or None.

    Returns:
        The [`DeskSimulation`][].

    Raises:
        InvalidArgumentError: a negative or non-finite volume, patience or
            handling time (named by field and index), no agents, an empty roster,
            a roster naming agents not among ``agents``, agents holding contacts,
            ``staffing`` with another length than ``volumes`` or nobody on duty,
            more than two million contacts expected, fewer than 2 batches, a
            confidence outside (0, 1), both or neither of ``volumes`` and
            ``arrivals``, two arrivals with one ticket id, an arrival before
            ``start`` or not before ``until``, or ``until`` before ``start``.
        InvalidTypeError: inputs of the wrong type.
        NaiveDatetimeError: a ``start`` without a time zone.

    Examples:
        >>> import datetime as dt, pendulum
        >>> from servicekit.workforce import simulate_desk
        >>> sim = simulate_desk(
        ...     seed=1,
        ...     volumes=[100] * 4,
        ...     interval=dt.timedelta(minutes=30),
        ...     start=pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai"),
        ...     agents=14,
        ...     aht=dt.timedelta(minutes=3),
        ...     patience=dt.timedelta(minutes=2),
        ...     target_answer=dt.timedelta(seconds=20),
        ... )
        >>> sim.offered, round(sim.service_level.value, 3), sim.abandoned
        (416, 0.904, 13)
    """
    given_seed: object = seed
    if isinstance(given_seed, bool) or not isinstance(given_seed, int):
        msg = f"seed must be a whole number; got {seed!r}"
        raise InvalidTypeError(msg)
    first = v.aware(start, "start")
    target = c.duration(target_answer, "target_answer")
    # A plain datetime: pendulum's own arithmetic costs several times as much, on
    # every event.
    u = dt.datetime.astimezone(first, dt.UTC)
    base = dt.datetime(
        u.year, u.month, u.day, u.hour, u.minute, u.second, u.microsecond, dt.UTC
    )
    base_us = v.micros(first)
    given = _given(arrivals, volumes, interval, aht, patience, contact_types, staffing)
    if given is None:
        forecast = _volumes(volumes)
        if interval is None or aht is None:
            msg = "give interval= and aht= with volumes= (or give arrivals= instead)"
            raise InvalidArgumentError(msg)
        length = c.duration(interval, "interval", positive=True)
        handling = _handling(aht)
        wait = (
            math.inf
            if patience is None
            else c.seconds(c.duration(patience, "patience"))
        )
        kinds = _contact_types(contact_types)
        interval_s = c.seconds(length)
        horizon = interval_s * len(forecast)
    else:
        kinds = tuple(ContactType(name=k) for k in dict.fromkeys(a.kind for a in given))
    duty: list[tuple[float, float, str]] | None
    if staffing is None:
        team, schedule = _team(agents, roster, kinds)
        duty = None if schedule is None else _duty(schedule, base_us)
    else:
        team, duty = _staffed(staffing, agents, roster, kinds, forecast, interval_s)
    pipeline: object = Router.default() if router is None else router
    if not isinstance(pipeline, Router):
        msg = f"router must be a servicekit.routing.Router or None; got {router!r}"
        raise InvalidTypeError(msg)
    policy_set = _policies(policies)
    skip = c.seconds(c.duration(warm_up, "warm_up"))
    runs = _batches(batches)
    level = _confidence(confidence)
    stop = _until(until, base_us)
    memory = (
        None
        if owner_memory is None
        else c.seconds(c.duration(owner_memory, "owner_memory"))
    )
    helper = _bot(bot)

    if given is None:
        draws = draw_contacts(seed, forecast, interval_s, kinds, wait, handling)
    else:
        draws = _given_draws(given, kinds, base_us)
        horizon = max((d.arrival for d in draws), default=0.0)
    if stop is not None:
        late = [d for d in draws if d.arrival >= stop]
        if late and given is not None:
            first_late = late[0].ticket
            assert first_late is not None  # noqa: S101 -- given arrivals carry tickets
            msg = (
                f"arrivals: ticket {first_late.id!r} arrives at "
                f"{first_late.created_at.isoformat()}, not before until; leave it out "
                "or simulate until later"
            )
            raise InvalidArgumentError(msg)
        # A forecast's contacts drawn from ``until`` on never arrive in this run.
        draws = [d for d in draws if d.arrival < stop]
        horizon = stop
    if helper is not None:
        draws = _bot_draws(draws, helper, kinds, seed)
    desk = Desk(
        pipeline,
        team,
        duty,
        kinds,
        base,
        first.tzinfo or dt.UTC,
        until=math.inf if stop is None else stop,
        owner_memory=memory,
    )
    outcomes = desk.run(draws)
    if stop is None:
        end = max(
            [o.ended for o in outcomes if o.ended is not None]
            + [d.arrival for d in draws]
            + [horizon]
        )
    else:
        end = stop
    now = desk.instant(end)
    contacts = tuple(
        _contact(
            i, o, kinds, desk, policy_set, (now, end), counted=o.draws.arrival >= skip
        )
        for i, o in enumerate(outcomes)
    )
    busy = _busy_share(outcomes, (skip, horizon), duty, len(team))
    # Each counted contact's wait in microseconds, as its two instants give it
    # (each is the start plus its own rounded microseconds), without reading the
    # local datetimes back. Only for zones whose local times read back as the
    # instant they were made from; another tzinfo's are read as they are.
    waits = (
        [
            None
            if o.answered is None
            else round(o.answered * 1e6) - round(o.draws.arrival * 1e6)
            for o in outcomes
            if o.draws.arrival >= skip and not o.draws.bot_keeps
        ]
        if isinstance(desk.zone, _EXACT_ZONES)
        else None
    )
    return _measured(seed, target, contacts, busy, runs, level, waits)


def _given(  # noqa: PLR0917 -- private: the options arrivals exclude
    arrivals: object,
    volumes: object,
    interval: object,
    aht: object,
    patience: object,
    contact_types: object,
    staffing: object,
) -> tuple[Arrival, ...] | None:
    """The arrivals given, checked, in order of arrival; None for a forecast."""
    if arrivals is None:
        if volumes is None:
            msg = "give volumes= (a forecast per interval) or arrivals= (every contact)"
            raise InvalidArgumentError(msg)
        return None
    clash = [
        name
        for name, value in (
            ("volumes", volumes),
            ("interval", interval),
            ("aht", aht),
            ("patience", patience),
            ("contact_types", contact_types),
            ("staffing", staffing),
        )
        if value is not None
    ]
    if clash:
        msg = (
            f"arrivals= gives every contact with its own handling time and patience; "
            f"leave {', '.join(clash)} out"
        )
        raise InvalidArgumentError(msg)
    found = v.items_of(Arrival, arrivals, "arrivals")
    dup = v.first_duplicate(a.ticket.id for a in found)
    if dup is not None:
        msg = (
            f"arrivals holds two tickets with the id {dup!r}; give each contact its own"
        )
        raise InvalidArgumentError(msg)
    # Stable: arrivals at one instant keep the order they were given in. A ticket
    # keeps its instant in microseconds from when it was built: read, not redone.
    return tuple(sorted(found, key=lambda a: created_us(a.ticket)))


def _given_draws(
    given: Sequence[Arrival], kinds: Sequence[ContactType], base_us: int
) -> list[Draws]:
    index = {k.name: i for i, k in enumerate(kinds)}
    out = []
    for a in given:
        at_us = created_us(a.ticket)
        if at_us < base_us:
            msg = (
                f"arrivals: ticket {a.ticket.id!r} arrives at "
                f"{a.ticket.created_at.isoformat()}, before start; start the "
                "simulation earlier or leave it out"
            )
            raise InvalidArgumentError(msg)
        out.append(
            Draws(
                arrival=(at_us - base_us) / 1e6,
                kind=index[a.kind],
                patience=math.inf if a.patience is None else c.seconds(a.patience),
                handling=c.seconds(a.handling),
                ticket=a.ticket,
                pickup=c.seconds(a.pickup),
            )
        )
    return out


def _bot_draws(
    draws: list[Draws], bot: BotChannel, kinds: Sequence[ContactType], seed: int
) -> list[Draws]:
    rng = bot_stream(seed)
    out = []
    for d in draws:
        channel = d.ticket.channel if d.ticket is not None else kinds[d.kind].channel
        if channel == bot.channel and rng.random() >= bot.hand_over:
            d = d._replace(bot_keeps=True)  # noqa: PLW2901 -- the bot kept this one
        out.append(d)
    return out


def _until(value: object, base_us: int) -> float | None:
    if value is None:
        return None
    at = v.micros(v.aware(value, "until"))
    if at < base_us:
        msg = f"until ({value}) is before start; give an instant after the start"
        raise InvalidArgumentError(msg)
    return (at - base_us) / 1e6


def _bot(value: object) -> BotChannel | None:
    if value is None or isinstance(value, BotChannel):
        return value
    msg = f"bot must be a servicekit.workforce.BotChannel or None; got {value!r}"
    raise InvalidTypeError(msg)


def _measured(  # noqa: PLR0917 -- private: a result's parts
    seed: int,
    target: dt.timedelta,
    contacts: tuple[SimulatedContact, ...],
    occupancy: float,
    batches: int,
    confidence: float,
    waits_us: list[int | None] | None = None,
) -> DeskSimulation:
    """The result, its rates and ASA measured on the counted ``contacts``.

    ``waits_us``: each counted contact's wait in microseconds (None: unanswered),
    in order, if the caller knows them; else they are read from the contacts.
    """
    counted = [x for x in contacts if x.counted and not x.by_bot]
    target_us = target // _MICROSECOND
    if waits_us is None:
        waits_us = [
            None
            if x.answered_at is None
            else v.micros(x.answered_at) - v.micros(x.arrived_at)
            for x in counted
        ]
    waits = [w for w in waits_us if w is not None]
    return DeskSimulation(
        seed=seed,
        target_answer=target,
        contacts=contacts,
        service_level=_batch_estimate(
            [w is not None and w <= target_us for w in waits_us],
            batches,
            confidence,
        ),
        answer_rate=_batch_estimate([x.answered for x in counted], batches, confidence),
        abandon_rate=_batch_estimate(
            [x.abandoned for x in counted], batches, confidence
        ),
        asa=dt.timedelta(microseconds=round(math.fsum(waits) / len(waits)))
        if waits
        else dt.timedelta(0),
        occupancy=occupancy,
        batches=batches,
        confidence=confidence,
    )


def _contact(  # noqa: PLR0917 -- private: one outcome and what it is read with
    i: int,
    o: Outcome,
    kinds: Sequence[ContactType],
    desk: Desk,
    policies: PolicySet | None,
    end: tuple[dt.datetime, float],
    *,
    counted: bool,
) -> SimulatedContact:
    kind = kinds[o.draws.kind]
    report = None
    if policies is not None:
        report = evaluate(policies, _events(o.draws, o, kind, desk, end[1]), end[0])
    ticket = o.draws.ticket
    local = desk.local
    # Every field comes from the run's own checked values: the fast constructor
    # skips checking them again, once per contact, and takes them in field order
    # (no table of them by name).
    out = object.__new__(SimulatedContact)
    for put, value in zip(
        _PUT_CONTACT,
        (
            f"C{i + 1}" if ticket is None else ticket.id,
            kind.name,
            local(o.draws.arrival),
            None if o.answered is None else local(o.answered),
            None if o.ended is None else local(o.ended),
            o.agent,
            counted,
            report,
            None if o.routed is None else local(o.routed),
            o.step,
            o.owner,
            o.draws.bot_keeps,
        ),
        strict=True,
    ):
        put(out, value)
    return out


_PUT_CONTACT: Final = v.field_setters(
    SimulatedContact,
    "id",
    "kind",
    "arrived_at",
    "answered_at",
    "ended_at",
    "agent_id",
    "counted",
    "sla",
    "routed_at",
    "step",
    "owner_id",
    "by_bot",
)


def _volumes(value: object) -> tuple[float, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        msg = f"volumes must be a sequence of numbers (contacts per interval); got {value!r}"
        raise InvalidTypeError(msg)
    found = tuple(
        c.number(x, f"volumes[{i}]", "contacts expected in the interval")
        for i, x in enumerate(value)
    )
    expected = math.fsum(found)
    if expected > MAX_CONTACTS:
        msg = (
            f"volumes add up to {expected:,.0f} contacts, more than the {MAX_CONTACTS:,} "
            "a simulation takes; check the units, or simulate a shorter horizon"
        )
        raise InvalidArgumentError(msg)
    return found


def _policies(value: object) -> PolicySet | None:
    if value is None or isinstance(value, PolicySet):
        return value
    if isinstance(value, SlaPolicy):
        return PolicySet([value])
    msg = f"policies must be a PolicySet, an SlaPolicy or None; got {value!r}"
    raise InvalidTypeError(msg)

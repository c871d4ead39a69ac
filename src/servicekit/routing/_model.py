"""The two things routing moves around: tickets waiting for work and agents doing it.

``Ticket`` and ``Agent`` are frozen values a CRM builds from its own records. Routing
never mutates them: dispatch returns new ``Agent`` values with updated load. This
module must never read a clock or look anything up outside the values it is given.
"""

from __future__ import annotations

import copy
import datetime as dt  # noqa: TC003 -- the codec reads the field types at run time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from servicekit import _codec
from servicekit._vocabulary import Channel, Priority, Tier
from servicekit.errors import InvalidArgumentError, InvalidTypeError
from servicekit.routing import _values as v

if TYPE_CHECKING:
    from servicekit.sla import SlaReport

__all__ = ["Agent", "Ticket"]


def _ticket_id(value: object) -> str:
    return v.check_id(value, "Ticket.id")


def _agent_id(value: object) -> str:
    return v.check_id(value, "Agent.id")


def _created_at(value: object) -> dt.datetime:
    return v.aware(value, "Ticket.created_at")


def _due_at(value: object) -> dt.datetime | None:
    return v.optional_aware(value, "Ticket.due_at")


def _last_assigned(value: object) -> dt.datetime | None:
    return v.optional_aware(value, "Agent.last_assigned_at")


def _optional_micros(value: dt.datetime | None) -> int | None:
    return None if value is None else v.micros(value)


def _agent_last_us(agent: Agent) -> int | None:
    return _optional_micros(agent.last_assigned_at)


# Instants keep the zone they were given in; dispatch compares them as integers,
# computed once here (reading a zone's offset costs more than the rest of the key).
def _hidden() -> Any:
    return attrs.field(init=False, eq=False, hash=False, repr=False)


def _priority(value: object) -> Priority:
    return v.enum_member(Priority, value, "priority")  # type: ignore[no-any-return]


def _tier(value: object) -> Tier:
    return v.enum_member(Tier, value, "tier")  # type: ignore[no-any-return]


def _channel(value: object) -> Channel:
    return v.enum_member(Channel, value, "channel")  # type: ignore[no-any-return]


def _ticket_skills(value: object) -> frozenset[str]:
    return v.names(value, "Ticket.skills")


def _min_levels(value: object) -> v.FrozenMap[str, int]:
    return v.skill_levels(value, "Ticket.min_levels")


def _language(value: object) -> str | None:
    return v.optional_language(value, "Ticket.language")


def _customer_id(value: object) -> str | None:
    return v.optional_id(value, "Ticket.customer_id")


def _owner_id(value: object) -> str | None:
    return v.optional_id(value, "Ticket.owner_id")


def _group(value: object) -> str | None:
    return v.optional_id(value, "Ticket.group")


def _assignee_id(value: object) -> str | None:
    return v.optional_id(value, "Ticket.assignee_id")


def _agent_skills(value: object) -> v.FrozenMap[str, int]:
    return v.skill_levels(value, "Agent.skills")


def _per_channel(what: str, value: object) -> v.FrozenMap[Channel, int]:
    if isinstance(value, v.FrozenMap | dict) and all(
        type(k) is Channel and type(n) is int and n >= 0 for k, n in value.items()
    ):
        # Already checked (evolve() passes the agent's own maps back), or a plain dict
        # of members and counts, as a CRM keeping loads current builds one per change.
        return value if isinstance(value, v.FrozenMap) else v.FrozenMap(value)
    if not isinstance(value, Mapping):
        msg = f"Agent.{what} must map channels to whole numbers, such as {{Channel.CHAT: 3}}; got {value!r}"
        raise InvalidTypeError(msg)
    out: dict[Channel, int] = {}
    for key, n in value.items():
        channel = _channel(key)
        if channel in out:
            msg = f"Agent.{what} names the channel {channel.value!r} twice"
            raise InvalidArgumentError(msg)
        out[channel] = v.count(n, f"Agent.{what}[{channel.value!r}]")
    return v.FrozenMap(out)


def _capacity(value: object) -> v.FrozenMap[Channel, int]:
    return _per_channel("capacity", value)


def _load(value: object) -> v.FrozenMap[Channel, int]:
    return _per_channel("load", value)


def _agent_languages(value: object) -> frozenset[str]:
    return v.languages(value, "Agent.languages")


def _customers(value: object) -> frozenset[str]:
    return v.names(value, "Agent.dedicated_customers", "'C-42'")


def _groups(value: object) -> frozenset[str]:
    return v.names(value, "Agent.groups", "'after-sales'")


def _tiers(value: object) -> frozenset[Tier]:
    if isinstance(value, str) or not isinstance(value, set | frozenset | list | tuple):
        msg = f"Agent.dedicated_tiers must be a set of tiers such as {{Tier.HIGH_VALUE}}; got {value!r}"
        raise InvalidTypeError(msg)
    return frozenset(_tier(t) for t in value)


def _channel_counts(value: v.FrozenMap[Channel, int]) -> dict[str, int]:
    return {k.value: n for k, n in value.items()}


# Frozen maps are JSON objects, checked by the field's own converter as they are read
# (so an error names the field's path).
_ATTRIBUTES: Final = _codec.Shape(dict[str, Any], v.attributes, v.thaw_json)
_MIN_LEVELS: Final = _codec.Shape(dict[str, int], _min_levels, dict)
_SKILLS: Final = _codec.Shape(dict[str, int], _agent_skills, dict)
_CAPACITY: Final = _codec.Shape(dict[str, int], _capacity, _channel_counts)
_LOAD: Final = _codec.Shape(dict[str, int], _load, _channel_counts)


@_codec.value(
    omit_if_default=(),
    shapes={"min_levels": _MIN_LEVELS, "attributes": _ATTRIBUTES},
)
@attrs.frozen(kw_only=True)
class Ticket(_codec.Serialisable):
    """A piece of work waiting for an agent.

    Args:
        id: The CRM's identifier; unique within a dispatch.
        created_at: When the customer first asked (aware datetime, kept in its zone).
        priority: How urgent (usually set by [`Triage`][servicekit.routing.Triage]).
        tier: The customer's value tier.
        channel: Where the contact arrived; agents need capacity on it.
        skills: Skill names an agent must have.
        min_levels: Minimum level (1-10) per skill in ``skills``; others need level 1.
        language: Language tag the agent must speak (case-insensitive), or None.
        customer_id: The customer, for dedicated managers.
        owner_id: The agent who owns the case (first-contact ownership, 首问负责制).
        due_at: The SLA deadline, filled by the caller (earlier is served first).
        group: The skill group (team) that takes this kind of work, or None for any.
        assignee_id: The agent currently working it; queued tickets have None.
        attributes: Further JSON-native facts for triage rules (``attributes.city``).

    Raises:
        NaiveDatetimeError: ``created_at`` or ``due_at`` has no time zone.
        InvalidArgumentError: an id is empty, a level is out of 1-10, or
            ``min_levels`` names a skill missing from ``skills``.
        UnknownNameError: priority, tier or channel is not a known member.

    Examples:
        >>> import pendulum
        >>> from servicekit import Channel, Priority, Tier
        >>> from servicekit.routing import Ticket
        >>> t = Ticket(
        ...     id="T1",
        ...     created_at=pendulum.datetime(2026, 3, 2, 9, tz="Asia/Shanghai"),
        ...     priority="high",
        ...     tier=Tier.HIGH_VALUE,
        ...     channel=Channel.CHAT,
        ...     skills={"billing"},
        ...     min_levels={"billing": 3},
        ... )
        >>> t.priority, t.to_dict()["created_at"]
        (<Priority.HIGH: 'high'>, '2026-03-02T09:00:00+08:00')
        >>> Ticket.from_dict(t.to_dict()) == t
        True
    """

    id: str = attrs.field(converter=_ticket_id)
    created_at: dt.datetime = attrs.field(converter=_created_at)
    priority: Priority = attrs.field(converter=_priority)
    tier: Tier = attrs.field(converter=_tier)
    channel: Channel = attrs.field(converter=_channel)
    skills: frozenset[str] = attrs.field(default=frozenset(), converter=_ticket_skills)
    min_levels: v.FrozenMap[str, int] = attrs.field(
        factory=v.FrozenMap, converter=_min_levels
    )
    language: str | None = attrs.field(default=None, converter=_language)
    customer_id: str | None = attrs.field(default=None, converter=_customer_id)
    owner_id: str | None = attrs.field(default=None, converter=_owner_id)
    due_at: dt.datetime | None = attrs.field(default=None, converter=_due_at)
    group: str | None = attrs.field(default=None, converter=_group)
    assignee_id: str | None = attrs.field(default=None, converter=_assignee_id)
    attributes: v.FrozenMap[str, Any] = attrs.field(
        factory=v.FrozenMap, converter=v.attributes
    )
    _created_us: int = _hidden()
    _due_us: int | None = _hidden()

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_created_us", v.micros(self.created_at))
        object.__setattr__(self, "_due_us", _optional_micros(self.due_at))
        extra = sorted(set(self.min_levels) - self.skills)
        if extra:
            msg = (
                f"ticket {self.id}: min_levels names {extra} which are not in skills "
                f"{sorted(self.skills)}; add them to skills or drop their levels"
            )
            raise InvalidArgumentError(msg)

    def with_sla(self, report: SlaReport) -> Ticket:
        """Return this ticket with ``due_at`` from its SLA report: no hand copying.

        The queue serves earlier deadlines first (after priority), so a ticket whose
        report says a promise runs out sooner, or has run out, moves up. The
        deadline is [`SlaReport.due_at`][servicekit.sla.SlaReport.due_at]: the
        earliest running target's, or None when nothing runs (then the ticket comes
        after those with a deadline). Evaluate the report at the dispatch's ``now``.

        Args:
            report: the ticket's [`SlaReport`][servicekit.sla.SlaReport].

        Raises:
            InvalidTypeError: ``report`` is not an ``SlaReport``.

        Examples:
            >>> import pendulum
            >>> from servicekit.routing import Ticket
            >>> from servicekit.sla import EventKind, TicketEvent, evaluate
            >>> from servicekit.sla.presets import SERVICE_STANDARD
            >>> t0 = pendulum.datetime(2025, 3, 3, 10, tz="Asia/Shanghai")
            >>> events = [TicketEvent(at=t0, kind=EventKind.CREATED, priority="urgent")]
            >>> report = evaluate(SERVICE_STANDARD, events, t0.add(minutes=2))
            >>> ticket = Ticket(
            ...     id="T1",
            ...     created_at=t0,
            ...     priority="urgent",
            ...     tier="ordinary",
            ...     channel="phone",
            ... )
            >>> ticket.with_sla(report).due_at
            DateTime(2025, 3, 3, 10, 5, 0, tzinfo=Timezone('Asia/Shanghai'))
        """
        from servicekit.sla import SlaReport  # noqa: PLC0415 -- loaded only when asked

        if not isinstance(report, SlaReport):
            msg = (  # type: ignore[unreachable]  # callers without a type checker
                "Ticket.with_sla takes the ticket's SlaReport (from sla.evaluate); "
                f"got {type(report).__name__}"
            )
            raise InvalidTypeError(msg)
        return attrs.evolve(self, due_at=report.due_at)

    def min_level(self, skill: str) -> int:
        """Return the minimum level required for ``skill`` (1 when unspecified).

        Args:
            skill: A skill name.

        Returns:
            The minimum level 1-10.

        Examples:
            >>> import pendulum
            >>> from servicekit.routing import Ticket
            >>> t = Ticket(
            ...     id="T",
            ...     created_at=pendulum.datetime(2026, 1, 1),
            ...     priority="normal",
            ...     tier="ordinary",
            ...     channel="email",
            ...     skills={"a", "b"},
            ...     min_levels={"a": 4},
            ... )
            >>> t.min_level("a"), t.min_level("b")
            (4, 1)
        """
        return self.min_levels.get(skill, 1)

    def facts(self) -> dict[str, Any]:
        """Return the facts triage rules are matched against.

        Keys: ``id``, ``priority``, ``tier``, ``channel``, ``language``,
        ``customer_id``, ``owner_id``, ``group``, ``skills`` and ``attributes``
        (reach nested values with ``"attributes.city"``). ``skills`` maps each
        required skill to True, so a rule tests one with ``{"skills.refunds": True}``
        or with ``Contains(field="skills", value="refunds")``.

        Returns:
            A new dict of the ticket's facts.

        Examples:
            >>> import pendulum
            >>> from servicekit.routing import Ticket
            >>> t = Ticket(
            ...     id="T",
            ...     created_at=pendulum.datetime(2026, 1, 1),
            ...     priority="low",
            ...     tier="ordinary",
            ...     channel="phone",
            ...     attributes={"city": "Kashgar"},
            ... )
            >>> t.facts()["attributes"]["city"], t.facts()["channel"]
            ('Kashgar', <Channel.PHONE: 'phone'>)
            >>> from servicekit.sla import Contains, Equals
            >>> Equals(field="skills.refunds", value=True).matches(t.facts())
            False
            >>> Contains(field="skills", value="refunds").matches(t.facts())
            False
        """
        return {
            "id": self.id,
            "priority": self.priority,
            "tier": self.tier,
            "channel": self.channel,
            "language": self.language,
            "customer_id": self.customer_id,
            "owner_id": self.owner_id,
            "group": self.group,
            "skills": dict.fromkeys(sorted(self.skills), True),
            "attributes": self.attributes,
        }


@_codec.value(
    omit_if_default=(),
    shapes={
        "skills": _SKILLS,
        "capacity": _CAPACITY,
        "load": _LOAD,
        "attributes": _ATTRIBUTES,
    },
)
@attrs.frozen(kw_only=True)
class Agent(_codec.Serialisable):
    """A person who takes tickets, with skills, languages and per-channel capacity.

    Args:
        id: Unique identifier.
        skills: Skill name → level 1 (novice) … 10 (expert).
        languages: Language tags spoken (case-insensitive).
        capacity: Channel → how many tickets at once (a channel not listed: none).
        load: Channel → tickets held now (may exceed capacity after a cut: no room).
        available: False while on break, in training or logged off.
        dedicated_customers: Customers this agent manages personally.
        dedicated_tiers: Customer tiers this agent is assigned to serve first.
        last_assigned_at: When the agent last received a ticket (None: never).
        part_time: Part-time agents take a reduced share of their capacity.
        senior: Senior agents take repeat complaints one-to-one.
        groups: Skill groups (teams) the agent belongs to.
        attributes: Further JSON-native facts for custom policies.

    Raises:
        InvalidArgumentError: a level outside 1-10, a negative capacity or load.
        UnknownNameError: a channel or tier that does not exist.

    Examples:
        >>> from servicekit import Channel
        >>> from servicekit.routing import Agent
        >>> a = Agent(
        ...     id="A1",
        ...     skills={"billing": 7},
        ...     languages={"zh", "MN"},
        ...     capacity={Channel.CHAT: 3, "email": 10},
        ... )
        >>> sorted(a.languages), a.room(Channel.CHAT)
        (['mn', 'zh'], 3)
        >>> Agent(id="A2", capacity={"chat": -1})
        Traceback (most recent call last):
        ...
        servicekit.errors.InvalidArgumentError: Agent.capacity['chat'] must be a whole number, zero or more; got -1
    """

    id: str = attrs.field(converter=_agent_id)
    skills: v.FrozenMap[str, int] = attrs.field(
        factory=v.FrozenMap, converter=_agent_skills
    )
    languages: frozenset[str] = attrs.field(
        default=frozenset(), converter=_agent_languages
    )
    capacity: v.FrozenMap[Channel, int] = attrs.field(
        factory=v.FrozenMap, converter=_capacity
    )
    load: v.FrozenMap[Channel, int] = attrs.field(factory=v.FrozenMap, converter=_load)
    available: bool = attrs.field(default=True, validator=v.flag("Agent.available"))
    dedicated_customers: frozenset[str] = attrs.field(
        default=frozenset(), converter=_customers
    )
    dedicated_tiers: frozenset[Tier] = attrs.field(
        default=frozenset(), converter=_tiers
    )
    last_assigned_at: dt.datetime | None = attrs.field(
        default=None, converter=_last_assigned
    )
    part_time: bool = attrs.field(default=False, validator=v.flag("Agent.part_time"))
    senior: bool = attrs.field(default=False, validator=v.flag("Agent.senior"))
    groups: frozenset[str] = attrs.field(default=frozenset(), converter=_groups)
    attributes: v.FrozenMap[str, Any] = attrs.field(
        factory=v.FrozenMap, converter=v.attributes
    )
    _last_us: int | None = attrs.field(
        init=False,
        eq=False,
        hash=False,
        repr=False,
        default=attrs.Factory(_agent_last_us, takes_self=True),
    )

    def with_load(
        self,
        load: Mapping[Channel, int] | Mapping[str, int],
        *,
        assigned_at: dt.datetime | None = None,
    ) -> Agent:
        """Return this agent holding ``load`` now; every other fact is unchanged.

        The cheap way to keep an agent current between dispatches (a ticket finished,
        a transfer): only the new load, and ``assigned_at`` when given (it becomes
        ``last_assigned_at``), are checked, so it costs a fraction of building the
        agent again. ``dispatch`` uses it for the agents it returns.

        Args:
            load: Channel → tickets held now (channels not listed: none).
            assigned_at: When the agent last received a ticket; None keeps it.

        Raises:
            InvalidArgumentError: a negative load.
            UnknownNameError: a channel that does not exist.

        Examples:
            >>> from servicekit import Channel
            >>> from servicekit.routing import Agent
            >>> a = Agent(id="A1", capacity={"chat": 3}, load={"chat": 3})
            >>> a.room(Channel.CHAT), a.with_load({"chat": 1}).room(Channel.CHAT)
            (0, 2)
            >>> a.with_load({"chat": 1}) == Agent(
            ...     id="A1", capacity={"chat": 3}, load={"chat": 1}
            ... )
            True
        """
        new_load = _load(load)
        last = (
            self.last_assigned_at
            if assigned_at is None
            else _last_assigned(assigned_at)
        )
        last_micros = (
            self._last_us if last is self.last_assigned_at else _optional_micros(last)
        )
        return holding(self, new_load, last, last_micros)

    def room(self, channel: Channel) -> int:
        """Return how many more tickets the agent can take on ``channel`` now.

        Args:
            channel: The channel (a member or its name).

        Returns:
            ``capacity - load`` on that channel, never below zero.

        Examples:
            >>> from servicekit.routing import Agent
            >>> Agent(id="A", capacity={"chat": 3}, load={"chat": 2}).room("chat")
            1
        """
        ch = _channel(channel)
        return max(0, self.capacity.get(ch, 0) - self.load.get(ch, 0))

    def load_ratio(self) -> float:
        """Return total load over total capacity (``inf`` with no capacity at all).

        Returns:
            Total load divided by total capacity across channels.

        Examples:
            >>> from servicekit.routing import Agent
            >>> Agent(id="A", capacity={"chat": 4}, load={"chat": 1}).load_ratio()
            0.25
        """
        total = sum(self.capacity.values())
        return sum(self.load.values()) / total if total else float("inf")


# Each field of Agent but the two ``holding`` replaces, as (read, write) of its slot:
# a copy made through the slots' own descriptors costs a third of one made by name.
# Agent's fields, each written through its slot (named in full: a field added later
# fails here, at import, instead of being left out of the agents dispatch returns).
(
    _SET_ID,
    _SET_SKILLS,
    _SET_LANGUAGES,
    _SET_CAPACITY,
    _SET_LOAD,
    _SET_AVAILABLE,
    _SET_CUSTOMERS,
    _SET_TIERS,
    _SET_LAST,
    _SET_PART_TIME,
    _SET_SENIOR,
    _SET_GROUPS,
    _SET_ATTRIBUTES,
    _SET_LAST_US,
) = v.field_setters(
    Agent,
    "id",
    "skills",
    "languages",
    "capacity",
    "load",
    "available",
    "dedicated_customers",
    "dedicated_tiers",
    "last_assigned_at",
    "part_time",
    "senior",
    "groups",
    "attributes",
    "_last_us",
)


def holding(
    agent: Agent,
    load: v.FrozenMap[Channel, int],
    last: dt.datetime | None,
    last_micros: int | None,
) -> Agent:
    """Return ``agent`` with ``load`` and ``last_assigned_at`` replaced, unchecked.

    Both must already be in their stored form, and ``last_micros`` must be ``last``
    in microseconds since the epoch (the caller often knows it already). Slot by slot rather than
    ``copy.copy``, whose pickle protocol costs several times as much; the facts
    other than load are the very same objects, which the router's cross-call index
    relies on.
    """
    if type(agent) is not Agent:
        # A subclass may carry slots of its own: let copy find them all.
        clone = copy.copy(agent)
        object.__setattr__(clone, "load", load)
        object.__setattr__(clone, "last_assigned_at", last)
        object.__setattr__(clone, "_last_us", last_micros)
        return clone
    # Field by field, each through its slot: a third of the cost of a loop.
    clone = object.__new__(Agent)
    _SET_ID(clone, agent.id)
    _SET_SKILLS(clone, agent.skills)
    _SET_LANGUAGES(clone, agent.languages)
    _SET_CAPACITY(clone, agent.capacity)
    _SET_LOAD(clone, load)
    _SET_AVAILABLE(clone, agent.available)
    _SET_CUSTOMERS(clone, agent.dedicated_customers)
    _SET_TIERS(clone, agent.dedicated_tiers)
    _SET_LAST(clone, last)
    _SET_PART_TIME(clone, agent.part_time)
    _SET_SENIOR(clone, agent.senior)
    _SET_GROUPS(clone, agent.groups)
    _SET_ATTRIBUTES(clone, agent.attributes)
    _SET_LAST_US(clone, last_micros)
    return clone


def created_us(ticket: Ticket) -> int:
    """Return when ``ticket`` was created, in microseconds since the Unix epoch."""
    return ticket._created_us  # noqa: SLF001 -- this module's own field


def due_us(ticket: Ticket) -> int | None:
    """Return ``ticket``'s deadline in microseconds since the epoch, or None."""
    return ticket._due_us  # noqa: SLF001 -- this module's own field


def last_us(agent: Agent) -> int | None:
    """Return when ``agent`` last received a ticket, in microseconds, or None."""
    return agent._last_us  # noqa: SLF001 -- this module's own field

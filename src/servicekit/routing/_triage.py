"""Triage: an ordered table of rules that gives each ticket its priority and skills.

"Not every ticket may default to the high-priority queue": priority comes from rules
that a supervisor can list, print and store, never from habit or from code. Rules are
data (conditions from [`servicekit.sla`][servicekit.sla]), the first match wins, and a default rule
catches the rest. This module must never evaluate strings as code or read a clock.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any, Final

import attrs

from servicekit import _codec
from servicekit._conditions import (
    MISSING,
    Always,
    Condition,
    condition_from,
    fields_read,
    lookup,
    or_always,
)
from servicekit._vocabulary import Priority
from servicekit.errors import (
    DuplicateIdError,
    InvalidArgumentError,
    InvalidConditionError,
    InvalidTypeError,
)
from servicekit.routing import _values as v
from servicekit.routing._model import Ticket

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["Triage", "TriageResult", "TriageRule"]


def _rule_name(value: object) -> str:
    return v.check_id(value, "TriageRule.name")


def _priority(value: object) -> Priority:
    return v.enum_member(Priority, value, "priority")  # type: ignore[no-any-return]


def _optional_priority(value: object) -> Priority | None:
    return None if value is None else _priority(value)


def _optional_group(value: object) -> str | None:
    return v.optional_id(value, "TriageRule.group")


def _skills(value: object) -> frozenset[str]:
    return v.names(value, "skills")


def _levels(value: object) -> v.FrozenMap[str, int]:
    return v.skill_levels(value, "min_levels")


def _write_when(when: Condition) -> Condition:
    return when  # every condition, Always too, is written as its data


# A condition's data (or the shorthand) through the codec, as sla's policies hold
# it; null is every ticket (written as {"type": "always"}).
_WHEN: Final = _codec.Shape(Condition | None, or_always, _write_when)
_MIN_LEVELS: Final = _codec.Shape(dict[str, int], _levels, dict)


def _result_rule(value: object) -> TriageRule:
    if not isinstance(value, TriageRule):
        msg = f"TriageResult.rule must be the TriageRule that fired; got {value!r}"
        raise InvalidTypeError(msg)
    return value


@_codec.value(omit_if_default=(), shapes={"when": _WHEN, "min_levels": _MIN_LEVELS})
@attrs.frozen(kw_only=True)
class TriageRule(_codec.Serialisable):
    """One row of a triage table: when the facts match, set these.

    Args:
        name: Unique, human-readable name shown in explanations.
        when: A condition (or shorthand mapping) over [`Ticket.facts`][]; None
            matches every ticket.
        priority: The priority to give; None keeps the ticket's own.
        group: The skill group that takes the work; None keeps the ticket's own.
        skills: Skills to require (added to the ticket's).
        min_levels: Minimum levels for those skills.

    Examples:
        >>> from servicekit.routing import TriageRule
        >>> rule = TriageRule(
        ...     name="outage",
        ...     when={"attributes.kind": "outage"},
        ...     priority="urgent",
        ...     group="technical support",
        ... )
        >>> TriageRule.from_dict(rule.to_dict()) == rule
        True
    """

    name: str = attrs.field(converter=_rule_name)
    when: Condition = attrs.field(default=None, converter=condition_from)
    priority: Priority | None = attrs.field(default=None, converter=_optional_priority)
    group: str | None = attrs.field(default=None, converter=_optional_group)
    skills: frozenset[str] = attrs.field(default=frozenset(), converter=_skills)
    min_levels: v.FrozenMap[str, int] = attrs.field(
        factory=v.FrozenMap, converter=_levels
    )

    def __attrs_post_init__(self) -> None:
        extra = sorted(set(self.min_levels) - self.skills)
        if extra:
            msg = f"triage rule {self.name!r}: min_levels names {extra} which are not in skills; add them to skills"
            raise InvalidConditionError(msg)


@_codec.value(omit_if_default=(), shapes={"min_levels": _MIN_LEVELS})
@attrs.frozen(kw_only=True)
class TriageResult(_codec.Serialisable):
    """What triage decided for one ticket, and which rule decided it.

    Args:
        rule: The rule that fired (the default rule when none matched).
        priority: The ticket's priority after triage.
        group: Its skill group after triage (None: any).
        skills: The skills it requires after triage.
        min_levels: Minimum levels for those skills.

    Examples:
        >>> import pendulum
        >>> from servicekit.routing import Ticket, Triage, TriageRule
        >>> triage = Triage(
        ...     rules=[
        ...         TriageRule(name="vip", when={"tier": "high_value"}, priority="high")
        ...     ]
        ... )
        >>> t = Ticket(
        ...     id="T",
        ...     created_at=pendulum.datetime(2026, 1, 1),
        ...     priority="low",
        ...     tier="high_value",
        ...     channel="chat",
        ... )
        >>> result = triage.classify(t)
        >>> result.rule.name, result.priority.value, result.apply(t).priority.value
        ('vip', 'high', 'high')
    """

    rule: TriageRule = attrs.field(converter=_result_rule)
    priority: Priority = attrs.field(converter=_priority)
    group: str | None = attrs.field(converter=_optional_group)
    skills: frozenset[str] = attrs.field(default=frozenset(), converter=_skills)
    min_levels: v.FrozenMap[str, int] = attrs.field(
        factory=v.FrozenMap, converter=_levels
    )

    def __attrs_post_init__(self) -> None:
        extra = sorted(set(self.min_levels) - self.skills)
        if extra:
            msg = f"TriageResult.min_levels names {extra} which are not in skills; add them to skills"
            raise InvalidArgumentError(msg)

    def apply(self, ticket: Ticket) -> Ticket:
        """Return ``ticket`` with this result's priority, group and skills.

        Args:
            ticket: The ticket to classify.

        Returns:
            A new ticket with triage's priority, group, skills and levels.

        Examples:
            >>> import pendulum
            >>> from servicekit.routing import Ticket, Triage
            >>> t = Ticket(
            ...     id="T",
            ...     created_at=pendulum.datetime(2026, 1, 1),
            ...     priority="urgent",
            ...     tier="ordinary",
            ...     channel="chat",
            ... )
            >>> Triage(rules=[]).classify(t).apply(t).priority.value
            'normal'
        """
        given: object = ticket
        if not isinstance(given, Ticket):
            msg = f"TriageResult.apply needs a Ticket; got {ticket!r}"
            raise InvalidTypeError(msg)
        # Every part is validated already (this result's converters and invariant,
        # the ticket's); re-running the ticket's converters doubled dispatch's cost.
        return v.trusted_evolve(
            ticket,
            priority=self.priority,
            group=self.group,
            skills=self.skills,
            min_levels=self.min_levels,
        )


def _rules(value: object) -> tuple[TriageRule, ...]:
    out = v.items_of(TriageRule, value, "Triage.rules")
    seen: set[str] = set()
    for rule in out:
        if rule.name in seen:
            msg = f"two triage rules are named {rule.name!r}; give each rule its own name so explanations are unambiguous"
            raise DuplicateIdError(msg)
        seen.add(rule.name)
    return out


def _default_rule(value: object) -> TriageRule:
    if not isinstance(value, TriageRule):
        msg = f"Triage.default must be a TriageRule; got {value!r}"
        raise InvalidTypeError(msg)
    if not isinstance(value.when, Always):
        msg = "the default triage rule applies when nothing else does; leave its `when` empty"
        raise InvalidConditionError(msg)
    return value


# At most this many sets of facts are memoised per table (then it stops growing).
_MEMO_LIMIT: Final = 4096
_KEYED_TYPES: Final = frozenset({str, int, float, bool, type(None)})


def _memo_key(
    facts: Mapping[str, Any], fields: tuple[str, ...]
) -> tuple[Any, ...] | None:
    """The facts' values at ``fields``, each with its exact type, or None.

    ``True == 1 == 1.0`` and they hash alike, but conditions tell a bool from a
    number, so each value is keyed with its type; only plain scalars and enum members
    (the vocabulary: priority, tier, channel) are keyed, anything else is not memoised.
    """
    out = []
    for field in fields:
        value = lookup(facts, field)
        kind = type(value)
        if (
            kind not in _KEYED_TYPES
            and not isinstance(value, enum.Enum)
            and value is not MISSING
        ):
            return None
        out.append((kind, value))
    return tuple(out)


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class Triage(_codec.Serialisable):
    """An ordered rule table; the first rule whose condition matches wins.

    The default rule (priority NORMAL unless you say otherwise) classifies tickets no
    rule matches, so a ticket never lands in the high-priority queue by accident.

    Args:
        rules: The rules, tried in order.
        default: The rule used when none matches (its ``when`` must be empty).

    Raises:
        DuplicateIdError: two rules share a name.

    Examples:
        >>> import pendulum
        >>> from servicekit.routing import Ticket, Triage, TriageRule
        >>> triage = Triage(
        ...     rules=[
        ...         TriageRule(
        ...             name="outage",
        ...             when={"attributes.kind": "outage"},
        ...             priority="urgent",
        ...             group="technical support",
        ...         ),
        ...         TriageRule(
        ...             name="Mongolian speakers",
        ...             when={"attributes.city": "Hohhot"},
        ...             skills={"mongolian"},
        ...         ),
        ...     ]
        ... )
        >>> t = Ticket(
        ...     id="T",
        ...     created_at=pendulum.datetime(2026, 1, 1),
        ...     priority="high",
        ...     tier="ordinary",
        ...     channel="phone",
        ...     attributes={"city": "Hohhot"},
        ... )
        >>> r = triage.classify(t)
        >>> r.rule.name, r.priority.value, sorted(r.skills)
        ('Mongolian speakers', 'high', ['mongolian'])
    """

    rules: tuple[TriageRule, ...] = attrs.field(converter=_rules)
    default: TriageRule = attrs.field(
        factory=lambda: TriageRule(name="default", priority=Priority.NORMAL),
        validator=lambda _i, _a, value: _default_rule(value),
    )

    # The fields every rule reads (None: some rule's result may hang on more), and
    # an invisible memo from their values to the index of the rule that fires (-1:
    # the default). Tickets differ in id and instant, but the facts the rules read
    # take few values: classifying them once is enough.
    _fields: tuple[str, ...] | None = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _memo: dict[tuple[Any, ...], int] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        if any(rule.name == self.default.name for rule in self.rules):
            msg = f"a rule shares the default rule's name {self.default.name!r}; rename one"
            raise DuplicateIdError(msg)
        fields: frozenset[str] | None = frozenset()
        for rule in self.rules:
            read = fields_read(rule.when)
            fields = None if read is None or fields is None else fields | read
        object.__setattr__(
            self, "_fields", None if fields is None else tuple(sorted(fields))
        )
        object.__setattr__(self, "_memo", {})

    def __getstate__(self) -> dict[str, Any]:
        # The memo is a cache: ship the table only.
        return {"rules": self.rules, "default": self.default}

    def __setstate__(self, state: dict[str, Any]) -> None:
        object.__setattr__(self, "rules", state["rules"])
        object.__setattr__(self, "default", state["default"])
        self.__attrs_post_init__()

    def classify(self, ticket: Ticket) -> TriageResult:
        """Return what the first matching rule (or the default) decides for ``ticket``.

        Skills are the ticket's own plus the rule's; minimum levels take the higher
        of the two. A rule without a priority or group keeps the ticket's.

        Args:
            ticket: The ticket to classify.

        Returns:
            A [`TriageResult`][] naming the rule that fired.

        Raises:
            InvalidConditionError: a rule cannot be evaluated on this ticket's facts
                (for example, comparing a text attribute with a number).

        Examples:
            >>> import pendulum
            >>> from servicekit.routing import Ticket, Triage
            >>> t = Ticket(
            ...     id="T",
            ...     created_at=pendulum.datetime(2026, 1, 1),
            ...     priority="urgent",
            ...     tier="ordinary",
            ...     channel="chat",
            ... )
            >>> Triage(rules=[]).classify(t).rule.name
            'default'
        """
        given: object = ticket
        if not isinstance(given, Ticket):
            msg = f"Triage.classify needs a Ticket; got {ticket!r}"
            raise InvalidTypeError(msg)
        facts = ticket.facts()
        key = None if self._fields is None else _memo_key(facts, self._fields)
        memo = self._memo
        found = None if key is None else memo.get(key)
        if found is None:
            found = self._first_match(ticket, facts)
            if key is not None and len(memo) < _MEMO_LIMIT:
                memo[key] = found
        chosen = self.default if found < 0 else self.rules[found]
        levels = dict(ticket.min_levels)
        for skill, n in chosen.min_levels.items():
            levels[skill] = max(n, levels.get(skill, 1))
        # Assembled from validated parts (the ticket, the rule): skip the converters.
        return v.trusted(
            TriageResult,
            rule=chosen,
            priority=ticket.priority if chosen.priority is None else chosen.priority,
            group=ticket.group if chosen.group is None else chosen.group,
            skills=ticket.skills | chosen.skills,
            min_levels=v.FrozenMap(levels),
        )

    def _first_match(self, ticket: Ticket, facts: Mapping[str, Any]) -> int:
        """The index of the first rule whose condition holds, or -1 for the default."""
        for i, rule in enumerate(self.rules):
            try:
                hit = rule.when.matches(facts)
            except InvalidConditionError as e:
                msg = f"triage rule {rule.name!r} cannot be evaluated on ticket {ticket.id}: {e}"
                raise InvalidConditionError(msg) from None
            if hit:
                return i
        return -1

    def apply(self, ticket: Ticket) -> Ticket:
        """Return ``ticket`` classified: ``self.classify(ticket).apply(ticket)``.

        Args:
            ticket: The ticket to classify.

        Returns:
            A new ticket with triage's priority, group, skills and levels.

        Examples:
            >>> import pendulum
            >>> from servicekit.routing import Ticket, Triage, TriageRule
            >>> triage = Triage(rules=[TriageRule(name="any", skills={"faq"})])
            >>> t = Ticket(
            ...     id="T",
            ...     created_at=pendulum.datetime(2026, 1, 1),
            ...     priority="low",
            ...     tier="ordinary",
            ...     channel="web",
            ... )
            >>> sorted(triage.apply(t).skills)
            ['faq']
        """
        return self.classify(ticket).apply(ticket)

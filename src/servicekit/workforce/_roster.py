"""What a roster is built from: named staff, the working-time rules, coverage rules.

[`StaffMember`][servicekit.workforce.StaffMember] says who can work what and when;
[`RosterRules`][servicekit.workforce.RosterRules] holds the working-time law of the
desk (rest between shifts, days off, consecutive days); a
[`CoverageRule`][servicekit.workforce.CoverageRule] asks for at least so many agents
with a language or skill on every shift ("a Uyghur speaker on every shift in
Urumqi"). All are frozen values on the codec. This module must never read a clock
or import the solver.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from servicekit import _codec
from servicekit.errors import InvalidArgumentError, InvalidTypeError
from servicekit.routing import Agent
from servicekit.routing import _values as v

__all__ = ["CoverageRule", "RosterRules", "StaffMember"]


def _staff_id(value: object) -> str:
    return v.check_id(value, "StaffMember.id", "'A-7'")


def _staff_languages(value: object) -> frozenset[str]:
    return v.languages(value, "StaffMember.languages")


def _staff_skills(value: object) -> frozenset[str]:
    return v.names(value, "StaffMember.skills")


def _staff_hours(value: object) -> dt.timedelta | None:
    if value is None:
        return None
    return v.duration(value, "StaffMember.max_hours_per_week", positive=True)


def _staff_templates(value: object) -> frozenset[str] | None:
    return None if value is None else v.names(value, "StaffMember.templates", "'early'")


def _staff_weekdays(value: object) -> frozenset[int]:
    if isinstance(value, str) or not isinstance(value, set | frozenset | list | tuple):
        msg = f"StaffMember.weekdays must be a set of weekdays 0 (Monday) … 6 (Sunday); got {value!r}"
        raise InvalidTypeError(msg)
    for day in value:
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
            msg = f"StaffMember.weekdays holds {day!r}; weekdays are 0 (Monday) … 6 (Sunday)"
            raise InvalidArgumentError(msg)
    return frozenset(value)


def _staff_dates(value: object) -> frozenset[dt.date]:
    if isinstance(value, str) or not isinstance(value, set | frozenset | list | tuple):
        msg = f"StaffMember.unavailable must be a set of dates; got {value!r}"
        raise InvalidTypeError(msg)
    for day in value:
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            msg = f"StaffMember.unavailable holds {day!r}; give datetime.date values"
            raise InvalidTypeError(msg)
    return frozenset(value)


def _routing_agent(value: object) -> Agent:
    if not isinstance(value, Agent):
        msg = f"agent must be a servicekit.routing.Agent; got {type(value).__name__}"
        raise InvalidTypeError(msg)
    return value


@_codec.value()
@attrs.frozen(kw_only=True)
class StaffMember(_codec.Serialisable):
    """A named agent as rostering sees them: what they can cover and when they can work.

    Args:
        id: The agent's id, the same as their routing ``Agent.id``.
        languages: Language tags spoken (case-insensitive, as in routing).
        skills: Skill names (for coverage rules that need a skill).
        max_hours_per_week: A part-timer's cap on paid time in each week of the
            roster; None: only the rules' limits apply.
        templates: The shift templates they may work; None: any.
        weekdays: Weekdays they can work, 0 (Monday) … 6 (Sunday).
        unavailable: Dates they cannot work (leave, training).

    Raises:
        InvalidArgumentError: an empty id, a non-positive hour cap, a weekday
            outside 0-6.
        InvalidTypeError: a field of the wrong type.

    Examples:
        >>> import datetime as dt
        >>> from servicekit.workforce import StaffMember
        >>> m = StaffMember(
        ...     id="A-7",
        ...     languages={"ZH", "ug"},
        ...     max_hours_per_week=dt.timedelta(hours=24),
        ...     unavailable={dt.date(2025, 10, 3)},
        ... )
        >>> sorted(m.languages), m.can_work(dt.date(2025, 10, 3))
        (['ug', 'zh'], False)
    """

    id: str = attrs.field(converter=_staff_id)
    languages: frozenset[str] = attrs.field(
        default=frozenset(), converter=_staff_languages
    )
    skills: frozenset[str] = attrs.field(default=frozenset(), converter=_staff_skills)
    max_hours_per_week: dt.timedelta | None = attrs.field(
        default=None, converter=_staff_hours
    )
    templates: frozenset[str] | None = attrs.field(
        default=None, converter=_staff_templates
    )
    weekdays: frozenset[int] = attrs.field(
        default=frozenset(range(7)), converter=_staff_weekdays
    )
    unavailable: frozenset[dt.date] = attrs.field(
        default=frozenset(), converter=_staff_dates
    )

    @classmethod
    def from_agent(cls, agent: Agent, **planning: Any) -> StaffMember:
        """Return a routing agent as rostering sees them: id, languages and skills.

        Args:
            agent: A routing [`Agent`][servicekit.routing.Agent].
            **planning: Further fields (``max_hours_per_week``, ``templates``,
                ``weekdays``, ``unavailable``).

        Examples:
            >>> import datetime as dt
            >>> from servicekit.routing import Agent
            >>> from servicekit.workforce import StaffMember
            >>> a = Agent(id="A-7", skills={"billing": 6}, languages={"ug", "zh"})
            >>> m = StaffMember.from_agent(a, max_hours_per_week=dt.timedelta(hours=24))
            >>> m.id, sorted(m.languages), sorted(m.skills)
            ('A-7', ['ug', 'zh'], ['billing'])
        """
        checked = _routing_agent(agent)
        return cls(
            id=checked.id,
            languages=checked.languages,
            skills=frozenset(checked.skills),
            **planning,
        )

    def can_work(self, day: dt.date, template: str | None = None) -> bool:
        """Return whether they can work on ``day`` (and ``template``, if named)."""
        if day in self.unavailable or day.weekday() not in self.weekdays:
            return False
        return template is None or self.templates is None or template in self.templates


def _rule_name(value: object) -> str:
    return v.check_id(value, "CoverageRule.name", "'uyghur on every shift'")


def _rule_language(value: object) -> str | None:
    return v.optional_language(value, "CoverageRule.language")


def _rule_skill(value: object) -> str | None:
    return v.optional_id(value, "CoverageRule.skill")


def _at_least(value: object) -> int:
    n = v.count(value, "CoverageRule.at_least")
    if n == 0:
        msg = "CoverageRule.at_least must be 1 or more (a rule asking for 0 agents asks for nothing)"
        raise InvalidArgumentError(msg)
    return n


def _rule_templates(value: object) -> frozenset[str]:
    return v.names(value, "CoverageRule.templates", "'night'")


@_codec.value()
@attrs.frozen(kw_only=True)
class CoverageRule(_codec.Serialisable):
    """At least ``at_least`` agents with a language (and/or skill) on every shift.

    With ``always=True`` the rule asks instead for that many such agents **on duty
    at every interval** of the plan that a shift it applies to covers (on duty: on a
    shift and not on its break). Overlapping shifts may then share one speaker, and
    no shift's break leaves the desk without one.

    Args:
        name: Names the rule in errors ("uyghur on every shift").
        language: The language tag they must speak, or None.
        skill: The skill they must have, or None (at least one of the two).
        at_least: How many such agents each shift (or interval) needs (1 or more).
        templates: The templates the rule applies to; empty: every shift.
        always: Count agents on duty per interval rather than per shift.

    Raises:
        InvalidArgumentError: neither language nor skill, or ``at_least`` below 1.

    Examples:
        >>> from servicekit.workforce import CoverageRule, StaffMember
        >>> rule = CoverageRule(name="uyghur on every shift", language="UG")
        >>> rule.qualifies(StaffMember(id="A", languages={"ug", "zh"})), rule.language
        (True, 'ug')
        >>> CoverageRule(name="nothing")
        Traceback (most recent call last):
        ...
        servicekit.errors.InvalidArgumentError: CoverageRule 'nothing' needs a language or a skill (or both): say what the agents it asks for must have
    """

    name: str = attrs.field(converter=_rule_name)
    language: str | None = attrs.field(default=None, converter=_rule_language)
    skill: str | None = attrs.field(default=None, converter=_rule_skill)
    at_least: int = attrs.field(default=1, converter=_at_least)
    templates: frozenset[str] = attrs.field(
        default=frozenset(), converter=_rule_templates
    )
    always: bool = attrs.field(default=False, validator=v.flag("CoverageRule.always"))

    def __attrs_post_init__(self) -> None:
        if self.language is None and self.skill is None:
            msg = (
                f"CoverageRule {self.name!r} needs a language or a skill (or both): "
                "say what the agents it asks for must have"
            )
            raise InvalidArgumentError(msg)

    def applies_to(self, template: str) -> bool:
        """Return whether the rule covers shifts of ``template``."""
        return not self.templates or template in self.templates

    def qualifies(self, member: StaffMember) -> bool:
        """Return whether ``member`` counts towards the rule."""
        return (self.language is None or self.language in member.languages) and (
            self.skill is None or self.skill in member.skills
        )

    def needs(self) -> str:
        """What the agents it asks for must have, in words (for messages)."""
        return " and ".join(
            x
            for x in (
                f"speaking {self.language!r}" if self.language else "",
                f"with the skill {self.skill!r}" if self.skill else "",
            )
            if x
        )

    def describe(self) -> str:
        """The rule in words (for messages)."""
        where = (
            "every shift"
            if not self.templates
            else "every " + "/".join(sorted(self.templates)) + " shift"
        )
        if self.always:
            where = "duty at every interval " + (
                "a shift covers"
                if not self.templates
                else "a " + "/".join(sorted(self.templates)) + " shift covers"
            )
        return f"at least {v.plural(self.at_least, 'agent')} {self.needs()} on {where}"


def _rest(value: object) -> dt.timedelta:
    return v.duration(value, "RosterRules.min_rest")


def _days_off(value: object) -> int:
    n = v.count(value, "RosterRules.days_off_per_week")
    if n > 7:
        msg = f"RosterRules.days_off_per_week must be 0-7; got {n}"
        raise InvalidArgumentError(msg)
    return n


def _consecutive(value: object) -> int:
    n = v.count(value, "RosterRules.max_consecutive_days")
    if n == 0:
        msg = "RosterRules.max_consecutive_days must be 1 or more; got 0"
        raise InvalidArgumentError(msg)
    return n


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class RosterRules(_codec.Serialisable):
    """The working-time rules every agent's roster keeps.

    Weeks are the 7-day blocks from the roster's first date; a last, shorter block
    allows at most ``7 - days_off_per_week`` working days. An agent works at most one
    shift per date.

    Args:
        min_rest: Least time off between the end of one shift and the start of the
            agent's next (default 11 hours).
        days_off_per_week: Dates without a shift in each week (default 2).
        max_consecutive_days: Most dates in a row with a shift (default 6).

    Examples:
        >>> import datetime as dt
        >>> from servicekit.workforce import RosterRules
        >>> RosterRules(min_rest=dt.timedelta(hours=12)).days_off_per_week
        2
        >>> RosterRules(days_off_per_week=8)
        Traceback (most recent call last):
        ...
        servicekit.errors.InvalidArgumentError: RosterRules.days_off_per_week must be 0-7; got 8
    """

    min_rest: dt.timedelta = attrs.field(
        default=dt.timedelta(hours=11), converter=_rest
    )
    days_off_per_week: int = attrs.field(default=2, converter=_days_off)
    max_consecutive_days: int = attrs.field(default=6, converter=_consecutive)


def check_rules_against_staff(
    coverage: tuple[CoverageRule, ...], staff: tuple[StaffMember, ...]
) -> None:
    """Refuse a coverage rule no member of staff can ever count towards.

    Raises:
        InvalidArgumentError: names the rule and what no one has.
    """
    for i, rule in enumerate(coverage):
        if not any(rule.qualifies(m) for m in staff):
            msg = (
                f"coverage[{i}] ({rule.name!r}) needs agents {rule.needs()}, but none "
                f"of the {v.plural(len(staff), 'staff member')} is one; add the "
                "language or skill to their languages or skills, or drop the rule"
            )
            raise InvalidArgumentError(msg)

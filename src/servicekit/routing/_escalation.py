"""Escalation: after a ticket has waited long enough, relax what it asks of an agent.

An [`EscalationStep`][] is a value (a row of the router's escalation table); the steps
that apply at a given wait accumulate into one [`Relaxation`][], which turns a ticket's
needs into the [`Requirements`][servicekit.routing.Requirements] the policies check.
"""

from __future__ import annotations

import datetime as dt  # noqa: TC003 -- the codec reads the field types at run time
from typing import TYPE_CHECKING

import attrs

from servicekit import _codec
from servicekit.errors import InvalidArgumentError
from servicekit.messages import Message
from servicekit.routing import _values as v
from servicekit.routing._policy import Requirements

if TYPE_CHECKING:
    from servicekit.routing._model import Ticket

__all__ = ["STANDARD", "EscalationStep", "Relaxation"]

STANDARD = "standard"
"""The name of the step in effect before any escalation."""


def _after(value: object) -> dt.timedelta:
    return v.duration(value, "EscalationStep.after", positive=True)


def _default_name(step: EscalationStep) -> str:
    return str(Message("routing.step.after", {"after": step.after}))


def _step_name(value: object) -> str:
    return v.check_id(value, "EscalationStep.name")


def _drop_skills(value: object) -> frozenset[str]:
    return v.names(value, "EscalationStep.drop_skills")


def _widen(value: object) -> frozenset[str]:
    return v.names(value, "EscalationStep.widen_to_groups")


def _drop_policies(value: object) -> frozenset[str]:
    return v.names(value, "EscalationStep.drop_policies")


def _lower(value: object) -> int:
    n = v.count(value, "EscalationStep.lower_levels_by")
    if n > 9:
        msg = f"EscalationStep.lower_levels_by must be 0-9 (levels run 1-10); got {n}"
        raise InvalidArgumentError(msg)
    return n


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class EscalationStep(_codec.Serialisable):
    """After a ticket has waited ``after``, relax these requirements or widen the pool.

    Steps accumulate: at a given wait, every step whose ``after`` has passed applies.

    Args:
        after: Wait (since ``created_at``) at which the step applies.
        name: Shown in decisions; defaults to ``"after 10 min"``.
        drop_skills: Skills no longer required.
        drop_all_skills: Require no skills at all.
        lower_levels_by: Accept skill levels this much lower (never below 1).
        drop_language: Accept agents who do not speak the customer's language.
        widen_to_groups: Also accept members of these skill groups.
        any_group: Accept any skill group.
        release_owner: Stop waiting for the case owner.
        drop_policies: Names of router policies to skip from now on.

    Raises:
        InvalidArgumentError: ``after`` is not positive.

    Examples:
        >>> from datetime import timedelta
        >>> from servicekit.routing import EscalationStep
        >>> step = EscalationStep(after=timedelta(minutes=10), drop_skills={"billing"})
        >>> step.name, step.describe()
        ('after 10 min', 'after 10 min: stop requiring billing')
        >>> EscalationStep.from_dict(step.to_dict()) == step
        True
    """

    after: dt.timedelta = attrs.field(converter=_after)
    name: str = attrs.field(
        default=attrs.Factory(_default_name, takes_self=True), converter=_step_name
    )
    drop_skills: frozenset[str] = attrs.field(
        default=frozenset(), converter=_drop_skills
    )
    drop_all_skills: bool = attrs.field(
        default=False, validator=v.flag("EscalationStep.drop_all_skills")
    )
    lower_levels_by: int = attrs.field(default=0, converter=_lower)
    drop_language: bool = attrs.field(
        default=False, validator=v.flag("EscalationStep.drop_language")
    )
    widen_to_groups: frozenset[str] = attrs.field(default=frozenset(), converter=_widen)
    any_group: bool = attrs.field(
        default=False, validator=v.flag("EscalationStep.any_group")
    )
    release_owner: bool = attrs.field(
        default=False, validator=v.flag("EscalationStep.release_owner")
    )
    drop_policies: frozenset[str] = attrs.field(
        default=frozenset(), converter=_drop_policies
    )

    def describe(self) -> str:
        """Return the step in words, for supervisors.

        Returns:
            One sentence naming the step and what it relaxes.

        Examples:
            >>> from datetime import timedelta
            >>> from servicekit.routing import EscalationStep
            >>> EscalationStep(
            ...     after=timedelta(hours=1), drop_language=True, any_group=True
            ... ).describe()
            "after 1 h 00 min: accept agents who do not speak the customer's language, accept any skill group"
        """
        return str(self.description)

    @property
    def description(self) -> Message:
        """[`describe`][]'s sentence as a [`Message`][servicekit.messages.Message]."""
        parts: list[Message] = []
        if self.drop_all_skills:
            parts.append(Message("routing.relax.any_skill", {}))
        elif self.drop_skills:
            skills = tuple(sorted(self.drop_skills))
            parts.append(Message("routing.relax.skills", {"skills": skills}))
        if self.lower_levels_by:
            levels = self.lower_levels_by
            parts.append(Message("routing.relax.levels", {"levels": levels}))
        if self.drop_language:
            parts.append(Message("routing.relax.language", {}))
        if self.any_group:
            parts.append(Message("routing.relax.any_group", {}))
        elif self.widen_to_groups:
            groups = tuple(sorted(self.widen_to_groups))
            parts.append(Message("routing.relax.groups", {"groups": groups}))
        if self.release_owner:
            parts.append(Message("routing.relax.owner", {}))
        if self.drop_policies:
            policies = tuple(sorted(self.drop_policies))
            parts.append(Message("routing.relax.policies", {"policies": policies}))
        # The default name says the wait in words each language has its own of.
        step = (
            Message("routing.step.after", {"after": self.after})
            if self.name == _default_name(self)
            else self.name
        )
        if not parts:
            return Message("routing.step.unchanged", {"step": step})
        return Message("routing.step", {"step": step, "changes": tuple(parts)})


@attrs.frozen
class Relaxation:
    """The cumulative effect of the escalation steps that apply at some wait."""

    name: str = STANDARD
    drop_all_skills: bool = False
    dropped_skills: frozenset[str] = frozenset()
    levels_lowered_by: int = 0
    any_language: bool = False
    extra_groups: frozenset[str] = frozenset()
    any_group: bool = False
    owner_released: bool = False
    dropped_policies: frozenset[str] = frozenset()

    def then(self, step: EscalationStep) -> Relaxation:
        """Return this relaxation with ``step`` applied as well."""
        return Relaxation(
            name=step.name,
            drop_all_skills=self.drop_all_skills or step.drop_all_skills,
            dropped_skills=self.dropped_skills | step.drop_skills,
            levels_lowered_by=min(9, self.levels_lowered_by + step.lower_levels_by),
            any_language=self.any_language or step.drop_language,
            extra_groups=self.extra_groups | step.widen_to_groups,
            any_group=self.any_group or step.any_group,
            owner_released=self.owner_released or step.release_owner,
            dropped_policies=self.dropped_policies | step.drop_policies,
        )

    def requirements(self, ticket: Ticket) -> Requirements:
        """Return what ``ticket`` still requires of an agent under this relaxation."""
        skills: dict[str, int] = {}
        if not self.drop_all_skills:
            for s in ticket.skills:
                if s not in self.dropped_skills:
                    skills[s] = max(1, ticket.min_level(s) - self.levels_lowered_by)
        groups: frozenset[str] | None = None
        if ticket.group is not None and not self.any_group:
            groups = frozenset({ticket.group}) | self.extra_groups
        # Every part comes from the checked ticket and steps, already in its stored
        # form: built without the converters, as dispatch asks once per new need.
        return v.trusted(
            Requirements,
            skills=v.FrozenMap(skills),
            language=None if self.any_language else ticket.language,
            groups=groups,
            owner_id=None if self.owner_released else ticket.owner_id,
        )

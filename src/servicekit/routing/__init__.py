"""Routing: triage, queue order, tier/priority/skill-aware assignment, escalation.

Pure and deterministic: "now" is a parameter, nothing is read from a clock, a file or
the order agents are listed in. Staffing (Erlang C) lives in
[`servicekit.routing.staffing`][servicekit.routing.staffing]. The rule conditions
triage rules are written with ([`Equals`][servicekit.conditions.Equals], …) are
re-exported from their home, [`servicekit.conditions`][servicekit.conditions].

Examples:
    >>> import pendulum
    >>> from servicekit.routing import Agent, Router, Ticket
    >>> now = pendulum.datetime(2026, 1, 5, 9, tz="Asia/Shanghai")
    >>> t = Ticket(
    ...     id="T", created_at=now, priority="normal", tier="ordinary", channel="chat"
    ... )
    >>> Router.default().route(t, [Agent(id="A", capacity={"chat": 1})], now).agent_id
    'A'
"""

from servicekit.conditions import (
    AllOf,
    Always,
    AnyOf,
    Compare,
    Condition,
    Contains,
    Equals,
    Not,
    OneOf,
    TextContains,
    TextHasWord,
    TextMatches,
    condition_from,
)
from servicekit.routing._builtins import policy_from_dict
from servicekit.routing._escalation import EscalationStep
from servicekit.routing._filters import (
    Availability,
    ChannelMatch,
    LanguageMatch,
    PartTimeWeighting,
    RequiredSkills,
    SeniorForRepeatComplaints,
    SkillGroupMatch,
)
from servicekit.routing._model import Agent, Ticket
from servicekit.routing._policy import (
    Assessment,
    Requirements,
    RoutingContext,
    RoutingPolicy,
    explain,
)
from servicekit.routing._preferences import (
    DedicatedManager,
    LeastLoaded,
    LongestIdle,
    OwnerStickiness,
)
from servicekit.routing._queue import QueueOrder
from servicekit.routing._results import Assignment, DispatchResult, RoutingDecision
from servicekit.routing._router import Router
from servicekit.routing._triage import Triage, TriageResult, TriageRule

__all__ = [
    "Agent",
    "AllOf",
    "Always",
    "AnyOf",
    "Assessment",
    "Assignment",
    "Availability",
    "ChannelMatch",
    "Compare",
    "Condition",
    "Contains",
    "DedicatedManager",
    "DispatchResult",
    "Equals",
    "EscalationStep",
    "LanguageMatch",
    "LeastLoaded",
    "LongestIdle",
    "Not",
    "OneOf",
    "OwnerStickiness",
    "PartTimeWeighting",
    "QueueOrder",
    "RequiredSkills",
    "Requirements",
    "Router",
    "RoutingContext",
    "RoutingDecision",
    "RoutingPolicy",
    "SeniorForRepeatComplaints",
    "SkillGroupMatch",
    "TextContains",
    "TextHasWord",
    "TextMatches",
    "Ticket",
    "Triage",
    "TriageResult",
    "TriageRule",
    "condition_from",
    "explain",
    "policy_from_dict",
]

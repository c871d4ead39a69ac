"""The demo report's values: one frozen class per section, one per table row.

`DemoReport` is what ``_demo_report.build_report`` returns and what the text and
HTML renderers read, by attribute. Its ``to_dict()`` is the ``--json`` output,
written by the library's one codec (``servicekit._codec``): each class's fields are
its JSON keys, in order, and every field is written, ``null`` included.
``from_dict()`` reads that JSON back (the tests build reports that way).

These classes only hold figures: this module must never compute, read files or
format text (``_demo_report`` computes, the renderers format).
"""

import attrs

from servicekit import _codec
from servicekit.scoring import Estimate

__all__ = [
    "Alerts",
    "Breaches",
    "Cities",
    "CityRow",
    "CityWaits",
    "Csat",
    "DemoReport",
    "EscalationStep",
    "Fcr",
    "FollowUpExample",
    "FollowUps",
    "HighRiskCustomer",
    "Meta",
    "MetricCompliance",
    "Nps",
    "OverdueDuty",
    "PolicyCompliance",
    "PriorityCompliance",
    "RequirementBreach",
    "RequirementRow",
    "Routing",
    "Sla",
    "StaffingRow",
    "WaitBand",
    "WorstBreach",
]


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class Meta(_codec.Serialisable):
    """What the month was: its seed, size and the moment the report reads it."""

    seed: int
    month: str
    timezone: str
    now: str  # ISO 8601 with the offset: the report's "now"
    days: int
    cities: int
    agents: int
    part_time_agents: int
    requests: int
    routed: int
    survey_answers: int
    requirements: int


# --- SLA ------------------------------------------------------------------------------


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class MetricCompliance(_codec.Serialisable):
    """One SLA metric's clocks at month end, and the share met."""

    metric: str
    measured: int
    met: int
    breached: int
    running: int
    compliance: Estimate


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class PriorityCompliance(_codec.Serialisable):
    """The requests of one priority, and the share with no breached clock."""

    priority: str
    tickets: int
    breached_tickets: int
    compliance: Estimate


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class PolicyCompliance(_codec.Serialisable):
    """The requests under one SLA policy, and the share with no breached clock."""

    policy: str
    tickets: int
    breached_tickets: int
    compliance: Estimate


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class WorstBreach(_codec.Serialisable):
    """One of the most overdue clocks."""

    ticket: str
    city: str
    policy: str
    priority: str
    metric: str
    due_at: str | None
    late_by_seconds: float


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class Breaches(_codec.Serialisable):
    """How many requests and clocks breached, and the worst of them."""

    tickets: int
    metrics: int
    worst: tuple[WorstBreach, ...]


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class Sla(_codec.Serialisable):
    """SLA compliance by metric, priority and policy, and the breaches."""

    by_metric: tuple[MetricCompliance, ...]
    by_priority: tuple[PriorityCompliance, ...]
    by_policy: tuple[PolicyCompliance, ...]
    breaches: Breaches


# --- routing --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class EscalationStep:
    """How many assignments one escalation step made (a pair in the JSON object)."""

    step: str
    tickets: int


def _read_steps(data: dict[str, int]) -> tuple[EscalationStep, ...]:
    return tuple(EscalationStep(step=k, tickets=v) for k, v in data.items())


def _write_steps(steps: tuple[EscalationStep, ...]) -> dict[str, int]:
    return {s.step: s.tickets for s in steps}


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class CityWaits(_codec.Serialisable):
    """One city's routed requests, its agents and how long its callers waited."""

    city: str
    tickets: int
    agents: int
    median_wait_seconds: float
    mean_wait_seconds: float
    p90_wait_seconds: float


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class WaitBand(_codec.Serialisable):
    """One bar of the wait histogram (``upper_seconds`` None: no upper bound)."""

    label: str
    upper_seconds: float | None
    count: int


@_codec.value(
    omit_if_default=(),
    shapes={
        "escalation_steps": _codec.Shape(dict[str, int], _read_steps, _write_steps)
    },
)
@attrs.frozen(kw_only=True)
class Routing(_codec.Serialisable):
    """Where the requests for people went, and how long they waited."""

    routed: int
    assigned: int
    owner_tickets: int
    to_owner: int
    dedicated_tickets: int
    to_dedicated_manager: int
    language_tickets: int
    language_matched: int
    escalated: int
    escalation_steps: tuple[EscalationStep, ...]  # most used first
    by_city: tuple[CityWaits, ...]
    wait_histogram: tuple[WaitBand, ...]


# --- cities ---------------------------------------------------------------------------


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class CityRow(_codec.Serialisable):
    """One city's satisfaction index, shrunk index and places (None: not ranked)."""

    city: str
    n: int
    index: Estimate
    shrunk: Estimate
    rank: int | None
    shrunk_rank: int | None
    best_rank: int | None
    worst_rank: int | None
    value_rank: int | None
    rankable: bool
    top: bool
    bottom: bool


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class Cities(_codec.Serialisable):
    """The city index table, the honest top and bottom lists and what they mean."""

    measure: str
    min_n: int
    top_k: int
    bottom_k: int
    rows: tuple[CityRow, ...]  # by rank, then the unranked
    top: tuple[str, ...]
    bottom: tuple[str, ...]
    highest: tuple[str, ...]
    lowest: tuple[str, ...]
    unranked: tuple[str, ...]
    no_answers: tuple[str, ...]
    notes: tuple[str, ...]


# --- scores ---------------------------------------------------------------------------


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class Nps(_codec.Serialisable):
    """The Net Promoter Score and its three groups."""

    estimate: Estimate
    promoters: int
    passives: int
    detractors: int


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class Csat(_codec.Serialisable):
    """CSAT: the top-box share and the mean rating."""

    top_box: Estimate
    mean: Estimate


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class Fcr(_codec.Serialisable):
    """First-contact resolution."""

    estimate: Estimate


# --- alerts ---------------------------------------------------------------------------


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class FollowUpExample(_codec.Serialisable):
    """A survey answer that needs a follow-up call, and why."""

    response: str
    city: str
    reasons: tuple[str, ...]


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class FollowUps(_codec.Serialisable):
    """How many answers need a follow-up call, with a few examples."""

    count: int
    examples: tuple[FollowUpExample, ...]


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class HighRiskCustomer(_codec.Serialisable):
    """A customer whose unresolved complaints make them likely to leave."""

    customer: str
    city: str
    unresolved: int
    reasons: tuple[str, ...]


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class Alerts(_codec.Serialisable):
    """Follow-up calls due and high-risk customers."""

    follow_up: FollowUps
    high_risk: tuple[HighRiskCustomer, ...]


# --- requirements ---------------------------------------------------------------------


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class RequirementBreach(_codec.Serialisable):
    """A duty of the acceptance workflow that was missed."""

    kind: str
    what: str
    due_at: str
    at: str


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class OverdueDuty(_codec.Serialisable):
    """A duty still owed at month end, and by whom."""

    what: str
    party: str
    due_at: str | None


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class RequirementRow(_codec.Serialisable):
    """One requirement's state in the acceptance workflow at month end."""

    id: str
    customer: str
    city: str
    state: str
    rework_count: int
    rediscussion_count: int
    escalated: bool
    breaches: tuple[RequirementBreach, ...]
    overdue: tuple[OverdueDuty, ...]


# --- staffing -------------------------------------------------------------------------


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class StaffingRow(_codec.Serialisable):
    """Erlang C advice for one city's phone line at its busiest hour.

    ``measured_service_level`` is None when no call at that hour was measured.
    """

    city: str
    long_waits: int
    long_waits_relaxed: int
    peak_hour: str
    peak_volume_per_hour: float
    aht_seconds: float
    agents_on_shift: int
    working_days: int
    days_nobody_on_shift: int
    median_wait_seconds: float
    p90_wait_seconds: float
    required_agents: int
    scheduled_agents: int
    measured_calls: int
    measured_service_level: float | None
    measured_p90_wait_seconds: float
    service_level_now: float
    service_level_advised: float
    asa_seconds_advised: float


# --- the report -----------------------------------------------------------------------


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class DemoReport(_codec.Serialisable):
    """The whole demo report: every section a service director asks for.

    ``to_dict()`` is the ``servicekit demo --json`` output; ``from_dict()`` reads
    it back.
    """

    meta: Meta
    sla: Sla
    routing: Routing
    cities: Cities
    nps: Nps
    csat: Csat
    fcr: Fcr
    alerts: Alerts
    requirements: tuple[RequirementRow, ...]
    staffing: tuple[StaffingRow, ...]

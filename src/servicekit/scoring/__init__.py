"""Customer-satisfaction statistics that always say how sure they are.

Every statistic returns an [`Estimate`][] (value, interval, n, method, confidence):
NPS with the adjusted-Wald interval, CSAT/CES and first-contact resolution with Wilson
intervals, means and the weighted satisfaction index with Student-t intervals. Segment
tables rank cities, channels or agents only as far as the pairwise tests, Holm-corrected
for comparing every pair, allow. Durations (response and resolution times) get a
mean, median and percentiles with intervals, and their change between periods.
[`MeasureSummary`][] values, one per partition, add up to exactly the all-rows
estimate and table, so scoring scales out over Dask or Spark. Alerts flag
responses that need a follow-up and customers at risk; ``tier_customers`` assigns
value tiers. Pure Python: no numpy or scipy at run time, no I/O, no clock.

Examples:
    >>> from servicekit.scoring import nps
    >>> nps([10] * 50 + [8] * 30 + [3] * 20).estimate.value
    30.0
"""

from servicekit.scoring._alerts import (
    Complaint,
    FollowUpAlert,
    RiskAlert,
    follow_up_alerts,
    high_risk_customers,
    needs_follow_up,
)
from servicekit.scoring._durations import (
    DurationStatistics,
    duration_change,
    duration_statistics,
)
from servicekit.scoring._estimate import Comparison, Estimate, wilson_interval
from servicekit.scoring._index import (
    DEFAULT_WEIGHTS,
    IndexResult,
    MissingPolicy,
    SatisfactionIndex,
)
from servicekit.scoring._measures import (
    CsatMeasure,
    DurationMeasure,
    IndexMeasure,
    MeanMeasure,
    Measure,
    NpsMeasure,
    ShareMeasure,
    measure_from,
)
from servicekit.scoring._mergeable import (
    MeasureSummary,
    merge_summaries,
    segment_table_from_summaries,
    summarise,
    summarise_segments,
)
from servicekit.scoring._nps import NpsResult, compare_nps, nps
from servicekit.scoring._ratings import (
    RatingResult,
    ces,
    csat,
    first_contact_resolution,
    proportion,
)
from servicekit.scoring._segments import SegmentRow, SegmentTable, segment_table
from servicekit.scoring._tiering import (
    CustomerActivity,
    TierAssignment,
    TieringPolicy,
    tier_customers,
)

__all__ = [
    "DEFAULT_WEIGHTS",
    "Comparison",
    "Complaint",
    "CsatMeasure",
    "CustomerActivity",
    "DurationMeasure",
    "DurationStatistics",
    "Estimate",
    "FollowUpAlert",
    "IndexMeasure",
    "IndexResult",
    "MeanMeasure",
    "Measure",
    "MeasureSummary",
    "MissingPolicy",
    "NpsMeasure",
    "NpsResult",
    "RatingResult",
    "RiskAlert",
    "SatisfactionIndex",
    "SegmentRow",
    "SegmentTable",
    "ShareMeasure",
    "TierAssignment",
    "TieringPolicy",
    "ces",
    "compare_nps",
    "csat",
    "duration_change",
    "duration_statistics",
    "first_contact_resolution",
    "follow_up_alerts",
    "high_risk_customers",
    "measure_from",
    "merge_summaries",
    "needs_follow_up",
    "nps",
    "proportion",
    "segment_table",
    "segment_table_from_summaries",
    "summarise",
    "summarise_segments",
    "tier_customers",
    "wilson_interval",
]

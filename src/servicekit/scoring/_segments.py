"""League tables of segments (cities, channels, agents…) that only claim what the data shows.

``segment_table`` estimates a measure per segment and period, then ranks the segments
with enough answers by the library's own pairwise tests, Holm-corrected for making
all of them at once (see ``_ranking``): ``rank`` places a segment above another only
when it is significantly better, and ``top`` / ``bottom`` are marked only where every
marked segment is significantly better (worse) than every unmarked one.
``shrunk_rank`` is the same rule counting a win only when the empirical-Bayes
intervals (which pull small segments toward the period's overall value) also
separate; ``value_rank`` is the plain order of the point estimates, which claims
nothing. Each row also carries the change from the segment's previous period with
its test.

This module must never depend on the order of the input rows.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from itertools import accumulate, count, repeat
from operator import add, itemgetter, mul
from typing import Any, Final

import attrs

from servicekit import _codec
from servicekit._boundary import quote
from servicekit.errors import InvalidArgumentError, InvalidTypeError, UnknownNameError
from servicekit.scoring._distributions import two_sided_z
from servicekit.scoring._estimate import Comparison, Estimate
from servicekit.scoring._measures import Measure, check_measure
from servicekit.scoring._ranking import rank_segments
from servicekit.scoring._summaries import MeanSummary, Summary
from servicekit.scoring._validation import (
    check_confidence,
    check_whole,
    confidence_level,
    flag,
    is_bool,
    materialise,
    not_instance,
    of_type,
    require,
    whole,
)

__all__ = ["SegmentRow", "SegmentTable", "segment_table"]

Key = str | int


def _key(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None and attribute.name == "period":
        return
    if is_bool(value) or not isinstance(value, str | int):
        msg = f"a segment row's {attribute.name} must be a string or int; got {type(value).__name__} {quote(value)}"
        raise InvalidTypeError(msg)


def _field_name(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not (isinstance(value, str) and value) and not (
        value is None and attribute.name == "period"
    ):
        msg = f"{attribute.name} must name a response field; got {quote(value)}"
        raise InvalidArgumentError(msg)


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class SegmentRow(_codec.Serialisable):
    """One segment in one period of a [`SegmentTable`][].

    Ranks compare the period's rankable segments by the pairwise test of their
    measure (the test of a row's ``change``, and of [`compare_nps`][] for NPS),
    Holm-corrected over all ``R(R − 1)/2`` pairs at the table's level
    ``1 − confidence``. "A beats B" means that corrected test finds A significantly
    better.

    Args:
        segment: the segment's value (e.g. ``"Hohhot"``).
        period: the period's value (e.g. ``"2024-05"``), or None for a table without
            periods.
        estimate: the measure for this segment and period.
        rankable: whether ``n`` reaches the table's ``min_n``.
        rank: 1 + the number of segments in higher levels, where a level boundary
            falls only where every segment above beats every segment below. So a
            segment ranked above another beats it, and one that beats another is
            never ranked below it; equal ranks mean "not told apart". None when not
            rankable.
        shrunk: the empirical-Bayes estimate (method ``"empirical-bayes"``), pulled
            toward the period's overall value by the segment's own uncertainty, with
            its posterior interval.
        shrunk_rank: the same rule as ``rank``, but a win counts only when the
            ``shrunk`` intervals also separate in the same direction: never finer
            than ``rank``. None when not rankable.
        best_rank: 1 + the number of segments that beat this one.
        worst_rank: the number of rankable segments minus the number this one
            beats. The true place of every segment lies between its ``best_rank``
            and ``worst_rank`` whenever every claim of the corrected tests is true,
            which happens with probability at least ``confidence``: "Nanjing ranks
            between 1st and 7th". None when not rankable.
        value_rank: 1 + the number of rankable segments of the period with a higher
            ``estimate.value``: the plain order of the point estimates, which claims
            nothing. None when not rankable.
        top: in the largest group of at most ``top_k`` segments that each beat every
            rankable segment outside it (the data's "top list"; empty when nothing
            is told apart, never every segment).
        bottom: in the largest group of at most ``bottom_k`` segments, none of them
            ``top``, that each lose to every rankable segment outside it.
        change: this period minus the segment's previous period, or None when there is
            no previous period or the segment was absent from it.

    Raises:
        InvalidArgumentError: the fields contradict each other (a rank on a row that
            is not rankable, a row both top and bottom…).

    Examples:
        >>> from servicekit.scoring import CsatMeasure, SegmentRow, segment_table
        >>> rows = [{"city": "Baotou", "rating": 5}] * 40 + [
        ...     {"city": "Baotou", "rating": 2}
        ... ] * 10
        >>> row = segment_table(rows, by="city", measure=CsatMeasure()).rows[0]
        >>> row.segment, row.estimate.value, row.rank, row.rankable, row.top
        ('Baotou', 80.0, 1, True, False)
        >>> SegmentRow.from_dict(row.to_dict()) == row
        True
    """

    segment: Key = attrs.field(validator=_key)
    period: Key | None = attrs.field(validator=_key)
    estimate: Estimate = attrs.field(validator=of_type(Estimate))
    rankable: bool = attrs.field(validator=flag)
    rank: int | None = attrs.field(validator=whole(1, optional=True))
    shrunk: Estimate = attrs.field(validator=of_type(Estimate))
    shrunk_rank: int | None = attrs.field(validator=whole(1, optional=True))
    best_rank: int | None = attrs.field(validator=whole(1, optional=True))
    worst_rank: int | None = attrs.field(validator=whole(1, optional=True))
    value_rank: int | None = attrs.field(validator=whole(1, optional=True))
    top: bool = attrs.field(default=False, validator=flag)
    bottom: bool = attrs.field(default=False, validator=flag)
    change: Comparison | None = attrs.field(
        default=None, validator=of_type(Comparison, optional=True)
    )

    def __attrs_post_init__(self) -> None:
        ranks = (
            self.rank,
            self.shrunk_rank,
            self.best_rank,
            self.worst_rank,
            self.value_rank,
        )
        if self.rankable and None in ranks:
            msg = (
                "a rankable row needs rank, shrunk_rank, best_rank, worst_rank and "
                "value_rank"
            )
            raise InvalidArgumentError(msg)
        if not self.rankable and (
            ranks != (None,) * len(ranks) or self.top or self.bottom
        ):
            msg = "a row that is not rankable has no ranks and is never top or bottom"
            raise InvalidArgumentError(msg)
        if (
            self.best_rank is not None
            and self.worst_rank is not None
            and self.best_rank > self.worst_rank
        ):
            msg = (
                f"best_rank {self.best_rank} lies below worst_rank {self.worst_rank}; "
                "a rank range runs from the best place to the worst"
            )
            raise InvalidArgumentError(msg)
        if self.top and self.bottom:
            msg = "a row cannot be both top and bottom"
            raise InvalidArgumentError(msg)

    @property
    def n(self) -> int:
        """Responses behind the row."""
        return self.estimate.n

    @property
    def change_significant(self) -> bool | None:
        """Whether the change from the previous period is significant, if there is one."""
        return None if self.change is None else self.change.significant()


def _display_order(row: SegmentRow) -> tuple[bool, int, float, Key]:
    return (not row.rankable, row.rank or 0, -row.shrunk.value, row.segment)


def _to_rows(value: Iterable[SegmentRow]) -> tuple[SegmentRow, ...]:
    rows = tuple(value)
    for row in rows:
        if not_instance(row, SegmentRow):
            msg = f"a segment table holds SegmentRow values; got {type(row).__name__}"
            raise InvalidTypeError(msg)
    return rows


def _to_overall(
    value: Iterable[tuple[Key | None, Estimate]],
) -> tuple[tuple[Key | None, Estimate], ...]:
    out = tuple(value)
    for pair in out:
        if (
            not_instance(pair, tuple)
            or len(pair) != 2
            or not_instance(pair[1], Estimate)
        ):
            msg = f"overall must hold (period, Estimate) pairs; got {quote(pair)}"
            raise InvalidTypeError(msg)
    return out


def _check_measure(_inst: object, _attr: object, value: Measure) -> None:
    check_measure(value)


@_codec.value()
@attrs.frozen(kw_only=True)
class _Overall(_codec.Serialisable):
    """One period's estimate over every segment, as a table's JSON writes it."""

    period: Key | None
    estimate: Estimate


# ``overall`` holds (period, estimate) pairs, written as {"period", "estimate"} objects.
_OVERALL: Final = _codec.Shape(
    tuple[_Overall, ...],
    lambda entries: tuple((e.period, e.estimate) for e in entries),
    lambda pairs: tuple(_Overall(period=p, estimate=e) for p, e in pairs),
)


@_codec.value(shapes={"overall": _OVERALL})
@attrs.frozen(kw_only=True)
class SegmentTable(_codec.Serialisable):
    """The result of [`segment_table`][]: rows sorted by period, then segment.

    Args:
        by: the field that names segments.
        period: the field that names periods, or None.
        measure: what was estimated.
        confidence: the intervals' confidence level; ``1 - confidence`` is the
            family-wise error rate of the Holm-corrected tests behind the ranks.
        min_n: the smallest segment that is ranked.
        top_k: the most segments per period flagged ``top``.
        bottom_k: the most segments per period flagged ``bottom``.
        rows: one [`SegmentRow`][] per segment and period.
        overall: ``(period, estimate over all segments)`` pairs, by period.

    Raises:
        InvalidArgumentError: the rows contradict the table (a period missing from
            ``overall``, a rankable flag that disagrees with ``min_n``, more rows
            flagged top or bottom than ``top_k`` or ``bottom_k``).

    Examples:
        >>> from servicekit.scoring import NpsMeasure, SegmentTable, segment_table
        >>> rows = [
        ...     {"city": c, "nps": s} for c, s in [("A", 10), ("A", 9), ("B", 3)] * 20
        ... ]
        >>> table = segment_table(rows, by="city", measure=NpsMeasure(), min_n=10)
        >>> [(r.segment, r.estimate.value, r.rank) for r in table.ranked()]
        [('A', 100.0, 1), ('B', -100.0, 2)]
        >>> SegmentTable.from_dict(table.to_dict()) == table
        True
    """

    by: str = attrs.field(validator=_field_name)
    period: str | None = attrs.field(validator=_field_name)
    measure: Measure = attrs.field(validator=_check_measure)
    confidence: float = attrs.field(validator=confidence_level)
    min_n: int = attrs.field(validator=whole(1))
    top_k: int = attrs.field(validator=whole())
    bottom_k: int = attrs.field(validator=whole())
    rows: tuple[SegmentRow, ...] = attrs.field(converter=_to_rows)
    overall: tuple[tuple[Key | None, Estimate], ...] = attrs.field(
        converter=_to_overall
    )

    def __attrs_post_init__(self) -> None:
        periods = [p for p, _ in self.overall]
        if len(set(periods)) != len(periods):
            msg = "overall lists a period twice; each period has one overall estimate"
            raise InvalidArgumentError(msg)
        known = set(periods)
        tops: Counter[Key | None] = Counter()
        bottoms: Counter[Key | None] = Counter()
        for row in self.rows:
            if row.period not in known:
                msg = f"a row's period {quote(row.period)} has no overall estimate"
                raise InvalidArgumentError(msg)
            if row.rankable != (row.n >= self.min_n):
                msg = (
                    f"segment {quote(row.segment)} has {row.n} responses, so it is "
                    f"{'' if row.n >= self.min_n else 'not '}rankable with "
                    f"min_n={self.min_n}"
                )
                raise InvalidArgumentError(msg)
            tops[row.period] += row.top
            bottoms[row.period] += row.bottom
        if any(c > self.top_k for c in tops.values()) or any(
            c > self.bottom_k for c in bottoms.values()
        ):
            msg = "more rows are flagged top (bottom) in a period than top_k (bottom_k)"
            raise InvalidArgumentError(msg)

    @property
    def periods(self) -> tuple[Key | None, ...]:
        """The periods present, in order."""
        return tuple(p for p, _ in self.overall)

    def for_period(self, period: Key | None = None) -> tuple[SegmentRow, ...]:
        """Return the rows of ``period`` (default: the latest), by segment.

        Raises:
            UnknownNameError: the table has no such period.
        """
        wanted = self._period(period)
        return tuple(r for r in self.rows if r.period == wanted)

    def ranked(self, period: Key | None = None) -> tuple[SegmentRow, ...]:
        """Return the rows of ``period`` (default: the latest), best ``rank`` first.

        Within a rank (segments not told apart) rows go by ``shrunk.value``, best
        first, then by segment value; unrankable rows come last.
        """
        rows = self.for_period(period)
        return tuple(sorted(rows, key=_display_order))

    def top(self, period: Key | None = None) -> tuple[SegmentRow, ...]:
        """Return the rows flagged ``top`` in ``period``, best first."""
        return tuple(r for r in self.ranked(period) if r.top)

    def bottom(self, period: Key | None = None) -> tuple[SegmentRow, ...]:
        """Return the rows flagged ``bottom`` in ``period``, worst first."""
        return tuple(reversed([r for r in self.ranked(period) if r.bottom]))

    def highest(
        self, period: Key | None = None, count: int | None = None
    ) -> tuple[SegmentRow, ...]:
        """Return the ``count`` rankable rows with the highest point estimates.

        This is the list a report that ignored the intervals would print as its top
        list; compare it with [`top`][SegmentTable.top] to say where the data do not
        support it. Ties are broken by segment value.

        Args:
            period: the period (default: the latest).
            count: how many rows; defaults to the table's ``top_k``.

        Raises:
            UnknownNameError: the table has no such period.

        Examples:
            >>> from servicekit.scoring import CsatMeasure, segment_table
            >>> rows = []
            >>> for city, happy in [("A", 45), ("B", 44), ("C", 30), ("D", 10)]:
            ...     rows += [{"city": city, "rating": 5}] * happy
            ...     rows += [{"city": city, "rating": 1}] * (50 - happy)
            >>> table = segment_table(rows, by="city", measure=CsatMeasure(), top_k=1)
            >>> [r.segment for r in table.highest()], [r.segment for r in table.top()]
            (['A'], [])
        """
        wanted = self.top_k if count is None else check_whole("count", count)
        rows = [r for r in self.for_period(period) if r.rankable]
        rows.sort(key=lambda r: (-r.estimate.value, r.segment))
        return tuple(rows[:wanted])

    def lowest(
        self, period: Key | None = None, count: int | None = None
    ) -> tuple[SegmentRow, ...]:
        """Return the ``count`` rankable rows with the lowest point estimates, lowest first.

        The counterpart of [`highest`][SegmentTable.highest] for
        [`bottom`][SegmentTable.bottom]; ``count`` defaults to the table's
        ``bottom_k``. Ties are broken by segment value.

        Raises:
            UnknownNameError: the table has no such period.
        """
        wanted = self.bottom_k if count is None else check_whole("count", count)
        rows = [r for r in self.for_period(period) if r.rankable]
        rows.sort(key=lambda r: (r.estimate.value, r.segment))
        return tuple(rows[:wanted])

    def _period(self, period: Key | None) -> Key | None:
        periods = self.periods
        if period is None:
            return periods[-1] if periods else None
        if period not in periods:
            msg = f"no period {quote(period)} in this table; it has {quote(list(periods))}"
            raise UnknownNameError(msg)
        return period


def _column(rows: list[Any], name: str) -> list[Any]:
    try:
        return list(map(itemgetter(name), rows))
    except (KeyError, TypeError):
        for i, row in enumerate(rows):
            if not isinstance(row, Mapping):
                msg = (
                    f"response #{i} is a {type(row).__name__}, not a mapping of fields"
                )
                raise InvalidTypeError(msg) from None
            if name not in row:
                msg = (
                    f"response #{i} has no field {quote(name)}; every response needs it"
                )
                raise InvalidArgumentError(msg) from None
        raise  # pragma: no cover - itemgetter failed for a reason found above


def _key_column(values: list[Any], name: str) -> list[Any]:
    kinds = set(map(type, values))
    if kinds <= {str} or kinds <= {int}:
        return values
    out: list[Any] = []
    for v in values:
        if isinstance(v, dt.datetime):
            msg = f"{quote(name)} holds datetimes; pass a period label such as '2024-05' or a date"
            raise InvalidTypeError(msg)
        if isinstance(v, dt.date):
            out.append(v.isoformat())
        elif is_bool(v) or not isinstance(v, str | int):
            msg = f"{quote(name)} values must be strings, ints or dates; got {type(v).__name__} {quote(v)}"
            raise InvalidTypeError(msg)
        else:
            out.append(v)
    if not ({type(v) for v in out} <= {str} or {type(v) for v in out} <= {int}):
        msg = f"{quote(name)} mixes strings and numbers, which have no common order; use one type"
        raise InvalidTypeError(msg)
    return out


def _shrink(
    summaries: dict[Key, Summary],
    estimates: dict[Key, Estimate],
    centre: float,
    confidence: float,
) -> dict[Key, Estimate]:
    # Normal–normal empirical Bayes: between-segment variance by DerSimonian–Laird,
    # each segment pulled toward the period's overall value by tau²/(tau² + v_i),
    # with posterior variance tau²·v_i/(tau² + v_i). When tau² is 0 the data show no
    # real difference between segments: every one shrinks to the centre and they tie.
    variances = _sampling_variances(summaries)
    keys = sorted(summaries)
    tau2 = 0.0
    weights = {k: 1.0 / variances[k] for k in keys if variances[k] > 0.0}
    if len(weights) > 1:
        total = math.fsum(weights.values())
        mean_w = math.fsum(w * estimates[k].value for k, w in weights.items()) / total
        q = math.fsum(
            w * (estimates[k].value - mean_w) ** 2 for k, w in weights.items()
        )
        scale = total - math.fsum(w * w for w in weights.values()) / total
        if scale <= 0.0:
            # One weight dwarfs the rest (a duration quantile whose interval has no
            # upper end): the difference cancels. Σᵢ wᵢ·(Σ_{j≠i} wⱼ) / Σw is the
            # same quantity without the cancellation.
            scale = _cross_weight(list(weights.values())) / total
        tau2 = max(0.0, (q - (len(weights) - 1)) / scale) if scale > 0.0 else 0.0
    z = two_sided_z(confidence)
    shrunk: dict[Key, Estimate] = {}
    for k in keys:
        v = variances[k]
        factor = 1.0 if v == 0.0 else tau2 / (tau2 + v)
        lo, hi = summaries[k].bounds
        value = min(hi, max(lo, centre + factor * (estimates[k].value - centre)))
        half = z * math.sqrt(factor * v)
        shrunk[k] = Estimate(
            value=value,
            low=max(lo, value - half),
            high=min(hi, value + half),
            n=summaries[k].n,
            method="empirical-bayes",
            confidence=confidence,
        )
    return shrunk


def _cross_weight(weights: list[float]) -> float:
    """Σᵢ wᵢ·(Σ_{j≠i} wⱼ) for positive weights, each inner sum without cancellation."""
    before = [0.0, *accumulate(weights)]
    after = [*list(accumulate(reversed(weights)))[::-1][1:], 0.0]
    return math.fsum(w * (before[i] + after[i]) for i, w in enumerate(weights))


def _sampling_variances(summaries: dict[Key, Summary]) -> dict[Key, float]:
    means = [s for s in summaries.values() if isinstance(s, MeanSummary)]
    if means:
        # A small segment's own spread is too noisy (zero with one answer): use the
        # pooled within-segment variance, divided by the segment's size.
        dof = sum(s.n - 1 for s in means)
        pooled = math.fsum(s.m2 for s in means) / dof if dof > 0 else 0.0
        return {k: pooled / s.n for k, s in summaries.items()}
    out: dict[Key, float] = {}
    for k, s in summaries.items():
        shrinkage_variance = getattr(s, "shrinkage_variance", None)
        out[k] = shrinkage_variance() if shrinkage_variance is not None else 0.0
    return out


def _count_groups(
    segments: list[Any], periods: Iterable[Any], keys: Iterable[Any], measure: Measure
) -> dict[Key | None, dict[Key, Counter[Any]]]:
    """Return ``{period: {segment: Counter(reduced key → responses)}}``.

    A million responses are counted without a million-entry hash table: segments and
    answers are first numbered (two small dictionaries that stay in cache), then the
    cell ``group × answer`` is counted in a flat list. Counting tuples directly in one
    Counter was three times slower, because ~100,000 distinct keys miss the cache.
    """
    # strict=False: without a period field, ``periods`` is an endless repeat(None).
    group_ids: defaultdict[tuple[Any, Any], int] = defaultdict(count().__next__)
    key_ids: defaultdict[Any, int] = defaultdict(count().__next__)
    g = list(map(group_ids.__getitem__, zip(segments, periods, strict=False)))
    k = list(map(key_ids.__getitem__, keys))
    n_keys = len(key_ids)
    n_cells = len(group_ids) * n_keys
    codes = map(add, map(mul, g, repeat(n_keys)), k)
    cells: Mapping[int, int]
    if n_cells <= 4 * len(g) + 1024:
        flat = [0] * n_cells
        for code in codes:
            flat[code] += 1
        cells = {i: c for i, c in enumerate(flat) if c}
    else:
        # Many small segments (say, one per customer): a sparse count uses less memory.
        cells = Counter(codes)
    # Each distinct answer is reduced once for the whole table (an index scores a
    # response pattern once, not once per city and month it occurs in).
    reduced = [measure.reduce(key) for key in key_ids]
    names = list(group_ids)
    groups: dict[Key | None, dict[Key, Counter[Any]]] = {}
    for code, n in cells.items():
        segment, when = names[code // n_keys]
        by_segment = groups.setdefault(when, {})
        if segment not in by_segment:
            by_segment[segment] = Counter()
        by_segment[segment][reduced[code % n_keys]] += n
    return groups


def segment_table(
    responses: Iterable[Mapping[str, Any]],
    *,
    by: str,
    measure: Measure,
    period: str | None = None,
    confidence: float = 0.95,
    min_n: int = 30,
    top_k: int = 5,
    bottom_k: int = 3,
) -> SegmentTable:
    """Estimate ``measure`` per segment (and period), rank honestly, and track change.

    Args:
        responses: mappings holding the ``by`` field, the ``period`` field (if given)
            and the measure's field. Segment and period values are strings or ints
            (dates are turned into ISO strings, so periods sort in time order).
        by: the field naming the segment (``"city"``, ``"channel"``, ``"agent"``…).
        measure: what to estimate: [`NpsMeasure`][], [`CsatMeasure`][],
            [`MeanMeasure`][], [`ShareMeasure`][], [`IndexMeasure`][] or
            [`DurationMeasure`][] (ranked with the longest first). The same table
            can be built from partitions: [`summarise_segments`][] each, merge, and
            [`segment_table_from_summaries`][].
        period: the field naming the period (``"month"``), or None for one period.
            The previous period of a period is the next-lower period in the table
            (periods in which the measure could score nothing have no rows, and the
            period after one has no change).
        confidence: the intervals' confidence level; ``1 - confidence`` is also the
            significance level of ``change_significant`` and the family-wise error
            rate of the Holm-corrected pairwise tests behind the ranks.
        min_n: segments with fewer responses in a period are not ranked.
        top_k: the most segments per period flagged ``top``: the largest group of
            at most ``top_k`` that each beat every other rankable segment (so fewer,
            or none, when the data do not tell more apart).
        bottom_k: the most flagged ``bottom``, likewise (never one already ``top``).

    Returns:
        A [`SegmentTable`][]. Groups where the measure can score nothing (an index
        with ``missing="skip"`` and no complete response) have no row.

    Raises:
        InsufficientDataError: no responses.
        InvalidArgumentError: a response lacks a field, or an argument is out of range.
        InvalidTypeError: a segment/period value is not a string, int or date, or a
            measure value has the wrong type.

    Examples:
        >>> from servicekit.scoring import CsatMeasure, segment_table
        >>> rows = (
        ...     [{"city": "Hohhot", "month": "2024-05", "rating": 5}] * 90
        ...     + [{"city": "Hohhot", "month": "2024-05", "rating": 2}] * 10
        ...     + [{"city": "Hohhot", "month": "2024-06", "rating": 5}] * 70
        ...     + [{"city": "Hohhot", "month": "2024-06", "rating": 2}] * 30
        ... )
        >>> table = segment_table(
        ...     rows, by="city", measure=CsatMeasure(), period="month"
        ... )
        >>> june = table.for_period("2024-06")[0]
        >>> june.estimate.value, june.change.difference.value, june.change_significant
        (70.0, -20.0, True)
    """
    level = check_confidence(confidence)
    check_measure(measure)
    min_n = check_whole("min_n", min_n, 1)
    top_k = check_whole("top_k", top_k)
    bottom_k = check_whole("bottom_k", bottom_k)
    check_fields(by, period, measure)
    groups = count_segments(responses, by=by, period=period, measure=measure)
    return table_from_groups(
        groups,
        by=by,
        period=period,
        measure=measure,
        confidence=level,
        min_n=min_n,
        top_k=top_k,
        bottom_k=bottom_k,
    )


def check_fields(by: str, period: str | None, measure: Measure) -> None:
    """Raise unless ``by``, ``period`` and the measure's field are distinct names."""
    names = [by, measure.field] if period is None else [by, period, measure.field]
    for name in names:
        if not isinstance(name, str) or not name:
            msg = f"field names must be non-empty strings; got {type(name).__name__} {quote(name)}"
            raise InvalidArgumentError(msg)
    if len(set(names)) != len(names):
        msg = f"by, period and the measure's field must be different fields; got {quote(names)}"
        raise InvalidArgumentError(msg)


Groups = dict[Key | None, dict[Key, Counter[Any]]]


def count_segments(
    responses: Iterable[Mapping[str, Any]],
    *,
    by: str,
    period: str | None,
    measure: Measure,
) -> Groups:
    """Validate ``responses`` and count them: ``{period: {segment: Counter}}``.

    The counters map the measure's reduced keys to their number of responses: all a
    segment table needs, and what mergeable summaries keep.
    """
    rows = materialise(responses, "responses")
    require(len(rows), "a segment table")
    segments = _key_column(_column(rows, by), by)
    periods: Iterable[Any] = (
        repeat(None) if period is None else _key_column(_column(rows, period), period)
    )
    keys = measure.keys(_column(rows, measure.field))
    return _count_groups(segments, periods, keys, measure)


def table_from_groups(
    groups: Groups,
    *,
    by: str,
    period: str | None,
    measure: Measure,
    confidence: float,
    min_n: int,
    top_k: int,
    bottom_k: int,
) -> SegmentTable:
    """Build the table from counted groups (see [`count_segments`][]).

    Every estimate, test and rank depends only on the counters, never on their order,
    so counters merged from partitions give the same table bit for bit.
    """
    level = confidence
    alpha = 1.0 - level
    critical = two_sided_z(level)
    out_rows: list[SegmentRow] = []
    overall: list[tuple[Key | None, Estimate]] = []
    previous: dict[Key, Summary] = {}
    for when in sorted(groups, key=lambda p: (p is not None, p)):
        by_segment = groups[when]
        total: Counter[Any] = Counter()
        for c in by_segment.values():
            total.update(c)
        period_summary = measure.summarise(total)
        if period_summary is None:
            previous = {}
            continue
        period_estimate = period_summary.estimate(level)
        overall.append((when, period_estimate))
        summaries: dict[Key, Summary] = {}
        for segment, c in by_segment.items():
            summary = measure.summarise(c)
            if summary is not None:
                summaries[segment] = summary
        estimates = {k: s.estimate(level) for k, s in summaries.items()}
        shrunk = _shrink(summaries, estimates, period_estimate.value, level)
        rankable = {k: s for k, s in summaries.items() if s.n >= min_n}
        ranking = rank_segments(
            rankable,
            shrunk,
            alpha=alpha,
            critical=critical,
            top_k=top_k,
            bottom_k=bottom_k,
        )
        values = sorted(estimates[k].value for k in rankable)
        for segment in sorted(summaries):
            est = estimates[segment]
            is_rankable = segment in rankable
            before = previous.get(segment)
            best, worst = ranking.rank_range.get(segment, (None, None))
            out_rows.append(
                SegmentRow(
                    segment=segment,
                    period=when,
                    estimate=est,
                    rankable=is_rankable,
                    rank=ranking.rank.get(segment),
                    shrunk=shrunk[segment],
                    shrunk_rank=ranking.shrunk_rank.get(segment),
                    best_rank=best,
                    worst_rank=worst,
                    # 1 + how many rankable values are higher: by bisection, so a
                    # table of thousands of agents stays O(S log S) here.
                    value_rank=1 + len(values) - bisect_right(values, est.value)
                    if is_rankable
                    else None,
                    top=segment in ranking.top,
                    bottom=segment in ranking.bottom,
                    change=None
                    if before is None
                    else summaries[segment].compare(before, level),
                )
            )
        previous = summaries
    return SegmentTable(
        by=by,
        period=period,
        measure=measure,
        confidence=level,
        min_n=min_n,
        top_k=top_k,
        bottom_k=bottom_k,
        rows=out_rows,
        overall=overall,
    )

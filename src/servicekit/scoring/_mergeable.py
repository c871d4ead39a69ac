"""Mergeable summaries: score each partition apart, add, and get the all-rows answer exactly.

A [`MeasureSummary`][] is the count of each distinct answer a measure reduces
responses to (a 0–10 score for NPS, a rating for CSAT and means, True/False for a
share, a respondent's composite for the index, a duration in ticks). Every estimate,
interval, test, rank and shrunk value of this package depends on those integer counts
alone and never on their order, so counts added up from any partitioning give the
same floats, bit for bit, as all the rows in one process. Summaries add with ``+``
(``sum()`` works), serialise through the codec and pickle, so they cross any engine:
``dask.bag``'s ``foldby``, Spark's ``reduceByKey``, a ``multiprocessing`` pool.

This module must never see a response twice, nor depend on the order of anything.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Self

import attrs

from servicekit import _codec
from servicekit._boundary import quote
from servicekit.errors import (
    IncompatibleSummariesError,
    InsufficientDataError,
    InvalidArgumentError,
    InvalidTypeError,
    ServiceKitError,
)
from servicekit.scoring._measures import (
    DurationMeasure,
    IndexMeasure,
    Measure,
    _CountsAnswers,
    check_measure,
)
from servicekit.scoring._segments import (
    Key,
    _column,
    check_fields,
    count_segments,
    table_from_groups,
)
from servicekit.scoring._validation import (
    check_confidence,
    check_whole,
    confidence_level,
    is_bool,
    materialise,
    not_instance,
)

if TYPE_CHECKING:
    from collections.abc import Hashable, Iterator

    from servicekit.scoring._estimate import Estimate
    from servicekit.scoring._segments import Groups, SegmentTable
    from servicekit.scoring._summaries import Summary

__all__ = [
    "MeasureSummary",
    "merge_summaries",
    "segment_table_from_summaries",
    "summarise",
    "summarise_segments",
]

Pairs = tuple[tuple[Any, int], ...]


def _order(key: Any) -> tuple[bool, Any]:
    # An index's unscored respondents count under None; they sort last.
    return key is None, key


def _pairs(value: object) -> Pairs:
    """``{answer: count}`` or ``[(answer, count), …]`` as sorted pairs, each count >= 1."""
    items: Iterable[Any]
    if isinstance(value, Mapping):
        items = value.items()
    elif isinstance(value, Iterable) and not isinstance(value, str | bytes):
        items = value
    else:
        msg = f"counts must map answers to their number of responses; got {type(value).__name__}"
        raise InvalidTypeError(msg)
    seen: dict[Any, int] = {}
    for item in items:
        if not (isinstance(item, tuple | list) and len(item) == 2):
            msg = f"counts must be (answer, count) pairs; got {quote(item)}"
            raise InvalidArgumentError(msg)
        key, n = item
        try:
            again = key in seen
        except TypeError:
            msg = f"an answer counted must be a number, a boolean or null; got {quote(key)}"
            raise InvalidTypeError(msg) from None
        if again:
            msg = f"the answer {quote(key)} is counted twice; give each answer once"
            raise InvalidArgumentError(msg)
        seen[key] = check_whole(f"the count of answer {quote(key)}", n, 1)
    try:
        return tuple(sorted(seen.items(), key=lambda kv: _order(kv[0])))
    except TypeError:
        msg = f"the answers counted must be of one kind; got {quote(list(seen))}"
        raise InvalidArgumentError(msg) from None


def _check_counts(summary: MeasureSummary, _attr: object, pairs: Pairs) -> None:
    """The counted answers must be ones the measure can produce."""
    keys = [k for k, _ in pairs]
    measure = summary.measure
    if isinstance(measure, IndexMeasure):
        for k in keys:
            if k is not None and (
                is_bool(k) or not isinstance(k, int | float) or not 0.0 <= k <= 100.0
            ):
                msg = f"an index summary counts composites in 0–100 (or None); got {quote(k)}"
                raise InvalidArgumentError(msg)
    elif isinstance(measure, DurationMeasure):
        for k in keys:
            check_whole("a duration's number of ticks", k)
    elif isinstance(measure, _CountsAnswers):
        # The answers are the keys: the measure's own validation says what is wrong.
        measure.keys(keys)


def _name(summary: MeasureSummary) -> str:
    return f"{summary.measure!r} at {100 * summary.confidence:g} %"


def _check_of_measure(_inst: object, _attr: object, value: Measure) -> None:
    check_measure(value)


def _counts_shape() -> _codec.Shape:
    # JSON objects need text keys: the pairs are written as [answer, count] arrays.
    return _codec.Shape(list[tuple[Any, int]], _pairs, list)


@_codec.value(omit_if_default=(), shapes={"counts": _counts_shape()})
@attrs.frozen(kw_only=True)
class MeasureSummary(_codec.Serialisable):
    """How many responses gave each answer a measure reads: a mergeable partial result.

    Build one per partition with [`summarise`][] (or per segment with
    [`summarise_segments`][]), add them up, and [`estimate`][MeasureSummary.estimate]
    gives the same [`Estimate`][] as the statistic on all rows at once, bit for bit.
    Adding is associative and commutative; ``0 + s`` is ``s``, so ``sum()`` works.
    Adding summaries of different measures (or scales, thresholds, fields) or
    confidence levels raises [`IncompatibleSummariesError`][servicekit.errors.IncompatibleSummariesError].

    The size is the number of distinct answers: at most 11 for NPS, the scale for
    ratings, 2 for a share, the distinct composites for an index, the distinct
    durations (at the measure's resolution) for durations.

    Args:
        measure: what the counts are of.
        counts: ``{answer: responses}`` (or pairs), each count at least 1; kept
            sorted by answer.
        confidence: the level of the estimate's interval.

    Raises:
        InvalidArgumentError: a count is not a whole number >= 1, an answer is counted
            twice or cannot come from the measure.

    Examples:
        >>> from servicekit.scoring import NpsMeasure, nps, summarise
        >>> m = NpsMeasure(field="score")
        >>> monday = summarise([{"score": 10}, {"score": 3}], measure=m)
        >>> tuesday = summarise([{"score": 9}, {"score": 8}], measure=m)
        >>> week = sum([monday, tuesday])
        >>> week.counts
        ((3, 1), (8, 1), (9, 1), (10, 1))
        >>> week.estimate() == nps([10, 3, 9, 8]).estimate
        True
    """

    measure: Measure = attrs.field(validator=_check_of_measure)
    counts: Pairs = attrs.field(converter=_pairs, validator=_check_counts)
    confidence: float = attrs.field(default=0.95, validator=confidence_level)

    @property
    def n(self) -> int:
        """The responses counted."""
        return sum(c for _, c in self.counts)

    def summary(self) -> Summary | None:
        """The measure's own summary of the counts (None if nothing can be scored)."""
        return self.measure.summarise(dict(self.counts)) if self.counts else None

    def estimate(self) -> Estimate:
        """Return the measure's estimate at the summary's confidence.

        Raises:
            InsufficientDataError: nothing counted can be scored.
        """
        summary = self.summary()
        if summary is None:
            msg = f"{_name(self)} has no response it can score; merge in more before estimating"
            raise InsufficientDataError(msg)
        return summary.estimate(self.confidence)

    def _check_compatible(self, other: MeasureSummary) -> None:
        if self.measure != other.measure or self.confidence != other.confidence:
            msg = (
                f"cannot merge a summary of {_name(self)} with one of {_name(other)}: "
                "only summaries of one measure at one confidence level add up"
            )
            raise IncompatibleSummariesError(msg)

    def __add__(self, other: object) -> Self:
        """Merge two summaries of the same measure and confidence."""
        if not isinstance(other, MeasureSummary):
            return NotImplemented
        self._check_compatible(other)
        merged = dict(self.counts)
        for key, n in other.counts:
            merged[key] = merged.get(key, 0) + n
        # Both sides were validated when built and the keys are the union of theirs.
        return self._checked(self.measure, merged, self.confidence)

    @classmethod
    def _checked(
        cls, measure: Measure, counts: Mapping[Any, int], confidence: float
    ) -> Self:
        """Build from counts already validated: only the order is restored.

        For counts the measure itself produced (a partition's, or two summaries'
        merged): a table builds and merges thousands, and checking each answer again
        would cost more than counting them.
        """
        out = object.__new__(cls)
        object.__setattr__(out, "measure", measure)
        object.__setattr__(
            out, "counts", tuple(sorted(counts.items(), key=lambda kv: _order(kv[0])))
        )
        object.__setattr__(out, "confidence", confidence)
        return out

    def __radd__(self, other: object) -> Self:
        """``0 + summary`` is the summary, so that ``sum()`` works."""
        if type(other) is int and other == 0:
            return self
        return NotImplemented


def summarise(
    responses: Iterable[Mapping[str, Any]],
    *,
    measure: Measure,
    confidence: float = 0.95,
    partition: Hashable | None = None,
) -> MeasureSummary:
    """Count ``responses`` under ``measure``: a [`MeasureSummary`][] to merge with others.

    Args:
        responses: mappings holding the measure's field (an empty partition gives an
            empty summary, which adds as nothing).
        measure: what to estimate.
        confidence: the level of the estimate's interval.
        partition: a label for the partition (its number, a file name) that error
            messages start with, so a failed engine job says where the bad row is.

    Raises:
        InvalidArgumentError: a response lacks the field or holds an invalid answer.
        InvalidTypeError: a response is not a mapping, or an answer has the wrong type.

    Examples:
        >>> from servicekit.scoring import ShareMeasure, summarise
        >>> s = summarise(
        ...     [{"fcr": True}, {"fcr": False}], measure=ShareMeasure(field="fcr")
        ... )
        >>> s.counts, s.estimate().value
        (((False, 1), (True, 1)), 50.0)
    """
    level = check_confidence(confidence)
    check_measure(measure)
    with _in_partition(partition):
        rows = materialise(responses, "responses")
        raw = Counter(measure.keys(_column(rows, measure.field)))
        reduced: Counter[Any] = Counter()
        for key, n in raw.items():
            reduced[measure.reduce(key)] += n
    return MeasureSummary._checked(measure, reduced, level)  # noqa: SLF001 - same module


@contextlib.contextmanager
def _in_partition(partition: Hashable | None) -> Iterator[None]:
    """Prefix a servicekit error raised inside with the partition's label."""
    if partition is None:
        yield
        return
    try:
        yield
    except ServiceKitError as error:
        # Same class, so callers catch what they would without a label.
        raise type(error)(f"partition {quote(partition)}: {error}") from None


def _summaries_from_groups(
    groups: Groups, measure: Measure, confidence: float, *, periodic: bool
) -> dict[Any, MeasureSummary]:
    out: dict[Any, MeasureSummary] = {}
    for when, by_segment in groups.items():
        for segment, counts in by_segment.items():
            key = (segment, when) if periodic else segment
            out[key] = MeasureSummary._checked(measure, counts, confidence)  # noqa: SLF001 - same module
    return out


def summarise_segments(
    responses: Iterable[Mapping[str, Any]],
    *,
    by: str,
    measure: Measure,
    period: str | None = None,
    confidence: float = 0.95,
    partition: Hashable | None = None,
) -> dict[Any, MeasureSummary]:
    """Count ``responses`` per segment (and period): what a partition contributes to a table.

    Args:
        responses: as for [`segment_table`][] (dates as periods become ISO text).
        by: the field naming the segment.
        measure: what to estimate.
        period: the field naming the period, or None.
        confidence: the level of every interval of the eventual table.
        partition: a label error messages start with (see [`summarise`][]).

    Returns:
        ``{segment: summary}``, or ``{(segment, period): summary}`` when ``period``
        is given (empty for no responses: an empty partition adds nothing);
        merge several with [`merge_summaries`][] (or an engine's reduce-by-key
        with ``+``) and build the table with [`segment_table_from_summaries`][].

    Raises:
        InvalidArgumentError, InvalidTypeError: as for [`segment_table`][].

    Examples:
        >>> from servicekit.scoring import CsatMeasure, summarise_segments
        >>> rows = [{"city": "Hohhot", "rating": 5}, {"city": "Xi'an", "rating": 2}]
        >>> parts = summarise_segments(rows, by="city", measure=CsatMeasure())
        >>> sorted(parts), parts["Hohhot"].counts
        (['Hohhot', "Xi'an"], ((5, 1),))
    """
    level = check_confidence(confidence)
    check_measure(measure)
    check_fields(by, period, measure)
    with _in_partition(partition):
        rows = materialise(responses, "responses")
        if not rows:
            # An engine's partition may be empty: it contributes nothing to the merge.
            return {}
        groups = count_segments(rows, by=by, period=period, measure=measure)
    return _summaries_from_groups(groups, measure, level, periodic=period is not None)


def merge_summaries(
    *parts: Mapping[Hashable, MeasureSummary],
) -> dict[Hashable, MeasureSummary]:
    """Merge mappings of summaries key by key (``+`` where a key is in several).

    Raises:
        IncompatibleSummariesError: two summaries under one key do not add up (the
            message names the key and the mapping's position).

    Examples:
        >>> from servicekit.scoring import (
        ...     MeanMeasure,
        ...     merge_summaries,
        ...     summarise_segments,
        ... )
        >>> m = MeanMeasure()
        >>> a = summarise_segments([{"city": "A", "rating": 4}], by="city", measure=m)
        >>> b = summarise_segments([{"city": "A", "rating": 2}], by="city", measure=m)
        >>> merge_summaries(a, b)["A"].estimate().value
        3.0
    """
    out: dict[Hashable, MeasureSummary] = {}
    for number, part in enumerate(parts):
        for key, summary in part.items():
            before = out.get(key)
            try:
                out[key] = summary if before is None else before + summary
            except IncompatibleSummariesError as error:
                msg = f"the summaries of {quote(key)} in mapping #{number} and before it do not add up: {error}"
                raise IncompatibleSummariesError(msg) from None
    return out


def _segment_key(value: object, what: str) -> Key:
    if is_bool(value) or not isinstance(value, str | int):
        msg = (
            f"{what} must be a string or int; got {type(value).__name__} {quote(value)}"
        )
        raise InvalidTypeError(msg)
    return value


def _groups(
    summaries: Mapping[Any, MeasureSummary], *, periodic: bool
) -> tuple[Groups, MeasureSummary]:
    groups: Groups = {}
    first: MeasureSummary | None = None
    kinds: dict[str, set[type]] = {"segment": set(), "period": set()}
    for key, summary in summaries.items():
        if not_instance(summary, MeasureSummary):
            msg = f"the summary of {quote(key)} is a {type(summary).__name__}, not a MeasureSummary"
            raise InvalidTypeError(msg)
        if first is None:
            first = summary
        else:
            first._check_compatible(summary)  # noqa: SLF001 - same module
        if periodic:
            if not (isinstance(key, tuple) and len(key) == 2):
                msg = f"with a period, summaries are keyed by (segment, period); got {quote(key)}"
                raise InvalidArgumentError(msg)
            segment = _segment_key(key[0], "a segment")
            when: Key | None = _segment_key(key[1], "a period")
            kinds["period"].add(type(when))
        else:
            segment, when = _segment_key(key, "a segment"), None
        kinds["segment"].add(type(segment))
        if summary.counts:
            groups.setdefault(when, {})[segment] = Counter(dict(summary.counts))
    for what, types in kinds.items():
        if len(types) > 1:
            msg = f"{what} keys mix strings and numbers, which have no common order; use one type"
            raise InvalidTypeError(msg)
    if first is None:
        msg = "cannot build a segment table from no summaries; pass at least one"
        raise InsufficientDataError(msg)
    if not groups:
        msg = f"cannot build a segment table: the summaries of {_name(first)} count no responses"
        raise InsufficientDataError(msg)
    return groups, first


def segment_table_from_summaries(
    summaries: Mapping[Any, MeasureSummary],
    *,
    by: str,
    period: str | None = None,
    min_n: int = 30,
    top_k: int = 5,
    bottom_k: int = 3,
) -> SegmentTable:
    """Build the [`SegmentTable`][] of merged summaries: the same table as the rows give.

    Args:
        summaries: ``{segment: summary}``, or ``{(segment, period): summary}`` when
            ``period`` is given (as [`summarise_segments`][] returns them), all of one
            measure and confidence level. Empty summaries are left out.
        by: the name of the segment field (for the table's record).
        period: the name of the period field, or None.
        min_n: as for [`segment_table`][].
        top_k: as for [`segment_table`][].
        bottom_k: as for [`segment_table`][].

    Raises:
        InsufficientDataError: no summary, or none counts a response.
        IncompatibleSummariesError: the summaries are of different measures or
            confidence levels.
        InvalidArgumentError, InvalidTypeError: a key is not a segment (or a
            (segment, period) pair), a value not a summary, or an argument is out of
            range.

    Examples:
        >>> from servicekit.scoring import (
        ...     CsatMeasure,
        ...     segment_table,
        ...     segment_table_from_summaries,
        ...     summarise_segments,
        ...     merge_summaries,
        ... )
        >>> rows = [{"city": c, "rating": r} for c in "AB" for r in (1, 4, 5, 5)]
        >>> m = CsatMeasure()
        >>> merged = merge_summaries(
        ...     summarise_segments(rows[:3], by="city", measure=m),
        ...     summarise_segments(rows[3:], by="city", measure=m),
        ... )
        >>> table = segment_table_from_summaries(merged, by="city", min_n=1)
        >>> table == segment_table(rows, by="city", measure=m, min_n=1)
        True
    """
    if not_instance(summaries, Mapping):
        msg = f"summaries must map segments to MeasureSummary values; got {type(summaries).__name__}"
        raise InvalidTypeError(msg)
    min_n = check_whole("min_n", min_n, 1)
    top_k = check_whole("top_k", top_k)
    bottom_k = check_whole("bottom_k", bottom_k)
    groups, first = _groups(summaries, periodic=period is not None)
    check_fields(by, period, first.measure)
    return table_from_groups(
        groups,
        by=by,
        period=period,
        measure=first.measure,
        confidence=first.confidence,
        min_n=min_n,
        top_k=top_k,
        bottom_k=bottom_k,
    )

"""What ``segment_table`` measures: one small value per kind of statistic.

A measure names the response field it reads and knows how to validate that field,
reduce a group's answers to counts, and summarise the counts. Measures are data (they
serialise with ``to_dict``, tagged by ``"type"``), so a report definition can be
stored next to its output.
This module must never look at fields other than the one a measure names.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs

from servicekit import _codec
from servicekit._boundary import quote
from servicekit.errors import InvalidArgumentError, InvalidTypeError
from servicekit.scoring._duration_summaries import (
    MICROSECONDS,
    QuantileSummary,
    mean_summary,
)
from servicekit.scoring._index import SatisfactionIndex
from servicekit.scoring._nps import summarise_nps
from servicekit.scoring._ratings import check_scale
from servicekit.scoring._summaries import MeanSummary, ShareSummary, Summary
from servicekit.scoring._validation import as_int, count_bools, of_type

if TYPE_CHECKING:
    from collections.abc import Hashable, Iterable, Mapping

__all__ = [
    "CsatMeasure",
    "DurationMeasure",
    "IndexMeasure",
    "MeanMeasure",
    "Measure",
    "NpsMeasure",
    "ShareMeasure",
    "measure_from",
]


def _check_field_name(_inst: object, _attr: object, value: object) -> None:
    if not isinstance(value, str) or not value:
        msg = f"a measure's field must be the non-empty name of a response key; got {quote(value)}"
        raise InvalidArgumentError(msg)


@runtime_checkable
class Measure(Protocol):
    """What ``segment_table`` needs from a measure.

    ``keys`` validates a column of raw answers and returns one hashable key per answer
    (equal answers, equal keys); ``reduce`` maps each distinct key to what the
    statistic needs (for an index, the respondent's composite), once per table;
    ``summarise`` turns ``{reduced key: count}`` into a summary, or None when the
    group has nothing that can be scored.

    Examples:
        >>> from servicekit.scoring import Measure, NpsMeasure
        >>> m = NpsMeasure(field="score")
        >>> isinstance(m, Measure), m.summarise({10: 3, 0: 1}).n
        (True, 4)
    """

    @property
    def field(self) -> str:
        """The response key this measure reads."""
        ...

    def keys(self, values: list[Any]) -> Iterable[Hashable]:
        """Validate ``values`` and return one hashable key per value."""
        ...

    def reduce(self, key: Any) -> Hashable:
        """Map a key to the smallest thing ``summarise`` needs (called once per key).

        Raises a servicekit error when the key is invalid (an unknown dimension).
        """
        ...

    def summarise(self, counts: Mapping[Any, int]) -> Summary | None:
        """Summarise a group's ``{reduced key: count}``."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-native data that [`measure_from`][] turns back into it."""
        ...


def _int_keys(values: list[Any], lo: int, hi: int, what: str) -> list[Any]:
    if set(map(type, values)) <= {int}:
        # Plain ints cannot hide a boolean or NaN; check only the distinct values.
        for v in set(values):
            as_int(v, lo, hi, what)
        return values
    return [as_int(v, lo, hi, what) for v in values]


class _CountsAnswers(_codec.Serialisable):
    """A measure whose keys are the answers themselves: nothing to reduce."""

    __slots__ = ()

    def reduce(self, key: Any) -> Hashable:
        """Return ``key`` unchanged: the answer is already what is counted."""
        return key  # type: ignore[no-any-return]


@_codec.value(tag="nps")
@attrs.frozen(kw_only=True)
class NpsMeasure(_CountsAnswers):
    """Net Promoter Score of a 0–10 answer field, in points.

    Examples:
        >>> from servicekit.scoring import NpsMeasure, measure_from
        >>> m = NpsMeasure(field="likely_to_recommend")
        >>> measure_from(m.to_dict()) == m
        True
    """

    field: str = attrs.field(default="nps", validator=_check_field_name)

    def keys(self, values: list[Any]) -> Iterable[Hashable]:
        """Validate 0–10 answers; the keys are the answers."""
        return _int_keys(values, 0, 10, f"NPS scores in {quote(self.field)}")

    def summarise(self, counts: Mapping[Any, int]) -> Summary | None:
        """Return the NPS summary of ``{answer: count}``."""
        return summarise_nps(counts)


@_codec.value(tag="csat")
@attrs.frozen(kw_only=True)
class CsatMeasure(_CountsAnswers):
    """CSAT top-box share (percent) of a 1–``scale`` rating field.

    Examples:
        >>> from servicekit.scoring import CsatMeasure
        >>> CsatMeasure(field="rating", scale=5, satisfied_at=4).to_dict()["type"]
        'csat'
    """

    field: str = attrs.field(default="rating", validator=_check_field_name)
    scale: int = 5
    satisfied_at: int = 4

    def __attrs_post_init__(self) -> None:
        check_scale(self.scale, self.satisfied_at, "satisfied_at")

    def keys(self, values: list[Any]) -> Iterable[Hashable]:
        """Validate 1–``scale`` ratings; the keys are the ratings."""
        return _int_keys(values, 1, self.scale, f"ratings in {quote(self.field)}")

    def summarise(self, counts: Mapping[Any, int]) -> Summary | None:
        """Return the top-box share summary of ``{rating: count}``."""
        top = sum(c for k, c in counts.items() if k >= self.satisfied_at)
        return ShareSummary(top, sum(counts.values()))


@_codec.value(tag="mean")
@attrs.frozen(kw_only=True)
class MeanMeasure(_CountsAnswers):
    """Mean of a 1–``scale`` rating field (Student-t interval).

    Examples:
        >>> from servicekit.scoring import MeanMeasure
        >>> MeanMeasure(field="rating", scale=10).to_dict()
        {'type': 'mean', 'field': 'rating', 'scale': 10}
    """

    field: str = attrs.field(default="rating", validator=_check_field_name)
    scale: int = 5

    def __attrs_post_init__(self) -> None:
        check_scale(self.scale, self.scale, "scale")

    def keys(self, values: list[Any]) -> Iterable[Hashable]:
        """Validate 1–``scale`` ratings; the keys are the ratings."""
        return _int_keys(values, 1, self.scale, f"ratings in {quote(self.field)}")

    def summarise(self, counts: Mapping[Any, int]) -> Summary | None:
        """Return the mean summary of ``{rating: count}``."""
        return MeanSummary.from_counts(counts, 1.0, float(self.scale))


@_codec.value(tag="share")
@attrs.frozen(kw_only=True)
class ShareMeasure(_CountsAnswers):
    """Share (percent) of True in a yes/no field, e.g. first-contact resolution.

    Examples:
        >>> from servicekit.scoring import ShareMeasure
        >>> ShareMeasure(field="resolved_first_contact").to_dict()
        {'type': 'share', 'field': 'resolved_first_contact'}
    """

    field: str = attrs.field(default="resolved", validator=_check_field_name)

    def keys(self, values: list[Any]) -> Iterable[Hashable]:
        """Validate booleans; the keys are ``True`` / ``False``."""
        count_bools(values, f"values of {quote(self.field)}")
        return values if set(map(type, values)) <= {bool} else map(bool, values)

    def summarise(self, counts: Mapping[Any, int]) -> Summary | None:
        """Return the share summary of ``{outcome: count}``."""
        return ShareSummary(counts.get(True, 0), sum(counts.values()))


@_codec.value(tag="index", omit_if_default=())
@attrs.frozen(kw_only=True)
class IndexMeasure(_codec.Serialisable):
    """A [`SatisfactionIndex`][] of a field holding each response's ratings mapping.

    Examples:
        >>> from servicekit.scoring import IndexMeasure, SatisfactionIndex, measure_from
        >>> m = IndexMeasure(field="ratings", index=SatisfactionIndex(missing="skip"))
        >>> measure_from(m.to_dict()) == m
        True
    """

    field: str = attrs.field(default="ratings", validator=_check_field_name)
    index: SatisfactionIndex = attrs.field(
        factory=SatisfactionIndex,
        validator=of_type(SatisfactionIndex),
    )

    def keys(self, values: list[Any]) -> Iterable[Hashable]:
        """Validate ratings mappings; the keys are hashable response patterns."""
        return self.index.pattern_keys(values)

    def reduce(self, key: Any) -> Hashable:
        """Return the respondent's composite (None when the policy skips them)."""
        score, _ = self.index._score_pattern(key)  # noqa: SLF001 - same package
        return score

    def summarise(self, counts: Mapping[Any, int]) -> Summary | None:
        """Return the mean composite's summary, or None when no one was scored."""
        scored = {k: c for k, c in counts.items() if k is not None}
        return MeanSummary.from_counts(scored, 0.0, 100.0) if scored else None


_STATISTIC = re.compile(r"mean|median|p([1-9][0-9]?)")
_MICROSECOND = dt.timedelta(microseconds=1)


def _check_statistic(_inst: object, _attr: object, value: object) -> None:
    if not (isinstance(value, str) and _STATISTIC.fullmatch(value)):
        msg = (
            "a duration statistic must be 'mean', 'median' or a percentile 'p1'…'p99' "
            f"(e.g. 'p90'); got {quote(value)}"
        )
        raise InvalidArgumentError(msg)


def check_unit(_inst: object, _attr: object, value: str) -> None:
    """An attrs validator: ``value`` names a unit durations can be reported in."""
    if value not in MICROSECONDS:
        msg = f"unit must be one of {quote(list(MICROSECONDS))}; got {quote(value)}"
        raise InvalidArgumentError(msg)


def _check_resolution(_inst: object, _attr: object, value: object) -> None:
    if not isinstance(value, dt.timedelta) or value <= dt.timedelta(0):
        msg = f"resolution must be a positive timedelta (e.g. timedelta(seconds=1)); got {quote(value)}"
        raise InvalidArgumentError(msg)
    if value % _MICROSECOND:  # pragma: no cover - a timedelta is whole microseconds
        raise InvalidArgumentError(msg)


@_codec.value(tag="duration", omit_if_default=())
@attrs.frozen(kw_only=True)
class DurationMeasure(_CountsAnswers):
    """A statistic of a duration field (response or resolution times), in ``unit``.

    Args:
        field: the response key holding a non-negative ``datetime.timedelta``.
        statistic: ``"mean"`` (Student-t interval), ``"median"`` or a percentile
            ``"p1"``…``"p99"`` such as ``"p90"`` (type-7 sample quantile with an
            order-statistic interval).
        unit: what the estimate is expressed in: ``"seconds"``, ``"minutes"``,
            ``"hours"`` or ``"days"``.
        resolution: durations are rounded down to a whole number of this before
            counting (the default, one microsecond, keeps them exact). A coarser one
            bounds a mergeable summary's size by the range of durations over it.

    Examples:
        >>> import datetime as dt
        >>> from servicekit.scoring import DurationMeasure, measure_from
        >>> m = DurationMeasure(field="first_response", statistic="p90", unit="hours")
        >>> measure_from(m.to_dict()) == m
        True
        >>> m.keys([dt.timedelta(minutes=90)])
        [5400000000]
    """

    field: str = attrs.field(default="duration", validator=_check_field_name)
    statistic: str = attrs.field(default="mean", validator=_check_statistic)
    unit: str = attrs.field(default="hours", validator=check_unit)
    resolution: dt.timedelta = attrs.field(
        default=_MICROSECOND, validator=_check_resolution
    )

    @property
    def tick_us(self) -> int:
        """The resolution in microseconds."""
        return self.resolution // _MICROSECOND

    def keys(self, values: list[Any]) -> Iterable[Hashable]:
        """Validate durations; the keys are whole numbers of ``resolution``."""
        if set(map(type, values)) <= {dt.timedelta}:
            tick = self.resolution
            keys = [v // tick for v in values]
        else:
            for v in values:
                if not isinstance(v, dt.timedelta):
                    msg = f"durations in {quote(self.field)} must be datetime.timedelta values; got {type(v).__name__} {quote(v)}"
                    raise InvalidTypeError(msg)
            # Subclasses (pendulum.Duration) may not divide by a plain timedelta.
            tick_us = self.tick_us
            keys = [
                ((v.days * 86_400 + v.seconds) * 1_000_000 + v.microseconds) // tick_us
                for v in values
            ]
        if keys and min(keys) < 0:
            bad = next(v for v in values if v < dt.timedelta(0))
            msg = f"durations in {quote(self.field)} must not be negative; got {quote(bad)}"
            raise InvalidArgumentError(msg)
        return keys

    def summarise(self, counts: Mapping[Any, int]) -> Summary | None:
        """Return the summary of ``{ticks: count}`` for this measure's statistic."""
        unit_us = MICROSECONDS[self.unit]
        if self.statistic == "mean":
            return mean_summary(counts, self.tick_us, unit_us)
        percent = 50 if self.statistic == "median" else int(self.statistic[1:])
        return QuantileSummary(counts, percent, self.tick_us, unit_us)


_codec.variants(
    Measure,
    [NpsMeasure, CsatMeasure, MeanMeasure, ShareMeasure, IndexMeasure, DurationMeasure],
)


def measure_from(data: Mapping[str, Any]) -> Measure:
    """Rebuild a measure from its ``to_dict`` data, which names it under ``"type"``.

    (Before issue 13 the tag key was ``"kind"``; see ``docs/serialisation.md``.)

    Raises:
        DeserializationError: the data names no known measure, has keys the measure
            does not have, or is malformed; the message names the JSON path.

    Examples:
        >>> from servicekit.scoring import measure_from
        >>> measure_from(
        ...     {"type": "csat", "field": "rating", "scale": 5, "satisfied_at": 4}
        ... )
        CsatMeasure(field='rating', scale=5, satisfied_at=4)
    """
    # A protocol names the family of variants the codec reads by their "type".
    return _codec.from_data(Measure, data, what="measure")  # type: ignore[type-abstract]


def check_measure(value: object) -> None:
    """Raise InvalidTypeError unless ``value`` is a measure."""
    if not isinstance(value, Measure):
        msg = (
            "measure must be a measure value such as NpsMeasure(field='nps') or "
            f"CsatMeasure(field='rating'); got {type(value).__name__}"
        )
        raise InvalidTypeError(msg)

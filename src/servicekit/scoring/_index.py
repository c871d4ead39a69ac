"""A weighted satisfaction index on 0–100, averaged per respondent with a t interval.

Each answered dimension is rescaled to 0–100 as ``(x − lo)/(hi − lo) · 100``; each
respondent's composite is the weighted mean of their dimensions; the index is the mean
composite with a Student-t interval. Because the composite is per respondent, the
interval reflects how answers move together, which averaging dimension means would
hide. Missing answers follow an explicit policy and the result says how many responses
were scored. This module must never treat an unknown dimension name as a zero.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from itertools import chain, repeat
from operator import itemgetter
from types import MappingProxyType
from typing import Any, Final, Literal

import attrs

from servicekit import _codec
from servicekit._boundary import quote
from servicekit.errors import (
    InsufficientDataError,
    InvalidArgumentError,
    InvalidTypeError,
    UnknownNameError,
)
from servicekit.scoring._estimate import Estimate
from servicekit.scoring._summaries import MeanSummary
from servicekit.scoring._validation import (
    as_int,
    as_real,
    check_confidence,
    is_bool,
    materialise,
    not_instance,
    of_type,
    require,
    scale_pair,
    whole,
)

__all__ = ["DEFAULT_WEIGHTS", "IndexResult", "MissingPolicy", "SatisfactionIndex"]

MissingPolicy = Literal["renormalise", "skip"]
"""How an index treats unanswered dimensions: rescale the answered ones' weights, or
score only complete responses."""

DEFAULT_WEIGHTS: Final[Mapping[str, float]] = MappingProxyType(
    {"response_speed": 0.3, "resolution": 0.4, "attitude": 0.2, "follow_up": 0.1}
)
"""The satisfaction index's dimensions and their weights (read-only)."""

# A response in canonical form: its ratings in the index's (sorted) dimension order,
# None where unanswered. Equal answers give equal patterns, whatever the key order.
Pattern = tuple[Any, ...]
Layout = tuple[tuple[str, ...], tuple[Any, ...]]


class _Canonical(dict[Layout, Pattern]):
    """(names, values) of a response → its canonical pattern, computed once per layout."""

    def __init__(self, dimensions: tuple[str, ...]) -> None:
        super().__init__()
        self.dimensions = dimensions
        self.known = frozenset(dimensions)

    def __missing__(self, key: Layout) -> Pattern:
        names, values = key
        for name in names:
            if name not in self.known:
                known = ", ".join(self.dimensions)
                msg = f"unknown dimension {quote(name)} in a response; this index rates: {known}"
                raise UnknownNameError(msg)
        given = dict(zip(names, values, strict=True))
        pattern = tuple(given.get(d) for d in self.dimensions)
        self[key] = pattern
        return pattern


def _to_weights(
    value: Mapping[str, float] | tuple[tuple[str, float], ...],
) -> tuple[tuple[str, float], ...]:
    # The stored form (sorted pairs) is accepted too, so that attrs.evolve works.
    if not_instance(value, (Mapping, tuple)):
        msg = f"weights must map dimension names to positive numbers; got {type(value).__name__}"
        raise InvalidTypeError(msg)
    try:
        items = dict(value).items()
    except (TypeError, ValueError):
        msg = (
            f"weights must map dimension names to positive numbers; got {quote(value)}"
        )
        raise InvalidTypeError(msg) from None
    out = []
    for name, weight in items:
        if not isinstance(name, str) or not name:
            msg = f"dimension names must be non-empty strings; got {type(name).__name__} {quote(name)}"
            raise InvalidTypeError(msg)
        if is_bool(weight) or not isinstance(weight, int | float):
            msg = f"the weight of {quote(name)} must be a number; got {type(weight).__name__} {quote(weight)}"
            raise InvalidTypeError(msg)
        real = as_real(weight)  # None: an int too large for a float
        if real is None or not (math.isfinite(real) and real > 0):
            msg = (
                f"the weight of {quote(name)} must be positive and finite; got {quote(weight)}. "
                "Leave a dimension out of the weights instead of giving it 0"
            )
            raise InvalidArgumentError(msg)
        out.append((name, real))
    if not out:
        msg = "an index needs at least one weighted dimension"
        raise InvalidArgumentError(msg)
    try:
        math.fsum(w for _, w in out)
    except OverflowError:
        msg = "the weights' sum overflows; they are normalised, so scale them down"
        raise InvalidArgumentError(msg) from None
    # Sorted so that two indices with the same weights compare equal whatever the
    # order the caller listed them in.
    return tuple(sorted(out))


def _to_dimensions(value: Mapping[str, Estimate]) -> dict[str, Estimate]:
    if not_instance(value, Mapping):
        msg = f"dimensions must map dimension names to Estimates; got {type(value).__name__}"
        raise InvalidTypeError(msg)
    out = dict(sorted(value.items()))
    for name, estimate in out.items():
        if not_instance(estimate, Estimate):
            msg = f"dimension {quote(name)} must map to an Estimate; got {type(estimate).__name__}"
            raise InvalidTypeError(msg)
    return out


@_codec.value()
@attrs.frozen(kw_only=True)
class IndexResult(_codec.Serialisable):
    """The index on 0–100, per-dimension means on 0–100, and how much data was scored.

    Args:
        estimate: the mean respondent composite on 0–100 (t interval); ``n`` is the
            number of respondents scored.
        responses: how many responses were given.
        complete: how many answered every dimension.
        dimensions: each dimension's mean on 0–100 over the respondents who answered
            it, keyed by dimension name.

    Examples:
        >>> from servicekit.scoring import IndexResult, SatisfactionIndex
        >>> r = SatisfactionIndex().score(
        ...     [
        ...         {
        ...             "response_speed": 5,
        ...             "resolution": 4,
        ...             "attitude": 5,
        ...             "follow_up": 3,
        ...         },
        ...         {"response_speed": 4, "resolution": 5, "attitude": 5},
        ...     ]
        ... )
        >>> r.responses, r.complete, r.coverage, r.estimate.n
        (2, 1, 1.0, 2)
        >>> IndexResult.from_dict(r.to_dict()) == r
        True
    """

    estimate: Estimate = attrs.field(validator=of_type(Estimate))
    responses: int = attrs.field(validator=whole(1))
    complete: int = attrs.field(validator=whole())
    dimensions: dict[str, Estimate] = attrs.field(converter=_to_dimensions, hash=False)

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.complete <= self.estimate.n <= self.responses:
            msg = (
                "need complete <= scored <= responses; got "
                f"{self.complete}, {self.estimate.n}, {self.responses}"
            )
            raise InvalidArgumentError(msg)

    @property
    def coverage(self) -> float:
        """The fraction of responses that were scored (0–1)."""
        return self.estimate.n / self.responses


def _check_missing(_inst: object, _attr: object, value: object) -> None:
    if value not in ("renormalise", "skip"):
        msg = (
            f"missing must be 'renormalise' (weight the answered dimensions) or 'skip' "
            f"(score only complete responses); got {quote(value)}"
        )
        raise InvalidArgumentError(msg)


# Weights are stored as sorted (name, weight) pairs and written as a JSON object.
_WEIGHTS: Final = _codec.Shape(dict[str, float], _to_weights, dict)


@_codec.value(shapes={"weights": _WEIGHTS})
@attrs.frozen(kw_only=True)
class SatisfactionIndex(_codec.Serialisable):
    """A weighted 0–100 satisfaction index over rated dimensions.

    Args:
        weights: dimension name → positive weight; normalised to sum to 1. The default
            is ``response_speed`` 0.3, ``resolution`` 0.4, ``attitude`` 0.2,
            ``follow_up`` 0.1.
        scale: ``(lowest, highest)`` rating, ``(1, 5)`` by default.
        missing: ``"renormalise"`` scores a respondent on the dimensions they answered,
            re-weighting those to sum to 1; ``"skip"`` scores only complete responses.
            A dimension counts as missing when its key is absent or its value is None.

    Raises:
        InvalidArgumentError: a weight is not positive, the scale is empty, or the
            policy is unknown.

    Examples:
        >>> from servicekit.scoring import SatisfactionIndex
        >>> index = SatisfactionIndex()
        >>> index.normalised_weights["resolution"]
        0.4
        >>> r = index.score(
        ...     [{"response_speed": 5, "resolution": 5, "attitude": 4, "follow_up": 3}]
        ...     * 3
        ... )
        >>> r.estimate.value
        90.0
        >>> SatisfactionIndex.from_dict(index.to_dict()) == index
        True
    """

    weights: tuple[tuple[str, float], ...] = attrs.field(
        default=DEFAULT_WEIGHTS, converter=_to_weights
    )
    scale: tuple[int, int] = attrs.field(default=(1, 5), converter=scale_pair)
    missing: MissingPolicy = attrs.field(
        default="renormalise", validator=_check_missing
    )

    @property
    def dimensions(self) -> tuple[str, ...]:
        """The dimension names, sorted."""
        return tuple(name for name, _ in self.weights)

    @property
    def normalised_weights(self) -> dict[str, float]:
        """Dimension → weight, scaled to sum to 1."""
        total = math.fsum(w for _, w in self.weights)
        return {name: w / total for name, w in self.weights}

    def composite(self, ratings: Mapping[str, int | None]) -> float | None:
        """Return one respondent's 0–100 composite, or None if the policy skips them.

        Raises:
            UnknownNameError: a key is not a dimension of this index.
            InvalidArgumentError / InvalidTypeError: a rating is not a whole number
                on the scale.

        Examples:
            >>> from servicekit.scoring import SatisfactionIndex
            >>> SatisfactionIndex().composite(
            ...     {
            ...         "response_speed": 5,
            ...         "resolution": 3,
            ...         "attitude": 5,
            ...         "follow_up": 1,
            ...     }
            ... )
            70.0
        """
        if not_instance(ratings, Mapping):
            msg = f"a response must map dimension names to ratings; got {type(ratings).__name__}"
            raise InvalidTypeError(msg)
        canonical = _Canonical(self.dimensions)
        score, _ = self._score_pattern(
            canonical[tuple(ratings), tuple(ratings.values())]
        )
        return score

    def _score_pattern(
        self, pattern: Pattern, weights: Mapping[str, float] | None = None
    ) -> tuple[float | None, dict[str, int]]:
        weights = self.normalised_weights if weights is None else weights
        lo, hi = self.scale
        answered: dict[str, int] = {}
        for name, value in zip(self.dimensions, pattern, strict=True):
            if value is None:
                continue
            if type(value) is int and lo <= value <= hi:
                answered[name] = value
            else:
                answered[name] = as_int(value, lo, hi, f"ratings of {quote(name)}")
        if not answered or (self.missing == "skip" and len(answered) < len(weights)):
            return None, answered
        total = math.fsum(weights[name] for name in answered)
        width = hi - lo
        score = math.fsum(
            weights[name] * (value - lo) for name, value in answered.items()
        )
        return 100.0 * score / (total * width), answered

    def summarise(
        self, counts: Mapping[Pattern, int]
    ) -> tuple[MeanSummary | None, int, int, dict[str, MeanSummary]]:
        """Summarise ``{response pattern: count}``: (index, responses, complete, per dimension)."""
        composite: Counter[float] = Counter()
        per_dimension: dict[str, Counter[float]] = {}
        complete = 0
        responses = 0
        lo, hi = self.scale
        n_dims = len(self.weights)
        weights = self.normalised_weights
        for pattern, count in counts.items():
            responses += count
            score, answered = self._score_pattern(pattern, weights)
            if len(answered) == n_dims:
                complete += count
            for name, value in answered.items():
                if name not in per_dimension:
                    per_dimension[name] = Counter()
                per_dimension[name][100.0 * (value - lo) / (hi - lo)] += count
            if score is not None:
                composite[score] += count
        dims = {
            name: MeanSummary.from_counts(c, 0.0, 100.0)
            for name, c in per_dimension.items()
        }
        summary = MeanSummary.from_counts(composite, 0.0, 100.0) if composite else None
        return summary, responses, complete, dims

    def score(
        self, responses: Iterable[Mapping[str, int | None]], *, confidence: float = 0.95
    ) -> IndexResult:
        """Return the index over ``responses`` (mappings of dimension → rating).

        Args:
            responses: one mapping per respondent; absent keys and None are missing.
            confidence: the intervals' confidence level.

        Returns:
            An [`IndexResult`][] whose ``estimate`` is on 0–100.

        Raises:
            InsufficientDataError: no responses, or none can be scored under the policy.
            UnknownNameError: a response names a dimension the index does not have.
            InvalidArgumentError / InvalidTypeError: a rating is not a whole number on
                the scale (booleans and NaN included).

        Examples:
            >>> from servicekit.scoring import SatisfactionIndex
            >>> rows = [
            ...     {
            ...         "response_speed": 5,
            ...         "resolution": 5,
            ...         "attitude": 5,
            ...         "follow_up": 5,
            ...     },
            ...     {
            ...         "response_speed": 4,
            ...         "resolution": 3,
            ...         "attitude": 4,
            ...         "follow_up": 2,
            ...     },
            ...     {
            ...         "response_speed": 3,
            ...         "resolution": 4,
            ...         "attitude": 5,
            ...         "follow_up": None,
            ...     },
            ... ]
            >>> r = SatisfactionIndex().score(rows)
            >>> round(r.estimate.value, 2), r.complete
            (77.41, 2)
            >>> r = SatisfactionIndex(missing="skip").score(rows)
            >>> r.estimate.value, r.coverage
            (80.0, 0.6666666666666666)
        """
        level = check_confidence(confidence)
        rows = materialise(responses, "index responses")
        require(len(rows), "an index")
        counts = Counter(self.pattern_keys(rows))
        summary, n, complete, dims = self.summarise(counts)
        if summary is None:
            msg = (
                f"none of the {n} responses can be scored under missing={self.missing!r}; "
                "use missing='renormalise' or supply complete responses"
            )
            raise InsufficientDataError(msg)
        return IndexResult(
            estimate=summary.estimate(level),
            responses=n,
            complete=complete,
            dimensions={k: v.estimate(level) for k, v in dims.items()},
        )

    def pattern_keys(self, rows: list[Any]) -> Iterator[Pattern]:
        """Return a lazy iterator of each response's canonical pattern, after type checks.

        Identical answers share a pattern, so a million responses reduce to at most a
        few hundred, each scored once. When every response is a dict holding exactly
        the index's dimensions, one C-level ``itemgetter`` per row builds the pattern;
        otherwise each distinct key layout is checked and mapped once.

        Raises:
            InvalidTypeError: a response is not a mapping, or a rating is a boolean or
                not a number.
            InvalidArgumentError: a rating is NaN, a fraction or off the scale.
        """
        dims = self.dimensions
        if set(map(type, rows)) <= {dict}:
            kinds = set(map(type, chain.from_iterable(map(dict.values, rows))))
            complete = set(map(len, rows)) <= {len(dims)} and all(
                all(map(dict.__contains__, rows, repeat(d))) for d in dims
            )
        else:
            for row in rows:
                if not isinstance(row, Mapping):
                    msg = f"each response must map dimension names to ratings; got {type(row).__name__}"
                    raise InvalidTypeError(msg)
            kinds = {type(v) for row in rows for v in row.values()}
            complete = False
        if not kinds <= {int, type(None)}:
            # True == 1 and 4.0 == 4 hash alike, so a bad value could hide inside a
            # good pattern: check every value before counting patterns.
            lo, hi = self.scale
            for row in rows:
                for name, value in row.items():
                    if value is not None:
                        as_int(value, lo, hi, f"ratings of {quote(name)}")
        if complete:
            # zip() of one column still yields 1-tuples, where itemgetter would not.
            if len(dims) == 1:
                return zip(map(itemgetter(dims[0]), rows), strict=True)
            return map(itemgetter(*dims), rows)
        canonical = _Canonical(dims)
        layouts = zip(
            map(tuple, rows), (tuple(row.values()) for row in rows), strict=True
        )
        return map(canonical.__getitem__, layouts)

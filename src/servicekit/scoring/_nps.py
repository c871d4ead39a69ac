"""Net Promoter Score with an honest interval, and the comparison of two surveys.

Answers 0–10 to "how likely are you to recommend us": 9–10 promote, 7–8 are passive,
0–6 detract. NPS is %promoters − %detractors, in points from −100 to 100. The interval
is the adjusted Wald interval of Rocks (2016) with the trinomial variance, because a
respondent's score (+1, 0, −1) is one draw: promoters and detractors are never
independent. This module must never accept a boolean or a fraction as an answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from servicekit import _codec
from servicekit._boundary import quote
from servicekit.errors import InvalidArgumentError, InvalidTypeError
from servicekit.scoring._estimate import Comparison, Estimate
from servicekit.scoring._summaries import NpsSummary
from servicekit.scoring._validation import (
    MAX_COUNT,
    check_confidence,
    count_ints,
    materialise,
    not_instance,
    of_type,
    require,
    whole,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = ["NpsResult", "compare_nps", "nps"]


@_codec.value()
@attrs.frozen(kw_only=True)
class NpsResult(_codec.Serialisable):
    """An NPS estimate with the counts behind it.

    Args:
        estimate: NPS in points; ``estimate.value`` is the plain %P − %D.
        promoters: answers of 9 or 10.
        passives: answers of 7 or 8.
        detractors: answers of 0 to 6 (each count at most ``2**53``).

    Raises:
        InvalidArgumentError: the counts do not add up to ``estimate.n`` or disagree
            with ``estimate.value``.

    Examples:
        >>> from servicekit.scoring import NpsResult, nps
        >>> r = nps([10] * 50 + [8] * 30 + [3] * 20)
        >>> r.estimate.value, r.promoters, r.passives, r.detractors
        (30.0, 50, 30, 20)
        >>> NpsResult.from_dict(r.to_dict()) == r
        True
    """

    estimate: Estimate = attrs.field(validator=of_type(Estimate))
    promoters: int = attrs.field(validator=whole(maximum=MAX_COUNT))
    passives: int = attrs.field(validator=whole(maximum=MAX_COUNT))
    detractors: int = attrs.field(validator=whole(maximum=MAX_COUNT))

    def __attrs_post_init__(self) -> None:
        n = self.promoters + self.passives + self.detractors
        if n != self.estimate.n:
            msg = f"promoters + passives + detractors = {n} but the estimate has n = {quote(self.estimate.n)}"
            raise InvalidArgumentError(msg)
        expected = 100.0 * (self.promoters - self.detractors) / n
        if abs(expected - self.estimate.value) > 1e-9:
            msg = f"the counts give NPS {expected} but the estimate says {self.estimate.value}"
            raise InvalidArgumentError(msg)

    @property
    def n(self) -> int:
        """The number of answers."""
        return self.estimate.n


def summarise_nps(counts: Mapping[int, int]) -> NpsSummary:
    """Return the NPS summary of ``{answer: count}`` (answers already validated)."""
    promoters = counts.get(9, 0) + counts.get(10, 0)
    passives = counts.get(7, 0) + counts.get(8, 0)
    detractors = sum(c for k, c in counts.items() if k <= 6)
    return NpsSummary(promoters, passives, detractors)


def _result(summary: NpsSummary, confidence: float) -> NpsResult:
    return NpsResult(
        estimate=summary.estimate(confidence),
        promoters=summary.promoters,
        passives=summary.passives,
        detractors=summary.detractors,
    )


def nps(scores: Iterable[int], *, confidence: float = 0.95) -> NpsResult:
    """Return the Net Promoter Score of 0–10 answers, with its adjusted-Wald interval.

    Args:
        scores: answers 0–10 (ints, or floats/numpy ints holding whole numbers).
        confidence: the interval's confidence level.

    Returns:
        An [`NpsResult`][]; ``result.estimate.value`` is %promoters − %detractors.

    Raises:
        InsufficientDataError: ``scores`` is empty.
        InvalidArgumentError: an answer is outside 0–10, a fraction or NaN.
        InvalidTypeError: an answer is a boolean or not a number.

    Examples:
        >>> from servicekit.scoring import nps
        >>> r = nps([10] * 50 + [7] * 30 + [0] * 20)
        >>> e = r.estimate
        >>> e.value, round(e.low, 1), round(e.high, 1), e.method
        (30.0, 14.1, 44.2, 'adjusted-wald')
    """
    level = check_confidence(confidence)
    values = materialise(scores, "NPS scores")
    require(len(values), "an NPS")
    return _result(summarise_nps(count_ints(values, 0, 10, "NPS scores")), level)


def compare_nps(
    a: NpsResult, b: NpsResult, *, confidence: float | None = None
) -> Comparison:
    """Compare two NPS surveys: ``a`` minus ``b``, with a two-sided z test.

    Each side uses the adjusted-Wald (trinomial) variance; the two surveys are
    independent samples. ``difference.value`` is the plain difference of the NPS.

    Args:
        a: the first survey (e.g. this month).
        b: the second survey (e.g. last month).
        confidence: the level of the difference's interval; defaults to ``a``'s.

    Returns:
        A [`Comparison`][] in NPS points.

    Examples:
        >>> from servicekit.scoring import compare_nps, nps
        >>> may = nps([10] * 60 + [8] * 20 + [2] * 20)
        >>> april = nps([10] * 50 + [8] * 30 + [2] * 20)
        >>> c = compare_nps(may, april)
        >>> c.difference.value, round(c.p_value, 3), c.significant()
        (10.0, 0.378, False)
    """
    for name, value in (("a", a), ("b", b)):
        if not_instance(value, NpsResult):
            msg = f"compare_nps needs two NpsResult values (from nps()); {name} is {type(value).__name__}"
            raise InvalidTypeError(msg)
    level = (
        a.estimate.confidence if confidence is None else check_confidence(confidence)
    )
    first = NpsSummary(a.promoters, a.passives, a.detractors)
    second = NpsSummary(b.promoters, b.passives, b.detractors)
    return first.compare(second, level)

"""CSAT, CES and first-contact resolution: shares with Wilson intervals, means with t.

CSAT is the share of customers rating at or above ``satisfied_at`` on a 1–``scale``
question ("top box"); CES (customer effort score) is the share agreeing that the company
made it easy, on a 1–7 agreement scale by default. Both also report the mean rating with
a Student-t interval, and both carry their scale and threshold, because "4.2" means
nothing without "out of 5". First-contact resolution is a share of yes/no outcomes.
This module must never treat a boolean as a rating or a number as a yes/no outcome.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, Literal

import attrs

from servicekit import _codec
from servicekit._boundary import quote
from servicekit.errors import InvalidArgumentError, InvalidTypeError
from servicekit.scoring._estimate import Estimate
from servicekit.scoring._summaries import MeanSummary, ShareSummary
from servicekit.scoring._validation import (
    MAX_COUNT,
    check_confidence,
    check_whole,
    count_bools,
    count_ints,
    is_bool,
    materialise,
    of_type,
    require,
)

__all__ = [
    "RatingResult",
    "ces",
    "check_scale",
    "csat",
    "first_contact_resolution",
    "proportion",
]

RatingKind = Literal["csat", "ces"]

# A result keeps one count per point of the scale; a "scale" of a billion points is
# a mistake (a column of amounts passed as ratings), not a survey question.
_MAX_SCALE: Final = 1000


def check_scale(
    scale: object, threshold: object, threshold_name: str
) -> tuple[int, int]:
    """Validate a 1–``scale`` rating scale and its top-box threshold."""
    for name, value in (("scale", scale), (threshold_name, threshold)):
        if is_bool(value) or not isinstance(value, int):
            msg = f"{name} must be a whole number; got {type(value).__name__} {quote(value)}"
            raise InvalidTypeError(msg)
    assert isinstance(scale, int)  # noqa: S101 - narrowed above, for mypy
    assert isinstance(threshold, int)  # noqa: S101
    if not 2 <= scale <= _MAX_SCALE:
        msg = (
            f"a rating scale runs 1…scale with 2 <= scale <= {_MAX_SCALE}; "
            f"got scale={quote(scale)}"
        )
        raise InvalidArgumentError(msg)
    if not 2 <= threshold <= scale:
        msg = f"{threshold_name} must lie in 2…{scale} so both boxes can be non-empty; got {quote(threshold)}"
        raise InvalidArgumentError(msg)
    return scale, threshold


def _counts_tuple(value: object) -> tuple[int, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        msg = f"counts must be a list of whole numbers; got {type(value).__name__} {quote(value)}"
        raise InvalidTypeError(msg)
    return tuple(check_whole("counts", c, maximum=MAX_COUNT) for c in value)


def _check_kind(_inst: object, _attribute: object, value: object) -> None:
    if value not in ("csat", "ces"):
        msg = f"kind must be 'csat' or 'ces'; got {quote(value)}"
        raise InvalidArgumentError(msg)


@_codec.value()
@attrs.frozen(kw_only=True)
class RatingResult(_codec.Serialisable):
    """A CSAT or CES result: the top-box share and the mean, on a stated scale.

    Args:
        kind: ``"csat"`` or ``"ces"``.
        scale: ratings run from 1 to ``scale``.
        threshold: ratings at or above it count as satisfied (CSAT) or easy (CES).
        top_box: the share at or above ``threshold``, in percent (Wilson interval).
        mean: the mean rating on 1…``scale`` (Student-t interval).
        counts: how many answers gave 1, 2, …, ``scale``.

    Raises:
        InvalidArgumentError: the parts disagree (counts vs n, threshold vs scale).

    Examples:
        >>> from servicekit.scoring import RatingResult, csat
        >>> r = csat([5, 5, 4, 3, 1])
        >>> r.top_box.value, r.mean.value, r.counts
        (60.0, 3.6, (1, 0, 1, 1, 2))
        >>> RatingResult.from_dict(r.to_dict()) == r
        True
    """

    kind: RatingKind = attrs.field(validator=_check_kind)
    scale: int
    threshold: int
    top_box: Estimate = attrs.field(validator=of_type(Estimate))
    mean: Estimate = attrs.field(validator=of_type(Estimate))
    counts: tuple[int, ...] = attrs.field(converter=_counts_tuple)

    def __attrs_post_init__(self) -> None:
        check_scale(self.scale, self.threshold, "threshold")
        n = sum(self.counts)
        if len(self.counts) != self.scale or n != self.top_box.n or n != self.mean.n:
            msg = (
                f"a {self.scale}-point result needs {self.scale} counts adding up to n; "
                f"got {quote(self.counts)} with n = {quote(self.top_box.n)}"
            )
            raise InvalidArgumentError(msg)

    @property
    def n(self) -> int:
        """The number of ratings."""
        return self.top_box.n


def _rating_result(  # noqa: PLR0917 - private helper shared by csat and ces
    kind: RatingKind,
    ratings: Iterable[int],
    scale: int,
    threshold: int,
    threshold_name: str,
    confidence: float,
) -> RatingResult:
    level = check_confidence(confidence)
    check_scale(scale, threshold, threshold_name)
    values = materialise(ratings, f"{kind.upper()} ratings")
    require(len(values), f"a {kind.upper()}")
    counts = count_ints(values, 1, scale, f"{kind.upper()} ratings")
    n = len(values)
    top = sum(c for k, c in counts.items() if k >= threshold)
    return RatingResult(
        kind=kind,
        scale=scale,
        threshold=threshold,
        top_box=ShareSummary(top, n).estimate(level),
        mean=MeanSummary.from_counts(counts, 1, scale).estimate(level),
        counts=tuple(counts.get(k, 0) for k in range(1, scale + 1)),
    )


def csat(
    ratings: Iterable[int],
    scale: int = 5,
    satisfied_at: int = 4,
    *,
    confidence: float = 0.95,
) -> RatingResult:
    """Return customer satisfaction: top-box share (Wilson) and mean rating (t).

    Args:
        ratings: whole-number ratings 1…``scale``.
        scale: the top of the rating scale (5 for the usual 1–5 question).
        satisfied_at: the lowest rating that counts as satisfied.
        confidence: the intervals' confidence level.

    Returns:
        A [`RatingResult`][] of kind ``"csat"``.

    Raises:
        InsufficientDataError: ``ratings`` is empty.
        InvalidArgumentError: a rating is out of 1…``scale``, a fraction or NaN; or
            the scale/threshold is impossible.
        InvalidTypeError: a rating is a boolean or not a number.

    Examples:
        >>> from servicekit.scoring import csat
        >>> r = csat([5] * 70 + [4] * 20 + [2] * 10)
        >>> r.top_box.value, round(r.top_box.low, 1), round(r.top_box.high, 1)
        (90.0, 82.6, 94.5)
        >>> round(r.mean.value, 2), r.mean.method
        (4.5, 't')
    """
    return _rating_result(
        "csat", ratings, scale, satisfied_at, "satisfied_at", confidence
    )


def ces(
    ratings: Iterable[int],
    scale: int = 7,
    easy_at: int = 5,
    *,
    confidence: float = 0.95,
) -> RatingResult:
    """Return customer effort: share agreeing it was easy (Wilson) and mean (t).

    The default is the CES 2.0 question ("the company made it easy for me to handle
    my issue") on a 1–7 agreement scale, where 5–7 agree.

    Args:
        ratings: whole-number ratings 1…``scale``.
        scale: the top of the agreement scale.
        easy_at: the lowest rating that counts as agreeing it was easy.
        confidence: the intervals' confidence level.

    Returns:
        A [`RatingResult`][] of kind ``"ces"``.

    Raises:
        InsufficientDataError: ``ratings`` is empty.
        InvalidArgumentError: a rating is out of range, a fraction or NaN.
        InvalidTypeError: a rating is a boolean or not a number.

    Examples:
        >>> from servicekit.scoring import ces
        >>> r = ces([7, 6, 5, 5, 2])
        >>> r.kind, r.top_box.value, r.mean.value, r.scale
        ('ces', 80.0, 5.0, 7)
    """
    return _rating_result("ces", ratings, scale, easy_at, "easy_at", confidence)


def proportion(successes: int, n: int, *, confidence: float = 0.95) -> Estimate:
    """Return a share in percent with its Wilson interval.

    Args:
        successes: how many of the ``n`` cases succeeded.
        n: the number of cases, 1 to ``2**53`` (the largest count a float holds
            exactly; no survey comes near it).
        confidence: the interval's confidence level.

    Raises:
        InsufficientDataError: ``n`` is 0.
        InvalidArgumentError: the counts are impossible or above ``2**53``.
        InvalidTypeError: a count is not a whole number.

    Examples:
        >>> from servicekit.scoring import proportion
        >>> e = proportion(81, 100)
        >>> e.value, round(e.low, 2), round(e.high, 2), e.method
        (81.0, 72.22, 87.49, 'wilson')
    """
    level = check_confidence(confidence)
    check_whole("successes", successes, maximum=MAX_COUNT)
    check_whole("n", n, maximum=MAX_COUNT)
    require(n, "a proportion")
    if successes > n:
        msg = f"need successes <= n; got successes={successes}, n={n}"
        raise InvalidArgumentError(msg)
    return ShareSummary(successes, n).estimate(level)


def first_contact_resolution(
    outcomes: Iterable[bool], *, confidence: float = 0.95
) -> Estimate:
    """Return the first-contact resolution rate in percent, with a Wilson interval.

    Args:
        outcomes: one boolean per contact: True when it was resolved at first contact.
        confidence: the interval's confidence level.

    Raises:
        InsufficientDataError: ``outcomes`` is empty.
        InvalidTypeError: an outcome is not a boolean (convert 1/0 columns first).

    Examples:
        >>> from servicekit.scoring import first_contact_resolution
        >>> e = first_contact_resolution([True] * 41 + [False] * 9)
        >>> e.value, round(e.low, 1), round(e.high, 1)
        (82.0, 69.2, 90.2)
    """
    level = check_confidence(confidence)
    values = materialise(outcomes, "first-contact outcomes")
    require(len(values), "first-contact resolution")
    resolved, n = count_bools(values, "first-contact outcomes")
    return ShareSummary(resolved, n).estimate(level)

"""Ranks and top/bottom marks that agree with the library's own pairwise tests.

A segment table compares every pair of rankable segments of a period with the test
its measure's ``compare`` uses (the same statistic and p-value, bit for bit), and
corrects for making ``m = R(R − 1)/2`` comparisons at once with Holm's step-down
procedure: sort the p-values, and the i-th smallest is significant when
``(m − j + 1)·p(j) < α`` for every ``j <= i`` (α = 1 − confidence). Write "A beats B"
when the pair is significant and the test says A is the better one.

A cut of the segments into an upper and a lower part is *supported* when every
segment above beats every segment below. Supported cuts are nested (two crossing
cuts would need A beats B and B beats A), so they split the segments into ordered
levels; a segment's rank is 1 + the number of segments in higher levels. Hence a
segment ranked strictly above another beats it, and a segment that beats another is
never ranked below it. The top is the largest supported upper part of at most
``top_k`` segments, the bottom the largest supported lower part of at most
``bottom_k`` segments that holds no top segment: either is empty when the data
support no such claim, and never holds every segment. Each segment's rank range
runs from 1 + the number of segments that beat it to R − the number it beats: when
every significant claim is true (a chance of at least ``confidence``), every
segment's true place lies in its range.

Finding the levels needs no search: for each segment count wins minus losses;
a set of ``k`` segments is a supported upper part exactly when its net wins add up
to ``k(R − k)``, and the supported upper parts are the ``k`` segments with the most
net wins. This module must never read anything but the summaries it is given.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate
from typing import TYPE_CHECKING, Final

from servicekit.scoring._distributions import normal_sf

if TYPE_CHECKING:
    from collections.abc import Hashable, Mapping, Sequence

    from servicekit.scoring._estimate import Estimate
    from servicekit.scoring._summaries import Summary

__all__ = ["Ranking", "holm_significant", "rank_segments"]

# A pair can only be significant if its statistic clears the normal critical value
# (a t statistic needs more): statistics below this fraction of it are skipped
# without computing a p-value. The slack covers rounding in the critical value.
_SLACK: Final = 1.0 - 1e-7
# A lower bound this far above a p-value ceiling is surely above it after rounding.
_ABOVE: Final = 1.0 + 1e-6

Key = str | int


def _normal_two_sided_p(z: float) -> float:
    """The two-sided normal p-value of ``z``: exact for z tests, a lower bound for t."""
    return 2.0 * normal_sf(abs(z))


class Ranking:
    """What [`rank_segments`][] decides for one period's rankable segments.

    ``rank`` and ``shrunk_rank`` are the levels' ranks; ``rank_range`` maps each
    segment to ``(1 + segments that beat it, R − segments it beats)``: the ranks the
    corrected tests leave possible for it.
    """

    __slots__ = ("bottom", "rank", "rank_range", "shrunk_rank", "top")

    def __init__(
        self,
        *,
        rank: dict[Key, int],
        shrunk_rank: dict[Key, int],
        rank_range: dict[Key, tuple[int, int]],
        top: frozenset[Key],
        bottom: frozenset[Key],
    ) -> None:
        self.rank = rank
        self.shrunk_rank = shrunk_rank
        self.rank_range = rank_range
        self.top = top
        self.bottom = bottom


def holm_significant(
    candidates: Sequence[tuple[float, int]],
    m: int,
    alpha: float,
    *,
    start: int = 0,
) -> int:
    """Return how many of ``candidates`` Holm's procedure rejects.

    Args:
        candidates: ``(p-value, multiplicity)`` pairs sorted by p-value; a
            multiplicity counts identical comparisons (segments with equal counts).
            Comparisons left out must have p-values of at least ``alpha``, or below
            ``alpha / m`` and counted in ``start``.
        m: the number of comparisons in the family.
        alpha: the family-wise error rate.
        start: how many comparisons with p-values below ``alpha / m`` were left
            out: Holm rejects them all, and they precede every candidate.

    Returns:
        The number of leading candidates that are significant.
    """
    position = 1 + start
    worst = 0.0
    for accepted, (p, multiplicity) in enumerate(candidates):
        # Within a block of equal p-values the first has the largest multiplier, so
        # it alone decides the block, exactly as when each pair is taken in turn.
        worst = max(worst, (m - position + 1) * p)
        if not worst < alpha:
            return accepted
        position += multiplicity
    return len(candidates)


def _levels(net: Sequence[int]) -> list[int]:
    """Return the sizes ``k`` (0 < k < R) of the supported upper parts.

    ``net`` holds the segments' net wins, best first.
    """
    total = len(net)
    cuts = []
    running = 0
    for k, wins in enumerate(net[:-1], start=1):
        running += wins
        if running == k * (total - k):
            cuts.append(k)
    return cuts


def _ranks(total: int, cuts: Sequence[int]) -> list[int]:
    """Return each position's rank: 1 + the size of the last cut at or before it."""
    ranks = []
    boundaries = set(cuts)
    current = 1
    for position in range(total):
        if position in boundaries:
            current = position + 1
        ranks.append(current)
    return ranks


def rank_segments(
    summaries: Mapping[Key, Summary],
    shrunk: Mapping[Key, Estimate],
    *,
    alpha: float,
    critical: float,
    top_k: int,
    bottom_k: int,
) -> Ranking:
    """Rank one period's rankable segments by Holm-corrected pairwise tests.

    Args:
        summaries: the rankable segments' summaries.
        shrunk: their empirical-Bayes estimates; ``shrunk_rank`` counts a win only
            when the shrunk intervals also separate in the same direction.
        alpha: the family-wise error rate, ``1 − confidence``.
        critical: the two-sided normal critical value at ``alpha``.
        top_k: the largest top list.
        bottom_k: the largest bottom list.
    """
    keys = sorted(summaries)
    total = len(keys)
    # Segments with equal counts test alike (a p-value of 1 between them): compare
    # each distinct summary once, weighting by how many segments share it.
    groups: dict[Hashable, list[Key]] = {}
    for k in keys:
        groups.setdefault(summaries[k].identity, []).append(k)
    members = list(groups.values())
    reps = [summaries[g[0]] for g in members]
    sizes = [len(g) for g in members]

    m = total * (total - 1) // 2
    significant = _significant_pairs(reps, sizes, m, alpha, critical)

    # Per segment of each group: how many segments it beats and how many beat it.
    wins = [0] * len(reps)
    losses = [0] * len(reps)
    shrunk_net = [0] * len(reps)
    for i, j, first_better in significant:
        win, lose = (i, j) if first_better else (j, i)
        wins[win] += sizes[lose]
        losses[lose] += sizes[win]
        if shrunk[members[win][0]].low > shrunk[members[lose][0]].high:
            shrunk_net[win] += sizes[lose]
            shrunk_net[lose] -= sizes[win]

    net = [w - lost for w, lost in zip(wins, losses, strict=True)]
    rank, top, bottom = _place(members, net, top_k, bottom_k)
    shrunk_rank, _, _ = _place(members, shrunk_net, 0, 0)
    rank_range = {
        k: (1 + losses[g], total - wins[g])
        for g, group in enumerate(members)
        for k in group
    }
    return Ranking(
        rank=rank,
        shrunk_rank=shrunk_rank,
        rank_range=rank_range,
        top=top,
        bottom=bottom,
    )


def _significant_pairs(
    reps: Sequence[Summary],
    sizes: Sequence[int],
    m: int,
    alpha: float,
    critical: float,
) -> list[tuple[int, int, bool]]:
    """Return ``(i, j, i is the better)`` for every pair Holm's procedure rejects.

    Exactly as if every pair's p-value were computed and Holm applied to all ``m``
    of them, but p-values are computed only where they can change a decision:

    * a statistic below the uncorrected critical value has ``p >= alpha``: never
      significant;
    * a p-value surely below ``alpha / m`` is always rejected (Holm's largest
      multiplier is ``m``), and such pairs come first: only their number matters;
    * a rejected pair at position ``j`` has ``p < alpha / (m - j + 1)``, so once
      the number of pairs that could be rejected is bounded, every pair whose
      p-value is surely above that bound (the normal p-value of its statistic is a
      lower bound, for t statistics too) is dropped; the bound is tightened until
      it settles.
    """
    if m == 0:
        return []
    floor = critical * _SLACK
    sure = alpha / m
    certain: list[tuple[int, int, bool]] = []
    certain_pairs = 0
    pending: list[tuple[float, int, int, float]] = []
    for i, rep in enumerate(reps):
        for offset, z in enumerate(rep.statistics(reps[i + 1 :])):
            if abs(z) > floor:
                j = i + 1 + offset
                if rep.side(reps[j], z, sure) < 0:
                    certain.append((i, j, z > 0.0))
                    certain_pairs += sizes[i] * sizes[j]
                else:
                    pending.append((_normal_two_sided_p(z), i, j, z))
    pending.sort()
    bounds = [lower for lower, _, _, _ in pending]
    cumulative = list(accumulate(sizes[i] * sizes[j] for _, i, j, _ in pending))
    kept = len(pending)
    ceiling = alpha
    while kept:
        most = certain_pairs + cumulative[kept - 1]
        ceiling = alpha / (m - most + 1)
        fewer = bisect_left(bounds, ceiling * _ABOVE, hi=kept)
        if fewer == kept:
            break
        kept = fewer
    found = []
    for _, i, j, z in pending[:kept]:
        # A t statistic's normal p-value can be far below its own: ask again,
        # with the t distribution, before computing it.
        if reps[i].side(reps[j], z, ceiling) > 0:
            continue
        statistic, p = reps[i].test(reps[j])
        if p < alpha:
            found.append((p, i, j, statistic > 0.0))
    found.sort()
    accepted = holm_significant(
        [(p, sizes[i] * sizes[j]) for p, i, j, _ in found],
        m,
        alpha,
        start=certain_pairs,
    )
    return certain + [(i, j, better) for _, i, j, better in found[:accepted]]


def _place(
    members: Sequence[Sequence[Key]], net: Sequence[int], top_k: int, bottom_k: int
) -> tuple[dict[Key, int], frozenset[Key], frozenset[Key]]:
    # Best net wins first; within equal net wins the order is irrelevant, because a
    # supported cut never separates two segments with equal net wins.
    order = sorted(range(len(members)), key=lambda g: (-net[g], g))
    segments = [k for g in order for k in members[g]]
    per_segment = [net[g] for g in order for _ in members[g]]
    cuts = _levels(per_segment)
    ranks = _ranks(len(segments), cuts)
    total = len(segments)
    top_size = max((k for k in cuts if k <= top_k), default=0)
    lower = [k for k in cuts if k >= max(top_size, 1) and total - k <= bottom_k]
    bottom_start = min(lower, default=total)
    return (
        dict(zip(segments, ranks, strict=True)),
        frozenset(segments[:top_size]),
        frozenset(segments[bottom_start:]),
    )

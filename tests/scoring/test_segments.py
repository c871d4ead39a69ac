import datetime as dt
import itertools
import json
import math
import pickle
import warnings
from collections import Counter

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from servicekit.errors import (
    DeserializationError,
    InsufficientDataError,
    InvalidArgumentError,
    InvalidTypeError,
    UnknownNameError,
)
from servicekit.scoring import (
    CsatMeasure,
    IndexMeasure,
    MeanMeasure,
    NpsMeasure,
    SatisfactionIndex,
    SegmentRow,
    SegmentTable,
    ShareMeasure,
    compare_nps,
    csat,
    first_contact_resolution,
    nps,
    segment_table,
)
from strategies import segment_surveys

CITIES = ["Baotou", "Hohhot", "Ordos", "Chifeng", "Wuhai"]
MONTHS = ["2024-04", "2024-05", "2024-06"]

survey_rows = st.lists(
    st.fixed_dictionaries(
        {
            "city": st.sampled_from(CITIES),
            "month": st.sampled_from(MONTHS),
            "nps": st.integers(0, 10),
            "rating": st.integers(1, 5),
            "resolved": st.booleans(),
        }
    ),
    min_size=1,
    max_size=250,
)


def by_key(table):
    return {(r.segment, r.period): r for r in table.rows}


class TestAgainstPandas:
    @given(survey_rows, st.integers(1, 40))
    @settings(max_examples=60)
    def test_point_estimates_and_n(self, rows, min_n):
        df = pd.DataFrame(rows)
        g = df.groupby(["city", "month"])
        expected = {
            "nps": g["nps"].apply(lambda s: 100 * ((s >= 9).mean() - (s <= 6).mean())),
            "csat": g["rating"].apply(lambda s: 100 * (s >= 4).mean()),
            "mean": g["rating"].mean(),
            "share": g["resolved"].mean() * 100,
        }
        sizes = g.size()
        for name, measure in [
            ("nps", NpsMeasure()),
            ("csat", CsatMeasure()),
            ("mean", MeanMeasure()),
            ("share", ShareMeasure()),
        ]:
            table = segment_table(
                rows, by="city", period="month", measure=measure, min_n=min_n
            )
            got = by_key(table)
            assert set(got) == set(sizes.index)
            for key, row in got.items():
                assert row.estimate.value == pytest.approx(
                    expected[name][key], abs=1e-9
                )
                assert row.n == sizes[key]
                assert row.rankable == (row.n >= min_n)

    @given(survey_rows)
    @settings(max_examples=40)
    def test_each_row_equals_the_direct_call(self, rows):
        table = segment_table(rows, by="city", period="month", measure=NpsMeasure())
        fcr = segment_table(rows, by="city", period="month", measure=ShareMeasure())
        for (city, month), row in by_key(table).items():
            subset = [r for r in rows if r["city"] == city and r["month"] == month]
            assert row.estimate == nps([r["nps"] for r in subset]).estimate
            assert by_key(fcr)[city, month].estimate == first_contact_resolution(
                [r["resolved"] for r in subset]
            )

    @given(survey_rows, st.randoms(use_true_random=False))
    @settings(max_examples=40)
    def test_input_order_changes_nothing(self, rows, rnd):
        rows = [
            {
                **r,
                "ratings": {"attitude": r["rating"], "resolution": r["nps"] % 5 + 1},
            }
            for r in rows
        ]
        shuffled = [
            {**r, "ratings": dict(reversed(list(r["ratings"].items())))} for r in rows
        ]
        rnd.shuffle(shuffled)
        for measure in (
            CsatMeasure(),
            MeanMeasure(),
            NpsMeasure(),
            ShareMeasure(),
            IndexMeasure(),
        ):
            a = segment_table(rows, by="city", period="month", measure=measure, min_n=3)
            b = segment_table(
                shuffled, by="city", period="month", measure=measure, min_n=3
            )
            assert a == b


def holm_beats(table, rows, field, period):
    """Which segment beats which, by brute force over the library's own comparisons.

    Every pair of the period's rankable segments is compared with the measure's
    ``compare`` (what a row's ``change`` and ``compare_nps`` use); Holm's step-down
    correction is applied one pair at a time, exactly as its textbook states it.
    """
    measure = table.measure
    alpha = 1.0 - table.confidence
    segments = sorted(r.segment for r in table.for_period(period) if r.rankable)
    summaries = {}
    for s in segments:
        values = [x[field] for x in rows if x["city"] == s and x["month"] == period]
        keys = Counter(measure.reduce(k) for k in measure.keys(values))
        summaries[s] = measure.summarise(keys)
    tests = []
    for i, a in enumerate(segments):
        for b in segments[i + 1 :]:
            c = summaries[a].compare(summaries[b], table.confidence)
            if isinstance(measure, NpsMeasure):
                direct = compare_nps(
                    nps(
                        [
                            x[field]
                            for x in rows
                            if x["city"] == a and x["month"] == period
                        ]
                    ),
                    nps(
                        [
                            x[field]
                            for x in rows
                            if x["city"] == b and x["month"] == period
                        ]
                    ),
                )
                assert (direct.z, direct.p_value) == (c.z, c.p_value)
            tests.append((c.p_value, a, b, c.z))
    tests.sort(key=lambda t: t[0])
    m = len(tests)
    beats = set()
    worst = 0.0
    for i, (p, a, b, z) in enumerate(tests, start=1):
        worst = max(worst, min(1.0, (m - i + 1) * p))
        if not worst < alpha:
            break
        beats.add((a, b) if z > 0 else (b, a))
    return segments, beats


def supported_cuts(segments, beats):
    """Every non-empty proper subset whose members all beat every segment outside it.

    Such a set holds, with any member, every segment that member does not beat
    (else that pair would cross the cut unbeaten), so it is the union of the
    members' closures under "does not beat"; and each closure is such a set. Small
    tables also check this against every subset.
    """
    cuts = set()
    for start in segments:
        closure, frontier = {start}, [start]
        while frontier:
            y = frontier.pop()
            for other in segments:
                if other not in closure and (y, other) not in beats:
                    closure.add(other)
                    frontier.append(other)
        if len(closure) < len(segments):
            cuts.add(frozenset(closure))
    if len(segments) <= 8:
        brute = {
            frozenset(upper)
            for size in range(1, len(segments))
            for upper in itertools.combinations(segments, size)
            if all((u, d) in beats for u in upper for d in segments if d not in upper)
        }
        assert cuts == brute
    return cuts


def check_ranks_agree(ranks, segments, beats):
    for a in segments:
        for b in segments:
            if ranks[a] < ranks[b]:
                assert (a, b) in beats, f"{a} ranked above {b} without beating it"
            if (a, b) in beats:
                assert ranks[a] <= ranks[b], f"{a} beats {b} but is ranked below it"
    # The finest such ranking: its level boundaries are all the supported cuts.
    levels = {frozenset(s for s in segments if ranks[s] < v) for v in ranks.values()}
    levels.discard(frozenset())
    assert levels == set(supported_cuts(segments, beats))


SEGMENT_MEASURES = [
    ("nps", NpsMeasure()),
    ("rating", CsatMeasure()),
    ("rating", MeanMeasure()),
    ("resolved", ShareMeasure()),
]


class TestRanksAgreeWithPairwiseTests:
    """Regression (issue 12): ranks and top/bottom marks contradicted compare_nps.

    ``compare_nps`` called a 19-point Beijing–Shanghai gap significant while the
    table ranked both first and marked both top; with fewer segments than ``top_k``
    every segment was top.
    """

    @given(
        st.sampled_from(SEGMENT_MEASURES).flatmap(
            lambda fm: st.tuples(st.just(fm), segment_surveys(fm[0]))
        ),
        st.one_of(st.integers(1, 10), st.integers(1, 40)),
        st.integers(0, 6),
        st.integers(0, 6),
        st.sampled_from([0.5, 0.9, 0.95, 0.99]),
    )
    @settings(max_examples=150)
    def test_ranks_and_marks_by_brute_force(
        self, case, min_n, top_k, bottom_k, confidence
    ):
        (field, measure), rows = case
        table = segment_table(
            rows,
            by="city",
            period="month",
            measure=measure,
            min_n=min_n,
            top_k=top_k,
            bottom_k=bottom_k,
            confidence=confidence,
        )
        for period in table.periods:
            period_rows = table.for_period(period)
            for r in period_rows:
                if not r.rankable:
                    ranks = (r.rank, r.shrunk_rank, r.best_rank, r.worst_rank)
                    assert (*ranks, r.value_rank) == (None,) * 5
                    assert not r.top
                    assert not r.bottom
            segments, beats = holm_beats(table, rows, field, period)
            by_segment = {r.segment: r for r in period_rows}
            ranked = [by_segment[s] for s in segments]
            check_ranks_agree({r.segment: r.rank for r in ranked}, segments, beats)
            shrunk_beats = {
                (a, b)
                for a, b in beats
                if by_segment[a].shrunk.low > by_segment[b].shrunk.high
            }
            check_ranks_agree(
                {r.segment: r.shrunk_rank for r in ranked}, segments, shrunk_beats
            )
            for r in ranked:
                # The rank range: the places the corrected tests leave possible.
                lost = sum((o, r.segment) in beats for o in segments)
                won = sum((r.segment, o) in beats for o in segments)
                assert (r.best_rank, r.worst_rank) == (1 + lost, len(segments) - won)
                # Every segment of a higher level beats this one.
                assert r.shrunk_rank <= r.rank <= r.best_rank <= r.worst_rank
                higher = [o for o in ranked if o.estimate.value > r.estimate.value]
                assert r.value_rank == 1 + len(higher)

            cuts = supported_cuts(segments, beats)
            top = max((c for c in cuts if len(c) <= top_k), key=len, default=set())
            lower = [
                frozenset(segments) - c
                for c in cuts
                if c >= top and len(segments) - len(c) <= bottom_k
            ]
            bottom = max(lower, key=len, default=set())
            assert {r.segment for r in ranked if r.top} == top
            assert {r.segment for r in ranked if r.bottom} == bottom
            assert not any(r.top and r.bottom for r in ranked)
            if ranked:
                assert not all(r.top for r in ranked)
                assert not all(r.bottom for r in ranked)
            # Every top segment beats every other; every bottom one loses to every other.
            for t in top:
                assert all((t, o) in beats for o in segments if o not in top)
            for w in bottom:
                assert all((o, w) in beats for o in segments if o not in bottom)

            listed = table.ranked(period)
            assert [r.rank for r in listed if r.rankable] == sorted(
                r.rank for r in ranked
            )
            assert [r.segment for r in table.top(period)] == [
                r.segment for r in listed if r.top
            ]
            assert [r.segment for r in table.bottom(period)] == [
                r.segment for r in reversed(listed) if r.bottom
            ]
            assert [r.segment for r in table.highest(period)] == [
                r.segment
                for r in sorted(ranked, key=lambda r: (-r.estimate.value, r.segment))
            ][:top_k]
            assert [r.segment for r in table.lowest(period, 2)] == [
                r.segment
                for r in sorted(ranked, key=lambda r: (r.estimate.value, r.segment))
            ][:2]

    @given(
        st.lists(
            st.tuples(*[st.integers(0, 30)] * 5).filter(lambda c: sum(c) >= 2),
            min_size=8,
            max_size=30,
        ),
        st.sampled_from([MeanMeasure(), CsatMeasure()]),
        st.sampled_from([0.8, 0.95]),
    )
    @settings(max_examples=40)
    def test_many_segments_by_brute_force(self, cells, measure, confidence):
        """Tables of up to 30 segments (435 pairs): Holm's bound on positions matters."""
        rows = [
            {"city": f"C{i:02d}", "month": "2025-03", "rating": rating}
            for i, counts in enumerate(cells)
            for rating, n in enumerate(counts, start=1)
            for _ in range(n)
        ]
        table = segment_table(
            rows,
            by="city",
            period="month",
            measure=measure,
            min_n=2,
            confidence=confidence,
            top_k=5,
            bottom_k=3,
        )
        segments, beats = holm_beats(table, rows, "rating", "2025-03")
        ranked = [r for r in table.rows if r.rankable]
        check_ranks_agree({r.segment: r.rank for r in ranked}, segments, beats)
        for r in ranked:
            lost = sum((o, r.segment) in beats for o in segments)
            won = sum((r.segment, o) in beats for o in segments)
            assert (r.best_rank, r.worst_rank) == (1 + lost, len(segments) - won)
        top = {r.segment for r in ranked if r.top}
        assert all((t, o) in beats for t in top for o in segments if o not in top)

    BEIJING = [10] * 33 + [8] * 57 + [3] * 10  # NPS 23
    SHANGHAI = [10] * 18 + [8] * 68 + [3] * 14  # NPS 4

    def _city_rows(self, extra=()):
        rows = [{"city": "Beijing", "nps": s} for s in self.BEIJING]
        rows += [{"city": "Shanghai", "nps": s} for s in self.SHANGHAI]
        for city, scores in extra:
            rows += [{"city": city, "nps": s} for s in scores]
        return rows

    def test_beijing_shanghai_gap_is_ranked(self):
        """Regression (issue 12): a significant 19-point gap was ranked as a tie.

        ``compare_nps`` gives p = 0.026; both cities were rank 1 and both "top".
        """
        c = compare_nps(nps(self.BEIJING), nps(self.SHANGHAI))
        assert c.difference.value == 19.0
        assert round(c.p_value, 3) == 0.026
        t = segment_table(self._city_rows(), by="city", measure=NpsMeasure())
        rows = {r.segment: r for r in t.rows}
        assert (rows["Beijing"].rank, rows["Shanghai"].rank) == (1, 2)
        assert [r.segment for r in t.top()] == ["Beijing"]
        assert [r.segment for r in t.bottom()] == ["Shanghai"]

    def test_holm_ties_the_gap_among_many_cities(self):
        """With 12 cities the same gap does not survive 66 comparisons: a documented tie."""
        middle = [10] * 25 + [8] * 63 + [3] * 12  # NPS 13
        extra = [(f"City {i:02d}", middle) for i in range(10)]
        t = segment_table(self._city_rows(extra), by="city", measure=NpsMeasure())
        assert {r.rank for r in t.rows} == {1}
        assert t.top() == ()
        assert t.bottom() == ()
        assert [r.segment for r in t.highest(count=1)] == ["Beijing"]

    def test_fewer_segments_than_top_k_are_not_all_top(self):
        """Regression (issue 12): with fewer segments than top_k, every one was top."""
        rows = [{"city": "Shanghai", "rating": 5}] * 40 + [
            {"city": "Lhasa", "rating": 4}
        ] * 5
        t = segment_table(rows, by="city", measure=CsatMeasure())
        assert t.top() == ()
        assert t.bottom() == ()
        close = self._city_rows()[:100] + [
            {"city": "Shanghai", "nps": s} for s in self.BEIJING
        ]
        t = segment_table(close, by="city", measure=NpsMeasure(), top_k=5)
        assert [r.rank for r in t.rows] == [1, 1]
        assert t.top() == ()

    def test_a_segment_is_never_both_top_and_bottom(self):
        # servicekit demo at a small volume printed "Top 5: Shanghai. Bottom 3:
        # Shanghai." when only one city was rankable.
        rows = [{"city": "Shanghai", "rating": 5}] * 40
        t = segment_table(rows, by="city", measure=CsatMeasure())
        assert t.top() == ()
        assert t.bottom() == ()

    def test_welch_with_few_degrees_of_freedom_is_not_read_as_normal(self):
        """t = 2.9 is 'significant' for a normal test, not with about one df."""
        rows = [{"agent": "a", "rating": r} for r in (4, 5)]
        rows += [{"agent": "b", "rating": r} for r in [2, 3, 4] * 33 + [3]]
        t = segment_table(rows, by="agent", measure=MeanMeasure(), min_n=2)
        a, b = t.rows
        c = (
            MeanMeasure()
            .summarise({4: 1, 5: 1})
            .compare(MeanMeasure().summarise({2: 33, 3: 34, 4: 33}), 0.95)
        )
        assert c.z > 2.5
        assert c.p_value > 0.05
        assert (a.rank, b.rank) == (1, 1)

    def test_identical_segments_are_compared_once(self):
        """3,000 agents with one answer each: equal counts are grouped, not 4.5 M pairs."""
        rows = [{"agent": f"a{i:04d}", "nps": (0, 10)[i % 2]} for i in range(3000)]
        t = segment_table(rows, by="agent", measure=NpsMeasure(), min_n=1)
        assert {r.rank for r in t.rows} == {1}
        assert t.top() == ()


class TestRanks:
    def test_overlapping_intervals_tie(self):
        rows = (
            [{"city": "A", "rating": 5}] * 45
            + [{"city": "A", "rating": 1}] * 5
            + [{"city": "B", "rating": 5}] * 43
            + [{"city": "B", "rating": 1}] * 7
            + [{"city": "C", "rating": 5}] * 10
            + [{"city": "C", "rating": 1}] * 40
        )
        t = segment_table(rows, by="city", measure=CsatMeasure())
        ranks = {r.segment: r.rank for r in t.rows}
        assert ranks == {"A": 1, "B": 1, "C": 3}

    def test_small_segment_is_not_ranked_and_is_shrunk(self):
        """A city with 3 perfect answers must not top a league of 200-answer cities."""
        rows = [{"city": "Tiny", "rating": 5}] * 3
        for city, top in [("A", 170), ("B", 150), ("C", 130)]:
            rows += [{"city": city, "rating": 5}] * top + [
                {"city": city, "rating": 2}
            ] * (200 - top)
        t = segment_table(rows, by="city", measure=CsatMeasure(), top_k=1, bottom_k=1)
        tiny = next(r for r in t.rows if r.segment == "Tiny")
        assert not tiny.rankable
        assert tiny.rank is None
        assert not tiny.top
        assert tiny.shrunk.value < tiny.estimate.value
        assert [r.segment for r in t.top()] == ["A"]
        assert [r.segment for r in t.bottom()] == ["C"]
        assert t.ranked()[-1].segment == "Tiny"


class TestShrinkage:
    @given(survey_rows)
    @settings(max_examples=40)
    def test_matches_dersimonian_laird_reference(self, rows):
        table = segment_table(
            rows, by="city", period="month", measure=CsatMeasure(), min_n=1
        )
        for period, overall in table.overall:
            subset = [r for r in table.rows if r.period == period]
            ys, vs = [], []
            for r in subset:
                ratings = [
                    x["rating"]
                    for x in rows
                    if x["city"] == r.segment and x["month"] == period
                ]
                k = sum(v >= 4 for v in ratings)
                p = (k + 2) / (len(ratings) + 4)
                ys.append(100 * k / len(ratings))
                vs.append(1e4 * p * (1 - p) / (len(ratings) + 4))
            y, v = np.array(ys), np.array(vs)
            w = 1 / v
            tau2 = 0.0
            if len(y) > 1:
                ybar = (w * y).sum() / w.sum()
                q = (w * (y - ybar) ** 2).sum()
                tau2 = max(0.0, (q - (len(y) - 1)) / (w.sum() - (w**2).sum() / w.sum()))
            factor = tau2 / (tau2 + v)
            expected = overall.value + factor * (y - overall.value)
            half = stats.norm.ppf(0.975) * np.sqrt(factor * v)
            got = np.array([r.shrunk.value for r in subset])
            np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9)
            np.testing.assert_allclose(
                [r.shrunk.low for r in subset],
                np.maximum(0.0, expected - half),
                rtol=1e-9,
                atol=1e-9,
            )
            np.testing.assert_allclose(
                [r.shrunk.high for r in subset],
                np.minimum(100.0, expected + half),
                rtol=1e-9,
                atol=1e-9,
            )
            for r in subset:
                assert r.shrunk.method == "empirical-bayes"
                assert r.shrunk.n == r.n

    def test_means_use_pooled_variance(self):
        rows = [{"city": "A", "rating": r} for r in (1, 5, 1, 5)] + [
            {"city": "B", "rating": 3}
        ]
        t = segment_table(rows, by="city", measure=MeanMeasure(), min_n=1)
        b = next(r for r in t.rows if r.segment == "B")
        # B has one answer and no spread of its own; it is still shrunk toward 2.6.
        assert b.estimate.value == 3.0
        assert 2.6 <= b.shrunk.value <= 3.0

    def test_identical_segments_are_not_moved(self):
        rows = [{"city": c, "rating": 4} for c in "AB" for _ in range(5)]
        t = segment_table(rows, by="city", measure=MeanMeasure(), min_n=1)
        assert [r.shrunk.value for r in t.rows] == [4.0, 4.0]

    def test_shrunk_rank_ties_unless_the_shrunk_intervals_separate(self):
        """Regression: shrunk_rank was a plain sort of point values.

        Two cities whose shrunk intervals overlap were ranked 1 and 2 anyway, claiming
        an order the data could not show.
        """
        rows = []
        for city, happy in [("A", 176), ("B", 170), ("C", 120), ("D", 60)]:
            rows += [{"city": city, "rating": 5}] * happy
            rows += [{"city": city, "rating": 2}] * (200 - happy)
        t = segment_table(rows, by="city", measure=CsatMeasure())
        by_city = {r.segment: r for r in t.rows}
        a, b, c, d = (by_city[x] for x in "ABCD")
        assert a.shrunk.value > b.shrunk.value
        assert not a.shrunk.separates_from(b.shrunk)
        assert (a.shrunk_rank, b.shrunk_rank, c.shrunk_rank, d.shrunk_rank) == (
            1,
            1,
            3,
            4,
        )

    def test_no_between_segment_variance_means_everyone_ties(self):
        """When tau² is 0 the segments are not shown to differ: all share rank 1."""
        rows = []
        for city, happy in [("A", 41), ("B", 40), ("C", 39)]:
            rows += [{"city": city, "rating": 5}] * happy
            rows += [{"city": city, "rating": 2}] * (50 - happy)
        t = segment_table(rows, by="city", measure=CsatMeasure())
        assert {r.shrunk.value for r in t.rows} == {t.overall[0][1].value}
        assert [r.shrunk_rank for r in t.rows] == [1, 1, 1]
        assert [r.rank for r in t.rows] == [1, 1, 1]


class TestChange:
    def test_change_equals_direct_comparison(self):
        may = [5] * 90 + [2] * 10
        june = [5] * 70 + [2] * 30
        rows = [{"city": "H", "month": "2024-05", "rating": r} for r in may]
        rows += [{"city": "H", "month": "2024-06", "rating": r} for r in june]
        rows += [{"city": "New", "month": "2024-06", "rating": 5}]
        t = segment_table(rows, by="city", period="month", measure=CsatMeasure())
        h = by_key(t)["H", "2024-06"]
        assert h.change.difference.value == -20.0
        assert h.change_significant is True
        assert by_key(t)["H", "2024-05"].change is None
        assert by_key(t)["H", "2024-05"].change_significant is None
        assert by_key(t)["New", "2024-06"].change is None
        assert csat(june).top_box == h.estimate

    @staticmethod
    def _change(before, after, measure):
        rows = [{"c": "x", "m": 1, "rating": r} for r in before]
        rows += [{"c": "x", "m": 2, "rating": r} for r in after]
        table = segment_table(rows, by="c", period="m", measure=measure, min_n=1)
        return by_key(table)["x", 2].change

    @given(
        st.lists(st.integers(1, 5), min_size=1, max_size=80),
        st.lists(st.integers(1, 5), min_size=1, max_size=80),
    )
    def test_share_change_matches_newcombe_and_pooled_z(self, before, after):
        """Independent oracle: scipy's Wilson ends, Newcombe's hybrid by hand."""
        change = self._change(before, after, CsatMeasure())
        k1, n1 = sum(r >= 4 for r in after), len(after)
        k2, n2 = sum(r >= 4 for r in before), len(before)
        c1 = stats.binomtest(k1, n1).proportion_ci(method="wilson")
        c2 = stats.binomtest(k2, n2).proportion_ci(method="wilson")
        p1, p2 = k1 / n1, k2 / n2
        d = p1 - p2
        low = d - math.sqrt((p1 - c1.low) ** 2 + (c2.high - p2) ** 2)
        high = d + math.sqrt((c1.high - p1) ** 2 + (p2 - c2.low) ** 2)
        pooled = (k1 + k2) / (n1 + n2)
        se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = 0.0 if se == 0 else d / se
        assert change.difference.value == pytest.approx(100 * d, abs=1e-9)
        assert change.difference.low == pytest.approx(100 * low, abs=1e-7)
        assert change.difference.high == pytest.approx(100 * high, abs=1e-7)
        assert change.difference.method == "newcombe"
        assert change.z == pytest.approx(z, abs=1e-9)
        assert change.p_value == pytest.approx(2 * stats.norm.sf(abs(z)), abs=1e-9)

    @given(
        st.lists(st.integers(1, 5), min_size=2, max_size=80),
        st.lists(st.integers(1, 5), min_size=2, max_size=80),
    )
    def test_mean_change_matches_scipy_welch(self, before, after):
        change = self._change(before, after, MeanMeasure())
        if np.var(before) == 0 and np.var(after) == 0:
            assert change.difference.low == change.difference.high
            return
        with warnings.catch_warnings():
            # scipy warns about "precision loss" whenever one side is constant,
            # which is harmless for Welch's test.
            warnings.simplefilter("ignore", RuntimeWarning)
            res = stats.ttest_ind(after, before, equal_var=False)
            ci = res.confidence_interval(0.95)
        d = np.mean(after) - np.mean(before)
        assert change.difference.value == pytest.approx(d, abs=1e-12)
        assert change.z == pytest.approx(res.statistic, rel=1e-9)
        assert change.p_value == pytest.approx(res.pvalue, rel=1e-7, abs=1e-12)
        assert change.difference.low == pytest.approx(max(-4.0, ci.low), abs=1e-9)
        assert change.difference.high == pytest.approx(min(4.0, ci.high), abs=1e-9)

    def test_welch_change_for_means_and_index(self):
        rows = [{"agent": "a", "month": 1, "rating": r} for r in (4, 5, 4, 5)]
        rows += [{"agent": "a", "month": 2, "rating": r} for r in (2, 3, 2, 3)]
        t = segment_table(
            rows, by="agent", period="month", measure=MeanMeasure(), min_n=1
        )
        change = by_key(t)["a", 2].change
        assert change.difference.value == -2.0
        assert change.difference.method == "welch"
        assert change.p_value < 0.01

    def test_nps_change(self):
        rows = [{"c": "x", "m": "1", "nps": s} for s in [10] * 80 + [0] * 20]
        rows += [{"c": "x", "m": "2", "nps": s} for s in [10] * 40 + [0] * 60]
        t = segment_table(rows, by="c", period="m", measure=NpsMeasure())
        assert by_key(t)["x", "2"].change.difference.value == -80.0

    def test_previous_period_is_the_previous_one_present(self):
        rows = [
            {"c": "x", "m": m, "rating": 5}
            for m in ("2024-01", "2024-03")
            for _ in range(3)
        ]
        t = segment_table(rows, by="c", period="m", measure=MeanMeasure(), min_n=1)
        assert t.periods == ("2024-01", "2024-03")
        assert by_key(t)["x", "2024-03"].change is not None

    def test_dates_become_iso_periods(self):
        rows = [{"c": "x", "day": dt.date(2024, 5, d), "rating": 5} for d in (1, 2)]
        t = segment_table(rows, by="c", period="day", measure=MeanMeasure(), min_n=1)
        assert t.periods == ("2024-05-01", "2024-05-02")


class TestIndexMeasure:
    def test_index_by_city(self):
        rows = [
            {
                "city": "A",
                "ratings": {
                    "response_speed": 5,
                    "resolution": 5,
                    "attitude": 5,
                    "follow_up": 5,
                },
            },
            {
                "city": "A",
                "ratings": {
                    "response_speed": 1,
                    "resolution": 1,
                    "attitude": 1,
                    "follow_up": 1,
                },
            },
            {"city": "B", "ratings": {"attitude": 5}},
        ]
        t = segment_table(rows, by="city", measure=IndexMeasure(), min_n=1)
        assert [(r.segment, r.estimate.value) for r in t.rows] == [
            ("A", 50.0),
            ("B", 100.0),
        ]
        skip = segment_table(
            rows,
            by="city",
            measure=IndexMeasure(index=SatisfactionIndex(missing="skip")),
            min_n=1,
        )
        assert [r.segment for r in skip.rows] == ["A"]

    def test_period_with_nothing_scorable_is_left_out(self):
        rows = [
            {"city": "A", "m": 1, "ratings": {"attitude": 5}},
            {
                "city": "A",
                "m": 2,
                "ratings": {
                    "response_speed": 5,
                    "resolution": 5,
                    "attitude": 5,
                    "follow_up": 5,
                },
            },
        ]
        t = segment_table(
            rows,
            by="city",
            period="m",
            measure=IndexMeasure(index=SatisfactionIndex(missing="skip")),
            min_n=1,
        )
        assert t.periods == (2,)
        assert t.rows[0].change is None


class TestTableValue:
    @given(survey_rows)
    @settings(max_examples=30)
    def test_round_trip(self, rows):
        t = segment_table(
            rows, by="city", period="month", measure=NpsMeasure(), min_n=5
        )
        assert SegmentTable.from_dict(json.loads(json.dumps(t.to_dict()))) == t
        for r in t.rows:
            assert SegmentRow.from_dict(json.loads(json.dumps(r.to_dict()))) == r

    def test_no_period(self):
        t = segment_table([{"c": "x", "nps": 10}], by="c", measure=NpsMeasure())
        assert t.periods == (None,)
        assert t.rows[0].period is None
        assert t.for_period() == t.rows

    def test_unknown_period(self):
        t = segment_table(
            [{"c": "x", "m": "1", "nps": 10}], by="c", period="m", measure=NpsMeasure()
        )
        with pytest.raises(UnknownNameError, match="no period"):
            t.for_period("2")

    def test_row_validation(self):
        e = nps([10]).estimate
        with pytest.raises(InvalidTypeError, match="rankable"):
            SegmentRow(
                segment="a",
                period=None,
                estimate=e,
                rankable="yes",
                rank=None,
                shrunk=e,
                shrunk_rank=None,
                best_rank=None,
                worst_rank=None,
                value_rank=None,
            )
        with pytest.raises(InvalidTypeError, match="shrunk"):
            SegmentRow(
                segment="a",
                period=None,
                estimate=e,
                rankable=False,
                rank=None,
                shrunk=1.0,
                shrunk_rank=None,
                best_rank=None,
                worst_rank=None,
                value_rank=None,
            )
        table = segment_table([{"c": "x", "nps": 10}], by="c", measure=NpsMeasure())
        for changes, error in [
            ({"by": None}, InvalidArgumentError),
            ({"confidence": 2}, InvalidArgumentError),
            ({"min_n": 0}, InvalidArgumentError),
            ({"top_k": "5"}, InvalidTypeError),
            ({"overall": [("x", 1.0)]}, InvalidTypeError),
        ]:
            with pytest.raises(error):
                attrs.evolve(table, **changes)
        with pytest.raises(InvalidTypeError, match="segment"):
            SegmentRow(
                segment=None,
                period=None,
                estimate=e,
                rankable=True,
                rank=1,
                shrunk=e,
                shrunk_rank=1,
                best_rank=1,
                worst_rank=1,
                value_rank=1,
            )
        with pytest.raises(InvalidArgumentError, match="rank"):
            SegmentRow(
                segment="a",
                period=None,
                estimate=e,
                rankable=True,
                rank=0,
                shrunk=e,
                shrunk_rank=1,
                best_rank=1,
                worst_rank=1,
                value_rank=1,
            )
        with pytest.raises(InvalidTypeError, match="SegmentRow"):
            SegmentTable(
                by="c",
                period=None,
                measure=NpsMeasure(),
                confidence=0.95,
                min_n=1,
                top_k=1,
                bottom_k=1,
                rows=[1],
                overall=[],
            )
        with pytest.raises(InvalidTypeError, match="measure"):
            SegmentTable(
                by="c",
                period=None,
                measure="nps",
                confidence=0.95,
                min_n=1,
                top_k=1,
                bottom_k=1,
                rows=[],
                overall=[],
            )

    def test_row_fields_must_agree(self):
        """Regression (issue 12): a stored row could claim ranks it cannot have."""
        e = nps([10]).estimate
        base = {
            "segment": "a",
            "period": None,
            "estimate": e,
            "rankable": True,
            "rank": 1,
            "shrunk": e,
            "shrunk_rank": 1,
            "best_rank": 1,
            "worst_rank": 2,
            "value_rank": 1,
        }
        SegmentRow(**base)
        for changes, match in [
            ({"value_rank": None}, "needs rank"),
            ({"best_rank": 3}, "best_rank 3 lies below worst_rank 2"),
            ({"rankable": False}, "no ranks"),
            (
                {
                    "rankable": False,
                    "rank": None,
                    "shrunk_rank": None,
                    "best_rank": None,
                    "worst_rank": None,
                    "value_rank": None,
                    "top": True,
                },
                "never top",
            ),
            ({"top": True, "bottom": True}, "both top and bottom"),
        ]:
            with pytest.raises(InvalidArgumentError, match=match):
                SegmentRow(**{**base, **changes})

    def test_table_rows_must_agree_with_the_table(self):
        """Regression (issue 12): stored tables are validated on load."""
        rows = [{"c": c, "m": 1, "nps": s} for c, s in [("x", 10), ("y", 0)] * 40]
        table = segment_table(rows, by="c", period="m", measure=NpsMeasure())
        assert [r.segment for r in table.top()] == ["x"]
        data = table.to_dict()
        for change, match in [
            (lambda d: d.update(top_k=0), "flagged top"),
            (lambda d: d.update(min_n=41), "not rankable"),
            (lambda d: d["overall"].append(d["overall"][0]), "twice"),
            (lambda d: d["rows"][0].update(period=2), "no overall estimate"),
        ]:
            broken = json.loads(json.dumps(data))
            change(broken)
            with pytest.raises(DeserializationError, match=match):
                SegmentTable.from_dict(broken)


class TestBadInput:
    def test_empty(self):
        with pytest.raises(InsufficientDataError):
            segment_table([], by="city", measure=NpsMeasure())

    def test_missing_field_names_the_row(self):
        with pytest.raises(
            InvalidArgumentError, match=r"response #1 has no field 'city'"
        ):
            segment_table(
                [{"city": "a", "nps": 1}, {"nps": 2}], by="city", measure=NpsMeasure()
            )

    def test_non_mapping_row(self):
        with pytest.raises(InvalidTypeError, match="response #0"):
            segment_table([[1, 2]], by="city", measure=NpsMeasure())

    @pytest.mark.parametrize(
        ("value", "match"),
        [
            (1.5, "strings, ints or dates"),
            (True, "strings, ints or dates"),
            (dt.datetime(2024, 1, 1, tzinfo=dt.UTC), "datetimes"),
        ],
    )
    def test_bad_segment_values(self, value, match):
        with pytest.raises(InvalidTypeError, match=match):
            segment_table([{"c": value, "nps": 1}], by="c", measure=NpsMeasure())

    def test_mixed_segment_types(self):
        with pytest.raises(InvalidTypeError, match="mixes"):
            segment_table(
                [{"c": "a", "nps": 1}, {"c": 2, "nps": 1}], by="c", measure=NpsMeasure()
            )

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"min_n": 0}, "min_n"),
            ({"top_k": -1}, "top_k"),
            ({"bottom_k": -2}, "bottom_k"),
            ({"by": "nps"}, "different fields"),
            ({"by": ""}, "non-empty"),
            ({"period": "c"}, "different fields"),
            ({"confidence": 2}, "between"),
        ],
    )
    def test_bad_arguments(self, kwargs, match):
        args = {"by": "c", "measure": NpsMeasure(), **kwargs}
        with pytest.raises(InvalidArgumentError, match=match):
            segment_table([{"c": "a", "nps": 1}], **args)

    @pytest.mark.parametrize("kwargs", [{"bottom_k": 1.5}, {"min_n": True}])
    def test_counts_must_be_whole_numbers(self, kwargs):
        with pytest.raises(InvalidTypeError, match="whole number"):
            segment_table(
                [{"c": "a", "nps": 1}], by="c", measure=NpsMeasure(), **kwargs
            )

    def test_bad_measure(self):
        with pytest.raises(InvalidTypeError, match="measure"):
            segment_table([{"c": "a", "nps": 1}], by="c", measure="nps")

    def test_bad_answer_values(self):
        with pytest.raises(InvalidTypeError, match="booleans"):
            segment_table([{"c": "a", "nps": True}], by="c", measure=NpsMeasure())
        with pytest.raises(InvalidArgumentError, match="NaN"):
            segment_table(
                [{"c": "a", "rating": math.nan}], by="c", measure=MeanMeasure()
            )


def test_many_small_segments_use_the_sparse_count():
    """One segment per customer: the dense group×answer grid would be too big."""
    rows = [{"customer": f"c{i:05d}", "nps": i % 11} for i in range(3000)]
    t = segment_table(rows, by="customer", measure=NpsMeasure(), min_n=1)
    assert len(t.rows) == 3000
    for row in t.rows[:50]:
        i = int(row.segment[1:])
        assert row.estimate == nps([i % 11]).estimate


def test_tables_pickle_and_hash():
    rows = [
        {"city": c, "month": m, "rating": r}
        for c in "AB"
        for m in (1, 2)
        for r in (1, 5, 4)
    ]
    t = segment_table(rows, by="city", period="month", measure=MeanMeasure(), min_n=1)
    again = pickle.loads(pickle.dumps(t))
    assert again == t
    assert hash(again) == hash(t)


def test_constant_segments_that_differ():
    """Two periods of identical answers: the change is exact and serialises to JSON."""
    rows = [{"c": "x", "m": 1, "rating": 5}] * 3 + [{"c": "x", "m": 2, "rating": 4}] * 3
    t = segment_table(rows, by="c", period="m", measure=MeanMeasure(), min_n=1)
    change = by_key(t)["x", 2].change
    assert change.difference.value == -1.0
    assert change.z == -math.inf
    assert change.p_value == 0.0
    assert (
        SegmentTable.from_dict(json.loads(json.dumps(t.to_dict(), allow_nan=False)))
        == t
    )

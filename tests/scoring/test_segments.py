import datetime as dt
import json
import math
import pickle
import warnings

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from servicekit.errors import (
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
    csat,
    first_contact_resolution,
    nps,
    segment_table,
)

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


class TestRanks:
    @given(survey_rows, st.integers(1, 30), st.integers(0, 5), st.integers(0, 5))
    @settings(max_examples=60)
    def test_rank_rules_by_brute_force(self, rows, min_n, top_k, bottom_k):
        table = segment_table(
            rows,
            by="city",
            period="month",
            measure=CsatMeasure(),
            min_n=min_n,
            top_k=top_k,
            bottom_k=bottom_k,
        )
        for period in table.periods:
            period_rows = table.for_period(period)
            ranked = [r for r in period_rows if r.rankable]
            for r in period_rows:
                if not r.rankable:
                    assert r.rank is None
                    assert r.shrunk_rank is None
                    assert not r.top
                    assert not r.bottom
                    continue
                above = [o for o in ranked if o.estimate.low > r.estimate.high]
                assert r.rank == 1 + len(above)
                shrunk_above = [o for o in ranked if o.shrunk.low > r.shrunk.high]
                assert r.shrunk_rank == 1 + len(shrunk_above)
            best = sorted(ranked, key=lambda r: (-r.shrunk.value, r.segment))[:top_k]
            # A segment is never both: the bottom is chosen among the rest.
            rest = [r for r in ranked if r not in best]
            worst = sorted(rest, key=lambda r: (r.shrunk.value, r.segment))[:bottom_k]
            assert not any(r.top and r.bottom for r in period_rows)
            assert {r.segment for r in period_rows if r.top} == {
                r.segment for r in best
            }
            assert {r.segment for r in period_rows if r.bottom} == {
                r.segment for r in worst
            }
            assert [r.segment for r in table.top(period)] == [r.segment for r in best]
            assert [r.segment for r in table.bottom(period)] == [
                r.segment for r in worst
            ]

    def test_a_segment_is_never_both_top_and_bottom(self):
        # servicekit demo at a small volume printed "Top 5: Shanghai. Bottom 3:
        # Shanghai." when only one city was rankable.
        rows = [{"city": "Shanghai", "rating": 5}] * 40 + [
            {"city": "Lhasa", "rating": 4}
        ] * 5
        t = segment_table(rows, by="city", measure=CsatMeasure())
        assert [r.segment for r in t.top()] == ["Shanghai"]
        assert t.bottom() == ()

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

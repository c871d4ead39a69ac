"""Mergeable summaries: any partitioning, merged, gives the all-rows answer bit for bit.

The reference is the all-rows computation itself (``segment_table`` and the public
statistics on every row at once): merged summaries must reproduce its floats exactly,
so every comparison here is ``==``, never approximate.
"""

import datetime as dt
import operator
import pickle
from collections import Counter
from functools import reduce

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit.errors import (
    DeserializationError,
    IncompatibleSummariesError,
    InsufficientDataError,
    InvalidArgumentError,
    InvalidTypeError,
    UnknownNameError,
)
from servicekit.scoring import (
    CsatMeasure,
    DurationMeasure,
    IndexMeasure,
    MeanMeasure,
    MeasureSummary,
    NpsMeasure,
    SatisfactionIndex,
    ShareMeasure,
    csat,
    first_contact_resolution,
    merge_summaries,
    nps,
    segment_table,
    segment_table_from_summaries,
    summarise,
    summarise_segments,
)
from strategies import (
    answers_for,
    confidences,
    measure_summaries,
    summary_measures,
)

CITIES = ("Beijing", "Hohhot", "Baotou", "Ordos")
MONTHS = ("2025-02", "2025-03", "2025-04")


@st.composite
def partitioned_surveys(draw, max_rows=120):
    """(measure, rows, parts, confidence): rows with a city, a month and an answer."""
    measure = draw(summary_measures)
    answer = answers_for(measure)
    # A few distinct answers per city and month, repeated: ties and equal cells.
    rows = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "city": st.sampled_from(CITIES),
                    "month": st.sampled_from(MONTHS),
                    measure.field: answer,
                }
            ),
            min_size=1,
            max_size=max_rows,
        )
    )
    parts = draw(st.integers(1, 5))
    # Each row goes to a random partition (some may stay empty).
    owner = draw(
        st.lists(st.integers(0, parts - 1), min_size=len(rows), max_size=len(rows))
    )
    partitions = [
        [r for r, o in zip(rows, owner, strict=True) if o == p] for p in range(parts)
    ]
    return measure, rows, partitions, draw(confidences)


@settings(max_examples=60, deadline=None)
@given(partitioned_surveys(), st.integers(1, 40), st.integers(0, 3))
def test_merged_segment_summaries_give_the_all_rows_table_exactly(case, min_n, top_k):
    """Estimates, intervals, ranks, shrunk values and changes: all ``==``."""
    measure, rows, partitions, level = case
    kwargs = {"by": "city", "period": "month"}
    parts = [
        summarise_segments(p, measure=measure, confidence=level, **kwargs)
        for p in partitions
        if p
    ]
    merged = merge_summaries(*parts)
    assert merge_summaries(*reversed(parts)) == merged  # any order of partitions
    expected = segment_table(
        rows, measure=measure, confidence=level, min_n=min_n, top_k=top_k, **kwargs
    )
    table = segment_table_from_summaries(merged, min_n=min_n, top_k=top_k, **kwargs)
    assert table == expected
    assert table.to_dict() == expected.to_dict()


@settings(max_examples=60, deadline=None)
@given(partitioned_surveys())
def test_merged_summary_gives_the_all_rows_estimate_exactly(case):
    measure, rows, partitions, level = case
    whole = summarise(rows, measure=measure, confidence=level)
    merged = sum(summarise(p, measure=measure, confidence=level) for p in partitions)
    assert merged == whole
    assert merged.n == len(rows)
    if whole.summary() is None:
        with pytest.raises(InsufficientDataError, match="no response it can score"):
            merged.estimate()
        return
    # The same estimate as the table's overall value for one period of every row.
    table = segment_table(
        [{**r, "month": "all"} for r in rows],
        by="city",
        period="month",
        measure=measure,
        confidence=level,
    )
    assert merged.estimate() == table.overall[0][1]


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_summaries_equal_the_public_statistics(data):
    """NPS, CSAT and FCR from merged summaries are the functions' own estimates."""
    level = data.draw(confidences)
    scores = data.draw(st.lists(st.integers(0, 10), min_size=1, max_size=80))
    ratings = data.draw(st.lists(st.integers(1, 5), min_size=1, max_size=80))
    outcomes = data.draw(st.lists(st.booleans(), min_size=1, max_size=80))
    cut = data.draw(st.integers(0, 80))

    def merged(values, measure):
        rows = [{measure.field: v} for v in values]
        return (
            summarise(rows[:cut], measure=measure, confidence=level)
            + summarise(rows[cut:], measure=measure, confidence=level)
        ).estimate()

    assert merged(scores, NpsMeasure()) == nps(scores, confidence=level).estimate
    assert merged(ratings, CsatMeasure()) == csat(ratings, confidence=level).top_box
    fcr = first_contact_resolution(outcomes, confidence=level)
    assert merged(outcomes, ShareMeasure()) == fcr


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_adding_is_associative_and_commutative_with_zero(data):
    first = data.draw(measure_summaries())
    same = {"measure": first.measure, "confidence": first.confidence}
    answers = st.lists(answers_for(first.measure), max_size=20)

    def another():
        rows = [{first.measure.field: a} for a in data.draw(answers)]
        return summarise(rows, **same)

    a, b, c = first, another(), another()
    assert (a + b) + c == a + (b + c)
    assert a + b == b + a
    assert 0 + a == a
    assert sum([a, b, c]) == reduce(operator.add, [c, b, a])
    assert (a + b).counts == tuple(
        sorted(
            (Counter(dict(a.counts)) + Counter(dict(b.counts))).items(),
            key=lambda kv: (kv[0] is None, kv[0]),
        )
    )


@settings(max_examples=40, deadline=None)
@given(measure_summaries())
def test_summaries_round_trip_and_pickle(summary):
    assert MeasureSummary.from_dict(summary.to_dict()) == summary
    assert pickle.loads(pickle.dumps(summary)) == summary


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (NpsMeasure(field="score"), CsatMeasure(field="score")),
        (MeanMeasure(scale=5), MeanMeasure(scale=10)),
        (CsatMeasure(satisfied_at=4), CsatMeasure(satisfied_at=5)),
        (ShareMeasure(field="fcr"), ShareMeasure(field="resolved")),
        (
            DurationMeasure(statistic="mean"),
            DurationMeasure(statistic="mean", resolution=dt.timedelta(seconds=1)),
        ),
        (
            IndexMeasure(),
            IndexMeasure(index=SatisfactionIndex(missing="skip")),
        ),
    ],
    ids=["measure", "scale", "threshold", "field", "resolution", "index-policy"],
)
def test_merging_different_measures_names_both(a, b):
    left = MeasureSummary(measure=a, counts={})
    right = MeasureSummary(measure=b, counts={})
    with pytest.raises(IncompatibleSummariesError) as caught:
        left + right
    assert repr(a) in str(caught.value)
    assert repr(b) in str(caught.value)


def test_merging_different_confidence_levels_names_both():
    a = MeasureSummary(measure=NpsMeasure(), counts={9: 1}, confidence=0.95)
    b = MeasureSummary(measure=NpsMeasure(), counts={9: 1}, confidence=0.9)
    with pytest.raises(IncompatibleSummariesError, match=r"95 %.*90 %"):
        a + b
    with pytest.raises(IncompatibleSummariesError):
        segment_table_from_summaries({"A": a, "B": b}, by="city")


def test_adding_something_else_is_a_type_error():
    a = MeasureSummary(measure=NpsMeasure(), counts={9: 1})
    with pytest.raises(TypeError):
        a + 1
    with pytest.raises(TypeError):
        1 + a
    with pytest.raises(TypeError):
        True + a


@pytest.mark.parametrize(
    ("measure", "counts", "error"),
    [
        (NpsMeasure(), {11: 1}, InvalidArgumentError),
        (NpsMeasure(), {9: 0}, InvalidArgumentError),
        (NpsMeasure(), {9: 1.5}, InvalidTypeError),
        (NpsMeasure(), [(9, 1), (9, 2)], InvalidArgumentError),
        (NpsMeasure(), [(9, 1, 1)], InvalidArgumentError),
        (NpsMeasure(), 9, InvalidTypeError),
        (NpsMeasure(), "9", InvalidTypeError),
        (NpsMeasure(), [([9], 1)], InvalidTypeError),
        (ShareMeasure(), {1: 1}, InvalidTypeError),
        (IndexMeasure(), {101.0: 1}, InvalidArgumentError),
        (IndexMeasure(), {True: 1}, InvalidArgumentError),
        (IndexMeasure(), {"x": 1, 1.0: 1}, InvalidArgumentError),
        (DurationMeasure(), {-1: 1}, InvalidArgumentError),
        (DurationMeasure(), {1.5: 1}, InvalidTypeError),
    ],
)
def test_counts_a_measure_cannot_produce_are_refused(measure, counts, error):
    with pytest.raises(error):
        MeasureSummary(measure=measure, counts=counts)


def test_a_summary_needs_a_measure():
    with pytest.raises(InvalidTypeError, match="measure"):
        MeasureSummary(measure="nps", counts={})


def test_counts_from_json_name_the_problem():
    with pytest.raises(DeserializationError, match="0–10"):
        MeasureSummary.from_dict(
            {"measure": {"type": "nps", "field": "s"}, "counts": [[11, 1]]}
        )


def test_an_empty_partition_adds_nothing():
    m = CsatMeasure()
    empty = summarise([], measure=m)
    full = summarise([{"rating": 5}], measure=m)
    assert empty + full == full
    assert empty.n == 0
    with pytest.raises(InsufficientDataError):
        empty.estimate()


class TestSegmentTableFromSummaries:
    def test_without_periods_keys_are_segments(self):
        rows = [{"city": c, "rating": r} for c in CITIES for r in (1, 3, 4, 5, 5)]
        parts = summarise_segments(rows, by="city", measure=MeanMeasure())
        assert set(parts) == set(CITIES)
        table = segment_table_from_summaries(parts, by="city", min_n=1)
        assert table == segment_table(rows, by="city", measure=MeanMeasure(), min_n=1)

    def test_date_periods_become_iso_text_like_the_table(self):
        rows = [
            {"city": "A", "day": dt.date(2025, 3, d), "score": s}
            for d in (1, 2)
            for s in (0, 9, 10)
        ]
        parts = summarise_segments(
            rows, by="city", period="day", measure=NpsMeasure(field="score")
        )
        assert set(parts) == {("A", "2025-03-01"), ("A", "2025-03-02")}
        table = segment_table_from_summaries(parts, by="city", period="day")
        assert table == segment_table(
            rows, by="city", period="day", measure=NpsMeasure(field="score")
        )

    def test_empty_summaries_are_left_out(self):
        m = NpsMeasure()
        table = segment_table_from_summaries(
            {"A": summarise([{"nps": 9}], measure=m), "B": summarise([], measure=m)},
            by="city",
        )
        assert [r.segment for r in table.rows] == ["A"]

    @pytest.mark.parametrize(
        ("summaries", "period", "error", "match"),
        [
            ({}, None, InsufficientDataError, "no summaries"),
            (
                {"A": MeasureSummary(measure=NpsMeasure(), counts={})},
                None,
                InsufficientDataError,
                "count no responses",
            ),
            ({"A": 3}, None, InvalidTypeError, "not a MeasureSummary"),
            ({True: None}, None, InvalidTypeError, "not a MeasureSummary"),
            ({"A": "s"}, "month", InvalidTypeError, "not a MeasureSummary"),
            ([("A", 1)], None, InvalidTypeError, "must map"),
        ],
    )
    def test_bad_input(self, summaries, period, error, match):
        with pytest.raises(error, match=match):
            segment_table_from_summaries(summaries, by="city", period=period)

    def test_bad_keys(self):
        s = MeasureSummary(measure=NpsMeasure(), counts={9: 1})
        with pytest.raises(InvalidArgumentError, match=r"\(segment, period\)"):
            segment_table_from_summaries({"A": s}, by="city", period="month")
        with pytest.raises(InvalidTypeError, match="a segment"):
            segment_table_from_summaries({1.5: s}, by="city")
        with pytest.raises(InvalidTypeError, match="a period"):
            segment_table_from_summaries({("A", None): s}, by="city", period="month")
        with pytest.raises(InvalidTypeError, match="segment keys mix"):
            segment_table_from_summaries({"A": s, 1: s}, by="city")
        with pytest.raises(InvalidTypeError, match="period keys mix"):
            segment_table_from_summaries(
                {("A", "x"): s, ("A", 2): s}, by="city", period="month"
            )
        with pytest.raises(InvalidArgumentError, match="different fields"):
            segment_table_from_summaries({"A": s}, by="nps")
        with pytest.raises(InvalidArgumentError, match="min_n"):
            segment_table_from_summaries({"A": s}, by="city", min_n=0)

    def test_summarise_segments_checks_its_arguments(self):
        with pytest.raises(InvalidArgumentError, match="different fields"):
            summarise_segments([{"nps": 1}], by="nps", measure=NpsMeasure())
        with pytest.raises(InvalidTypeError, match="measure"):
            summarise_segments([{"nps": 1}], by="city", measure="nps")
        assert summarise_segments([], by="city", measure=NpsMeasure()) == {}
        with pytest.raises(UnknownNameError):
            summarise([{"ratings": {"speed": 3}}], measure=IndexMeasure())


class _Halves:
    """A measure of one's own (the Measure protocol, no codec): answers 0 or 1."""

    field = "half"

    def keys(self, values):
        return list(values)

    def reduce(self, key):
        return key

    def summarise(self, counts):
        return ShareMeasure().summarise({k == 1: c for k, c in counts.items()})

    def to_dict(self):
        return {"type": "halves"}


def test_a_measure_of_ones_own_merges_without_a_codec():
    """The checks of known answers apply only to the library's own measures."""
    m = _Halves()
    a = summarise([{"half": 1}, {"half": 0}], measure=m)
    b = MeasureSummary(measure=m, counts={1: 2})
    assert (a + b).counts == ((0, 1), (1, 3))
    assert (a + b).estimate().value == 75.0


def test_merging_mappings_names_the_key_and_the_part():
    """A partition scored with another threshold must not vanish into a merged table."""
    rows = [{"city": "Hohhot", "rating": 4}]
    a = summarise_segments(rows, by="city", measure=CsatMeasure(satisfied_at=4))
    b = summarise_segments(rows, by="city", measure=CsatMeasure(satisfied_at=5))
    with pytest.raises(
        IncompatibleSummariesError, match=r"'Hohhot' in mapping #1.*satisfied_at=5"
    ):
        merge_summaries(a, b)


def test_a_bad_row_names_its_partition():
    """An engine job that fails must say which partition holds the bad row."""
    rows = [{"city": "Hohhot", "nps": 9}, {"city": "Hohhot", "nps": 11}]
    with pytest.raises(InvalidArgumentError, match=r"^partition 'part-0007': NPS"):
        summarise_segments(rows, by="city", measure=NpsMeasure(), partition="part-0007")
    with pytest.raises(InvalidArgumentError, match=r"^partition 7: response #0 has no"):
        summarise([{"score": 1}], measure=NpsMeasure(), partition=7)
    with pytest.raises(InvalidArgumentError, match=r"^NPS"):
        summarise_segments(rows, by="city", measure=NpsMeasure())

"""Boundaries every scoring entry point shares: confidence levels, counts, messages."""

import datetime as dt
import math
import re
from pathlib import Path

import pytest

import servicekit.scoring
from servicekit.errors import (
    DeserializationError,
    InvalidArgumentError,
    InvalidTypeError,
    ServiceKitError,
    UnknownNameError,
)
from servicekit.scoring import (
    Complaint,
    CsatMeasure,
    CustomerActivity,
    Estimate,
    FollowUpAlert,
    IndexMeasure,
    MeanMeasure,
    NpsMeasure,
    NpsResult,
    RatingResult,
    SatisfactionIndex,
    ShareMeasure,
    TieringPolicy,
    ces,
    compare_nps,
    csat,
    first_contact_resolution,
    high_risk_customers,
    nps,
    proportion,
    segment_table,
    wilson_interval,
)
from servicekit.scoring._validation import (
    MAX_CONFIDENCE,
    MAX_COUNT,
    describe_duration,
)

RATINGS = {"response_speed": 4, "resolution": 2, "attitude": 5, "follow_up": 3}
ROWS = [
    {
        "city": c,
        "month": m,
        "nps": s,
        "rating": r,
        "resolved": s > 6,
        "ratings": RATINGS,
    }
    for c, m, s, r in [
        ("A", 1, 10, 5),
        ("A", 1, 9, 4),
        ("B", 1, 2, 1),
        ("B", 1, 3, 2),
        ("A", 2, 10, 5),
        ("A", 2, 0, 5),
        ("B", 2, 0, 1),
        ("B", 2, 1, 1),
    ]
]


def _table(field, measure):
    rows = [{k: r[k] for k in ("city", "month", field)} for r in ROWS]
    return lambda c: segment_table(
        rows, by="city", period="month", measure=measure, min_n=1, confidence=c
    )


# Every public function and value that takes a confidence level.
CONFIDENCE_USES = [
    lambda c: nps([10, 9, 0], confidence=c),
    lambda c: compare_nps(nps([10, 9]), nps([0, 1]), confidence=c),
    lambda c: csat([5, 4], confidence=c),
    lambda c: ces([7, 1], confidence=c),
    lambda c: first_contact_resolution([True, False], confidence=c),
    lambda c: proportion(1, 2, confidence=c),
    lambda c: wilson_interval(0, 3, c),
    lambda c: SatisfactionIndex().score([RATINGS, {"attitude": 1}], confidence=c),
    lambda c: Estimate(value=1, low=0, high=2, n=3, method="t", confidence=c),
    _table("nps", NpsMeasure()),
    _table("rating", CsatMeasure()),
    _table("rating", MeanMeasure()),
    _table("resolved", ShareMeasure()),
    _table("ratings", IndexMeasure()),
]


class TestConfidence:
    def test_the_bound_is_where_the_quantile_stops_existing(self):
        assert MAX_CONFIDENCE == 0.9999999999999998
        assert 0.5 + MAX_CONFIDENCE / 2.0 < 1.0
        assert 0.5 + math.nextafter(MAX_CONFIDENCE, 1.0) / 2.0 == 1.0

    @pytest.mark.parametrize("confidence", [MAX_CONFIDENCE, 5e-324, 0.5, 0.95])
    def test_every_level_that_passes_works(self, confidence):
        for use in CONFIDENCE_USES:
            use(confidence)

    @pytest.mark.parametrize("use", CONFIDENCE_USES)
    def test_one_ulp_below_one_is_refused_up_front(self, use):
        """Regression (issue 12): 0.9999999999999999 passed validation, then failed inside."""
        with pytest.raises(InvalidArgumentError, match="too close to 1") as info:
            use(0.9999999999999999)
        assert "0.9999999999999998" in str(info.value)

    @pytest.mark.parametrize(
        ("confidence", "error"),
        [
            (1.0, InvalidArgumentError),
            (0.0, InvalidArgumentError),
            (-0.5, InvalidArgumentError),
            (math.nan, InvalidArgumentError),
            (1, InvalidArgumentError),
            (10**400, InvalidArgumentError),
            (True, InvalidTypeError),
            ("0.95", InvalidTypeError),
        ],
    )
    def test_refused(self, confidence, error):
        with pytest.raises(error, match="confidence"):
            nps([10], confidence=confidence)


class TestHugeNumbers:
    """Regression (issue 12): huge numbers raised a bare OverflowError."""

    @pytest.mark.parametrize(
        "call",
        [
            lambda: proportion(1, 10**400),
            lambda: proportion(10**400, 10**400),
            lambda: proportion(1, MAX_COUNT + 1),
            lambda: wilson_interval(1, 10**400),
            lambda: NpsResult(
                estimate=nps([10]).estimate, promoters=10**400, passives=0, detractors=0
            ),
            lambda: RatingResult.from_dict(
                {**csat([5]).to_dict(), "counts": [0, 0, 0, 0, 10**400]}
            ),
            lambda: TieringPolicy(high_value_spend=10**400),
            lambda: CustomerActivity(
                customer="c",
                purchases=1,
                spend=10**400,
                last_purchase=dt.date(2025, 1, 1),
            ),
            lambda: SatisfactionIndex(weights={"attitude": 10**400}),
            lambda: servicekit.scoring.Comparison(
                difference=nps([10]).estimate, z=10**400, p_value=0.5
            ),
            lambda: Estimate(value=10**400, low=0, high=1, n=1, method="t"),
            lambda: FollowUpAlert(response=10**400, reasons=["r"]),
            lambda: Complaint(customer=-(2**63) - 1, at=dt.datetime.now(dt.UTC)),
            lambda: segment_table(
                ROWS, by="city", measure=NpsMeasure(), top_k=-(10**400)
            ),
            lambda: csat([5], scale=10**400),
        ],
    )
    def test_clear_error_with_a_short_message(self, call):
        with pytest.raises(ServiceKitError) as info:
            call()
        assert isinstance(info.value, ValueError | TypeError | LookupError)
        assert len(str(info.value)) < 300
        assert not re.search(r"\d{30}", str(info.value))

    def test_counts_up_to_the_bound_work(self):
        e = proportion(MAX_COUNT, MAX_COUNT)
        assert (e.value, e.high) == (100.0, 100.0)
        assert proportion(1, MAX_COUNT).value == 100.0 / MAX_COUNT
        assert wilson_interval(0, MAX_COUNT)[0] == 0.0
        result = NpsResult(
            estimate=Estimate(
                value=100.0, low=99.0, high=100.0, n=MAX_COUNT, method="x"
            ),
            promoters=MAX_COUNT,
            passives=0,
            detractors=0,
        )
        assert result.n == MAX_COUNT
        assert FollowUpAlert(response=2**63 - 1, reasons=["r"]).response == 2**63 - 1
        assert TieringPolicy(high_value_spend=10**300).high_value_spend == 10**300


class TestMessages:
    """Regression (issue 12): messages echoed whole inputs and Python reprs."""

    def test_values_are_quoted_short(self):
        with pytest.raises(InvalidArgumentError) as info:
            nps([10**400])
        assert str(info.value) == "NPS scores must lie in 0–10; got a 401-digit number"
        with pytest.raises(InvalidTypeError) as info:
            nps(["x" * 10_000_000])
        assert len(str(info.value)) < 300
        with pytest.raises(UnknownNameError) as info:
            SatisfactionIndex().score([{"y" * 100_000: 1}])
        assert len(str(info.value)) < 300

    def test_no_python_reprs_for_times(self):
        naive = dt.datetime(2025, 3, 1, 9, 30)
        with pytest.raises(InvalidArgumentError) as info:
            Complaint(customer="c", at=naive)
        assert "datetime.datetime" not in str(info.value)
        assert "2025-03-01T09:30:00" in str(info.value)
        with pytest.raises(InvalidArgumentError) as info:
            high_risk_customers(
                [], now=dt.datetime(2025, 3, 1, tzinfo=dt.UTC), window=dt.timedelta(-1)
            )
        assert "datetime.timedelta" not in str(info.value)
        assert "-1 day" in str(info.value)
        with pytest.raises(InvalidArgumentError) as info:
            high_risk_customers(
                [],
                now=dt.datetime(2, 1, 1, tzinfo=dt.UTC),
                window=dt.timedelta(days=4_166_666, hours=15),
            )
        assert str(info.value) == (
            "a window of 4,166,666 days 15 h reaches back before the year 1; "
            "use a shorter window"
        )


def test_docstrings_use_the_plural_examples_heading():
    """Regression (issue 12): a heading ``Example:`` renders its doctest as a paragraph."""
    package = Path(servicekit.scoring.__file__).parent
    for path in sorted(package.glob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            assert line.strip() != "Example:", f"{path.name}:{number}"


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (dt.timedelta(days=30), "30 days"),
        (dt.timedelta(days=1, hours=2), "1 day 2 h"),
        (dt.timedelta(minutes=90), "1 h 30 min"),
        (dt.timedelta(seconds=5, microseconds=250_000), "5.25 s"),
        (dt.timedelta(0), "0 s"),
        (-dt.timedelta(minutes=3), "-3 min"),
    ],
)
def test_durations_are_said_in_the_users_units(delta, text):
    assert describe_duration(delta) == text


def test_stored_instants_must_be_iso_with_an_offset():
    for bad, error in [
        ("31/03/2025", "ISO-8601"),
        ("2025-03-31T09:00", "no UTC offset"),
    ]:
        with pytest.raises(DeserializationError, match=error):
            Complaint.from_dict({"customer": "c", "at": bad, "resolved": False})

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit.errors import (
    DeserializationError,
    InvalidArgumentError,
    InvalidTypeError,
    NaiveDatetimeError,
    UnknownNameError,
)
from servicekit.scoring import (
    Complaint,
    FollowUpAlert,
    RiskAlert,
    follow_up_alerts,
    high_risk_customers,
    needs_follow_up,
)
from servicekit.scoring._validation import as_int
from strategies import SCORING_DIMENSIONS

NOW = dt.datetime(2024, 6, 1, 12, tzinfo=dt.UTC)
ratings_maps = st.dictionaries(
    st.sampled_from(SCORING_DIMENSIONS), st.one_of(st.integers(1, 5), st.none())
)


_RATED = ("attitude", "competence", "follow_up", "resolution", "response_speed")


class TestFollowUp:
    @given(ratings_maps, st.integers(2, 5))
    def test_reasons_by_brute_force(self, ratings, below):
        expected = tuple(
            f"{k} rated {v} (below {below})"
            for k, v in sorted(ratings.items())
            if v is not None and v < below
        )
        assert needs_follow_up(ratings, below=below) == expected

    @given(ratings_maps)
    def test_key_order_does_not_matter(self, ratings):
        assert needs_follow_up(
            dict(reversed(list(ratings.items())))
        ) == needs_follow_up(ratings)

    def test_default_is_below_three_of_five(self):
        assert needs_follow_up({"attitude": 2}) == ("attitude rated 2 (below 3)",)
        assert needs_follow_up({"attitude": 3}) == ()

    @pytest.mark.parametrize(
        ("kwargs", "error"),
        [
            ({"below": 1}, InvalidArgumentError),
            ({"below": 6}, InvalidArgumentError),
            ({"scale": (1,)}, InvalidTypeError),
            ({"below": 2.5}, InvalidTypeError),
        ],
    )
    def test_bad_settings(self, kwargs, error):
        with pytest.raises(error):
            needs_follow_up({"attitude": 2}, **kwargs)

    def test_bad_ratings(self):
        with pytest.raises(InvalidTypeError, match="booleans"):
            needs_follow_up({"attitude": False})
        with pytest.raises(InvalidArgumentError, match="1–5"):
            needs_follow_up({"attitude": 0})
        with pytest.raises(InvalidTypeError, match="map"):
            needs_follow_up([("attitude", 1)])  # type: ignore[arg-type]

    def test_alerts_over_rows(self):
        rows = [
            {"id": 7, "city": "Ordos", "resolution": 4, "attitude": 4},
            {"id": 8, "city": "Ordos", "resolution": 1, "note": "rude"},
        ]
        dims = ["attitude", "resolution"]
        alerts = follow_up_alerts(rows, id_field="id", dimensions=dims)
        assert alerts == (
            FollowUpAlert(response=8, reasons=["resolution rated 1 (below 3)"]),
        )
        assert follow_up_alerts(rows, dimensions=dims)[0].response == 1
        assert follow_up_alerts(rows, dimensions=["attitude"]) == ()
        with pytest.raises(InvalidArgumentError, match="no 'ticket'"):
            follow_up_alerts(rows, id_field="ticket", dimensions=dims)
        with pytest.raises(InvalidTypeError, match="not a mapping"):
            follow_up_alerts([3])
        assert follow_up_alerts([]) == ()

    def test_misspelt_dimension_is_refused(self):
        """Regression (issue 12): misspelt dimension names were accepted silently.

        ``needs_follow_up({"atitude": 1})`` reported a dimension that does not
        exist, and ``follow_up_alerts(rows, dimensions=["atitude"])`` never alerted.
        """
        with pytest.raises(UnknownNameError) as info:
            needs_follow_up({"atitude": 1, "resolution": 4})
        assert str(info.value) == (
            "unknown dimension 'atitude'; the dimensions are 'attitude', "
            "'competence', 'follow_up', 'resolution', 'response_speed' (pass "
            "dimensions=[...] to rate others)"
        )
        assert needs_follow_up(
            {"competence": 2}, dimensions=["competence", "attitude"]
        ) == ("competence rated 2 (below 3)",)
        with pytest.raises(UnknownNameError, match="'competance'"):
            needs_follow_up({"competance": 2}, dimensions=["competence"])
        rows = [{"id": 1, "attitude": 1, "city": "Ordos"}, {"id": 2, "attitude": 4}]
        with pytest.raises(UnknownNameError) as info:
            follow_up_alerts(rows, dimensions=["atitude"])
        assert str(info.value) == (
            "no response has the dimension 'atitude'; the responses' fields are "
            "'attitude', 'city', 'id'"
        )
        # Named dimensions must each be asked; the default ones need not all be.
        with pytest.raises(UnknownNameError, match="'follow_up'"):
            follow_up_alerts(rows, dimensions=["attitude", "follow_up"])
        assert [a.response for a in follow_up_alerts(rows)] == [0]
        with pytest.raises(UnknownNameError, match="any rating dimension"):
            follow_up_alerts([{"id": 1, "atitude": 1}])
        assert [
            a.response
            for a in follow_up_alerts(rows, dimensions=["attitude"], id_field="id")
        ] == [1]
        # A dimension nobody answered (None) is present, not misspelt.
        full = [dict.fromkeys(SCORING_DIMENSIONS), {"attitude": 2}]
        assert follow_up_alerts(full)[0].response == 1

    def test_a_low_competence_rating_alerts_by_default(self):
        """Regression (issue 18): a competence rating of 1 was ignored.

        The standard process rates response speed, resolution, attitude and
        competence, and a low score on any of them triggers action; without
        ``dimensions=`` the alerts read only the index's four, so a visit rated
        1 on competence raised no alert (and ``needs_follow_up`` refused it).
        """
        visits = [
            {"id": "V1", "response_speed": 4, "resolution": 5, "attitude": 5},
            {"id": "V2", "response_speed": 4, "attitude": 5, "competence": 1},
        ]
        (alert,) = follow_up_alerts(visits, id_field="id")
        assert (alert.response, alert.reasons) == (
            "V2",
            ("competence rated 1 (below 3)",),
        )
        assert needs_follow_up({"competence": 2}) == ("competence rated 2 (below 3)",)

    @given(
        st.lists(
            st.dictionaries(
                st.sampled_from((*_RATED, "city")),
                st.one_of(st.integers(1, 5), st.none()),
            ),
            min_size=1,
            max_size=6,
        ).filter(lambda rows: any(set(r) - {"city"} for r in rows)),
        st.integers(2, 5),
    )
    def test_default_alerts_by_brute_force(self, rows, below):
        rows = [
            {k: v for k, v in r.items() if k != "city"} | {"city": "x"} for r in rows
        ]
        expected = [
            i
            for i, r in enumerate(rows)
            if any(k != "city" and v is not None and v < below for k, v in r.items())
        ]
        assert [a.response for a in follow_up_alerts(rows, below=below)] == expected

    @pytest.mark.parametrize(
        ("dimensions", "error"),
        [
            (["attitude", ""], InvalidTypeError),
            ([], InvalidArgumentError),
            ([1], InvalidTypeError),
        ],
    )
    def test_bad_dimension_lists(self, dimensions, error):
        with pytest.raises(error):
            needs_follow_up({"attitude": 2}, dimensions=dimensions)
        with pytest.raises(error):
            follow_up_alerts([{"attitude": 2}], dimensions=dimensions)

    def test_many_fields_are_listed_short(self):
        row = {f"field{i:03d}": 5 for i in range(100)}
        with pytest.raises(UnknownNameError) as info:
            follow_up_alerts([row], dimensions=["attitude"])
        assert str(info.value).endswith("and 80 more")
        assert len(str(info.value)) < 400

    def test_alert_values(self):
        a = FollowUpAlert(response="x", reasons=["r"])
        assert FollowUpAlert.from_dict(json.loads(json.dumps(a.to_dict()))) == a
        with pytest.raises(InvalidArgumentError, match="reasons"):
            FollowUpAlert(response="x", reasons=[])
        with pytest.raises(InvalidTypeError, match="response"):
            FollowUpAlert(response=None, reasons=["r"])
        with pytest.raises(DeserializationError):
            FollowUpAlert.from_dict({"response": "x"})


complaints = st.lists(
    st.builds(
        Complaint,
        customer=st.sampled_from(["c1", "c2", "c3", 4]),
        at=st.integers(-60 * 86400, 5 * 86400).map(
            lambda s: (NOW + dt.timedelta(seconds=s)).astimezone(
                ZoneInfo("Asia/Shanghai")
            )
        ),
        resolved=st.booleans(),
    ),
    max_size=40,
)


class TestHighRisk:
    @given(complaints, st.integers(1, 4), st.integers(1, 40))
    def test_brute_force(self, log, threshold, days):
        window = dt.timedelta(days=days)
        alerts = high_risk_customers(log, now=NOW, window=window, threshold=threshold)
        counts = {}
        for c in log:
            if not c.resolved and NOW - window < c.at <= NOW:
                counts[c.customer] = counts.get(c.customer, 0) + 1
        expected = sorted(
            ((k, v) for k, v in counts.items() if v >= threshold),
            key=lambda kv: (-kv[1], str(kv[0])),
        )
        assert [(a.customer, a.unresolved) for a in alerts] == expected
        for a in alerts:
            assert a.first_at <= a.last_at
            assert RiskAlert.from_dict(json.loads(json.dumps(a.to_dict()))) == a

    @given(complaints, st.randoms(use_true_random=False))
    def test_order_of_the_log_does_not_matter(self, log, rnd):
        shuffled = list(log)
        rnd.shuffle(shuffled)
        assert high_risk_customers(
            shuffled, now=NOW, threshold=2
        ) == high_risk_customers(log, now=NOW, threshold=2)

    def test_window_edges(self):
        old = Complaint(customer="c", at=NOW - dt.timedelta(days=30))
        edge = Complaint(customer="c", at=NOW)
        future = Complaint(customer="c", at=NOW + dt.timedelta(seconds=1))
        assert (
            high_risk_customers([old, edge, future], now=NOW, threshold=1)[0].unresolved
            == 1
        )

    def test_reason_text(self):
        log = [Complaint(customer="c", at=NOW - dt.timedelta(hours=h)) for h in (1, 2)]
        (alert,) = high_risk_customers(
            log, now=NOW, window=dt.timedelta(hours=6), threshold=2
        )
        assert alert.reasons == (
            "2 unresolved complaints in the 6 h to 2024-06-01T12:00:00+00:00 (threshold 2)",
        )
        (alert,) = high_risk_customers(
            log, now=NOW, window=dt.timedelta(days=1), threshold=2
        )
        assert "in the day to" in alert.reasons[0]

    def test_bad_arguments(self):
        with pytest.raises(NaiveDatetimeError):
            high_risk_customers([], now=dt.datetime(2024, 1, 1))
        with pytest.raises(InvalidTypeError):
            high_risk_customers([], now="2024-01-01")
        with pytest.raises(InvalidArgumentError, match="window"):
            high_risk_customers([], now=NOW, window=dt.timedelta(0))
        with pytest.raises(InvalidArgumentError, match="threshold"):
            high_risk_customers([], now=NOW, threshold=0)
        with pytest.raises(InvalidTypeError, match="Complaint"):
            high_risk_customers([{"customer": "c"}], now=NOW)

    def test_complaint_values(self):
        with pytest.raises(NaiveDatetimeError, match="time zone"):
            Complaint(customer="c", at=dt.datetime(2024, 1, 1))
        with pytest.raises(DeserializationError, match="offset"):
            Complaint.from_dict(
                {"customer": "c", "at": "2024-01-01T00:00:00", "resolved": False}
            )
        with pytest.raises(DeserializationError):
            Complaint.from_dict({"customer": "c", "at": 5, "resolved": False})
        with pytest.raises(DeserializationError):
            RiskAlert.from_dict({"customer": "c"})
        c = Complaint(customer=3, at=NOW, resolved=True)
        assert Complaint.from_dict(json.loads(json.dumps(c.to_dict()))) == c


class TestBoundaries:
    """Bad values are refused with a servicekit error, never half-accepted."""

    def test_strings_are_not_lists(self):
        """Regression: a string of reasons or dimensions was split into letters."""
        with pytest.raises(InvalidTypeError, match="reasons"):
            FollowUpAlert(response="x", reasons="attitude rated 1")
        with pytest.raises(InvalidTypeError, match="dimensions"):
            follow_up_alerts([{"attitude": 1}], dimensions="attitude")

    def test_dimension_names_must_be_strings(self):
        with pytest.raises(InvalidTypeError, match="strings"):
            needs_follow_up({1: 2, "attitude": 2})

    def test_values_are_typed(self):
        with pytest.raises(InvalidTypeError, match="True or False"):
            Complaint(customer="c", at=NOW, resolved=1)
        with pytest.raises(InvalidTypeError, match="whole number"):
            RiskAlert(
                customer="c", unresolved="3", first_at=NOW, last_at=NOW, reasons=["r"]
            )
        with pytest.raises(InvalidArgumentError, match="at least 1"):
            RiskAlert(
                customer="c", unresolved=0, first_at=NOW, last_at=NOW, reasons=["r"]
            )

    def test_window_reaching_before_year_one(self):
        with pytest.raises(InvalidArgumentError, match="shorter window"):
            high_risk_customers([], now=NOW, window=dt.timedelta(days=999_999_999))


def _reasons_by_as_int(ratings, below):
    """What ``needs_follow_up`` says when every rating goes through ``as_int``."""
    out = []
    for name in sorted(ratings):
        if ratings[name] is None:
            continue
        rating = as_int(ratings[name], 1, 5, f"ratings of '{name}'")
        if rating < below:
            out.append(f"{name} rated {rating} (below {below})")
    return tuple(out)


def _said(call, *args):
    try:
        return ("said", call(*args))
    except (InvalidArgumentError, InvalidTypeError) as error:
        return ("refused", type(error), str(error))


@given(
    st.dictionaries(
        st.sampled_from(SCORING_DIMENSIONS),
        st.one_of(
            st.none(),
            st.integers(-3, 9),
            st.booleans(),
            st.floats(0, 6),
            st.just(float("nan")),
        ),
    ),
    st.integers(2, 5),
)
def test_plain_int_ratings_are_read_as_as_int_reads_them(ratings, below):
    """Plain ints on the scale skip ``as_int``; everything reads as it would."""
    assert _said(lambda r: needs_follow_up(r, below=below), ratings) == _said(
        _reasons_by_as_int, ratings, below
    )

"""Tests of the workflow events: payload validation and JSON round trips."""

import datetime as dt
import json
import pickle

import pendulum
import pytest
from hypothesis import given

from servicekit.acceptance import (
    AcceptanceFailed,
    Cancelled,
    CustomerConfirmed,
    DelayAnnounced,
    Delivered,
    FollowUpDone,
    SheetSent,
    event_from_dict,
)
from servicekit.errors import (
    DeserializationError,
    InvalidArgumentError,
    InvalidEventError,
    InvalidTypeError,
    NaiveDatetimeError,
)
from strategies import acceptance_events

AT = pendulum.datetime(2025, 2, 10, 9, tz="Asia/Shanghai")


@given(acceptance_events)
def test_round_trip_through_json(event):
    data = json.loads(json.dumps(event.to_dict()))
    assert event_from_dict(data) == event
    assert hash(event_from_dict(data)) == hash(event)
    assert type(event).from_dict(data) == event


@given(acceptance_events)
def test_pickle_round_trip(event):
    assert pickle.loads(pickle.dumps(event)) == event


@given(acceptance_events)
def test_to_dict_names_the_class_under_type_and_the_instant(event):
    """Issue 13: the class is named under "type", the one tag key of every variant."""
    data = event.to_dict()
    assert data["type"] == type(event).__name__
    assert dt.datetime.fromisoformat(data["at"]) == event.at


class TestConstruction:
    def test_events_are_frozen(self):
        event = Delivered(at=AT)
        with pytest.raises(AttributeError):
            event.at = AT  # type: ignore[misc]

    def test_naive_at_is_refused(self):
        with pytest.raises(NaiveDatetimeError):
            Delivered(at=dt.datetime(2025, 2, 10, 9))

    def test_at_is_keyword_only(self):
        with pytest.raises(TypeError):
            Delivered(AT)  # type: ignore[misc]

    def test_delivery_due_must_follow_the_sheet(self):
        with pytest.raises(InvalidEventError, match="must be after the event"):
            SheetSent(at=AT, delivery_due=AT)

    def test_delay_must_point_after_the_notice(self):
        with pytest.raises(InvalidEventError, match="must be after the event"):
            DelayAnnounced(at=AT, new_due=AT.subtract(hours=1))

    def test_failed_acceptance_needs_a_reason(self):
        with pytest.raises(InvalidArgumentError, match="at least one"):
            AcceptanceFailed(at=AT, reasons=[])

    def test_failed_acceptance_reasons_are_not_letters(self):
        """Regression: a bare string passed as ``reasons`` became one reason per letter."""
        with pytest.raises(InvalidTypeError, match="list of strings"):
            AcceptanceFailed(at=AT, reasons="wrong totals")

    def test_blank_reason_refused(self):
        with pytest.raises(InvalidArgumentError, match="blank"):
            AcceptanceFailed(at=AT, reasons=["ok", "  "])

    def test_cancel_needs_a_reason(self):
        with pytest.raises(InvalidArgumentError, match="blank"):
            Cancelled(at=AT, reason="")

    @pytest.mark.parametrize("rating", [0, 6, -1])
    def test_rating_out_of_scale(self, rating):
        with pytest.raises(InvalidArgumentError, match="1 \\(worst\\) to 5"):
            FollowUpDone(at=AT, solved=True, attitude=rating)

    @pytest.mark.parametrize("rating", [True, 4.0, "5"])
    def test_rating_must_be_an_int(self, rating):
        """Regression: ``True`` is an int in Python and passed for a rating of 1."""
        with pytest.raises(InvalidTypeError):
            FollowUpDone(at=AT, solved=True, competence=rating)

    def test_solved_must_be_a_bool(self):
        with pytest.raises(InvalidTypeError, match="True or False"):
            FollowUpDone(at=AT, solved="yes")

    def test_text_fields_must_be_strings(self):
        with pytest.raises(InvalidTypeError):
            SheetSent(at=AT, problem=None)

    def test_follow_up_defaults(self):
        visit = FollowUpDone(at=AT, solved=False)
        assert (visit.shortfalls, visit.attitude, visit.competence) == ((), None, None)


class TestFromDict:
    def test_unknown_event_lists_the_known_ones(self):
        """Regression (issue 13): an unknown event let an UnknownNameError escape;
        every failure of a from_dict is a DeserializationError."""
        with pytest.raises(
            DeserializationError, match=r"unknown type 'Shipped'.*SheetSent"
        ):
            event_from_dict({"type": "Shipped", "at": "2025-01-01T00:00:00+00:00"})

    def test_not_a_mapping(self):
        with pytest.raises(DeserializationError):
            event_from_dict(["Delivered"])
        with pytest.raises(DeserializationError):
            Delivered.from_dict("Delivered")

    def test_wrong_class(self):
        with pytest.raises(DeserializationError, match="'type' must be 'Delivered'"):
            Delivered.from_dict({"type": "Cancelled", "at": "2025-01-01T00:00Z"})

    def test_missing_key(self):
        with pytest.raises(
            DeserializationError, match=r"at \$\.reason: this required key is missing"
        ):
            event_from_dict({"type": "Cancelled", "at": "2025-01-01T00:00:00+00:00"})

    def test_unknown_key(self):
        with pytest.raises(DeserializationError, match="at \\$: unknown key 'by'"):
            event_from_dict(
                {"type": "Delivered", "at": "2025-01-01T00:00:00+00:00", "by": "x"}
            )

    def test_invalid_value_is_a_deserialisation_error(self):
        with pytest.raises(
            DeserializationError, match=r"at \$\.solved: expected true or false"
        ):
            event_from_dict(
                {
                    "type": "FollowUpDone",
                    "at": "2025-01-01T00:00:00+00:00",
                    "solved": 1,
                }
            )

    def test_naive_instant_in_data(self):
        with pytest.raises(DeserializationError, match="no UTC offset"):
            event_from_dict({"type": "Delivered", "at": "2025-01-01T00:00:00"})

    def test_the_class_itself_reads_its_own_type(self):
        """Issue 13: the tag is required, as for every variant (it was optional when
        read by the class itself)."""
        data = {"type": "CustomerConfirmed", "at": "2025-01-01T08:00:00+08:00"}
        event = CustomerConfirmed.from_dict(data)
        assert event == CustomerConfirmed(at=pendulum.datetime(2025, 1, 1, tz="UTC"))
        with pytest.raises(DeserializationError, match="'type' must be"):
            CustomerConfirmed.from_dict({"at": "2025-01-01T08:00:00+08:00"})

    def test_optional_payload_keys_default(self):
        event = event_from_dict(
            {"type": "SheetSent", "at": "2025-01-01T08:00:00+08:00"}
        )
        assert event == SheetSent(at=pendulum.datetime(2025, 1, 1, tz="UTC"))

"""SLA reports, policies and events through JSON and pickle, on hand-computed scenarios.

Hand-computed: every expected instant is worked out in the comments (business
clocks checked against ``BusinessCalendar.add``); each docstring names the rule of
``docs/sla.md`` it pins. The shared world is ``sla/clock_world.py``.
"""

import json
import pickle

import pytest

from helpers import HOUR, MINUTE
from servicekit.errors import (
    DeserializationError,
    ServiceKitError,
)
from servicekit.sla import (
    Alert,
    MetricStatus,
    PolicySet,
    SlaPolicy,
    SlaReport,
    SlaTarget,
    TicketEvent,
    evaluate,
)
from servicekit.sla.presets import SERVICE_STANDARD
from sla.clock_world import (
    ALL_FOUR,
    HV_BUSINESS,
    MON,
    UTC24,
    created,
    message,
    reply,
    status,
)


class TestSerialisation:
    def test_report_round_trips_through_json(self):
        """SlaReport.to_dict -> JSON -> from_dict gives an equal report."""
        events = [
            created(MON, tier="high_value"),
            reply(MON + MINUTE),
            message(MON + HOUR),
            status(MON + 70 * MINUTE, "pending"),
        ]
        r = evaluate(SERVICE_STANDARD, events, MON + 80 * MINUTE)
        assert len(r.targets) == 4  # the manager's answer, too
        data = json.loads(json.dumps(r.to_dict()))
        assert SlaReport.from_dict(data) == r
        assert data["metrics"]["first_response"]["state"] == "met"
        assert data["next_change_at"] == r.next_change_at.isoformat()

    def test_policy_round_trips_through_json(self):
        """SlaPolicy and PolicySet survive JSON, calendar and condition included."""
        for p in (*SERVICE_STANDARD.policies, ALL_FOUR, HV_BUSINESS):
            assert SlaPolicy.from_dict(json.loads(json.dumps(p.to_dict()))) == p

    @pytest.mark.parametrize(
        ("cls", "data"),
        [
            (SlaTarget, {"within": "PT5M"}),
            (SlaTarget, {"metric": "first_response"}),
            (SlaTarget, {"metric": "first_response", "within": "five minutes"}),
            (SlaTarget, "first_response"),
            (SlaPolicy, {"targets": [], "calendar": UTC24.to_dict()}),
            (SlaPolicy, {"name": "p", "calendar": UTC24.to_dict()}),
            (SlaPolicy, {"name": "p", "targets": [], "calendar": {}}),
            (SlaPolicy, {"name": "p", "targets": "x", "calendar": UTC24.to_dict()}),
            (PolicySet, {}),
            (PolicySet, {"policies": "urgent"}),
            (PolicySet, []),
            (SlaReport, {}),
            (TicketEvent, {"kind": "created"}),
        ],
    )
    def test_from_dict_missing_keys_and_malformed_data(self, cls, data):
        """Stored data that lost a key or a well-formed value raises DeserializationError."""
        with pytest.raises(DeserializationError):
            cls.from_dict(data)

    def test_metric_status_and_alert_from_dict_missing_keys(self):
        """MetricStatus and Alert data without their keys raise DeserializationError."""
        with pytest.raises(DeserializationError, match="metric"):
            MetricStatus.from_dict({}, timezone="UTC")
        with pytest.raises(DeserializationError, match="kind"):
            Alert.from_dict({}, timezone="UTC")

    @pytest.mark.parametrize(
        ("cls", "data"),
        [
            (SlaTarget, {"metric": "sla", "within": "PT5M"}),
            (SlaTarget, {"metric": "first_response", "within": "PT0S"}),
            (SlaTarget, {"metric": "first_response", "within": "PT5M", "warn_at": [2]}),
            (
                SlaPolicy,
                {
                    "name": "p",
                    "targets": [],
                    "calendar": UTC24.to_dict(),
                    "pause_on": ["solved"],
                },
            ),
        ],
    )
    def test_from_dict_bad_values(self, cls, data):
        """A stored value that is well-formed but invalid raises DeserializationError."""
        with pytest.raises(DeserializationError):
            cls.from_dict(data)

    def test_from_dict_bad_values_raise_a_servicekit_error(self):
        """Whatever the class, a bad stored value raises a servicekit error naming it."""
        with pytest.raises(ServiceKitError, match="'sla'"):
            SlaTarget.from_dict({"metric": "sla", "within": "PT5M"})

    def test_policy_set_pickles(self):
        """Everything pickles (for Dask and Spark): the compiled form is rebuilt."""
        back = pickle.loads(pickle.dumps(SERVICE_STANDARD))
        assert back == SERVICE_STANDARD
        events = [created(MON, tier="high_value")]
        assert evaluate(back, events, MON + HOUR) == evaluate(
            SERVICE_STANDARD, events, MON + HOUR
        )
        r = evaluate(SERVICE_STANDARD, events, MON + HOUR)
        assert pickle.loads(pickle.dumps(r)) == r


class TestReportValuesOnTheCodec:
    """Alerts, statuses and reports under the serialisation contract (issue 13)."""

    REPORT = evaluate(
        SERVICE_STANDARD,
        [created(MON, tier="high_value"), reply(MON + MINUTE)],
        MON + HOUR,
    )

    def _status(self):
        return next(iter(self.REPORT.metrics.values()))

    @pytest.mark.parametrize(
        ("key", "value"), [("cycle", -1), ("threshold", 1.5), ("threshold", 0)]
    )
    def test_alert_fields_out_of_range_are_named(self, key, value):
        data = self.REPORT.alerts[0].to_dict()
        with pytest.raises(DeserializationError, match=rf"at \$\.{key}: "):
            Alert.from_dict({**data, key: value})

    def test_a_zone_given_must_be_the_stored_one(self):
        data = self.REPORT.alerts[0].to_dict()
        assert data["timezone"] == self.REPORT.timezone
        with pytest.raises(DeserializationError, match=r"at \$\.timezone: "):
            Alert.from_dict(data, timezone="UTC")
        assert (
            Alert.from_dict(data, timezone=self.REPORT.timezone)
            == (self.REPORT.alerts[0])
        )

    def test_derived_fields_must_agree_or_be_left_out(self):
        data = self._status().to_dict()
        with pytest.raises(DeserializationError, match="'remaining' is 'PT1S'"):
            MetricStatus.from_dict({**data, "remaining": "PT1S"})
        trimmed = {
            k: v for k, v in data.items() if k not in {"remaining", "percent_used"}
        }
        assert MetricStatus.from_dict(trimmed) == self._status()

    def test_a_status_inside_a_report_is_shown_in_the_reports_zone(self):
        data = self.REPORT.to_dict()
        name = next(iter(data["metrics"]))
        same = dict(data["metrics"][name], timezone=self.REPORT.timezone)
        assert SlaReport.from_dict(
            {**data, "metrics": {**data["metrics"], name: same}}
        ) == (self.REPORT)
        other = dict(data["metrics"][name], timezone="UTC")
        with pytest.raises(DeserializationError, match="'timezone' is 'UTC'"):
            SlaReport.from_dict({**data, "metrics": {**data["metrics"], name: other}})

    def test_a_status_under_another_metrics_name_is_refused(self):
        data = self.REPORT.to_dict()
        first, *rest = data["metrics"]
        swapped = {**data["metrics"], first: data["metrics"][rest[0]]}
        with pytest.raises(DeserializationError, match="holds the status of"):
            SlaReport.from_dict({**data, "metrics": swapped})

"""Tests of RequirementPolicy: defaults, validation and serialisation."""

import datetime as dt
import json
import pickle

import holidays
import pendulum
import pytest
from hypothesis import given

from servicekit.acceptance import (
    AcceptanceTimeoutAction,
    BusinessDayCalendar,
    Requirement,
    RequirementPolicy,
)
from servicekit.errors import (
    DeserializationError,
    InvalidArgumentError,
    InvalidTypeError,
    UnknownNameError,
)
from servicekit.sla import BusinessCalendar, parse_hours
from strategies import acceptance_policies

OPEN = BusinessCalendar.always_open()


def test_defaults_are_the_issue_rules():
    policy = RequirementPolicy(calendar=OPEN)
    assert (
        policy.confirm_within,
        policy.customer_confirm_within,
        policy.accept_within,
        policy.rework_within,
        policy.follow_up_within,
        policy.delay_notice,
        policy.on_acceptance_timeout,
    ) == (2, 1, 3, 2, 3, dt.timedelta(hours=24), AcceptanceTimeoutAction.ESCALATE)


def test_calendar_may_be_positional_and_the_rest_keyword_only():
    assert RequirementPolicy(OPEN) == RequirementPolicy(calendar=OPEN)
    with pytest.raises(TypeError):
        RequirementPolicy(OPEN, 2)  # type: ignore[misc]


@given(acceptance_policies)
def test_round_trip_through_json(policy):
    data = json.loads(json.dumps(policy.to_dict()))
    assert RequirementPolicy.from_dict(data) == policy


@given(acceptance_policies)
def test_pickle_round_trip(policy):
    assert pickle.loads(pickle.dumps(policy)) == policy


def test_china_calendar_round_trips():
    cal = BusinessCalendar(
        timezone="Asia/Shanghai",
        weekly_hours=parse_hours("Mon-Fri 09:00-12:00, 13:30-18:00"),
        holidays=holidays.China(years=range(2024, 2028)),
    )
    policy = RequirementPolicy(cal, on_acceptance_timeout="deem_accepted")
    assert (
        RequirementPolicy.from_dict(json.loads(json.dumps(policy.to_dict()))) == policy
    )


def test_business_calendar_satisfies_the_protocol():
    assert isinstance(OPEN, BusinessDayCalendar)


class _ForeignCalendar:
    """A CRM's own calendar object: only the protocol's three members."""

    timezone = "Asia/Shanghai"

    def add_business_days(self, start, n):
        return OPEN.add_business_days(start, n * 7)

    def to_dict(self):
        return {"kind": "foreign"}


def test_any_calendar_with_the_protocol_drives_the_deadlines():
    policy = RequirementPolicy(_ForeignCalendar())
    received = pendulum.datetime(2025, 3, 3, 10, tz="UTC")
    req = Requirement.open(id="R", received_at=received, policy=policy)
    (obligation,) = req.obligations
    assert obligation.due_at == OPEN.add_business_days(received, 14)
    assert obligation.due_at.timezone_name == "Asia/Shanghai"
    assert policy.to_dict()["calendar"] == {"kind": "foreign"}


def test_a_calendar_without_a_timezone_is_refused():
    class NoZone:
        def add_business_days(self, start, n):
            return start

        def to_dict(self):
            return {}

    with pytest.raises(InvalidTypeError, match="timezone, add_business_days"):
        RequirementPolicy(NoZone())


class TestValidation:
    @pytest.mark.parametrize(
        "field",
        [
            "confirm_within",
            "customer_confirm_within",
            "accept_within",
            "rework_within",
            "follow_up_within",
        ],
    )
    def test_day_counts(self, field):
        with pytest.raises(InvalidArgumentError, match=field):
            RequirementPolicy(OPEN, **{field: -1})
        with pytest.raises(InvalidTypeError, match="whole number"):
            RequirementPolicy(OPEN, **{field: 1.5})
        with pytest.raises(InvalidTypeError, match="whole number"):
            RequirementPolicy(OPEN, **{field: True})
        assert getattr(RequirementPolicy(OPEN, **{field: 0}), field) == 0

    def test_delay_notice(self):
        with pytest.raises(InvalidTypeError, match="timedelta"):
            RequirementPolicy(OPEN, delay_notice=24)
        with pytest.raises(InvalidArgumentError, match="negative"):
            RequirementPolicy(OPEN, delay_notice=dt.timedelta(hours=-1))

    def test_timeout_action(self):
        assert (
            RequirementPolicy(
                OPEN, on_acceptance_timeout=" Deem_Accepted "
            ).on_acceptance_timeout
            is AcceptanceTimeoutAction.DEEM_ACCEPTED
        )
        with pytest.raises(UnknownNameError, match="'escalate', 'deem_accepted'"):
            RequirementPolicy(OPEN, on_acceptance_timeout="ignore")
        with pytest.raises(UnknownNameError):
            RequirementPolicy(OPEN, on_acceptance_timeout=None)

    def test_calendar(self):
        with pytest.raises(InvalidTypeError, match="BusinessCalendar"):
            RequirementPolicy("Asia/Shanghai")


class TestFromDict:
    def test_needs_a_calendar(self):
        with pytest.raises(
            DeserializationError, match=r"at \$\.calendar: this required key"
        ):
            RequirementPolicy.from_dict({"confirm_within": 2})
        with pytest.raises(DeserializationError):
            RequirementPolicy.from_dict([])

    def test_unknown_key(self):
        data = RequirementPolicy(OPEN).to_dict() | {"grace": 1}
        with pytest.raises(DeserializationError, match="at \\$: unknown key 'grace'"):
            RequirementPolicy.from_dict(data)

    def test_invalid_value(self):
        data = RequirementPolicy(OPEN).to_dict() | {"accept_within": -3}
        with pytest.raises(DeserializationError, match="at \\$: accept_within must"):
            RequirementPolicy.from_dict(data)

    def test_bad_calendar(self):
        data = RequirementPolicy(OPEN).to_dict() | {
            "calendar": {"timezone": "Mars/Base"}
        }
        with pytest.raises(DeserializationError):
            RequirementPolicy.from_dict(data)

    def test_bad_duration(self):
        data = RequirementPolicy(OPEN).to_dict() | {"delay_notice": 86400}
        with pytest.raises(
            DeserializationError, match=r"at \$\.delay_notice: .*ISO-8601 duration"
        ):
            RequirementPolicy.from_dict(data)

    def test_missing_keys_take_defaults(self):
        policy = RequirementPolicy.from_dict({"calendar": OPEN.to_dict()})
        assert policy == RequirementPolicy(OPEN)

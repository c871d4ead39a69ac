"""Building SLA targets, policies and policy sets: what is refused, and how.

Hand-computed: every expected instant is worked out in the comments (business
clocks checked against ``BusinessCalendar.add``); each docstring names the rule of
``docs/sla.md`` it pins. The shared world is ``sla/clock_world.py``.
"""

import datetime as dt

import pytest

from helpers import HOUR, MINUTE, ZERO
from servicekit.errors import (
    DuplicateIdError,
    InvalidArgumentError,
    InvalidTypeError,
    ServiceKitError,
    UnknownNameError,
)
from servicekit.sla import (
    AlertKind,
    PolicySet,
    SlaPolicy,
    SlaTarget,
    evaluate,
)
from sla.clock_world import (
    FR,
    MONDAY_UTC,
    RES,
    UTC24,
    created,
    policy,
    target,
)


class TestTargetErrors:
    @pytest.mark.parametrize("within", [ZERO, -MINUTE, dt.timedelta(microseconds=-1)])
    def test_within_must_be_positive(self, within):
        """A zero or negative allowance would breach every ticket at creation."""
        with pytest.raises(InvalidArgumentError, match="positive"):
            SlaTarget(metric=FR, within=within)

    @pytest.mark.parametrize("fraction", [0, 1, 1.5, -0.1, float("nan"), float("inf")])
    def test_warn_at_strictly_between_0_and_1(self, fraction):
        """Rule 18: a fraction of 1 is the breach itself; 0 would warn at creation."""
        with pytest.raises(InvalidArgumentError, match="strictly between 0 and 1"):
            SlaTarget(metric=FR, within=HOUR, warn_at=(fraction,))

    def test_warn_at_duplicates(self):
        """Rule 18: one warning per fraction."""
        with pytest.raises(InvalidArgumentError, match="twice"):
            SlaTarget(metric=FR, within=HOUR, warn_at=(0.5, 0.5))

    @pytest.mark.parametrize("warn_at", ["0.5", 0.5, [True], ["half"]])
    def test_warn_at_types(self, warn_at):
        """warn_at is a list of numbers."""
        with pytest.raises(ServiceKitError, match="warn_at"):
            SlaTarget(metric=FR, within=HOUR, warn_at=warn_at)

    def test_no_warnings(self):
        """warn_at=() means breach alerts only."""
        r = evaluate(
            policy("p", target(FR, HOUR, warn_at=())), [created(MONDAY_UTC)], MONDAY_UTC
        )
        assert [a.kind for a in r.alerts] == [AlertKind.BREACH]

    @pytest.mark.parametrize("name", ["first-response", "sla", "", None])
    def test_bad_metric_names(self, name):
        """An unknown metric name raises UnknownNameError listing the four."""
        with pytest.raises(ServiceKitError, match="first_response, next_response"):
            SlaTarget(metric=name, within=HOUR)

    def test_metric_names_are_forgiving(self):
        """A member, its value or its name (any case) all work."""
        assert {
            SlaTarget(metric=m, within=HOUR).metric
            for m in (FR, "first_response", "FIRST_RESPONSE", " First_Response ")
        } == {FR}

    def test_business_hours_must_be_a_bool(self):
        """business_hours="no" is truthy: refusing it prevents a silent business clock."""
        with pytest.raises(InvalidTypeError, match="True or False"):
            SlaTarget(metric=FR, within=HOUR, business_hours="no")


class TestPolicyErrors:
    def test_two_targets_with_one_name(self):
        """Issue 14: two targets for one metric need distinct names (reports key by name)."""
        with pytest.raises(
            DuplicateIdError, match="two targets are named 'first_response'"
        ):
            policy("p", target(FR, HOUR), target(FR, 2 * HOUR))

    @pytest.mark.parametrize("st", ["solved", "closed", "open"])
    def test_pause_on_only_pending_and_on_hold(self, st):
        """Rule 13: solving stops clocks; an OPEN ticket is the one being worked."""
        with pytest.raises(InvalidArgumentError, match="PENDING and ON_HOLD"):
            policy("p", target(FR, HOUR), pause_on=[st])

    def test_pause_on_unknown_status(self):
        """An unknown status names the known ones."""
        with pytest.raises(UnknownNameError, match="pending"):
            policy("p", target(FR, HOUR), pause_on=["waiting"])

    @pytest.mark.parametrize("cal", [None, "Asia/Shanghai", {"timezone": "UTC"}])
    def test_calendar_must_be_a_calendar(self, cal):
        """A zone name is not a calendar: the message says which type was given."""
        with pytest.raises(InvalidTypeError, match="BusinessCalendar"):
            SlaPolicy(name="p", targets=[target(FR, HOUR)], calendar=cal)

    @pytest.mark.parametrize("name", ["", "   ", None])
    def test_name_required(self, name):
        """Reports name the policy applied."""
        with pytest.raises(InvalidArgumentError, match="name"):
            SlaPolicy(name=name, targets=[target(FR, HOUR)], calendar=UTC24)

    @pytest.mark.parametrize(
        "targets", [target(FR, HOUR), "first_response", [object()]]
    )
    def test_targets_must_be_a_list_of_targets(self, targets):
        """A bare target (not in a list) is refused, not iterated."""
        with pytest.raises(InvalidTypeError, match="SlaTarget"):
            SlaPolicy(name="p", targets=targets, calendar=UTC24)

    def test_unmeasured_metric_is_absent_from_reports(self):
        """A metric without a target is not measured: absent from metrics and alerts."""
        r = evaluate(policy("p", target(RES, HOUR)), [created(MONDAY_UTC)], MONDAY_UTC)
        assert list(r.metrics) == [RES]


class TestPolicySetErrors:
    def test_empty(self):
        """Rule 5: an empty set would match nothing."""
        with pytest.raises(InvalidArgumentError, match="at least one policy"):
            PolicySet([])

    def test_duplicate_names(self):
        """Rule 5: names identify policies in reports."""
        with pytest.raises(DuplicateIdError, match="'p'"):
            PolicySet(
                [policy("p", target(FR, HOUR)), policy("p", target(FR, 2 * HOUR))]
            )

    @pytest.mark.parametrize("bad", ["p", {"p": 1}, [target(FR, HOUR)], 3])
    def test_not_policies(self, bad):
        """A PolicySet holds SlaPolicy values only."""
        with pytest.raises(InvalidTypeError):
            PolicySet(bad)

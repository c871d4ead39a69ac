"""SLA alerts and acceptance obligations as messages: code + parameters, two locales."""

import datetime as dt

import pendulum
import pytest

from servicekit.acceptance import STATE_OBLIGATIONS, ObligationRule, RequirementState
from servicekit.messages import Message
from servicekit.sla import (
    BusinessCalendar,
    EventKind,
    Metric,
    SlaPolicy,
    SlaTarget,
    TicketEvent,
    evaluate,
)

T0 = pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")


def _alerts(**target):
    policy = SlaPolicy(
        name="chat",
        calendar=BusinessCalendar.always_open("Asia/Shanghai"),
        targets=[
            SlaTarget(
                metric=Metric.FIRST_RESPONSE, within=dt.timedelta(minutes=4), **target
            )
        ],
    )
    return evaluate(policy, [TicketEvent(at=T0, kind=EventKind.CREATED)], T0).alerts


def test_an_alert_says_what_it_is_in_english_and_chinese():
    warning, late_warning, breach = _alerts()
    assert str(late_warning.message) == (
        "first response: warning, 75% of the time to its target used at "
        "2025-03-03T09:03:00+08:00"
    )
    assert warning.message.render("zh-CN") == (
        "首次响应：预警，截至2025年3月3日 09:02已用去目标时限的50%"
    )
    assert str(breach.message) == (
        "first response: breach, its target was missed at 2025-03-03T09:04:00+08:00"
    )


def test_a_named_target_is_named():
    warning, _, breach = _alerts(name="vip")
    assert str(warning.message).startswith("first response target vip: warning, 50%")
    assert breach.message.render("zh-CN").startswith("首次响应目标“vip”：超时")


def test_an_alerts_message_travels_as_code_and_parameters():
    for alert in _alerts():
        data = alert.message.to_dict()
        assert data["code"].startswith("sla.")
        assert data["params"]["metric"] == "first_response"
        assert Message.from_dict(data) == alert.message


# The diagram's notes, worded as they always were (tests and docs rely on them).
BEFORE = {
    "awaiting_sheet": "team owes send_sheet within confirm_within business days",
    "awaiting_confirmation": (
        "customer owes confirm_sheet within customer_confirm_within business days"
    ),
    "in_delivery": "team owes deliver by the promised delivery time",
    "awaiting_acceptance": "customer owes accept within accept_within business days",
    "in_rework": "team owes resubmit within rework_within business days",
    "awaiting_follow_up": "team owes follow_up within follow_up_within business days",
}


@pytest.mark.parametrize("state", sorted(BEFORE))
def test_an_obligation_reads_as_it_always_did_and_in_chinese(state):
    rule = STATE_OBLIGATIONS[RequirementState(state)]
    assert rule.describe() == str(rule.message) == BEFORE[state]
    chinese = rule.message.render("zh-CN")
    assert "owes" not in chinese
    assert chinese.startswith(("服务团队须", "客户须"))


def test_an_obligation_in_days_hours_or_of_a_custom_duty():
    days = ObligationRule(party="team", what="resubmit", days=2)
    assert days.message.render("zh-CN") == "服务团队须在2个工作日内完成重新提交验收"
    hours = ObligationRule(
        party="team", what="review_solution", hours=dt.timedelta(hours=4)
    )
    assert hours.describe() == "team owes review_solution within 4 business hours"
    # a duty of the team's own has no Chinese name: it is shown as it is
    assert (
        hours.message.render("zh-CN")
        == "服务团队须在4小时工作时间内完成review_solution"
    )

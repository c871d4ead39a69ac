"""Routing's and scoring's reasons as messages: same English, Chinese on request."""

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit import Priority
from servicekit.errors import DeserializationError
from servicekit.messages import Message
from servicekit.routing import (
    DispatchResult,
    EscalationStep,
    QueueOrder,
    Router,
    RoutingDecision,
    Triage,
    TriageRule,
)
from servicekit.scoring import (
    Complaint,
    FollowUpAlert,
    RiskAlert,
    follow_up_alerts,
    high_risk_customers,
)
from strategies import (
    ROUTING_GROUPS,
    ROUTING_LANGUAGES,
    ROUTING_NOW,
    ROUTING_SKILLS,
    routing_queues,
    routing_teams,
)

TRIAGE = Triage(
    rules=[
        TriageRule(
            name="refund",
            when={"category": "refund"},
            priority=Priority.HIGH,
            skills=["billing"],
            min_levels={"billing": 3},
            group="after-sales",
        )
    ]
)
ROUTER = Router(
    policies=Router.default().policies,
    triage=TRIAGE,
    queue=QueueOrder(promote_every=dt.timedelta(minutes=20)),
    escalations=[
        EscalationStep(after=dt.timedelta(minutes=5), lower_levels_by=1),
        EscalationStep(
            after=dt.timedelta(minutes=30),
            name="late",
            drop_language=True,
            any_group=True,
            drop_skills={"billing"},
            release_owner=True,
        ),
    ],
)
# Words Chinese text may keep: ids, skill, language and group names, rule names.
ALLOWED = {*ROUTING_SKILLS, *ROUTING_LANGUAGES, "refund", "late", "after"}
ALLOWED |= {w for g in ROUTING_GROUPS for w in re.split(r"[-\s]", g)}
LATIN = re.compile(r"[A-Za-z]+")


@st.composite
def scenes(draw):
    agents = draw(routing_teams(max_size=6))
    tickets = draw(routing_queues(agents, max_size=6))
    return tickets, agents


def _untranslated(text: str, ids: set[str]) -> list[str]:
    return [
        w
        for w in LATIN.findall(text)
        if w not in ALLOWED and not any(w in i for i in ids)
    ]


@settings(max_examples=40)
@given(scenes(), st.sampled_from(["indexed", "scan"]))
def test_every_reason_has_its_english_and_a_chinese_with_no_english_word(
    scene, strategy
):
    tickets, agents = scene
    result = ROUTER.dispatch(tickets, agents, ROUTING_NOW, strategy=strategy)
    ids = {t.id for t in tickets} | {a.id for a in agents}
    ids |= {t.customer_id for t in tickets if t.customer_id}
    for d in (*result.assignments, *result.unassigned):
        assert d.reasons == tuple(str(m) for m in d.messages)
        chinese = d.reasons_in("zh-CN")
        assert len(chinese) == len(d.reasons)
        for line in chinese:
            assert not _untranslated(line, ids), line
    back = DispatchResult.from_dict(result.to_dict())
    assert back == result
    assert [d.messages for d in back.assignments] == [
        d.messages for d in result.assignments
    ]


def test_a_decision_in_json_carries_codes_and_parameters():
    d = RoutingDecision(
        ticket_id="T",
        agent_id=None,
        step="standard",
        reasons=[Message.of("routing.nobody_qualifies"), "a plain note"],
    )
    data = d.to_dict()
    assert data["reasons"] == [
        {"code": "routing.nobody_qualifies", "params": {}},
        "a plain note",
    ]
    assert RoutingDecision.from_dict(data) == d
    assert d.reasons_in("zh-CN") == [
        "没有符合条件的坐席；工单留在队列中",
        "a plain note",
    ]
    assert d.reasons_in(None) == list(d.reasons)


def test_a_reason_that_is_neither_text_nor_a_message_names_its_path():
    data = {"agent_id": None, "step": "s", "reasons": [3]}
    with pytest.raises(
        DeserializationError, match=r"\$\.reasons\[0\]: expected an object or text"
    ):
        RoutingDecision.from_dict(data)
    bad_share = {
        "code": "routing.load",
        "params": {"load": 1, "capacity": 2, "share": "x"},
    }
    with pytest.raises(DeserializationError, match="finite number"):
        Message.from_dict(bad_share)


def test_escalation_steps_describe_themselves_in_both_languages():
    step = EscalationStep(
        after=dt.timedelta(hours=1), drop_language=True, any_group=True
    )
    assert step.describe() == (
        "after 1 h 00 min: accept agents who do not speak the customer's language, "
        "accept any skill group"
    )
    assert step.description.render("zh-CN") == (
        "1小时0分钟后：接受不会说客户语言的坐席，接受任何技能组"
    )
    named = EscalationStep(after=dt.timedelta(minutes=5), name="quiet")
    assert named.description.render("zh-CN") == "quiet：无变化"


def test_scoring_alerts_keep_their_english_and_say_it_in_chinese():
    rows = [{"id": "R1", "attitude": 2, "response_speed": 1}]
    (alert,) = follow_up_alerts(
        rows, id_field="id", dimensions=["attitude", "response_speed"]
    )
    assert alert.reasons == (
        "attitude rated 2 (below 3)",
        "response_speed rated 1 (below 3)",
    )
    assert alert.reasons_in("zh-CN") == [
        "服务态度评分2（低于3）",
        "响应速度评分1（低于3）",
    ]
    assert FollowUpAlert.from_dict(alert.to_dict()) == alert
    assert alert.to_dict()["reasons"][0]["code"] == "scoring.rated_low"
    now = dt.datetime(2025, 1, 24, 17, 40, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    complaints = [
        Complaint(customer="C", at=now - dt.timedelta(hours=h)) for h in (1, 2)
    ]
    for window, says in ((dt.timedelta(days=1), "一天"), (dt.timedelta(days=7), "7天")):
        (risk,) = high_risk_customers(complaints, now=now, window=window, threshold=2)
        assert risk.reasons_in("zh-CN") == [
            f"截至2025年1月24日 17:40的{says}内有2个未解决的投诉（阈值2）"
        ]
        assert RiskAlert.from_dict(risk.to_dict()) == risk

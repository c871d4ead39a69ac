"""The desk decides alike whether it routes through its session or Router.dispatch.

With built-in policies the desk keeps its agents' live state in a private routing
session; with any other it calls ``Router.dispatch`` and replaces the agents it
returns. Both must give the same simulation, contact for contact.
"""

import datetime as dt

import pendulum
import pytest

from servicekit.routing import Agent, EscalationStep, Router
from servicekit.routing._session import Session
from servicekit.workforce import ContactType, simulate_desk

START = pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")

TEAM = [
    Agent(
        id="li",
        skills={"billing": 6, "refunds": 3},
        languages={"zh"},
        capacity={"phone": 1, "chat": 3},
    ),
    Agent(
        id="wang", skills={"billing": 2}, languages={"zh", "mn"}, capacity={"chat": 2}
    ),
    Agent(id="ma", languages={"zh"}, capacity={"phone": 1}, part_time=True),
    Agent(id="zhao", skills={"refunds": 5}, capacity={"email": 4, "chat": 1}),
    Agent(id="sun", languages={"zh"}, capacity={"chat": 2}, available=False),
]
KINDS = [
    ContactType(name="bill", channel="chat", skills={"billing"}, language="zh"),
    ContactType(name="refund", channel="email", skills={"refunds"}, weight=0.5),
    ContactType(name="call", channel="phone", priority="high", language="zh"),
    ContactType(name="mongolian", channel="chat", language="mn", weight=0.3),
]
ROUTERS = [
    Router.default(),
    Router.default(
        escalations=[
            EscalationStep(after=dt.timedelta(minutes=2), drop_language=True),
            EscalationStep(after=dt.timedelta(minutes=5), drop_all_skills=True),
        ],
        promote_every=dt.timedelta(minutes=3),
    ),
]


def _desk(router):
    return simulate_desk(
        seed=5,
        start=START,
        target_answer=dt.timedelta(seconds=20),
        volumes=[40, 60, 30],
        interval=dt.timedelta(minutes=30),
        aht=dt.timedelta(minutes=4),
        patience=dt.timedelta(minutes=6),
        agents=TEAM,
        contact_types=KINDS,
        router=router,
    )


@pytest.mark.parametrize("router", ROUTERS)
def test_the_session_and_router_dispatch_simulate_the_same_desk(router, monkeypatch):
    with_session = _desk(router)
    assert with_session.answered
    monkeypatch.setattr(Session, "serves", staticmethod(lambda _router: False))
    without = _desk(router)
    assert without.contacts == with_session.contacts

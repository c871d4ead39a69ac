"""The open channel vocabulary (issue 14): built-ins, WeChat and friends, a team's own.

Registered names here are unique to this module, so no other test sees them.
"""

from __future__ import annotations

import json
import pickle

import pendulum
import pytest

from servicekit import Channel
from servicekit.errors import (
    DeserializationError,
    InvalidArgumentError,
    InvalidTypeError,
    UnknownNameError,
)
from servicekit.routing import Agent
from servicekit.sla import EventKind, SlaPolicy, TicketEvent, evaluate
from servicekit.sla.presets import CHINA_BUSINESS_CALENDAR, SERVICE_STANDARD
from sla.clock_world import FR, MINUTE, target

T0 = pendulum.datetime(2025, 3, 3, 10, tz="Asia/Shanghai")


class TestBuiltIn:
    @pytest.mark.parametrize(
        ("text", "member"),
        [
            ("wechat", Channel.WECHAT),
            ("WeChat", Channel.WECHAT),
            ("mini program", Channel.MINI_PROGRAM),
            ("Mini-Program", Channel.MINI_PROGRAM),
            ("OFFLINE_STATION", Channel.OFFLINE_STATION),
            (" chat ", Channel.CHAT),
        ],
    )
    def test_spellings(self, text, member):
        assert Channel.parse(text) is member
        assert member.builtin

    def test_iteration_lists_the_built_ins_only(self):
        Channel.register("test_channels_hidden")
        assert all(c.builtin for c in Channel)
        assert len(list(Channel)) == 9


class TestRegistered:
    def test_register_gives_a_member_of_the_type(self):
        douyin = Channel.register("Test Channels Douyin")
        assert type(douyin) is Channel
        assert douyin.value == "test_channels_douyin"
        assert douyin.name == "TEST_CHANNELS_DOUYIN"
        assert not douyin.builtin
        assert Channel.register("test-channels-douyin") is douyin
        assert Channel.parse("TEST_CHANNELS_DOUYIN") is douyin
        assert Channel.register(douyin) is douyin

    def test_a_name_nobody_registered_is_refused(self):
        """A typo is an error, not a silently new channel."""
        with pytest.raises(UnknownNameError, match=r"Channel\.register"):
            Channel.parse("test_channels_emial")

    def test_registering_a_built_in_name_gives_the_built_in(self):
        assert Channel.register("WeChat") is Channel.WECHAT

    @pytest.mark.parametrize("name", ["", "   ", "x" * 65, "a\x00b"])
    def test_bad_names(self, name):
        with pytest.raises(InvalidArgumentError, match="channel name"):
            Channel.register(name)

    @pytest.mark.parametrize("name", [None, 5, b"wechat", ["wechat"]])
    def test_non_text_names(self, name):
        with pytest.raises(InvalidTypeError, match="must be text"):
            Channel.register(name)

    def test_pickles_into_a_worker_that_never_registered_it(self):
        station = Channel.register("test_channels_kiosk")
        assert pickle.loads(pickle.dumps(station)) is station
        # What unpickling calls in a fresh worker: Channel(value).
        fresh = Channel("test_channels_unregistered_in_worker")
        assert fresh.value == "test_channels_unregistered_in_worker"


class TestThroughTheLibrary:
    def test_ticket_events_round_trip_through_json(self):
        live = Channel.register("test_channels_live")
        e = TicketEvent(at=T0, kind=EventKind.CREATED, channel=live)
        data = json.loads(json.dumps(e.to_dict()))
        assert data["channel"] == "test_channels_live"
        assert TicketEvent.from_dict(data) == e
        assert TicketEvent.from_dict(data).channel is live

    def test_unknown_channel_in_json_names_the_path(self):
        with pytest.raises(DeserializationError, match=r"\$\.channel"):
            TicketEvent.from_dict(
                {"at": T0.isoformat(), "kind": "created", "channel": "test_channels_x"}
            )

    def test_routing_capacity_maps_accept_it(self):
        station = Channel.register("test_channels_station")
        agent = Agent(id="a", capacity={"test_channels_station": 2, Channel.WECHAT: 1})
        assert agent.room(station) == 2
        assert agent.room(Channel.WECHAT) == 1
        assert Agent.from_dict(json.loads(json.dumps(agent.to_dict()))) == agent

    def test_policies_select_on_it(self):
        wechat_fast = SlaPolicy(
            name="wechat",
            when={"channel": Channel.WECHAT},
            calendar=CHINA_BUSINESS_CALENDAR,
            targets=[target(FR, MINUTE)],
        )
        events = [TicketEvent(at=T0, kind=EventKind.CREATED, channel="wechat")]
        assert evaluate(wechat_fast, events, T0).policy == "wechat"
        assert evaluate(SERVICE_STANDARD, events, T0).policy == "standard"

"""Every public enum parses its Chinese names (issue 16), from one table."""

import enum

import pytest

import servicekit.acceptance  # importing each package defines its enums
import servicekit.routing
import servicekit.scoring  # noqa: F401
from servicekit import Channel, Priority, Tier
from servicekit._names_zh import CHINESE_NAMES, chinese_name
from servicekit._vocabulary import NamedEnum
from servicekit.acceptance import RequirementState
from servicekit.errors import UnknownNameError
from servicekit.sla import Metric, SlaTarget


def _all_enums() -> list[type[NamedEnum]]:
    found: list[type[NamedEnum]] = []
    todo = list(NamedEnum.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if list(cls):  # the ranked base has no members of its own
            found.append(cls)
    return sorted(found, key=lambda c: c.__name__)


ENUMS = _all_enums()
MEMBERS = [m for cls in ENUMS for m in cls]


def test_every_public_enum_is_in_the_table():
    assert {c.__name__ for c in ENUMS} <= set(CHINESE_NAMES)
    assert len({c.__name__ for c in ENUMS}) == len(ENUMS), "enum names must be unique"


@pytest.mark.parametrize(
    "member", MEMBERS, ids=lambda m: f"{type(m).__name__}.{m.name}"
)
def test_every_member_parses_each_of_its_chinese_names(member):
    names = CHINESE_NAMES[type(member).__name__][member.value]
    assert names, f"{member!r} has no Chinese name"
    for name in names:
        assert type(member).parse(name) is member
        assert type(member).parse(f" {name} ") is member
    assert chinese_name(member) == names[0]


@pytest.mark.parametrize("cls", ENUMS, ids=lambda c: c.__name__)
def test_no_chinese_name_names_two_members_or_an_english_one(cls):
    english = {m.value for m in cls} | {m.name for m in cls}
    seen: dict[str, str] = {}
    for value, names in CHINESE_NAMES[cls.__name__].items():
        for name in names:
            assert name not in english
            assert seen.setdefault(name, value) == value, f"{name} names two members"


@pytest.mark.parametrize(
    ("text", "member"),
    [
        ("高价值", Tier.HIGH_VALUE),
        ("高净值", Tier.HIGH_VALUE),
        ("潜力", Tier.POTENTIAL),
        ("普通", Tier.ORDINARY),
        ("紧急", Priority.URGENT),
        ("高", Priority.HIGH),
        ("中", Priority.NORMAL),
        ("低", Priority.LOW),
        ("电话", Channel.PHONE),
        ("在线", Channel.CHAT),
        ("邮件", Channel.EMAIL),
        ("首次响应", Metric.FIRST_RESPONSE),
        ("待验收", RequirementState.AWAITING_ACCEPTANCE),
    ],
)
def test_the_names_in_our_users_plans(text, member):
    """The issue's example: ``Tier.parse("高价值")`` raised before."""
    assert type(member).parse(text) is member


def test_english_still_parses_and_unknown_names_still_list_the_choices():
    assert Priority.parse("URGENT") is Priority.URGENT
    with pytest.raises(UnknownNameError, match="urgent, high, normal, low"):
        Priority.parse("十万火急")


def test_a_registered_channel_gets_no_invented_chinese_name():
    """微信 is a built-in member; a team's own channel has no Chinese name to parse."""
    assert Channel.parse("微信") is Channel.WECHAT
    assert Channel.parse("线下网点") is Channel.OFFLINE_STATION
    douyin = Channel.register("douyin_live")
    assert douyin.value not in CHINESE_NAMES["Channel"]
    with pytest.raises(UnknownNameError):
        Channel.parse("抖音直播")


def test_chinese_names_come_through_the_codec():
    target = SlaTarget.from_dict({"metric": "首次响应", "within": "PT30M"})
    assert target.metric is Metric.FIRST_RESPONSE
    assert target.to_dict()["metric"] == "first_response"


def test_a_member_without_a_chinese_name_shows_its_value():
    class Colour(enum.StrEnum):
        RED = "red"

    assert chinese_name(Colour.RED) == "red"

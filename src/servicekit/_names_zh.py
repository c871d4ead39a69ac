"""The Chinese names of servicekit's enum members: one table, read by ``parse`` and by renderers.

Our users write their plans in Chinese (高价值客户, 紧急工单, 首次响应), so every enum's
``parse`` accepts these names as well as the English ones, and a message rendered in
Chinese shows a member by its first (canonical) name here. The table is keyed by the
enum's class name and the member's *value*, so this module imports nothing from
servicekit (the enums import it). The canonical names follow ``docs/glossary.md``; a
test holds the two together. This module must never do I/O or change after import.

Examples:
    >>> from servicekit._names_zh import chinese_name
    >>> from servicekit import Tier
    >>> chinese_name(Tier.HIGH_VALUE)
    '高价值'
    >>> Tier.parse("潜力")
    <Tier.POTENTIAL: 'potential'>
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeVar

if TYPE_CHECKING:
    import enum
    from collections.abc import Mapping

__all__ = ["CHINESE_NAMES", "chinese_name", "chinese_names_of"]

_M = TypeVar("_M")

#: Enum class name → member value → its Chinese names, the canonical one first.
#: A channel a team registers (``Channel.register``) has no Chinese name until a
#: catalogue gives it one: only the built-in members are listed here.
CHINESE_NAMES: Final[Mapping[str, Mapping[str, tuple[str, ...]]]] = {
    "Priority": {
        "urgent": ("紧急", "特急"),
        "high": ("高", "高优先级"),
        "normal": ("中", "一般", "中优先级"),
        "low": ("低", "低优先级"),
    },
    "Tier": {
        "high_value": ("高价值", "高净值", "高价值客户", "高净值客户"),
        "potential": ("潜力", "潜力客户"),
        "ordinary": ("普通", "普通客户"),
    },
    "Channel": {
        "phone": ("电话", "热线", "呼叫中心"),
        "chat": ("在线", "在线客服", "在线咨询"),
        "email": ("邮件", "电子邮件", "邮箱"),
        "web": ("网页", "官网", "网站"),
        "social": ("社交媒体", "社媒"),
        "bot": ("机器人", "智能客服"),
        "wechat": ("微信", "企业微信"),
        "mini_program": ("小程序", "微信小程序"),
        "offline_station": ("线下网点", "服务网点", "线下"),
    },
    "Metric": {
        "first_response": ("首次响应", "首响"),
        "next_response": ("后续响应", "再次响应"),
        "periodic_update": ("定期更新", "进度更新"),
        "resolution": ("解决", "问题解决"),
    },
    "EventKind": {
        "created": ("创建", "工单创建"),
        "customer_message": ("客户消息", "客户留言"),
        "agent_reply": ("客服回复", "坐席回复"),
        "status_changed": ("状态变更",),
        "priority_changed": ("优先级变更",),
        "tier_changed": ("客户等级变更", "等级变更"),
        "facts_changed": ("信息变更", "工单信息变更"),
        "reopened": ("重新打开", "重开"),
        "customer_notified": ("已告知客户", "结果告知"),
        "survey_sent": ("已发送满意度调查", "发送满意度调查"),
    },
    "TicketStatus": {
        "open": ("处理中", "打开", "待处理"),
        "pending": ("待客户回复", "等待客户"),
        "on_hold": ("挂起", "暂缓"),
        "solved": ("已解决",),
        "closed": ("已关闭", "关闭"),
    },
    "MetricState": {
        "not_started": ("未开始",),
        "running": ("计时中", "进行中"),
        "paused": ("已暂停", "暂停"),
        "met": ("已达标", "达标"),
        "breached": ("已超时", "超时", "违约"),
    },
    "AlertKind": {
        "warning": ("预警", "警告"),
        "breach": ("超时", "违约"),
    },
    "AcceptanceTimeoutAction": {
        "escalate": ("升级", "上报"),
        "deem_accepted": ("视为验收通过", "默认验收"),
    },
    "RequirementState": {
        "awaiting_sheet": ("待出需求确认单", "待出确认单"),
        "awaiting_confirmation": ("待客户确认", "待确认"),
        "in_delivery": ("实施中", "交付中"),
        "awaiting_acceptance": ("待验收",),
        "in_rework": ("返工中", "整改中"),
        "awaiting_follow_up": ("待回访",),
        "closed": ("已关闭", "已结案"),
        "cancelled": ("已取消", "取消"),
    },
    "Party": {
        "team": ("服务团队", "我方", "团队"),
        "customer": ("客户",),
    },
    "Duty": {
        "send_sheet": ("发送需求确认单", "出确认单"),
        "confirm_sheet": ("确认需求确认单", "确认"),
        "deliver": ("交付",),
        "accept": ("验收",),
        "resubmit": ("重新提交验收", "重新提交"),
        "follow_up": ("回访",),
    },
    "BreachKind": {
        "late": ("逾期",),
        "lapsed": ("失效", "超期失效"),
        "late_delay_notice": ("延期通知过晚",),
    },
    "Every": {
        "business_day": ("每个工作日", "每工作日"),
        "week": ("每周",),
        "month": ("每月",),
        "quarter": ("每季度",),
    },
    "SolveStatus": {
        "optimal": ("最优",),
        "time_limit": ("达到时限", "超时"),
    },
}


def chinese_names_of(enum_name: str, members: Mapping[str, _M]) -> dict[str, _M]:
    """Return each Chinese name of an enum's members, mapped to the member.

    Args:
        enum_name: the enum's class name (``"Tier"``).
        members: the enum's members by value (names of other values are left out).

    Examples:
        >>> chinese_names_of("Party", {"customer": "C"})
        {'客户': 'C'}
    """
    out: dict[str, _M] = {}
    for value, names in CHINESE_NAMES.get(enum_name, {}).items():
        if value in members:
            member = members[value]
            out.update(dict.fromkeys(names, member))
    return out


def chinese_name(member: enum.Enum) -> str:
    """Return a member's canonical Chinese name (its English value when it has none).

    Examples:
        >>> from servicekit import Priority
        >>> chinese_name(Priority.URGENT)
        '紧急'
    """
    names = CHINESE_NAMES.get(type(member).__name__, {}).get(str(member.value))
    return names[0] if names else str(member.value)

"""Business-calendar-aware SLA clocks.

Example:
    >>> from servicekit.sla import condition_from
    >>> condition_from({"channel": "chat"}).matches({"channel": "chat"})
    True
"""

from servicekit._conditions import (
    AllOf,
    Always,
    AnyOf,
    Compare,
    Condition,
    Equals,
    Not,
    OneOf,
    condition_from,
)

__all__ = [
    "AllOf",
    "Always",
    "AnyOf",
    "Compare",
    "Condition",
    "Equals",
    "Not",
    "OneOf",
    "condition_from",
]

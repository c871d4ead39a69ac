"""The built-in policies as one family of values, read back by their ``"type"``.

Import the built-ins from here when their serialised form matters (the router does):
this module registers them with the codec.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from servicekit import _codec
from servicekit.routing._filters import (
    Availability,
    ChannelMatch,
    LanguageMatch,
    PartTimeWeighting,
    RequiredSkills,
    SeniorForRepeatComplaints,
    SkillGroupMatch,
)
from servicekit.routing._policy import RoutingPolicy
from servicekit.routing._preferences import (
    DedicatedManager,
    LeastLoaded,
    LongestIdle,
    OwnerStickiness,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from servicekit.routing._indexed import IndexedPolicy

__all__ = [
    "BUILTINS",
    "Availability",
    "ChannelMatch",
    "DedicatedManager",
    "LanguageMatch",
    "LeastLoaded",
    "LongestIdle",
    "OwnerStickiness",
    "PartTimeWeighting",
    "RequiredSkills",
    "SeniorForRepeatComplaints",
    "SkillGroupMatch",
    "policy_from_dict",
]

BUILTINS: tuple[type[IndexedPolicy], ...] = (
    ChannelMatch,
    Availability,
    RequiredSkills,
    LanguageMatch,
    SkillGroupMatch,
    PartTimeWeighting,
    SeniorForRepeatComplaints,
    OwnerStickiness,
    DedicatedManager,
    LeastLoaded,
    LongestIdle,
)
for _cls in BUILTINS:
    _codec.value(tag=_cls.kind, omit_if_default=())(_cls)
# A field typed RoutingPolicy reads a built-in policy by its "type".
_codec.variants(RoutingPolicy, BUILTINS)


def policy_from_dict(data: Mapping[str, Any]) -> RoutingPolicy:
    """Build a built-in policy from its ``to_dict()`` data.

    Args:
        data: ``{"type": kind, **parameters}`` as produced by ``to_dict()``.

    Returns:
        The built-in policy.

    Raises:
        DeserializationError: the data names no built-in policy, has a key the
            policy does not take, or a malformed value; the message names the path.

    Examples:
        >>> from datetime import timedelta
        >>> from servicekit.routing import OwnerStickiness, policy_from_dict
        >>> p = OwnerStickiness(wait=timedelta(minutes=10))
        >>> p.to_dict()
        {'type': 'owner', 'wait': 'PT10M', 'name': 'first-contact ownership'}
        >>> policy_from_dict(p.to_dict()) == p
        True
    """
    # A protocol names the family of variants the codec reads by their "type".
    return _codec.from_data(RoutingPolicy, data, what="policy")  # type: ignore[type-abstract]

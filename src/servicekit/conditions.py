"""Rule conditions: data that decides whether a ticket's facts match a rule.

SLA policies (``when=``) and routing's triage rules decide "does this rule apply?"
with the same small frozen values: [`Equals`][], [`OneOf`][],
[`Compare`][], [`Contains`][], the text conditions [`TextContains`][],
[`TextHasWord`][] and [`TextMatches`][] (keywords in a subject; a pattern can never
hang), combined by [`AllOf`][], [`AnyOf`][] and [`Not`][] ([`Always`][] matches
everything). They are data, never lambdas, so rule tables can
be listed, printed, stored as JSON and compared. Stored, each names its kind under
``"type"``, as every servicekit value does (a [`Compare`][] keeps its operator under
``"op"``); [`condition_from`][] builds one from that ``to_dict`` data or from a
shorthand mapping (``{"priority": "urgent"}``; a list means one of). Anything with
``matches`` and ``to_dict`` is a [`Condition`][].

A field is a key of the facts mapping or a dotted path into nested mappings
(``"attributes.city"``); a missing field makes ``Equals``, ``OneOf`` and ``Compare``
false. Fields named ``priority`` and ``tier`` compare by rank (``URGENT > HIGH``).
``servicekit.sla`` and ``servicekit.routing`` re-export these names; this module is
their home.

Examples:
    >>> from servicekit import Priority
    >>> from servicekit.conditions import AllOf, Compare, Equals, condition_from
    >>> rule = AllOf(
    ...     conditions=[
    ...         Equals(field="channel", value="chat"),
    ...         Compare(field="priority", op=">=", value=Priority.HIGH),
    ...     ]
    ... )
    >>> rule.matches({"channel": "chat", "priority": "urgent"})
    True
    >>> rule.matches({"channel": "chat", "priority": "low"})
    False
    >>> rule.to_dict()["conditions"][1]
    {'type': 'compare', 'field': 'priority', 'op': '>=', 'value': 'high'}
    >>> condition_from(rule.to_dict()) == rule
    True
"""

from servicekit._conditions import (
    AllOf,
    Always,
    AnyOf,
    Compare,
    Condition,
    Contains,
    Equals,
    Not,
    OneOf,
    TextContains,
    TextHasWord,
    TextMatches,
    condition_from,
)

__all__ = [
    "AllOf",
    "Always",
    "AnyOf",
    "Compare",
    "Condition",
    "Contains",
    "Equals",
    "Not",
    "OneOf",
    "TextContains",
    "TextHasWord",
    "TextMatches",
    "condition_from",
]

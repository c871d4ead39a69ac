"""Rule conditions as data: matched against a mapping of facts, serialisable to JSON.

SLA policies (``when=``) and routing triage rules use these. Conditions are small
frozen values, never lambdas, so rule tables can be listed, printed, stored and
compared. They serialise through the one codec (``servicekit._codec``) as a family
of variants named under ``"type"``; a mapping without ``"type"`` is the shorthand
(``{"priority": "urgent"}``). This module must never evaluate strings as code.

A *field* is a key of the facts mapping, or a dotted path into nested mappings
(``"attributes.city"``). A missing field makes ``Equals``, ``OneOf`` and ``Compare``
false (so ``Not`` of them true). Fields named ``priority`` and ``tier`` compare by
rank (``URGENT > HIGH``), whether the facts hold enum members or their string values.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, Final, Literal, Protocol, TypeVar, runtime_checkable

import attrs

from servicekit import _codec
from servicekit._boundary import quote, said
from servicekit._text import Pattern, caseless, compile_pattern, find_word
from servicekit._vocabulary import Priority, Tier
from servicekit.errors import InvalidConditionError

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

_MISSING: Final = object()
_RANKED_FIELDS: Final[dict[str, type[Priority | Tier]]] = {
    "priority": Priority,
    "tier": Tier,
}
Scalar = str | int | float | bool | None
CompareOp = Literal["<", "<=", ">", ">=", "!="]
_OPS: Final = ("<", "<=", ">", ">=", "!=")
_T = TypeVar("_T")
# The key documents written before issue 13 named a condition's kind by.
_OLD_TAG: Final = "op"
# Keys of a condition's own data. A shorthand mapping holding one is a condition
# that lost its "type" (read as the shorthand, it would silently mean another rule).
_DATA_KEYS: Final = frozenset(
    {_codec.TAG, _OLD_TAG, "field", "value", "values", "conditions", "condition"}
)


@runtime_checkable
class Condition(Protocol):
    """Anything that can decide whether a set of facts matches, and serialise itself.

    Examples:
        >>> from servicekit.sla import Condition, Equals
        >>> isinstance(Equals(field="channel", value="chat"), Condition)
        True
    """

    def matches(self, facts: Mapping[str, Any]) -> bool:
        """Return whether ``facts`` satisfy this condition."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-native data that ``condition_from`` turns back into it."""
        ...


def _lookup(facts: Mapping[str, Any], field: str) -> Any:
    if field in facts:
        return facts[field]
    current: Any = facts
    for part in field.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return _MISSING
        current = current[part]
    return current


# For servicekit's own memo keys (routing triage): what a condition reads at a field,
# and the marker of a field the facts lack.
lookup: Final = _lookup
MISSING: Final = _MISSING


def _said_scalar(code: str, what: str, **params: str) -> Any:
    """An error of ``_check_scalar``'s: ``what`` is one of its two callers' phrases."""
    attr = what.removeprefix("the condition's ")
    if attr == what:  # "each OneOf value"
        return said(f"{code}.one_of", **params)
    return said(code, attr=attr, **params)


def _check_scalar(value: object, what: str) -> None:
    if value is not None and not isinstance(value, str | int | float | bool):
        msg = (
            f"{what} must be a string, number, boolean or None so the rule "
            f"serialises to JSON; got {type(value).__name__} {quote(value)}"
        )
        said_as = _said_scalar(
            "error.condition.not_scalar",
            what,
            type=type(value).__name__,
            value=quote(value),
        )
        raise InvalidConditionError(msg, message=said_as)
    if isinstance(value, float) and math.isnan(value):
        msg = f"{what} is NaN, which equals nothing; use a real number"
        said_as = _said_scalar("error.condition.nan", what)
        raise InvalidConditionError(msg, message=said_as)
    if isinstance(value, float) and math.isinf(value):
        msg = f"{what} is infinite, which JSON cannot hold; use a finite number"
        said_as = _said_scalar("error.condition.infinite", what)
        raise InvalidConditionError(msg, message=said_as)


def _check_field(_inst: object, _attr: object, field: str) -> None:
    if not isinstance(field, str) or not field or field.startswith("."):
        msg = f"a condition field must be a non-empty name such as 'priority'; got {quote(field)}"
        said_as = said("error.condition.field_empty", field=quote(field))
        raise InvalidConditionError(msg, message=said_as)


def _scalar_validator(_inst: object, attr: attrs.Attribute[Any], value: Scalar) -> None:
    _check_scalar(value, f"the condition's {attr.name}")


def _to_json(value: Any) -> Scalar:
    # StrEnum members are str; emit the plain value so JSON holds no enum objects.
    if isinstance(value, str):
        return str(value)
    return value  # type: ignore[no-any-return]


def _as_is(value: _T) -> _T:
    return value


def _to_field(field: str) -> str:
    _check_field(None, None, field)
    return field


# Read with the codec's text hook, then checked here, so a bad field is reported at
# its own path ($.when.conditions[0].field), not at the condition holding it.
_FIELD: Final = _codec.Shape(str, _to_field, _as_is)
_VALUE: Final = (None, _to_json)


def _same(field: str, fact: Any, value: Any) -> bool:
    ranked = _RANKED_FIELDS.get(field)
    if ranked is not None and isinstance(fact, str) and isinstance(value, str):
        return fact.strip().lower() == value.strip().lower()
    # bool is an int in Python; True must not equal 1 in a rule.
    if isinstance(fact, bool) != isinstance(value, bool):
        return False
    return bool(fact == value)


@_codec.value(tag="always")
@attrs.frozen(kw_only=True)
class Always(_codec.Serialisable):
    """The condition every set of facts satisfies (``when=None`` means this).

    Examples:
        >>> from servicekit.sla import Always
        >>> Always().matches({}), Always().to_dict()
        (True, {'type': 'always'})
    """

    def matches(self, facts: Mapping[str, Any]) -> bool:  # noqa: ARG002
        """Return True."""
        return True


@_codec.value(tag="equals", shapes={"field": _FIELD}, hooks={"value": _VALUE})
@attrs.frozen(kw_only=True)
class Equals(_codec.Serialisable):
    """The fact ``field`` equals ``value``.

    Examples:
        >>> from servicekit import Priority
        >>> from servicekit.sla import Equals
        >>> Equals(field="priority", value=Priority.URGENT).matches(
        ...     {"priority": "urgent"}
        ... )
        True
        >>> Equals(field="attributes.city", value="Hohhot").matches(
        ...     {"attributes": {"city": "Hohhot"}}
        ... )
        True
        >>> Equals(field="priority", value=Priority.URGENT).to_dict()
        {'type': 'equals', 'field': 'priority', 'value': 'urgent'}
    """

    field: str = attrs.field(validator=_check_field)
    value: Scalar = attrs.field(validator=_scalar_validator)

    def matches(self, facts: Mapping[str, Any]) -> bool:
        """Return whether the fact is present and equal to ``value``."""
        fact = _lookup(facts, self.field)
        return fact is not _MISSING and _same(self.field, fact, self.value)


def _to_values(values: Iterable[Scalar]) -> tuple[Scalar, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        msg = f"OneOf values must be a list of allowed values, not {quote(values)}"
        said_as = said("error.condition.one_of_not_list", values=quote(values))
        raise InvalidConditionError(msg, message=said_as)
    out = tuple(values)
    for v in out:
        _check_scalar(v, "each OneOf value")
    if not out:
        msg = "OneOf needs at least one allowed value (an empty list matches nothing)"
        said_as = said("error.condition.one_of_empty")
        raise InvalidConditionError(msg, message=said_as)
    return out


def _values_json(values: tuple[Scalar, ...]) -> list[Scalar]:
    return [_to_json(v) for v in values]


@_codec.value(
    tag="one_of",
    shapes={
        "field": _FIELD,
        "values": _codec.Shape(tuple[Scalar, ...], _to_values, _values_json),
    },
)
@attrs.frozen(kw_only=True)
class OneOf(_codec.Serialisable):
    """The fact ``field`` equals one of ``values``.

    Examples:
        >>> from servicekit import Tier
        >>> from servicekit.sla import OneOf
        >>> c = OneOf(field="tier", values=[Tier.HIGH_VALUE, Tier.POTENTIAL])
        >>> c.matches({"tier": Tier.POTENTIAL}), c.matches({"tier": Tier.ORDINARY})
        (True, False)
    """

    field: str = attrs.field(validator=_check_field)
    values: tuple[Scalar, ...] = attrs.field(converter=_to_values)

    def matches(self, facts: Mapping[str, Any]) -> bool:
        """Return whether the fact is present and equal to one of ``values``."""
        fact = _lookup(facts, self.field)
        if fact is _MISSING:
            return False
        return any(_same(self.field, fact, v) for v in self.values)


def _check_op(_inst: object, _attr: object, op: str) -> None:
    if op not in _OPS:
        msg = f"unknown comparison {op!r}; use one of {', '.join(_OPS)}"
        said_as = said("error.condition.unknown_op", op=repr(op), ops=", ".join(_OPS))
        raise InvalidConditionError(msg, message=said_as)


@_codec.value(tag="compare", shapes={"field": _FIELD}, hooks={"value": _VALUE})
@attrs.frozen(kw_only=True)
class Compare(_codec.Serialisable):
    """The fact ``field`` compares to ``value`` with ``op`` (``<``, ``<=``, ``>``, ``>=``, ``!=``).

    ``priority`` and ``tier`` compare by rank. Comparing values of unrelated types
    (a number with a string) raises instead of guessing. Stored, the condition is
    named ``"compare"`` under ``"type"`` and keeps its operator under ``"op"``.

    Examples:
        >>> from servicekit import Priority
        >>> from servicekit.sla import Compare
        >>> Compare(field="priority", op=">=", value=Priority.HIGH).matches(
        ...     {"priority": "urgent"}
        ... )
        True
        >>> Compare(field="attributes.order_value", op=">", value=1000).matches(
        ...     {"attributes": {"order_value": 1200}}
        ... )
        True
        >>> Compare(field="priority", op=">=", value=Priority.HIGH).to_dict()
        {'type': 'compare', 'field': 'priority', 'op': '>=', 'value': 'high'}
    """

    field: str = attrs.field(validator=_check_field)
    op: CompareOp = attrs.field(validator=_check_op)
    value: Scalar = attrs.field(validator=_scalar_validator)

    def __attrs_post_init__(self) -> None:
        ranked = _RANKED_FIELDS.get(self.field)
        if ranked is not None and self.op != "!=":
            try:
                ranked.parse(self.value)
            except LookupError:
                # Said here, not by parse: its message would quote all of a huge text.
                allowed = ", ".join(m.value for m in ranked)
                msg = (
                    f"{quote(self.value)} is not a {ranked.__name__}; "
                    f"compare {self.field} with one of: {allowed}"
                )
                said_as = said(
                    "error.condition.not_ranked",
                    value=quote(self.value),
                    vocabulary=ranked.__name__,
                    field=self.field,
                    allowed=allowed,
                )
                raise InvalidConditionError(msg, message=said_as) from None
        elif self.op != "!=" and (self.value is None or isinstance(self.value, bool)):
            msg = f"cannot order by {self.value!r}; compare {quote(self.field)} with a number or string"
            said_as = said(
                "error.condition.unordered_value",
                value=repr(self.value),
                field=quote(self.field),
            )
            raise InvalidConditionError(msg, message=said_as)

    def matches(self, facts: Mapping[str, Any]) -> bool:
        """Return whether the fact is present and the comparison holds.

        Raises:
            InvalidConditionError: the fact and the value cannot be ordered.
        """
        fact = _lookup(facts, self.field)
        if fact is _MISSING:
            return False
        if self.op == "!=":
            return not _same(self.field, fact, self.value)
        left: Any = fact
        right: Any = self.value
        ranked = _RANKED_FIELDS.get(self.field)
        if ranked is not None:
            try:
                left = ranked.parse(fact)
            except LookupError as e:
                raise InvalidConditionError(
                    str(e), message=getattr(e, "message", None)
                ) from None
            right = ranked.parse(self.value)
        elif isinstance(fact, bool) or (
            isinstance(fact, str) != isinstance(right, str)
        ):
            msg = (
                f"cannot compare {self.field}={fact!r} with {right!r}; "
                "give the fact and the rule the same type"
            )
            said_as = said(
                "error.condition.types_differ",
                field=self.field,
                fact=repr(fact),
                rule=repr(right),
            )
            raise InvalidConditionError(msg, message=said_as)
        try:
            if self.op == "<":
                return bool(left < right)
            if self.op == "<=":
                return bool(left <= right)
            if self.op == ">":
                return bool(left > right)
            return bool(left >= right)
        except TypeError:
            msg = f"cannot compare {self.field}={fact!r} with {right!r}"
            said_as = said(
                "error.condition.cannot_compare",
                field=self.field,
                fact=repr(fact),
                rule=repr(right),
            )
            raise InvalidConditionError(msg, message=said_as) from None


@_codec.value(tag="contains", shapes={"field": _FIELD}, hooks={"value": _VALUE})
@attrs.frozen(kw_only=True)
class Contains(_codec.Serialisable):
    """The fact ``field`` is a collection (list, set, mapping keys) holding ``value``.

    For set-valued facts such as a ticket's required skills or a customer's tags.
    Text is not a collection here: a string fact raises instead of matching
    substrings.

    Examples:
        >>> from servicekit.sla import Contains
        >>> Contains(field="skills", value="refunds").matches(
        ...     {"skills": {"refunds", "vat"}}
        ... )
        True
        >>> Contains(field="tags", value="vip").matches({"tags": []})
        False
    """

    field: str = attrs.field(validator=_check_field)
    value: Scalar = attrs.field(validator=_scalar_validator)

    def matches(self, facts: Mapping[str, Any]) -> bool:
        """Return whether the fact is present and holds ``value``.

        Raises:
            InvalidConditionError: the fact is not a collection.
        """
        fact = _lookup(facts, self.field)
        if fact is _MISSING:
            return False
        if isinstance(fact, str | bytes) or not isinstance(fact, Iterable):
            msg = (
                f"{self.field}={fact!r} is not a collection; Contains looks for an item "
                "in a list, set or mapping (use Equals for a single value)"
            )
            said_as = said(
                "error.condition.not_collection", field=self.field, fact=repr(fact)
            )
            raise InvalidConditionError(msg, message=said_as)
        return any(_same(self.field, item, self.value) for item in fact)


def _compared(text: str, *, casefold: bool) -> str:
    """The form a text condition compares: as given, or caseless."""
    return caseless(text) if casefold else text


def _compared_form(public: str) -> Any:
    """A private field holding the compared form of the text field ``public``."""
    return attrs.field(
        init=False,
        repr=False,
        eq=False,
        hash=False,
        default=attrs.Factory(
            lambda self: _compared(getattr(self, public), casefold=self.casefold),
            takes_self=True,
        ),
    )


def _text_fact(
    facts: Mapping[str, Any], field: str, kind: str, *, casefold: bool
) -> str | None:
    """The compared form of the text at ``field``, None when absent or null.

    Raises:
        InvalidConditionError: the fact is not text.
    """
    fact = _lookup(facts, field)
    if fact is _MISSING or fact is None:
        return None
    if not isinstance(fact, str):
        msg = (
            f"{field}={fact!r} is not text; {kind} reads text facts such as a "
            "subject (use Contains for a list or set, Equals or Compare for a number)"
        )
        said_as = said(
            "error.condition.not_text_fact", field=field, fact=repr(fact), kind=kind
        )
        raise InvalidConditionError(msg, message=said_as)
    return _compared(fact, casefold=casefold)


def _check_text(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        msg = f"the condition's {attr.name} must be text; got {quote(value)}"
        said_as = said(
            "error.condition.text_not_text", attr=attr.name, value=quote(value)
        )
        raise InvalidConditionError(msg, message=said_as)
    if not value:
        msg = f"an empty {attr.name} is in every text; use Always() for that"
        said_as = said("error.condition.text_empty", attr=attr.name)
        raise InvalidConditionError(msg, message=said_as)


def _check_flag(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        msg = f"the condition's {attr.name} must be True or False; got {quote(value)}"
        said_as = said(
            "error.condition.flag_not_bool", attr=attr.name, value=quote(value)
        )
        raise InvalidConditionError(msg, message=said_as)


@_codec.value(
    tag="text_contains", shapes={"field": _FIELD}, omit_if_default=("casefold",)
)
@attrs.frozen(kw_only=True)
class TextContains(_codec.Serialisable):
    """The text fact ``field`` contains ``value`` (a substring).

    With ``casefold=True`` case, full- and half-width forms and composed accents are
    ignored (Unicode compatibility caseless matching: NFKC, case folding, NFKC), so
    ``"REFUND"`` and ``"ｒｅｆｕｎｄ"`` contain ``"refund"``. Without it the
    characters must be the same code points. A missing or null fact does not match;
    a fact that is not text (a number, a list) raises.

    Examples:
        >>> from servicekit.conditions import TextContains
        >>> refund = TextContains(field="attributes.subject", value="退款")
        >>> refund.matches({"attributes": {"subject": "订单123申请退款"}})
        True
        >>> TextContains(field="category", value="refund", casefold=True).matches(
        ...     {"category": "REFUND request"}
        ... )
        True
        >>> refund.to_dict()
        {'type': 'text_contains', 'field': 'attributes.subject', 'value': '退款'}
    """

    field: str = attrs.field(validator=_check_field)
    value: str = attrs.field(validator=_check_text)
    casefold: bool = attrs.field(default=False, validator=_check_flag)
    _needle: str = _compared_form("value")

    def matches(self, facts: Mapping[str, Any]) -> bool:
        """Return whether the fact is text holding ``value``.

        Raises:
            InvalidConditionError: the fact is not text.
        """
        text = _text_fact(facts, self.field, "TextContains", casefold=self.casefold)
        return text is not None and self._needle in text


def _check_word(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    _check_text(inst, attr, value)
    if value != value.strip():  # type: ignore[attr-defined]
        msg = (
            f"the word {quote(value)} starts or ends with a space, so it could never "
            "be a whole word; strip it"
        )
        said_as = said("error.condition.word_spaced", value=quote(value))
        raise InvalidConditionError(msg, message=said_as)


@_codec.value(
    tag="text_has_word", shapes={"field": _FIELD}, omit_if_default=("casefold",)
)
@attrs.frozen(kw_only=True)
class TextHasWord(_codec.Serialisable):
    """The text fact ``field`` holds ``word`` as a whole word (or phrase).

    An occurrence is whole when each end lies on a word boundary: the start or
    end of the text, a character that is not a letter, digit or ``_``, or a
    character of a script written without spaces (Chinese, Japanese kana, Thai,
    Lao, Khmer, Myanmar). Such scripts cannot be split into words without a
    dictionary, so each of their characters counts as a word of its own: in
    Chinese a word match is a substring match (``故障`` is a word of
    ``系统故障了``), while ``refund`` in ``申请refund退款`` is a word and ``fund``
    in ``refund`` is not. ``casefold`` is as for [`TextContains`][].

    Examples:
        >>> from servicekit.conditions import TextHasWord
        >>> vip = TextHasWord(field="attributes.subject", word="vip", casefold=True)
        >>> vip.matches({"attributes": {"subject": "VIP: order late"}})
        True
        >>> vip.matches({"attributes": {"subject": "VIPs are waiting"}})
        False
        >>> TextHasWord(field="attributes.subject", word="故障").matches(
        ...     {"attributes": {"subject": "系统故障了"}}
        ... )
        True
    """

    field: str = attrs.field(validator=_check_field)
    word: str = attrs.field(validator=_check_word)
    casefold: bool = attrs.field(default=False, validator=_check_flag)
    _needle: str = _compared_form("word")

    def matches(self, facts: Mapping[str, Any]) -> bool:
        """Return whether the fact is text holding ``word`` as a whole word.

        Raises:
            InvalidConditionError: the fact is not text.
        """
        text = _text_fact(facts, self.field, "TextHasWord", casefold=self.casefold)
        return text is not None and find_word(text, self._needle)


@_codec.value(
    tag="text_matches", shapes={"field": _FIELD}, omit_if_default=("casefold",)
)
@attrs.frozen(kw_only=True)
class TextMatches(_codec.Serialisable):
    r"""The regular expression ``pattern`` (``re`` syntax) matches somewhere in the text.

    It never hangs: the pattern is compiled into an automaton searched in time
    linear in the text's length (times the pattern's size), whatever the pattern;
    ``(a+)+$`` on a long run of ``a`` takes a few milliseconds, not hours (a
    pattern with only a few ways to match at each place, such as ``退款|refund``
    or ``#\d{6}``, is handed to ``re``, which cannot backtrack on it). So the
    constructs no automaton can follow are refused when the condition is built:
    backreferences, lookahead and lookbehind, atomic groups, possessive
    quantifiers, conditional groups and inline flags; so are patterns longer than
    500 characters or needing more than 1,000 automaton states (``x{300}`` holds
    300 copies of ``x``). The answer is ``re.search``'s: ``^``, ``$``, ``\A``,
    ``\Z``, ``\b`` and ``\B`` mean what they mean in ``re`` (``\b`` sees no
    boundary between two Chinese characters; use [`TextHasWord`][] for words).
    With ``casefold=True`` the caseless form of the text (as for
    [`TextContains`][]) is searched as ``re.IGNORECASE`` does, so write the
    pattern's letters in half width.

    Examples:
        >>> from servicekit.conditions import TextMatches
        >>> order = TextMatches(field="attributes.subject", pattern=r"订单\s*#?\d{6}")
        >>> order.matches({"attributes": {"subject": "订单 #123456 未发货"}})
        True
        >>> late = TextMatches(
        ...     field="attributes.subject", pattern=r"\blate\b", casefold=True
        ... )
        >>> late.matches({"attributes": {"subject": "Order LATE again"}})
        True
        >>> TextMatches(field="attributes.subject", pattern="(?<!不)退款")
        Traceback (most recent call last):
        ...
        servicekit.errors.UnsupportedPatternError: the pattern '(?<!不)退款' uses a negative lookahead or lookbehind...
    """

    field: str = attrs.field(validator=_check_field)
    pattern: str
    casefold: bool = attrs.field(default=False, validator=_check_flag)
    _compiled: Pattern = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(
            self, "_compiled", compile_pattern(self.pattern, casefold=self.casefold)
        )

    def matches(self, facts: Mapping[str, Any]) -> bool:
        """Return whether the fact is text the pattern matches somewhere.

        Raises:
            InvalidConditionError: the fact is not text.
        """
        text = _text_fact(facts, self.field, "TextMatches", casefold=self.casefold)
        return text is not None and self._compiled.search(text)


def _to_conditions(items: Iterable[Any]) -> tuple[Condition, ...]:
    if isinstance(items, Mapping) or not isinstance(items, Iterable):
        msg = f"expected a list of conditions, got {quote(items)}"
        said_as = said("error.condition.not_list", items=quote(items))
        raise InvalidConditionError(msg, message=said_as)
    return tuple(condition_from(c) for c in items)


@_codec.value(tag="all")
@attrs.frozen(kw_only=True)
class AllOf(_codec.Serialisable):
    """Every one of ``conditions`` holds (true when empty).

    Examples:
        >>> from servicekit.sla import AllOf
        >>> AllOf(conditions=[{"channel": "chat"}, {"tier": "high_value"}]).matches(
        ...     {"channel": "chat", "tier": "high_value"}
        ... )
        True
    """

    conditions: tuple[Condition, ...] = attrs.field(converter=_to_conditions)

    def matches(self, facts: Mapping[str, Any]) -> bool:
        """Return whether every condition matches."""
        return all(c.matches(facts) for c in self.conditions)


@_codec.value(tag="any")
@attrs.frozen(kw_only=True)
class AnyOf(_codec.Serialisable):
    """At least one of ``conditions`` holds (false when empty).

    Examples:
        >>> from servicekit.sla import AnyOf
        >>> AnyOf(conditions=[{"channel": "chat"}, {"channel": "phone"}]).matches(
        ...     {"channel": "phone"}
        ... )
        True
    """

    conditions: tuple[Condition, ...] = attrs.field(converter=_to_conditions)

    def matches(self, facts: Mapping[str, Any]) -> bool:
        """Return whether any condition matches."""
        return any(c.matches(facts) for c in self.conditions)


def _convert_one(spec: Any) -> Condition:
    return condition_from(spec)


@_codec.value(tag="not")
@attrs.frozen(kw_only=True)
class Not(_codec.Serialisable):
    """The negation of ``condition``.

    Examples:
        >>> from servicekit.sla import Not
        >>> Not(condition={"channel": "bot"}).matches({"channel": "chat"})
        True
    """

    condition: Condition = attrs.field(converter=_convert_one)

    def matches(self, facts: Mapping[str, Any]) -> bool:
        """Return whether the inner condition does not match."""
        return not self.condition.matches(facts)


def _shorthand(spec: Mapping[Any, Any]) -> Condition:
    """The condition a shorthand mapping means: equals, one of a list, all of several."""
    parts: list[Condition] = []
    for field, value in spec.items():
        if field in _DATA_KEYS:
            msg = (
                f"{quote(field)} is a key of a condition's own data, not a fact: this "
                f"looks like a condition without its {_codec.TAG!r} (add it, e.g. "
                f"{{'{_codec.TAG}': 'equals', 'field': ..., 'value': ...}}); for a fact "
                f"of that name use Equals(field={quote(field)}, value=...)"
            )
            said_as = said(
                "error.condition.own_key",
                field=quote(field),
                tag=repr(_codec.TAG),
                tag_key=_codec.TAG,
            )
            raise InvalidConditionError(msg, message=said_as)
        if isinstance(value, list | tuple | set | frozenset):
            ordered = (
                sorted(value, key=repr) if isinstance(value, set | frozenset) else value
            )
            parts.append(OneOf(field=field, values=ordered))
        else:
            parts.append(Equals(field=field, value=value))
    if len(parts) == 1:
        return parts[0]
    return AllOf(conditions=parts)


_BUILTINS: Final = (
    Always,
    Equals,
    OneOf,
    Compare,
    Contains,
    AllOf,
    AnyOf,
    Not,
    TextContains,
    TextHasWord,
    TextMatches,
)
# A field typed Condition reads a built-in condition by its "type", or the shorthand.
_codec.variants(
    Condition,
    _BUILTINS,
    shorthand=_codec.Shape(dict[str, Scalar | list[Scalar]], _shorthand, _as_is),
    old_tag=_OLD_TAG,
)


def condition_from(spec: Any) -> Condition:
    """Build a condition from a condition, ``None``, a shorthand mapping or ``to_dict`` data.

    Shorthand: ``{"priority": Priority.URGENT}`` means equals; a list value means one
    of; several keys must all hold. A mapping with a ``"type"`` key is the stored form
    produced by ``to_dict()``. The keys of that form (``type``, ``op``, ``field``,
    ``value``, ``values``, ``conditions``, ``condition``) are not facts in a shorthand.

    Raises:
        InvalidConditionError: the spec is neither a condition nor a mapping, or a
            shorthand's value is not a JSON scalar or a list of them.
        DeserializationError: stored data (with ``"type"``) is malformed; the
            message names the JSON path and what was expected there.

    Examples:
        >>> from servicekit import Priority, Tier
        >>> from servicekit.sla import condition_from
        >>> c = condition_from({"priority": Priority.URGENT, "tier": [Tier.HIGH_VALUE]})
        >>> c.matches({"priority": "urgent", "tier": "high_value"})
        True
        >>> c.to_dict()["conditions"][0]
        {'type': 'equals', 'field': 'priority', 'value': 'urgent'}
        >>> condition_from(c.to_dict()) == c
        True
        >>> condition_from({"type": "compare", "field": "tier", "op": ">", "value": 3})
        Traceback (most recent call last):
        ...
        servicekit.errors.DeserializationError: condition data is unusable: at $: 3 is not a Tier; compare tier with one of: high_value, potential, ordinary
    """
    if spec is None:
        return Always()
    if isinstance(spec, _BUILTINS):
        return spec
    if isinstance(spec, Mapping):
        if _codec.TAG in spec or _OLD_TAG in spec:
            return _codec.from_data(Condition, spec, what="condition")  # type: ignore[type-abstract]
        return _shorthand(spec)
    if isinstance(spec, Condition):
        return spec
    msg = (
        f"cannot use {quote(spec)} as a condition; give a mapping such as "
        "{'priority': 'urgent'} or a condition object (Equals, OneOf, …)"
    )
    said_as = said("error.condition.unusable", spec=quote(spec))
    raise InvalidConditionError(msg, message=said_as)


def or_always(condition: Condition | None) -> Condition:
    """``condition``, or [`Always`][] for None (a rule's ``"when": null``)."""
    return Always() if condition is None else condition


def fields_read(condition: object) -> frozenset[str] | None:
    """The fields a built-in condition reads, or None when its result may hang on more.

    Memos keyed by the values at these fields (triage, SLA policy selection) are
    safe: the condition gives the same answer whenever they are the same.

    Only the exact built-in types qualify: their result is a function of the values
    looked up at these fields and nothing else. A subclass or a condition of the
    caller's own might read anything. ``Contains`` looks into collections, whose items
    a memo key could not tell apart safely (``(1,) == (True,)``), so it is left out.
    """
    kind = type(condition)
    if kind is Always:
        return frozenset()
    if kind in {Equals, OneOf, Compare, TextContains, TextHasWord, TextMatches}:
        return frozenset({condition.field})  # type: ignore[attr-defined]
    if kind is Not:
        return fields_read(condition.condition)  # type: ignore[attr-defined]
    if kind in {AllOf, AnyOf}:
        out: frozenset[str] = frozenset()
        for part in condition.conditions:  # type: ignore[attr-defined]
            fields = fields_read(part)
            if fields is None:
                return None
            out |= fields
        return out
    return None

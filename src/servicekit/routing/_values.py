"""Shared plumbing for routing values: validation and freezing.

Everything here is private. It turns loose caller input (dicts, lists, datetimes in any
zone) into the immutable, comparable forms the public values store; reading and writing
JSON is the codec's (``servicekit._codec``). It must never read a clock, never guess a
time zone, and never let a half-built value escape: every check runs before an object
exists.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import math
import operator
import types
from collections.abc import (
    Callable,
    ItemsView,
    Iterable,
    Iterator,
    KeysView,
    Mapping,
    ValuesView,
)
from typing import Any, Final, TypeVar, overload

import pendulum

from servicekit.errors import (
    InvalidArgumentError,
    InvalidTypeError,
    NaiveDatetimeError,
    UnknownNameError,
)
from servicekit.messages import _kinds

_K = TypeVar("_K")
_T = TypeVar("_T")
_V = TypeVar("_V")
_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
#: One microsecond: ``MICROSECOND * n`` is ``timedelta(microseconds=n)`` for an integer
#: ``n``, at a fraction of the cost (no keyword parsing, no float normalising).
MICROSECOND: Final = dt.timedelta(microseconds=1)
_EPOCH_ORDINAL: Final = _EPOCH.toordinal()


class FrozenMap(Mapping[_K, _V]):
    """An immutable, hashable mapping with a deterministic (sorted-key) order.

    Keys are sorted once at construction so that iteration, ``repr`` and
    serialisation never depend on the order a caller happened to insert them.
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, items: Mapping[_K, _V] | Iterable[tuple[_K, _V]] = ()) -> None:
        # type() first: dispatch builds one from a plain dict per agent it changes,
        # and the Mapping check goes through the ABC machinery.
        pairs = (
            list(items.items())
            if type(items) is dict or isinstance(items, Mapping)
            else list(items)
        )
        pairs.sort(key=lambda kv: str(kv[0]))
        self._data: dict[_K, _V] = dict(pairs)
        self._hash: int | None = None

    @classmethod
    def in_order(cls, data: dict[_K, _V]) -> FrozenMap[_K, _V]:
        """Return a map of ``data`` itself, whose keys the caller knows are sorted.

        The map takes ``data`` over: nothing may change it afterwards.
        """
        out = cls.__new__(cls)
        out._data = data  # noqa: SLF001 -- its own class, made without __init__
        out._hash = None  # noqa: SLF001 -- its own class, made without __init__
        return out

    def __getitem__(self, key: _K) -> _V:
        return self._data[key]

    def __iter__(self) -> Iterator[_K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(tuple(self._data.items()))
        return self._hash

    # The Mapping mixins go through __getitem__ one key at a time; these hot methods
    # delegate to the dict instead.
    def __contains__(self, key: object) -> bool:
        return key in self._data

    # Mapping.get goes through __getitem__ and catches KeyError for a missing key,
    # which is most of what a policy asks an agent's skills or load about.
    @overload
    def get(self, key: _K, /) -> _V | None: ...
    @overload
    def get(self, key: _K, /, default: _V | _T) -> _V | _T: ...
    def get(self, key: _K, /, default: object = None) -> object:
        return self._data.get(key, default)

    def thawed(self) -> dict[_K, _V]:
        """Return a new plain dict of the same items, in the same order."""
        return dict(self._data)

    def items(self) -> ItemsView[_K, _V]:
        return self._data.items()

    def keys(self) -> KeysView[_K]:
        return self._data.keys()

    def values(self) -> ValuesView[_V]:
        return self._data.values()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return f"{self._data!r}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (tuple(self._data.items()),))


def check_id(value: object, what: str, example: str = "'T-1001'") -> str:
    """Return ``value`` if it is a non-empty string, else raise (naming an example)."""
    if not isinstance(value, str) or not value.strip():
        msg = f"{what} must be a non-empty string such as {example}; got {value!r}"
        raise InvalidArgumentError(msg)
    return value


def optional_id(value: object, what: str) -> str | None:
    """Return ``None`` or a valid identifier."""
    return None if value is None else check_id(value, what)


def aware(value: object, what: str) -> dt.datetime:
    """Return ``value`` as it is (in the zone it was given in), refusing naive ones."""
    if not isinstance(value, dt.datetime):
        msg = f"{what} must be a timezone-aware datetime; got {type(value).__name__} {value!r}"
        raise InvalidTypeError(msg)
    if value.tzinfo is None or value.utcoffset() is None:
        msg = (
            f"{what} is a naive datetime ({value.isoformat()}); attach a time zone, "
            "for example pendulum.datetime(..., tz='Asia/Shanghai')"
        )
        raise NaiveDatetimeError(msg)
    return value


def optional_aware(value: object, what: str) -> dt.datetime | None:
    """Return ``None`` or ``value`` as [`aware`][] does."""
    return None if value is None else aware(value, what)


def instant(value: object, what: str) -> pendulum.DateTime:
    """Return ``value`` as the same instant in UTC, refusing naive datetimes."""
    if type(value) is pendulum.DateTime and value.tzinfo is pendulum.UTC:
        return value  # the hot path: every dispatch's ``now``
    given = aware(value, what)
    # The UTC fields, put straight into a pendulum value: pendulum.instance() and
    # in_timezone() cost ten times as much, on every dispatch's ``now``.
    try:
        u = dt.datetime.astimezone(given, dt.UTC)
    except OverflowError:
        # 0001-01-01 00:00+08:00 is in year 0 in UTC, which datetime cannot hold.
        msg = (
            f"{what} ({given.isoformat()}) falls outside years 1-9999 in UTC; "
            "give an instant between them"
        )
        raise InvalidArgumentError(msg) from None
    return pendulum.DateTime(
        u.year,
        u.month,
        u.day,
        u.hour,
        u.minute,
        u.second,
        u.microsecond,
        tzinfo=pendulum.UTC,
    )


def micros(value: dt.datetime) -> int:
    """Return exact microseconds since the Unix epoch (an integer sort key)."""
    if value.tzinfo is pendulum.UTC or value.tzinfo is dt.UTC:
        # Stored instants are UTC: read the fields, skipping tz machinery (hot path).
        days = value.toordinal() - _EPOCH_ORDINAL
        secs = value.hour * 3600 + value.minute * 60 + value.second
        return (days * 86_400 + secs) * 1_000_000 + value.microsecond
    # datetime.__sub__ directly: pendulum's own subtraction builds a slow Interval.
    td = dt.datetime.__sub__(value, _EPOCH)
    return (td.days * 86_400 + td.seconds) * 1_000_000 + td.microseconds


def elapsed(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Return ``end - start`` as a plain timedelta (never a pendulum Interval)."""
    return MICROSECOND * (micros(end) - micros(start))


def duration(value: object, what: str, *, positive: bool = False) -> dt.timedelta:
    """Return ``value`` if it is a non-negative (or positive) timedelta, else raise."""
    if not isinstance(value, dt.timedelta):
        msg = f"{what} must be a datetime.timedelta such as timedelta(minutes=30); got {value!r}"
        raise InvalidTypeError(msg)
    if value < dt.timedelta(0) or (positive and value == dt.timedelta(0)):
        need = "positive" if positive else "zero or positive"
        msg = f"{what} must be {need}; got {value}"
        raise InvalidArgumentError(msg)
    return value


def names(value: object, what: str, example: str = "'billing'") -> frozenset[str]:
    """Return a frozenset of non-empty strings (a single string is refused)."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = f"{what} must be a set of names such as {{{example}}}; got {value!r}"
        raise InvalidTypeError(msg)
    items = list(value)
    for item in items:
        # Checked before hashing, so [["a"]] is a clear error, not "unhashable type".
        check_id(item, f"each entry of {what}", example)
    return frozenset(items)


def languages(value: object, what: str) -> frozenset[str]:
    """Return language tags case-folded so that 'UG' and 'ug' match."""
    return frozenset(v.strip().casefold() for v in names(value, what, "'zh', 'ug'"))


def optional_language(value: object, what: str) -> str | None:
    """Return None or a language tag case-folded like [`languages`][] does."""
    if value is None:
        return None
    return check_id(value, what, "'zh' or 'ug'").strip().casefold()


def skill_levels(value: object, what: str) -> FrozenMap[str, int]:
    """Return a skill name → level (1-10) map, frozen; anything else raises."""
    if not isinstance(value, Mapping):
        msg = f"{what} must map skill names to levels 1-10, such as {{'billing': 3}}; got {value!r}"
        raise InvalidTypeError(msg)
    return FrozenMap(
        (
            check_id(k, f"a skill name in {what}", "'billing'"),
            level(n, f"{what}[{k!r}]"),
        )
        for k, n in value.items()
    )


def flag(what: str) -> Any:
    """Return an attrs validator accepting only ``True`` or ``False`` (not 0, 1, None)."""

    def check(_inst: object, _attr: object, value: object) -> None:
        if not isinstance(value, bool):
            msg = f"{what} must be True or False; got {value!r}"
            raise InvalidTypeError(msg)

    return check


def items_of(kind: type[_V], value: object, what: str) -> tuple[_V, ...]:
    """Return ``value`` as a tuple after checking it is a list of ``kind`` values."""
    name = kind.__name__
    if type(value) is not list and (
        isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable)
    ):
        msg = f"{what} must be a list of {name} values; got {value!r}"
        raise InvalidTypeError(msg)
    out = tuple(value)
    for item in out:
        if not isinstance(item, kind):
            msg = f"{what} must hold {name} values; got {item!r}"
            raise InvalidTypeError(msg)
    return out


def level(value: object, what: str) -> int:
    """Return a skill level 1-10."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
        msg = f"{what} must be a whole number from 1 (novice) to 10 (expert); got {value!r}"
        raise InvalidArgumentError(msg)
    return value


def count(value: object, what: str) -> int:
    """Return a non-negative whole number."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = f"{what} must be a whole number, zero or more; got {value!r}"
        raise InvalidArgumentError(msg)
    return value


def fraction(
    value: object, what: str, *, low: float, high: float, low_open: bool
) -> float:
    """Return a float within ``(low, high]`` or ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"{what} must be a number; got {value!r}"
        raise InvalidTypeError(msg)
    number = float(value)
    too_low = number <= low if low_open else number < low
    if math.isnan(number) or too_low or number > high:
        bracket = "(" if low_open else "["
        msg = f"{what} must lie in {bracket}{low}, {high}]; got {value!r}"
        raise InvalidArgumentError(msg)
    return number


def enum_member(enum_type: Any, value: object, what: str) -> Any:
    """Return the member of a servicekit enum named by ``value``."""
    if type(value) is enum_type:  # the hot path: already a member
        return value
    try:
        if hasattr(enum_type, "parse"):
            return enum_type.parse(value)
        return enum_type(value.strip().lower() if isinstance(value, str) else value)
    except (UnknownNameError, ValueError):
        allowed = ", ".join(m.value for m in enum_type)
        msg = f"{what} {value!r} is not a {enum_type.__name__}; use one of: {allowed}"
        raise UnknownNameError(msg) from None


def freeze_json(value: object, what: str) -> Any:
    """Deep-freeze JSON-native data: dicts become FrozenMap, lists become tuples."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            msg = (
                f"{what} holds {value!r}, which JSON cannot store; use a finite number"
            )
            raise InvalidArgumentError(msg)
        return value
    if isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                msg = f"{what} keys must be strings so they survive JSON; got {key!r}"
                raise InvalidTypeError(msg)
        return FrozenMap(
            (k, freeze_json(v, f"{what}[{k!r}]")) for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        return tuple(freeze_json(v, f"{what}[]") for v in value)
    msg = f"{what} must hold JSON-native data (str, number, bool, None, list, dict); got {type(value).__name__} {value!r}"
    raise InvalidTypeError(msg)


def thaw_json(value: Any) -> Any:
    """Inverse of [`freeze_json`][]: FrozenMap → dict, tuple → list (for the codec)."""
    if isinstance(value, Mapping):
        return {k: thaw_json(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw_json(v) for v in value]
    return value


def attributes(value: object) -> FrozenMap[str, Any]:
    """Return caller attributes deep-frozen (must be a mapping of JSON-native data)."""
    if not isinstance(value, Mapping):
        msg = (
            f"attributes must be a mapping such as {{'city': 'Hohhot'}}; got {value!r}"
        )
        raise InvalidTypeError(msg)
    frozen = freeze_json(value, "attributes")
    assert isinstance(frozen, FrozenMap)  # noqa: S101  # a Mapping always freezes to one
    return frozen


def first_duplicate(items: Iterable[_K]) -> _K | None:
    """Return the first item seen twice (for naming it in an error), else None."""
    seen: set[_K] = set()
    for item in items:
        if item in seen:
            return item
        seen.add(item)
    return None


def trusted(cls: type[_T], **fields: Any) -> _T:
    """Build a frozen attrs value *without* running its converters and validators.

    Only for hot paths that assemble a value from parts already validated (a triaged
    ticket, the router's own decisions); every field must be given, already in its
    stored form. Anything from a caller goes through the class itself.
    """
    setters = _SETTERS.get(cls)
    if setters is None:
        setters = _SETTERS[cls] = slot_setters(cls)
    out = object.__new__(cls)
    for name, put in setters:
        put(out, fields[name])
    return out


# Each attrs class's fields with their slots' setters, worked out once per class (an
# invisible memo: a class's fields never change).
_SETTERS: dict[type, tuple[tuple[str, Callable[[Any, Any], None]], ...]] = {}


def slot_setters(cls: type) -> tuple[tuple[str, Callable[[Any, Any], None]], ...]:
    """Return ``(field name, setter)`` for every attrs field of ``cls``.

    A slotted class's setter is its slot's own descriptor, which a frozen class's
    ``__setattr__`` does not guard (and which costs less than ``object.__setattr__``
    looking the name up every time); any other field falls back to that lookup.
    """
    out: list[tuple[str, Callable[[Any, Any], None]]] = []
    for a in cls.__attrs_attrs__:  # type: ignore[attr-defined]
        slot = inspect.getattr_static(cls, a.name, None)
        if type(slot) is types.MemberDescriptorType:
            out.append((a.name, slot.__set__))
        else:
            out.append((a.name, functools.partial(_set_field, name=a.name)))
    return tuple(out)


def field_setters(cls: type, *names: str) -> tuple[Callable[[Any, Any], None], ...]:
    """Return the setters of ``cls``'s fields, which ``names`` must list, in order.

    For a module's own fast constructor of one of its classes: naming every field
    makes a field added later fail at import, not leave new values half built.
    """
    found = slot_setters(cls)
    if tuple(name for name, _ in found) != names:
        msg = (
            f"{cls.__name__} has the fields {[n for n, _ in found]}, not {list(names)}"
        )
        raise TypeError(msg)
    return tuple(put for _, put in found)


def _set_field(obj: object, value: object, *, name: str) -> None:
    object.__setattr__(obj, name, value)


def trusted_evolve(inst: _T, **changes: Any) -> _T:
    """Return ``inst`` with ``changes`` (already valid values), skipping validation."""
    cls = type(inst)
    fields = _COPIERS.get(cls)
    if fields is None:
        fields = _COPIERS[cls] = tuple(
            (name, operator.attrgetter(name), put) for name, put in slot_setters(cls)
        )
    out = object.__new__(cls)
    # Field by field, with no table of every field built per call.
    for name, get, put in fields:
        put(out, changes[name] if name in changes else get(inst))
    return out


# Each attrs class's fields with their getters and slots' setters (see _SETTERS).
_COPIERS: dict[
    type, tuple[tuple[str, Callable[[Any], Any], Callable[[Any, Any], None]], ...]
] = {}


#: A short duration a supervisor reads at a glance (``'1 h 05 min'``): the words
#: routing's messages use.
humanize = _kinds.humanize


def plural(n: int, word: str) -> str:
    """Return ``'1 agent'`` / ``'1,200 agents'``."""
    digits = _kinds.count_words(n)
    return f"{digits} {word}" if n == 1 else f"{digits} {word}s"

"""The one JSON codec of servicekit: every public value to JSON-native data and back.

Every public value serialises through this module's cattrs converter; a value class
joins it with the [`value`][] decorator (and, for a family of variants such as rule
conditions, [`variants`][]) and inherits ``to_dict``/``from_dict`` from
[`Serialisable`][]. A value whose fields hold an encoding of their own (the SLA
reports keep instants as microseconds, shown in a zone) names a record of what it
shows as its ``form``, and is read and written as that record. The contract, written for users in ``docs/serialisation.md``:

* every failure is a [`DeserializationError`][servicekit.errors.DeserializationError]
  whose message names the JSON path (``$.events[3].at``) and what was expected there;
  nothing else escapes;
* unknown keys are rejected, everywhere; a key whose field has a default may be
  left out (it takes the default);
* no silent coercion: a boolean field takes only JSON booleans, a number only numbers
  (never a boolean), a text field only strings, a list field only arrays;
* variants carry their name under one tag key, [`TAG`][] (``"type"``);
* instants are ISO-8601 text with their UTC offset, written in the zone the value holds;
  durations are exact ISO-8601 durations (``PT1H30M``); dates are ``YYYY-MM-DD``;
* enums are written as their values and read by their ``parse`` (names or values, any
  case);
* data nested deeper than [`MAX_DEPTH`][servicekit._boundary.MAX_DEPTH] is refused
  before anything reads it.

Two converters share every hook: a fast one for the common case, and a detailed one
(cattrs' ``detailed_validation``) that runs only after a failure, to say where. This
module must never do I/O or read the clock; its registries are filled at import time
and never change afterwards.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import types
import typing
from collections import abc
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, Self, TypeVar

import attrs
import cattrs
from cattrs.errors import (
    BaseValidationError,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.fns import identity
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.v import transform_error

from servicekit._boundary import MAX_DEPTH, depth_of, quote, said
from servicekit._iso import duration_from_iso, duration_to_iso, instant_from_iso
from servicekit.errors import DeserializationError, ServiceKitError

if TYPE_CHECKING:
    from servicekit.messages import Message

__all__ = [
    "TAG",
    "ExpectedError",
    "Serialisable",
    "Shape",
    "from_data",
    "quick_reader",
    "read_checked",
    "read_instant",
    "to_data",
    "value",
    "variants",
]

#: The key that names a variant (``{"type": "equals", ...}``), in every package.
TAG: Final = "type"

_C = TypeVar("_C", bound=type)
_T = TypeVar("_T")

StructureHook = Callable[[Any, Any], Any]
UnstructureHook = Callable[[Any], Any]


class ExpectedError(ServiceKitError, ValueError):
    """A JSON value is not of the kind a field needs (internal to the codec).

    ``what`` is a message of the codec's (``error.a.*``) or one of the phrases
    `_WHAT` gives a code; any other phrase stays as it is in every locale.
    """

    def __init__(self, what: str | Message, got: object) -> None:
        if isinstance(what, str) and what in _WHAT:
            what = said(_WHAT[what])
        super().__init__(
            f"expected {what}, got {_describe(got)}",
            message=said("error.expected", what=what, got=_got(got)),
        )


# The phrases other modules give ExpectedError, each with its message's code.
_WHAT: Final = {
    "true or false": "error.a.bool",
    "a whole number": "error.a.whole_number",
    "a finite number": "error.a.finite_number",
    "text": "error.a.text",
    "text or null": "error.a.text_or_null",
    "an ISO-8601 duration such as 'PT24H' or 'PT30M'": "error.a.duration",
    "an ISO-8601 instant with its UTC offset, such as '2025-01-24T10:00:00+08:00'": (
        "error.a.instant"
    ),
    "a date such as '2025-01-24'": "error.a.date",
    "an array": "error.a.array",
    "an object": "error.a.object",
    "text keys": "error.a.text_keys",
    "an object of names to JSON values": "error.a.attributes",
    "a number, 'inf' or '-inf'": "error.a.number_or_infinity",
    "null": "error.a.null",
    "a boolean": "error.a.boolean",
    "a number": "error.a.number",
}

_KIND_OF: Final = {
    bool: "a boolean",
    int: "a number",
    float: "a number",
    str: "text",
    list: "an array",
    tuple: "an array",
    dict: "an object",
    type(None): "null",
}


def _describe(value: object) -> str:
    kind = _KIND_OF.get(type(value))
    if kind is None:
        return f"{type(value).__name__} {quote(value)}"
    if value is None:
        return "null"
    return f"{kind} {quote(value)}" if not isinstance(value, list | dict) else kind


def _got(value: object) -> Message:
    """[`_describe`][]'s words as a message."""
    kind = _KIND_OF.get(type(value))
    if kind is None:
        return said("error.got.other", type=type(value).__name__, value=quote(value))
    if value is None or isinstance(value, list | dict):
        return said(_WHAT[kind])
    return said(_GOT[kind], value=quote(value))


_GOT: Final = {
    "a boolean": "error.got.boolean",
    "a number": "error.got.number",
    "text": "error.got.text",
    "an array": "error.got.array",  # a tuple (never JSON): its items are shown
}


# ------------------------------------------------------------------ the registries


@attrs.frozen
class Shape:
    """A field whose JSON form is another type's: read as ``json_type``, then converted.

    The codec reads the field's data as a ``json_type`` (with that type's paths in
    errors, e.g. ``$.overall[2].estimate.n``), then passes the result to ``read``;
    it writes ``write(value)`` as a ``json_type``.

    Examples:
        >>> import attrs
        >>> from servicekit import _codec
        >>> pairs = _codec.Shape(dict[str, int], lambda d: tuple(d.items()), dict)
        >>> @_codec.value(shapes={"pairs": pairs})
        ... @attrs.frozen(kw_only=True)
        ... class Tally(_codec.Serialisable):
        ...     pairs: tuple[tuple[str, int], ...]
        >>> Tally.from_dict({"pairs": {"a": 1}})
        Tally(pairs=(('a', 1),))
        >>> Tally(pairs=(("b", 2),)).to_dict()
        {'pairs': {'b': 2}}
    """

    json_type: Any
    read: Callable[[Any], Any]
    write: Callable[[Any], Any]


@attrs.frozen
class _Spec:
    tag: str | None
    omit_if_default: frozenset[str]
    hooks: Mapping[str, tuple[StructureHook | None, UnstructureHook | None]]
    shapes: Mapping[str, Shape]
    skip: frozenset[str] = frozenset()
    form: Shape | None = None


@attrs.frozen
class _Family:
    members: Mapping[str, type]
    shorthand: Shape | None
    old_tag: str | None


_SPECS: dict[type, _Spec] = {}
_VARIANTS: dict[object, _Family] = {}


def value(
    *,
    tag: str | None = None,
    omit_if_default: Iterable[str] | None = None,
    hooks: Mapping[str, tuple[StructureHook | None, UnstructureHook | None]]
    | None = None,
    shapes: Mapping[str, Shape] | None = None,
    skip: Iterable[str] = (),
    form: Shape | None = None,
) -> Callable[[_C], _C]:
    """Register an attrs class with the codec (a class decorator, outermost).

    Args:
        tag: the class's name under [`TAG`][] when it is one variant of a family.
        omit_if_default: fields left out of the data when they hold their default;
            by default every field whose default is ``None`` or an empty container.
        hooks: per-field ``(structure, unstructure)`` overrides (either may be None)
            for a field whose JSON form is not its type's.
        shapes: per-field [`Shape`][]s: fields whose JSON form is another type's
            (read and written through it, with its paths in errors).
        skip: fields with no JSON form: never written, and refused as unknown keys
            when read (they take their default).
        form: the whole class's JSON form is another registered class's (a
            record of its public fields), for a value whose fields hold an encoding
            of their own (instants as microseconds shown in a zone another field
            names). The value is read as ``form.json_type``, with that record's
            keys and paths, then passed to ``form.read``; it is written as
            ``form.write(value)``. The other arguments are then unused.

    Examples:
        >>> import attrs
        >>> from servicekit import _codec
        >>> @_codec.value()
        ... @attrs.frozen(kw_only=True)
        ... class Seat(_codec.Serialisable):
        ...     desk: str
        ...     note: str | None = None
        >>> Seat(desk="Hohhot").to_dict()
        {'desk': 'Hohhot'}
        >>> Seat.from_dict({"desk": "Hohhot", "nte": "x"})
        Traceback (most recent call last):
        ...
        servicekit.errors.DeserializationError: Seat data is unusable: at $: unknown key 'nte'; expected desk, note
    """

    def register(cls: _C) -> _C:
        omit = (
            frozenset(omit_if_default)
            if omit_if_default is not None
            else frozenset(
                a.name
                for a in attrs.fields(cls)
                if a.init and _empty_default(a.default)
            )
        )
        _SPECS[cls] = _Spec(
            tag, omit, dict(hooks or {}), dict(shapes or {}), frozenset(skip), form
        )
        return cls

    return register


def _empty_default(default: object) -> bool:
    if default is None or isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return True
    return isinstance(default, tuple | frozenset | str) and not default


def variants(
    family: object,
    members: Iterable[type],
    *,
    shorthand: Shape | None = None,
    old_tag: str | None = None,
) -> None:
    """Register a family of tagged variants, read by the [`TAG`][] each member declares.

    A value of the family is written by its own class (a member) or, for a class the
    codec does not know, by its own ``to_dict()``.

    Args:
        family: the annotation fields use for it (a Protocol or a union).
        members: the registered classes, each with a tag of its own.
        shorthand: how to read an object without a [`TAG`][] (read as
            ``shorthand.json_type``, then passed to ``shorthand.read``); never
            written. Without it, such an object is refused.
        old_tag: the key the family's documents named their variant by before
            [`TAG`][]; an object holding it and no [`TAG`][] is refused with a
            message that says how to convert it (never read as the shorthand).
    """
    table: dict[str, type] = {}
    for cls in members:
        tag = _SPECS[cls].tag
        if tag is None or tag in table:  # pragma: no cover -- a programming error
            msg = f"{cls.__name__} needs a tag of its own to join a family of variants"
            raise TypeError(msg)
        table[tag] = cls
    _VARIANTS[family] = _Family(table, shorthand, old_tag)


# ---------------------------------------------------------------------- scalar hooks


def _bool(v: object, _: object) -> bool:
    if v is True or v is False:
        return v
    raise ExpectedError("true or false", v)


def _int(v: object, _: object) -> int:
    if type(v) is int:
        return v
    raise ExpectedError("a whole number", v)


def _float(v: object, _: object) -> float:
    if type(v) is float:
        if math.isfinite(v):
            return v
    elif type(v) is int and -_FLOAT_INT < v < _FLOAT_INT:
        return float(v)
    raise ExpectedError("a finite number", v)


# Ints at or beyond 2**1024 overflow a float; refuse them before converting.
_FLOAT_INT: Final = 2**1024


def _str(v: object, _: object) -> str:
    if type(v) is str:
        return v
    raise ExpectedError("text", v)


def _instant(v: object, _: object) -> dt.datetime:
    if type(v) is str and len(v) <= _ISO_MAX:
        return instant_from_iso(v, "the instant")
    what = (
        "an ISO-8601 instant with its UTC offset, such as '2025-01-24T10:00:00+08:00'"
    )
    raise ExpectedError(what, v)


def _duration(v: object, _: object) -> dt.timedelta:
    if type(v) is str and len(v) <= _ISO_MAX:
        return duration_from_iso(v, "the duration")
    raise ExpectedError("an ISO-8601 duration such as 'PT24H' or 'PT30M'", v)


#: The codec's reading of an instant, for a field hook that checks more (a range).
read_instant: Final = _instant


# No ISO-8601 instant or duration the codec writes is longer; a longer text is
# refused before a parser (or an error message) sees all of it.
_ISO_MAX: Final = 64


def _date(v: object, _: object) -> dt.date:
    if type(v) is str:
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            pass
    raise ExpectedError("a date such as '2025-01-24'", v)


def _enum(v: object, t: Any) -> Any:
    if type(v) is not str:
        raise ExpectedError(said("error.a.name_of", type=t.__name__), v)
    # A member's exact value, as the codec writes it, needs no parsing.
    found = t._value2member_map_.get(v)
    if found is not None:
        return found
    try:
        return t.parse(v)
    except (LookupError, ValueError):
        # The enum's own message may quote all of a huge text: say it short.
        names = ", ".join(str(m.value) for m in t)
        msg = f"{quote(v)} is not a {t.__name__}; expected one of: {names}"
        said_as = said("error.not_member", value=quote(v), type=t.__name__, names=names)
        raise DeserializationError(msg, message=said_as) from None


def _literal_factory(t: Any, _converter: cattrs.Converter) -> StructureHook:
    allowed = typing.get_args(t)
    words = ", ".join(repr(a) for a in allowed)

    def structure(v: Any, _: Any) -> Any:
        # By type too: True == 1, and a literal 1 must not take a boolean.
        if any(v == a and type(v) is type(a) for a in allowed):
            return v
        raise ExpectedError(said("error.a.one_of", values=words), v)

    return structure


def _is_literal(t: Any) -> bool:
    return typing.get_origin(t) is typing.Literal


def _any(v: object, _: object) -> object:
    return v


def _write_instant(v: dt.datetime) -> str:
    return v.isoformat()


def _write_enum(v: enum.Enum) -> Any:
    return v.value


# ------------------------------------------------------------------ container hooks


def _note_index(e: Exception, index: int | str, t: object) -> Exception:
    e.__notes__ = [
        *getattr(e, "__notes__", ()),
        IterableValidationNote(f"Structuring @ {index!r}", index, t),
    ]
    return e


def _sequence_factory(t: Any, converter: cattrs.Converter) -> StructureHook:
    origin = typing.get_origin(t)
    args = typing.get_args(t)
    elem = args[0] if args else Any
    build: Callable[[Iterable[Any]], Any] = (
        frozenset if origin in _SET_ORIGINS else list if origin is list else tuple
    )
    elem_hook = converter.get_structure_hook(elem)
    detailed = converter.detailed_validation
    # tuple[A, B] holds exactly one A then one B; tuple[A, ...] any number of A.
    fixed = args if origin is tuple and args and args[-1] is not Ellipsis else ()
    hooks = [(converter.get_structure_hook(a), a) for a in fixed]

    def structure(v: Any, _: Any) -> Any:
        if not isinstance(v, list | tuple):
            raise ExpectedError("an array", v)
        if fixed and len(v) != len(fixed):
            raise ExpectedError(said("error.a.array_of", count=len(fixed)), v)
        if not detailed and not fixed:
            return build([elem_hook(x, elem) for x in v])
        out: list[Any] = []
        errors: list[Exception] = []
        for i, x in enumerate(v):
            hook, t_i = hooks[i] if fixed else (elem_hook, elem)
            try:
                out.append(hook(x, t_i))
            except Exception as e:  # noqa: BLE001 -- collected and re-raised below
                errors.append(_note_index(e, i, elem))
        if errors:
            msg = f"While structuring {t!r}"
            raise IterableValidationError(msg, errors, t)
        return build(out)

    return structure


def _sequence_unstructure(t: Any, converter: cattrs.Converter) -> UnstructureHook:
    # JSON has arrays only: every tuple and list is written as a list.
    args = typing.get_args(t)
    if args and args[-1] is not Ellipsis and typing.get_origin(t) is tuple:
        hooks = [converter.get_unstructure_hook(a) for a in args]
        return lambda v: [h(x) for h, x in zip(hooks, v, strict=True)]
    elem_hook = converter.get_unstructure_hook(args[0] if args else Any)
    return lambda v: [elem_hook(x) for x in v]


def _mapping_factory(t: Any, converter: cattrs.Converter) -> StructureHook:
    args = typing.get_args(t)
    key_t, val_t = args if len(args) == 2 else (str, Any)
    key_hook = converter.get_structure_hook(key_t)
    val_hook = converter.get_structure_hook(val_t)
    detailed = converter.detailed_validation

    def structure(v: Any, _: Any) -> Any:
        if not isinstance(v, Mapping):
            raise ExpectedError("an object", v)
        out: dict[Any, Any] = {}
        errors: list[Exception] = []
        for k, x in v.items():
            if type(k) is not str:
                raise ExpectedError("text keys", k)
            try:
                out[key_hook(k, key_t)] = val_hook(x, val_t)
            except Exception as e:
                if not detailed:
                    raise
                errors.append(_note_index(e, k, val_t))
        if errors:
            msg = f"While structuring {t!r}"
            raise IterableValidationError(msg, errors, t)
        return out

    return structure


_SCALARS: Final = (bool, int, float, str)


def _union_factory(t: Any, converter: cattrs.Converter) -> StructureHook:
    members = typing.get_args(t)
    optional = type(None) in members
    rest = tuple(m for m in members if m is not type(None))
    if len(rest) == 1:
        inner = converter.get_structure_hook(rest[0])
        only = rest[0]

        def optional_structure(v: Any, _: Any) -> Any:
            return None if v is None else inner(v, only)

        return optional_structure
    arrays = [m for m in rest if _is_sequence(m)]
    scalars = [m for m in rest if m in _SCALARS]
    # At most one registered class, read from a JSON object (a message or a text).
    objects = [m for m in rest if m in _SPECS]
    if (
        len(arrays) > 1
        or len(objects) > 1
        or len(scalars) + len(arrays) + len(objects) != len(rest)
    ):  # pragma: no cover
        msg = (
            "the codec reads unions of scalars (and at most one array type and one "
            f"registered class), or of one type and None, not {t!r}"
        )
        raise TypeError(msg)
    # A JSON value's own type picks the member: no coercion between them.
    by_type = {m: converter.get_structure_hook(m) for m in scalars}
    if float in by_type and int not in by_type:
        by_type[int] = by_type[float]
    for array in arrays:
        by_type[list] = by_type[tuple] = _bound(converter, array)
    for obj in objects:
        by_type[dict] = _bound(converter, obj)
    kinds = tuple(
        dict.fromkeys(
            {bool: "a boolean", int: "a number", float: "a number", str: "text"}.get(
                m, "an object" if m in _SPECS else "an array"
            )
            for m in rest
        )
    ) + (("null",) if optional else ())

    def structure(v: Any, _: Any) -> Any:
        if v is None and optional:
            return None
        hook = by_type.get(type(v))
        if hook is None:
            either = said("error.a.either", kinds=tuple(said(_WHAT[w]) for w in kinds))
            raise ExpectedError(either, v)
        return hook(v, type(v))

    return structure


def _bound(converter: cattrs.Converter, t: Any) -> StructureHook:
    """``t``'s structure hook, called with ``t`` whatever type it is given."""
    hook = converter.get_structure_hook(t)
    return lambda v, _: hook(v, t)


def _is_union(t: Any) -> bool:
    return typing.get_origin(t) in {typing.Union, types.UnionType}


def _is_set(t: Any) -> bool:
    return t in (frozenset, set) or typing.get_origin(t) in _SET_ORIGINS


def _is_sequence(t: Any) -> bool:
    return typing.get_origin(t) in _SEQUENCE_ORIGINS


def _is_mapping(t: Any) -> bool:
    return typing.get_origin(t) in _MAPPING_ORIGINS


_SET_ORIGINS: Final = frozenset({frozenset, set, abc.Set})
_SEQUENCE_ORIGINS: Final = frozenset({tuple, list, abc.Sequence}) | _SET_ORIGINS
_MAPPING_ORIGINS: Final = frozenset({dict, abc.Mapping})


def _sorted_json(items: Iterable[Any]) -> list[Any]:
    # Sets have no order of their own: write them in one deterministic order.
    return sorted(items, key=repr)


# --------------------------------------------------------------------- class hooks


def _class_structure(cls: type, converter: cattrs.Converter) -> StructureHook:
    spec = _SPECS[cls]
    if spec.form is not None:
        read = _read_shape(spec.form, converter)

        def structure_form(v: Any, t: Any) -> Any:
            # Said here, or the message would name the record instead of the value.
            if not isinstance(v, Mapping):
                raise ExpectedError(said("error.a.object_of", type=cls.__name__), v)
            return read(v, t)

        return structure_form
    overrides = {
        name: override(struct_hook=s) for name, (s, _u) in spec.hooks.items() if s
    }
    for name, shape in spec.shapes.items():
        overrides[name] = override(struct_hook=_read_shape(shape, converter))
    for name in spec.skip:
        overrides[name] = override(omit=True)
    generated: StructureHook = make_dict_structure_fn(
        cls,
        converter,
        _cattrs_forbid_extra_keys=True,
        _cattrs_detailed_validation=converter.detailed_validation,
        **overrides,  # type: ignore[arg-type]
    )
    names = _keys(cls)
    tag = spec.tag

    def structure(v: Any, _: Any) -> Any:
        if not isinstance(v, Mapping):
            raise ExpectedError(said("error.a.object_of", type=cls.__name__), v)
        if tag is not None:
            given = v.get(TAG)
            if given != tag:
                msg = (
                    f"{TAG!r} must be {tag!r} for a {cls.__name__}, got {quote(given)}"
                )
                said_as = said(
                    "error.tag_must_be",
                    key=repr(TAG),
                    tag=repr(tag),
                    type=cls.__name__,
                    given=quote(given),
                )
                raise DeserializationError(msg, message=said_as)
            v = {k: x for k, x in v.items() if k != TAG}
        extra = [k for k in v if k not in names]
        if extra:
            raise ForbiddenExtraKeysError(None, cls, set(extra))
        try:
            return generated(v, cls)
        except (BaseValidationError, ExpectedError, ForbiddenExtraKeysError):
            raise
        except (ValueError, TypeError, LookupError) as e:
            # The class's own validation (a cross-field rule): it belongs here.
            if not converter.detailed_validation:
                raise
            msg = f"While structuring {cls.__name__}"
            raise ClassValidationError(msg, [e], cls) from None

    return structure


def _keys(cls: type) -> tuple[str, ...]:
    """The keys a registered class's data may hold."""
    skip = _SPECS[cls].skip
    return tuple(
        a.alias or a.name for a in attrs.fields(cls) if a.init and a.name not in skip
    )


def _class_unstructure(cls: type, converter: cattrs.Converter) -> UnstructureHook:
    spec = _SPECS[cls]
    if spec.form is not None:
        return _write_shape(spec.form, converter)
    overrides: dict[str, Any] = {
        a.name: override(omit_if_default=True)
        for a in attrs.fields(cls)
        if a.name in spec.omit_if_default
    }
    for a in attrs.fields(cls):
        if not a.init or a.name in spec.skip:
            overrides[a.name] = override(omit=True)
    hooks = dict(spec.hooks)
    for name, shape in spec.shapes.items():
        hooks[name] = (None, _write_shape(shape, converter))
    for name, (_s, u) in hooks.items():
        if u is not None:
            keep = overrides.get(name)
            overrides[name] = override(
                unstruct_hook=u,
                omit_if_default=bool(keep and keep.omit_if_default),
            )
    generated: UnstructureHook = make_dict_unstructure_fn(cls, converter, **overrides)
    tag = spec.tag
    if tag is None:
        return generated

    def unstructure(v: Any) -> Any:
        return {TAG: tag, **generated(v)}

    return unstructure


def _read_shape(shape: Shape, converter: cattrs.Converter) -> StructureHook:
    hook = converter.get_structure_hook(shape.json_type)
    json_type, read = shape.json_type, shape.read

    def structure(v: Any, _: Any) -> Any:
        return read(hook(v, json_type))

    return structure


def _write_shape(shape: Shape, converter: cattrs.Converter) -> UnstructureHook:
    hook = converter.get_unstructure_hook(shape.json_type)
    write = shape.write

    def unstructure(v: Any) -> Any:
        return hook(write(v))

    return unstructure


def _union_unstructure(t: Any, converter: cattrs.Converter) -> UnstructureHook:
    members = [m for m in typing.get_args(t) if m is not type(None)]
    if all(m in _SCALARS for m in members):
        # JSON scalars (and None) are written as they are: cattrs' own identity,
        # which its generated writers inline.
        return identity
    if len(members) == 1:
        inner = converter.get_unstructure_hook(members[0])
        return lambda v: None if v is None else inner(v)
    return converter.unstructure  # a union of classes: each value by its own type


def _variant_structure(family: object, converter: cattrs.Converter) -> StructureHook:
    spec = _VARIANTS[family]
    table = spec.members
    hooks = {tag: converter.get_structure_hook(cls) for tag, cls in table.items()}
    known = ", ".join(sorted(table))
    shorthand = _read_shape(spec.shorthand, converter) if spec.shorthand else None
    old_tag = spec.old_tag

    def structure(v: Any, _: Any) -> Any:
        if not isinstance(v, Mapping):
            raise ExpectedError(said("error.a.tagged", key=repr(TAG), known=known), v)
        tag = v.get(TAG)
        hook = hooks.get(tag) if type(tag) is str else None
        if hook is not None:
            return hook(v, table[typing.cast("str", tag)])
        if TAG in v:
            msg = f"unknown {TAG} {quote(tag)}; expected one of: {known}"
            said_as = said("error.unknown_tag", key=TAG, value=quote(tag), known=known)
        elif old_tag is not None and old_tag in v:
            msg = (
                f"{old_tag!r} named the {TAG} in documents written before issue 13; "
                f"name it under {TAG!r} ({known}): docs/serialisation.md, 'Format "
                "changes', shows how to convert such a document"
            )
            said_as = said(
                "error.old_tag",
                old=repr(old_tag),
                key=TAG,
                quoted=repr(TAG),
                known=known,
            )
        elif shorthand is not None:
            return shorthand(v, None)
        else:
            msg = f"missing {TAG!r}; expected one of: {known}"
            said_as = said("error.missing_tag", key=repr(TAG), known=known)
        raise DeserializationError(msg, message=said_as)

    return structure


def _variant_unstructure(
    family: object, converter: cattrs.Converter
) -> UnstructureHook:
    members = frozenset(_VARIANTS[family].members.values())

    def unstructure(v: Any) -> Any:
        member = _registered_base(type(v), members)
        if member is not None:
            return converter.get_unstructure_hook(member)(v)
        if callable(getattr(v, "to_dict", None)):
            # A class of the user's own (a Protocol's implementation) writes itself.
            return v.to_dict()
        return converter.unstructure(v)

    return unstructure


def _registered_base(cls: type, among: abc.Container[type]) -> type | None:
    """``cls`` or the nearest of its bases in ``among`` (a subclass is written as it)."""
    return next((c for c in cls.__mro__ if c in among), None)


# -------------------------------------------------------------------- converters


def _converter(*, detailed: bool) -> cattrs.Converter:
    c = cattrs.Converter(
        forbid_extra_keys=True,
        detailed_validation=detailed,
        prefer_attrib_converters=False,
    )
    for t, s in (
        (bool, _bool),
        (int, _int),
        (float, _float),
        (str, _str),
        (dt.datetime, _instant),
        (dt.timedelta, _duration),
        (dt.date, _date),
    ):
        c.register_structure_hook(t, s)
    c.register_structure_hook_func(lambda t: t is Any, _any)
    # Registered by class: an enum of text is also a str, and the most specific
    # class in its MRO must win.
    c.register_structure_hook(enum.StrEnum, _enum)
    c.register_structure_hook(enum.Enum, _enum)
    c.register_structure_hook_factory(_is_literal, _literal_factory)
    c.register_structure_hook_factory(_is_union, _union_factory)
    c.register_structure_hook_factory(_is_sequence, _sequence_factory)
    c.register_structure_hook_factory(_is_mapping, _mapping_factory)
    c.register_structure_hook_factory(lambda t: t in _SPECS, _class_structure)
    c.register_structure_hook_factory(lambda t: t in _VARIANTS, _variant_structure)

    c.register_unstructure_hook(dt.datetime, _write_instant)
    c.register_unstructure_hook(dt.timedelta, duration_to_iso)
    c.register_unstructure_hook(dt.date, dt.date.isoformat)
    # StrEnum before str in the MRO: its members are written as plain values.
    c.register_unstructure_hook(enum.StrEnum, _write_enum)
    c.register_unstructure_hook(enum.Enum, _write_enum)
    c.register_unstructure_hook_factory(
        lambda t: _is_sequence(t) and not _is_set(t), _sequence_unstructure
    )
    c.register_unstructure_hook_func(
        _is_set, lambda v: _sorted_json(c.unstructure(x) for x in v)
    )
    # A union's value is written as what it is at run time.
    c.register_unstructure_hook_factory(_is_union, _union_unstructure)
    c.register_unstructure_hook_factory(lambda t: t in _SPECS, _class_unstructure)
    c.register_unstructure_hook_factory(lambda t: t in _VARIANTS, _variant_unstructure)
    return c


_FAST: Final = _converter(detailed=False)
_DETAILED: Final = _converter(detailed=True)


def _format(exc: BaseException, _type: object) -> tuple[str, Message | str]:
    """One problem's English text, and its message (the text when it has none)."""
    if isinstance(exc, ForbiddenExtraKeysError):
        names = ", ".join(_keys(exc.cl))
        extra = ", ".join(repr(k) for k in sorted(exc.extra_fields, key=str))
        plural = "s" if len(exc.extra_fields) > 1 else ""
        code = "error.unknown_keys" if plural else "error.unknown_key"
        return (
            f"unknown key{plural} {extra}; expected {names}",
            said(code, keys=extra, expected=names),
        )
    if isinstance(exc, KeyError):
        return "this required key is missing", said("error.missing_key")
    if isinstance(exc, ServiceKitError):
        return str(exc), exc.message or str(exc)
    error = quote(str(exc))
    return (
        f"unusable value ({type(exc).__name__}: {error})",
        said("error.unusable_value", type=type(exc).__name__, error=error),
    )


def _messages(exc: BaseException) -> list[tuple[str, Message]]:
    """Each problem in ``exc`` as ``at $.path: ...``: its English text and message."""
    problems: list[Message | str] = []

    def describe(e: BaseException, t: object) -> str:
        text, message = _format(e, t)
        problems.append(message)
        return text

    # transform_error describes the problems in order, each once: the messages
    # collected are the lines', one for one.
    lines = transform_error(exc, path="$", format_exception=describe)
    out = []
    for line, problem in zip(lines, problems, strict=True):
        description, _, path = line.rpartition(" @ ")
        out.append(
            (f"at {path}: {description}", said("error.at", path=path, problem=problem))
        )
    return out


def _unusable(name: str, problems: list[tuple[str, Message]]) -> DeserializationError:
    """The one error of a failed read: every problem, each at its JSON path."""
    texts = [text for text, _ in problems]
    said_as = said("error.unusable", what=name, problems=tuple(m for _, m in problems))
    return DeserializationError(
        f"{name} data is unusable: " + "; ".join(texts), message=said_as
    )


def _too_deep(data: object) -> str:
    """The JSON path to where ``data`` nests too deeply, cut after a few steps."""
    path = "$"
    node, room = data, MAX_DEPTH
    for _ in range(_PATH_STEPS):
        children: Iterable[tuple[object, object]] = (
            node.items()
            if isinstance(node, Mapping)
            else enumerate(node)
            if isinstance(node, list | tuple)
            else ()
        )
        room -= 1
        for key, child in children:
            if depth_of(child, room) > room:
                if isinstance(key, int):
                    path += f"[{key}]"
                elif isinstance(key, str) and key.isidentifier():
                    path += f".{key}"
                else:
                    path += f"[{quote(key)}]"
                node = child
                break
    return path + "…"


def _shallow(data: object) -> bool:
    """Whether ``data`` is an object nesting at most two levels (a cheap first check).

    Most documents a hot path reads (an event of a JSON-lines export) are; the
    exact depth is measured only for the others.
    """
    if type(data) is not dict:
        return False
    for v in data.values():
        t = type(v)
        if t in _LEAVES:
            continue
        if t is not dict and t is not list:
            return False
        for x in v.values() if t is dict else v:
            if type(x) not in _LEAVES:
                return False
    return True


_LEAVES: Final = frozenset({str, int, float, bool, type(None)})

# How many steps of a too-deep path an error message shows.
_PATH_STEPS: Final = 4


# Per class, a reader of its common valid document (see [`quick_reader`][]).
_QUICK: dict[type, Callable[[object], Any]] = {}


def quick_reader(cls: type[_T], read: Callable[[object], _T | None]) -> None:
    """Give a registered class a reader for its common, valid documents.

    [`from_data`][] tries ``read`` first and takes the checking path only when it
    returns None, so ``read`` must never raise, and must return exactly the value
    the checking path would build, or None (for anything it does not know to be
    valid: that path then builds the value or says what is wrong). For a value read
    in bulk, such as a ticket event per line of an export (issue 13).
    """
    _QUICK[cls] = read


def from_data(cls: type[_T], data: object, *, what: str | None = None) -> _T:
    """Build a ``cls`` from JSON-native data, or raise one ``DeserializationError``.

    Raises:
        DeserializationError: the data does not describe a ``cls``; the message
            names each JSON path that is wrong and what was expected there.
        MemoryError: passed on as it is: it says nothing about the data.
    """
    quick = _QUICK.get(cls)
    if quick is not None:
        found = quick(data)
        if found is not None:
            return found  # type: ignore[no-any-return]
    return read_checked(cls, data, what=what)


def read_checked(cls: type[_T], data: object, *, what: str | None = None) -> _T:
    """[`from_data`][] without the class's quick reader: every check, every time.

    Raises:
        DeserializationError: as [`from_data`][].
        MemoryError: as [`from_data`][].
    """
    name = what or str(getattr(cls, "__name__", cls))
    if not _shallow(data) and depth_of(data, MAX_DEPTH) > MAX_DEPTH:
        path = _too_deep(data)
        deeper = said("error.nests_deeper", limit=MAX_DEPTH)
        raise _unusable(
            name,
            [(f"at {path}: {deeper}", said("error.at", path=path, problem=deeper))],
        )
    try:
        return _FAST.structure(data, cls)
    except RecursionError:  # pragma: no cover -- check_depth keeps data shallow
        msg = f"{name} data nests too deeply"
        raise DeserializationError(msg) from None
    except MemoryError:
        raise  # the machine's trouble, not the data's
    except Exception:  # noqa: BLE001, S110 -- re-run with paths to say where
        pass
    try:
        _DETAILED.structure(data, cls)
    except Exception as e:  # noqa: BLE001 -- every failure becomes one error type
        lines = _messages(e) if isinstance(e, BaseValidationError) else None
        if not lines:
            text, problem = _format(e, cls)
            lines = [(f"at $: {text}", said("error.at", path="$", problem=problem))]
        raise _unusable(name, lines) from None
    msg = f"{name} data is unusable"  # pragma: no cover -- both converters agree
    raise DeserializationError(msg)  # pragma: no cover


# Each registered class's generated writer, looked up once (invisible memoisation:
# the registries never change after import).
_WRITERS: dict[type, UnstructureHook] = {}


def to_data(obj: object) -> Any:
    """Return ``obj`` as JSON-native data (dicts, lists, strings, numbers, booleans)."""
    return _FAST.unstructure(obj)


class Serialisable:
    """Gives a registered value class its ``to_dict`` and ``from_dict``."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """Return this value as JSON-native data (see ``docs/serialisation.md``)."""
        cls = type(self)
        write = _WRITERS.get(cls)
        if write is None:
            # A subclass the codec does not know is written as its registered base.
            base = _registered_base(cls, _SPECS) or cls
            write = _WRITERS[cls] = _FAST.get_unstructure_hook(base)
        return write(self)  # type: ignore[no-any-return]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Rebuild a value from [`to_dict`][] data.

        Raises:
            DeserializationError: the data does not describe such a value; the
                message names the JSON path and what was expected there.
        """
        quick = _QUICK.get(cls)
        if quick is not None:
            found = quick(data)
            if found is not None:
                return found  # type: ignore[no-any-return]
        return read_checked(cls, data)

"""``Message``: a sentence as data, a stable code plus typed parameters.

Building one costs no more than a small tuple: the text is made only when someone
reads it (``str()`` for English, [`render`][servicekit.messages.render] for another
locale). The English text never needs Babel; other locales load it lazily. This
module must never do I/O itself (the catalogs are read by ``_render`` on first use).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from servicekit import _codec
from servicekit._boundary import quote
from servicekit.errors import InvalidArgumentError, UnknownNameError
from servicekit.messages import _catalog

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["Message", "english"]


def english(code: str, params: Mapping[str, Any]) -> str:
    """Return the English text of message ``code`` with ``params`` (no checks)."""
    spec = _catalog.CODES[code]
    return spec.template.format_map(
        {name: kind.english(params[name]) for name, kind in spec.kinds.items()}
    )


@attrs.frozen(eq=False, repr=False, init=False)
class Message:
    """A human-readable sentence as data: a stable ``code`` and typed ``params``.

    ``str(message)`` is the English text (and a message equals it, so code that
    compared sentences keeps working); ``message.render("zh-CN")`` is the
    Simplified Chinese one. ``to_dict()`` carries the code and the parameters (not
    the text), so a CRM can show the sentence in its own UI language. Every code,
    with its parameters and their kinds, is listed in
    `servicekit.messages.CODES`.

    Args:
        code: the message's stable code (``"routing.waiting"``).
        params: its parameters by name, each of the kind the code declares.

    Raises:
        UnknownNameError: no message has this code.
        InvalidArgumentError: a parameter is missing, unknown or of the wrong kind.

    Examples:
        >>> import datetime as dt
        >>> from servicekit import Priority
        >>> from servicekit.messages import Message
        >>> m = Message.of(
        ...     "routing.promoted",
        ...     priority=Priority.HIGH,
        ...     waited=dt.timedelta(minutes=90),
        ...     every=dt.timedelta(minutes=30),
        ... )
        >>> str(m)
        'served as high priority after waiting 1 h 30 min (one level up for every 30 min waited)'
        >>> m.render("zh-CN")
        '等待1小时30分钟后按高优先级处理（每等待30分钟提升一级）'
        >>> m.to_dict()["params"]["waited"]
        'PT1H30M'
        >>> Message.from_dict(m.to_dict()) == m
        True
    """

    code: str
    params: Mapping[str, Any]

    def __init__(self, code: str, params: Mapping[str, Any]) -> None:
        # Each slot through its own setter: attrs' generated __init__ goes through
        # object.__setattr__, and routing builds several messages per ticket.
        _SET_CODE(self, code)
        _SET_PARAMS(self, params)

    @classmethod
    def of(cls, code: str, /, **params: Any) -> Message:
        """Return a checked message: ``code`` must be known, ``params`` of its kinds."""
        spec = _catalog.CODES.get(code)
        if spec is None:
            msg = f"no message has the code {quote(code)}; the codes are listed in servicekit.messages.CODES"
            raise UnknownNameError(msg)
        if set(params) != set(spec.kinds):
            msg = f"message {quote(code)} takes the parameters {', '.join(spec.kinds) or 'none'}; got {quote(', '.join(sorted(params))) or 'none'}"
            raise InvalidArgumentError(msg)
        for name, kind in spec.kinds.items():
            value = params[name]
            if isinstance(value, list):
                value = params[name] = tuple(value)
            if not kind.check(value):
                msg = f"parameter {name!r} of message {quote(code)} must be of kind {kind.name}; got {quote(value)}"
                raise InvalidArgumentError(msg)
        return cls(code, params)

    def __str__(self) -> str:
        return english(self.code, self.params)

    def __repr__(self) -> str:
        return f"Message({self.code!r}, {dict(self.params)!r})"

    # A message equals another with the same code and parameters, and its own
    # English text: code written when reasons were sentences keeps working.
    def __eq__(self, other: object) -> bool:
        if isinstance(other, Message):
            return self.code == other.code and dict(self.params) == dict(other.params)
        if isinstance(other, str):
            return str(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))

    def render(self, locale: str | None = None) -> str:
        """Return the text in ``locale`` (``"zh-CN"``; None or English: ``str()``).

        An unknown locale gives English, with one warning naming the locales there
        are (see [`render`][servicekit.messages.render]).
        """
        from servicekit.messages._render import render_one  # noqa: PLC0415 -- lazy

        return render_one(self, locale)

    def to_dict(self) -> dict[str, Any]:
        """Return the code and the parameters as JSON-native data."""
        return _codec.to_data(self)  # type: ignore[no-any-return]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Message:
        """Rebuild a message from [`to_dict`][servicekit.messages.Message.to_dict] data.

        Raises:
            DeserializationError: unknown code, or a parameter missing or unusable.
        """
        return _codec.from_data(cls, data)


_SET_CODE = Message.__dict__["code"].__set__
_SET_PARAMS = Message.__dict__["params"].__set__


# Written with its params even when there are none: a reader expects the key.
@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class _MessageRecord(_codec.Serialisable):
    code: str
    params: dict[str, Any] = attrs.Factory(dict)


def _record(m: Message) -> _MessageRecord:
    kinds = _catalog.CODES[m.code].kinds
    return _MessageRecord(
        code=m.code,
        params={name: kinds[name].write(value) for name, value in m.params.items()},
    )


def _message(r: _MessageRecord) -> Message:
    spec = _catalog.CODES.get(r.code)
    if spec is None:
        msg = f"no message has the code {quote(r.code)}"
        raise InvalidArgumentError(msg)
    extra = set(r.params) - set(spec.kinds)
    missing = set(spec.kinds) - set(r.params)
    if extra or missing:
        msg = f"message {quote(r.code)} takes the parameters {', '.join(spec.kinds) or 'none'}; got {quote(', '.join(sorted(map(str, r.params)))) or 'none'}"
        raise InvalidArgumentError(msg)
    params = {}
    for name, kind in spec.kinds.items():
        try:
            params[name] = kind.read(r.params[name])
        except (ValueError, TypeError, LookupError) as e:
            msg = f"parameter {name!r} of message {quote(r.code)}: {e}"
            raise InvalidArgumentError(msg) from None
    return Message(r.code, params)


_codec.value(form=_codec.Shape(_MessageRecord, _message, _record))(Message)

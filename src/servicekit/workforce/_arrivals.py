"""Given arrivals and the bot: what a desk simulation can be fed besides a forecast.

A CRM replaying last month, or a demo that generates its own customers, knows each
contact already: its routing ticket (skills, language, customer, attributes for the
router's policies), its handling time, how long it will wait, and how long an agent
takes to pick it up once chosen. A bot in front of a channel answers every contact
there and keeps some, handing the rest to people. These are plain values, checked at
construction and serialised by the one codec; the simulation reads them and never
changes them. Nothing here reads a clock or draws a random number.
"""

from __future__ import annotations

import datetime as dt
import operator
from typing import TYPE_CHECKING, Any, Final, cast

import attrs

from servicekit import _codec
from servicekit._vocabulary import Channel
from servicekit.errors import InvalidArgumentError, InvalidTypeError
from servicekit.routing import Ticket
from servicekit.routing import _values as v
from servicekit.workforce import _checks as c

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ["Arrival", "BotChannel"]


def _ticket(value: object) -> Ticket:
    if not isinstance(value, Ticket):
        msg = f"Arrival.ticket must be a servicekit.routing.Ticket; got {value!r}"
        raise InvalidTypeError(msg)
    if value.assignee_id is not None:
        msg = (
            f"Arrival.ticket {value.id!r} is assigned to {value.assignee_id!r} already; "
            "an arriving contact waits for the router (leave assignee_id out)"
        )
        raise InvalidArgumentError(msg)
    return value


def _handling(value: object) -> dt.timedelta:
    return c.duration(value, "Arrival.handling")


def _patience(value: object) -> dt.timedelta | None:
    return None if value is None else c.duration(value, "Arrival.patience")


def _pickup(value: object) -> dt.timedelta:
    return c.duration(value, "Arrival.pickup")


def _kind(value: object) -> str:
    return v.check_id(value, "Arrival.kind", "'billing call'")


@_codec.value(omit_if_default=("patience", "pickup", "kind"))
@attrs.frozen(kw_only=True)
class Arrival(_codec.Serialisable):
    """One contact a simulation is given, instead of drawing it from a forecast.

    The contact arrives at its ticket's ``created_at`` and waits in the queue until
    the router gives it to an agent, who holds one unit of capacity on its channel
    from the router's choice until its handling ends: ``pickup`` after the choice
    (the phone rings, a chat pops up, an email lands in a personal queue), the
    agent takes it, then works ``handling`` on it. Everything the router's policies
    read is on the ticket (skills, language, tier, ``customer_id`` for case owners
    and dedicated managers, ``attributes`` such as ``unresolved_complaints``).

    Args:
        ticket: Its routing [`Ticket`][servicekit.routing.Ticket] (unassigned;
            its ``id`` names the simulated contact).
        handling: The agent's time on it once taken.
        patience: How long it waits before hanging up, or None (it waits as long
            as it takes).
        pickup: From the router's choice to the agent taking it.
        kind: What kind of contact it is (for
            [`DeskSimulation.of_kind`][servicekit.workforce.DeskSimulation.of_kind]).

    Raises:
        InvalidTypeError: a ticket that is not a routing ``Ticket``.
        InvalidArgumentError: an assigned ticket, or a negative or non-finite
            duration.

    Examples:
        >>> import datetime as dt, pendulum
        >>> from servicekit.routing import Ticket
        >>> from servicekit.workforce import Arrival
        >>> a = Arrival(
        ...     ticket=Ticket(
        ...         id="T1",
        ...         created_at=pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai"),
        ...         priority="normal",
        ...         tier="high_value",
        ...         channel="chat",
        ...         customer_id="cust-42",
        ...     ),
        ...     handling=dt.timedelta(minutes=9),
        ...     pickup=dt.timedelta(seconds=20),
        ...     kind="billing",
        ... )
        >>> Arrival.from_dict(a.to_dict()) == a
        True
    """

    ticket: Ticket = attrs.field(converter=_ticket)
    handling: dt.timedelta = attrs.field(converter=_handling)
    patience: dt.timedelta | None = attrs.field(default=None, converter=_patience)
    pickup: dt.timedelta = attrs.field(default=dt.timedelta(0), converter=_pickup)
    kind: str = attrs.field(default="contact", converter=_kind)

    def repeated(
        self,
        *,
        id: str,  # noqa: A002 -- the ticket's own field name
        created_at: dt.datetime,
        handling: dt.timedelta,
        customer_id: str | None = None,
        attributes: Mapping[str, Any] | None = None,
        pickup: dt.timedelta | None = None,
    ) -> Arrival:
        """Return another contact of this one's shape: a new id, instant, customer.

        Everything else (the ticket's priority, tier, channel, skills and levels,
        language, group; the patience and kind) is this arrival's, already checked
        and triaged, so a month of contacts that come in a few dozen shapes is built
        for the cost of checking the fields that change. ``attributes`` replace the
        ticket's (None keeps them); ``pickup`` None keeps this one's.

        Raises:
            InvalidArgumentError: an empty id, a negative handling or pickup.
            NaiveDatetimeError: a ``created_at`` without a time zone.

        Examples:
            >>> import datetime as dt, pendulum
            >>> from servicekit.routing import Ticket
            >>> from servicekit.workforce import Arrival
            >>> nine = pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")
            >>> chat = Arrival(
            ...     ticket=Ticket(
            ...         id="T1",
            ...         created_at=nine,
            ...         priority="high",
            ...         tier="potential",
            ...         channel="chat",
            ...     ),
            ...     handling=dt.timedelta(minutes=9),
            ... )
            >>> later = chat.repeated(
            ...     id="T2",
            ...     created_at=nine.add(minutes=5),
            ...     handling=dt.timedelta(minutes=4),
            ...     customer_id="cust-7",
            ... )
            >>> later.ticket == Ticket(
            ...     id="T2",
            ...     created_at=nine.add(minutes=5),
            ...     priority="high",
            ...     tier="potential",
            ...     channel="chat",
            ...     customer_id="cust-7",
            ... )
            True
        """
        # Each changed field goes through the ticket's own converter, so it is
        # checked exactly as a new Ticket would check it (in the same order); the
        # rest was checked when this arrival's ticket was built and is copied, read
        # in one call.
        at = _CREATED_AT(created_at)
        old = self.ticket
        ticket = _new(Ticket)
        for put, value in zip(_KEPT_SETTERS, _KEPT(old), strict=True):
            put(ticket, value)
        _SET_ID(ticket, _TICKET_ID(id))
        _SET_CREATED_AT(ticket, at)
        _SET_CREATED_US(ticket, v.micros(at))
        _SET_CUSTOMER_ID(ticket, _CUSTOMER_ID(customer_id))
        _SET_ATTRIBUTES(
            ticket, old.attributes if attributes is None else _attributes(attributes)
        )
        handled = _checked_handling(handling)
        kept = self.pickup if pickup is None else _checked_pickup(pickup)
        out = _new(Arrival)
        _PUT_TICKET(out, ticket)
        _PUT_HANDLING(out, handled)
        _PUT_PATIENCE(out, self.patience)
        _PUT_PICKUP(out, kept)
        _PUT_KIND(out, self.kind)
        return out


# Each ticket field's own converter, looked up once.
_TICKET_CONVERTERS: dict[str, Callable[[object], Any]] = {
    a.name: cast("Callable[[object], Any]", a.converter)
    for a in attrs.fields(Ticket)
    if a.converter is not None
}


def _as_ticket(name: str, value: object) -> Any:
    """``value`` through the ticket field ``name``'s own converter (its checks)."""
    return _TICKET_CONVERTERS[name](value)


_CREATED_AT: Final = _TICKET_CONVERTERS["created_at"]
_TICKET_ID: Final = _TICKET_CONVERTERS["id"]
_CUSTOMER_ID: Final = _TICKET_CONVERTERS["customer_id"]
_new: Final = object.__new__
# Each ticket field's setter, and those ``repeated`` changes by name: a repeated
# ticket is a copy of its shape's with these set again. The fields it keeps are read
# with one getter and set with their slots' setters.
_TICKET_SETTERS: Final = v.slot_setters(Ticket)
_SETTER_OF: Final = dict(_TICKET_SETTERS)
_SET_ID: Final = _SETTER_OF["id"]
_SET_CREATED_AT: Final = _SETTER_OF["created_at"]
_SET_CREATED_US: Final = _SETTER_OF["_created_us"]
_SET_CUSTOMER_ID: Final = _SETTER_OF["customer_id"]
_SET_ATTRIBUTES: Final = _SETTER_OF["attributes"]
_CHANGED: Final = frozenset(
    {"id", "created_at", "_created_us", "customer_id", "attributes"}
)
_KEPT_NAMES: Final = tuple(n for n, _ in _TICKET_SETTERS if n not in _CHANGED)
_KEPT: Final = operator.attrgetter(*_KEPT_NAMES)
_KEPT_SETTERS: Final = tuple(_SETTER_OF[n] for n in _KEPT_NAMES)
# The values a flat attributes mapping may hold as they are: JSON's scalars but
# floats, which are checked for being finite.
_PLAIN_VALUES: Final = frozenset({str, int, bool, type(None)})
_ZERO: Final = dt.timedelta(0)


# An arrival's setters, by field (a field added later fails here, at import).
_PUT_TICKET, _PUT_HANDLING, _PUT_PATIENCE, _PUT_PICKUP, _PUT_KIND = v.field_setters(
    Arrival, "ticket", "handling", "patience", "pickup", "kind"
)


def _checked_handling(value: object) -> dt.timedelta:
    """``_handling(value)``; a plain timedelta of zero or more is taken at once."""
    if type(value) is dt.timedelta and value >= _ZERO:
        return value
    return _handling(value)


def _checked_pickup(value: object) -> dt.timedelta:
    """``_pickup(value)``; a plain timedelta of zero or more is taken at once."""
    if type(value) is dt.timedelta and value >= _ZERO:
        return value
    return _pickup(value)


def _attributes(value: object) -> Any:
    """``value`` as the ticket's ``attributes`` converter makes it, flat ones quickly.

    A plain dict of text keys to text, whole numbers, booleans or None freezes to a
    ``FrozenMap`` of its items in key order, which is what the converter builds for
    it after checking each item; a ``FrozenMap`` of such items (one a ticket holds,
    say) is already what the converter would build again, so it is kept as it is.
    Anything else (nested, floats, other mappings, a bad key or value) goes through
    the converter itself, which checks it and says why.
    """
    kind = type(value)
    if kind is dict or kind is v.FrozenMap:
        plain = _PLAIN_VALUES
        for key, item in value.items():  # type: ignore[attr-defined]
            if type(key) is not str or type(item) not in plain:
                break
        else:
            if kind is v.FrozenMap:
                return value
            # Text keys are distinct, so the items sort by key alone.
            return v.FrozenMap.in_order(dict(sorted(value.items())))  # type: ignore[attr-defined]
    return _as_ticket("attributes", value)


def _channel(value: object) -> Channel:
    return v.enum_member(Channel, value, "BotChannel.channel")  # type: ignore[no-any-return]


def _hand_over(value: object) -> float:
    return c.share(value, "BotChannel.hand_over")


@_codec.value()
@attrs.frozen(kw_only=True)
class BotChannel(_codec.Serialisable):
    """A bot in front of one channel: it answers every contact there, keeps some.

    Each contact arriving on ``channel`` is answered by the bot on arrival; with
    probability ``hand_over`` (drawn from the simulation's seed, on a stream of its
    own) it is handed to people and queues like any other contact, otherwise the
    bot keeps it: it never reaches an agent and is reported with
    ``by_bot=True``, outside the desk's rates.

    Args:
        channel: The bot's channel.
        hand_over: Share of its contacts handed to people, 0 to 1.

    Raises:
        UnknownNameError: a channel that does not exist.
        InvalidArgumentError: a share outside 0 to 1.

    Examples:
        >>> from servicekit.workforce import BotChannel
        >>> bot = BotChannel(hand_over=1 / 3)
        >>> bot.channel, BotChannel.from_dict(bot.to_dict()) == bot
        (<Channel.BOT: 'bot'>, True)
    """

    channel: Channel = attrs.field(default=Channel.BOT, converter=_channel)
    hand_over: float = attrs.field(converter=_hand_over)

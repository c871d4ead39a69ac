"""Queue order: which waiting ticket is served first.

Order is priority (after anti-starvation promotion), then the earliest SLA deadline
(``due_at``; tickets without one come after those with one), then creation time, then
ticket id, so two runs over the same tickets always agree. This module must never read
a clock: "now" is a parameter.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Final

import attrs

from servicekit import _codec
from servicekit._vocabulary import Priority
from servicekit.errors import DuplicateIdError, InvalidArgumentError
from servicekit.routing import _values as v
from servicekit.routing._model import Ticket, created_us, due_us

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["QueueOrder"]

_PRIORITIES = tuple(Priority)
# Each priority's rank, looked up rather than worked out (``Priority.rank`` searches
# the members' names) for every ticket of every dispatch.
_RANKS: Final = {p: p.rank for p in Priority}


def _bound(value: object) -> dt.timedelta | None:
    if value is None:
        return None
    return v.duration(value, "QueueOrder.promote_every", positive=True)


def unique_tickets(tickets: object) -> tuple[Ticket, ...]:
    """Return a queue as a tuple after checking it holds Tickets with distinct ids."""
    out = v.items_of(Ticket, tickets, "tickets")
    if len(out) > 1 and len({t.id for t in out}) != len(out):
        dup = v.first_duplicate(t.id for t in out)
        msg = f"two tickets share the id {dup!r}; a queue holds each ticket once"
        raise DuplicateIdError(msg)
    return out


def waited(ticket: Ticket, now_us: int, now: dt.datetime) -> int:
    """Return microseconds ``ticket`` has waited at ``now`` (refusing the future)."""
    created = created_us(ticket)
    if created > now_us:
        msg = (
            f"ticket {ticket.id} was created at {ticket.created_at.isoformat()}, after "
            f"now={now.isoformat()}; pass the current time as `now`"
        )
        raise InvalidArgumentError(msg)
    return now_us - created


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class QueueOrder(_codec.Serialisable):
    """How a queue is ordered, with promotion so low priorities never starve.

    Args:
        promote_every: A ticket waiting this long moves up one priority level, and
            one more for every further ``promote_every`` (never above URGENT).
            None disables promotion.

    Examples:
        >>> from datetime import timedelta
        >>> import pendulum
        >>> from servicekit.routing import QueueOrder, Ticket
        >>> now = pendulum.datetime(2026, 1, 1, 12)
        >>> old_low = Ticket(
        ...     id="old",
        ...     created_at=now.subtract(hours=5),
        ...     priority="low",
        ...     tier="ordinary",
        ...     channel="email",
        ... )
        >>> new_high = Ticket(
        ...     id="new",
        ...     created_at=now,
        ...     priority="high",
        ...     tier="ordinary",
        ...     channel="email",
        ... )
        >>> q = QueueOrder(promote_every=timedelta(hours=2))
        >>> q.effective_priority(old_low, now).value
        'high'
        >>> [t.id for t in q.order([new_high, old_low], now)]
        ['old', 'new']
        >>> q.to_dict()
        {'promote_every': 'PT2H'}
    """

    promote_every: dt.timedelta | None = attrs.field(default=None, converter=_bound)

    def key(self, ticket: Ticket, now: dt.datetime) -> tuple[Any, ...]:
        """Return the sort key of ``ticket`` at ``now`` (smaller is served first).

        Args:
            ticket: The ticket.
            now: The instant of ordering (aware).

        Returns:
            ``(priority rank, has no due_at, due_at, created_at, id)`` as integers and
            the id; tuples compare in service order.

        Raises:
            InvalidArgumentError: the ticket was created after ``now``.

        Examples:
            >>> import pendulum
            >>> from servicekit.routing import QueueOrder, Ticket
            >>> now = pendulum.datetime(2026, 1, 1)
            >>> t = Ticket(
            ...     id="T",
            ...     created_at=now,
            ...     priority="urgent",
            ...     tier="ordinary",
            ...     channel="chat",
            ... )
            >>> QueueOrder().key(t, now)[0]
            0
        """
        now_i = v.instant(now, "now")
        return self._key(ticket, v.micros(now_i), now_i)

    def _key(self, ticket: Ticket, now_us: int, now: dt.datetime) -> tuple[Any, ...]:
        wait = waited(ticket, now_us, now)
        return service_key(self, ticket, wait, now_us - wait)

    def effective_priority(self, ticket: Ticket, now: dt.datetime) -> Priority:
        """Return the ticket's priority after promotion for waiting at ``now``.

        Args:
            ticket: The ticket.
            now: The instant of ordering (aware).

        Returns:
            Its priority after promotion.

        Raises:
            InvalidArgumentError: the ticket was created after ``now``.

        Examples:
            >>> import pendulum
            >>> from datetime import timedelta
            >>> from servicekit.routing import QueueOrder, Ticket
            >>> now = pendulum.datetime(2026, 1, 1, 12)
            >>> t = Ticket(
            ...     id="T",
            ...     created_at=now.subtract(minutes=61),
            ...     priority="low",
            ...     tier="ordinary",
            ...     channel="chat",
            ... )
            >>> QueueOrder(promote_every=timedelta(minutes=30)).effective_priority(
            ...     t, now
            ... ).value
            'high'
        """
        now_i = v.instant(now, "now")
        return _PRIORITIES[
            _promoted(self, ticket, waited(ticket, v.micros(now_i), now_i))
        ]

    def order(self, tickets: Iterable[Ticket], now: dt.datetime) -> tuple[Ticket, ...]:
        """Return ``tickets`` in service order at ``now``.

        Args:
            tickets: The queue, in any order.
            now: The instant of ordering (aware).

        Returns:
            The tickets in service order.

        Raises:
            DuplicateIdError: two tickets share an id.
            InvalidArgumentError: a ticket was created after ``now``.

        Examples:
            >>> import pendulum
            >>> from servicekit.routing import QueueOrder, Ticket
            >>> now = pendulum.datetime(2026, 1, 1, 12)
            >>> mk = lambda i, p, h: Ticket(
            ...     id=i,
            ...     created_at=now.subtract(hours=h),
            ...     priority=p,
            ...     tier="ordinary",
            ...     channel="chat",
            ... )
            >>> [
            ...     t.id
            ...     for t in QueueOrder().order(
            ...         [mk("a", "low", 3), mk("b", "urgent", 1), mk("c", "low", 4)],
            ...         now,
            ...     )
            ... ]
            ['b', 'c', 'a']
        """
        now_i = v.instant(now, "now")
        now_us = v.micros(now_i)
        keyed = [(self._key(t, now_us, now_i), t) for t in unique_tickets(tickets)]
        keyed.sort(key=lambda kt: kt[0])
        return tuple(t for _, t in keyed)


def service_key(
    order: QueueOrder, ticket: Ticket, waited_us: int, created: int
) -> tuple[Any, ...]:
    """Return ``order.key`` of a checked ticket from its wait and creation instant.

    The router's dispatch orders its queue with it, having worked out both integers
    (microseconds) already.
    """
    # Flat tuple, integers only: cheap to build and compare for 100,000 tickets.
    due = due_us(ticket)
    if due is None:
        return (_promoted(order, ticket, waited_us), 1, 0, created, ticket.id)
    return (_promoted(order, ticket, waited_us), 0, due, created, ticket.id)


def rank_of(priority: Priority) -> int:
    """Return ``priority.rank`` (0 for the highest), from a table."""
    return _RANKS[priority]


def _promoted(order: QueueOrder, ticket: Ticket, waited_us: int) -> int:
    """Return the rank of ``ticket``'s priority after ``order``'s promotion."""
    rank = _RANKS[ticket.priority]
    if order.promote_every is not None:
        rank -= waited_us // (order.promote_every // dt.timedelta(microseconds=1))
    return max(rank, 0)

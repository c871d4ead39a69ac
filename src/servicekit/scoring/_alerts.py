"""Alerts: responses that need a follow-up, and customers at risk of churning.

A response rating any dimension below a threshold (by default below 3 on 1–5) needs a
follow-up call (response speed, resolution, attitude and competence, as the standard
service process rates them, and the index's follow-up dimension); a customer with several unresolved complaints inside a recent window is
high-risk. Both alerts carry their reasons in words, so the person acting on them
knows why. "Now" is a parameter: this module must never read the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from servicekit import _codec
from servicekit._boundary import quote
from servicekit.errors import (
    InvalidArgumentError,
    InvalidTypeError,
    NaiveDatetimeError,
    UnknownNameError,
)
from servicekit.messages import Message
from servicekit.messages._explained import Explained
from servicekit.messages._kinds import describe_duration
from servicekit.scoring._index import DEFAULT_WEIGHTS
from servicekit.scoring._validation import (
    as_int,
    flag,
    is_bool,
    materialise,
    not_instance,
    reasons,
    scale_pair,
    shown,
    whole,
)

__all__ = [
    "Complaint",
    "FollowUpAlert",
    "RiskAlert",
    "follow_up_alerts",
    "high_risk_customers",
    "needs_follow_up",
]

Id = str | int

# Ids are compared as text when alerts are sorted, and stored in databases: an int id
# must fit a 64-bit column.
_MAX_ID = 2**63

# How many names an "unknown dimension" message lists before it says "…".
_LISTED = 20

# The dimensions a response may rate unless the caller names others: the standard
# service process's four (response speed, resolution, attitude, competence) and the
# satisfaction index's (which has follow-up instead of competence). A low rating on
# any of them needs a follow-up.
_RATED: tuple[str, ...] = tuple(sorted({*DEFAULT_WEIGHTS, "competence"}))


def _check_scale(scale: tuple[int, int], below: int) -> tuple[int, int]:
    lo, hi = scale_pair(scale)
    if is_bool(below) or not isinstance(below, int):
        msg = f"below must be a whole number; got {type(below).__name__} {quote(below)}"
        raise InvalidTypeError(msg)
    if not lo < below <= hi:
        msg = f"below must lie in ({lo}, {hi}] so that some rating can be low; got {quote(below)}"
        raise InvalidArgumentError(msg)
    return lo, hi


def _dimension_names(dimensions: Iterable[str]) -> tuple[str, ...]:
    """Return the dimension names, sorted, or raise if they are not a list of names."""
    if isinstance(dimensions, str) or not isinstance(dimensions, Iterable):
        msg = (
            "dimensions must be a list of field names, e.g. ['attitude']; got "
            f"{type(dimensions).__name__} {quote(dimensions)}"
        )
        raise InvalidTypeError(msg)
    names = set()
    for name in dimensions:
        if not isinstance(name, str) or not name:
            msg = f"dimension names must be non-empty strings; got {type(name).__name__} {quote(name)}"
            raise InvalidTypeError(msg)
        names.add(name)
    if not names:
        msg = "dimensions must name at least one rating field, e.g. ['attitude']"
        raise InvalidArgumentError(msg)
    return tuple(sorted(names))


def _listing(names: Iterable[str]) -> str:
    ordered = sorted(names)
    shown_names = ", ".join(quote(n, 40) for n in ordered[:_LISTED])
    return shown_names + (
        f" and {len(ordered) - _LISTED:,} more" if len(ordered) > _LISTED else ""
    )


def needs_follow_up(
    ratings: Mapping[str, int | None],
    *,
    below: int = 3,
    scale: tuple[int, int] = (1, 5),
    dimensions: Iterable[str] = _RATED,
) -> tuple[str, ...]:
    """Return why a response needs a follow-up: one reason per dimension rated below ``below``.

    An empty tuple means no follow-up. Unanswered dimensions (None, or left out) are
    not low. Reasons are in dimension-name order, whatever order the mapping has.

    Args:
        ratings: dimension name → rating; every name must be one of ``dimensions``.
        below: ratings strictly below this need a follow-up.
        scale: the rating scale, to reject impossible ratings.
        dimensions: the dimensions a response may rate; by default the standard
            process's four and the satisfaction index's: ``attitude``,
            ``competence``, ``follow_up``, ``resolution``, ``response_speed``.

    Raises:
        UnknownNameError: ``ratings`` names a dimension not in ``dimensions`` (a
            misspelling would otherwise hide a low rating).
        InvalidArgumentError / InvalidTypeError: a rating is not a whole number on
            the scale, or ``below`` does not fit the scale.

    Examples:
        >>> from servicekit.scoring import needs_follow_up
        >>> needs_follow_up({"resolution": 2, "attitude": 1, "response_speed": 4})
        ('attitude rated 1 (below 3)', 'resolution rated 2 (below 3)')
        >>> needs_follow_up({"resolution": 3, "competence": 1})
        ('competence rated 1 (below 3)',)
        >>> needs_follow_up({"atitude": 1})
        Traceback (most recent call last):
        ...
        servicekit.errors.UnknownNameError: unknown dimension 'atitude'; the dimensions are 'attitude', 'competence', 'follow_up', 'resolution', 'response_speed' (pass dimensions=[...] to rate others)
    """
    lo, hi = _check_scale(scale, below)
    known = _dimension_names(dimensions)
    if not_instance(ratings, Mapping):
        msg = (
            f"ratings must map dimension names to ratings; got {type(ratings).__name__}"
        )
        raise InvalidTypeError(msg)
    found = _reasons(
        ratings, scale=(lo, hi), below=below, known=frozenset(known), listed=known
    )
    return tuple(map(str, found))


def _reasons(
    ratings: Mapping[str, int | None],
    *,
    scale: tuple[int, int],
    below: int,
    known: frozenset[str],
    listed: tuple[str, ...],
) -> tuple[Message, ...]:
    lo, hi = scale
    for name in ratings:
        if not_instance(name, str):
            msg = f"dimension names must be strings; got {type(name).__name__} {quote(name)}"
            raise InvalidTypeError(msg)
        if name not in known:
            msg = (
                f"unknown dimension {quote(name)}; the dimensions are "
                f"{_listing(listed)} (pass dimensions=[...] to rate others)"
            )
            raise UnknownNameError(msg)
    found = []
    for name in sorted(ratings):
        value = ratings[name]
        if value is None:
            continue
        # A plain int on the scale is its own rating; anything else is checked and
        # refused by as_int, whose message names the dimension.
        if type(value) is int and lo <= value <= hi:
            rating = value
        else:
            rating = as_int(value, lo, hi, f"ratings of {quote(name)}")
        if rating < below:
            found.append(
                Message(
                    "scoring.rated_low",
                    {"dimension": name, "rating": rating, "below": below},
                )
            )
    return tuple(found)


def _id(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if is_bool(value) or not isinstance(value, str | int) or value == "":
        msg = f"{attribute.name} must be a non-empty string or an int; got {type(value).__name__} {quote(value)}"
        raise InvalidTypeError(msg)
    if isinstance(value, int) and not -_MAX_ID <= value < _MAX_ID:
        msg = f"{attribute.name} must fit a 64-bit integer column; got {quote(value)}"
        raise InvalidArgumentError(msg)


# In JSON, ``reasons``: each a message's code and parameters, or a plain text.
@_codec.value()
@attrs.frozen(kw_only=True)
class _FollowUpRecord(_codec.Serialisable):
    response: Id = attrs.field(validator=_id)
    reasons: tuple[Message | str, ...]


def _follow_up_of(r: _FollowUpRecord) -> FollowUpAlert:
    return FollowUpAlert(response=r.response, reasons=r.reasons)


def _follow_up_record(a: FollowUpAlert) -> _FollowUpRecord:
    return _FollowUpRecord(response=a.response, reasons=a.messages)


@_codec.value(form=_codec.Shape(_FollowUpRecord, _follow_up_of, _follow_up_record))
@attrs.frozen(kw_only=True)
class FollowUpAlert(Explained, _codec.Serialisable):
    """A response that needs a follow-up, and why.

    ``reasons`` is the English text of ``messages``; ``reasons_in("zh-CN")`` is the
    Chinese.

    Args:
        response: the response's id (its ``id_field``), or its position in the input.
        reasons: one sentence per low dimension, in dimension-name order: each a
            [`Message`][servicekit.messages.Message] or a plain text (kept as
            ``messages``).

    Examples:
        >>> from servicekit.scoring import FollowUpAlert
        >>> a = FollowUpAlert(response="T-1", reasons=["attitude rated 2 (below 3)"])
        >>> FollowUpAlert.from_dict(a.to_dict()) == a
        True
    """

    response: Id = attrs.field(validator=_id)
    messages: tuple[Message | str, ...] = attrs.field(
        converter=reasons, alias="reasons"
    )


def follow_up_alerts(
    responses: Iterable[Mapping[str, Any]],
    *,
    below: int = 3,
    scale: tuple[int, int] = (1, 5),
    dimensions: Iterable[str] | None = None,
    id_field: str | None = None,
) -> tuple[FollowUpAlert, ...]:
    """Return an alert for every response with a dimension rated below ``below``.

    Only the rating dimensions are read, so responses may carry other fields
    (city, agent…). Alerts come in input order. By default every dimension a
    response rates counts, competence included: a competence rating of 1 alerts
    whether or not the survey also asked about follow-up.

    Args:
        responses: mappings holding the dimension ratings.
        below: ratings strictly below this need a follow-up (3 means 1 and 2 do).
        scale: the rating scale.
        dimensions: the rating fields to check. Each named one must be a field of
            at least one response: a name no response carries is almost surely
            misspelt, and would silently never alert. None (the default): each
            of ``attitude``, ``competence``, ``follow_up``, ``resolution`` and
            ``response_speed`` that a response carries, and at least one must be
            carried by some response.
        id_field: a field naming each response; without it alerts name positions.

    Raises:
        UnknownNameError: some response was given but none has one of the named
            ``dimensions`` (leave out questions the survey did not ask), or, by
            default, none has any rating dimension.
        InvalidArgumentError / InvalidTypeError: a rating is invalid, or a response
            lacks ``id_field``.

    Examples:
        >>> from servicekit.scoring import follow_up_alerts
        >>> rows = [
        ...     {"ticket": "T-1", "resolution": 5, "attitude": 5},
        ...     {"ticket": "T-2", "resolution": 2, "attitude": 4, "follow_up": 1},
        ... ]
        >>> dims = ["attitude", "follow_up", "resolution"]
        >>> [
        ...     (a.response, a.reasons)
        ...     for a in follow_up_alerts(rows, dimensions=dims, id_field="ticket")
        ... ]
        [('T-2', ('follow_up rated 1 (below 3)', 'resolution rated 2 (below 3)'))]
        >>> follow_up_alerts(rows, dimensions=["atitude"])
        Traceback (most recent call last):
        ...
        servicekit.errors.UnknownNameError: no response has the dimension 'atitude'; the responses' fields are 'attitude', 'follow_up', 'resolution', 'ticket'

        By default every rating a response carries counts, competence included:

        >>> visits = [{"id": "V-1", "attitude": 5, "competence": 1}]
        >>> [a.reasons for a in follow_up_alerts(visits)]
        [('competence rated 1 (below 3)',)]
    """
    lo, hi = _check_scale(scale, below)
    chosen = dimensions is not None
    names = _dimension_names(_RATED if dimensions is None else dimensions)
    known = frozenset(names)
    rows = materialise(responses, "responses")
    alerts = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            msg = f"response #{i} is a {type(row).__name__}, not a mapping"
            raise InvalidTypeError(msg)
        ratings = {k: row[k] for k in names if k in row}
        seen.update(ratings)
        reasons = _reasons(
            ratings, scale=(lo, hi), below=below, known=known, listed=names
        )
        if reasons:
            if id_field is None:
                ident: Id = i
            elif id_field in row:
                ident = row[id_field]
            else:
                msg = f"response #{i} has no {quote(id_field)} to name it by"
                raise InvalidArgumentError(msg)
            alerts.append(FollowUpAlert(response=ident, reasons=reasons))
    # Named dimensions must each be asked; the default ones only as a group.
    missing = [n for n in names if n not in seen] if chosen or not seen else []
    if rows and missing:
        fields = {k for row in rows for k in row if isinstance(k, str)}
        what = (
            f"the dimension {quote(missing[0])}"
            if chosen
            else f"any rating dimension ({_listing(names)}; pass dimensions=[...] to "
            "name the survey's)"
        )
        msg = f"no response has {what}; the responses' fields are {_listing(fields)}"
        raise UnknownNameError(msg)
    return tuple(alerts)


def _aware(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, dt.datetime):
        msg = f"{attribute.name} must be a timezone-aware datetime; got {type(value).__name__} {shown(value)}"
        raise InvalidTypeError(msg)
    if value.utcoffset() is None:
        msg = f"{attribute.name} {shown(value)} has no time zone; attach one (e.g. tzinfo=UTC)"
        raise NaiveDatetimeError(msg)


@_codec.value()
@attrs.frozen(kw_only=True)
class Complaint(_codec.Serialisable):
    """A customer's complaint: who, when, and whether it is resolved.

    Examples:
        >>> import datetime as dt
        >>> from servicekit.scoring import Complaint
        >>> c = Complaint(customer="C-9", at=dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC))
        >>> c.resolved, Complaint.from_dict(c.to_dict()) == c
        (False, True)
    """

    customer: Id = attrs.field(validator=_id)
    at: dt.datetime = attrs.field(validator=_aware)
    resolved: bool = attrs.field(default=False, validator=flag)


@_codec.value()
@attrs.frozen(kw_only=True)
class _RiskRecord(_codec.Serialisable):
    customer: Id = attrs.field(validator=_id)
    unresolved: int
    first_at: dt.datetime
    last_at: dt.datetime
    reasons: tuple[Message | str, ...]


def _risk_of(r: _RiskRecord) -> RiskAlert:
    return RiskAlert(
        customer=r.customer,
        unresolved=r.unresolved,
        first_at=r.first_at,
        last_at=r.last_at,
        reasons=r.reasons,
    )


def _risk_record(a: RiskAlert) -> _RiskRecord:
    return _RiskRecord(
        customer=a.customer,
        unresolved=a.unresolved,
        first_at=a.first_at,
        last_at=a.last_at,
        reasons=a.messages,
    )


@_codec.value(form=_codec.Shape(_RiskRecord, _risk_of, _risk_record))
@attrs.frozen(kw_only=True)
class RiskAlert(Explained, _codec.Serialisable):
    """A customer with too many unresolved complaints in the window.

    ``reasons`` is the English text of ``messages``; ``reasons_in("zh-CN")`` is the
    Chinese.

    Args:
        customer: the customer's id.
        unresolved: unresolved complaints inside the window.
        first_at: the earliest of them.
        last_at: the latest of them.
        reasons: why the customer is flagged, in words: each a
            [`Message`][servicekit.messages.Message] or a plain text (kept as
            ``messages``).

    Examples:
        >>> import datetime as dt
        >>> from servicekit.scoring import RiskAlert
        >>> t = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
        >>> a = RiskAlert(
        ...     customer="C-9",
        ...     unresolved=3,
        ...     first_at=t,
        ...     last_at=t,
        ...     reasons=["3 unresolved"],
        ... )
        >>> RiskAlert.from_dict(a.to_dict()) == a
        True
    """

    customer: Id = attrs.field(validator=_id)
    unresolved: int = attrs.field(validator=whole(1))
    first_at: dt.datetime = attrs.field(validator=_aware)
    last_at: dt.datetime = attrs.field(validator=_aware)
    messages: tuple[Message | str, ...] = attrs.field(
        converter=reasons, alias="reasons"
    )


def high_risk_customers(
    complaints: Iterable[Complaint],
    *,
    now: dt.datetime,
    window: dt.timedelta = dt.timedelta(days=30),
    threshold: int = 3,
) -> tuple[RiskAlert, ...]:
    """Return customers with at least ``threshold`` unresolved complaints in the window.

    The window is ``(now - window, now]``: a complaint exactly ``window`` old has
    aged out, and complaints after ``now`` are ignored. Instants are compared as
    instants, whatever their zones. Alerts are ordered by unresolved count (most
    first), then by customer id (compared as text, ints before equal strings).

    Args:
        complaints: [`Complaint`][] values.
        now: the reference instant (timezone-aware).
        window: how far back to look; must be positive.
        threshold: the number of unresolved complaints that makes a customer high-risk.

    Raises:
        NaiveDatetimeError: ``now`` has no time zone.
        InvalidArgumentError: ``window`` is not positive or ``threshold`` < 1.
        InvalidTypeError: a complaint is not a [`Complaint`][].

    Examples:
        >>> import datetime as dt
        >>> from servicekit.scoring import Complaint, high_risk_customers
        >>> now = dt.datetime(2024, 5, 31, tzinfo=dt.UTC)
        >>> log = [
        ...     Complaint(customer="C-1", at=now - dt.timedelta(days=d))
        ...     for d in (1, 5, 9)
        ... ]
        >>> log.append(Complaint(customer="C-2", at=now - dt.timedelta(days=2)))
        >>> [
        ...     (a.customer, a.unresolved, a.reasons)
        ...     for a in high_risk_customers(log, now=now)
        ... ]
        [('C-1', 3, ('3 unresolved complaints in the 30 days to 2024-05-31T00:00:00+00:00 (threshold 3)',))]
    """
    _aware(None, attrs.fields(Complaint).at, now)
    if not isinstance(window, dt.timedelta) or window <= dt.timedelta(0):
        msg = f"window must be a positive timedelta; got {type(window).__name__} {shown(window)}"
        raise InvalidArgumentError(msg)
    if is_bool(threshold) or not isinstance(threshold, int) or threshold < 1:
        msg = f"threshold must be a whole number >= 1; got {type(threshold).__name__} {quote(threshold)}"
        raise InvalidArgumentError(msg)
    items = materialise(complaints, "complaints")
    end = now.timestamp()
    try:
        start = (now - window).timestamp()
    except OverflowError:
        msg = f"a window of {describe_duration(window)} reaches back before the year 1; use a shorter window"
        raise InvalidArgumentError(msg) from None
    found: dict[Id, list[dt.datetime]] = {}
    for c in items:
        if not isinstance(c, Complaint):
            msg = f"complaints must be Complaint values; got {type(c).__name__}"
            raise InvalidTypeError(msg)
        if not c.resolved and start < c.at.timestamp() <= end:
            found.setdefault(c.customer, []).append(c.at)
    alerts = [
        RiskAlert(
            customer=customer,
            unresolved=len(times),
            first_at=min(times, key=_instant_key),
            last_at=max(times, key=_instant_key),
            reasons=[_complaints(len(times), window, now, threshold)],
        )
        for customer, times in found.items()
        if len(times) >= threshold
    ]
    alerts.sort(
        key=lambda a: (-a.unresolved, str(a.customer), type(a.customer).__name__)
    )
    return tuple(alerts)


def _instant_key(t: dt.datetime) -> tuple[float, str]:
    # By instant; equal instants in different zones are told apart by their text so
    # that the reported one does not depend on the order of the log.
    return t.timestamp(), t.isoformat()


def _complaints(
    count: int, window: dt.timedelta, now: dt.datetime, threshold: int
) -> Message:
    # "in the day to …", "in the 30 days to …", "in the 12 h to …"
    said = {"count": count, "now": now, "threshold": threshold}
    if window == dt.timedelta(days=1):
        return Message("scoring.complaints.day", said)
    return Message("scoring.complaints", {**said, "span": window})

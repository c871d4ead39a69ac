"""Customer value tiers from purchase frequency, monetary value and recency (RFM).

A customer is ``HIGH_VALUE`` (高净值) when they buy often, spend a lot *and* bought
recently; ``POTENTIAL`` (潜力) when they bought fairly recently and either buy often or
spend a lot; ``ORDINARY`` (普通) otherwise. Every threshold is a field of
[`TieringPolicy`][], and each assignment says which thresholds decided it. The
reference date is a parameter: this module must never read the clock.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from servicekit import _codec
from servicekit._boundary import quote
from servicekit._vocabulary import Tier
from servicekit.errors import (
    DuplicateIdError,
    InvalidArgumentError,
    InvalidTypeError,
    UnknownNameError,
)
from servicekit.scoring._validation import (
    as_real,
    is_bool,
    materialise,
    not_instance,
    reasons,
    shown,
    whole,
)

__all__ = ["CustomerActivity", "TierAssignment", "TieringPolicy", "tier_customers"]


def _money(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if is_bool(value) or not isinstance(value, int | float):
        msg = f"{attribute.name} must be a number; got {type(value).__name__} {quote(value)}"
        raise InvalidTypeError(msg)
    amount = as_real(value)  # None: an int too large for a float
    if amount is None or not (math.isfinite(amount) and amount >= 0):
        msg = f"{attribute.name} must be a finite amount >= 0; got {quote(value)}"
        raise InvalidArgumentError(msg)


def _date(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        msg = f"{attribute.name} must be a date (not a datetime); got {type(value).__name__} {shown(value)}"
        raise InvalidTypeError(msg)


def _customer(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value:
        msg = f"{attribute.name} must be a non-empty string id; got {type(value).__name__} {quote(value)}"
        raise InvalidTypeError(msg)


@_codec.value()
@attrs.frozen(kw_only=True)
class TieringPolicy(_codec.Serialisable):
    """The thresholds that decide a customer's tier.

    ``HIGH_VALUE``: ``purchases >= high_value_purchases`` and ``spend >=
    high_value_spend`` and ``recency_days <= high_value_recency_days``.
    ``POTENTIAL``: not high value, ``recency_days <= potential_recency_days`` and
    (``purchases >= potential_purchases`` or ``spend >= potential_spend``).
    ``ORDINARY``: everyone else. Recency is days since the last purchase.

    Raises:
        InvalidArgumentError: a threshold is negative, or the high-value thresholds are
            easier than the potential ones (which would let more activity lower a tier).

    Examples:
        >>> from servicekit.scoring import TieringPolicy
        >>> p = TieringPolicy(high_value_spend=50_000)
        >>> p.high_value_purchases, p.potential_recency_days
        (12, 180)
        >>> TieringPolicy.from_dict(p.to_dict()) == p
        True
    """

    high_value_purchases: int = attrs.field(default=12, validator=whole())
    high_value_spend: float = attrs.field(default=10_000.0, validator=_money)
    high_value_recency_days: int = attrs.field(default=90, validator=whole())
    potential_purchases: int = attrs.field(default=4, validator=whole())
    potential_spend: float = attrs.field(default=2_000.0, validator=_money)
    potential_recency_days: int = attrs.field(default=180, validator=whole())

    def __attrs_post_init__(self) -> None:
        if (
            self.high_value_purchases < self.potential_purchases
            or self.high_value_spend < self.potential_spend
            or self.high_value_recency_days > self.potential_recency_days
        ):
            msg = (
                "high-value thresholds must be at least as strict as potential ones: "
                "high_value_purchases >= potential_purchases, high_value_spend >= "
                "potential_spend and high_value_recency_days <= potential_recency_days"
            )
            raise InvalidArgumentError(msg)


@_codec.value()
@attrs.frozen(kw_only=True)
class CustomerActivity(_codec.Serialisable):
    """One customer's purchase history, summarised.

    Args:
        customer: the customer's id.
        purchases: how many purchases in the period considered.
        spend: the total spent in that period.
        last_purchase: the date of the latest purchase.

    Examples:
        >>> import datetime as dt
        >>> from servicekit.scoring import CustomerActivity
        >>> a = CustomerActivity(
        ...     customer="C-1",
        ...     purchases=3,
        ...     spend=900.0,
        ...     last_purchase=dt.date(2024, 5, 2),
        ... )
        >>> CustomerActivity.from_dict(a.to_dict()) == a
        True
    """

    customer: str = attrs.field(validator=_customer)
    purchases: int = attrs.field(validator=whole())
    spend: float = attrs.field(validator=_money)
    last_purchase: dt.date = attrs.field(validator=_date)


def _to_tier(value: object) -> Tier:
    try:
        return Tier.parse(value)
    except UnknownNameError:
        # Tier.parse quotes the whole value; say it short.
        names = ", ".join(t.value for t in Tier)
        msg = f"{quote(value)} is not a Tier; use one of: {names}"
        raise UnknownNameError(msg) from None


@_codec.value()
@attrs.frozen(kw_only=True)
class TierAssignment(_codec.Serialisable):
    """A customer's tier and the facts that decided it.

    Examples:
        >>> from servicekit import Tier
        >>> from servicekit.scoring import TierAssignment
        >>> a = TierAssignment(
        ...     customer="C-1",
        ...     tier=Tier.POTENTIAL,
        ...     recency_days=10,
        ...     reasons=["5 purchases >= 4"],
        ... )
        >>> TierAssignment.from_dict(a.to_dict()) == a
        True
    """

    customer: str = attrs.field(validator=_customer)
    tier: Tier = attrs.field(converter=_to_tier)
    recency_days: int = attrs.field(validator=whole())
    reasons: tuple[str, ...] = attrs.field(converter=reasons)


def _assign(a: CustomerActivity, recency: int, p: TieringPolicy) -> TierAssignment:
    # The rule itself is tier_of's; this adds the words that explain it.
    tier = tier_of(a.purchases, a.spend, recency, p)
    if tier is Tier.HIGH_VALUE:
        reasons = [
            f"{a.purchases} purchases >= {p.high_value_purchases}",
            f"spend {a.spend:g} >= {p.high_value_spend:g}",
            f"last purchase {recency} days ago <= {p.high_value_recency_days}",
        ]
    elif tier is Tier.POTENTIAL:
        reasons = [f"last purchase {recency} days ago <= {p.potential_recency_days}"]
        if a.purchases >= p.potential_purchases:
            reasons.append(f"{a.purchases} purchases >= {p.potential_purchases}")
        if a.spend >= p.potential_spend:
            reasons.append(f"spend {a.spend:g} >= {p.potential_spend:g}")
    elif recency > p.potential_recency_days:
        reasons = [f"last purchase {recency} days ago > {p.potential_recency_days}"]
    else:
        reasons = [
            f"{a.purchases} purchases < {p.potential_purchases}",
            f"spend {a.spend:g} < {p.potential_spend:g}",
        ]
    return TierAssignment(
        customer=a.customer, tier=tier, recency_days=recency, reasons=reasons
    )


def tier_of(purchases: int, spend: float, recency_days: int, p: TieringPolicy) -> Tier:
    """The tier ``tier_customers`` assigns to this activity, without its reasons.

    The rule in one place: ``tier_customers`` uses it too, and the package's own
    generators call it directly, with values that must be valid already (a whole
    number of purchases and a finite spend, both >= 0, and the days since the last
    purchase, >= 0); nothing is checked here.
    """
    if (
        purchases >= p.high_value_purchases
        and spend >= p.high_value_spend
        and recency_days <= p.high_value_recency_days
    ):
        return Tier.HIGH_VALUE
    if recency_days <= p.potential_recency_days and (
        purchases >= p.potential_purchases or spend >= p.potential_spend
    ):
        return Tier.POTENTIAL
    return Tier.ORDINARY


def tier_customers(
    activities: Iterable[CustomerActivity | Mapping[str, Any]],
    *,
    as_of: dt.date,
    policy: TieringPolicy | None = None,
) -> tuple[TierAssignment, ...]:
    """Assign each customer a [`Tier`][servicekit.Tier] by the policy's RFM thresholds.

    Args:
        activities: [`CustomerActivity`][] values (or their ``to_dict`` mappings).
        as_of: the date recency is measured from.
        policy: the thresholds; [`TieringPolicy`][] defaults when None.

    Returns:
        One [`TierAssignment`][] per customer, sorted by customer id.

    Raises:
        DuplicateIdError: a customer appears twice.
        InvalidArgumentError: a last purchase is after ``as_of``.
        InvalidTypeError: ``as_of`` is not a date.

    Examples:
        >>> import datetime as dt
        >>> from servicekit.scoring import CustomerActivity, tier_customers
        >>> day = dt.date(2024, 6, 1)
        >>> people = [
        ...     CustomerActivity(
        ...         customer="wang",
        ...         purchases=20,
        ...         spend=25_000.0,
        ...         last_purchase=dt.date(2024, 5, 20),
        ...     ),
        ...     CustomerActivity(
        ...         customer="li",
        ...         purchases=5,
        ...         spend=800.0,
        ...         last_purchase=dt.date(2024, 3, 1),
        ...     ),
        ...     CustomerActivity(
        ...         customer="zhao",
        ...         purchases=1,
        ...         spend=99.0,
        ...         last_purchase=dt.date(2023, 1, 1),
        ...     ),
        ... ]
        >>> [(a.customer, a.tier.value) for a in tier_customers(people, as_of=day)]
        [('li', 'potential'), ('wang', 'high_value'), ('zhao', 'ordinary')]
    """
    if isinstance(as_of, dt.datetime) or not_instance(as_of, dt.date):
        msg = f"as_of must be a date (not a datetime); got {type(as_of).__name__} {shown(as_of)}"
        raise InvalidTypeError(msg)
    rules = TieringPolicy() if policy is None else policy
    if not_instance(rules, TieringPolicy):
        msg = f"policy must be a TieringPolicy; got {type(rules).__name__}"
        raise InvalidTypeError(msg)
    seen: dict[str, CustomerActivity] = {}
    for item in materialise(activities, "activities"):
        activity = (
            CustomerActivity.from_dict(item) if isinstance(item, Mapping) else item
        )
        if not isinstance(activity, CustomerActivity):
            msg = (
                f"activities must be CustomerActivity values; got {type(item).__name__}"
            )
            raise InvalidTypeError(msg)
        if activity.customer in seen:
            msg = f"customer {quote(activity.customer)} appears twice; merge their activity first"
            raise DuplicateIdError(msg)
        if activity.last_purchase > as_of:
            msg = (
                f"customer {quote(activity.customer)} last bought on {activity.last_purchase}, "
                f"after as_of={as_of}; pass the date the data was extracted"
            )
            raise InvalidArgumentError(msg)
        seen[activity.customer] = activity
    return tuple(
        _assign(seen[c], (as_of - seen[c].last_purchase).days, rules)
        for c in sorted(seen)
    )

"""Helpers every test module may import: one name, one meaning, everywhere.

Durations are ``timedelta`` constants; instants are built by zone-named functions
(``sh(2025, 1, 24, 17, 40)`` is 17:40 in Shanghai); integer microseconds have two
functions whose names say which they measure. Test modules import these instead of
defining their own ``M``, ``H``, ``T0``, ``at()`` or ``us()``.
"""

import contextlib
import datetime as dt
import types
from collections.abc import Iterator

import pendulum

SHANGHAI = "Asia/Shanghai"
NEW_YORK = "America/New_York"
LONDON = "Europe/London"
LORD_HOWE = "Australia/Lord_Howe"

MICROSECOND = dt.timedelta(microseconds=1)
SECOND = dt.timedelta(seconds=1)
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
ZERO = dt.timedelta(0)

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def at(zone: str, *fields: int, fold: int = 0) -> pendulum.DateTime:
    """The wall-clock time ``fields`` (year, month, day, …) in ``zone``, as pendulum.

    ``fold=1`` picks the second occurrence of a repeated (fall-back) hour.
    """
    return pendulum.datetime(*fields, tz=zone).replace(fold=fold)


def sh(*fields: int) -> pendulum.DateTime:
    """Wall-clock time in Shanghai (no DST: every wall time is one instant)."""
    return pendulum.datetime(*fields, tz=SHANGHAI)


def ny(*fields: int, fold: int = 0) -> pendulum.DateTime:
    """Wall-clock time in New York (DST: see ``fold``)."""
    return at(NEW_YORK, *fields, fold=fold)


def utc(*fields: int) -> pendulum.DateTime:
    """A UTC instant."""
    return pendulum.datetime(*fields, tz="UTC")


def epoch_us(instant: dt.datetime) -> int:
    """Exact microseconds since the Unix epoch, via plain stdlib arithmetic."""
    u = instant.astimezone(dt.UTC)
    plain = dt.datetime(
        u.year, u.month, u.day, u.hour, u.minute, u.second, u.microsecond, tzinfo=dt.UTC
    )
    return (plain - EPOCH) // MICROSECOND


def duration_us(delta: dt.timedelta) -> int:
    """A duration in exact integer microseconds."""
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


@contextlib.contextmanager
def building_by(module: types.ModuleType, *, unseal: bool) -> Iterator[None]:
    """Make ``module``'s builders use ``__class__`` assignment or slot setters.

    ``servicekit.sla._event_json`` and ``servicekit.sla._report`` read their
    ``UNSEAL`` flag at each call, so a test can run both ways and compare them.
    """
    was = module.UNSEAL
    module.UNSEAL = unseal
    try:
        yield
    finally:
        module.UNSEAL = was

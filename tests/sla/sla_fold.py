"""Instants in repeated DST hours, and a walk that lists every instant a value holds.

Shared by the pickling tests of ``servicekit.sla`` and ``servicekit.acceptance``:
``pendulum.DateTime`` pickles without ``fold``, so an instant in the second
occurrence of a repeated hour comes back an hour early unless the class holding it
keeps it (``servicekit._pickling.keeps_instants``).
"""

import datetime as dt
import functools
import zoneinfo

import attrs
import pendulum
from hypothesis import strategies as st

ZONES = ("America/New_York", "Europe/London", "Australia/Sydney", "America/Santiago")


@functools.cache
def fall_backs() -> tuple[tuple[str, dt.datetime], ...]:
    """Each zone's clock changes backwards in 2015-2030, as (zone, UTC instant)."""
    out = []
    for zone in ZONES:
        z = zoneinfo.ZoneInfo(zone)
        day = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
        while day.year <= 2030:
            nxt = day + dt.timedelta(days=1)
            if nxt.astimezone(z).utcoffset() < day.astimezone(z).utcoffset():  # type: ignore[operator]
                t = day
                while t.astimezone(z).utcoffset() == day.astimezone(z).utcoffset():
                    t += dt.timedelta(hours=1)
                out.append((zone, t))
            day = nxt
    return tuple(out)


@st.composite
def fold_instants(draw: st.DrawFn) -> pendulum.DateTime:
    """A pendulum instant in a repeated hour, either occurrence, in one of ZONES."""
    zone, change = draw(st.sampled_from(fall_backs()))
    offset = draw(st.integers(-3599, 3599))  # seconds around the change
    micro = draw(st.integers(0, 999_999))
    utc = change + dt.timedelta(seconds=offset, microseconds=micro)
    local = utc.astimezone(zoneinfo.ZoneInfo(zone))
    return pendulum.instance(local.replace(tzinfo=None), tz=zone).replace(
        fold=local.fold
    )


def instants(value: object, path: str = "") -> list[tuple[str, str, int]]:
    """Every datetime ``value`` holds (attrs fields, private ones too), with its fold."""
    if isinstance(value, dt.datetime):
        return [(path, value.isoformat(), value.fold)]
    if attrs.has(type(value)):
        out = []
        for f in attrs.fields(type(value)):
            out += instants(getattr(value, f.name), f"{path}.{f.name}")
        return out
    if isinstance(value, list | tuple):
        out = []
        for i, v in enumerate(value):
            out += instants(v, f"{path}[{i}]")
        return out
    if isinstance(value, dict):
        out = []
        for k, v in value.items():
            out += instants(v, f"{path}[{k!r}]")
        return out
    return []

"""Business-calendar arithmetic over NumPy arrays, for columnar engines.

The calendar's engine keeps each year's working time as sorted integer ranges with
running sums (``_timeline``); a scalar query is a couple of bisections into them.
Here the same bisections run as ``numpy.searchsorted`` over whole columns, on the
same arrays, so each element is exactly what the scalar method gives, to the
microsecond. The few elements one snapshot of the timeline cannot answer (a span
longer than its twelve years, a result beyond it, a calendar that never opens) go
through the scalar engine one by one, so nothing is approximated.

Conventions (numpy's own): instants are ``datetime64`` values meaning UTC (pandas'
``Series.dt.tz_convert("UTC").dt.tz_localize(None)``, Spark's timestamps in
``mapInPandas``), durations ``timedelta64``, days ``datetime64[D]``, counts integers.
Any unit is read exactly; a value finer than a microsecond is refused rather than
rounded. Results are ``datetime64[us]`` (UTC) and ``timedelta64[us]``. A missing
value (``NaT``) raises, naming its position, unless ``missing="keep"``, which gives
``NaT`` (or ``-1`` for a count) in its place.

NumPy is imported only when one of these functions is called; without it they raise
[`MissingExtraError`][servicekit.errors.MissingExtraError] naming the ``columnar``
extra. This module must never read the clock or do I/O.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
from typing import TYPE_CHECKING, Any, Final, Literal

from servicekit._boundary import quote
from servicekit.errors import (
    CalendarRangeError,
    InvalidArgumentError,
    InvalidTypeError,
    MissingExtraError,
)
from servicekit.sla._calendar import BusinessCalendar, engine_of
from servicekit.sla._hours import US_PER_DAY
from servicekit.sla._instants import duration_text, instant_us
from servicekit.sla._timeline import HORIZON_US, WINDOW_YEARS

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    import numpy as np
    from numpy.typing import NDArray

    from servicekit.sla._timeline import Engine, _Timeline

    _Ints = NDArray[np.int64]
    _Positions = NDArray[np.intp]

__all__ = [
    "add_array",
    "add_business_days_array",
    "between_array",
    "business_days_between_array",
]

Missing = Literal["raise", "keep"]
_EPOCH_ORDINAL: Final = dt.date(1970, 1, 1).toordinal()
# Columns are worked through in chunks, so temporary arrays stay a few tens of MB.
_CHUNK: Final = 1 << 20
_NAT: Final = -(1 << 63)  # numpy's NaT as an int64
# An empty range far before year 1 (about 146,000 years before 1970).
_SENTINEL: Final = -(1 << 62)
# Lookup tables of at most 2M buckets (16 MiB); keys closer than that use searchsorted.
_TABLE_LIMIT: Final = 1 << 21
_FIRST_DAY: Final = 1 - _EPOCH_ORDINAL
_LAST_DAY: Final = dt.date.max.toordinal() - _EPOCH_ORDINAL


def _numpy() -> Any:
    try:
        return importlib.import_module("numpy")
    except ImportError:
        msg = (
            "vectorised calendar arithmetic needs NumPy; install it with "
            "pip install 'servicekit[columnar]'"
        )
        raise MissingExtraError(msg) from None


def _calendar(calendar: object) -> Engine:
    if not isinstance(calendar, BusinessCalendar):
        msg = f"calendar must be a BusinessCalendar, got {type(calendar).__name__}"
        raise InvalidTypeError(msg)
    return engine_of(calendar)


def _missing(missing: object) -> bool:
    if missing not in {"raise", "keep"}:
        msg = f"missing must be 'raise' or 'keep', got {quote(missing)}"
        raise InvalidArgumentError(msg)
    return missing == "keep"


def _micros(np: Any, values: object, kind: str, what: str) -> NDArray[np.int64]:
    """``values`` (datetime64 or timedelta64, any unit) as exact int64 microseconds."""
    arr = np.asarray(values)
    if arr.dtype.kind != kind:
        wanted = "datetime64 (UTC)" if kind == "M" else "timedelta64"
        hint = (
            "a time-zone-aware column (pandas' datetime64[ns, zone]) becomes one with "
            ".dt.tz_convert('UTC').dt.tz_localize(None)"
            if arr.dtype.kind == "O"
            else "integers have no unit: view them as e.g. datetime64[us] or timedelta64[us]"
        )
        msg = f"{what} must be a NumPy array of {wanted}, got dtype {arr.dtype}; {hint}"
        raise InvalidTypeError(msg)
    arr = arr.reshape(-1)
    unit, _ = np.datetime_data(arr.dtype)
    if unit == "generic":
        msg = f"{what} has no unit (dtype {arr.dtype}); give e.g. datetime64[us]"
        raise InvalidTypeError(msg)
    if unit == "us":
        return arr.view(np.int64)  # type: ignore[no-any-return]
    target = f"{'M8' if kind == 'M' else 'm8'}[us]"
    out = arr.astype(target).view(np.int64)
    # A value finer than a microsecond, or too far to hold in microseconds, does not
    # come back unchanged from the conversion: refuse it rather than round or wrap.
    changed = (out.view(target).astype(arr.dtype) != arr) & ~np.isnat(arr)
    if changed.any():
        i = int(np.flatnonzero(changed)[0])
        if unit in {"ns", "ps", "fs", "as"}:
            msg = (
                f"{what}[{i}] = {arr[i]} is finer than a microsecond; servicekit "
                "keeps microseconds exactly: round or floor the column first"
            )
        else:
            msg = f"{what}[{i}] = {arr[i]} is too far from 1970 to hold in microseconds"
        raise CalendarRangeError(msg) if kind == "M" else InvalidArgumentError(msg)
    return out  # type: ignore[no-any-return]


def _days(np: Any, values: object, what: str) -> NDArray[np.int64]:
    """``values`` (datetime64[D], or an instant unit on whole days) as ordinals."""
    arr = np.asarray(values)
    if arr.dtype.kind != "M" or np.datetime_data(arr.dtype)[0] != "D":
        msg = (
            f"{what} must be a NumPy array of datetime64[D] (calendar days), got "
            f"dtype {arr.dtype}"
        )
        raise InvalidTypeError(msg)
    days = arr.reshape(-1).view(np.int64)
    # Python's dates (what the scalar method takes) run from year 1 to 9999.
    outside = ((days < _FIRST_DAY) | (days > _LAST_DAY)) & (days != _NAT)
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        msg = f"{what}[{i}] = {arr.reshape(-1)[i]} lies outside the years 1…9999"
        raise CalendarRangeError(msg)
    return days  # type: ignore[no-any-return]


def _check_present(
    np: Any, *columns: tuple[NDArray[np.int64], str], keep: bool
) -> NDArray[np.bool_] | None:
    """The mask of rows with no NaT, or None when every row is present."""
    absent = None
    for values, what in columns:
        nat = values == _NAT
        if nat.any():
            if not keep:
                i = int(np.flatnonzero(nat)[0])
                msg = (
                    f"{what}[{i}] is NaT (missing); pass missing='keep' to get NaT "
                    "in its place, or drop the row first"
                )
                raise InvalidArgumentError(msg)
            absent = nat if absent is None else absent | nat
    return None if absent is None else ~absent


def _same_length(*columns: tuple[NDArray[Any], str]) -> int:
    sizes = {len(values) for values, _ in columns}
    if len(sizes) > 1:
        shown = ", ".join(f"{what} has {len(values):,}" for values, what in columns)
        msg = f"the columns must have one length: {shown}"
        raise InvalidArgumentError(msg)
    return sizes.pop()


class _Sorted:
    """Counts of a strictly increasing int64 array's keys below values, column-wide.

    ``searchsorted`` takes about log2(n) dependent, cache-missing steps per value.
    When the keys lie at least ``2**shift`` apart, each bucket of that width holds
    at most one key, so a table of "keys before this bucket" answers a value with
    two gathers and a comparison: the same count, several times faster. Keys too
    close together for a table of modest size fall back to ``searchsorted``.
    """

    __slots__ = ("keys", "last", "np", "origin", "padded", "shift", "table")

    def __init__(self, np: Any, keys: NDArray[np.int64]) -> None:
        self.np = np
        self.keys = keys
        self.table: NDArray[np.intp] | None = None
        if len(keys) < 2:
            return
        gap = int(np.diff(keys).min())
        self.shift = gap.bit_length() - 1  # 2**shift <= gap
        self.origin = int(keys[0])
        buckets = ((int(keys[-1]) - self.origin) >> self.shift) + 1
        if buckets > _TABLE_LIMIT:
            return
        lows = self.origin + (np.arange(buckets, dtype=np.int64) << self.shift)
        self.table = np.searchsorted(keys, lows, side="left")
        self.padded = np.append(keys, np.iinfo(np.int64).max)
        self.last = buckets - 1

    def _first_in_bucket(self, x: _Ints) -> tuple[_Ints, _Ints]:
        np = self.np
        assert self.table is not None  # noqa: S101  (callers check)
        bucket = np.clip((x - self.origin) >> self.shift, 0, self.last)
        before = self.table[bucket]
        return before, self.padded[before]

    def le(self, x: _Ints) -> _Ints:
        """How many keys are ``<= x``: ``searchsorted(keys, x, side="right")``."""
        if self.table is None:
            return self.np.searchsorted(self.keys, x, side="right")  # type: ignore[no-any-return]
        before, key = self._first_in_bucket(x)
        return before + (key <= x)

    def lt(self, x: _Ints) -> _Ints:
        """How many keys are ``< x``: ``searchsorted(keys, x, side="left")``."""
        if self.table is None:
            return self.np.searchsorted(self.keys, x, side="left")  # type: ignore[no-any-return]
        before, key = self._first_in_bucket(x)
        return before + (key < x)


class _Arrays:
    """One timeline snapshot's lists as int64 arrays, with their lookups.

    ``base``, ``ends_x`` and ``starts_x`` have a sentinel range in front (far
    before any instant, empty) so that ``worked`` needs no branch for an instant
    before the first range; ``starts_y`` and ``worked_before_y`` one behind, so an
    index one past the end can be gathered and masked afterwards.
    """

    __slots__ = (
        "base",
        "by_ord",
        "by_start",
        "by_worked",
        "change_at",
        "closes",
        "ends_x",
        "np",
        "offset_after",
        "ords",
        "starts_y",
        "worked_before_y",
        "worked_through",
    )

    def __init__(self, np: Any, tl: _Timeline) -> None:
        def ints(values: list[int]) -> _Ints:
            return np.asarray(values, dtype=np.int64)  # type: ignore[no-any-return]

        self.np = np
        starts, ends = ints(tl.starts), ints(tl.ends)
        worked_before = ints(tl.worked_before)
        self.worked_through = ints(tl.worked_through)
        self.base = np.concatenate([[-_SENTINEL], worked_before - starts])
        self.ends_x = np.concatenate([[_SENTINEL], ends])
        self.starts_y = np.concatenate([starts, [0]])
        self.worked_before_y = np.concatenate([worked_before, [0]])
        self.ords = ints(tl.ords)
        self.closes = ints(tl.closes)
        self.change_at = ints(tl.change_at)
        self.offset_after = ints(tl.offset_after)
        self.by_start = _Sorted(np, starts)
        self.by_worked = _Sorted(np, self.worked_through)
        self.by_ord = _Sorted(np, self.ords)

    def worked(self, us: _Ints) -> _Ints:
        """``_Timeline.worked`` element for element."""
        i = self.by_start.le(us)  # the range at or before us, counted from 1
        return self.base[i] + self.np.minimum(us, self.ends_x[i])  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=8)
def _arrays(tl: _Timeline) -> _Arrays:
    """The snapshot as arrays (a snapshot never changes, so this is cached)."""
    return _Arrays(_numpy(), tl)


def _by_snapshot(
    np: Any,
    eng: Engine,
    lo: NDArray[np.int64],
    hi: NDArray[np.int64],
) -> Iterator[tuple[_Timeline | None, NDArray[np.intp] | slice]]:
    """Split row positions by the timeline snapshot that holds ``lo … hi``.

    Yields ``(snapshot, positions)``; positions whose span no snapshot holds come
    with ``None`` (the caller answers them with the scalar engine).
    """
    if not len(lo):
        return
    first, last = int(lo.min()), int(hi.max())
    tl = eng.ensure(first, last)
    if last < tl.hi:  # the usual case: one snapshot holds every row
        yield tl, slice(None)
        return
    pending = np.arange(len(lo))
    while len(pending):
        first = int(lo[pending].min())
        tl = eng.ensure(first, int(hi[pending].max()))
        starts_here = lo[pending] < tl.hi
        inside = starts_here & (hi[pending] < tl.hi)
        yield tl, pending[inside]
        wide = pending[starts_here & ~inside]
        if len(wide):
            yield None, wide
        pending = pending[~starts_here]


def _chunked(
    np: Any,
    size: int,
    present: NDArray[np.bool_] | None,
    compute: Callable[[NDArray[np.intp]], NDArray[np.int64]],
) -> NDArray[np.int64]:
    """``compute`` over the present rows, chunk by chunk; NaT (int) elsewhere."""
    out = np.full(size, _NAT, dtype=np.int64)
    if present is None:
        for k in range(0, size, _CHUNK):
            part = slice(k, k + _CHUNK)
            out[part] = compute(part)  # type: ignore[arg-type]
        return out  # type: ignore[no-any-return]
    rows = np.flatnonzero(present)
    for k in range(0, len(rows), _CHUNK):
        part = rows[k : k + _CHUNK]
        out[part] = compute(part)
    return out  # type: ignore[no-any-return]


def between_array(
    calendar: BusinessCalendar,
    start: object,
    end: object,
    *,
    missing: Missing = "raise",
) -> NDArray[np.timedelta64]:
    """Working time in ``[start[i], end[i])`` for each row: the vectorised ``between``.

    Each element equals ``calendar.between(start[i], end[i])`` exactly (negative
    where ``end[i] < start[i]``), computed by ``searchsorted`` on the calendar's
    own timeline.

    Args:
        calendar: the business calendar.
        start: instants, ``datetime64`` of any unit, meaning UTC.
        end: instants likewise, as many as ``start``.
        missing: ``"raise"`` (a NaT is an error naming its row) or ``"keep"`` (NaT
            in, NaT out).

    Returns:
        ``timedelta64[us]``, one per row.

    Raises:
        MissingExtraError: NumPy is not installed (the ``columnar`` extra).
        InvalidTypeError: not datetime64 arrays, or not a calendar.
        InvalidArgumentError: columns of different lengths, a NaT, or a value
            finer than a microsecond.
        CalendarRangeError: an instant too near the years 1 or 9999.

    Examples:
        >>> import numpy as np
        >>> from servicekit.sla import BusinessCalendar, between_array, parse_hours
        >>> cal = BusinessCalendar(
        ...     timezone="Asia/Shanghai",
        ...     weekly_hours=parse_hours("Mon-Fri 09:00-12:00,13:30-18:00"),
        ... )
        >>> start = np.array(["2025-03-03T03:00", "2025-03-07T09:00"], "datetime64[us]")
        >>> end = np.array(["2025-03-03T06:00", "2025-03-10T02:00"], "datetime64[us]")
        >>> between_array(cal, start, end).astype("timedelta64[m]")
        array([ 90, 120], dtype='timedelta64[m]')
    """
    np = _numpy()
    eng = _calendar(calendar)
    keep = _missing(missing)
    s_all = _micros(np, start, "M", "start")
    e_all = _micros(np, end, "M", "end")
    size = _same_length((s_all, "start"), (e_all, "end"))
    present = _check_present(np, (s_all, "start"), (e_all, "end"), keep=keep)

    def compute(rows: _Positions) -> _Ints:
        s, e = s_all[rows], e_all[rows]
        lo, hi = np.minimum(s, e), np.maximum(s, e)
        spans = lo < hi
        if spans.any():  # the holiday-data horizon: one comparison per chunk
            eng.reached(int(hi[spans].max()))
        out = np.empty(len(s), dtype=np.int64)
        for tl, where in _by_snapshot(np, eng, lo, hi):
            if tl is None:
                out[where] = [
                    eng.between_us(int(a), int(b))
                    for a, b in zip(lo[where], hi[where], strict=True)
                ]
            else:
                a = _arrays(tl)
                out[where] = a.worked(hi[where]) - a.worked(lo[where])
        return np.where(e < s, -out, out)  # type: ignore[no-any-return]

    return _chunked(np, size, present, compute).view("m8[us]")


def add_array(
    calendar: BusinessCalendar,
    start: object,
    delta: object,
    *,
    missing: Missing = "raise",
) -> NDArray[np.datetime64]:
    """The earliest ``t >= start[i]`` with ``delta[i]`` of working time: vectorised ``add``.

    Each element equals ``calendar.add(start[i], delta[i])`` as an instant, exactly.

    Args:
        calendar: the business calendar.
        start: instants, ``datetime64`` of any unit, meaning UTC.
        delta: business durations, ``timedelta64`` of any unit, none negative; or
            one duration for every row.
        missing: ``"raise"`` or ``"keep"``, as for [`between_array`][].

    Returns:
        ``datetime64[us]`` instants in UTC, one per row.

    Raises:
        MissingExtraError: NumPy is not installed (the ``columnar`` extra).
        InvalidTypeError: not datetime64/timedelta64 arrays, or not a calendar.
        InvalidArgumentError: a negative duration, a NaT, different lengths.
        CalendarNeverOpensError: no working time within 50 years of a start.
        CalendarRangeError: a result beyond year 9998.

    Examples:
        >>> import numpy as np
        >>> from servicekit.sla import BusinessCalendar, add_array, parse_hours
        >>> cal = BusinessCalendar(
        ...     timezone="Asia/Shanghai",
        ...     weekly_hours=parse_hours("Mon-Fri 09:00-12:00,13:30-18:00"),
        ... )
        >>> start = np.array(["2025-03-07T09:00", "2025-03-08T00:00"], "datetime64[us]")
        >>> add_array(cal, start, np.timedelta64(2, "h"))  # Friday 17:00, Saturday
        array(['2025-03-10T02:00:00.000000', '2025-03-10T03:00:00.000000'],
              dtype='datetime64[us]')
    """
    np = _numpy()
    eng = _calendar(calendar)
    keep = _missing(missing)
    s_all = _micros(np, start, "M", "start")
    d_all = _micros(np, delta, "m", "delta")
    if len(d_all) == 1 and len(s_all) != 1:
        d_all = np.broadcast_to(d_all, s_all.shape)
    size = _same_length((s_all, "start"), (d_all, "delta"))
    present = _check_present(np, (s_all, "start"), (d_all, "delta"), keep=keep)
    negative = (d_all < 0) & (d_all != _NAT)
    if negative.any():
        i = int(np.flatnonzero(negative)[0])
        msg = (
            f"delta[{i}] is a negative business duration "
            f"({duration_text(int(d_all[i]))}); add_array takes 0 or more"
        )
        raise InvalidArgumentError(msg)

    def compute(rows: _Positions) -> _Ints:
        s, d = s_all[rows], d_all[rows]
        out = s.copy()  # a zero duration gives the start, open or not
        todo = np.flatnonzero(d > 0)
        for tl, where in _by_snapshot(np, eng, s[todo], s[todo]):
            rows_here = todo[where]
            if tl is None:  # pragma: no cover - lo == hi always fits a snapshot
                continue
            a = _arrays(tl)
            target = a.worked(s[rows_here]) + d[rows_here]
            j = a.by_worked.lt(target)  # the first range whose end reaches target
            found = j < len(a.worked_through)
            t = a.starts_y[j] + target - a.worked_before_y[j]
            fits = found & (t < tl.hi)
            out[rows_here[fits]] = t[fits]
            if fits.any():
                eng.reached(int(t[fits].max()))
            for r in rows_here[~fits]:
                out[r] = eng.add_us(int(s[r]), int(d[r]))
        return out

    return _chunked(np, size, present, compute).view("M8[us]")


def _local_ordinal(
    np: Any, tl: _Timeline, a: _Arrays, us: NDArray[np.int64]
) -> NDArray[np.int64]:
    """The local date (proleptic ordinal) of each instant, from the snapshot's offsets."""
    k = np.searchsorted(a.change_at, us, side="right") - 1
    if len(a.offset_after):
        off = np.where(k < 0, tl.first_offset, a.offset_after[np.maximum(k, 0)])
    else:
        off = np.full_like(us, tl.first_offset)
    return (us + off) // US_PER_DAY + _EPOCH_ORDINAL  # type: ignore[no-any-return]


def add_business_days_array(
    calendar: BusinessCalendar,
    start: object,
    n: object,
    *,
    missing: Missing = "raise",
) -> NDArray[np.datetime64]:
    """The close of the ``n[i]``-th business day after each start: vectorised.

    Each element equals ``calendar.add_business_days(start[i], n[i])`` as an
    instant, exactly: for ``n >= 1`` the closing instant of the n-th business day
    strictly after the start's local date, for ``n == 0`` the close of that date if
    it is a business day, else of the next one.

    Args:
        calendar: the business calendar.
        start: instants, ``datetime64`` of any unit, meaning UTC.
        n: whole numbers of business days, none negative; or one for every row.
        missing: ``"raise"`` or ``"keep"`` (a NaT start gives NaT).

    Returns:
        ``datetime64[us]`` instants in UTC.

    Raises:
        MissingExtraError: NumPy is not installed (the ``columnar`` extra).
        InvalidTypeError: ``n`` is not integers, ``start`` not datetime64.
        InvalidArgumentError: a negative ``n``, a NaT, different lengths.

    Examples:
        >>> import holidays, numpy as np
        >>> from servicekit.sla import (
        ...     BusinessCalendar,
        ...     add_business_days_array,
        ...     parse_hours,
        ... )
        >>> cal = BusinessCalendar(
        ...     timezone="Asia/Shanghai",
        ...     weekly_hours=parse_hours("Mon-Fri 09:00-12:00,13:30-18:00"),
        ...     holidays=holidays.China(years=2025),
        ... )
        >>> start = np.array(["2025-01-24T02:00"], "datetime64[us]")
        >>> add_business_days_array(cal, start, np.array([2]))  # 27 Jan, 18:00 local
        array(['2025-01-27T10:00:00.000000'], dtype='datetime64[us]')
    """
    np = _numpy()
    eng = _calendar(calendar)
    keep = _missing(missing)
    s_all = _micros(np, start, "M", "start")
    counts = np.asarray(n).reshape(-1)
    if counts.dtype.kind not in {"i", "u"}:
        msg = f"n must be whole numbers of business days, got dtype {counts.dtype}"
        raise InvalidTypeError(msg)
    counts = counts.astype(np.int64)
    if len(counts) == 1 and len(s_all) != 1:
        counts = np.broadcast_to(counts, s_all.shape)
    size = _same_length((s_all, "start"), (counts, "n"))
    if (counts < 0).any():
        i = int(np.flatnonzero(counts < 0)[0])
        msg = f"n[{i}] must be 0 or more business days, got {int(counts[i])}"
        raise InvalidArgumentError(msg)
    present = _check_present(np, (s_all, "start"), keep=keep)

    def compute(rows: _Positions) -> _Ints:
        s, k = s_all[rows], counts[rows]
        out = np.empty(len(s), dtype=np.int64)
        for tl, part in _by_snapshot(np, eng, s, s):
            if tl is None:  # pragma: no cover - lo == hi always fits a snapshot
                continue
            a = _arrays(tl)
            where = np.arange(len(s))[part]
            us, kk = s[where], k[where]
            today = _local_ordinal(np, tl, a, us)
            fits = np.zeros(len(where), dtype=bool)
            if len(a.ords):
                idx = np.where(kk > 0, a.by_ord.le(today) + kk - 1, a.by_ord.lt(today))
                closes = a.closes[np.minimum(idx, len(a.ords) - 1)]
                # Beyond the snapshot, or past the 50-year horizon: the scalar path
                # counts on (or says the calendar never opens).
                fits = (idx < len(a.ords)) & (closes - us <= HORIZON_US)
                out[where[fits]] = closes[fits]
                if fits.any():
                    days = a.ords[np.minimum(idx, len(a.ords) - 1)]
                    eng.reached_date(int(days[fits].max()))
            for r in where[~fits]:
                out[r] = _scalar_business_close(calendar, eng, int(s[r]), int(k[r]))
        return out  # type: ignore[no-any-return]

    return _chunked(np, size, present, compute).view("M8[us]")


def _scalar_business_close(
    calendar: BusinessCalendar, eng: Engine, us: int, n: int
) -> int:
    """The scalar answer (and its errors) for a row the snapshot cannot answer."""
    return instant_us(calendar.add_business_days(eng.to_datetime(us), n), "result")


def business_days_between_array(
    calendar: BusinessCalendar,
    a: object,
    b: object,
) -> NDArray[np.int64]:
    """Business days in ``[a[i], b[i])`` for each row; negative where ``b[i] < a[i]``.

    Each element equals ``calendar.business_days_between(a[i], b[i])`` (numpy's
    ``busday_count`` convention), on the calendar's own business days: its
    holidays and make-up days included.

    Args:
        calendar: the business calendar.
        a: days, ``datetime64[D]``.
        b: days likewise, as many as ``a``.

    Returns:
        ``int64`` counts. Integers have no NaT, so a missing day is always an
        error here: drop or mask such rows first.

    Raises:
        MissingExtraError: NumPy is not installed (the ``columnar`` extra).
        InvalidTypeError: not ``datetime64[D]`` arrays.
        InvalidArgumentError: a NaT, different lengths.
        CalendarRangeError: a day outside the years 1 … 9999.

    Examples:
        >>> import numpy as np
        >>> from servicekit.sla import (
        ...     BusinessCalendar,
        ...     business_days_between_array,
        ...     parse_hours,
        ... )
        >>> cal = BusinessCalendar.for_country(
        ...     "CN",
        ...     timezone="Asia/Shanghai",
        ...     weekly_hours=parse_hours("Mon-Fri 09:00-18:00"),
        ... )
        >>> a = np.array(["2025-01-27", "2025-03-10"], "datetime64[D]")
        >>> b = np.array(["2025-02-10", "2025-03-08"], "datetime64[D]")
        >>> business_days_between_array(cal, a, b)
        array([ 5, -1])
    """
    np = _numpy()
    eng = _calendar(calendar)
    a_all = _days(np, a, "a")
    b_all = _days(np, b, "b")
    size = _same_length((a_all, "a"), (b_all, "b"))
    _check_present(np, (a_all, "a"), (b_all, "b"), keep=False)

    def compute(rows: _Positions) -> _Ints:
        oa = a_all[rows] + _EPOCH_ORDINAL
        ob = b_all[rows] + _EPOCH_ORDINAL
        lo, hi = np.minimum(oa, ob), np.maximum(oa, ob)
        # The dates consulted: [a, b) forwards, (b, a] backwards.
        last = np.where(ob > oa, ob - 1, oa)[oa != ob]
        if len(last):
            eng.reached_date(int(last.max()))
        out = np.empty(len(oa), dtype=np.int64)
        pending = np.arange(len(oa))
        while len(pending):
            y0 = dt.date.fromordinal(int(lo[pending].min())).year
            y1 = dt.date.fromordinal(int(hi[pending].max())).year
            tl = eng.ensure_years(y0, min(y1, y0 + WINDOW_YEARS - 1))
            here = (lo[pending] >= tl.ord_lo) & (hi[pending] < tl.ord_hi)
            rows_here = pending[here]
            by_ord = _arrays(tl).by_ord
            a_here, b_here = oa[rows_here], ob[rows_here]
            fwd = by_ord.lt(b_here) - by_ord.lt(a_here)
            back = by_ord.le(b_here) - by_ord.le(a_here)
            out[rows_here] = np.where(ob[rows_here] >= oa[rows_here], fwd, back)
            wide = pending[~here & (lo[pending] < tl.ord_hi)]
            for r in wide:
                out[r] = calendar.business_days_between(
                    dt.date.fromordinal(int(oa[r])), dt.date.fromordinal(int(ob[r]))
                )
            pending = pending[lo[pending] >= tl.ord_hi]
        return out  # type: ignore[no-any-return]

    return _chunked(np, size, None, compute)

"""Shared Hypothesis strategies: every new public type joins this module.

Each subpackage appends its own section below; keep sections self-contained.
"""

from hypothesis import strategies as st

from servicekit import Channel, Priority, Tier

priorities = st.sampled_from(list(Priority))
tiers = st.sampled_from(list(Tier))
channels = st.sampled_from(list(Channel))


# --- sla: business calendars (tests/sla/test_calendar*.py) ---------------------------
# Random calendars are plain keyword arguments for ``BusinessCalendar(**kwargs)`` (and
# for the brute-force ``sla.reference.Reference``), so this module imports nothing
# from ``servicekit.sla``. Interval bounds sit on a grid of 5, 15 or 30 minutes so the
# reference can step cell by cell and stay exact; instants land on the grid most of
# the time (to hit interval ends exactly) and at arbitrary microseconds otherwise.

import dataclasses  # noqa: E402
import datetime as dt  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

CALENDAR_ZONES = (
    "Asia/Shanghai",
    "America/New_York",
    "Europe/London",
    "UTC",
    "Australia/Lord_Howe",  # 30-minute DST shift
)
# Local dates the random calendars are centred on: every DST change of 2024-2026
# (checked in tests/sla/test_calendar_reference.py), plus year ends, a leap day and
# the 2025 Spring Festival for the zones without DST.
CALENDAR_ANCHORS: dict[str, tuple[dt.date, ...]] = {
    "America/New_York": tuple(
        dt.date.fromisoformat(d)
        for d in (
            "2024-03-10",
            "2024-11-03",
            "2025-03-09",
            "2025-11-02",
            "2026-03-08",
            "2026-11-01",
        )
    ),
    "Europe/London": tuple(
        dt.date.fromisoformat(d)
        for d in (
            "2024-03-31",
            "2024-10-27",
            "2025-03-30",
            "2025-10-26",
            "2026-03-29",
            "2026-10-25",
        )
    ),
    "Australia/Lord_Howe": tuple(
        dt.date.fromisoformat(d)
        for d in (
            "2024-04-07",
            "2024-10-06",
            "2025-04-06",
            "2025-10-05",
            "2026-04-05",
            "2026-10-04",
        )
    ),
    "Asia/Shanghai": tuple(
        dt.date.fromisoformat(d) for d in ("2025-01-28", "2024-12-31", "2025-10-01")
    ),
    "UTC": tuple(dt.date.fromisoformat(d) for d in ("2024-02-29", "2025-12-31")),
}
_DAY_SECONDS = 86_400


@dataclasses.dataclass(frozen=True)
class CalendarCase:
    """Keyword arguments of a random calendar, and where its interesting days are."""

    kwargs: dict[str, object]
    anchor: dt.date  # a local date near DST changes / holidays
    grid: int  # seconds; every interval bound is a multiple
    weekly_open: int  # seconds of working time in a plain week (no holidays)


def _bound(draw: st.DrawFn, seconds: int) -> str | dt.time:
    """An interval bound in one of the accepted spellings."""
    if seconds == _DAY_SECONDS:
        return "24:00"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    spelling = draw(st.sampled_from(["HH:MM", "HH:MM:SS", "time"]))
    if spelling == "time":
        return dt.time(hours, minutes, secs)
    if spelling == "HH:MM" and secs == 0:
        return f"{hours:02d}:{minutes:02d}"
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


def _day_hours(
    draw: st.DrawFn, grid: int, night_edge: int, *, min_size: int = 0
) -> tuple[list[tuple[int, int]], int]:
    """Disjoint intervals in ``[night_edge, 24:00]``, maybe a night shift after them.

    Returns the intervals (seconds; a night shift has ``end <= start``) and their
    total length. Every night shift ends by ``night_edge`` and every plain interval
    starts at or after it, so no night shift ever overlaps the next day's hours.
    """
    first, last = night_edge // grid, _DAY_SECONDS // grid
    count = draw(st.integers(min_size, 3))
    count = min(count, (last - first + 1) // 2)
    points = sorted(
        draw(st.sets(st.integers(first, last), min_size=2 * count, max_size=2 * count))
    )
    intervals = [
        (points[i] * grid, points[i + 1] * grid) for i in range(0, 2 * count, 2)
    ]
    total = sum(b - a for a, b in intervals)
    latest_end = intervals[-1][1] if intervals else night_edge
    if latest_end + grid < _DAY_SECONDS and draw(st.booleans()):
        start = draw(st.integers(latest_end // grid + 1, last - 1)) * grid
        end = draw(st.integers(0, night_edge // grid)) * grid
        intervals.append((start, end))
        total += _DAY_SECONDS - start + end
    return intervals, total


@st.composite
def calendar_cases(
    draw: st.DrawFn, zones: tuple[str, ...] = CALENDAR_ZONES
) -> CalendarCase:
    """A random calendar in one of ``zones``, centred on a DST change.

    Per-weekday hours with lunch breaks and night shifts, holidays and make-up
    working days near the anchor date.
    """
    zone = draw(st.sampled_from(zones))
    anchor = draw(st.sampled_from(CALENDAR_ANCHORS[zone]))
    grid = draw(st.sampled_from([900, 900, 1800, 300]))
    night_edge = draw(st.integers(0, 6 * 3600 // grid)) * grid
    template, template_total = _day_hours(draw, grid, night_edge, min_size=1)
    weekly: dict[int, list[tuple[int, int]]] = {}
    week_total = 0
    for weekday in range(7):
        kind = draw(st.sampled_from(["template", "template", "own", "closed"]))
        if kind == "template":
            weekly[weekday], total = template, template_total
        elif kind == "own":
            weekly[weekday], total = _day_hours(draw, grid, night_edge)
        else:
            continue
        week_total += total
    if not any(weekly.values()):
        weekday = draw(st.integers(0, 6))
        weekly[weekday], week_total = template, template_total
    weekly = {day: ivs for day, ivs in weekly.items() if ivs}
    window = [anchor + dt.timedelta(days=i) for i in range(-21, 22)]
    holidays = draw(st.sets(st.sampled_from(window), max_size=8))
    closed = [d for d in window if d.weekday() not in weekly and d not in holidays]
    workdays = draw(st.sets(st.sampled_from(closed), max_size=3)) if closed else set()
    workday_hours = None
    if (workdays and 0 not in weekly) or draw(st.booleans()):
        workday_hours, _ = _day_hours(draw, grid, night_edge, min_size=1)

    def spell(intervals: list[tuple[int, int]]) -> list[tuple[str | dt.time, ...]]:
        return [(_bound(draw, a), _bound(draw, b)) for a, b in intervals]

    kwargs: dict[str, object] = {
        "timezone": zone,
        "weekly_hours": {day: spell(ivs) for day, ivs in weekly.items()},
        "holidays": sorted(holidays),
        "workdays": sorted(workdays),
        "workday_hours": None if workday_hours is None else spell(workday_hours),
    }
    return CalendarCase(kwargs=kwargs, anchor=anchor, grid=grid, weekly_open=week_total)


@st.composite
def calendar_instants(
    draw: st.DrawFn, case: CalendarCase, days: int = 10
) -> dt.datetime:
    """An aware instant within ``days`` of ``case.anchor``, often exactly on the grid.

    Shown in the calendar zone, UTC, or an unrelated zone: comparisons are by instant.
    """
    zone = ZoneInfo(str(case.kwargs["timezone"]))
    midnight = dt.datetime.combine(case.anchor, dt.time(), tzinfo=zone)
    cells = draw(st.integers(-days * 86_400 // case.grid, days * 86_400 // case.grid))
    jitter = draw(
        st.one_of(
            st.just(0),
            st.integers(0, case.grid - 1).map(lambda s: s * 1_000_000),
            st.integers(0, case.grid * 1_000_000 - 1),
        )
    )
    instant = midnight.astimezone(dt.UTC) + dt.timedelta(
        seconds=cells * case.grid, microseconds=jitter
    )
    shown_in = draw(
        st.sampled_from(
            [zone, dt.UTC, ZoneInfo("Asia/Tokyo"), dt.timezone(dt.timedelta(hours=-3))]
        )
    )
    return instant.astimezone(shown_in)


def business_durations(
    case: CalendarCase, weeks: int = 2
) -> st.SearchStrategy[dt.timedelta]:
    """Non-negative business durations up to ``weeks`` plain weeks of working time.

    Mostly whole grid cells (to land on interval ends), sometimes to the microsecond.
    """
    top = weeks * case.weekly_open
    return st.one_of(
        st.just(dt.timedelta(0)),
        st.integers(0, top // case.grid).map(
            lambda n: dt.timedelta(seconds=n * case.grid)
        ),
        st.integers(0, top).map(lambda s: dt.timedelta(seconds=s)),
        st.integers(0, top * 1_000_000).map(lambda us: dt.timedelta(microseconds=us)),
    )


# --- acceptance: requirement workflow (tests/acceptance/) -----------------------------
# Instants are drawn in zones with DST (and fold=1 inside repeated hours) so that
# serialisation is exercised where PEP 495 makes cross-zone equality lie. Random
# requirements are built by trying random events and keeping those the workflow
# accepts, so every drawn requirement has a legal history. (``dt`` and ``ZoneInfo``
# are imported by the sla section above.)

from servicekit.acceptance import (  # noqa: E402
    AcceptanceFailed,
    AcceptancePassed,
    AcceptanceTimedOut,
    AcceptanceTimeoutAction,
    Cancelled,
    ConfirmationExpired,
    CustomerConfirmed,
    DelayAnnounced,
    Delivered,
    FollowUpDone,
    Requirement,
    RequirementPolicy,
    SheetSent,
)
from servicekit.errors import ServiceKitError  # noqa: E402
from servicekit.sla import BusinessCalendar  # noqa: E402

ACCEPTANCE_ZONES = ("UTC", "Asia/Shanghai", "Europe/Berlin", "America/New_York")

acceptance_instants = st.builds(
    lambda naive, zone, fold: naive.replace(tzinfo=ZoneInfo(zone), fold=fold),
    st.datetimes(
        min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2027, 12, 31)
    ),
    st.sampled_from(ACCEPTANCE_ZONES),
    st.sampled_from([0, 1]),
)
acceptance_gaps = st.timedeltas(
    min_value=dt.timedelta(0), max_value=dt.timedelta(days=6)
)
acceptance_positive_gaps = st.timedeltas(
    min_value=dt.timedelta(microseconds=1), max_value=dt.timedelta(days=20)
)
acceptance_texts = st.text(min_size=1, max_size=20).filter(lambda s: bool(s.strip()))
acceptance_text_lists = st.lists(acceptance_texts, max_size=3)
acceptance_ratings = st.none() | st.integers(1, 5)

# Mon-Fri 09:00-18:00 in Berlin with Christmas closed: simple enough for a brute-force
# deadline reference, and it has DST changes.
ACCEPTANCE_OFFICE = {
    "timezone": "Europe/Berlin",
    "weekly_hours": {day: [("09:00", "18:00")] for day in range(5)},
    "holidays": [dt.date(y, 12, d) for y in (2024, 2025, 2026, 2027) for d in (25, 26)],
}
acceptance_calendars = st.sampled_from(
    [
        BusinessCalendar.always_open(timezone="UTC"),
        BusinessCalendar(**ACCEPTANCE_OFFICE),
    ]
)
acceptance_policies = st.builds(
    RequirementPolicy,
    calendar=acceptance_calendars,
    confirm_within=st.integers(0, 4),
    customer_confirm_within=st.integers(0, 4),
    accept_within=st.integers(0, 4),
    rework_within=st.integers(0, 4),
    follow_up_within=st.integers(0, 4),
    delay_notice=st.timedeltas(
        min_value=dt.timedelta(0), max_value=dt.timedelta(days=3)
    ),
    on_acceptance_timeout=st.sampled_from(list(AcceptanceTimeoutAction)),
)


def acceptance_event_at(at, kind):
    """A strategy for one event of class ``kind`` dated ``at``, with a random payload."""
    if kind is SheetSent:
        return st.builds(
            SheetSent,
            at=st.just(at),
            delivery_due=st.none() | acceptance_positive_gaps.map(lambda g: at + g),
            problem=st.text(max_size=10),
            goal=st.text(max_size=10),
            customer_provides=acceptance_text_lists,
        )
    if kind is AcceptanceFailed:
        return st.builds(
            AcceptanceFailed,
            at=st.just(at),
            reasons=st.lists(acceptance_texts, min_size=1, max_size=3),
        )
    if kind is DelayAnnounced:
        return st.builds(
            DelayAnnounced,
            at=st.just(at),
            new_due=acceptance_positive_gaps.map(lambda g: at + g),
            reason=st.text(max_size=10),
        )
    if kind is FollowUpDone:
        return st.builds(
            FollowUpDone,
            at=st.just(at),
            solved=st.booleans(),
            shortfalls=acceptance_text_lists,
            attitude=acceptance_ratings,
            competence=acceptance_ratings,
            comment=st.text(max_size=10),
        )
    if kind is Cancelled:
        return st.builds(Cancelled, at=st.just(at), reason=acceptance_texts)
    return st.just(kind(at=at))


ACCEPTANCE_EVENT_TYPES = (
    SheetSent,
    CustomerConfirmed,
    ConfirmationExpired,
    Delivered,
    AcceptancePassed,
    AcceptanceFailed,
    AcceptanceTimedOut,
    DelayAnnounced,
    FollowUpDone,
    Cancelled,
)

acceptance_events = st.tuples(
    acceptance_instants, st.sampled_from(ACCEPTANCE_EVENT_TYPES)
).flatmap(lambda pair: acceptance_event_at(*pair))


@st.composite
def acceptance_requirements(draw, max_events=12):
    """A requirement with a random legal history (illegal tries are skipped)."""
    req = Requirement.open(
        id=draw(acceptance_texts),
        received_at=draw(acceptance_instants),
        policy=draw(acceptance_policies),
        channel=draw(st.none() | channels),
        customer=draw(st.none() | acceptance_texts),
        priority=draw(st.none() | priorities),
    )
    at = req.received_at
    for _ in range(draw(st.integers(0, max_events))):
        at += draw(acceptance_gaps)
        pending = req.timeouts(at)
        if pending and draw(st.booleans()):
            req = req.apply_all(pending)
            continue
        kind = draw(st.sampled_from(ACCEPTANCE_EVENT_TYPES))
        try:
            req = req.apply(draw(acceptance_event_at(at, kind)))
        except ServiceKitError:
            continue
    return req


# --- scoring: survey answers and result values (tests/scoring/) -------------------------
# Answers are drawn as plain ints (the fast path) and as floats/large lists elsewhere;
# result values are built through the public functions so they are always consistent.

from servicekit.scoring import (  # noqa: E402
    Comparison,
    CsatMeasure,
    Estimate,
    IndexMeasure,
    MeanMeasure,
    NpsMeasure,
    SatisfactionIndex,
    ShareMeasure,
)

SCORING_DIMENSIONS = ("response_speed", "resolution", "attitude", "follow_up")

nps_scores = st.lists(st.integers(0, 10), min_size=1, max_size=300)
csat_ratings = st.lists(st.integers(1, 5), min_size=1, max_size=300)
fcr_outcomes = st.lists(st.booleans(), min_size=1, max_size=300)
index_responses = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            d: st.one_of(st.integers(1, 5), st.none()) for d in SCORING_DIMENSIONS
        },
    ),
    min_size=1,
    max_size=120,
)
complete_index_responses = st.lists(
    st.fixed_dictionaries({d: st.integers(1, 5) for d in SCORING_DIMENSIONS}),
    min_size=1,
    max_size=120,
)
index_weights = st.dictionaries(
    st.sampled_from(SCORING_DIMENSIONS),
    st.floats(0.01, 10, allow_nan=False),
    min_size=1,
)
satisfaction_indices = st.builds(
    SatisfactionIndex,
    weights=index_weights,
    scale=st.sampled_from([(1, 5), (0, 10), (1, 7)]),
    missing=st.sampled_from(["renormalise", "skip"]),
)
confidences = st.sampled_from([0.8, 0.9, 0.95, 0.99])


@st.composite
def estimates(draw: st.DrawFn) -> Estimate:
    value = draw(st.floats(-100, 100, allow_nan=False))
    below = draw(st.floats(0, 50, allow_nan=False))
    above = draw(st.floats(0, 50, allow_nan=False))
    return Estimate(
        value=value,
        low=value - below,
        high=value + above,
        n=draw(st.integers(1, 10**6)),
        method=draw(st.sampled_from(["wilson", "t", "adjusted-wald", "welch"])),
        confidence=draw(confidences),
    )


comparisons = st.builds(
    Comparison,
    difference=estimates(),
    z=st.floats(-10, 10, allow_nan=False),
    p_value=st.floats(0, 1),
)
measures = st.one_of(
    st.builds(NpsMeasure, field=st.sampled_from(["nps", "score"])),
    st.builds(
        CsatMeasure,
        field=st.just("rating"),
        scale=st.just(5),
        satisfied_at=st.integers(2, 5),
    ),
    st.builds(MeanMeasure, field=st.just("rating"), scale=st.integers(2, 10)),
    st.builds(ShareMeasure, field=st.just("resolved")),
    st.builds(IndexMeasure, field=st.just("ratings"), index=satisfaction_indices),
)


# --- routing: tickets, agents, routers (tests/routing/) --------------------------------
# Small universes (3 skills, 3 languages, 2 groups, 3 channels) so that random tickets
# and agents actually match. Instants sit within a day before ROUTING_NOW, in several
# zones; ``routing_now`` is the single "now" the router tests use.

from servicekit.routing import Agent, Ticket  # noqa: E402

ROUTING_NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ROUTING_SKILLS = ("billing", "logistics", "refunds")
ROUTING_LANGUAGES = ("zh", "mn", "ug")
ROUTING_GROUPS = ("after-sales", "tech")
ROUTING_CHANNELS = (Channel.CHAT, Channel.EMAIL, Channel.PHONE)

routing_instants = st.builds(
    lambda seconds, zone: (ROUTING_NOW - dt.timedelta(seconds=seconds)).astimezone(
        ZoneInfo(zone)
    ),
    st.integers(0, 86_400),
    st.sampled_from(["Asia/Shanghai", "UTC", "America/New_York"]),
)


# Strategies are built once here, not inside the composites: Hypothesis validates each
# new strategy object, which made drawing a team of agents cost ~15 ms.
_R_SKILL_SETS = st.sets(st.sampled_from(ROUTING_SKILLS), max_size=2)
_R_LEVELS = st.integers(1, 6)
_R_LANGUAGE = st.none() | st.sampled_from(ROUTING_LANGUAGES)
_R_CHANNEL = st.sampled_from(ROUTING_CHANNELS)
_R_GROUP = st.none() | st.sampled_from(ROUTING_GROUPS)
_R_DUE = st.none() | routing_instants.map(lambda t: t + dt.timedelta(hours=2))
_R_COMPLAINTS = st.integers(0, 3)
_R_IDS_T = st.text("T0123456789", min_size=1, max_size=4)
_R_IDS_A = st.text("A0123456789", min_size=1, max_size=4)
_R_CAPACITY = st.dictionaries(_R_CHANNEL, st.integers(0, 3), max_size=3)
_R_LOADS = tuple(st.integers(0, cap + 1) for cap in range(4))
_R_AGENT_SKILLS = st.dictionaries(
    st.sampled_from(ROUTING_SKILLS), st.integers(1, 10), max_size=3
)
_R_LANGUAGES = st.sets(st.sampled_from(ROUTING_LANGUAGES), max_size=3)
_R_TIERS = st.sets(tiers, max_size=1)
_R_LAST = st.none() | routing_instants
_R_GROUPS = st.sets(st.sampled_from(ROUTING_GROUPS), max_size=2)
_R_CUSTOMERS = ("c1", "c2", "c3")
_R_CUSTOMER = st.none() | st.sampled_from(_R_CUSTOMERS)
_R_DEDICATED = st.sets(st.sampled_from(_R_CUSTOMERS), max_size=1)
_R_BOOL = st.booleans()


@st.composite
def routing_tickets(draw, ident=None, owners=None):
    """A queued ticket (never assigned) from the small universe.

    ``owners``: a strategy for ``owner_id`` (None: no owner).
    """
    skills = draw(_R_SKILL_SETS)
    levels = {s: draw(_R_LEVELS) for s in sorted(skills) if draw(_R_BOOL)}
    return Ticket(
        id=ident if ident is not None else draw(_R_IDS_T),
        created_at=draw(routing_instants),
        priority=draw(priorities),
        tier=draw(tiers),
        channel=draw(_R_CHANNEL),
        skills=skills,
        min_levels=levels,
        language=draw(_R_LANGUAGE),
        customer_id=draw(_R_CUSTOMER),
        owner_id=draw(owners) if owners is not None else None,
        due_at=draw(_R_DUE),
        group=draw(_R_GROUP),
        attributes={"unresolved_complaints": draw(_R_COMPLAINTS)},
    )


@st.composite
def routing_agents(draw, ident=None):
    """An agent from the small universe, possibly busy, part-time or senior."""
    capacity = draw(_R_CAPACITY)
    load = {ch: draw(_R_LOADS[cap]) for ch, cap in capacity.items() if draw(_R_BOOL)}
    return Agent(
        id=ident if ident is not None else draw(_R_IDS_A),
        skills=draw(_R_AGENT_SKILLS),
        languages=draw(_R_LANGUAGES),
        capacity=capacity,
        load=load,
        available=draw(_R_BOOL) or draw(_R_BOOL),
        dedicated_customers=draw(_R_DEDICATED),
        dedicated_tiers=draw(_R_TIERS),
        last_assigned_at=draw(_R_LAST),
        part_time=draw(_R_BOOL),
        senior=draw(_R_BOOL),
        groups=draw(_R_GROUPS),
    )


@st.composite
def routing_teams(draw, min_size=0, max_size=8):
    """Agents with distinct ids ``A0``, ``A1``, …"""
    n = draw(st.integers(min_size, max_size))
    return [draw(routing_agents(ident=f"A{i}")) for i in range(n)]


@st.composite
def routing_queues(draw, agents=(), min_size=0, max_size=10):
    """Tickets with distinct ids ``T0``, ``T1``, …; owners drawn from ``agents``."""
    owners = st.none() | st.sampled_from((*(a.id for a in agents), "gone"))
    n = draw(st.integers(min_size, max_size))
    return [draw(routing_tickets(ident=f"T{i}", owners=owners)) for i in range(n)]

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

# Segment tables whose segments really differ: each (city, month) cell draws its own
# counts of a few answers, so some pairs separate clearly, some barely, some not at
# all, and several cities may share identical counts (the ranking groups those).
SEGMENT_CITIES = ("Beijing", "Shanghai", "Hohhot", "Baotou", "Ordos", "Wuhai")
SEGMENT_MONTHS = ("2025-02", "2025-03")
SEGMENT_ANSWERS = {
    "nps": list(range(11)),
    "rating": [1, 2, 3, 4, 5],
    "resolved": [False, True],
}


@st.composite
def segment_surveys(draw: st.DrawFn, field: str = "nps", max_count: int = 60):
    """Rows ``{"city", "month", field}`` with per-cell answer counts (a few hundred rows)."""
    answers = SEGMENT_ANSWERS[field]
    cities = draw(
        st.lists(st.sampled_from(SEGMENT_CITIES), min_size=2, max_size=6, unique=True)
    )
    months = draw(
        st.lists(st.sampled_from(SEGMENT_MONTHS), min_size=1, max_size=2, unique=True)
    )
    counts = st.dictionaries(
        st.sampled_from(answers), st.integers(0, max_count), max_size=4
    )
    shared = draw(counts)
    rows = []
    for city in cities:
        for month in months:
            cell = shared if draw(st.booleans()) else draw(counts)
            for answer, n in cell.items():
                rows += [{"city": city, "month": month, field: answer}] * n
    if not rows:
        rows = [{"city": cities[0], "month": months[0], field: answers[-1]}]
    return rows


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


# --- sla: SLA event logs (tests/sla/test_clock_*.py) -----------------------------------
# Small policy sets over three fixed calendars (built once: a China split shift with
# the real 2025 holidays and make-up days, a New York 24x7 across DST, a London night
# shift across DST), and valid event logs built step by step from a simulated status,
# so every drawn log is legal. Instants start near an interesting local moment of the
# calendar (a holiday edge, the lunch break, a weekend, a DST change) and advance by
# 0 (ties), a few seconds/minutes, or hours/days. The last policy is a catch-all so a
# policy always matches.

from fractions import Fraction  # noqa: E402

import attrs  # noqa: E402

from servicekit.sla import (  # noqa: E402
    BusinessCalendar,
    EventKind,
    Metric,
    MetricDefinition,
    PolicySet,
    SlaPolicy,
    SlaTarget,
    TicketEvent,
    TicketStatus,
    parse_hours,
)

SLA_CALENDARS = {
    "cn": BusinessCalendar.for_country(
        "CN",
        timezone="Asia/Shanghai",
        weekly_hours=parse_hours("Mon-Fri 09:00-12:00,13:30-18:00"),
    ),
    "ny": BusinessCalendar.always_open("America/New_York"),
    "night": BusinessCalendar(
        timezone="Europe/London",
        weekly_hours={
            **{d: [("22:00", "24:00")] for d in range(5)},
            **{d: [("00:00", "06:00")] for d in range(1, 6)},
        },
    ),
}
# Local wall-clock moments the logs start near, per calendar.
_SLA_ANCHORS = {
    "cn": (
        "2025-01-24 17:40",  # Friday before the Spring Festival
        "2025-01-26 11:50",  # Sunday make-up working day
        "2025-02-04 17:00",  # last holiday day
        "2025-02-08 08:59",  # Saturday make-up day
        "2025-03-03 11:58",  # lunch break
        "2025-03-07 17:55",  # Friday evening
        "2025-09-30 16:00",  # before National Day
    ),
    "ny": ("2025-03-09 01:30", "2025-11-02 00:50", "2025-11-01 23:00"),
    "night": (
        "2025-03-28 21:50",  # Friday night before the spring change
        "2025-03-30 00:30",
        "2025-10-24 23:30",
        "2025-10-26 05:50",
        "2025-06-06 05:59",
    ),
}
SLA_TIMEZONES = {k: c.timezone for k, c in SLA_CALENDARS.items()}
SLA_METRICS = (
    Metric.FIRST_RESPONSE,
    Metric.NEXT_RESPONSE,
    Metric.PERIODIC_UPDATE,
    Metric.RESOLUTION,
)
_SLA_PAUSABLE = (TicketStatus.PENDING, TicketStatus.ON_HOLD)
_SLA_PAUSE_ON = st.sampled_from(
    ((), (TicketStatus.PENDING,), _SLA_PAUSABLE, _SLA_PAUSABLE, (TicketStatus.ON_HOLD,))
)
_SLA_ROUND = (1, 5, 30, 60, 90, 120, 240, 480, 1440, 2880)  # minutes
_SLA_WITHIN = st.one_of(
    st.sampled_from(_SLA_ROUND).map(lambda m: dt.timedelta(minutes=m)),
    st.integers(1, 3 * 86_400).map(lambda s: dt.timedelta(seconds=s)),
)
_SLA_WARN = st.one_of(
    st.sets(st.sampled_from((0.25, 0.5, 0.75, 0.9)), min_size=1, max_size=3),
    st.just(()),
    st.sets(st.sampled_from((0.1, 0.3, 1 / 3, 2 / 3, 0.999)), max_size=2),
).map(tuple)
_SLA_WHEN = st.one_of(
    priorities.map(lambda p: {"priority": p}),
    tiers.map(lambda t: {"tier": t}),
    st.sets(priorities, min_size=1, max_size=2).map(lambda ps: {"priority": list(ps)}),
)


# Conditions a team's metric starts or stops on: event kinds, statuses, an event's
# attribute (a reply by the manager), the ticket's facts after the event.
_DEFINITION_CONDITIONS = st.sampled_from(
    (
        {"kind": "created"},
        {"kind": "agent_reply"},
        {"kind": ["created", "agent_reply"]},
        {"kind": "customer_message"},
        {"kind": "customer_notified"},
        {"kind": "survey_sent"},
        {"kind": "reopened"},
        {"kind": "status_changed", "status": "solved"},
        {"kind": "status_changed", "status": ["solved", "closed"]},
        {"kind": "status_changed", "status": "pending"},
        {"kind": "agent_reply", "attributes.by": "manager"},
        {"kind": "agent_reply", "attributes.clear_answer": True},
        {"kind": "customer_message", "ticket.status": "open"},
        {"kind": "facts_changed", "ticket.category": "logistics"},
        {"kind": ["priority_changed", "tier_changed"]},
    )
)


@st.composite
def metric_definitions(draw, names=("promise_a", "promise_b", "result_notice")):
    """A random team-defined metric (start/stop conditions, pause statuses)."""
    start = draw(_DEFINITION_CONDITIONS)
    stop = draw(_DEFINITION_CONDITIONS.filter(lambda c: c is not start))
    return MetricDefinition(
        name=draw(st.sampled_from(names)),
        start_on=start,
        stop_on=stop,
        pause_on=draw(st.one_of(st.none(), _SLA_PAUSE_ON)),
    )


@st.composite
def sla_targets(draw, metric):
    """A random target for ``metric``: either clock, random warnings."""
    return SlaTarget(
        metric=metric,
        within=draw(_SLA_WITHIN),
        business_hours=draw(st.booleans()),
        warn_at=draw(_SLA_WARN),
    )


@st.composite
def sla_policies(draw, name, calendar, when=None):
    """A policy measuring a random non-empty subset of the metrics."""
    metrics = [m for m in SLA_METRICS if draw(st.integers(0, 4))]
    if not metrics:
        metrics = [draw(st.sampled_from(SLA_METRICS))]
    return SlaPolicy(
        name=name,
        calendar=calendar,
        when=when,
        targets=[draw(sla_targets(m)) for m in metrics],
        pause_on=draw(_SLA_PAUSE_ON),
    )


@st.composite
def sla_policy_sets(draw, calendar_key=None):
    """``(calendar key, PolicySet)``: 1-3 policies, the last a catch-all.

    The earlier ones match on priority or tier; now and then a policy uses another
    of the calendars (its zone is then the report's).
    """
    key = calendar_key or draw(st.sampled_from(sorted(SLA_CALENDARS)))
    n = draw(st.sampled_from((1, 2, 2, 3, 3)))
    policies = []
    for i in range(n):
        cal_key = (
            key
            if draw(st.integers(0, 5))
            else draw(st.sampled_from(sorted(SLA_CALENDARS)))
        )
        when = None if i == n - 1 else draw(_SLA_WHEN)
        if i and draw(st.booleans()):
            # The first policy with every target scaled: same clocks and warnings,
            # so a change keeps thresholds that were already passed (rule 7).
            factor = draw(st.sampled_from((0.25, 0.5, 2, 4)))
            first = policies[0]
            policy = attrs.evolve(
                first,
                name=f"p{i}",
                when=when,
                targets=[
                    attrs.evolve(t, within=t.within * factor) for t in first.targets
                ],
            )
        else:
            policy = draw(sla_policies(f"p{i}", SLA_CALENDARS[cal_key], when))
        policies.append(policy)
    return key, PolicySet(policies)


def _sla_anchor(key, text):
    local = dt.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(SLA_TIMEZONES[key]))
    return local.astimezone(dt.UTC)


_SLA_GAP = st.one_of(
    st.just(0),  # a tie
    st.sampled_from(_SLA_ROUND).map(lambda m: 60 * m),  # lands on due instants
    st.integers(1, 120),  # seconds
    st.integers(1, 90).map(lambda m: 60 * m),  # minutes
    st.integers(1, 72).map(lambda h: 3600 * h + 60 * (h % 7)),  # hours
)
_SLA_START = st.one_of(
    st.just(0),
    st.integers(-120, 120).map(lambda m: 60 * m),
    st.integers(-7200, 7200),
)
# Which events a ticket in each status may get (rule 4), with repeats as weights.
_SLA_KIND_CHOICES = {
    status: st.sampled_from(
        (
            EventKind.CUSTOMER_MESSAGE,
            EventKind.CUSTOMER_MESSAGE,
            EventKind.AGENT_REPLY,
            EventKind.AGENT_REPLY,
            EventKind.STATUS_CHANGED,
            EventKind.STATUS_CHANGED,
            EventKind.PRIORITY_CHANGED,
            EventKind.PRIORITY_CHANGED,
            EventKind.TIER_CHANGED,
        )
        + ((EventKind.REOPENED,) * 2 if status is TicketStatus.SOLVED else ())
    )
    for status in TicketStatus
}
_SLA_STATUSES = st.sampled_from(
    (
        TicketStatus.OPEN,
        TicketStatus.PENDING,
        TicketStatus.PENDING,
        TicketStatus.ON_HOLD,
        TicketStatus.SOLVED,
        TicketStatus.SOLVED,
        TicketStatus.CLOSED,
    )
)
_SLA_ZONES = st.sampled_from(("UTC", "Asia/Shanghai", "America/New_York"))


def sla_event(at, kind, *, status=None, priority=None, tier=None, zone="UTC"):
    """A TicketEvent at ``at`` (shown in ``zone``: equality is by instant)."""
    return TicketEvent(
        at=at.astimezone(ZoneInfo(zone)),
        kind=kind,
        status=status,
        priority=priority,
        tier=tier,
    )


def sla_next_status(status, kind, new=None):
    """The status after a valid event, or None if the event is invalid (rule 4)."""
    if kind is EventKind.REOPENED:
        return TicketStatus.OPEN if status is TicketStatus.SOLVED else None
    if kind is EventKind.STATUS_CHANGED:
        if status is TicketStatus.CLOSED and new is not TicketStatus.CLOSED:
            return None
        return new
    return status


@st.composite
def sla_logs(draw, calendar_key="cn", max_events=10, hints=()):
    """``(events in time order, now)``: a valid log and a ``now`` at or after its end.

    ``hints`` are gaps (seconds) worth drawing often, e.g. fractions of the targets, so
    that events land just before or after warnings and due instants.
    """
    gaps = st.one_of(st.sampled_from(hints), _SLA_GAP) if hints else _SLA_GAP
    t = _sla_anchor(calendar_key, draw(st.sampled_from(_SLA_ANCHORS[calendar_key])))
    t += dt.timedelta(seconds=draw(_SLA_START))
    zone = draw(_SLA_ZONES)
    events = [
        TicketEvent(
            at=t.astimezone(ZoneInfo(zone)),
            kind=EventKind.CREATED,
            priority=draw(st.none() | priorities),
            tier=draw(st.none() | tiers),
        )
    ]
    status = TicketStatus.OPEN
    for _ in range(
        draw(st.integers(0, max_events) | st.integers(max_events // 2, max_events))
    ):
        t += dt.timedelta(seconds=draw(gaps))
        kind = draw(_SLA_KIND_CHOICES[status])
        new = None
        if kind is EventKind.STATUS_CHANGED:
            new = TicketStatus.CLOSED
            if status is not TicketStatus.CLOSED:
                new = draw(_SLA_STATUSES)
        status = sla_next_status(status, kind, new)
        events.append(
            sla_event(
                t,
                kind,
                status=new,
                priority=draw(priorities)
                if kind is EventKind.PRIORITY_CHANGED
                else None,
                tier=draw(tiers) if kind is EventKind.TIER_CHANGED else None,
                zone=draw(_SLA_ZONES),
            )
        )
    now = t + dt.timedelta(
        seconds=draw(st.one_of(st.just(0), gaps, _SLA_GAP.map(lambda s: 7 * s)))
    )
    return events, now


def _sla_warn_seconds(f, within):
    """``f × within`` rounded up to the microsecond, in seconds (exact as a float)."""
    exact = Fraction(repr(f)) * (within // dt.timedelta(microseconds=1))
    return -((-exact.numerator) // exact.denominator) / 1_000_000


@st.composite
def sla_cases(draw, max_events=10):
    """``(policies, events, now)`` for the SLA clock tests."""
    key, policies = draw(sla_policy_sets())
    hints = {
        max(1, round(q * t.within.total_seconds()))
        for p in policies
        for t in p.targets
        for q in (0.3, 0.55, 0.8, 1)
    }
    # The exact warning instants (f x within rounded up to the microsecond, rule 18),
    # so that an event, a policy change in particular, lands exactly on a warning.
    hints |= {
        _sla_warn_seconds(f, t.within)
        for p in policies
        for t in p.targets
        for f in t.warn_at
    }
    hints = sorted(hints)
    events, now = draw(sla_logs(key, max_events, hints))
    return policies, events, now


# --- conditions: rule conditions (tests/test_conditions.py, the contract test) --------
# Any field name (dotted or not, any text) and any JSON scalar, so the stored form is
# exercised beyond the facts a ticket has; ``priority`` and ``tier`` compare by rank
# and take only their enum's values. (tests/test_conditions.py draws its own, over the
# facts its reference evaluator knows.)

from servicekit.conditions import (  # noqa: E402
    AllOf,
    Always,
    AnyOf,
    Compare,
    Contains,
    Equals,
    Not,
    OneOf,
)

condition_fields = st.text(min_size=1, max_size=10).filter(
    lambda f: not f.startswith(".") and f not in {"priority", "tier"}
)
condition_orderables = (
    st.integers(-(2**64), 2**64)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10)
)
condition_scalars = st.none() | st.booleans() | condition_orderables
_ORDERINGS = st.sampled_from(["<", "<=", ">", ">="])

CONDITION_LEAVES = {
    Always: st.just(Always()),
    Equals: st.builds(Equals, field=condition_fields, value=condition_scalars),
    OneOf: st.builds(
        OneOf,
        field=condition_fields,
        values=st.lists(condition_scalars, min_size=1, max_size=4),
    ),
    Compare: st.one_of(
        st.builds(
            Compare, field=condition_fields, op=_ORDERINGS, value=condition_orderables
        ),
        st.builds(
            Compare, field=condition_fields, op=st.just("!="), value=condition_scalars
        ),
        st.builds(
            Compare,
            field=st.just("priority"),
            op=_ORDERINGS | st.just("!="),
            value=priorities,
        ),
        st.builds(Compare, field=st.just("tier"), op=_ORDERINGS, value=tiers),
    ),
    Contains: st.builds(Contains, field=condition_fields, value=condition_scalars),
}
any_conditions = st.recursive(
    st.one_of(*CONDITION_LEAVES.values()),
    lambda inner: st.one_of(
        st.builds(AllOf, conditions=st.lists(inner, max_size=3)),
        st.builds(AnyOf, conditions=st.lists(inner, max_size=3)),
        st.builds(Not, condition=inner),
    ),
    max_leaves=8,
)
#: One strategy per condition class, for tests/test_serialisation_contract.py.
CONDITIONS = {
    **CONDITION_LEAVES,
    AllOf: st.builds(AllOf, conditions=st.lists(any_conditions, max_size=3)),
    AnyOf: st.builds(AnyOf, conditions=st.lists(any_conditions, max_size=3)),
    Not: st.builds(Not, condition=any_conditions),
}


# Text conditions (tests/test_text_conditions.py): patterns from a small grammar of
# what the linear-time matcher accepts, over a tiny alphabet so texts often match.
from servicekit.conditions import TextContains, TextHasWord, TextMatches  # noqa: E402

TEXT_ALPHABET = "abAB_1 \n-.退款故障Kßſ\u212as"
_PATTERN_ATOMS = st.sampled_from(
    [
        "a",
        "b",
        "A",
        "退",
        "款",
        " ",
        r"\n",
        r"\.",
        "-",
        "K",
        "ß",
        ".",
        "[ab]",
        "[^a]",
        "[a-c退]",
        r"\d",
        r"\w",
        r"\W",
        r"\s",
        r"\S",
        "^",
        "$",
        r"\b",
        r"\B",
        r"\A",
        r"\Z",
        "[K-Z]",
        "[^\\w ]",
    ]
)


def _pattern_forms(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    quantifiers = st.sampled_from(["*", "+", "?", "{2}", "{0,2}", "{1,}", "*?", "+?"])
    return st.one_of(
        st.tuples(inner, inner).map("".join),
        st.tuples(inner, inner).map(lambda p: f"(?:{p[0]}|{p[1]})"),
        inner.map(lambda p: f"({p})"),
        st.tuples(inner, quantifiers).map(lambda p: f"(?:{p[0]}){p[1]}"),
    )


text_patterns = st.recursive(_PATTERN_ATOMS, _pattern_forms, max_leaves=8)
text_values = st.text(TEXT_ALPHABET, min_size=1, max_size=6)
TEXT_CONDITIONS = {
    TextContains: st.builds(
        TextContains, field=condition_fields, value=text_values, casefold=st.booleans()
    ),
    TextHasWord: st.builds(
        TextHasWord,
        field=condition_fields,
        word=text_values.filter(lambda w: w == w.strip()),
        casefold=st.booleans(),
    ),
    TextMatches: st.builds(
        TextMatches,
        field=condition_fields,
        pattern=text_patterns,
        casefold=st.booleans(),
    ),
}
CONDITIONS |= TEXT_CONDITIONS


# ---------------------------------------------------------------- workforce (issue 15)

_W_AHT = st.timedeltas(dt.timedelta(seconds=30), dt.timedelta(minutes=20))
_W_PATIENCE = st.timedeltas(dt.timedelta(0), dt.timedelta(minutes=10))
_W_TARGET = st.timedeltas(dt.timedelta(0), dt.timedelta(minutes=2))


def _workforce_strategies() -> dict[type, st.SearchStrategy]:
    from servicekit.workforce import (  # noqa: PLC0415 -- the section is self-contained
        IntervalRequirements,
        QueueMetrics,
        StaffingPlan,
        erlang_a,
        interval_requirements,
        required_agents,
    )

    hour = st.just(dt.timedelta(hours=1))
    return {
        QueueMetrics: st.builds(
            erlang_a,
            agents=st.integers(0, 60),
            volume=st.integers(0, 600),
            period=hour,
            aht=_W_AHT,
            patience=_W_PATIENCE,
            target_answer=_W_TARGET,
        ),
        StaffingPlan: st.builds(
            required_agents,
            volume=st.integers(0, 2000),
            period=hour,
            aht=_W_AHT,
            target_answer=_W_TARGET,
            shrinkage=st.floats(0, 0.5),
            patience=st.none() | _W_PATIENCE,
        ),
        IntervalRequirements: st.builds(
            interval_requirements,
            forecast=st.lists(st.integers(0, 300) | st.floats(0, 300), max_size=12),
            start=st.sampled_from(
                [
                    dt.datetime(2025, 1, 27, 8, tzinfo=ZoneInfo("Asia/Shanghai")),
                    dt.datetime(2025, 3, 3, 11, tzinfo=dt.UTC),
                ]
            ),
            interval=st.sampled_from([15, 30, 60]).map(
                lambda m: dt.timedelta(minutes=m)
            ),
            calendar=st.sampled_from(sorted(SLA_CALENDARS)).map(SLA_CALENDARS.get),
            aht=_W_AHT,
            target_answer=_W_TARGET,
            shrinkage=st.floats(0, 0.5),
            minimum_agents=st.integers(0, 2),
        ),
    }


#: One strategy per value of servicekit.workforce, for the serialisation contract.
WORKFORCE_STRATEGIES = _workforce_strategies()


def _simulation_strategies() -> dict[type, st.SearchStrategy]:
    """Small seeded desk simulations (with SLA reports or without), their contacts
    and contact types."""
    from servicekit.sla import SlaPolicy, SlaTarget  # noqa: PLC0415
    from servicekit.workforce import (  # noqa: PLC0415 -- the section is self-contained
        Arrival,
        BotChannel,
        ContactType,
        DeskSimulation,
        SimulatedContact,
        simulate_desk,
    )

    policy = SlaPolicy(
        name="phone",
        targets=[
            SlaTarget(
                metric="first_response",
                within=dt.timedelta(seconds=20),
                business_hours=False,
            )
        ],
        calendar=SLA_CALENDARS["ny"],
    )
    contact_types = st.frozensets(
        st.sampled_from(["billing", "returns"]), max_size=2
    ).flatmap(
        lambda skills: st.builds(
            ContactType,
            name=st.text(min_size=1, max_size=8).filter(str.strip),
            weight=st.floats(0.01, 10),
            channel=st.sampled_from(["phone", "chat"]),
            priority=priorities,
            tier=tiers,
            skills=st.just(skills),
            min_levels=st.dictionaries(
                st.sampled_from(sorted(skills) or ["-"]), st.integers(1, 10)
            ).map(lambda levels: {k: n for k, n in levels.items() if k in skills}),
            language=st.none() | st.sampled_from(["zh", "ug"]),
            aht=st.none() | _W_AHT,
        )
    )
    simulations = st.builds(
        simulate_desk,
        seed=st.integers(0, 2**64),
        volumes=st.lists(st.integers(0, 12), min_size=1, max_size=3),
        start=st.just(dt.datetime(2025, 3, 3, 9, tzinfo=ZoneInfo("Asia/Shanghai"))),
        interval=st.just(dt.timedelta(minutes=30)),
        aht=_W_AHT,
        target_answer=_W_TARGET,
        patience=st.none() | _W_PATIENCE,
        agents=st.integers(1, 3),
        policies=st.none() | st.just(policy),
        warm_up=st.sampled_from([dt.timedelta(0), dt.timedelta(minutes=15)]),
    )
    arrivals = st.builds(
        Arrival,
        ticket=routing_tickets().filter(lambda t: t.assignee_id is None),
        handling=_W_AHT,
        patience=st.none() | _W_PATIENCE,
        pickup=st.timedeltas(dt.timedelta(0), dt.timedelta(minutes=10)),
        kind=st.text(min_size=1, max_size=8).filter(str.strip),
    )
    bots = st.builds(BotChannel, channel=channels, hand_over=st.floats(0, 1))
    return {
        Arrival: arrivals,
        BotChannel: bots,
        ContactType: contact_types,
        DeskSimulation: simulations,
        SimulatedContact: simulations.filter(lambda s: s.contacts).flatmap(
            lambda s: st.sampled_from(s.contacts)
        ),
    }


WORKFORCE_STRATEGIES |= _simulation_strategies()
# --- scoring: mergeable summaries and durations (tests/scoring/test_summaries_*.py) ----
# Every measure with answers drawn from a few values (ties are what merging must keep
# exact) and durations both on whole minutes and to the microsecond.

from servicekit.scoring import (  # noqa: E402
    DurationMeasure,
    duration_statistics,
    summarise,
)

duration_values = st.one_of(
    st.integers(0, 90).map(lambda m: dt.timedelta(minutes=m)),
    st.timedeltas(dt.timedelta(0), dt.timedelta(days=3)),
)
duration_lists = st.lists(duration_values, min_size=1, max_size=60)
duration_measures = st.builds(
    DurationMeasure,
    field=st.just("duration"),
    statistic=st.sampled_from(["mean", "median", "p90", "p10", "p75"]),
    unit=st.sampled_from(["seconds", "minutes", "hours", "days"]),
    resolution=st.sampled_from(
        [
            dt.timedelta(microseconds=1),
            dt.timedelta(seconds=1),
            dt.timedelta(minutes=1),
        ]
    ),
)
summary_measures = st.one_of(
    st.builds(NpsMeasure, field=st.just("score")),
    st.integers(2, 10).flatmap(
        lambda scale: st.builds(
            CsatMeasure,
            field=st.just("rating"),
            scale=st.just(scale),
            satisfied_at=st.integers(2, scale),
        )
    ),
    st.builds(MeanMeasure, field=st.just("rating"), scale=st.integers(2, 10)),
    st.builds(ShareMeasure, field=st.just("fcr")),
    st.builds(
        IndexMeasure,
        field=st.just("ratings"),
        index=st.builds(
            SatisfactionIndex, missing=st.sampled_from(["renormalise", "skip"])
        ),
    ),
    duration_measures,
)


def answers_for(measure):
    """One valid answer of ``measure``'s field."""
    if isinstance(measure, NpsMeasure):
        return st.integers(0, 10)
    if isinstance(measure, CsatMeasure | MeanMeasure):
        return st.integers(1, measure.scale)
    if isinstance(measure, ShareMeasure):
        return st.booleans()
    if isinstance(measure, IndexMeasure):
        return index_responses.map(lambda rows: rows[0])
    return duration_values


@st.composite
def measure_summaries(draw):
    """A summary of a few responses under any measure, at any level."""
    measure = draw(summary_measures)
    answers = draw(st.lists(answers_for(measure), max_size=40))
    return summarise(
        [{measure.field: a} for a in answers],
        measure=measure,
        confidence=draw(confidences),
    )


duration_statistics_values = duration_lists.map(duration_statistics)
# --- acceptance: processes as data (tests/acceptance/test_process*.py) -----------------
# A random process is the default one with random windows and an optional review stage
# behind a random condition, so every drawn process passes the built-time checks.

from servicekit.acceptance import (  # noqa: E402
    DEFAULT_PROCESS,
    ObligationRule,
    State,
    StepDone,
    Transition,
)

acceptance_step_names = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)
acceptance_windows = st.one_of(
    st.fixed_dictionaries({"days": st.integers(0, 5)}),
    st.fixed_dictionaries(
        {"hours": st.timedeltas(dt.timedelta(minutes=1), dt.timedelta(hours=40))}
    ),
    st.just({}),
)
acceptance_rules = st.builds(
    lambda party, what, window: ObligationRule(party=party, what=what, **window),
    st.sampled_from(["team", "customer"]),
    acceptance_step_names,
    acceptance_windows,
)
acceptance_states = st.builds(
    State,
    name=acceptance_step_names,
    owes=st.none() | acceptance_rules,
    terminal=st.booleans(),
)
acceptance_transitions = st.builds(
    Transition,
    source=acceptance_step_names,
    on=acceptance_step_names | st.sampled_from(["Delivered", "Cancelled"]),
    target=acceptance_step_names,
    when=st.none() | any_conditions,
)


@st.composite
def acceptance_processes(draw):
    """A valid process: the default one, reshaped (windows, an optional review)."""
    process = DEFAULT_PROCESS
    for state in draw(st.lists(st.sampled_from(["awaiting_sheet", "in_rework"]))):
        process = process.with_window(state, **draw(acceptance_windows))
    if draw(st.booleans()):
        process = process.extended(
            name=draw(acceptance_texts),
            states=[
                State(
                    name="solution_review",
                    owes=ObligationRule(
                        party="team", what="review", **draw(acceptance_windows)
                    ),
                )
            ],
            transitions=[
                Transition(
                    source="awaiting_confirmation",
                    on="CustomerConfirmed",
                    target="solution_review",
                    when=draw(any_conditions),
                ),
                Transition(
                    source="solution_review",
                    on=draw(acceptance_step_names),
                    target="in_delivery",
                ),
            ],
        )
    return process


acceptance_step_events = st.builds(
    StepDone,
    at=acceptance_instants,
    step=acceptance_step_names,
    note=st.text(max_size=10),
)


# --- acceptance: the standard process's solution events ---------------------------------

from servicekit.acceptance import (  # noqa: E402
    SolutionAdjusted,
    SolutionAgreed,
    SolutionDrafted,
    SolutionPresented,
    SolutionReviewed,
    Verdict,
)

acceptance_text_items = st.lists(acceptance_texts, min_size=1, max_size=3)
acceptance_verdicts = st.builds(
    Verdict,
    department=acceptance_texts,
    approved=st.booleans(),
    comment=st.text(max_size=10),
)
#: One strategy per solution event class, for tests/test_serialisation_contract.py.
ACCEPTANCE_SOLUTION_EVENTS = {
    SolutionDrafted: st.builds(
        SolutionDrafted,
        at=acceptance_instants,
        steps=acceptance_text_items,
        resources=acceptance_text_lists,
        risks=acceptance_text_lists,
    ),
    SolutionReviewed: st.builds(
        SolutionReviewed,
        at=acceptance_instants,
        verdicts=st.lists(
            acceptance_verdicts,
            min_size=1,
            max_size=3,
            unique_by=lambda v: v.department,
        ),
    ),
    SolutionPresented: st.builds(SolutionPresented, at=acceptance_instants),
    SolutionAdjusted: st.builds(
        SolutionAdjusted, at=acceptance_instants, changes=acceptance_text_items
    ),
    SolutionAgreed: st.builds(SolutionAgreed, at=acceptance_instants),
    Verdict: acceptance_verdicts,
}


# --- acceptance: delivery tasks ----------------------------------------------------------

from servicekit.acceptance import (  # noqa: E402
    DeliveryApplied,
    Task,
    TaskAdded,
    TaskAssigned,
    TaskDone,
    TaskProgressed,
)

acceptance_task_ids = st.sampled_from(["T1", "T2", "export"])
acceptance_task_hours = st.timedeltas(dt.timedelta(minutes=1), dt.timedelta(hours=60))
#: One strategy per task value, for tests/test_serialisation_contract.py.
ACCEPTANCE_TASK_VALUES = {
    TaskAdded: acceptance_instants.flatmap(
        lambda at: (
            st.builds(
                TaskAdded,
                at=st.just(at),
                task=acceptance_task_ids,
                owner=acceptance_texts,
                title=st.text(max_size=10),
                due_at=acceptance_positive_gaps.map(lambda g: at + g),
            )
            | st.builds(
                TaskAdded,
                at=st.just(at),
                task=acceptance_task_ids,
                owner=acceptance_texts,
                within=acceptance_task_hours,
            )
        )
    ),
    TaskAssigned: st.builds(
        TaskAssigned,
        at=acceptance_instants,
        task=acceptance_task_ids,
        owner=acceptance_texts,
    ),
    TaskProgressed: st.builds(
        TaskProgressed,
        at=acceptance_instants,
        task=acceptance_task_ids,
        percent=st.none() | st.integers(0, 100),
        note=st.text(max_size=10),
    ),
    TaskDone: st.builds(TaskDone, at=acceptance_instants, task=acceptance_task_ids),
    DeliveryApplied: st.builds(
        DeliveryApplied,
        at=acceptance_instants,
        contents=acceptance_text_items,
        criteria=st.lists(acceptance_texts, min_size=1, max_size=3, unique=True),
        checked=acceptance_text_lists,
    ),
    Task: st.builds(
        Task,
        id=acceptance_task_ids,
        owner=acceptance_texts,
        added_at=acceptance_instants,
        due_at=acceptance_instants,
        title=st.text(max_size=10),
        percent=st.none() | st.integers(0, 100),
        progressed_at=st.none() | acceptance_instants,
        done_at=st.none() | acceptance_instants,
    ),
}


# --- acceptance: recurring duties and customer care --------------------------------------

from servicekit.acceptance import (  # noqa: E402
    CARE_LETTER,
    FEEDBACK_REVIEW,
    CustomerCare,
    Every,
    ProgressReported,
    RecurringDuty,
)

acceptance_recurring_duties = st.builds(
    RecurringDuty,
    name=acceptance_step_names,
    party=st.sampled_from(["team", "customer"]),
    every=st.sampled_from(list(Every)),
    met_by=acceptance_step_names | st.just("ProgressReported"),
    while_in=st.lists(acceptance_step_names, max_size=2),
    per_task=st.booleans(),
)


@st.composite
def acceptance_care_files(draw):
    """A customer's care file with a random history of letters and reviews."""
    care = CustomerCare(
        customer=draw(acceptance_texts),
        since=draw(acceptance_instants),
        calendar=BusinessCalendar(**ACCEPTANCE_OFFICE),
        duties=draw(st.sampled_from([[CARE_LETTER], [CARE_LETTER, FEEDBACK_REVIEW]])),
    )
    at = care.since
    for _ in range(draw(st.integers(0, 4))):
        at += draw(st.timedeltas(dt.timedelta(0), dt.timedelta(days=70)))
        step = draw(st.sampled_from(["care_letter_sent", "feedback_reviewed"]))
        try:
            care = care.apply(StepDone(at=at, step=step))
        except ServiceKitError:
            continue
    return care


#: One strategy per recurring value, for tests/test_serialisation_contract.py.
ACCEPTANCE_RECURRING_VALUES = {
    RecurringDuty: acceptance_recurring_duties,
    CustomerCare: acceptance_care_files(),
    ProgressReported: st.builds(
        ProgressReported, at=acceptance_instants, summary=st.text(max_size=10)
    ),
}


# --- sla: holiday announcements (tests/sla/test_holiday_horizon.py) --------------------
# Keyword arguments for ``HolidayAnnouncement(**kwargs)``: one year's closed days (at
# least one) and make-up days, disjoint, within the year or its neighbours.


@st.composite
def holiday_announcement_fields(draw):
    year = draw(st.integers(2000, 2100))
    days = st.dates(dt.date(year - 1, 12, 1), dt.date(year + 1, 1, 31))
    closed = draw(st.frozensets(days, min_size=1, max_size=6))
    worked = draw(st.frozensets(days.filter(lambda d: d not in closed), max_size=3))
    return {"year": year, "holidays": closed, "workdays": worked}


from servicekit.acceptance import InternalAcceptanceFailed  # noqa: E402

ACCEPTANCE_RECURRING_VALUES[InternalAcceptanceFailed] = st.builds(
    InternalAcceptanceFailed,
    at=acceptance_instants,
    reasons=acceptance_text_items,
    failed_checks=acceptance_text_lists,
)

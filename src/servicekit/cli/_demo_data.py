"""The bundled demo data: a month of a national customer-service operation, from a seed.

Nothing here is read from a file: every city, customer, agent, request and shift is
drawn from ``random.Random(seed)`` in a fixed order, so the same seed and month give
the same world, bit for bit, on every machine. The numbers are invented but shaped
like a real operation:

* 32 cities, from Beijing and Shanghai (about 90 requests a day each) to Lhasa and
  Xining (a handful a day); about 1,200 requests a day nationally, fewer at weekends
  and on public holidays, as many on make-up working days (调休) as on weekdays;
* arrivals follow the day's rhythm (a morning peak at 10:00, an afternoon plateau, an
  evening bump at 20:00, a quiet night);
* channels: phone, chat, email, web form, social media and the bot;
* customers of three tiers, assigned by :func:`servicekit.scoring.tier_customers`'s
  default thresholds from their purchase history; repeat customers bring first-contact ownership into play, and
  high-value customers have a dedicated manager;
* customers who write in Mongolian (Hohhot), Uyghur (Urumqi), Tibetan
  (Lhasa), and agents who speak those languages in those cities (not always enough);
* full-time agents on early, late and (in the largest cities) night shifts, part-timers
  on the midday and evening peaks, skills with levels, seniors, a rota with days off;
* each city has a hidden service quality and a staffing level; two cities are short of
  staff, so the report has something to find.

The month's calendar is :data:`servicekit.sla.presets.CHINA_BUSINESS_CALENDAR`:
2025-01 has New Year's Day, the Spring Festival (28 January to 4 February) and the
make-up working day of Sunday 26 January.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
import re
from typing import Final, Generic, TypeVar
from zoneinfo import ZoneInfo

import attrs

from servicekit._vocabulary import Channel, Tier
from servicekit.cli._i18n import _
from servicekit.cli._inputs import CliError
from servicekit.routing import Agent
from servicekit.scoring import TieringPolicy
from servicekit.scoring._tiering import tier_of
from servicekit.sla.presets import CHINA_BUSINESS_CALENDAR

_T = TypeVar("_T")

ZONE_NAME: Final = "Asia/Shanghai"
ZONE: Final = ZoneInfo(ZONE_NAME)
REQUESTS_PER_DAY: Final = 1200
NIGHT_DESK: Final = "National night desk"
"""Serves, from 22:00 to 08:00, the cities that have no night shift of their own."""
_NIGHT_CITY_WEIGHT: Final = 6.0  # cities this large keep their own night shift
_SHORT: Final = 0.7  # a staffing level below this: the city is short of staff

# name, share of national volume (relative), languages other than Mandarin with the
# share of that city's customers who write in them.
_CITIES: Final[tuple[tuple[str, float, dict[str, float]], ...]] = (
    ("Beijing", 9.0, {"en": 0.04}),
    ("Shanghai", 9.0, {"en": 0.05}),
    ("Shenzhen", 7.0, {"en": 0.03}),
    ("Guangzhou", 6.5, {"en": 0.02}),
    ("Hangzhou", 5.5, {}),
    ("Chengdu", 5.5, {}),
    ("Chongqing", 5.0, {}),
    ("Wuhan", 4.5, {}),
    ("Nanjing", 4.5, {}),
    ("Xi'an", 4.0, {}),
    ("Tianjin", 4.0, {}),
    ("Suzhou", 4.0, {}),
    ("Changsha", 3.5, {}),
    ("Zhengzhou", 3.5, {}),
    ("Qingdao", 3.0, {}),
    ("Shenyang", 3.0, {}),
    ("Dalian", 2.5, {}),
    ("Xiamen", 2.5, {}),
    ("Jinan", 2.5, {}),
    ("Harbin", 2.5, {}),
    ("Fuzhou", 2.5, {}),
    ("Kunming", 2.5, {}),
    ("Hefei", 2.5, {}),
    ("Nanning", 2.0, {}),
    ("Shijiazhuang", 2.0, {}),
    ("Taiyuan", 2.0, {}),
    ("Guiyang", 2.0, {}),
    ("Urumqi", 2.0, {"ug": 0.25}),
    ("Hohhot", 2.0, {"mn": 0.15}),
    ("Lanzhou", 1.5, {}),
    ("Xining", 0.5, {}),
    ("Lhasa", 0.4, {"bo": 0.2}),
)

CHANNEL_MIX: Final = (
    (Channel.PHONE, 25),
    (Channel.CHAT, 30),
    (Channel.EMAIL, 12),
    (Channel.WEB, 12),
    (Channel.SOCIAL, 8),
    (Channel.BOT, 13),
)
# Minutes of an agent's time per request, by channel (mean of a log-normal).
HANDLING_MINUTES: Final = {
    Channel.PHONE: 6.0,
    Channel.CHAT: 9.0,
    Channel.EMAIL: 12.0,
    Channel.WEB: 10.0,
    Channel.SOCIAL: 8.0,
    Channel.BOT: 8.0,
}
# Tickets an agent holds at once, by channel: every agent is blended (one call at a
# time, a couple of chats, written work in between), as omnichannel desks run today.
CAPACITY: Final = {
    Channel.PHONE: 1,
    Channel.CHAT: 2,
    Channel.BOT: 2,
    Channel.EMAIL: 3,
    Channel.WEB: 3,
    Channel.SOCIAL: 2,
}
# category, share, the skill it needs
CATEGORIES: Final = (
    ("product_question", 30, "product"),
    ("billing", 20, "billing"),
    ("logistics_complaint", 13, "logistics"),
    ("account", 14, "product"),
    ("complaint", 9, "service_recovery"),
    ("requirement", 2, "solutions"),
    ("outage", 1, "technical"),
    ("other", 11, None),
)
SKILLS: Final = (
    "billing",
    "logistics",
    "product",
    "service_recovery",
    "solutions",
    "technical",
)

# Arrivals per hour of the day, relative (local time).
_HOURLY: Final = (
    0.25, 0.15, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.6, 4.2, 5.2, 5.0,
    3.9, 4.3, 4.8, 4.7, 4.4, 3.8, 3.0, 3.1, 3.6, 3.2, 1.8, 0.8,
)  # fmt: skip
SHIFTS: Final = {
    "early": (8 * 60, 16 * 60 + 30),
    "late": (13 * 60 + 30, 22 * 60),
    "night": (22 * 60, 32 * 60),
    "midday": (10 * 60, 14 * 60),
    "evening": (18 * 60, 22 * 60),
}


@attrs.frozen
class City:
    """One city's desk: its share of the volume, its languages, its hidden quality."""

    name: str
    weight: float
    languages: tuple[tuple[str, float], ...]
    quality: float
    staffing: float


@attrs.frozen
class Request:
    """One customer request as it arrives, before triage and routing."""

    id: str
    city: str
    created: int  # Unix seconds
    channel: Channel
    category: str
    skill: str | None
    language: str
    customer: str
    tier: Tier
    handling: int  # seconds of an agent's time
    exchanges: int  # further customer messages after the first reply
    pending: bool  # the agent waits for the customer at some point
    reopens: bool
    answers_survey: bool
    noise: float  # this customer's mood, for the survey
    seed: int  # for the details of the conversation and the survey answers
    desk: str = ""  # who serves it: the city's own desk or the national night desk
    stays_open: bool = False  # handed to the second line, still open at month end


@attrs.frozen
class Staff:
    """An agent with the facts the simulation needs besides the routing ``Agent``."""

    agent: Agent
    city: str
    shift: str
    days_off: tuple[int, ...]  # weekdays off, Monday = 0


@attrs.frozen
class RequirementPlan:
    """A customer requirement and how its confirmation/acceptance will go."""

    id: str
    city: str
    customer: str
    received: int
    sheet_after_hours: float
    confirms: bool
    delivery_days: int
    delay_notice_days: float | None
    failures: int
    accepts_late: bool
    follow_up_after_hours: float


@attrs.frozen
class World:
    """Everything the demo simulates, drawn from one seed."""

    seed: int
    month: str
    start: int  # Unix seconds of the month's first midnight, Beijing time
    end: int  # ... of the next month's first midnight
    cities: tuple[City, ...]
    requests: tuple[Request, ...]  # in arrival order
    staff: tuple[Staff, ...]
    tiers: dict[str, Tier]
    managers: dict[str, str]  # customer → dedicated manager
    requirements: tuple[RequirementPlan, ...]


def parse_month(text: str) -> tuple[int, int]:
    """``"2025-01"`` → ``(2025, 1)``; years the calendar covers (2000-2099) only.

    Examples:
        >>> parse_month("2025-10")
        (2025, 10)
    """
    match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if match is None:
        raise CliError(
            _("--month: expected YYYY-MM such as 2025-01, got {value}").format(
                value=f"{text!r}"
            )
        )
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise CliError(
            _("--month: {value} is not a month (months run 01 to 12)").format(
                value=f"{text!r}"
            )
        )
    if not 2000 <= year <= 2099:
        raise CliError(
            _(
                "--month: {value} is outside 2000-01 … 2099-12 (China's public holidays are computed for these years; its make-up working days are known only for the years the holidays package has published)"
            ).format(value=f"{text!r}")
        )
    return year, month


def _midnight(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=ZONE).timestamp())


def _day_factor(day: dt.date) -> float:
    """Relative volume of a day: quieter at weekends, quietest on public holidays."""
    business = CHINA_BUSINESS_CALENDAR.is_business_day(day)
    if business:
        return 1.0
    if day.weekday() < 5:  # a weekday that is not a business day: a public holiday
        return 0.4
    return 0.7


def _poisson(rng: random.Random, mean: float) -> int:
    if mean > 30:  # normal approximation, rounded, never negative
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


class _Table(Generic[_T]):
    """A table of values and whole weights, summed once for :func:`_pick`."""

    __slots__ = ("bounds", "total", "values")

    def __init__(self, table: tuple[tuple[_T, int], ...]) -> None:
        self.values = tuple(value for value, _ in table)
        self.bounds = tuple(itertools.accumulate(weight for _, weight in table))
        self.total = self.bounds[-1]


def _pick(rng: random.Random, table: _Table[_T]) -> _T:
    """A value of ``table`` drawn by weight: the first whose running sum exceeds the draw.

    Subtracting the weights one by one from the draw until it went below zero picked
    the same value (each difference that stays >= 0 is exact, the weights being whole
    numbers); a binary search on the running sums costs less.
    tests/cli/test_demo_model.py compares the two.
    """
    i = bisect.bisect_right(table.bounds, rng.random() * table.total)
    values = table.values
    return values[i] if i < len(values) else values[-1]


def generate(seed: int, month: str, volume: int = REQUESTS_PER_DAY) -> World:
    """Draw the month's world from ``seed``: ``volume`` requests on a working day.

    Examples:
        >>> world = generate(7, "2025-01", volume=100)
        >>> len(world.cities), 80 < len(world.requests) / 31 < 120
        (32, True)
    """
    year, mon = parse_month(month)
    if not 50 <= volume <= 20_000:
        raise CliError(
            _("--volume: expected 50 to 20000 requests a day, got {volume}").format(
                volume=volume
            )
        )
    rng = random.Random(f"servicekit-demo/{seed}/{month}/{volume}")
    first = dt.date(year, mon, 1)
    after = dt.date(year + (mon == 12), mon % 12 + 1, 1)
    days = [first + dt.timedelta(days=i) for i in range((after - first).days)]
    total_weight = sum(w for _, w, _ in _CITIES)

    short = set(rng.sample(range(8, 28), 2))  # two mid-sized cities short of staff
    cities = tuple(
        City(
            name=name,
            weight=weight,
            languages=tuple(sorted(langs.items())),
            quality=rng.gauss(0.0, 0.35),
            staffing=rng.uniform(0.55, 0.65) if i in short else rng.uniform(0.9, 1.3),
        )
        for i, (name, weight, langs) in enumerate(_CITIES)
    )

    tiers: dict[str, Tier] = {}
    managers: dict[str, str] = {}
    staff: list[Staff] = []
    requests: list[Request] = []
    skill_of = {c: s for c, _, s in CATEGORIES}
    for index, city in enumerate(cities):
        daily = volume * city.weight / total_weight
        base = max(20, round(daily * len(days) * 0.5))  # the city's customers
        code = f"{index + 1:02d}"
        customers = [f"C{code}-{i:05d}" for i in range(base)]
        # The tier tier_customers would assign (customers are numbered in order).
        for i, c in enumerate(customers):
            purchases, spend, last = _activity(rng, i / base, first)
            tiers[c] = tier_of(purchases, spend, (first - last).days, _TIERING)
        staff.extend(
            _city_staff(rng, city, code, (daily, volume), customers, tiers, managers)
        )
        for day in days:
            midnight = _midnight(day)
            count = _poisson(rng, daily * _day_factor(day))
            for _request in range(count):
                hour = _pick(rng, _HOURS)
                created = midnight + hour * 3600 + rng.randrange(3600)
                channel = _pick(rng, _CHANNELS)
                category = _pick(rng, _CATEGORIES)
                language = "zh"
                x = rng.random()
                for lang, share in city.languages:
                    if x < share:
                        language = lang
                        break
                    x -= share
                # Low customer numbers come back often: repeat contacts and owners.
                customer = customers[int(base * rng.random() ** 1.8)]
                handling = round(
                    60 * HANDLING_MINUTES[channel] * rng.lognormvariate(-0.18, 0.6)
                )
                if channel is Channel.BOT:
                    # Once whether the bot kept it; the simulation's bot draws that
                    # now, and this draw stays so the rest of the world does too.
                    rng.random()
                requests.append(
                    Request(
                        id="",
                        city=city.name,
                        created=created,
                        channel=channel,
                        category=category,
                        skill=skill_of[category],
                        language=language,
                        customer=customer,
                        tier=tiers[customer],
                        handling=max(45, handling),
                        exchanges=_pick(rng, _EXCHANGES),
                        pending=rng.random() < 0.12,
                        reopens=rng.random() < 0.05,
                        answers_survey=rng.random() < 0.25,
                        noise=rng.gauss(0.0, 1.0),
                        seed=rng.getrandbits(32),
                        desk=NIGHT_DESK
                        if (hour >= 22 or hour < 8) and city.weight < _NIGHT_CITY_WEIGHT
                        else city.name,
                    )
                )
    staff.extend(_night_desk(rng, volume))
    requests.extend(_repeat_complaints(rng, requests, days))
    requests.sort(key=lambda r: (r.created, r.city, r.customer))
    prefix = f"T{month.replace('-', '')}-"
    for i, r in enumerate(requests):
        # Each request was built above for this list alone and nothing else has seen
        # it yet, so numbering it in place is building it with its id: 30,000 calls
        # of attrs.evolve cost a seventh of the generator's time.
        object.__setattr__(r, "id", f"{prefix}{i + 1:05d}")
    numbered = tuple(requests)
    return World(
        seed=seed,
        month=month,
        start=_midnight(first),
        end=_midnight(after),
        cities=cities,
        requests=numbered,
        staff=tuple(staff),
        tiers=tiers,
        managers=managers,
        requirements=_requirements(rng, numbered, _midnight(after)),
    )


_HOURS: Final = _Table(tuple((h, round(w * 100)) for h, w in enumerate(_HOURLY)))
_CHANNELS: Final = _Table(CHANNEL_MIX)
_CATEGORIES: Final = _Table(tuple((c, w) for c, w, _ in CATEGORIES))
# Further customer messages after the first reply: none, one or two, by weight.
_EXCHANGES: Final = _Table(((0, 75), (1, 18), (2, 7)))
_TIERING: Final = TieringPolicy()


def _days_off(k: int) -> tuple[int, int]:
    """The k-th agent of a shift rests two days in a row; colleagues rest on others."""
    first = (2 * k) % 7
    return first, (first + 1) % 7


def _activity(
    rng: random.Random, rank: float, as_of: dt.date
) -> tuple[int, float, dt.date]:
    """Purchase history: the most frequent contacters (low rank) buy the most.

    (purchases, spend, last purchase): a ``CustomerActivity``'s values, valid by
    construction.
    """
    if rank < 0.04:  # key accounts
        purchases, spend, days = rng.randint(10, 40), rng.uniform(8_000, 80_000), 75
    elif rank < 0.3:
        purchases, spend, days = rng.randint(1, 9), rng.lognormvariate(7.3, 0.8), 200
    else:
        purchases, spend, days = rng.randint(0, 3), rng.lognormvariate(6.0, 0.9), 365
    return (
        purchases,
        round(spend, 2),
        as_of - dt.timedelta(days=rng.randrange(0, days)),
    )


def _city_staff(  # noqa: PLR0917 -- one private call site, all arguments distinct
    rng: random.Random,
    city: City,
    code: str,
    volume: tuple[float, int],
    customers: list[str],
    tiers: dict[str, Tier],
    managers: dict[str, str],
) -> list[Staff]:
    """The city's agents: full-timers on early/late (and night) shifts, part-timers.

    ``volume`` is (the city's requests on a working day, the national ``--volume``).
    """
    daily, national = volume
    workload_hours = daily * 9.0 / 60  # agent-hours of work a day, roughly
    # At the default volume, normally at least two agents per full-time shift, so
    # that days off never empty a shift; a city short of staff has one per shift, and
    # days with nobody at all. The floor scales with the national volume (a tenth of
    # the requests needs fewer people), down to half of it.
    floor = 2 if city.staffing < _SHORT else 4
    floor = max(floor // 2, min(floor, round(floor * national / REQUESTS_PER_DAY)))
    full = max(floor, round(workload_hours / 2.5 * city.staffing))
    part = max(1, round(full * 0.3))
    languages = tuple(lang for lang, _ in city.languages)
    staff: list[Staff] = []
    night = city.weight >= _NIGHT_CITY_WEIGHT
    for i in range(full + part + night):
        part_time = i >= full + night
        shift = (
            "night"
            if night and i == full
            else (
                ("midday", "evening")[i % 2] if part_time else ("early", "late")[i % 2]
            )
        )
        speaks = {"zh"}
        for lang in languages:
            # Speakers of the local language are scarce: about one agent in three.
            if rng.random() < 0.35 or (lang != "en" and i == 0):
                speaks.add(lang)
        skills = {s: rng.randint(3, 9) for s in SKILLS if rng.random() < 0.75}
        skills.setdefault("product", rng.randint(4, 8))
        staff.append(
            Staff(
                agent=Agent(
                    id=f"A{code}-{i + 1:02d}",
                    skills=skills,
                    languages=speaks,
                    capacity=CAPACITY,
                    part_time=part_time,
                    senior=i < 2 or (not part_time and rng.random() < 0.3),
                    attributes={"city": city.name, "shift": shift},
                ),
                city=city.name,
                shift=shift,
                days_off=() if part_time else _days_off(i // 2),
            )
        )
    # Dedicated managers: the senior full-timers (or the first agent) look after the
    # city's high-value customers, up to 40 each.
    seniors = [s for s in staff if s.agent.senior] or staff[:1]
    valued = [c for c in customers if tiers[c] is Tier.HIGH_VALUE]
    for k, customer in enumerate(valued):
        managers[customer] = seniors[(k // 40) % len(seniors)].agent.id
    out = []
    for s in staff:
        mine = {c for c, m in managers.items() if m == s.agent.id}
        out.append(
            attrs.evolve(s, agent=attrs.evolve(s.agent, dedicated_customers=mine))
            if mine
            else s
        )
    return out


def _night_desk(rng: random.Random, volume: int) -> list[Staff]:
    """Seven night agents (five a night) who speak the regional languages between them.

    Fewer at a smaller ``volume`` (at least two), more at a larger one.
    """
    staff = []
    for i in range(max(2, round(7 * volume / REQUESTS_PER_DAY))):
        languages = {"zh", ("mn", "ug", "en", "bo", "mn", "ug", "en")[i]}
        staff.append(
            Staff(
                agent=Agent(
                    id=f"N00-{i + 1:02d}",
                    skills={s: rng.randint(5, 9) for s in SKILLS},
                    languages=languages,
                    capacity=CAPACITY,
                    senior=i < 3,
                    attributes={"city": NIGHT_DESK, "shift": "night"},
                ),
                city=NIGHT_DESK,
                shift="night",
                days_off=(i % 7, (i + 3) % 7),
            )
        )
    return staff


def _repeat_complaints(
    rng: random.Random, requests: list[Request], days: list[dt.date]
) -> list[Request]:
    """Six customers who complain again and again late in the month, left unresolved."""
    since = _midnight(days[-1]) - 12 * 86400
    late = [r for r in requests if r.created >= since]
    angry = rng.sample(
        sorted({r.customer for r in late if r.tier is not Tier.ORDINARY}), 6
    )
    last = {r.customer: r for r in late}
    extra = []
    for customer in angry:
        base = last[customer]
        for k in range(rng.randint(3, 4)):
            day = days[-1 - rng.randrange(min(10, len(days)))]
            created = _midnight(day) + rng.randrange(9 * 3600, 17 * 3600)
            extra.append(
                attrs.evolve(
                    base,
                    created=created,
                    channel=Channel.PHONE,
                    category="complaint",
                    skill="service_recovery",
                    handling=rng.randrange(300, 900),
                    exchanges=1,
                    stays_open=k > 0,
                    answers_survey=False,
                    seed=rng.getrandbits(32),
                    desk=base.city,
                )
            )
    return extra


def _requirements(
    rng: random.Random, requests: tuple[Request, ...], end: int
) -> tuple[RequirementPlan, ...]:
    """A dozen requirements from the month's first three weeks, with varied fates."""
    candidates = [
        r
        for r in requests
        if r.category == "requirement" and r.created < end - 10 * 86400
    ]
    chosen = sorted(
        rng.sample(candidates, min(12, len(candidates))), key=lambda r: r.created
    )
    return tuple(
        RequirementPlan(
            id=f"REQ-{r.id[1:]}",
            city=r.city,
            customer=r.customer,
            received=r.created,
            sheet_after_hours=rng.choice((3.0, 8.0, 12.0, 20.0)),
            confirms=rng.random() < 0.8,
            delivery_days=rng.randint(3, 9),
            delay_notice_days=rng.choice((None, None, None, 2.0, 0.5)),
            failures=rng.choice((0, 0, 1, 2)),
            accepts_late=rng.random() < 0.2,
            follow_up_after_hours=rng.choice((6.0, 16.0, 30.0)),
        )
        for r in chosen
    )

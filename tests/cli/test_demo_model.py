"""The demo's model in-process: the generated world, the simulation, the summaries.

Small worlds (``volume`` 50-120 requests a working day) and one job, so that these
tests are quick and coverage sees the code; the full month runs in test_demo.py.
"""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import io
import itertools
import json
import math
import random
import re
import warnings
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.demo_report_sample import sample
from servicekit.cli import _demo, main
from servicekit.cli import _demo_data as data
from servicekit.cli import _demo_report as rep
from servicekit.cli import _report_text as rt
from servicekit.cli._demo import make_report, summaries
from servicekit.cli._demo_data import (
    CAPACITY,
    NIGHT_DESK,
    ZONE,
    generate,
    parse_month,
)
from servicekit.cli._demo_report import build_report, run_requirements
from servicekit.cli._demo_sections import DemoReport
from servicekit.cli._demo_sim import (
    ESCALATIONS,
    desks,
    shifts_worked,
    simulate,
    simulate_desk,
)
from servicekit.cli._demo_tickets import DIMENSIONS, summarise
from servicekit.cli._inputs import CliError
from servicekit.cli._report_text import SECTIONS, render_text, wait
from servicekit.errors import HolidayDataWarning
from servicekit.scoring import Estimate, SegmentRow
from servicekit.sla.presets import SERVICE_STANDARD

if TYPE_CHECKING:
    from servicekit._vocabulary import Channel

SEED, MONTH, VOLUME = 7, "2025-01", 120


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(scope="module")
def world() -> data.World:
    return generate(SEED, MONTH, VOLUME)


@pytest.fixture(scope="module")
def outcomes(world):
    return simulate(world)


@pytest.fixture(scope="module")
def summary_list(world, outcomes):
    return summarise(world, outcomes)


@pytest.fixture(scope="module")
def report() -> DemoReport:
    return make_report(SEED, MONTH, volume=VOLUME, jobs=1)


def local(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, ZONE)


# -- parse_month and generate -------------------------------------------------------


@given(st.integers(2000, 2099), st.integers(1, 12))
def test_parse_month_accepts_the_calendar_years(year, month):
    assert parse_month(f"{year}-{month:02d}") == (year, month)


@given(
    st.one_of(
        st.text(max_size=12).filter(lambda t: not re.fullmatch(r"\d+-\d+", t.strip())),
        st.tuples(st.integers(0, 9999), st.integers(-5, 40))
        .filter(lambda ym: not (2000 <= ym[0] <= 2099 and 1 <= ym[1] <= 12))
        .map(lambda ym: f"{ym[0]}-{ym[1]}"),
    )
)
def test_parse_month_rejects_everything_else(text):
    with pytest.raises(CliError, match="--month"):
        parse_month(text)


@pytest.mark.parametrize("volume", [49, 0, -5, 20_001])
def test_generate_refuses_a_volume_out_of_range(volume):
    with pytest.raises(CliError, match="--volume"):
        generate(1, MONTH, volume)


def check_world(w: data.World) -> None:
    year, month = parse_month(w.month)
    assert len(w.cities) == 32
    created = [r.created for r in w.requests]
    assert created == sorted(created)
    assert all(w.start <= t < w.end for t in created)
    assert local(w.start) == dt.datetime(year, month, 1, tzinfo=ZONE)
    ids = [r.id for r in w.requests]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith(f"T{w.month.replace('-', '')}-") for i in ids)
    names = set(desks(w))
    staffed = Counter(s.city for s in w.staff)
    assert names == set(staffed)  # every desk has staff, and no one else does
    # At least one agent per full-time shift (two at the default volume), one in a
    # city short of staff, and a part-timer.
    assert all(staffed[c.name] >= (3 if c.staffing >= 0.7 else 2) for c in w.cities)
    own_night = {s.city for s in w.staff if s.shift == "night"} - {NIGHT_DESK}
    for r in w.requests:
        assert r.desk in names
        assert r.desk in {r.city, NIGHT_DESK}
        assert r.tier is w.tiers[r.customer]
        assert r.handling >= 45
        if r.desk == NIGHT_DESK:
            assert r.city not in own_night
            hour = local(r.created).hour
            assert hour >= 22 or hour < 8, r
        elif r.city not in own_night:
            assert 8 <= local(r.created).hour < 22, r
    agents = [s.agent.id for s in w.staff]
    assert len(set(agents)) == len(agents)
    for customer, manager in w.managers.items():
        assert manager in agents
        assert w.tiers[customer].value == "high_value"
    assert len(w.requirements) <= 12
    for plan in w.requirements:
        assert w.start <= plan.received < w.end - 10 * 86400


@settings(max_examples=15)
@given(
    seed=st.integers(0, 2**32),
    month=st.tuples(st.integers(2000, 2099), st.integers(1, 12)),
    volume=st.integers(50, 80),
)
def test_generated_worlds_keep_their_invariants(seed, month, volume):
    # Months after the China calendar's known_until (the last announced year) are
    # generated on the holidays package's estimates on purpose: the invariants hold
    # either way. The HolidayDataWarning itself is pinned by test_holiday_horizon.py.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HolidayDataWarning)
        world = generate(seed, f"{month[0]}-{month[1]:02d}", volume)
    check_world(world)


def test_the_module_world(world):
    check_world(world)
    assert {"Urumqi", "Lanzhou", "Hohhot"} <= {c.name for c in world.cities}
    languages = Counter(r.language for r in world.requests)
    assert {"zh", "ug", "mn", "bo", "en"} <= set(languages)
    assert len(world.requirements) == 12
    short = [c for c in world.cities if c.staffing < 0.7]
    assert len(short) == 2  # two cities short of staff


def test_generate_is_deterministic():
    assert generate(3, "2025-02", 60) == generate(3, "2025-02", 60)
    assert generate(3, "2025-02", 60) != generate(4, "2025-02", 60)


def test_national_day_and_make_up_days():
    w = generate(1, "2025-10", 200)
    per_day = Counter(local(r.created).date() for r in w.requests)

    def mean(days: range) -> float:
        return sum(per_day[dt.date(2025, 10, d)] for d in days) / len(days)

    holidays = mean(range(1, 4)) + mean(range(6, 9))  # the week's weekdays, off
    weekends = mean(range(18, 20)) + mean(range(25, 27))
    working = mean(range(20, 25)) + mean(range(27, 32))
    assert holidays < weekends < working
    assert per_day[dt.date(2025, 10, 11)] > weekends / 2  # a make-up Saturday
    # 28 September is a make-up day too, but in the month before: no request then.
    assert min(per_day) == dt.date(2025, 10, 1)
    # The make-up Saturday is worked like a Monday: the early shift is on.
    worked = {local(on).date() for on, _, _ in shifts_worked(w, w.staff)}
    assert dt.date(2025, 10, 11) in worked


@given(st.floats(0, 500), st.randoms(use_true_random=False))
def test_poisson_is_a_count(mean, rng):
    k = data._poisson(rng, mean)
    assert isinstance(k, int)
    assert k >= 0


def test_poisson_means():
    rng = random.Random(5)  # noqa: S311 -- a seeded draw, not cryptography
    for mean in (2.0, 80.0):
        draws = [data._poisson(rng, mean) for _ in range(2000)]
        assert sum(draws) / len(draws) == pytest.approx(mean, rel=0.08)


# -- the simulation -----------------------------------------------------------------


def test_every_request_has_exactly_one_outcome(world, outcomes):
    assert [o.request.id for o in outcomes] == [r.id for r in world.requests]
    for desk in (world.cities[-1].name, NIGHT_DESK):
        mine = [r.id for r in world.requests if r.desk == desk]
        assert sorted(o.request.id for o in simulate_desk(world, desk)) == sorted(mine)


def test_outcomes_are_plausible(world, outcomes):
    desk_of = {s.agent.id: s.city for s in world.staff}
    names = {s.name for s in ESCALATIONS}
    after = {s.name: int(s.after.total_seconds()) for s in ESCALATIONS}
    for o in outcomes:
        r = o.request
        if o.assigned is None:
            assert o.agent is None
            assert o.wait is None
            assert o.step == "standard"
            continue
        assert o.agent is not None
        assert desk_of[o.agent] == r.desk
        assert o.wait is not None
        assert o.wait >= 0
        assert r.created <= o.assigned < world.end
        assert not o.bot_solved
        assert o.step == "standard" or o.step in names
        if o.step in after:  # an escalation step applies only after its wait
            assert o.wait >= after[o.step]
    bot = [o for o in outcomes if o.bot_solved]
    assert bot
    assert all(o.bot and o.agent is None for o in bot)


def test_agents_work_on_shift_within_their_capacity(world, outcomes):
    shifts: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for desk in desks(world):
        # Per desk, as the simulation asks: who has a public holiday off depends on
        # the agent's place in the desk's team.
        team = tuple(s for s in world.staff if s.city == desk)
        for on, off, agent in shifts_worked(world, team):
            shifts[agent].append((on, off))
    work: dict[tuple[str, Channel], list[tuple[int, int]]] = defaultdict(list)
    for o in outcomes:
        if o.agent is None or o.assigned is None:
            continue
        # Chosen while on shift; busy from the choice until the work is done.
        assert o.decided is not None
        assert o.decided < o.assigned
        assert any(on <= o.decided < off for on, off in shifts[o.agent]), o
        work[o.agent, o.request.channel].append(
            (o.decided, o.assigned + o.request.handling)
        )
    assert work
    for (_, channel), spans in work.items():
        spans.sort()
        starts = [s for s, _ in spans]
        for start, _ in spans:
            # Tickets on this channel held at the moment of this assignment.
            held = sum(
                1
                for s, e in spans[: bisect.bisect_right(starts, start)]
                if s <= start < e
            )
            assert held <= CAPACITY[channel]


def test_shifts_cover_the_month(world):
    worked = shifts_worked(world, world.staff)
    assert all(on < off for on, off, _ in worked)
    assert all(off > world.start and on < world.end for on, off, _ in worked)
    # The night before the 1st reaches into the month.
    assert min(on for on, _, _ in worked) < world.start


def test_summaries(world, summary_list):
    policies = {p.name for p in SERVICE_STANDARD.policies}
    assert [s.id for s in summary_list] == [r.id for r in world.requests]
    for s in summary_list:
        assert s.policy in policies
        assert not s.to_owner or s.had_owner
        assert not s.to_manager or s.had_manager
        assert (s.wait is None) == (not s.assigned)
        assert (s.language_matched is None) == (s.language == "zh" or not s.assigned)
        assert (s.first_contact is None) == (not s.solved)
        if s.bot_only:
            assert s.channel == "bot"
            assert s.solved
        for m in s.metrics:
            assert 0 <= m.breached_cycles <= m.cycles
            assert (m.late_by is not None) == (m.state == "breached" and bool(m.due_at))
        if s.survey is None:
            continue
        assert s.solved
        for d in DIMENSIONS:
            value = s.survey[d]
            assert (
                value is None if d == "follow_up" and value is None else 1 <= value <= 5
            )  # type: ignore[operator]
        assert 0 <= s.survey["nps"] <= 10  # type: ignore[operator]
        assert 1 <= s.survey["csat"] <= 5  # type: ignore[operator]
    assert any(s.survey and s.survey["follow_up"] is None for s in summary_list)
    assert any(not s.solved and s.assigned for s in summary_list)  # stays open


def test_simulate_reports_progress():
    w = generate(4, "2025-03", 50)
    done: list[int] = []
    outcomes = simulate(w, done.append)
    assert done == list(range(1, len(desks(w)) + 1))
    assert len(outcomes) == len(w.requests)


def test_summaries_in_parallel_match():
    w = generate(2, "2025-02", 50)
    assert summaries(w, 2) == summaries(w, 1)


# -- the report ---------------------------------------------------------------------


def test_make_report_is_the_pieces(world, summary_list, report):
    assert report == build_report(world, summary_list, run_requirements(world))


def test_report_round_trips_through_its_json(report):
    data = json.loads(json.dumps(report.to_dict()))
    assert data == report.to_dict()  # JSON-native
    assert DemoReport.from_dict(data) == report


def test_report_sections(report):
    meta = report.meta
    assert meta.requests == sum(r.tickets for r in report.sla.by_priority)
    assert sum(r.n for r in report.cities.rows) == meta.survey_answers
    assert meta.routed == report.routing.routed
    assert {r.state for r in report.requirements} <= {
        "awaiting_sheet",
        "awaiting_confirmation",
        "in_delivery",
        "awaiting_acceptance",
        "awaiting_follow_up",
        "closed",
        "rework",
    } | {r.state for r in report.requirements}
    text = render_text(report)
    assert [line for line in text.splitlines() if line.startswith("== ")] == [
        f"== {s} ==" for s in SECTIONS
    ]


@pytest.fixture(scope="module")
def tiny_report() -> DemoReport:
    """60 requests a working day: only Shanghai has 30 answers and can be ranked."""
    return make_report(SEED, MONTH, volume=60, jobs=1)


def test_top_and_bottom_are_disjoint_in_a_small_world(tiny_report):
    top, bottom = tiny_report.cities.top, tiny_report.cities.bottom
    assert not set(top) & set(bottom), (top, bottom)


def test_notes_never_say_1_cities(tiny_report):
    text = " ".join(render_text(tiny_report).split())
    assert "1 cities" not in text


def test_tiny_report_is_still_complete(tiny_report):
    text = render_text(tiny_report)
    assert all(f"== {s} ==" in text for s in SECTIONS)
    assert len(tiny_report.cities.unranked) >= 25


def test_report_helpers():
    assert rep._percentile([], 0.9) == 0.0
    assert rep._percentile([5, 1, 3], 0.5) == 3.0


def test_requirements_run_through_the_workflow():
    rows = run_requirements(generate(7, "2025-01", 250))
    assert len(rows) == 12
    assert all(r.id.startswith("REQ-202501-") for r in rows)
    assert any(r.breaches for r in rows)
    assert any(r.rediscussion_count for r in rows)
    assert any(r.rework_count for r in rows)


def test_staffing_skips_a_city_without_phone_calls(world, summary_list):
    routed = [s for s in summary_list if not s.bot_only and s.channel != "phone"]
    assert rep._staffing(world, routed) == ()


# -- the text report ----------------------------------------------------------------


_WAIT = re.compile(
    r"(?P<s>\d+) s|(?P<m>\d+) min(?: (?P<ms>[0-5]\d) s)?"
    r"|(?P<h>\d+) h(?: (?P<hm>[0-5]\d) min)?|(?P<d>\d+) d(?: (?P<dh>[01]\d|2[0-3]) h)?"
)


def read_wait(text: str) -> int:
    """The reference: read a wait back into seconds, by brute force over its parts."""
    found = _WAIT.fullmatch(text)
    assert found, text
    parts = {k: int(v) for k, v in found.groupdict().items() if v is not None}
    unit = {"s": 1, "m": 60, "ms": 1, "h": 3600, "hm": 60, "d": 86400, "dh": 3600}
    return sum(unit[k] * v for k, v in parts.items())


@given(st.one_of(st.integers(0, 90 * 86400), st.floats(0, 90 * 86400)))
def test_wait_reads_back_to_its_duration(seconds):
    """Exact below an hour, to the minute below a day, to the hour above."""
    shown = wait(seconds)
    total = round(seconds)
    back = read_wait(shown)
    if total < 3600:
        assert back == total, shown
    elif total < 86400:
        assert abs(back - total) < 60, shown
    else:
        assert abs(back - total) < 3600, shown
    # The largest unit is the one the duration reaches.
    unit = "s" if back < 60 else "min" if back < 3600 else "h" if back < 86400 else "d"
    assert shown.split()[1] == unit, shown


def test_render_text_of_the_renderer_sample():
    text = render_text(sample())
    assert all(f"== {s} ==" in text for s in SECTIONS)


def test_render_text_edge_cases(report):
    edited = report.to_dict()
    edited["routing"]["escalation_steps"] = {}
    edited["routing"]["owner_tickets"] = edited["routing"]["to_owner"] = 0
    edited["cities"]["top"] = edited["cities"]["bottom"] = []
    edited["cities"]["unranked"] = []
    row = edited["staffing"][0]
    row["required_agents"] = row["agents_on_shift"] + 2
    row["measured_service_level"] = None  # no call measured at that hour
    edited["staffing"] = [row, {**row, "required_agents": row["agents_on_shift"] + 1}]
    text = render_text(DemoReport.from_dict(edited))
    assert "customers with a case owner (n/a)" in text
    assert re.search(
        r"Assigned under an escalation step \(after waiting\): [\d,]+ \([\d.]+ %\)\.",
        text,
    )
    assert "Marked top (at most 5): no city. Marked bottom (at most 3): no city." in (
        " ".join(text.split())
    )
    assert "Not ranked" not in text
    assert re.search(rf"  {re.escape(row['city'])} .* n/a +[\d.]+ [a-z]", text)
    assert "add 2 agents on the phones" in text
    assert "add 1 agent on the phones" in text


def test_render_text_of_the_module_report(report):
    text = render_text(report)
    nps = report.nps.estimate
    assert f"NPS {nps.value:.1f} ({nps.low:.1f}-{nps.high:.1f})" in text
    if report.cities.unranked:
        assert "Not ranked (fewer than 30 answers): " in text
    assert rt._pct(1, 0) == "n/a"


# -- the command in-process: progress, jobs, output --------------------------------


def test_progress_on_a_terminal(tmp_path):
    out, err = io.StringIO(), FakeTTY()
    page = tmp_path / "p.html"
    args = ["demo", "--volume", "60", "--jobs", "1", "--html", str(page)]
    status = main(args, out=out, err=err)
    assert status == 0
    shown = err.getvalue()
    assert "servicekit demo:" in shown
    assert "generating the month" in shown
    assert f"desk {len(data._CITIES) + 1}/{len(data._CITIES) + 1}" in shown
    assert shown.endswith("\r\x1b[K")
    assert out.getvalue().startswith("servicekit demo: 2025-01, seed 7")
    assert out.getvalue().endswith(f"\nThe same report with charts: {page}\n")
    assert page.exists()


def test_no_progress_off_a_terminal(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    page = tmp_path / "p.html"
    args = ["demo", "--volume", "60", "--jobs", "1", "--json", "--html", str(page)]
    assert main(args, out=out, err=err) == 0
    assert err.getvalue() == ""
    report = json.loads(out.getvalue())
    assert report["meta"]["requests"] > 0
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_progress_is_cleared_after_an_error():
    err = FakeTTY()
    assert main(["demo", "--volume", "10"], out=io.StringIO(), err=err) == 2
    assert "--volume" in err.getvalue()
    assert "\r\x1b[K" in err.getvalue()


def test_jobs():
    assert _demo._jobs(3) == 3
    assert 1 <= _demo._jobs(0) <= 4
    with pytest.raises(CliError, match="--jobs"):
        _demo._jobs(-1)


def _row(city: str, value: float, **marks: bool) -> SegmentRow:
    est = Estimate(
        value=value, low=value - 1, high=value + 1, n=40, method="t", confidence=0.95
    )
    return SegmentRow(
        segment=city,
        period=None,
        estimate=est,
        shrunk=est,
        rankable=True,
        rank=1,
        shrunk_rank=1,
        best_rank=1,
        worst_rank=9,
        value_rank=1,
        **marks,
    )


def test_no_marked_top_is_said_in_plain_words_not_an_empty_list():
    highest = [_row(c, 90 - i) for i, c in enumerate("ABCDE")]
    notes = rep._ranking_notes(9, (5, [], highest), (3, [], highest[:3]))
    assert notes[0].startswith("No city is marked top:")
    assert "(A, B, C, D and E)" in notes[0]
    assert notes[1].startswith("No city is marked bottom:")
    cities = attrs.evolve(sample().cities, notes=tuple(notes), top=(), bottom=())
    text = "\n".join(rt._cities(cities))
    assert "Marked top (at most 5): no city." in text
    assert "Top 5: ." not in text


def test_marked_top_that_differs_from_the_highest_scores_is_said():
    highest = [_row(c, 90 - i) for i, c in enumerate("ABCDE")]
    marked = [_row("A", 90, top=True), _row("B", 89, top=True)]
    notes = rep._ranking_notes(9, (5, marked, highest), (3, [], highest[:3]))
    assert notes[0].startswith("Marked top: A and B")
    assert "would also have listed C, D and E" in notes[0]
    same = rep._ranking_notes(9, (2, marked, highest[:2]), (3, [], highest[:3]))
    assert same[0].startswith("The top 2 (A and B) are the highest raw scores")


def _pick_by_subtraction(rng, table):
    """The demo's former draw: the weights subtracted one by one from the draw."""
    x = rng.random() * sum(w for _, w in table)
    for value, weight in table:
        x -= weight
        if x < 0:
            return value
    return table[-1][0]


@given(
    st.lists(st.integers(0, 5_000), min_size=1, max_size=30).filter(any),
    st.integers(0, 2**32),
    st.lists(st.floats(0, 1, exclude_max=True), max_size=20),
)
def test_a_weighted_pick_is_the_subtracted_one(weights, seed, draws):
    """A binary search on running sums picks what subtracting each weight picked."""
    table = tuple(enumerate(weights))
    fast, slow = random.Random(seed), random.Random(seed)  # noqa: S311 -- the demo's own
    for _ in range(20):
        assert data._pick(fast, data._Table(table)) == _pick_by_subtraction(slow, table)

    class Fixed(random.Random):
        """Draws given values: the edges a seeded stream would rarely reach."""

        def __init__(self, values):
            super().__init__(0)
            self.values = list(values)

        def random(self):
            return self.values.pop()

    bounds = [float(b) for b in itertools.accumulate(weights)]
    total = bounds[-1]
    edges = [b / total for b in bounds] + [math.nextafter(b / total, 0) for b in bounds]
    chosen = [x for x in [*draws, *edges] if 0 <= x < 1]
    fast, slow = Fixed(chosen), Fixed(chosen)
    for _ in chosen:
        assert data._pick(fast, data._Table(table)) == _pick_by_subtraction(slow, table)


def test_a_weighted_pick_past_the_total_is_the_last_value():
    """A draw of the whole total (never reached by ``random()``) picks the last value."""

    class One(random.Random):
        def random(self):
            return 1.0

    assert data._pick(One(0), data._Table((("a", 1), ("b", 2)))) == "b"


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_and_left_as_it_was(enabled):
    """The demo pauses the cyclic collector and restores the caller's setting."""
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with _demo.collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()

"""The demo read as a service manager would read it (issue 12).

Each test is named after what misled a reader; all run on small worlds (``--volume``
120 or less), in-process.
"""

from __future__ import annotations

import random
import re
import statistics
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

import attrs
import pytest

from cli.demo_report_sample import sample
from servicekit.cli import _demo_data as data
from servicekit.cli._demo import make_report
from servicekit.cli._demo_sim import ESCALATIONS, simulate
from servicekit.cli._demo_tickets import _survey
from servicekit.cli._i18n import speaking
from servicekit.cli._report_html import render_html
from servicekit.cli._report_text import (
    WIDTH,
    _staffing_verdict,
    _table,
    render_text,
    wait,
)

if TYPE_CHECKING:
    from servicekit.cli._demo_sections import DemoReport

XHTML = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
SEED, MONTH, VOLUME = 7, "2025-01", 120


@pytest.fixture(scope="module")
def world() -> data.World:
    return data.generate(SEED, MONTH, VOLUME)


@pytest.fixture(scope="module")
def report() -> DemoReport:
    return make_report(SEED, MONTH, volume=VOLUME, jobs=1)


def page_root(report: DemoReport) -> ET.Element:
    page = render_html(report)
    return ET.fromstring(page.removeprefix("<!DOCTYPE html>\n"))  # noqa: S314


def reader_text(root: ET.Element) -> str:
    """What a reader sees: the body's text, without the style sheet."""
    body = root.find(f"{XHTML}body")
    assert body is not None
    return " ".join(body.itertext())


# -- the simulation -------------------------------------------------------------------


def test_waits_do_not_pile_up_on_escalation_step_boundaries(world):
    steps = {180} | {int(s.after.total_seconds()) for s in ESCALATIONS}
    waits = [o.wait for o in simulate(world) if o.wait is not None]
    on_a_step = sum(w in steps for w in waits)
    assert on_a_step <= len(waits) // 100, (on_a_step, len(waits))
    # and an assignment is never instantaneous: somebody has to pick it up
    assert min(waits) > 0


def test_long_waits_lower_the_response_speed_rating():
    def mean_rating(wait_seconds: int | None) -> float:
        rng = random.Random(1)  # noqa: S311 -- a seeded draw, not cryptography
        outcome = type("O", (), {"wait": wait_seconds})()
        return statistics.fmean(
            int(_survey(rng, outcome, 0.0)["response_speed"])  # type: ignore[arg-type]
            for _ in range(400)
        )

    ratings = [mean_rating(w) for w in (None, 60, 15 * 60, 3600, 16 * 3600)]
    assert ratings == sorted(ratings, reverse=True), ratings
    assert ratings[0] - ratings[-1] > 1.5


def test_worst_waiting_city_is_not_among_the_best_rated_for_speed(report):
    by_city = {c.city: c for c in report.routing.by_city}
    worst = max(by_city, key=lambda c: by_city[c].mean_wait_seconds)
    rows = {r.city: r for r in report.cities.rows}
    ranked = [r for r in report.cities.rows if r.rankable]
    if worst in rows and rows[worst].rankable and len(ranked) >= 6:
        assert worst not in report.cities.highest


def test_staffing_scales_with_volume():
    staff = [len(data.generate(SEED, MONTH, v).staff) for v in (50, 300, 600, 1200)]
    assert staff == sorted(staff), staff
    assert staff[0] < 0.65 * staff[-1], staff


# -- what the report says ----------------------------------------------------------------


def test_staffing_model_is_labelled_and_the_measured_figure_shown(report):
    for row in report.staffing:
        assert row.measured_service_level is not None
        assert 0 <= row.measured_service_level <= 1
        assert row.measured_calls >= 1
    text = render_text(report)
    section = text.split("== Staffing advice ==")[1]
    assert "model" in section
    assert "measured" in section
    assert "p90 wait" in section
    assert "SL now" not in section
    html = reader_text(page_root(report))
    assert "model of a typical day" in html
    assert "measured this month" in html


def test_city_chart_follows_the_table_order():
    report = sample()
    chart = next(
        s
        for s in page_root(report).iter(f"{SVG}svg")
        if s.get("id") == "chart-city-index"
    )
    order = [
        g.get("data-city")
        for g in chart.iter(f"{SVG}g")
        if "city-row" in (g.get("class") or "").split()
    ]
    assert order == [r.city for r in report.cities.rows]


def test_city_chart_title_fits_the_chart():
    chart = next(
        s
        for s in page_root(sample()).iter(f"{SVG}svg")
        if s.get("id") == "chart-city-index"
    )
    title = next(t for t in chart.iter(f"{SVG}text") if t.get("font-size") == "13")
    # about 7.5 px a bold character at 13 px: the title ends well inside 760 px
    assert 10 + 7.5 * len(title.text or "") < float(chart.get("width") or 0)


def test_no_snake_case_identifier_reaches_the_reader(report):
    text = render_text(report)
    assert SNAKE.findall(text) == []
    assert SNAKE.findall(reader_text(page_root(report))) == []
    assert SNAKE.findall(reader_text(page_root(sample()))) == []


def test_sla_chart_caption_describes_the_priority_bars():
    root = page_root(sample())
    captions = [" ".join(c.itertext()) for c in root.iter(f"{XHTML}figcaption")]
    sla = next(c for c in captions if "clocks met" in c)
    assert "by priority" in sla
    assert "no breached clock" in sla


def test_html_counts_have_thousands_separators_like_the_text():
    report = sample()
    html = reader_text(page_root(report))
    routed = report.routing.routed
    assert routed >= 1000
    assert f"{routed:,}" in html
    assert f" {routed} " not in f" {html} "


def test_every_text_line_fits_in_100_columns(report):
    for r in (report, sample()):
        too_wide = [line for line in render_text(r).splitlines() if len(line) > WIDTH]
        assert too_wide == []


def test_text_columns_left_and_numbers_right():
    lines = _table(
        ("city", "state", "n", "wait"),
        [
            ("Lhasa", "in delivery", "7", "16 h 00 min"),
            ("Xi'an", "closed", "1,204", "45 s"),
        ],
    )
    assert lines[1] == "  Lhasa  in delivery      7  16 h 00 min"
    assert lines[2] == "  Xi'an  closed       1,204         45 s"


def test_one_duration_style_everywhere():
    assert wait(16 * 3600) == "16 h 00 min"
    assert wait(16 * 3600 + 60) == "16 h 01 min"
    assert wait(180) == "3 min 00 s"
    assert wait(2 * 86400) == "2 d 00 h"


def test_phone_width_tables_scroll_and_charts_keep_their_size():
    root = page_root(sample())
    parents = {child: parent for parent in root.iter() for child in parent}
    for table in root.iter(f"{XHTML}table"):
        if "meta" in (table.get("class") or ""):
            continue  # two short columns: it wraps
        assert parents[table].get("class") == "table"
    for svg in root.iter(f"{SVG}svg"):
        assert parents[svg].get("class") == "chart"
    style = "".join(root.find(f"{XHTML}head/{XHTML}style").itertext())  # type: ignore[union-attr]
    assert ".chart, .table { overflow-x: auto;" in style
    assert "max-width: 100%; height: auto" not in style  # no shrinking charts


@pytest.mark.parametrize(
    ("waits", "relaxed", "said", "chinese_said"),
    [
        (0, 0, "none of its waits was over 15 min.", "没有超过15分钟的等待"),
        (
            1,
            1,
            "its one wait over 15 min ended when an escalation step relaxed",
            "其唯一一次超过15分钟的等待在升级步骤",
        ),
        (
            1,
            0,
            "its one wait over 15 min ended without an escalation step",
            "其唯一一次超过15分钟的等待并非",
        ),
        (
            2,
            1,
            "1 of its 2 waits over 15 min ended when",
            "其2次超过15分钟的等待中，有1次",
        ),
    ],
)
def test_staffing_sentence_counts_waits_in_words_that_agree(
    waits, relaxed, said, chinese_said
):
    """'0 of its 1 waits over 15 min' was printed for a city with one long wait."""
    row = attrs.evolve(
        sample().staffing[0], long_waits=waits, long_waits_relaxed=relaxed
    )
    sentence = " ".join(_staffing_verdict(row).split())
    assert said in sentence
    assert "of its 1 waits" not in sentence
    assert "of its 0 waits" not in sentence
    with speaking("zh-CN"):
        chinese = _staffing_verdict(row)
    assert chinese_said in chinese

"""The demo report as one self-contained XHTML page with inline SVG charts."""

from __future__ import annotations

import copy
import math
import re
import xml.etree.ElementTree as ET

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.demo_report_sample import CITIES, UNRANKABLE, sample, sample_report
from servicekit.cli import _html_charts as charts
from servicekit.cli import _html_parts as h
from servicekit.cli._demo_sections import DemoReport
from servicekit.cli._format import wait
from servicekit.cli._report_html import render_html
from servicekit.errors import DeserializationError
from servicekit.scoring import Estimate

SVG = "{http://www.w3.org/2000/svg}"
XHTML = "{http://www.w3.org/1999/xhtml}"
DOCTYPE = "<!DOCTYPE html>\n"
CHARTS = (
    "chart-city-index",
    "chart-sla-compliance",
    "chart-queue-waits",
    "chart-city-waits",
)
SECTIONS = ("sla", "routing", "cities", "nps", "alerts", "requirements", "staffing")


def parse(page: str) -> ET.Element:
    assert page.startswith(DOCTYPE)
    return ET.fromstring(page.removeprefix(DOCTYPE))  # noqa: S314 (our own output)


def chart(root: ET.Element, chart_id: str) -> ET.Element:
    found = [s for s in root.iter(f"{SVG}svg") if s.get("id") == chart_id]
    assert len(found) == 1, chart_id
    return found[0]


def by_class(element: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in element.iter() if cls in (e.get("class") or "").split()]


def floats(element: ET.Element, *names: str) -> list[float]:
    return [float(element.get(name, "nan")) for name in names]


def text_of(element: ET.Element) -> str:
    return "".join(element.itertext())


def render(data: dict) -> str:
    """The page of a report given in its JSON form (as ``--json`` prints it)."""
    return render_html(DemoReport.from_dict(data))


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(sample())


@pytest.fixture(scope="module")
def root(page: str) -> ET.Element:
    return parse(page)


# --- the page shell -------------------------------------------------------------------


def test_page_is_xhtml5_with_inline_style(page, root):
    assert root.tag == f"{XHTML}html"
    assert root.get("lang") == "en"
    head = root.find(f"{XHTML}head")
    assert head is not None
    assert head.find(f"{XHTML}meta").get("charset") == "utf-8"
    assert head.find(f"{XHTML}style") is not None
    assert "2025-01" in text_of(head.find(f"{XHTML}title"))
    assert page.endswith("</html>\n")
    assert page.count(DOCTYPE) == 1


def test_page_is_self_contained(page, root):
    for element in root.iter():
        assert not element.tag.endswith("}script")
        assert element.tag not in {f"{XHTML}{t}" for t in ("link", "img", "iframe")}
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), name
            if name in {"href", "src"} or name.endswith("}href"):
                assert value.startswith("#"), value
            assert "http" not in value
            assert "//" not in value
    assert "<script" not in page.lower()
    assert "javascript:" not in page.lower()
    assert "url(" not in page
    assert "@import" not in page
    assert not re.search(r"\son\w+\s*=", page)
    # The only URIs are the two namespace names.
    stripped = page.replace(h.XHTML_NS, "").replace(h.SVG_NS, "")
    assert "http" not in stripped


def test_every_section_has_id_and_h2(root):
    sections = {s.get("id"): s for s in root.iter(f"{XHTML}section")}
    for section_id in SECTIONS:
        assert section_id in sections, section_id
    for section in sections.values():
        first = next(iter(section))
        assert first.tag == f"{XHTML}h2"
        assert text_of(first).strip()
    nav_targets = {a.get("href") for a in root.iter(f"{XHTML}a")}
    assert {f"#{s}" for s in SECTIONS} <= nav_targets
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    assert {t[1:] for t in nav_targets} <= ids


def test_header_shows_meta(root):
    header = root.find(f".//{XHTML}header")
    text = text_of(header)
    for fragment in (
        "2025-01",
        "Asia/Shanghai",
        "20250101",
        "412 (63 part-time)",
        "14,210",
    ):
        assert fragment in text
    assert "2025-01-31 23:59 +08:00" in text


def test_deterministic():
    report = sample()
    first = render_html(report)
    assert render_html(DemoReport.from_dict(report.to_dict())) == first
    assert render_html(report) == first
    assert report == sample()  # the renderer does not change its input


# --- the charts -----------------------------------------------------------------------


@pytest.mark.parametrize("chart_id", CHARTS)
def test_chart_is_accessible_svg(root, chart_id):
    svg = chart(root, chart_id)
    assert svg.get("role") == "img"
    assert svg.get("aria-label")
    first = next(iter(svg))
    assert first.tag == f"{SVG}title"
    assert text_of(first) == svg.get("aria-label")
    assert svg.get("viewBox") == f"0 0 {svg.get('width')} {svg.get('height')}"


def city_rows(svg: ET.Element) -> list[ET.Element]:
    return [g for g in svg.iter(f"{SVG}g") if "city-row" in (g.get("class") or "")]


def test_city_chart_one_row_per_city_in_the_table_order(root):
    report = sample()
    svg = chart(root, "chart-city-index")
    rows = city_rows(svg)
    assert len(rows) == len(CITIES)
    assert len(by_class(svg, "dot")) == len(CITIES)
    assert [g.get("data-city") for g in rows] == [r.city for r in report.cities.rows]
    cys = [float(by_class(g, "dot")[0].get("cy")) for g in rows]
    assert cys == sorted(cys)


def assert_whiskers_ordered(svg: ET.Element) -> None:
    for g in city_rows(svg):
        (whisker,) = by_class(g, "whisker")
        (dot,) = by_class(g, "dot")
        x1, x2 = floats(whisker, "x1", "x2")
        (cx,) = floats(dot, "cx")
        assert x1 <= cx <= x2, g.get("data-city")
        assert len(by_class(g, "shrunk")) == 1


def test_city_whiskers_are_ordered_in_pixels(root):
    assert_whiskers_ordered(chart(root, "chart-city-index"))


def test_city_chart_marks_top_bottom_and_unranked(root):
    cities = sample().cities
    svg = chart(root, "chart-city-index")
    kinds = {g.get("data-city"): g.get("class").split()[1] for g in city_rows(svg)}
    assert {c for c, k in kinds.items() if k == "top"} == set(cities.top)
    assert {c for c, k in kinds.items() if k == "bottom"} == set(cities.bottom)
    assert {c for c, k in kinds.items() if k == "unranked"} == set(UNRANKABLE)
    markers = {
        g.get("data-city"): text_of(by_class(g, "marker")[0])
        if by_class(g, "marker")
        else ""
        for g in city_rows(svg)
    }
    assert {markers[c] for c in cities.top} == {"top 5"}
    assert {markers[c] for c in cities.bottom} == {"bottom 3"}
    assert {markers[c] for c in UNRANKABLE} == {"n<30, not ranked"}
    colours = {
        k: {
            by_class(g, "dot")[0].get("stroke")
            for g in city_rows(svg)
            if kinds[g.get("data-city")] == k
        }
        for k in ("top", "bottom", "unranked", "ranked")
    }
    assert all(len(c) == 1 for c in colours.values())
    assert len(set().union(*colours.values())) == 4
    legend = text_of(by_class(svg, "legend")[0])
    for fragment in (
        "top 5",
        "bottom 3",
        "n<30, not ranked",
        "shrunk",
        "95 % interval",
    ):
        assert fragment in legend


def test_sla_chart_bars_and_groups(root):
    sla = sample().sla
    svg = chart(root, "chart-sla-compliance")
    groups = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "group"]
    assert [g.get("data-group") for g in groups] == ["By metric", "By priority"]
    assert [g.get("data-name") for g in by_class(groups[0], "sla-row")] == [
        "first response",
        "next response",
        "periodic update",
        "resolution",
    ]
    assert len(by_class(groups[1], "sla-row")) == 4
    estimates = [r.compliance for r in sla.by_metric] + [
        r.compliance for r in sla.by_priority
    ]
    rows = by_class(svg, "sla-row")
    full = 100.0 / (h.WIDTH - 170.0 - 150.0)
    for row, est in zip(rows, estimates, strict=True):
        (bar,) = by_class(row, "bar")
        (whisker,) = by_class(row, "whisker")
        assert float(bar.get("width")) * full == pytest.approx(est.value, abs=0.05)
        x1, x2 = floats(whisker, "x1", "x2")
        right = float(bar.get("x")) + float(bar.get("width"))
        assert x1 <= right + 0.1
        assert right <= x2 + 0.1


def assert_histogram_proportional(svg: ET.Element, counts: list[int]) -> None:
    bars = by_class(svg, "bar")
    assert [int(b.get("data-count")) for b in bars] == counts
    heights = [float(b.get("height")) for b in bars]
    biggest = max(counts, default=0)
    for height, count in zip(heights, counts, strict=True):
        expected = 200.0 * count / biggest if biggest else 0.0
        assert height == pytest.approx(expected, abs=0.051)
    bases = {round(float(b.get("y")) + float(b.get("height")), 1) for b in bars}
    assert len(bases) <= 1  # all bars stand on one baseline


def test_histogram_bars_proportional_with_labels(root):
    histogram = sample().routing.wait_histogram
    svg = chart(root, "chart-queue-waits")
    counts = [b.count for b in histogram]
    assert_histogram_proportional(svg, counts)
    assert [text_of(t) for t in by_class(svg, "count")] == [
        f"{c:,}" for c in counts
    ]  # as the text report: 5,210
    assert [text_of(t) for t in by_class(svg, "label")] == [b.label for b in histogram]
    for band in by_class(svg, "band"):
        (bar,) = by_class(band, "bar")
        (count,) = by_class(band, "count")
        (label,) = by_class(band, "label")
        assert float(count.get("y")) < float(bar.get("y"))  # count on top
        assert float(label.get("y")) > float(bar.get("y")) + float(bar.get("height"))


def test_city_waits_sorted_by_p90(root):
    report = sample()
    svg = chart(root, "chart-city-waits")
    rows = city_rows(svg)
    assert len(rows) == len(CITIES)
    p90 = {r.city: r.p90_wait_seconds for r in report.routing.by_city}
    shown = [p90[g.get("data-city")] for g in rows]
    assert shown == sorted(shown, reverse=True)
    for g in rows:
        (long,) = by_class(g, "bar-p90")
        (short,) = by_class(g, "bar-median")
        assert float(short.get("width")) <= float(long.get("width"))
    widths = [float(by_class(g, "bar-p90")[0].get("width")) for g in rows]
    assert widths == sorted(widths, reverse=True)


def test_chart_height_scales_with_rows():
    def heights(n: int) -> tuple[float, float]:
        report = sample_report()
        report["cities"]["rows"] = report["cities"]["rows"][:n]
        report["routing"]["by_city"] = report["routing"]["by_city"][:n]
        root = parse(render(report))
        return (
            float(chart(root, "chart-city-index").get("height")),
            float(chart(root, "chart-city-waits").get("height")),
        )

    one, many = heights(1), heights(32)
    assert many[0] - one[0] == pytest.approx(31 * h.ROW)
    assert many[1] - one[1] == pytest.approx(31 * h.ROW)


def test_forty_cities():
    report = sample_report()
    rows = report["cities"]["rows"]
    extra = copy.deepcopy(rows[:8])
    for i, row in enumerate(extra):
        row["city"] = f"Extra city {i}"
        row["top"] = row["bottom"] = False
    rows.extend(extra)
    root = parse(render(report))
    svg = chart(root, "chart-city-index")
    assert len(by_class(svg, "dot")) == 40
    assert_whiskers_ordered(svg)


# --- tables and text ------------------------------------------------------------------


def section(root: ET.Element, section_id: str) -> ET.Element:
    return next(s for s in root.iter(f"{XHTML}section") if s.get("id") == section_id)


def test_sla_tables(root):
    text = text_of(section(root, "sla"))
    assert "812 tickets breached 1,044 clocks" in text
    assert "T-1000" in text
    assert "30 h 02 min" not in text  # 1 d 06 h: days beyond 24 hours
    assert "1 d 06 h" in text
    assert "2025-01-10 17:30 +08:00" in text
    assert 'vip <gold> & "platinum"' in text


def test_routing_outcomes_with_percentages(root):
    text = text_of(section(root, "routing"))
    assert "99.7 %" in text  # assigned 12801 / 12845
    assert "88.2 %" in text  # to owner 3010 / 3411
    assert "1.8 %" in text  # escalated 233 / 12845
    assert "team lead" in text
    assert "77.3 %" in text  # 180 / 233 escalation steps


def test_city_table_and_honest_lists(root):
    cities_ = sample().cities
    cities = section(root, "cities")
    text = text_of(cities)
    assert "share a rank" in text
    assert "Holm-corrected" in text
    honest = next(u for u in cities.iter(f"{XHTML}ul") if u.get("class") == "honest")
    items = [text_of(li) for li in honest]
    assert items[0] == "Top: " + ", ".join(cities_.top)
    assert items[1] == "Bottom: " + ", ".join(cities_.bottom)
    assert items[2] == "Not ranked (n<30): " + ", ".join(UNRANKABLE)
    table = cities.find(f".//{XHTML}table")
    body_rows = table.findall(f"./{XHTML}tbody/{XHTML}tr")
    assert len(body_rows) == len(CITIES)
    # The table keeps the report's order (ranked by rank, then the unranked).
    first = cities_.rows[0]
    cells = [text_of(td) for td in body_rows[0]]
    assert cells[0] == first.city
    assert cells[2] == h.interval(first.index)
    assert [text_of(r[0]) for r in body_rows] == [r.city for r in cities_.rows]
    assert "are the highest raw scores" in text
    unranked = [r for r in body_rows if r.get("class") == "unranked"]
    assert len(unranked) == len(UNRANKABLE)
    assert all(text_of(r[4]) == "–" for r in unranked)


def test_nps_csat_fcr(root):
    assert "NPS 31.4 (29.3–33.5) points (95 % interval, bootstrap, n=9,876)" in text_of(
        section(root, "nps")
    )
    assert "Promoters (9–10)4,870" in text_of(section(root, "nps"))
    assert "78.2 (77.3–79.1) %" in text_of(section(root, "csat"))
    assert "4.12 (4.10–4.14)" in text_of(section(root, "csat"))
    assert "71.5 (70.4–72.6) %" in text_of(section(root, "fcr"))


def test_alerts_requirements_staffing(root):
    alerts = text_of(section(root, "alerts"))
    assert "143 answers need a follow-up" in alerts
    assert "detractor; unresolved" in alerts
    assert "C-7781" in alerts
    requirements = text_of(section(root, "requirements"))
    assert "accepted: 1, draft: 1, in acceptance: 1" in requirements
    assert "Hai & Sons" in requirements
    assert "customer sign-off" in requirements
    assert "rework of delivery note, owed by the provider" in requirements
    staffing = section(root, "staffing")
    assert len(staffing.findall(f".//{XHTML}tbody/{XHTML}tr")) == 12
    assert "10:00-11:00" in text_of(staffing)


# --- escaping and empty input ---------------------------------------------------------

NASTY = "<b>&\"x'"


def test_city_names_are_escaped():
    report = sample_report()
    report["cities"]["rows"][0]["city"] = NASTY
    report["cities"]["top"] = [NASTY]
    report["routing"]["by_city"][0]["city"] = NASTY
    report["staffing"][0]["city"] = NASTY
    report["alerts"]["high_risk"][0]["city"] = NASTY
    report["sla"]["breaches"]["worst"][0]["city"] = NASTY
    page = render(report)
    assert NASTY not in page
    assert "<b>&" not in page
    assert "&lt;b&gt;&amp;&quot;x&#x27;" in page
    root = parse(page)
    assert NASTY in {
        g.get("data-city") for g in city_rows(chart(root, "chart-city-index"))
    }
    assert NASTY in {
        g.get("data-city") for g in city_rows(chart(root, "chart-city-waits"))
    }
    assert NASTY in text_of(root)


def test_apostrophe_cities(page, root):
    assert "Xi&#x27;an" in page
    assert "Xi'an" in {
        g.get("data-city") for g in city_rows(chart(root, "chart-city-index"))
    }


def test_characters_xml_forbids_are_replaced():
    report = sample_report()
    report["cities"]["rows"][0]["city"] = "Bad\x00\x1bname\ufffe"
    root = parse(render(report))
    assert "Bad\ufffd\ufffdname\ufffd" in {
        g.get("data-city") for g in city_rows(chart(root, "chart-city-index"))
    }


def empty_report() -> dict:
    report = sample_report()
    report["sla"].update(by_metric=[], by_priority=[], by_policy=[])
    report["sla"]["breaches"] = {"tickets": 0, "metrics": 0, "worst": []}
    report["routing"].update(
        routed=0,
        assigned=0,
        owner_tickets=0,
        to_owner=0,
        escalation_steps={},
        by_city=[],
        wait_histogram=[],
    )
    report["cities"].update(rows=[], top=[], bottom=[], unranked=[])
    report["alerts"] = {"follow_up": {"count": 0, "examples": []}, "high_risk": []}
    report["requirements"] = []
    report["staffing"] = []
    report["nps"].update(promoters=0, passives=0, detractors=0)
    return report


def test_empty_lists_render_none():
    page = render(empty_report())
    root = parse(page)
    for chart_id in CHARTS:
        svg = chart(root, chart_id)
        assert by_class(svg, "none"), chart_id
    assert not by_class(chart(root, "chart-city-index"), "dot")
    assert not by_class(chart(root, "chart-queue-waits"), "bar")
    for section_id in (
        "sla",
        "routing",
        "cities",
        "alerts",
        "requirements",
        "staffing",
    ):
        assert by_class(section(root, section_id), "none"), section_id
    assert "n/a" in text_of(section(root, "routing"))  # shares of zero tickets
    honest = text_of(section(root, "cities"))
    assert "Top: none" in honest
    assert "0 requirements by state: none" in text_of(section(root, "requirements"))


def test_all_zero_histogram_and_degenerate_intervals():
    report = sample_report()
    for band in report["routing"]["wait_histogram"]:
        band["count"] = 0
    for row in report["cities"]["rows"]:
        for key in ("index", "shrunk"):
            row[key].update(value=100.0, low=100.0, high=100.0, confidence=0.9)
    report["cities"]["top"] = []
    report["cities"]["bottom"] = []
    root = parse(render(report))
    svg = chart(root, "chart-queue-waits")
    assert all(float(b.get("height")) == 0.0 for b in by_class(svg, "bar"))
    city = chart(root, "chart-city-index")
    assert_whiskers_ordered(city)
    assert "90 % interval" in text_of(city)
    assert "top" in {text_of(m) for m in by_class(city, "marker")}
    assert "90" in {text_of(t) for t in city.iter(f"{SVG}text")}  # axis 90–100


def test_an_impossible_confidence_never_reaches_the_page():
    """The typed report refuses it where the JSON is read, naming the path."""
    report = sample_report()
    report["cities"]["rows"][0]["index"]["confidence"] = 1.5
    with pytest.raises(DeserializationError, match=r"\$\.cities\.rows\[0\]\.index"):
        DemoReport.from_dict(report)
    assert h.confidence(None) == "95 %"  # no estimate at all: the usual level


def test_city_index_domain_zooms():
    report = sample_report()
    for row in report["cities"]["rows"]:
        for key in ("index", "shrunk"):
            row[key].update(value=0.0, low=0.0, high=2.0)
    rows = DemoReport.from_dict(report).cities.rows
    assert charts._index_domain(rows) == (0.0, 10.0)
    assert charts._index_domain(sample().cities.rows) == (20.0, 100.0)
    assert charts._index_domain([]) == (0.0, 100.0)


# --- formatting -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (45, "45 s"),
        (59.4, "59 s"),
        (59.6, "1 min"),
        (200, "3 min 20 s"),
        (185, "3 min 05 s"),
        (3599.6, "1 h"),
        (3900, "1 h 05 min"),
        (86400, "1 d"),
        (86400 + 4 * 3600 + 60, "1 d 04 h"),
        (-5, "0 s"),
        (float("nan"), "n/a"),
        (None, "n/a"),
        ("x", "n/a"),
    ],
)
def test_wait(seconds, text):
    assert wait(seconds) == text


def test_numbers():
    assert h.num(-0.01) == "0.0"
    assert h.num(float("inf")) == "n/a"
    assert h.pct(82.149) == "82.1 %"
    assert h.pct(float("nan")) == "n/a"
    assert h.frac_pct(0.8) == "80.0 %"
    assert h.frac_pct(None) == "n/a"
    assert h.share(1, 3) == "33.3 %"
    assert h.share(1, 0) == "n/a"
    assert h.share(None, 3) == "n/a"
    est = Estimate(value=82.1, low=79.44, high=84.56, n=9, method="t")
    assert h.interval(est) == "82.1 (79.4–84.6)"
    assert h.confidence(est) == "95 %"
    assert h.confidence(attrs.evolve(est, confidence=0.9)) == "90 %"
    assert h.px(-0.01) == "0.0"
    scale = h.Scale(0.0, 10.0, 100.0, 200.0)
    assert [scale(v) for v in (5, -1, 11, float("nan"), None)] == [
        150,
        100,
        200,
        100,
        100,
    ]


def test_when():
    assert h.when("2025-01-05T09:03:00+08:00") == (
        '<time datetime="2025-01-05T09:03:00+08:00">2025-01-05 09:03 +08:00</time>'
    )
    assert h.when("2025-01-05T09:03:00") == (
        '<time datetime="2025-01-05T09:03:00">2025-01-05 09:03</time>'
    )
    assert h.when("soon <3") == '<time datetime="soon &lt;3">soon &lt;3</time>'


def test_wait_ticks():
    assert charts._wait_ticks(1.0) == [0.0, 1.0]
    assert charts._wait_ticks(2000.0) == [0.0, 600.0, 1200.0, 1800.0, 2400.0]
    ticks = charts._wait_ticks(10 * 86400.0)
    assert len(ticks) <= 7
    assert ticks[-1] >= 10 * 86400


def test_long_names_are_shortened_in_charts():
    report = sample_report()
    report["cities"]["rows"][0]["city"] = "A" * 40
    svg = chart(parse(render(report)), "chart-city-index")
    labels = {text_of(t) for t in svg.iter(f"{SVG}text")}
    assert "A" * 23 + "…" in labels
    assert "A" * 40 in {g.get("data-city") for g in city_rows(svg)}


# --- random reports -------------------------------------------------------------------

names = st.text(min_size=1, max_size=20)
counts = st.integers(min_value=0, max_value=10**6)
seconds = st.floats(min_value=0, max_value=3 * 86400, allow_nan=False)
instants = st.sampled_from(["2025-01-05T09:03:00+08:00", "2025-01-31T23:59:59+08:00"])


@st.composite
def estimates(draw, lo: float = 0.0, hi: float = 100.0):
    a, b, c = sorted(draw(st.floats(min_value=lo, max_value=hi)) for _ in range(3))
    return {
        "value": b,
        "low": a,
        "high": c,
        "n": draw(st.integers(min_value=1, max_value=10**6)),
        "method": draw(st.sampled_from(["wilson", "t", "bootstrap"])),
        "confidence": draw(st.sampled_from([0.9, 0.95, 0.99])),
    }


@st.composite
def reports(draw):
    report = empty_report()
    cities = draw(st.lists(names, max_size=40, unique=True))
    rows = []
    for city in cities:
        rankable = draw(st.booleans())
        rows.append(
            {
                "city": city,
                "n": draw(counts),
                "index": draw(estimates()),
                "shrunk": draw(estimates()),
                "rank": draw(st.none() | st.integers(1, 40)),
                "shrunk_rank": draw(st.none() | st.integers(1, 40)),
                "best_rank": draw(st.none() | st.integers(1, 40)),
                "worst_rank": draw(st.none() | st.integers(1, 40)),
                "value_rank": draw(st.none() | st.integers(1, 40)),
                "rankable": rankable,
                "top": draw(st.booleans()),
                "bottom": draw(st.booleans()),
            }
        )
    report["cities"].update(
        rows=rows,
        min_n=draw(st.integers(1, 100)),
        top=[r["city"] for r in rows if r["top"]][:5],
        bottom=[r["city"] for r in rows if r["bottom"]][:3],
        unranked=[r["city"] for r in rows if not r["rankable"]],
    )
    report["routing"]["by_city"] = [
        {
            "city": city,
            "tickets": draw(counts),
            "agents": draw(counts),
            "median_wait_seconds": draw(seconds),
            "mean_wait_seconds": draw(seconds),
            "p90_wait_seconds": draw(seconds),
        }
        for city in cities
    ]
    report["routing"]["wait_histogram"] = [
        {"label": draw(names), "upper_seconds": None, "count": draw(counts)}
        for _ in range(draw(st.integers(0, 12)))
    ]
    report["routing"]["escalation_steps"] = draw(
        st.dictionaries(names, counts, max_size=4)
    )
    report["sla"]["by_metric"] = [
        {
            "metric": m,
            "measured": 1,
            "met": 1,
            "breached": 0,
            "running": 0,
            "compliance": draw(estimates()),
        }
        for m in draw(
            st.lists(st.sampled_from(["first_response", "resolution"]), max_size=2)
        )
    ]
    report["sla"]["by_priority"] = [
        {
            "priority": p,
            "tickets": 1,
            "breached_tickets": 0,
            "compliance": draw(estimates()),
        }
        for p in draw(
            st.lists(st.sampled_from(["urgent", "high", "normal", "low"]), max_size=4)
        )
    ]
    report["sla"]["breaches"]["worst"] = [
        {
            "ticket": draw(names),
            "city": draw(names),
            "policy": draw(names),
            "priority": "high",
            "metric": "resolution",
            "due_at": draw(instants),
            "late_by_seconds": draw(seconds),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    report["nps"]["estimate"] = draw(estimates(-100.0, 100.0))
    report["alerts"]["follow_up"]["examples"] = [
        {
            "response": draw(names),
            "city": draw(names),
            "reasons": draw(st.lists(names, max_size=3)),
        }
        for _ in range(draw(st.integers(0, 2)))
    ]
    report["staffing"] = [
        {
            "city": city,
            "peak_hour": "10:00-11:00",
            "peak_volume_per_hour": draw(st.floats(0, 1000)),
            "aht_seconds": draw(seconds),
            "agents_on_shift": draw(counts),
            "median_wait_seconds": draw(seconds),
            "required_agents": draw(counts),
            "scheduled_agents": draw(counts),
            "service_level_now": draw(st.floats(0, 1)),
            "service_level_advised": draw(st.floats(0, 1)),
            "asa_seconds_advised": draw(seconds),
            "long_waits": draw(counts),
            "long_waits_relaxed": draw(counts),
            "p90_wait_seconds": draw(seconds),
            "working_days": draw(st.integers(0, 31)),
            "days_nobody_on_shift": draw(st.integers(0, 31)),
            "measured_calls": draw(counts),
            "measured_service_level": draw(st.none() | st.floats(0, 1)),
            "measured_p90_wait_seconds": draw(seconds),
        }
        for city in cities[:5]
    ]
    return report


@given(reports())
def test_random_reports_always_parse_with_invariants(data):
    report = DemoReport.from_dict(data)
    assert DemoReport.from_dict(report.to_dict()) == report
    page = render_html(report)
    assert render_html(report) == page
    root = parse(page)
    for chart_id in CHARTS:
        svg = chart(root, chart_id)
        assert next(iter(svg)).tag == f"{SVG}title"
    sections = {s.get("id") for s in root.iter(f"{XHTML}section")}
    assert set(SECTIONS) <= sections
    city = chart(root, "chart-city-index")
    n_cities = len(report.cities.rows)
    assert len(by_class(city, "dot")) == n_cities
    assert_whiskers_ordered(city)
    waits = chart(root, "chart-city-waits")
    assert len(by_class(waits, "bar-p90")) == n_cities
    assert_histogram_proportional(
        chart(root, "chart-queue-waits"),
        [b.count for b in report.routing.wait_histogram],
    )
    for element in root.iter():
        assert not element.tag.endswith("}script")
        assert not any(name.lower().startswith("on") for name in element.attrib)
        for name in ("x", "y", "x1", "x2", "cx", "width", "height"):
            value = element.get(name)
            if value is not None and element.tag.startswith(SVG):
                assert math.isfinite(float(value))
                if name in {"width", "height"}:
                    assert float(value) >= 0

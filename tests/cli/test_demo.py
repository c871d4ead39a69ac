"""`servicekit demo` through the installed entry point, as a user runs it.

Only three runs simulate the full month (about 1,200 requests a working day; several
seconds each): the default text report (timed), the same month as ``--json`` with
``--html``, and nothing else; every other run uses ``--volume 100`` or less.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from cli.cli_run import Result, run_entry_point, run_main
from servicekit.acceptance import RequirementState
from servicekit.cli import _demo
from servicekit.cli._demo_sections import DemoReport
from servicekit.cli._format import cells
from servicekit.cli._report_text import SECTIONS, render_text

SVG = "{http://www.w3.org/2000/svg}"
DOCTYPE = "<!DOCTYPE html>\n"
CHARTS = (
    "chart-city-index",
    "chart-sla-compliance",
    "chart-queue-waits",
    "chart-city-waits",
)
SMALL = ("--volume", "100")


# -- helpers ----------------------------------------------------------------------


def check_estimate(e: dict[str, Any], where: str) -> None:
    assert e["low"] <= e["value"] <= e["high"], where
    assert e["n"] >= 1, where
    assert 0 < e["confidence"] < 1, where


def estimates(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every estimate (a dict with value/low/high/n) anywhere in the report."""
    found = []
    if isinstance(node, dict):
        if {"value", "low", "high", "n"} <= node.keys():
            found.append((path, node))
        for key, value in node.items():
            found += estimates(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += estimates(value, f"{path}[{i}]")
    return found


def check_consistency(report: dict[str, Any]) -> None:
    """The invariants every demo report keeps, whatever the seed, month or volume."""
    meta, sla, routing = report["meta"], report["sla"], report["routing"]
    cities = report["cities"]
    names = {row["city"] for row in routing["by_city"]}
    assert meta["cities"] == 32 == len(names)
    assert {"Urumqi", "Lanzhou", "Hohhot", "Lhasa", "Xi'an"} <= names

    # SLA tables add up to the requests.
    assert sum(r["tickets"] for r in sla["by_priority"]) == meta["requests"]
    assert sum(r["tickets"] for r in sla["by_policy"]) == meta["requests"]
    breached = sum(r["breached_tickets"] for r in sla["by_priority"])
    assert sla["breaches"]["tickets"] == breached
    assert breached == sum(r["breached_tickets"] for r in sla["by_policy"])
    assert sla["breaches"]["metrics"] == sum(m["breached"] for m in sla["by_metric"])
    for row in sla["by_priority"] + sla["by_policy"]:
        assert 0 <= row["breached_tickets"] <= row["tickets"]
        assert row["compliance"]["n"] == row["tickets"]
        assert row["compliance"]["value"] == pytest.approx(
            100 * (row["tickets"] - row["breached_tickets"]) / row["tickets"]
        )
    assert [r["priority"] for r in sla["by_priority"]] == sorted(
        (r["priority"] for r in sla["by_priority"]),
        key=["low", "normal", "high", "urgent"].index,
    )
    for m in sla["by_metric"]:
        assert m["compliance"]["n"] == m["met"] + m["breached"]
        assert m["measured"] == m["met"] + m["breached"] + m["running"]
        assert m["measured"] <= meta["requests"]
    worst = [w["late_by_seconds"] for w in sla["breaches"]["worst"]]
    assert worst == sorted(worst, reverse=True)
    assert len(worst) <= 10
    assert all(w > 0 for w in worst)

    # Routing: requests → routed → assigned, and the shares' parts.
    assert routing["assigned"] <= routing["routed"] == meta["routed"]
    assert meta["routed"] <= meta["requests"]
    assert sum(b["count"] for b in routing["wait_histogram"]) == routing["assigned"]
    assert sum(c["tickets"] for c in routing["by_city"]) == routing["routed"]
    assert 0 <= routing["to_owner"] <= routing["owner_tickets"] <= routing["routed"]
    assert (
        0
        <= routing["to_dedicated_manager"]
        <= routing["dedicated_tickets"]
        <= routing["routed"]
    )
    assert 0 <= routing["language_matched"] <= routing["language_tickets"]
    assert routing["escalated"] == sum(routing["escalation_steps"].values())
    assert routing["escalated"] <= routing["assigned"]
    assert set(routing["escalation_steps"]) <= {
        "any language",
        "lower skill levels",
        "anyone",
    }
    assert sum(c["agents"] for c in routing["by_city"]) < meta["agents"]  # + night
    for c in routing["by_city"]:
        assert 0 <= c["median_wait_seconds"] <= c["p90_wait_seconds"]
    uppers = [b["upper_seconds"] for b in routing["wait_histogram"]]
    assert uppers[-1] is None
    assert uppers[:-1] == sorted(uppers[:-1])

    # The city table: one row per city with answers, n adds up to the survey answers.
    rows = cities["rows"]
    assert sum(r["n"] for r in rows) == meta["survey_answers"]
    assert {r["city"] for r in rows} <= names
    assert len({r["city"] for r in rows}) == len(rows)
    by_name = {r["city"]: r for r in rows}
    assert len(cities["top"]) <= 5
    assert len(cities["bottom"]) <= 3
    for name in cities["top"] + cities["bottom"]:
        assert by_name[name]["rankable"], name
    assert [n for n in by_name if by_name[n]["top"]] == cities["top"]
    ranked_by_value = sorted(
        (r for r in rows if r["rankable"]),
        key=lambda r: (-r["index"]["value"], r["city"]),
    )
    assert cities["highest"] == [r["city"] for r in ranked_by_value[:5]]
    for r in rows:
        if r["rankable"]:
            assert r["best_rank"] <= r["worst_rank"]
            assert r["value_rank"] >= 1
    assert {n for n in by_name if by_name[n]["bottom"]} == set(cities["bottom"])
    for r in rows:
        assert r["n"] == r["index"]["n"]
        if r["rankable"]:
            assert r["n"] >= cities["min_n"]
            assert r["rank"] >= 1
            assert r["shrunk_rank"] >= 1
        else:
            assert r["n"] < cities["min_n"]
            assert r["rank"] is None
            assert r["shrunk_rank"] is None
            assert not r["top"]
            assert not r["bottom"]
    assert cities["unranked"] == sorted(
        [r["city"] for r in rows if not r["rankable"]] + cities["no_answers"]
    )

    # NPS, CSAT, FCR.
    nps = report["nps"]
    parts = nps["promoters"] + nps["passives"] + nps["detractors"]
    assert parts == nps["estimate"]["n"] == meta["survey_answers"]
    assert nps["estimate"]["value"] == pytest.approx(
        100 * (nps["promoters"] - nps["detractors"]) / parts
    )
    assert report["csat"]["top_box"]["n"] == meta["survey_answers"]
    assert report["fcr"]["estimate"]["n"] <= meta["requests"]
    for where, e in estimates(report):
        check_estimate(e, where)

    # Alerts.
    follow = report["alerts"]["follow_up"]
    assert len(follow["examples"]) == min(5, follow["count"])
    assert follow["count"] <= meta["survey_answers"]
    for a in follow["examples"] + report["alerts"]["high_risk"]:
        assert a["city"] in names
    assert len(report["alerts"]["high_risk"]) <= 10

    # Requirements: states of the acceptance workflow.
    valid = {s.value for s in RequirementState}
    assert len(report["requirements"]) == meta["requirements"]
    assert meta["requirements"] <= 12
    for r in report["requirements"]:
        assert r["state"] in valid
        assert r["rework_count"] >= 0
        assert r["city"] in names

    # Staffing: the slowest cities, advised to meet the target.
    staffing = report["staffing"]
    assert 1 <= len(staffing) <= 5
    p90 = {c["city"]: c["p90_wait_seconds"] for c in routing["by_city"]}
    fifth = sorted(p90.values(), reverse=True)[4]
    assert len({s["city"] for s in staffing}) == len(staffing)
    for s in staffing:
        assert s["service_level_advised"] >= 0.8
        assert s["required_agents"] >= 1
        assert s["scheduled_agents"] >= s["required_agents"]
        assert s["p90_wait_seconds"] == p90[s["city"]] >= fifth
        assert 0 <= s["long_waits_relaxed"] <= s["long_waits"]
        assert 0 <= s["service_level_now"] <= 1
        assert re.fullmatch(r"\d\d:00-\d\d:00", s["peak_hour"])
    assert [s["p90_wait_seconds"] for s in staffing] == sorted(
        (s["p90_wait_seconds"] for s in staffing), reverse=True
    )


def parse_html(page: str) -> ET.Element:
    assert page.startswith(DOCTYPE)
    return ET.fromstring(page.removeprefix(DOCTYPE))  # noqa: S314 (our own output)


def check_page(page: str, report: dict[str, Any]) -> None:
    root = parse_html(page)
    svgs = {s.get("id"): s for s in root.iter(f"{SVG}svg")}
    for chart in CHARTS:
        assert chart in svgs, chart
    city_rows = [
        g.get("data-city")
        for g in svgs["chart-city-index"].iter(f"{SVG}g")
        if "city-row" in (g.get("class") or "").split()
    ]
    assert sorted(city_rows) == sorted(r["city"] for r in report["cities"]["rows"])
    tags = {e.tag.rsplit("}", 1)[-1] for e in root.iter()}
    assert "script" not in tags
    assert "<script" not in page.lower()
    assert report["meta"]["month"] in page


def demo(*args: str) -> Result:
    return run_entry_point("demo", *args)


def loads(r: Result) -> dict[str, Any]:
    assert r.status == 0, r.err
    assert r.err == ""
    report: dict[str, Any] = json.loads(r.out)
    return report


# -- the full month, as a user runs it (one run) ------------------------------------


@pytest.fixture(scope="module")
def full_json(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, str]:
    page = tmp_path_factory.mktemp("demo") / "report.html"
    r = demo("--json", "--html", str(page))
    return r, page.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def full_text(full_json: tuple[Result, str]) -> tuple[Result, None]:
    """The default (text) output of the same month, without simulating it again.

    The CLI prints ``render_text(report)`` for the report it prints as JSON with
    ``--json`` (test_small_text_is_the_json_rendered checks that on a small world), so
    rendering the full month's JSON gives the text a user sees. No timing here: wall
    time on a shared machine is noise (benchmarks/bench_demo.py measures it).
    """
    r = full_json[0]
    return Result(r.status, render_text(DemoReport.from_dict(loads(r))), r.err), None


def test_small_text_is_the_json_rendered():
    text = demo(*SMALL, "--jobs", "1")
    data = demo(*SMALL, "--jobs", "1", "--json")
    assert text.status == 0, text.err
    assert text.out == render_text(DemoReport.from_dict(loads(data)))


def test_default_demo_prints_every_section_and_nothing_on_stderr(full_text):
    r, _ = full_text
    assert r.status == 0
    assert r.err == ""  # not a terminal: no progress indicator
    lines = r.out.splitlines()
    assert lines[0].startswith("servicekit demo: 2025-01, seed 7, read at 2025-01-31")
    titles = [line for line in lines if line.startswith("== ")]
    assert titles == [f"== {s} ==" for s in SECTIONS]
    assert r.out.endswith("\n")
    assert "The same report with charts" not in r.out


def test_full_json_is_consistent(full_json):
    report = loads(full_json[0])
    check_consistency(report)
    meta = report["meta"]
    assert (meta["seed"], meta["month"], meta["days"]) == (7, "2025-01", 31)
    assert meta["timezone"] == "Asia/Shanghai"
    assert meta["now"] == "2025-01-31T23:59:59+08:00"
    assert 20_000 < meta["requests"] < 40_000  # about 1,200 a working day
    assert meta["requirements"] == 12
    # A large world: every city is rankable but the smallest; top and bottom are
    # marked only where the pairwise tests support them, and never overlap.
    cities = report["cities"]
    assert len(cities["highest"]) == 5
    assert len(cities["lowest"]) == 3
    assert not set(cities["top"]) & set(cities["bottom"])
    assert len(report["staffing"]) == 5


def test_worst_waits_never_rank_among_the_best_for_satisfaction(full_json):
    # Nanning had the worst waits of the month and the fourth-best index: waits must
    # drive the response-speed rating, and through it the index.
    report = loads(full_json[0])
    by_city = report["routing"]["by_city"]
    worst = sorted(by_city, key=lambda c: -c["mean_wait_seconds"])[:2]
    for city in worst:
        assert city["city"] not in report["cities"]["highest"], city["city"]


def test_waits_are_continuous_not_stuck_on_escalation_steps(full_json):
    report = loads(full_json[0])
    steps = {180.0, 300.0, 900.0, 2700.0}
    for c in report["routing"]["by_city"]:
        assert c["p90_wait_seconds"] not in steps, c["city"]


def test_full_text_fits_in_100_columns(full_text):
    lines = full_text[0].out.splitlines()
    assert max(cells(line) for line in lines) <= 100  # terminal cells, not characters


def test_text_agrees_with_json(full_text, full_json):
    text, report = full_text[0].out, loads(full_json[0])
    flat = " ".join(text.split())  # prose is wrapped at 100 columns
    meta, nps = report["meta"], report["nps"]["estimate"]
    assert (
        f"{meta['requests']:,} requests ({meta['routed']:,} handled by people), "
        f"{meta['survey_answers']:,} survey answers"
    ) in flat
    assert (
        f"NPS {nps['value']:.1f} ({nps['low']:.1f}-{nps['high']:.1f}) from "
        f"{nps['n']:,} answers"
    ) in flat
    breaches = report["sla"]["breaches"]
    assert f"{breaches['tickets']:,} requests breached at least one clock" in flat
    routing = report["routing"]
    assert f"assigned {routing['assigned']:,} " in flat
    cities = report["cities"]
    assert f"Marked top (at most 5): {', '.join(cities['top']) or 'no city'}." in flat
    assert (
        f"Marked bottom (at most 3): {', '.join(cities['bottom']) or 'no city'}."
    ) in flat
    for note in cities["notes"]:
        assert " ".join(note.split()) in flat
    fcr = report["fcr"]["estimate"]
    assert f"First-contact resolution {fcr['value']:.1f} %" in flat
    for row in cities["rows"]:
        assert re.search(
            rf"^  {re.escape(row['city'])} +{row['n']:,} +{row['index']['value']:.1f} ",
            text,
            re.MULTILINE,
        ), row["city"]
    for s in report["staffing"]:
        assert f"  {s['city']}: " in text


def test_full_html_page(full_json):
    r, page = full_json
    check_page(page, loads(r))


def test_json_and_html_together_print_json_only(full_json):
    r, _ = full_json
    assert r.out.lstrip().startswith("{")
    assert "The same report with charts" not in r.out


# -- small worlds ----------------------------------------------------------------


def test_html_with_text_names_the_page(tmp_path):
    page = tmp_path / "month.html"
    r = demo(*SMALL, "--jobs", "1", "--html", str(page))
    assert r.status == 0, r.err
    assert r.err == ""
    assert r.out.endswith(f"\nThe same report with charts: {page}\n")
    assert all(f"== {s} ==" in r.out for s in SECTIONS)
    root = parse_html(page.read_text(encoding="utf-8"))
    assert {s.get("id") for s in root.iter(f"{SVG}svg")} >= set(CHARTS)


@pytest.fixture(scope="module")
def small_runs() -> dict[str, str]:
    return {
        "jobs1": demo(*SMALL, "--json", "--jobs", "1").out,
        "jobs2": demo(*SMALL, "--json", "--jobs", "2").out,
        "again": demo(*SMALL, "--json", "--jobs", "2").out,
        "seed8": demo(*SMALL, "--json", "--seed", "8").out,
    }


def test_same_seed_same_report(small_runs):
    assert small_runs["jobs2"] == small_runs["again"]
    report = json.loads(small_runs["jobs2"])
    assert report["meta"]["seed"] == 7


def test_jobs_do_not_change_the_report(small_runs):
    assert small_runs["jobs1"] == small_runs["jobs2"]


def test_another_seed_another_report(small_runs):
    seven, eight = json.loads(small_runs["jobs1"]), json.loads(small_runs["seed8"])
    assert eight["meta"]["seed"] == 8
    assert seven["meta"]["requests"] != eight["meta"]["requests"]
    assert seven["cities"]["rows"] != eight["cities"]["rows"]


def test_small_world_is_consistent(small_runs):
    for key in ("jobs1", "seed8"):
        check_consistency(json.loads(small_runs[key]))


def test_national_day_month(tmp_path):
    """October 2025: National Day week, make-up days on 28 September and 11 October."""
    page = tmp_path / "october.html"
    r = demo(*SMALL, "--month", "2025-10", "--seed", "1", "--json", "--html", str(page))
    report = loads(r)
    assert report["meta"]["month"] == "2025-10"
    assert report["meta"]["now"] == "2025-10-31T23:59:59+08:00"
    assert report["meta"]["days"] == 31
    check_consistency(report)
    check_page(page.read_text(encoding="utf-8"), report)


# -- bad input: exit 2, one line naming the option, nothing on stdout --------------


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("--month", "2025-13"), "--month"),
        (("--month", "abc"), "--month"),
        (("--month", "1999-12"), "--month"),
        (("--jobs", "-1"), "--jobs"),
        (("--volume", "3"), "--volume"),
        (("--volume", "20001"), "--volume"),
        (("--seed", "x"), "--seed"),
        (("--jobs", "two"), "--jobs"),
    ],
)
def test_bad_option(args, option):
    r = demo(*args)
    assert r.status == 2
    assert r.out == ""
    assert option in r.err
    assert r.err.startswith("servicekit: error: ")
    assert len(r.err.splitlines()) == 1


def test_html_into_a_missing_directory(tmp_path):
    target = tmp_path / "missing" / "report.html"
    r = demo("--volume", "60", "--jobs", "1", "--html", str(target))
    assert r.status == 2
    assert r.out == ""
    assert str(target) in r.err
    assert "does not exist" in r.err
    assert not target.parent.exists()


def test_html_at_a_directory(tmp_path):
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    r = demo("--volume", "60", "--jobs", "1", "--html", str(tmp_path))
    assert r.status == 2
    assert r.out == ""
    assert "is a directory" in r.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_html_error_names_the_option(tmp_path):
    r = run_main(
        "demo", "--volume", "60", "--jobs", "1", "--html", str(tmp_path / "no" / "x")
    )
    assert r.status == 2
    assert "--html" in r.err


def test_html_path_is_checked_before_the_simulation(
    tmp_path, monkeypatch: pytest.MonkeyPatch
):
    def fail(*args: object, **kwargs: object) -> dict[str, Any]:
        msg = "simulated a month for a page it cannot write"
        raise AssertionError(msg)

    monkeypatch.setattr(_demo, "make_report", fail)
    r = run_main("demo", "--html", str(tmp_path / "no" / "x.html"))
    assert r.status == 2


def test_help_lists_every_option():
    r = demo("--help")
    assert r.status == 0
    for option in ("--seed", "--month", "--volume", "--json", "--html", "--jobs"):
        assert option in r.out

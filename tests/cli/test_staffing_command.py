"""`servicekit staffing`: the numbers of docs/routing.md and required_agents."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.cli_run import run_entry_point, run_main
from servicekit.routing.staffing import (
    average_speed_of_answer,
    required_agents,
    service_level,
)


def heading(out):
    """The report's first sentence, wrapped to 100 columns, as one line."""
    lines = out.splitlines()
    end = next(i for i, line in enumerate(lines) if line.startswith("Traffic:"))
    assert all(len(line) <= 100 for line in lines[:end])
    return " ".join(lines[:end])


DOCS = ("staffing", "--volume", "1200/day", "--aht", "5m", "--target", "80/20s")


def test_docs_city_desk():
    """docs/routing.md: 1,200 requests in 8 h, 5 min each, 80/20, 15 % shrinkage."""
    r = run_main(*DOCS, "--shrinkage", "15%")
    assert r.status == 0, r.err
    assert r.err == ""
    lines = r.out.splitlines()
    assert heading(r.out) == (
        "Staffing for 1200 contacts per day, spread over 8 h open (the default --open), "
        "AHT 5 min, target 80 % answered within 20 s"
    )
    assert "Traffic: 12.50 Erlangs" in lines
    assert "Agents needed on the phones: 17" in lines
    assert "Scheduled agents with 15 % shrinkage: 20" in lines
    assert "Service level: 87.5 % answered within 20 s" in lines
    assert "Occupancy: 73.5 %" in lines
    table = lines[lines.index("") + 2 :]
    assert [int(row.split()[0]) for row in table] == [15, 16, 17, 18, 19, 20]
    assert table[2].endswith("<-")
    assert table[5].split()[1] == "97.9"  # all 20 on the phones, as the docs say


def test_json_matches_required_agents():
    r = run_main(*DOCS, "--shrinkage", "15", "--json")
    data = json.loads(r.out)
    plan = required_agents(
        volume=1200,
        period=dt.timedelta(hours=8),
        aht=dt.timedelta(minutes=5),
        target_answer=dt.timedelta(seconds=20),
        service_level=0.8,
        shrinkage=0.15,
    )
    assert data["agents"] == plan.agents == 17
    assert data["scheduled_agents"] == plan.scheduled_agents == 20
    assert data["service_level"] == plan.service_level
    assert data["occupancy"] == plan.occupancy
    assert data["waiting_probability"] == plan.waiting_probability
    assert data["traffic"] == plan.traffic == 12.5
    assert data["asa"] == plan.to_dict()["asa"]
    assert data["period"] == "PT8H"
    assert data["meets_target"] is True
    for row in data["table"]:
        assert row["service_level"] == service_level(
            agents=row["agents"],
            traffic=12.5,
            aht=dt.timedelta(minutes=5),
            target_answer=dt.timedelta(seconds=20),
        )


def test_example_of_the_package_docstring():
    r = run_main(
        "staffing", "--volume", "1200/day", "--aht", "6m", "--target", "80/20s"
    )
    assert r.out.startswith("Staffing for 1200 contacts per day")
    assert "Traffic: 15.00 Erlangs" in r.out
    assert "Agents needed on the phones: 19" in r.out


def test_hourly_volume_is_the_same_as_a_day_spread_over_8_hours():
    hourly = json.loads(
        run_main(
            "staffing",
            "--volume",
            "150/h",
            "--aht",
            "5m",
            "--target",
            "80/20s",
            "--json",
        ).out
    )
    daily = json.loads(run_main(*DOCS, "--json").out)
    for key in ("traffic", "agents", "service_level", "asa", "table"):
        assert hourly[key] == daily[key]
    text = run_main(
        "staffing", "--volume", "150 per hour", "--aht", "5m", "--target", "80/20s"
    ).out
    assert text.startswith("Staffing for 150 contacts per hour, AHT 5 min")


def test_weekly_and_open_hours():
    week = run_main(
        "staffing",
        "--volume",
        "6000/week",
        "--aht",
        "5m",
        "--target",
        "80/20s",
        "--open",
        "10h",
    )
    assert heading(week.out).startswith(
        "Staffing for 6000 contacts per week, spread over 5 days of 10 h open, AHT 5 min"
    )
    assert "Traffic: 10.00 Erlangs" in week.out
    day = run_main(
        "staffing",
        "--volume",
        "1200/day",
        "--aht",
        "5m30s",
        "--target",
        "90%/1m",
        "--open",
        "7.5h",
    )
    assert (
        "spread over 7.5 h open, AHT 5 min 30 s, target 90 % answered within 1 min"
        in heading(day.out)
    )


def test_given_head_count():
    r = run_main(*DOCS, "--agents", "20", "--shrinkage", "15%", "--json")
    data = json.loads(r.out)
    assert data["agents"] == 20
    assert data["agents_given"] is True
    assert data["scheduled_agents"] == 24
    assert round(data["service_level"], 3) == 0.979
    asa = average_speed_of_answer(agents=20, traffic=12.5, aht=dt.timedelta(minutes=5))
    row = next(r for r in data["table"] if r["agents"] == 20)
    assert row["asa_seconds"] == asa / dt.timedelta(seconds=1)
    text = run_main(*DOCS, "--agents", "20").out
    assert "Agents on the phones: 20 (given; meets the target)" in text


def test_too_few_agents_never_catch_up():
    r = run_main(*DOCS, "--agents", "12")
    assert "Agents on the phones: 12 (given; misses the target)" in r.out
    assert "Average speed of answer: unbounded" in r.out
    # The window around 12 runs on to the 17 the target needs.
    assert [row.split()[0] for row in r.out.splitlines()[-8:]] == [
        str(n) for n in range(10, 18)
    ]
    data = json.loads(run_main(*DOCS, "--agents", "1", "--json").out)
    assert data["asa"] is None
    assert data["meets_target"] is False
    assert [row["agents"] for row in data["table"]] == [1, 2, 3, 4, 16, 17]


def test_no_contacts():
    r = run_main("staffing", "--volume", "0/day", "--aht", "5m", "--target", "80/20s")
    assert r.out.splitlines()[-1] == "No contacts, so no agents are needed."
    data = json.loads(
        run_main(
            "staffing", "--volume", "0/h", "--aht", "5m", "--target", "80/20s", "--json"
        ).out
    )
    assert data["agents"] == 0
    assert data["scheduled_agents"] == 0
    assert data["service_level"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--volume", "1200", "--aht", "5m", "--target", "80/20s"),
            "--volume: cannot read '1200'",
        ),
        (
            ("--volume", "1200/day", "--aht", "0s", "--target", "80/20s"),
            "--aht: must be more than 0",
        ),
        (
            ("--volume", "1200/day", "--aht", "five", "--target", "80/20s"),
            "--aht: cannot read 'five'",
        ),
        (
            ("--volume", "1200/day", "--aht", "5m", "--target", "80"),
            "--target: cannot read '80'",
        ),
        (
            ("--volume", "1200/day", "--aht", "5m", "--target", "100/20s"),
            "--target: '100' is not a share more than 0 and below 100 %",
        ),
        (
            (
                "--volume",
                "1200/day",
                "--aht",
                "5m",
                "--target",
                "80/20s",
                "--shrinkage",
                "100%",
            ),
            "--shrinkage: '100%' is not a share",
        ),
        (
            ("--volume", "150/h", "--aht", "5m", "--target", "80/20s", "--open", "8h"),
            "--open: only a daily or weekly",
        ),
        (
            (
                "--volume",
                "1200/day",
                "--aht",
                "5m",
                "--target",
                "80/20s",
                "--open",
                "25h",
            ),
            "--open: must be more than 0 and at most 24h",
        ),
        (
            (
                "--volume",
                "1200/day",
                "--aht",
                "5m",
                "--target",
                "80/20s",
                "--agents",
                "0",
            ),
            "--agents: must be 1 to 1,000,000",
        ),
        (
            ("--volume", "1e9/h", "--aht", "5m", "--target", "80/20s"),
            "--volume: cannot read",
        ),
        (
            ("--volume", "999999999/h", "--aht", "5m", "--target", "80/20s"),
            "--volume: '999999999/h' at --aht '5m' needs over 1,000,000 agents",
        ),
        (("--aht", "5m", "--target", "80/20s"), "required: --volume"),
    ],
)
def test_bad_input(args, message):
    r = run_main("staffing", *args)
    assert r.status == 2
    assert r.out == ""
    assert r.err.startswith("servicekit: error: ")
    assert message in r.err


def test_help_shows_an_example():
    r = run_main("staffing", "--help")
    assert "servicekit staffing --volume 1200/day --aht 6m --target 80/20s" in r.out


def test_entry_point():
    ok = run_entry_point(
        "staffing", "--volume", "1200/day", "--aht", "6m", "--target", "80/20s"
    )
    assert ok.status == 0, ok.err
    assert ok.out.startswith("Staffing for 1200 contacts per day")
    assert ok.err == ""
    bad = run_entry_point(
        "staffing", "--volume", "lots", "--aht", "6m", "--target", "80/20s"
    )
    assert bad.status == 2
    assert bad.out == ""
    assert "--volume: cannot read 'lots' as a volume" in bad.err


def test_long_handling_and_an_immediate_answer():
    r = run_main(
        "staffing", "--volume", "16/day", "--aht", "1h30m", "--target", "50/0s"
    )
    assert heading(r.out).endswith("AHT 1 h 30 min, target 50 % answered within 0 s")
    assert "Traffic: 3.00 Erlangs" in r.out


# --- Regression tests for the review's defects -----------------------------------


@pytest.mark.parametrize("command", ["demo", "due", "sla", "score", "staffing"])
def test_help_never_shows_a_doubled_percent_sign(command):
    r = run_main(command, "--help")
    assert r.status == 0
    assert "%%" not in r.out
    top = run_main("--help")
    assert "%%" not in top.out


def test_help_describes_the_target_with_one_percent_sign():
    out = run_main("staffing", "--help").out
    assert "80 % answered within 20 s" in " ".join(out.split())


def test_given_head_count_table_includes_the_needed_one():
    args = ("staffing", "--volume", "1200/day", "--aht", "6m", "--target", "80/20s")
    r = run_main(*args, "--agents", "10")
    assert r.status == 0, r.err
    assert "Fewest agents that meet the target: 19" in r.out
    table = r.out.splitlines()[
        r.out.splitlines().index(
            f"{'agents':>6}  {'service level':>13}  {'ASA':>10}  {'occupancy':>9}"
        )
        + 1 :
    ]
    assert [line.split()[0] for line in table] == [
        "8", "9", "10", "11", "12", "13", "…", "18", "19",
    ]  # fmt: skip
    assert table[-1].endswith("fewest that meet the target")
    data = json.loads(run_main(*args, "--agents", "10", "--json").out)
    assert data["agents_needed"] == 19
    assert [row["agents"] for row in data["table"]][-2:] == [18, 19]


def test_service_levels_below_the_target_never_read_as_reaching_it():
    args = ("staffing", "--volume", "150/h", "--aht", "6m", "--target", "99.99/0s")
    data = json.loads(run_main(*args, "--json").out)
    text = run_main(*args).out
    rows = text.splitlines()[-len(data["table"]) :]
    for row, line in zip(data["table"], rows, strict=True):
        shown = float(line.split()[1])
        assert (shown < 99.99) == (row["service_level"] < 0.9999), line
    assert "99.98 %" in text
    given_ = run_main(*args, "--agents", "31").out
    assert "Service level: 99.98 % answered within 0 s" in given_


@pytest.mark.parametrize(
    ("share", "target", "shown"),
    [
        (0.79996, 0.8, "79.996 %"),
        (0.8, 0.8, "80.0 %"),
        (0.99989999999, 0.9999, "99.989999 %"),
        (0.99999999999, 0.9999, "100.0 %"),
        (0.5, 0.8, "50.0 %"),
    ],
)
def test_service_level_decimals(share, target, shown):
    from servicekit.cli._staffing import _level, _number  # noqa: PLC0415

    assert _level(share, target, _number(100 * target)) == shown


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--aht", "9" * 20 + "h"),
        ("--open", "9" * 30 + "d"),
        ("--target", "80/" + "9" * 40),
    ],
)
def test_absurd_durations_name_the_option(option, value):
    options = {"--aht": "5m", "--target": "80/20s", "--open": "8h", option: value}
    argv = [part for item in options.items() for part in item]
    r = run_main("staffing", "--volume", "1200/day", *argv)
    assert r.status == 2
    assert r.err.startswith(f"servicekit: error: {option}: "), r.err


STAFFING_OPTIONS = {
    "--volume": "1200/day",
    "--aht": "5m",
    "--target": "80/20s",
    "--open": "8h",
    "--shrinkage": "15%",
    "--agents": "17",
    "--patience": "2m",
    "--answer-rate": "95%",
}


@given(
    st.dictionaries(st.sampled_from(list(STAFFING_OPTIONS)), st.text(max_size=30)),
    st.booleans(),
)
def test_staffing_options_never_give_a_traceback(changed, as_json):
    options = {**STAFFING_OPTIONS, **changed}
    argv = [part for item in options.items() for part in item]
    r = run_main("staffing", *argv, *(["--json"] if as_json else []))
    assert r.status in {0, 2}
    assert "Traceback" not in r.err


SHARE_SPELLINGS = ["80%", "80", "0.8", "80.0", " 80 % "]


@pytest.mark.parametrize("share", SHARE_SPELLINGS)
def test_target_of_0_8_means_80_percent_not_0_8_percent(share):
    """`--target 0.8/20s` once planned for 0.8 % answered within 20 s."""
    r = run_main("staffing", *DOCS[1:5], "--target", f"{share}/20s", "--json")
    assert r.status == 0, r.err
    assert json.loads(r.out)["target"]["service_level"] == pytest.approx(0.8)


@pytest.mark.parametrize(("text", "share"), [("0.3", 0.3), ("30", 0.3), ("30%", 0.3)])
def test_shrinkage_of_0_3_means_30_percent_not_0_3_percent(text, share):
    r = run_main(*DOCS, "--shrinkage", text, "--json")
    assert r.status == 0, r.err
    assert json.loads(r.out)["shrinkage"] == pytest.approx(share)


def test_half_a_percent_needs_its_percent_sign():
    r = run_main(*DOCS, "--shrinkage", "0.5%", "--json")
    assert json.loads(r.out)["shrinkage"] == pytest.approx(0.005)


@pytest.mark.parametrize("option", ["--target", "--shrinkage"])
def test_bare_one_is_refused_as_ambiguous(option):
    value = "1/20s" if option == "--target" else "1"
    args = (
        [*DOCS, option, value]
        if option == "--shrinkage"
        else [*DOCS[:5], option, value]
    )
    r = run_main(*args)
    assert r.status == 2
    assert f"{option}: a bare 1 could mean 1 % or 100 %; write 1%" in r.err


def test_help_says_how_shares_are_read():
    r = run_main("staffing", "--help")
    assert "80%, 80 and 0.8 all mean 80 %" in r.out


def test_huge_aht_is_blamed_on_aht_not_volume():
    """A 1,000,000,000 h handling time was reported as a --volume problem."""
    r = run_main(*DOCS[:3], "--aht", "1000000000h", "--target", "80/20s")
    assert r.status == 2
    assert r.err.startswith("servicekit: error: --aht: '1000000000h' per contact")
    assert "Erlangs" not in r.err


def test_huge_numbers_are_quoted_short_not_echoed():
    """A 400-digit number used to come back whole in the message."""
    huge = "9" * 400
    for args in (
        ("--volume", f"{huge}/day", "--aht", "6m", "--target", "80/20s"),
        ("--volume", "1200/day", "--aht", "6m", "--target", f"{huge}/20s"),
        (*DOCS[1:], "--agents", huge),
        (*DOCS[1:], "--shrinkage", huge),
    ):
        r = run_main("staffing", *args)
        assert r.status == 2
        assert huge not in r.err
        assert len(r.err) < 300


# --- callers who hang up: --patience (Erlang A) and --answer-rate (issue 15) ---------

USERS_DESK = ("staffing", "--volume", "1200/day", "--aht", "6m", "--patience", "2m")


def test_answer_rate_alone_plans_the_users_95_percent_answered():
    """USERS.md: 1,200 requests a day, 95 % answered; callers hang up after 2 minutes."""
    r = run_main(*USERS_DESK, "--answer-rate", "95%", "--json")
    assert r.status == 0, r.err
    facts = json.loads(r.out)
    plan = erlang_a_plan(answer_rate=0.95)
    assert facts["model"] == "erlang_a"
    assert facts["patience"] == "PT2M"
    assert facts["agents"] == plan.agents
    assert facts["answer_rate"] == pytest.approx(plan.answer_rate)
    # No --target: no answer time, so no service level is claimed.
    assert facts["target"] == {
        "service_level": None,
        "answer_within": None,
        "answer_rate": 0.95,
    }
    assert all(row["service_level"] is None for row in facts["table"])
    below = next(row for row in facts["table"] if row["agents"] == plan.agents - 1)
    assert below["answer_rate"] < 0.95 <= facts["answer_rate"]


def test_answer_rate_text_shows_the_answered_column_and_no_service_level():
    r = run_main(*USERS_DESK, "--answer-rate", "95%")
    assert r.status == 0, r.err
    lines = r.out.splitlines()
    assert heading(r.out).endswith("target 95 % answered")
    assert "Callers hang up after 2 min on average (Erlang A)" in lines
    assert not any(line.startswith("Service level") for line in lines)
    header = lines[lines.index("") + 1].split()
    assert header == ["agents", "answered", "ASA", "occupancy"]


def test_both_targets_need_both_met():
    r = run_main(*USERS_DESK, "--target", "80/20s", "--answer-rate", "95", "--json")
    assert r.status == 0, r.err
    facts = json.loads(r.out)
    plan = erlang_a_plan(answer_rate=0.95, service_level=0.8)
    assert facts["agents"] == plan.agents
    for row in facts["table"]:
        meets = row["service_level"] >= 0.8 and row["answer_rate"] >= 0.95
        assert meets == (row["agents"] >= plan.agents)


def test_patience_with_a_service_level_target_is_erlang_a_not_c():
    """Callers who hang up make a queue look better than Erlang C says."""
    with_patience = json.loads(
        run_main(*USERS_DESK, "--target", "80/20s", "--json").out
    )
    without = json.loads(run_main(*DOCS[:4], "6m", "--target", "80/20s", "--json").out)
    assert without["model"] == "erlang_c"
    assert without["answer_rate"] is None
    assert with_patience["agents"] == erlang_a_plan(service_level=0.8).agents
    assert with_patience["agents"] <= without["agents"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--answer-rate", "95%"), "--answer-rate: needs --patience"),
        ((), "--target: required"),
        (("--patience", "0s", "--target", "80/20s"), "--patience: must be more than 0"),
        (("--patience", "soon", "--target", "80/20s"), "--patience"),
        (("--patience", "2m", "--answer-rate", "1"), "--answer-rate"),
        (("--patience", "2m", "--answer-rate", "0%"), "--answer-rate"),
    ],
)
def test_bad_abandonment_options_name_the_option(args, message):
    r = run_main("staffing", "--volume", "1200/day", "--aht", "6m", *args)
    assert r.status == 2
    assert message in r.err
    assert r.out == ""


def erlang_a_plan(**targets):
    from servicekit.workforce import required_agents as plan  # noqa: PLC0415

    return plan(
        volume=1200,
        period=dt.timedelta(hours=8),
        aht=dt.timedelta(minutes=6),
        target_answer=dt.timedelta(seconds=20),
        patience=dt.timedelta(minutes=2),
        **targets,
    )

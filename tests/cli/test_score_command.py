"""`servicekit score`: the same table as `segment_table` on the same rows."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.cli_run import run_entry_point, run_main
from servicekit.scoring import (
    CsatMeasure,
    IndexMeasure,
    MeanMeasure,
    NpsMeasure,
    ShareMeasure,
    segment_table,
)

RESPONSES = str(
    Path(__file__).resolve().parents[2] / "examples" / "cli" / "responses.csv"
)
DIMENSIONS = ("response_speed", "resolution", "attitude", "follow_up")


def rows():
    with Path(RESPONSES).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def expected(measure, by, period=None, **kwargs):
    field = measure.field
    data = []
    for row in rows():
        out = {by: row[by]}
        if period:
            out[period] = row[period]
        if isinstance(measure, IndexMeasure):
            out["ratings"] = {d: int(row[d]) for d in DIMENSIONS if row[d]}
        elif isinstance(measure, ShareMeasure):
            out[field] = row[field] == "yes"
        else:
            out[field] = int(row[field])
        data.append(out)
    return segment_table(
        data, by=by, period=period, measure=measure, **kwargs
    ).to_dict()


@pytest.mark.parametrize(
    ("args", "measure"),
    [
        (("--measure", "nps"), NpsMeasure()),
        (("--measure", "csat"), CsatMeasure()),
        (("--measure", "mean"), MeanMeasure()),
        (("--measure", "fcr"), ShareMeasure()),
        (("--measure", "index"), IndexMeasure()),
    ],
)
def test_json_equals_segment_table(args, measure):
    r = run_main(
        "score", RESPONSES, "--by", "city", "--period", "month", *args, "--json"
    )
    assert r.status == 0, r.err
    assert r.err == ""
    assert json.loads(r.out) == expected(measure, "city", "month")


def test_options_reach_the_table():
    r = run_main(
        "score",
        RESPONSES,
        "--by",
        "channel",
        "--top",
        "1",
        "--bottom",
        "1",
        "--min-n",
        "90",
        "--json",
    )
    assert json.loads(r.out) == expected(
        NpsMeasure(), "channel", min_n=90, top_k=1, bottom_k=1
    )


def test_table_known_answers():
    r = run_main("score", RESPONSES, "--by", "city", "--period", "month")
    lines = r.out.splitlines()
    assert lines[0] == (
        "NPS (points) by city and month: 384 responses from "
        f"{RESPONSES}, 95 % intervals; ranked when n >= 30"
    )
    table = expected(NpsMeasure(), "city", "month")
    first = next(
        x
        for x in table["rows"]
        if x["segment"] == "Hohhot" and x["period"] == "2025-01"
    )
    hohhot = next(line for line in lines if line.startswith("Hohhot"))
    assert hohhot.split()[:3] == ["Hohhot", "70", f"{first['estimate']['value']:.1f}"]
    assert "month 2025-02: overall" in r.out
    assert "change" in lines[lines.index("") + 2]
    wuhai = [line for line in lines if line.startswith("Wuhai")]
    assert all(line.endswith("too few to rank") for line in wuhai)
    assert wuhai[0].split()[5] == "-"  # the interval is two words
    assert "not significant" in wuhai[1]


def test_without_period_there_is_no_change_column():
    r = run_main("score", RESPONSES, "--by", "channel", "--measure", "index")
    lines = r.out.splitlines()
    assert lines[0].startswith("satisfaction index (0-100) by channel: 384 responses")
    assert lines[2].startswith("all periods: overall")
    assert lines[3].split() == [
        "segment",
        "n",
        "value",
        "interval",
        "rank",
        "shrunk",
        "shrunk",
        "rank",
        "marks",
    ]


def test_field_names_another_column(tmp_path):
    target = tmp_path / "r.csv"
    target.write_text(
        "agent,score,solved\n" + "Li,9,Yes\nLi,10,no\nWang,3,1\nWang,,0\n" * 10
    )
    r = run_main("score", str(target), "--by", "agent", "--field", "score", "--json")
    data = [
        {"agent": a, "score": s} for a, s in [("Li", 9), ("Li", 10), ("Wang", 3)] * 10
    ]
    assert (
        json.loads(r.out)
        == segment_table(data, by="agent", measure=NpsMeasure(field="score")).to_dict()
    )
    fcr = run_main(
        "score",
        str(target),
        "--by",
        "agent",
        "--measure",
        "fcr",
        "--field",
        "solved",
        "--json",
    )
    shares = {x["segment"]: x["estimate"]["value"] for x in json.loads(fcr.out)["rows"]}
    assert shares == {"Li": 50.0, "Wang": 50.0}


def write(tmp_path, text):
    target = tmp_path / "r.csv"
    target.write_text(text)
    return str(target)


@pytest.mark.parametrize(
    ("text", "args", "where", "message"),
    [
        (
            "city,rating\nA,5\n",
            (),
            ', line 1, field "nps"',
            "no such column; the header has: city, rating",
        ),
        (
            "city,nps\nA,5\n",
            ("--period", "month"),
            ', line 1, field "month"',
            "no such column",
        ),
        ("town,nps\nA,5\n", (), ', line 1, field "city"', "no such column"),
        (
            "city,nps\nA,9\nB,nine\n",
            (),
            ', line 3, field "nps"',
            "'nine' is not a number",
        ),
        (
            "city,nps\nA,9\nB,11\n",
            (),
            ', line 3, field "nps"',
            "'11' is out of range; answers are whole numbers 0-10",
        ),
        ("city,nps\nA,9.5\n", (), ', line 2, field "nps"', "out of range"),
        (
            "city,rating\nA,0\n",
            ("--measure", "csat"),
            ', line 2, field "rating"',
            "whole numbers 1-5",
        ),
        (
            "city,resolved\nA,maybe\n",
            ("--measure", "fcr"),
            ', line 2, field "resolved"',
            "'maybe' is not yes or no",
        ),
        (
            "city,nps\n,9\n",
            (),
            ', line 2, field "city"',
            "empty; every response needs one",
        ),
        (
            "city,response_speed,resolution,attitude,follow_up\nA,5,5,6,\n",
            ("--measure", "index"),
            ', line 2, field "attitude"',
            "out of range",
        ),
        (
            "city,response_speed,resolution,attitude\nA,5,5,5\n",
            ("--measure", "index"),
            ', line 1, field "follow_up"',
            "no such column",
        ),
        ("city,nps\nA,\nB,\n", (), "", "no answered responses in the column(s) nps"),
        (
            "city,response_speed,resolution,attitude,follow_up\nA,,,,\n",
            ("--measure", "index"),
            "",
            "no answered responses",
        ),
        ("city,nps\nA,9,1\n", (), ", line 2", "3 cells but the header names 2 columns"),
    ],
)
def test_bad_csv(tmp_path, text, args, where, message):
    path = write(tmp_path, text)
    r = run_main("score", path, "--by", "city", *args)
    assert r.status == 2
    assert r.out == ""
    assert r.err.startswith(f"servicekit: error: {path}{where}: "), r.err
    assert message in r.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--top", "-1"), "--top: must be 0 or more"),
        (("--bottom", "-2"), "--bottom: must be 0 or more"),
        (("--min-n", "0"), "--min-n: must be 1 or more"),
        (
            ("--measure", "index", "--field", "x"),
            "--field: the index reads the columns",
        ),
        (("--measure", "happiness"), "invalid choice: 'happiness'"),
    ],
)
def test_bad_options(args, message):
    r = run_main("score", RESPONSES, "--by", "city", *args)
    assert (r.status, r.out) == (2, "")
    assert message in r.err


def test_missing_file(tmp_path):
    r = run_main("score", str(tmp_path / "none.csv"), "--by", "city")
    assert (r.status, r.out) == (2, "")
    assert r.err == f"servicekit: error: {tmp_path / 'none.csv'}: no such file\n"


def test_help_shows_an_example():
    assert (
        "servicekit score examples/cli/responses.csv --by city --period month"
        in run_main("score", "--help").out
    )


def test_entry_point(tmp_path):
    ok = run_entry_point("score", RESPONSES, "--by", "city", "--period", "month")
    assert ok.status == 0, ok.err
    assert ok.err == ""
    assert ok.out.startswith("NPS (points) by city and month: 384 responses")
    path = write(tmp_path, "city,nps\nA,9\nB,x\n")
    bad = run_entry_point("score", path, "--by", "city")
    assert bad.status == 2
    assert bad.out == ""
    assert bad.err.startswith(f'servicekit: error: {path}, line 3, field "nps": ')


# --- Regression tests for the review's defects -----------------------------------


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (
            'city,nps\nA,9\n"B,7\nC,8\nD,10\nE,3\n',
            ', line 3, field "city"',
            "a quoted field is never closed",
        ),
        (
            'city,nps\r\nA,9\r\nB,"7\r\nC,8\r\n',
            ', line 3, field "nps"',
            "a quoted field is never closed",
        ),
        (
            "city,nps\nA,9\nB\n",
            ', line 3, field "nps"',
            "1 cells but the header names 2 columns; this column is missing",
        ),
    ],
)
def test_unterminated_quote_and_short_rows_lose_no_rows_silently(
    tmp_path, text, where, message
):
    target = tmp_path / "r.csv"
    target.write_bytes(text.encode())
    r = run_main("score", str(target), "--by", "city")
    assert (r.status, r.out) == (2, "")
    assert r.err.startswith(f"servicekit: error: {target}{where}: "), r.err
    assert message in r.err


def test_crlf_bom_and_quoted_commas_are_read(tmp_path):
    target = tmp_path / "r.csv"
    body = '"Hohhot, IM",9\r\n"Baotou, IM",7\r\n' * 20
    target.write_bytes(("\ufeffcity,nps\r\n" + body).encode())
    r = run_main("score", str(target), "--by", "city", "--json")
    assert r.status == 0, r.err
    data = json.loads(r.out)
    assert sorted(row["segment"] for row in data["rows"]) == [
        "Baotou, IM",
        "Hohhot, IM",
    ]
    text = run_main("score", str(target), "--by", "city").out
    assert "40 responses" in text.splitlines()[0]


SCORE_OPTIONS = {
    "RESPONSES": RESPONSES,
    "--by": "city",
    "--period": "month",
    "--measure": "nps",
    "--field": "nps",
    "--top": "5",
    "--bottom": "3",
    "--min-n": "30",
}


@given(
    st.dictionaries(st.sampled_from(list(SCORE_OPTIONS)), st.text(max_size=30)),
    st.booleans(),
)
def test_score_options_never_give_a_traceback(changed, as_json):
    options = {**SCORE_OPTIONS, **changed}
    path = options.pop("RESPONSES")
    argv = [part for item in options.items() for part in item]
    r = run_main("score", path, *argv, *(["--json"] if as_json else []))
    assert r.status in {0, 2}
    assert "Traceback" not in r.err


def test_one_response_is_singular(tmp_path):
    """The header said "1 responses"."""
    path = tmp_path / "r.csv"
    path.write_text("city,nps\nA,9\n")
    r = run_main("score", str(path), "--by", "city")
    assert r.status == 0, r.err
    assert ": 1 response from " in r.out

"""`servicekit sla`: the same reports as `evaluate`, and errors that name file, line, field."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from pathlib import Path

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st
from wcwidth import wcswidth

from cli.cli_run import run_entry_point, run_main
from servicekit.sla import PolicySet, SlaTarget, TicketEvent, evaluate
from servicekit.sla.presets import RESULT_NOTICE, SERVICE_STANDARD

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cli"
EVENTS = str(EXAMPLES / "events.jsonl")
POLICIES = str(EXAMPLES / "policies.json")
NOW = "2025-01-31T18:00+08:00"


def reference(path, policies, now):
    """Group the export by hand and call the library directly."""
    groups = defaultdict(list)
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        ticket = data.pop("ticket_id", None) or data.pop("ticket")
        groups[ticket].append(TicketEvent.from_dict(data))
    return {
        t: evaluate(policies, events, now).to_dict() for t, events in groups.items()
    }


def test_json_matches_evaluate():
    r = run_main("sla", EVENTS, "--policies", POLICIES, "--now", NOW, "--json")
    assert r.status == 0, r.err
    assert r.err == ""
    data = json.loads(r.out)
    policies = PolicySet.from_dict(
        json.loads(Path(POLICIES).read_text(encoding="utf-8"))
    )
    expected = reference(EVENTS, policies, pendulum.parse(NOW))
    assert [d["ticket_id"] for d in data] == [
        "T-1001",
        "T-1002",
        "T-1003",
        "T-1004",
        "T-1005",
    ]
    assert {d["ticket_id"]: d["report"] for d in data} == expected


def test_table_known_answers():
    r = run_main("sla", EVENTS, "--policies", POLICIES, "--now", NOW)
    lines = r.out.splitlines()
    assert lines[0].startswith("SLA at 2025-01-31 18:00 +08:00; policies: ")
    assert lines[0].endswith("policies.json")
    assert lines[2].split() == [
        "ticket",
        "policy",
        "status",
        "metric",
        "state",
        "due",
        "remaining",
        "breached",
        "at",
    ]
    rows = {
        line.split()[0]: line.split() for line in lines[3:] if line.startswith("T-")
    }
    # T-1002: 4 business hours from Mon 27 Jan 17:30; the Spring Festival closes
    # 28 Jan - 4 Feb, so 0:30 on Monday and 3:30 on Wednesday 5 February.
    assert rows["T-1002"][:9] == [
        "T-1002",
        "standard",
        "open",
        "first_response",
        "running",
        "2025-02-05",
        "14:00",
        "+08:00",
        "3:30",
    ]
    # T-1003: urgent, 15 minutes round the clock, answered after 40: breached at 10:15.
    assert rows["T-1003"][4:] == [
        "breached",
        "2025-01-26",
        "10:15",
        "+08:00",
        "-0:25",
        "2025-01-26",
        "10:15",
        "+08:00",
    ]
    assert re.search(r"\bresolution +paused\b", r.out)
    assert lines[-1] == (
        "5 tickets, 2 breached (T-1003, T-1004); next change 2025-02-05 10:00 +08:00 (ticket T-1004)"
    )


def test_default_policies_are_said():
    r = run_main("sla", EVENTS, "--now", NOW)
    assert (
        "policies: the built-in service standard (no --policies given)"
        in r.out.splitlines()[0]
    )
    data = json.loads(run_main("sla", EVENTS, "--now", NOW, "--json").out)
    expected = reference(EVENTS, SERVICE_STANDARD, pendulum.parse(NOW))
    assert {d["ticket_id"]: d["report"] for d in data} == expected


def test_without_now_the_clock_is_read():
    r = run_main("sla", EVENTS, "--json")
    assert r.status == 0, r.err
    now = pendulum.parse(json.loads(r.out)[0]["report"]["now"])
    assert abs((pendulum.now("UTC") - now).total_seconds()) < 600


SUMMARY = re.compile(r"^[\d,]+ tickets?, ", re.MULTILINE)


def write(tmp_path, lines, name="events.jsonl"):
    target = tmp_path / name
    target.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    )
    return str(target)


CREATED = {"at": "2025-03-03T10:00:00+08:00", "kind": "created", "priority": "normal"}
REPLY = {"at": "2025-03-03T10:10:00+08:00", "kind": "agent_reply"}
SOLVED = {
    "at": "2025-03-03T11:00:00+08:00",
    "kind": "status_changed",
    "status": "solved",
}
LATER = "2025-03-03T12:00+08:00"


def test_ids_sort_numbers_first_and_nothing_running(tmp_path):
    path = write(
        tmp_path,
        [
            {"ticket_id": "b", **CREATED},
            {"ticket_id": 10, **CREATED},
            {"ticket_id": 2, **CREATED},
            {"ticket": "a", **CREATED},
            *({"ticket_id": t, **SOLVED} for t in ("b", 10, 2)),
            {"ticket": "a", **SOLVED},
        ],
    )
    data = json.loads(run_main("sla", path, "--now", LATER, "--json").out)
    assert [d["ticket_id"] for d in data] == ["2", "10", "a", "b"]
    table = run_main("sla", path, "--now", LATER).out
    assert (
        table.splitlines()[-1]
        == "4 tickets, 4 breached (2, 10, a, b); no clock running"
    )
    one = write(
        tmp_path,
        [{"ticket_id": "x", **CREATED}, {"ticket_id": "x", **REPLY}],
        "one.jsonl",
    )
    assert (
        run_main("sla", one, "--now", "2025-03-03T10:12+08:00")
        .out.splitlines()[-1]
        .startswith("1 ticket, 0 breached; next change")
    )


@pytest.mark.parametrize(
    ("lines", "line", "field", "message"),
    [
        ([{"ticket_id": "t", **CREATED}, "{not json"], 2, None, "not JSON"),
        ([{"ticket_id": "t", **CREATED}, "[1, 2]"], 2, None, "must be a JSON object"),
        ([{"ticket_id": "t", **CREATED}, REPLY], 2, "ticket_id", "missing"),
        ([{"ticket_id": True, **CREATED}], 1, "ticket_id", "a ticket id must be"),
        ([{"ticket": "", **CREATED}], 1, "ticket", "a ticket id must be"),
        (
            [{"ticket_id": "t", **CREATED, "at": "2025-03-03T10:00"}],
            1,
            "at",
            "no UTC offset",
        ),
        ([{"ticket_id": "t", "kind": "created"}], 1, "at", "at"),
        ([{"ticket_id": "t", "at": CREATED["at"]}], 1, "kind", "kind"),
        ([{"ticket_id": "t", **CREATED, "kind": "born"}], 1, "kind", "born"),
        (
            [
                {"ticket_id": "t", **CREATED},
                {"ticket_id": "t", **REPLY, "priority": "high"},
            ],
            2,
            "priority",
            "does not carry priority",
        ),
        ([{"ticket_id": "t", **CREATED, "tier": "gold"}], 1, "tier", "gold"),
        (
            [
                {"ticket_id": "t", **CREATED},
                {"ticket_id": "t", "at": SOLVED["at"], "kind": "status_changed"},
            ],
            2,
            "status",
            "needs status",
        ),
        (
            [
                {"ticket_id": "t", **CREATED},
                {"ticket_id": "t", **REPLY, "at": "2025-03-04T10:00:00+08:00"},
            ],
            2,
            "at",
            "after --now",
        ),
        (
            [
                {"ticket_id": "t", **CREATED},
                {"ticket_id": "u", **REPLY},
                {"ticket_id": "u", **SOLVED},
            ],
            2,
            "kind",
            "ticket 'u' has no CREATED event",
        ),
        (
            [
                {"ticket_id": "t", **CREATED},
                {"ticket_id": "t", **REPLY},
                {"ticket_id": "t", **CREATED, "at": "2025-03-03T10:30:00+08:00"},
            ],
            3,
            "kind",
            "ticket 't'",
        ),
        (
            [
                {"ticket_id": "t", **CREATED},
                {
                    "ticket_id": "t",
                    "at": "2025-03-03T10:20:00+08:00",
                    "kind": "status_changed",
                    "status": "closed",
                },
                {
                    "ticket_id": "t",
                    "at": "2025-03-03T10:30:00+08:00",
                    "kind": "reopened",
                },
            ],
            3,
            "kind",
            "ticket 't'",
        ),
        (
            [
                {"ticket_id": "t", **CREATED},
                {
                    "ticket_id": "t",
                    "at": "2025-03-03T10:20:00+08:00",
                    "kind": "status_changed",
                    "status": "closed",
                },
                {
                    "ticket_id": "t",
                    "at": "2025-03-03T10:30:00+08:00",
                    "kind": "status_changed",
                    "status": "open",
                },
            ],
            3,
            "status",
            "ticket 't'",
        ),
        ([], None, None, "has no events"),
    ],
)
def test_bad_lines(tmp_path, lines, line, field, message):
    path = write(tmp_path, lines)
    r = run_main("sla", path, "--now", LATER)
    assert r.status == 2
    # Tickets are printed as they are read: one before the bad one may be, but
    # the summary line that ends a complete table never is.
    assert not SUMMARY.search(r.out)
    if line is None or "ticket 'u'" not in message:
        assert r.out == ""
    where = (
        path
        + (f", line {line}" if line else "")
        + (f', field "{field}"' if field else "")
    )
    assert r.err.startswith(f"servicekit: error: {where}: "), r.err
    assert message in r.err


def test_no_matching_policy_names_the_created_line(tmp_path):
    only_urgent = {"policies": [SERVICE_STANDARD.to_dict()["policies"][0]]}
    policies = tmp_path / "p.json"
    policies.write_text(json.dumps(only_urgent))
    path = write(tmp_path, [{"ticket_id": "t", **REPLY}, {"ticket_id": "t", **CREATED}])
    r = run_main("sla", path, "--policies", str(policies), "--now", LATER)
    assert r.status == 2
    assert r.out == ""
    assert r.err.startswith(f"servicekit: error: {path}, line 2: ticket 't': ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"policies": [\n  }', ", line 2: not JSON"),
        (
            '{"policies": 3}',
            ', field "policies": PolicySet data is unusable: at $.policies: expected',
        ),
        ("[]", ', field "policies": '),
    ],
)
def test_bad_policies(tmp_path, text, expected):
    policies = tmp_path / "p.json"
    policies.write_text(text)
    r = run_main("sla", EVENTS, "--policies", str(policies), "--now", NOW)
    assert r.status == 2
    assert r.out == ""
    assert r.err.startswith(f"servicekit: error: {policies}{expected}"), r.err


def test_missing_files_and_bad_now(tmp_path):
    missing = run_main("sla", str(tmp_path / "none.jsonl"), "--now", NOW)
    assert (missing.status, missing.out) == (2, "")
    assert (
        missing.err == f"servicekit: error: {tmp_path / 'none.jsonl'}: no such file\n"
    )
    folder = run_main("sla", str(tmp_path), "--now", NOW)
    assert (folder.status, folder.out) == (2, "")
    assert "is a directory" in folder.err
    naive = run_main("sla", EVENTS, "--now", "2025-01-31T18:00")
    assert (naive.status, naive.out) == (2, "")
    assert "--now: '2025-01-31T18:00' has no UTC offset" in naive.err
    no_policies = run_main(
        "sla", EVENTS, "--policies", str(tmp_path / "p.json"), "--now", NOW
    )
    assert "p.json: no such file" in no_policies.err


def test_help_shows_an_example():
    r = run_main("sla", "--help")
    assert (
        "servicekit sla examples/cli/events.jsonl --policies examples/cli/policies.json"
        in r.out
    )


def test_entry_point(tmp_path):
    ok = run_entry_point("sla", EVENTS, "--policies", POLICIES, "--now", NOW)
    assert ok.status == 0, ok.err
    assert ok.err == ""
    assert ok.out.splitlines()[-1].startswith("5 tickets, 2 breached")
    path = write(
        tmp_path,
        [{"ticket_id": "t", **CREATED}, {"ticket_id": "t", **REPLY, "at": "yesterday"}],
    )
    bad = run_entry_point("sla", path, "--now", LATER)
    assert bad.status == 2
    assert bad.out == ""
    assert bad.err.startswith(f'servicekit: error: {path}, line 2, field "at": ')


# --- Regression tests for the review's defects -----------------------------------


def test_out_of_range_instant_names_the_at_field(tmp_path):
    path = write(
        tmp_path,
        [{"ticket_id": "T-1", "at": "9999-12-31T23:59:59+08:00", "kind": "created"}],
    )
    r = run_main("sla", path, "--now", LATER)
    assert r.status == 2
    assert r.err.startswith(f'servicekit: error: {path}, line 1, field "at": '), r.err


def test_unknown_event_keys_are_warned_about_and_ignored(tmp_path):
    path = write(
        tmp_path,
        [
            {"ticket_id": "T-1", **CREATED, "priorty": "high", "note": 1},
            {"ticket_id": "T-1", **REPLY},
        ],
    )
    r = run_main("sla", path, "--now", LATER)
    assert r.status == 0, r.err
    warnings = r.err.splitlines()
    assert warnings == [
        f"servicekit: warning: {path}, line 1: unknown key {key!r} ignored; an "
        "event's keys are ticket_id, ticket, at, kind, priority, tier, channel, "
        "category, status, attributes"
        for key in ("priorty", "note")
    ]
    assert r.out.splitlines()[-1].startswith("1 ticket, ")


def test_numeric_and_text_ticket_ids_are_one_ticket(tmp_path):
    path = write(
        tmp_path,
        [{"ticket_id": 1, **CREATED}, {"ticket_id": "1", **SOLVED}],
    )
    r = run_main("sla", path, "--now", LATER)
    assert r.status == 0, r.err
    assert r.out.splitlines()[-1].startswith("1 ticket, ")
    data = json.loads(run_main("sla", path, "--now", LATER, "--json").out)
    assert [(d["ticket_id"], d["report"]["status"]) for d in data] == [("1", "solved")]


def test_ids_of_digits_sort_by_number_and_keep_their_text(tmp_path):
    path = write(
        tmp_path,
        [{"ticket_id": t, **CREATED} for t in ("10", 9, "007", "x")],
    )
    data = json.loads(run_main("sla", path, "--now", LATER, "--json").out)
    assert [d["ticket_id"] for d in data] == ["007", "9", "10", "x"]


SLA_OPTIONS = {"--policies": POLICIES, "--now": NOW}


@given(
    st.dictionaries(st.sampled_from(["EVENTS", *SLA_OPTIONS]), st.text(max_size=30)),
    st.booleans(),
)
def test_sla_options_never_give_a_traceback(changed, as_json):
    events = changed.pop("EVENTS", EVENTS)
    options = {**SLA_OPTIONS, **changed}
    argv = [part for item in options.items() for part in item]
    r = run_main("sla", events, *argv, *(["--json"] if as_json else []))
    assert r.status in {0, 2}
    assert "Traceback" not in r.err


def _nested(depth):
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [65, 500, 100_000])
def test_deeply_nested_event_is_exit_2_naming_the_line_not_a_recursion_error(
    tmp_path, depth
):
    """500 nested lists in an event's attributes gave a RecursionError traceback."""
    path = tmp_path / "events.jsonl"
    path.write_text(
        json.dumps({"ticket_id": "t", **CREATED})
        + "\n"
        + '{"ticket_id": "t", "at": "2025-03-03T10:10:00+08:00", "kind": '
        + f'"agent_reply", "attributes": {{"x": {_nested(depth)}}}}}\n'
    )
    r = run_main("sla", str(path), "--now", LATER)
    assert r.status == 2
    assert r.err.startswith(f"servicekit: error: {path}, line 2: the line nests deeper")
    assert "Traceback" not in r.err


def test_deeply_nested_policies_file_is_exit_2(tmp_path):
    policies = tmp_path / "p.json"
    policies.write_text('{"policies": ' + _nested(100_000) + "}")
    r = run_main("sla", EVENTS, "--policies", str(policies), "--now", NOW)
    assert r.status == 2
    assert r.err.startswith(f"servicekit: error: {policies}: the file nests deeper")


def test_without_now_remaining_times_are_whole_seconds():
    """Without --now remaining times printed to the microsecond."""
    r = run_main("sla", EVENTS)
    assert r.status == 0, r.err
    assert not re.search(r"\d:\d\d\.\d", r.out)


class _LazyPipe:
    """Lines of a pipe that fail the test if read ahead of the output."""

    def __init__(self, lines, out, check):
        self.lines = lines
        self.out = out
        self.check = check
        self.read = 0

    def __iter__(self):
        for index, line in enumerate(self.lines):
            self.check(index, self.out.getvalue())
            self.read += 1
            yield line


def test_sla_reads_its_input_one_ticket_at_a_time():
    """`servicekit sla` read its whole input before starting (820 MB → 4.4 GB)."""
    import io  # noqa: PLC0415

    from servicekit.cli import _sla  # noqa: PLC0415
    from servicekit.cli._inputs import JsonLines  # noqa: PLC0415

    events = [
        {"ticket_id": "b", **CREATED},
        {"ticket_id": "b", **REPLY},
        {"ticket_id": "a", **CREATED},
        {"ticket_id": "a", **SOLVED},
        {"ticket_id": "c", **CREATED},
    ]
    raw = [(json.dumps(e) + "\n").encode() for e in events]

    def check(index, printed):
        # Line 3 (a's first) ends ticket b: line 4 may be read only once b is out.
        if index >= 3:
            assert "\nb " in printed, f"line {index + 1} read before b was printed"

    out, err = io.StringIO(), io.StringIO()
    pipe = _LazyPipe(raw, out, check)
    source = JsonLines("pipe", pipe, seekable=False)  # type: ignore[arg-type]
    now = pendulum.parse(LATER)
    reports = (
        (t, _sla._evaluate("pipe", SERVICE_STANDARD, t, lines, now))
        for t, lines in _sla._tickets("pipe", source, now, err)
    )
    _sla._write_table(reports, now, "x", SERVICE_STANDARD, out)
    assert pipe.read == 5
    # A pipe keeps the input's order of tickets.
    rows = out.getvalue().splitlines()[3:]
    firsts = [row.split()[0] for row in rows if row[:1] in {"a", "b", "c"}]
    assert firsts == ["b", "a", "c"]
    assert out.getvalue().splitlines()[-1].startswith("3 tickets, ")


def test_file_in_any_order_is_read_back_per_ticket(tmp_path):
    path = write(
        tmp_path,
        [
            {"ticket_id": "b", **CREATED},
            {"ticket_id": "a", **CREATED},
            {"ticket_id": "b", **REPLY},
            {"ticket_id": "a", **SOLVED},
        ],
    )
    r = run_main("sla", path, "--now", LATER, "--json")
    assert r.status == 0, r.err
    data = json.loads(r.out)
    assert [d["ticket_id"] for d in data] == ["a", "b"]
    expected = reference(path, SERVICE_STANDARD, pendulum.parse(LATER))
    assert {d["ticket_id"]: d["report"] for d in data} == expected


def test_pipe_with_a_ticket_split_apart_is_exit_2(tmp_path):
    import os  # noqa: PLC0415
    import threading  # noqa: PLC0415

    fifo = tmp_path / "events.pipe"
    os.mkfifo(fifo)
    lines = [
        {"ticket_id": "a", **CREATED},
        {"ticket_id": "b", **CREATED},
        {"ticket_id": "a", **REPLY},
    ]

    def feed():
        with fifo.open("w") as handle:
            handle.write("".join(json.dumps(x) + "\n" for x in lines))

    writer = threading.Thread(target=feed)
    writer.start()
    r = run_main("sla", str(fifo), "--now", LATER)
    writer.join()
    assert r.status == 2
    assert r.err.startswith(
        f"servicekit: error: {fifo}, line 3: ticket 'a' appeared on earlier lines"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"ticket_id": "t"}\n\xff\n', "line 2: is not UTF-8 text"),
        (b'{"ticket_id": "t", "n": ' + b"9" * 5000 + b"}\n", "line 1: not usable JSON"),
        (b"[1\n", "line 1: not JSON"),
    ],
)
def test_unreadable_lines_name_their_line(tmp_path, content, message):
    path = tmp_path / "events.jsonl"
    path.write_bytes(content)
    r = run_main("sla", str(path), "--now", LATER)
    assert r.status == 2
    assert r.err.startswith(f"servicekit: error: {path}, {message}")
    assert len(r.err) < 300


def test_events_name_with_nul_or_unreadable_file(tmp_path):
    r = run_main("sla", "a\0b", "--now", LATER)
    assert r.status == 2
    assert "NUL" in r.err
    r = run_main("sla", "/proc/self/mem", "--now", LATER)
    assert r.status == 2
    assert r.err.startswith("servicekit: error: /proc/self/mem: cannot read it: ")


def test_empty_pipe_has_no_events(tmp_path):
    import os  # noqa: PLC0415
    import threading  # noqa: PLC0415

    fifo = tmp_path / "events.pipe"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.open("w").close())
    writer.start()
    r = run_main("sla", str(fifo), "--now", LATER)
    writer.join()
    assert r.status == 2
    assert r.err.startswith(f"servicekit: error: {fifo}: has no events")


def test_many_breached_tickets_are_counted_not_all_named(tmp_path):
    late = "2025-03-10T12:00+08:00"
    path = write(tmp_path, [{"ticket_id": f"t{i:02d}", **CREATED} for i in range(25)])
    r = run_main("sla", path, "--now", late)
    assert r.status == 0, r.err
    assert r.out.splitlines()[-1].startswith("25 tickets, 25 breached (t00, t01, ")
    assert "t19 and 5 more)" in r.out.splitlines()[-1]


def test_a_teams_own_metric_is_a_row_named_as_the_team_named_it(tmp_path):
    """A policies file with a MetricDefinition (issue 14): its row lines up."""
    notice = SlaTarget(
        metric=RESULT_NOTICE, within=dt.timedelta(minutes=15), business_hours=False
    )
    policies = PolicySet(
        [attrs.evolve(p, targets=[*p.targets, notice]) for p in SERVICE_STANDARD]
    )
    policy_file = tmp_path / "policies.json"
    policy_file.write_text(json.dumps(policies.to_dict()), encoding="utf-8")
    events = tmp_path / "events.jsonl"
    events.write_text(
        "\n".join(
            json.dumps(line)
            for line in (
                {"ticket_id": "T-1", "at": "2025-01-27T10:00+08:00", "kind": "created"},
                {
                    "ticket_id": "T-1",
                    "at": "2025-01-27T10:04+08:00",
                    "kind": "agent_reply",
                },
                {
                    "ticket_id": "T-1",
                    "at": "2025-01-27T16:00+08:00",
                    "kind": "status_changed",
                    "status": "solved",
                },
            )
        ),
        encoding="utf-8",
    )
    for lang in ("en", "zh-CN"):
        r = run_main(
            "--lang",
            lang,
            "sla",
            str(events),
            "--policies",
            str(policy_file),
            "--now",
            "2025-01-27T16:20+08:00",
        )
        assert r.status == 0, r.err
        lines = r.out.splitlines()
        notice_line = next(line for line in lines if "result_notice" in line)
        first = lines[lines.index(notice_line) - 3]
        # The state column starts at the same place on every row of the ticket.
        state = "breached" if lang == "en" else "已超时"
        met = "met" if lang == "en" else "已达标"
        assert wcswidth(notice_line[: notice_line.index(state)]) == wcswidth(
            first[: first.index(met)]
        )

"""SlaClock.from_dict refuses stored state no event log could produce (issue 12).

It used to accept, say, a CLOSED ticket whose resolution clock still ran, and then
reported it running with ``percent_used`` -91.7. Each contradiction raises
DeserializationError naming the field (reported at ``$``, the object whose fields
contradict each other, as the serialisation contract has it).
"""

import copy

import pytest

from helpers import MINUTE
from servicekit.errors import DeserializationError
from servicekit.sla import Metric, SlaClock
from sla.clock_world import MON
from sla.test_clock_codec import stored

STORED = stored()
LATER = "2025-03-03T02:30:00+00:00"  # after the last event (02:11)


def _res(s):
    return s["cycles"]["resolution"][0]


def _closed_with_resolution_running(s):
    # Everything else stopped as a solve would: only the resolution clock runs.
    s["status"] = "closed"
    s["awaiting"] = False
    for m in ("next_response", "periodic_update"):
        c = s["cycles"][m][0]
        c["active"], c["stop"] = None, s["last"]


def _resolution_active_after_last_event(s):
    _res(s)["active"] = LATER


def _overlapping_stretches(s):
    _res(s)["closed"] = [
        ["2025-03-03T02:00:00+00:00", "2025-03-03T02:04:00+00:00"],
        ["2025-03-03T02:02:00+00:00", "2025-03-03T02:05:00+00:00"],
    ]


def _stretch_after_last_event(s):
    _res(s)["closed"] = [["2025-03-03T02:00:00+00:00", LATER]]


def _running_while_paused(s):
    s["status"] = "pending"


def _paused_while_open(s):
    _res(s)["active"] = None


def _earlier_cycle_running(s):
    nr = s["cycles"]["next_response"]
    nr.insert(0, copy.deepcopy(nr[0]))
    nr[0]["start"] = nr[0]["active"] = "2025-03-03T02:05:00+00:00"


def _first_done_but_first_response_running(s):
    s["first_done"] = False


def _not_awaiting_with_next_response_running(s):
    s["awaiting"] = False


def _since_after_last(s):
    s["since"] = LATER


def _due_on_running_cycle(s):
    _res(s)["due"] = LATER


def _breach_after_last(s):
    _res(s)["breach"] = LATER


def _passed_warning_after_last(s):
    _res(s)["passed"] = [[0.5, LATER]]


def _changed_solved_on_open_ticket(s):
    s["changed_solved"] = True


def _next_response_before_first_response(s):
    fr = s["cycles"]["first_response"][0]
    fr["stop"] = fr["due"] = None
    fr["active"] = "2025-03-03T02:03:00+00:00"
    s["first_done"] = False


def _start_after_last(s):
    s["cycles"]["next_response"][0]["start"] = LATER


CASES = {
    _closed_with_resolution_running: "resolution[0].stop",
    _resolution_active_after_last_event: "resolution[0].active",
    _overlapping_stretches: "resolution[0].closed",
    _stretch_after_last_event: "resolution[0].closed",
    _running_while_paused: "active",
    _paused_while_open: "resolution[0].active",
    _earlier_cycle_running: "next_response[0].stop",
    _first_done_but_first_response_running: "first_done",
    _not_awaiting_with_next_response_running: "awaiting",
    _since_after_last: "since",
    _due_on_running_cycle: "resolution[0].due",
    _breach_after_last: "resolution[0].breach",
    _passed_warning_after_last: "resolution[0].passed",
    _changed_solved_on_open_ticket: "changed_solved",
    _start_after_last: "next_response[0].start",
    _next_response_before_first_response: "next_response has cycles before",
}


def test_stored_closed_ticket_with_running_resolution_is_refused():
    data = copy.deepcopy(STORED)
    _closed_with_resolution_running(data["state"])
    with pytest.raises(DeserializationError, match=r"resolution\[0\]\.stop"):
        SlaClock.from_dict(data)


@pytest.mark.parametrize("corrupt", CASES, ids=lambda f: f.__name__.strip("_"))
def test_inconsistent_stored_state_is_refused_naming_the_field(corrupt):
    data = copy.deepcopy(STORED)
    corrupt(data["state"])
    with pytest.raises(
        DeserializationError, match=r"SlaClock data .* at \$: state\."
    ) as info:
        SlaClock.from_dict(data)
    assert CASES[corrupt] in str(info.value)


def test_consistent_stored_state_still_loads():
    data = copy.deepcopy(STORED)
    _res(data["state"])["passed"] = [[0.5, "2025-03-03T02:05:00+00:00"]]
    clock = SlaClock.from_dict(data)
    res = clock.report(MON + 20 * MINUTE).metrics[Metric.RESOLUTION]
    assert 0 <= res.percent_used <= 100

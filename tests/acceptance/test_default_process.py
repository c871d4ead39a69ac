"""The default process gives exactly today's results (the hard-coded workflow's).

``acceptance_reference.py`` is a copy of the fold as it was before the workflow's table
became a ``Process``. On a random corpus of histories (legal and illegal events, in
random zones, with timeouts applied or not), both must accept and refuse the same
events with the same error class, and agree on the state, the obligation, the
breaches, the counters and the timeouts at every step.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acceptance import acceptance_reference as ref
from servicekit.acceptance import DEFAULT_PROCESS, Requirement
from servicekit.acceptance._fields import to_instant
from servicekit.errors import ServiceKitError
from strategies import (
    ACCEPTANCE_EVENT_TYPES,
    ACCEPTANCE_ZONES,
    acceptance_event_at,
    acceptance_gaps,
    acceptance_instants,
    acceptance_policies,
)


def _outcome(call):
    try:
        return call(), None
    except ServiceKitError as e:
        return None, type(e)


def _agree(req, progress, now):
    assert req.state is progress.state
    assert req.obligations == (
        () if progress.obligation is None else (progress.obligation,)
    )
    assert req.breaches == progress.breaches
    assert (req.rework_count, req.rediscussion_count, req.escalated) == (
        progress.rework_count,
        progress.rediscussion_count,
        progress.escalated,
    )
    assert req.allowed_events == ref.allowed_events(progress.state)
    assert req.is_terminal == progress.state.is_terminal
    mine, mine_error = _outcome(lambda: req.timeouts(now))
    theirs, their_error = _outcome(
        lambda: ref.timeouts(progress, to_instant(now), req.policy)
    )
    assert mine_error is their_error
    assert mine == theirs


@settings(max_examples=60, deadline=None)
@given(
    received_at=acceptance_instants,
    policy=acceptance_policies,
    data=st.data(),
)
def test_the_default_process_gives_todays_results(received_at, policy, data):
    req = Requirement.open(id="R", received_at=received_at, policy=policy)
    assert req.process == DEFAULT_PROCESS
    progress = ref.start(req.received_at, policy)
    now = received_at
    _agree(req, progress, now)
    for _ in range(data.draw(st.integers(0, 30))):
        now = now + data.draw(acceptance_gaps)
        if data.draw(st.booleans()):
            events = req.timeouts(now)
            for event in events:
                progress = ref.advance(progress, event, policy)
            req = req.apply_all(events)
            _agree(req, progress, now)
            continue
        if req.allowed_events and data.draw(st.booleans()):
            kind = data.draw(st.sampled_from(req.allowed_events))
        else:
            kind = data.draw(st.sampled_from(ACCEPTANCE_EVENT_TYPES))
        zone = ZoneInfo(data.draw(st.sampled_from(ACCEPTANCE_ZONES)))
        back = data.draw(st.sampled_from([dt.timedelta(0), dt.timedelta(hours=5)]))
        event = data.draw(acceptance_event_at((now - back).astimezone(zone), kind))
        after, mine = _outcome(lambda r=req, e=event: r.apply(e))
        moved, theirs = _outcome(lambda p=progress, e=event: ref.advance(p, e, policy))
        assert mine is theirs, event
        if after is not None:
            req, progress = after, moved
        _agree(req, progress, now)


def test_the_default_process_is_the_tables():
    """The diagram of the default process is today's diagram, row for row."""
    lines = DEFAULT_PROCESS.to_mermaid().splitlines()
    arrows = [ln for ln in lines if "-->" in ln and "[*]" not in ln]
    assert len(arrows) == sum(len(r) for r in ref.EVENT_TRIGGERED_TRANSITIONS.values())
    for state, rule in ref.STATE_OBLIGATIONS.items():
        assert DEFAULT_PROCESS.state(state).owes == rule
    for state, kind in ref.TIME_TRIGGERED_EVENTS.items():
        assert DEFAULT_PROCESS.state(state).lapses_with == kind.__name__


@pytest.mark.parametrize("state", list(ref.EVENT_TRIGGERED_TRANSITIONS))
def test_allowed_events_agree(state):
    assert DEFAULT_PROCESS.machine.allowed[state] == ref.allowed_events(state)

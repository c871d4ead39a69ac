"""The fold's quick constructors build what the classes' own constructors build."""

import pendulum
from hypothesis import given
from hypothesis import strategies as st

from servicekit.sla import EventKind, TicketEvent
from servicekit.sla._fold import (
    NEXT_RESPONSE,
    RESOLUTION,
    Cycle,
    Cycles,
    fold_events,
    new_cycle,
    new_cycles,
)
from servicekit.sla.presets import SERVICE_STANDARD


def _cycle_state(c: Cycle) -> tuple[object, ...]:
    return (
        type(c),
        c.start,
        c.run.items[: c.n],
        c.n,
        c.active,
        c.stop,
        c.breach,
        c.due,
        c.passed,
        c.floor,
    )


@given(start=st.integers(-(2**62), 2**62), active=st.booleans())
def test_new_cycle_is_the_cycle_the_class_builds(start, active):
    quick = new_cycle(start, start if active else None)
    built = Cycle(start, active=active)
    assert _cycle_state(quick) == _cycle_state(built)
    assert quick.__getstate__() == built.__getstate__()
    # Both grow the same way: the first stretch gets a store of its own.
    for c in (quick, built):
        c.close(start, start + 5)
        c.pause(start + 7)
    assert _cycle_state(quick) == _cycle_state(built)


@given(start=st.integers(0, 2**40), last=st.booleans())
def test_new_cycles_is_the_cycles_the_class_builds(start, last):
    latest = Cycle(start, active=True) if last else None
    quick = new_cycles(latest)
    built = Cycles()
    built.last = latest
    for cs in (quick, built):
        assert type(cs) is Cycles
        cs.append(Cycle(start + 1, active=False))
    assert [_cycle_state(c) for c in quick] == [_cycle_state(c) for c in built]
    assert (quick.n, quick.breached, len(quick)) == (
        built.n,
        built.breached,
        len(built),
    )


def test_stopping_a_clock_that_does_not_run_changes_nothing():
    # The fold's callers check first; stop() itself still refuses to touch such a clock.
    t0 = pendulum.datetime(2025, 3, 3, 10, tz="Asia/Shanghai")
    fold = fold_events(
        SERVICE_STANDARD,
        [
            TicketEvent(at=t0, kind=EventKind.CREATED),
            TicketEvent(
                at=t0.add(hours=1), kind=EventKind.STATUS_CHANGED, status="solved"
            ),
        ],
    )
    before = [list(map(_cycle_state, cs)) for cs in fold.cycles]
    last = fold.last
    fold.stop(NEXT_RESPONSE, last)  # never started
    fold.stop(RESOLUTION, last)  # stopped by the solve
    assert [list(map(_cycle_state, cs)) for cs in fold.cycles] == before

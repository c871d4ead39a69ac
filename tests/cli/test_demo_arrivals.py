"""The demo's arrivals: shared shapes and attributes, and ``repeated``'s quick checks.

The demo triages each shape of request once per process (not once per desk) and
freezes each combination of ticket attributes once, then repeats them for every
request (issue 12); ``Arrival.repeated`` takes a plain timedelta and an already
frozen ``FrozenMap`` without building them again. These tests compare all of it with
arrivals built in full through the validating constructors, and the quick checks with
the converters they stand for, errors included.
"""

from __future__ import annotations

import datetime as dt

import pendulum
from hypothesis import given
from hypothesis import strategies as st

from servicekit._vocabulary import Priority
from servicekit.cli import _demo_data as data
from servicekit.cli import _demo_sim as sim
from servicekit.routing import Ticket
from servicekit.routing import _values as v
from servicekit.workforce import Arrival
from servicekit.workforce import _arrivals as arr


def _in_full(r: data.Request, unresolved: int) -> Arrival:
    """``r``'s arrival built and triaged from scratch, as the demo's shapes stand for."""
    ticket = sim.TRIAGE.apply(
        Ticket(
            id=r.id,
            created_at=dt.datetime.fromtimestamp(r.created, data.ZONE),
            priority=Priority.NORMAL,
            tier=r.tier,
            channel=r.channel,
            skills=() if r.skill is None else (r.skill,),
            language=r.language,
            customer_id=r.customer,
            attributes={
                "city": r.city,
                "category": r.category,
                "unresolved_complaints": unresolved,
            },
        )
    )
    return Arrival(
        ticket=ticket,
        handling=dt.timedelta(seconds=r.handling),
        pickup=dt.timedelta(seconds=sim.pickup(r)),
        kind=r.category,
    )


def test_arrivals_equal_ones_built_in_full():
    """Every desk's arrivals, shapes shared across desks, are built-in-full ones."""
    world = data.generate(4, "2025-03", volume=80)
    by_desk = sim.requests_by_desk(world)
    for desk in sim.desks(world):
        requests = by_desk[desk]
        made = sim.arrivals(requests)
        complaints: dict[str, list[int]] = {}
        for r, a in zip(requests, made, strict=True):
            if r.category in {"complaint", "logistics_complaint"}:
                complaints.setdefault(r.customer, []).append(r.created)
            unresolved = sum(
                1 for t in complaints.get(r.customer, ()) if r.created - t < 2 * 86400
            )
            full = _in_full(r, unresolved)
            assert a == full
            assert a.to_dict() == full.to_dict()
            assert a.ticket._created_us == full.ticket._created_us
            assert hash(a.ticket.attributes) == hash(full.ticket.attributes)


def _outcome(convert, value):
    try:
        out = convert(value)
    except Exception as error:  # noqa: BLE001 -- the same refusal is what is compared
        return ("refused", type(error), str(error))
    return ("made", type(out), out)


_DURATIONS = st.one_of(
    st.timedeltas(),
    st.integers(-(10**9), 10**9).map(lambda s: pendulum.duration(seconds=s)),
    st.integers(),
    st.none(),
)


@given(_DURATIONS)
def test_quick_duration_checks_are_the_converters(value):
    assert _outcome(arr._checked_handling, value) == _outcome(arr._handling, value)
    assert _outcome(arr._checked_pickup, value) == _outcome(arr._pickup, value)


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=4),
    st.floats(allow_nan=False),
    st.lists(st.integers(), max_size=2),
)


@given(st.dictionaries(st.one_of(st.text(max_size=4), st.integers()), _SCALARS))
def test_a_frozen_map_is_kept_exactly_when_the_converter_would_rebuild_it(items):
    """A ``FrozenMap`` of flat plain values is the converter's own result, kept."""
    frozen = v.FrozenMap(items)
    quick = _outcome(arr._attributes, frozen)
    assert quick == _outcome(v.attributes, frozen)
    if quick[0] == "made":
        assert hash(quick[2]) == hash(v.attributes(frozen))
        assert list(quick[2].items()) == list(v.attributes(frozen).items())

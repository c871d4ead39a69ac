"""The demo's event logs: ``EventMaker``'s re-timed copies are ``TicketEvent``'s own.

The demo builds each shape of event once through the validators and copies it for
every later instant (issue 12); these properties compare the copies with the events
the validating constructor builds from the same fields.
"""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

import attrs
from hypothesis import given
from hypothesis import strategies as st

from servicekit._vocabulary import Priority, Tier
from servicekit.cli import _demo_data as data
from servicekit.cli._demo_data import ZONE
from servicekit.cli._demo_tickets import EventMaker, _metric
from servicekit.sla import EventKind, MetricState, TicketEvent, TicketStatus

_FOLLOW_UPS = st.sampled_from(
    [
        (EventKind.AGENT_REPLY, None),
        (EventKind.CUSTOMER_MESSAGE, None),
        (EventKind.REOPENED, None),
        *((EventKind.STATUS_CHANGED, s) for s in TicketStatus),
    ]
)
_DEMO_SECONDS = st.integers(
    int(dt.datetime(2000, 1, 1, tzinfo=ZONE).timestamp()),
    int(dt.datetime(2099, 12, 31, tzinfo=ZONE).timestamp()),
)


def _fields(event: TicketEvent) -> tuple[object, ...]:
    """Every field, the private instant included, and the instant's wall clock."""
    names = [a.name for a in attrs.fields(TicketEvent)]
    at = event.at
    return (
        tuple(getattr(event, n) for n in names),
        (at.isoformat(), type(at), at.tzinfo),
        type(event.attributes),
    )


@given(
    shapes=st.lists(st.tuples(_DEMO_SECONDS, _FOLLOW_UPS), min_size=1, max_size=6),
    created=st.lists(
        st.tuples(
            _DEMO_SECONDS,
            st.sampled_from(list(Priority)),
            st.sampled_from(list(Tier)),
            st.sampled_from([c for c, _ in data.CHANNEL_MIX]),
            st.sampled_from([c for c, _, _ in data.CATEGORIES]),
            st.sampled_from(["Beijing", "Lhasa"]),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_event_maker_equals_validated_events(shapes, created):
    """The re-timed copies are the events ``TicketEvent`` itself builds (issue 12)."""
    maker = EventMaker(ZONE)
    for seconds, (kind, status) in shapes:
        made = maker.event(seconds, kind, status)
        at = dt.datetime.fromtimestamp(seconds, ZONE)
        slow = (
            TicketEvent(at=at, kind=kind)
            if status is None
            else TicketEvent(at=at, kind=kind, status=status)
        )
        assert _fields(made) == _fields(slow)
    for seconds, priority, tier, channel, category, city in created:
        made = maker.created(
            seconds,
            priority=priority,
            tier=tier,
            channel=channel,
            category=category,
            city=city,
        )
        slow = TicketEvent(
            at=dt.datetime.fromtimestamp(seconds, ZONE),
            kind=EventKind.CREATED,
            priority=priority,
            tier=tier,
            channel=channel,
            category=category,
            attributes={"city": city},
        )
        assert _fields(made) == _fields(slow)
        assert made == slow
        assert hash(made) == hash(slow)


@given(
    seed=st.integers(0, 2**32 - 1),
    low=st.integers(0, 200_000),
    span=st.integers(0, 200_000),
)
def test_a_written_out_uniform_draw_is_random_uniform(seed, low, span):
    """The conversation writes ``uniform(a, b)`` as ``a + (b - a) * random()``."""
    high = low + span
    for a, b in ((low, high), (float(low), float(high))):
        written = random.Random(seed)  # noqa: S311 -- a seeded draw, not cryptography
        drawn = random.Random(seed)  # noqa: S311
        assert a + (b - a) * written.random() == drawn.uniform(a, b)


@given(seeds=st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=4))
def test_a_reseeded_generator_draws_as_a_new_one(seeds):
    """The summaries reseed one generator for the requests without a survey."""
    reseeded = random.Random()  # noqa: S311 -- a seeded draw, not cryptography
    for seed in seeds:
        reseeded.seed(seed)
        fresh = random.Random(seed)  # noqa: S311
        assert [reseeded.random(), reseeded.gauss(0.0, 1.0), reseeded.random()] == [
            fresh.random(),
            fresh.gauss(0.0, 1.0),
            fresh.random(),
        ]
        reseeded.gauss(0.0, 1.0)  # leaves a spare normal that the next seed drops


def test_the_follow_up_shapes_are_the_makers_own():
    maker = EventMaker(ZONE)
    assert maker.shape(EventKind.AGENT_REPLY) is maker.reply
    assert maker.shape(EventKind.STATUS_CHANGED, TicketStatus.SOLVED) is maker.solved
    assert maker.solved.status is TicketStatus.SOLVED
    assert maker.on_hold.status is TicketStatus.ON_HOLD


def test_an_outcome_without_a_due_instant_is_shared():
    """``_metric`` keeps one outcome per combination, a breach without a due too."""
    shared = {}
    now = dt.datetime.fromtimestamp(0, ZONE)
    for state in (MetricState.MET, MetricState.BREACHED):
        status = SimpleNamespace(state=state, cycles=1, breached_cycles=0, due_at=None)
        first = _metric("first_response", status, now, shared)
        assert _metric("first_response", status, now, shared) is first
        assert (first.state, first.due_at, first.late_by) == (state.value, None, None)

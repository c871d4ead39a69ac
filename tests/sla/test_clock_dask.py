"""evaluate_many inside Dask partitions gives the serial answer, ticket for ticket.

Several hundred synthetic tickets (``sla_workload``: every priority, channel and tier,
logistics complaints and requirements, replies, customer messages, pauses, solves,
reopens, closes, priority and tier changes, ties) are evaluated serially, then through
``dask.bag`` with the multiprocessing scheduler, so the policies, the events and the
reports really cross a process boundary by pickling.
"""

import itertools
import os
import pickle

import dask
import dask.bag as db
import pytest

from servicekit.sla import TicketEvent, evaluate, evaluate_many
from servicekit.sla.presets import SERVICE_STANDARD
from sla.sla_workload import (
    NOW,
    all_business_hours,
    event_dicts,
    events_of,
    make_plans,
)

PLANS = make_plans(400, seed=20250126)
BUSINESS = all_business_hours(SERVICE_STANDARD)
POLICY_SETS = (SERVICE_STANDARD, BUSINESS)


def _histories():
    return [events_of(p) for p in PLANS]


def test_the_workload_is_varied():
    histories = _histories()
    kinds = {e.kind for h in histories for e in h}
    assert len(kinds) == 7
    categories = {h[0].category for h in histories}
    assert {"logistics_complaint", "requirement", None} <= categories
    assert any(a.at == b.at for h in histories for a, b in itertools.pairwise(h))
    policies = {r.policy for r in evaluate_many(SERVICE_STANDARD, histories, NOW)}
    assert policies == {p.name for p in SERVICE_STANDARD}
    assert 7 <= sum(map(len, histories)) / len(histories) <= 9


def test_dask_bag_partitions_match_the_serial_result():
    histories = _histories()
    serial = list(
        zip(*(evaluate_many(ps, histories, NOW) for ps in POLICY_SETS), strict=True)
    )
    bag = db.from_sequence(histories, npartitions=4).map_partitions(
        lambda part: list(
            zip(*(evaluate_many(ps, part, NOW) for ps in POLICY_SETS), strict=True)
        )
    )
    pids = db.from_sequence(range(4), npartitions=4).map(lambda _: os.getpid())
    parallel, workers = dask.compute(bag, pids, scheduler="processes", num_workers=2)
    assert os.getpid() not in workers  # the partitions really were pickled across
    assert parallel == serial
    assert len(parallel) == len(PLANS)


def test_a_pickled_partition_gives_the_same_reports():
    histories = _histories()
    for ps in POLICY_SETS:
        shipped_ps, shipped = pickle.loads(pickle.dumps((ps, histories)))
        assert shipped_ps == ps
        assert shipped == histories
        got = list(evaluate_many(shipped_ps, shipped, NOW))
        assert got == [evaluate(ps, h, NOW) for h in histories]
        assert pickle.loads(pickle.dumps(got)) == got


def test_evaluate_many_is_lazy():
    histories = _histories()

    def feed():
        yield histories[0]
        pytest.fail("evaluate_many read a second ticket before it was asked for")

    reports = evaluate_many(SERVICE_STANDARD, feed(), NOW)
    assert next(reports) == evaluate(SERVICE_STANDARD, histories[0], NOW)


def test_json_dicts_give_the_same_events():
    for plan, events in zip(PLANS, _histories(), strict=True):
        dicts = event_dicts(plan)
        assert [TicketEvent.from_dict(d) for d in dicts] == events

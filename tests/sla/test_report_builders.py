"""The fold builds statuses, alerts and reports two ways, and both give the same values.

``_report`` builds them as unsealed twins turned into the frozen classes by
``__class__`` assignment, or (where Python refuses that) through each slot's setter;
``UNSEAL`` says which, and is read at each call so both are tested here.
"""

from __future__ import annotations

import pickle
from typing import Any

import attrs
from hypothesis import given, settings

from helpers import building_by
from servicekit.sla import Alert, MetricStatus, SlaReport, evaluate
from servicekit.sla import _report as report_module
from strategies import sla_cases


def exactly(value: object) -> tuple[Any, ...]:
    """A value's class and every slot, by type and value (``==`` reads fewer)."""
    slots = type(value).__slots__
    return (
        type(value),
        *((name, type(getattr(value, name)), getattr(value, name)) for name in slots),
    )


def test_every_slot_is_filled_and_the_twins_work_on_this_python() -> None:
    for cls in (MetricStatus, Alert, SlaReport):
        assert set(cls.__slots__) == set(report_module.FILLED_SLOTS[cls])
        assert not hasattr(cls, "__weakref__")
    assert report_module.UNSEAL


@settings(deadline=None)
@given(sla_cases())
def test_both_ways_build_the_same_report(case: Any) -> None:
    policies, events, now = case
    with building_by(report_module, unseal=True):
        quick = evaluate(policies, events, now)
    with building_by(report_module, unseal=False):
        slow = evaluate(policies, events, now)
    assert quick == slow
    assert repr(quick) == repr(slow)
    assert quick.to_dict() == slow.to_dict()
    assert exactly(quick)[0] is SlaReport
    for got, want in zip(
        (*quick.targets.values(), *quick.alerts),
        (*slow.targets.values(), *slow.alerts),
        strict=True,
    ):
        assert exactly(got) == exactly(want)
        assert pickle.loads(pickle.dumps(got)) == want
    # Built either way, each is the value its constructor gives.
    for got in (*quick.metrics.values(), *quick.alerts):
        fields = {
            a.alias or a.name: getattr(got, a.name) for a in attrs.fields(type(got))
        }
        assert exactly(type(got)(**fields)) == exactly(got)

"""``servicekit.routing.staffing`` is an alias of the staffing in servicekit.workforce."""

import datetime as dt
import inspect
import pickle

import servicekit.routing.staffing as old
import servicekit.workforce as new
from servicekit import _codec


def test_every_old_name_is_the_same_object():
    assert old.__all__
    for name in old.__all__:
        assert getattr(old, name) is getattr(new, name), name
        assert name in new.__all__
        assert inspect.getdoc(getattr(old, name)) == inspect.getdoc(getattr(new, name))


def test_plans_from_either_path_are_one_type():
    plan = old.required_agents(
        volume=100,
        period=dt.timedelta(minutes=30),
        aht=dt.timedelta(minutes=3),
        target_answer=dt.timedelta(seconds=20),
    )
    assert type(plan) is new.StaffingPlan
    assert isinstance(plan, old.StaffingPlan)
    assert new.StaffingPlan.from_dict(plan.to_dict()) == plan
    assert pickle.loads(pickle.dumps(plan)) == plan


def test_erlang_c_plans_write_the_same_keys_as_before():
    """The answer_rate and abandon_rate of Erlang A are left out of Erlang C plans."""
    plan = new.required_agents(
        volume=100,
        period=dt.timedelta(minutes=30),
        aht=dt.timedelta(minutes=3),
        target_answer=dt.timedelta(seconds=20),
    )
    assert list(plan.to_dict()) == [
        "agents",
        "scheduled_agents",
        "service_level",
        "asa",
        "occupancy",
        "waiting_probability",
        "traffic",
    ]


def test_the_queueing_values_are_on_the_codec():
    for cls in (new.QueueMetrics, new.StaffingPlan, new.IntervalRequirements):
        assert cls in _codec._SPECS, cls

"""Every acceptance value holding an instant survives pickle and deepcopy (issue 12).

``pendulum.DateTime`` pickles without ``fold``: a Requirement deadline at 06:00Z
(01:00 New York, second occurrence) came back as 05:00Z.
"""

import copy
import pickle

import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit.acceptance import (
    AcceptanceFailed,
    AcceptancePassed,
    AcceptanceTimedOut,
    Breach,
    Cancelled,
    ConfirmationExpired,
    CustomerConfirmed,
    DelayAnnounced,
    Delivered,
    FollowUpDone,
    Obligation,
    Requirement,
    RequirementPolicy,
    SheetSent,
)
from servicekit.sla import BusinessCalendar
from sla.sla_fold import fold_instants, instants

ROUND_TRIPS = (
    lambda v: pickle.loads(pickle.dumps(v)),
    copy.deepcopy,
)


def _values(at: pendulum.DateTime) -> list[object]:
    later = at.add(hours=1)
    policy = RequirementPolicy(BusinessCalendar.always_open(at.timezone_name))
    req = Requirement.open(id="R1", received_at=at, policy=policy)
    req = req.apply(SheetSent(at=at, delivery_due=later))
    req = req.apply(CustomerConfirmed(at=at))
    return [
        req,
        SheetSent(at=at, delivery_due=later),
        CustomerConfirmed(at=at),
        ConfirmationExpired(at=at),
        Delivered(at=at),
        AcceptancePassed(at=at),
        AcceptanceFailed(at=at, reasons=["broken"]),
        AcceptanceTimedOut(at=at),
        DelayAnnounced(at=at, new_due=later),
        FollowUpDone(at=at, solved=True),
        Cancelled(at=at, reason="gone"),
        Obligation(party="team", what="deliver", since=at, due_at=later),
        Breach(kind="late", party="team", what="deliver", due_at=at, at=later),
    ]


def test_pickle_keeps_requirement_deadline_in_repeated_hour():
    # 06:00Z is 01:00 New York in the second occurrence of the repeated hour.
    late = pendulum.datetime(2025, 11, 2, 6, tz="UTC").in_timezone("America/New_York")
    policy = RequirementPolicy(BusinessCalendar.always_open("America/New_York"))
    req = Requirement.open(
        id="R1", received_at=late.subtract(hours=1), policy=policy
    ).apply(SheetSent(at=late.subtract(hours=1), delivery_due=late))
    req = req.apply(CustomerConfirmed(at=late.subtract(minutes=30)))
    (due,) = [o.due_at for o in req.obligations]
    assert due.in_timezone("UTC").hour == 6
    for trip in ROUND_TRIPS:
        (back,) = [o.due_at for o in trip(req).obligations]
        assert back.in_timezone("UTC").hour == 6
        assert back.isoformat() == "2025-11-02T01:00:00-05:00"


@settings(max_examples=60)
@given(fold_instants(), st.sampled_from(ROUND_TRIPS))
def test_pickle_keeps_every_acceptance_instant_in_repeated_hours(at, trip):
    for value in _values(at):
        back = trip(value)
        assert instants(back) == instants(value), type(value).__name__
        assert back.to_dict() == value.to_dict()  # type: ignore[attr-defined]
        assert back == value

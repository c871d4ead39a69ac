"""Tests of Requirement: the issue's scenarios on the China calendar, rules, serialisation."""

import datetime as dt
import json
import pickle

import holidays
import pendulum
import pytest
from hypothesis import given

import servicekit.acceptance._requirement as requirement_module
from servicekit import Channel, Priority
from servicekit.acceptance import (
    AcceptanceFailed,
    AcceptancePassed,
    AcceptanceTimedOut,
    Breach,
    BreachKind,
    Cancelled,
    ConfirmationExpired,
    CustomerConfirmed,
    DelayAnnounced,
    Delivered,
    Duty,
    FollowUpDone,
    Obligation,
    Party,
    Requirement,
    RequirementPolicy,
    RequirementState,
    SheetSent,
)
from servicekit.errors import (
    DeserializationError,
    InvalidArgumentError,
    InvalidEventError,
    InvalidTransitionError,
    InvalidTypeError,
    NaiveDatetimeError,
    UnknownNameError,
)
from servicekit.sla import BusinessCalendar, parse_hours
from strategies import acceptance_requirements

ZONE = "Asia/Shanghai"
HOURS = parse_hours("Mon-Fri 09:00-12:00, 13:30-18:00")
CN = BusinessCalendar(
    timezone=ZONE, weekly_hours=HOURS, holidays=holidays.China(years=range(2024, 2028))
)
POLICY = RequirementPolicy(
    CN,
    confirm_within=2,
    customer_confirm_within=1,
    accept_within=3,
    rework_within=2,
    follow_up_within=3,
    delay_notice=dt.timedelta(hours=24),
    on_acceptance_timeout="escalate",
)


def sh(*args):
    return pendulum.datetime(*args, tz=ZONE)


def only(req):
    (obligation,) = req.obligations
    return obligation


def opened(policy=POLICY, received_at=None):
    return Requirement.open(
        id="REQ-2025-001",
        received_at=received_at or sh(2025, 1, 24, 10),
        policy=policy,
        channel="email",
        customer="Hohhot Dairy",
        priority="high",
    )


def in_delivery(policy=POLICY):
    """Received Mon 2025-03-03 (no holidays near), delivery promised Fri 03-14 18:00."""
    return opened(policy, sh(2025, 3, 3, 9, 30)).apply_all(
        [
            SheetSent(at=sh(2025, 3, 4, 10), delivery_due=sh(2025, 3, 14, 18)),
            CustomerConfirmed(at=sh(2025, 3, 5, 9)),
        ]
    )


class TestPinnedScenarios:
    def test_sheet_due_monday_because_sunday_is_a_make_up_day(self):
        req = opened()
        assert req.state is RequirementState.AWAITING_SHEET
        assert req.obligations == (
            Obligation(
                party=Party.TEAM,
                what=Duty.SEND_SHEET,
                since=sh(2025, 1, 24, 10),
                due_at=sh(2025, 1, 27, 18),
            ),
        )

    def test_confirmation_due_after_spring_festival(self):
        req = opened().apply(SheetSent(at=sh(2025, 1, 27, 17)))
        assert req.state is RequirementState.AWAITING_CONFIRMATION
        assert only(req) == Obligation(
            party=Party.CUSTOMER,
            what=Duty.CONFIRM_SHEET,
            since=sh(2025, 1, 27, 17),
            due_at=sh(2025, 2, 5, 18),
        )
        assert str(only(req).due_at) == "2025-02-05 18:00:00+08:00"

    def test_same_deadlines_with_for_country(self):
        cal = BusinessCalendar.for_country("CN", timezone=ZONE, weekly_hours=HOURS)
        req = opened(RequirementPolicy(cal))
        assert only(req).due_at == sh(2025, 1, 27, 18)
        req = req.apply(SheetSent(at=sh(2025, 1, 27, 17)))
        assert only(req).due_at == sh(2025, 2, 5, 18)


class TestZeroDayWindows:
    def test_same_day_means_close_of_that_day(self):
        req = opened(RequirementPolicy(CN, confirm_within=0), sh(2025, 3, 7, 10))
        assert only(req).due_at == sh(2025, 3, 7, 18)

    def test_after_close_means_next_business_day(self):
        """Regression: a 0-day window opened after close of business was due at that
        day's close, i.e. before it opened, and timed out before it could be met."""
        req = opened(RequirementPolicy(CN, confirm_within=0), sh(2025, 3, 7, 19))
        assert only(req).due_at == sh(2025, 3, 10, 18)
        policy = RequirementPolicy(CN, customer_confirm_within=0)
        req = opened(policy, sh(2025, 3, 7, 10)).apply(SheetSent(at=sh(2025, 3, 7, 20)))
        assert only(req).due_at == sh(2025, 3, 10, 18)
        assert req.timeouts(sh(2025, 3, 8)) == ()


class TestReDiscussion:
    def test_unconfirmed_sheet_expires_and_is_re_discussed(self):
        req = opened().apply(SheetSent(at=sh(2025, 1, 27, 17)))
        assert req.timeouts(sh(2025, 2, 5, 18)) == ()  # due "by 18:00": not yet late
        (expiry,) = req.timeouts(sh(2025, 2, 6, 9))
        assert expiry == ConfirmationExpired(at=sh(2025, 2, 5, 18))
        req = req.apply(expiry)
        assert req.state is RequirementState.AWAITING_SHEET
        assert req.rediscussion_count == 1
        assert req.breaches == (
            Breach(
                kind=BreachKind.LAPSED,
                party=Party.CUSTOMER,
                what=Duty.CONFIRM_SHEET,
                due_at=sh(2025, 2, 5, 18),
                at=sh(2025, 2, 5, 18),
            ),
        )
        # A new 2-day deadline from the expiry: Thu 02-06, Fri 02-07.
        assert only(req).due_at == sh(2025, 2, 7, 18)
        # The second sheet's 1-day window ends on Saturday 02-08, a make-up day.
        req = req.apply(SheetSent(at=sh(2025, 2, 7, 10)))
        assert only(req).due_at == sh(2025, 2, 8, 18)
        req = req.apply(CustomerConfirmed(at=sh(2025, 2, 8, 11)))
        assert req.state is RequirementState.IN_DELIVERY
        assert [type(e).__name__ for e in req.history] == [
            "SheetSent",
            "ConfirmationExpired",
            "SheetSent",
            "CustomerConfirmed",
        ]

    def test_late_confirmation_is_not_silently_accepted(self):
        """Regression: a confirmation arriving after the window (before the CRM polled
        timeouts) was accepted, so the outcome depended on the polling schedule."""
        req = opened().apply(SheetSent(at=sh(2025, 1, 27, 17)))
        with pytest.raises(InvalidTransitionError, match="apply ConfirmationExpired"):
            req.apply(CustomerConfirmed(at=sh(2025, 2, 6, 9)))
        # On the deadline itself it is in time.
        on_time = req.apply(CustomerConfirmed(at=sh(2025, 2, 5, 18)))
        assert on_time.state is RequirementState.IN_DELIVERY
        assert on_time.breaches == ()

    def test_expiry_cannot_precede_the_deadline(self):
        req = opened().apply(SheetSent(at=sh(2025, 1, 27, 17)))
        with pytest.raises(InvalidEventError, match="before the deadline"):
            req.apply(ConfirmationExpired(at=sh(2025, 2, 5, 17)))

    def test_timeouts_do_not_depend_on_polling(self):
        """Regression: timeouts were dated at ``now``, so two CRMs polling at different
        times stored different histories (and different re-discussion deadlines)."""
        req = opened().apply(SheetSent(at=sh(2025, 1, 27, 17)))
        early = req.apply_all(req.timeouts(sh(2025, 2, 5, 18, 1)))
        late = req.apply_all(req.timeouts(sh(2025, 3, 1)))
        assert early == late
        assert early.to_dict() == late.to_dict()


class TestAcceptance:
    def test_two_failed_acceptances_in_a_row(self):
        req = in_delivery()
        assert only(req) == Obligation(
            party="team",
            what="deliver",
            since=sh(2025, 3, 5, 9),
            due_at=sh(2025, 3, 14, 18),
        )
        req = req.apply(Delivered(at=sh(2025, 3, 12, 16)))
        assert (req.state, only(req).due_at) == (
            RequirementState.AWAITING_ACCEPTANCE,
            sh(2025, 3, 17, 18),
        )
        req = req.apply(
            AcceptanceFailed(at=sh(2025, 3, 13, 10), reasons=["totals wrong"])
        )
        assert (req.state, only(req).party, only(req).what) == (
            RequirementState.IN_REWORK,
            Party.TEAM,
            Duty.RESUBMIT,
        )
        assert only(req).due_at == sh(2025, 3, 17, 18)
        req = req.apply(Delivered(at=sh(2025, 3, 17, 15)))
        assert only(req).due_at == sh(2025, 3, 20, 18)
        req = req.apply(
            AcceptanceFailed(
                at=sh(2025, 3, 18, 11), reasons=["totals still wrong", "no PDF"]
            )
        )
        assert (req.state, req.rework_count) == (RequirementState.IN_REWORK, 2)
        assert only(req).due_at == sh(2025, 3, 20, 18)
        req = req.apply(Delivered(at=sh(2025, 3, 20, 17, 59)))
        assert only(req).due_at == sh(2025, 3, 25, 18)
        req = req.apply(AcceptancePassed(at=sh(2025, 3, 21, 10)))
        assert only(req) == Obligation(
            party="team",
            what="follow_up",
            since=sh(2025, 3, 21, 10),
            due_at=sh(2025, 3, 26, 18),
        )
        visit = FollowUpDone(
            at=sh(2025, 3, 25, 14),
            solved=True,
            shortfalls=["needed two reworks"],
            attitude=5,
            competence=3,
        )
        req = req.apply(visit)
        assert req.state is RequirementState.CLOSED
        assert req.is_terminal
        assert (req.obligations, req.allowed_events, req.breaches) == ((), (), ())
        assert req.rework_count == 2
        assert req.follow_up == visit
        assert len(req.history) == 9

    def test_timeout_escalates_and_keeps_waiting(self):
        req = in_delivery().apply(Delivered(at=sh(2025, 3, 12, 16)))
        (timeout,) = req.timeouts(sh(2025, 3, 18, 9))
        assert timeout == AcceptanceTimedOut(at=sh(2025, 3, 17, 18))
        with pytest.raises(InvalidTransitionError, match="apply AcceptanceTimedOut"):
            req.apply(AcceptancePassed(at=sh(2025, 3, 18, 9)))
        req = req.apply(timeout)
        assert (req.state, req.escalated) == (
            RequirementState.AWAITING_ACCEPTANCE,
            True,
        )
        assert req.timeouts(sh(2025, 4, 30)) == ()
        assert req.overdue(sh(2025, 3, 18, 9)) == req.obligations
        with pytest.raises(InvalidTransitionError, match="already applied"):
            req.apply(AcceptanceTimedOut(at=sh(2025, 3, 18, 9)))
        req = req.apply(AcceptancePassed(at=sh(2025, 3, 19, 10)))
        assert (req.state, req.escalated) == (
            RequirementState.AWAITING_FOLLOW_UP,
            False,
        )
        assert [(b.kind, b.party, b.what, b.at) for b in req.breaches] == [
            (BreachKind.LAPSED, Party.CUSTOMER, Duty.ACCEPT, sh(2025, 3, 17, 18)),
            (BreachKind.LATE, Party.CUSTOMER, Duty.ACCEPT, sh(2025, 3, 19, 10)),
        ]

    def test_timeout_deems_accepted(self):
        policy = RequirementPolicy(CN, on_acceptance_timeout="deem_accepted")
        req = in_delivery(policy).apply(Delivered(at=sh(2025, 3, 12, 16)))
        req = req.apply_all(req.timeouts(sh(2025, 3, 20)))
        assert req.state is RequirementState.AWAITING_FOLLOW_UP
        # Follow-up within 3 business days of the deemed acceptance (Mon 03-17 18:00).
        assert only(req).due_at == sh(2025, 3, 20, 18)
        assert req.breaches[0].kind is BreachKind.LAPSED

    def test_escalated_customer_may_still_reject(self):
        req = in_delivery().apply(Delivered(at=sh(2025, 3, 12, 16)))
        req = req.apply_all(req.timeouts(sh(2025, 3, 18, 9)))
        req = req.apply(AcceptanceFailed(at=sh(2025, 3, 19, 9), reasons=["broken"]))
        assert (req.state, req.escalated, req.rework_count) == (
            RequirementState.IN_REWORK,
            False,
            1,
        )


class TestDelays:
    def test_late_delay_notice_is_recorded_and_the_date_stands(self):
        req = in_delivery()
        req = req.apply(
            DelayAnnounced(
                at=sh(2025, 3, 14, 9), new_due=sh(2025, 3, 21, 18), reason="vendor"
            )
        )
        assert req.state is RequirementState.IN_DELIVERY
        assert only(req).due_at == sh(2025, 3, 14, 18)
        assert req.breaches == (
            Breach(
                kind="late_delay_notice",
                party="team",
                what="deliver",
                due_at=sh(2025, 3, 14, 18),
                at=sh(2025, 3, 14, 9),
            ),
        )
        assert req.breaches[0].late_by == -dt.timedelta(hours=9)
        assert req.overdue(sh(2025, 3, 14, 18)) == ()
        assert [o.what for o in req.overdue(sh(2025, 3, 14, 18, 0, 1))] == [
            Duty.DELIVER
        ]
        req = req.apply(Delivered(at=sh(2025, 3, 19, 10)))
        assert [b.kind for b in req.breaches] == [
            BreachKind.LATE_DELAY_NOTICE,
            BreachKind.LATE,
        ]
        assert req.breaches[1].late_by == dt.timedelta(days=4, hours=16)

    def test_notice_exactly_on_the_boundary_moves_the_date(self):
        req = in_delivery()
        moved = req.apply(
            DelayAnnounced(at=sh(2025, 3, 13, 18), new_due=sh(2025, 3, 21, 18))
        )
        assert only(moved).due_at == sh(2025, 3, 21, 18)
        assert moved.breaches == ()
        just_late = req.apply(
            DelayAnnounced(
                at=sh(2025, 3, 13, 18).add(microseconds=1), new_due=sh(2025, 3, 21, 18)
            )
        )
        assert only(just_late).due_at == sh(2025, 3, 14, 18)
        assert len(just_late.breaches) == 1

    def test_delay_must_move_the_date_later(self):
        req = in_delivery()
        with pytest.raises(InvalidEventError, match="move the due time later"):
            req.apply(DelayAnnounced(at=sh(2025, 3, 6), new_due=sh(2025, 3, 14, 18)))

    def test_delay_in_rework_moves_the_resubmission(self):
        req = in_delivery().apply_all(
            [
                Delivered(at=sh(2025, 3, 12, 16)),
                AcceptanceFailed(at=sh(2025, 3, 13, 10), reasons=["wrong"]),
                DelayAnnounced(at=sh(2025, 3, 14, 10), new_due=sh(2025, 3, 19, 18)),
            ]
        )
        assert (req.state, only(req).what, only(req).due_at) == (
            RequirementState.IN_REWORK,
            Duty.RESUBMIT,
            sh(2025, 3, 19, 18),
        )

    def test_delay_not_accepted_before_confirmation(self):
        req = opened().apply(SheetSent(at=sh(2025, 1, 27, 17)))
        with pytest.raises(InvalidTransitionError, match="allowed: CustomerConfirmed"):
            req.apply(DelayAnnounced(at=sh(2025, 1, 27, 18), new_due=sh(2025, 3, 1)))

    def test_first_date_when_none_was_promised(self):
        req = opened(received_at=sh(2025, 3, 3, 9)).apply_all(
            [SheetSent(at=sh(2025, 3, 3, 10)), CustomerConfirmed(at=sh(2025, 3, 3, 11))]
        )
        assert only(req).due_at is None
        assert req.overdue(sh(2030, 1, 1)) == ()
        req = req.apply(
            DelayAnnounced(at=sh(2025, 3, 10, 17), new_due=sh(2025, 3, 11, 9))
        )
        assert only(req).due_at == sh(2025, 3, 11, 9)
        assert req.breaches == ()

    def test_promised_instants_are_shown_in_the_calendar_zone(self):
        req = opened(received_at=sh(2025, 3, 3, 9)).apply_all(
            [
                SheetSent(
                    at=sh(2025, 3, 3, 10),
                    delivery_due=pendulum.datetime(2025, 3, 14, 10, tz="UTC"),
                ),
                CustomerConfirmed(at=sh(2025, 3, 3, 11)),
            ]
        )
        assert only(req).due_at.isoformat() == "2025-03-14T18:00:00+08:00"
        assert only(req).due_at.timezone_name == ZONE

    def test_every_returned_instant_is_in_the_calendar_zone(self):
        """DESIGN §2: instants returned are pendulum DateTimes in the calendar's zone,
        whatever zone the events were given in."""
        utc = pendulum.timezone("UTC")
        req = opened(received_at=sh(2025, 3, 3, 9).in_timezone(utc)).apply_all(
            [
                SheetSent(
                    at=sh(2025, 3, 3, 10).in_timezone(utc),
                    delivery_due=sh(2025, 3, 4, 12).in_timezone(utc),
                ),
                CustomerConfirmed(at=sh(2025, 3, 3, 11).in_timezone(utc)),
                Delivered(at=sh(2025, 3, 5, 9).in_timezone(utc)),
            ]
        )
        assert req.history[-1].at.timezone_name == "UTC"  # events keep their zone
        (breach,) = req.breaches
        (obligation,) = req.obligations
        for instant in (breach.at, breach.due_at, obligation.since, obligation.due_at):
            assert isinstance(instant, pendulum.DateTime)
            assert instant.timezone_name == ZONE


class TestCancellation:
    @pytest.mark.parametrize("steps", [0, 1, 2, 3, 4, 5])
    def test_cancel_from_any_live_state_then_nothing(self, steps):
        events = [
            SheetSent(at=sh(2025, 3, 4, 10), delivery_due=sh(2025, 3, 14, 18)),
            CustomerConfirmed(at=sh(2025, 3, 5, 9)),
            Delivered(at=sh(2025, 3, 12, 16)),
            AcceptanceFailed(at=sh(2025, 3, 13, 10), reasons=["wrong"]),
            Delivered(at=sh(2025, 3, 14, 10)),
        ]
        req = opened(received_at=sh(2025, 3, 3, 9, 30)).apply_all(events[:steps])
        last = req.history[-1].at if req.history else req.received_at
        req = req.apply(Cancelled(at=last.add(minutes=1), reason="customer withdrew"))
        assert req.state is RequirementState.CANCELLED
        assert (req.obligations, req.timeouts(sh(2026, 1, 1))) == ((), ())
        with pytest.raises(InvalidTransitionError, match="terminal"):
            req.apply(Cancelled(at=sh(2025, 3, 15), reason="again"))
        assert req.breaches == ()


class TestApply:
    def test_illegal_event_names_state_event_and_allowed(self):
        req = opened()
        with pytest.raises(InvalidTransitionError) as info:
            req.apply(AcceptancePassed(at=sh(2025, 1, 24, 11)))
        assert str(info.value) == (
            "AcceptancePassed is not allowed in state AWAITING_SHEET; "
            "allowed: SheetSent, Cancelled"
        )

    def test_failure_leaves_the_value_unchanged(self):
        req = in_delivery()
        before = req.to_dict()
        for bad in [
            AcceptancePassed(at=sh(2025, 3, 6)),
            Delivered(at=sh(2025, 3, 1)),
            DelayAnnounced(at=sh(2025, 3, 6), new_due=sh(2025, 3, 7)),
        ]:
            with pytest.raises(ValueError):
                req.apply(bad)
        assert req.to_dict() == before
        assert req == in_delivery()

    def test_events_must_not_go_back_in_time(self):
        req = opened()
        with pytest.raises(InvalidEventError, match="before the previous event"):
            req.apply(SheetSent(at=sh(2025, 1, 24, 9)))
        req = req.apply(SheetSent(at=sh(2025, 1, 24, 11)))
        with pytest.raises(InvalidEventError, match="apply events in time order"):
            req.apply(CustomerConfirmed(at=sh(2025, 1, 24, 10, 59)))
        # Equal instants are in order.
        assert (
            req.apply(CustomerConfirmed(at=sh(2025, 1, 24, 11))).state
            is RequirementState.IN_DELIVERY
        )

    def test_not_an_event(self):
        with pytest.raises(InvalidTypeError, match="expected a workflow event"):
            opened().apply({"type": "SheetSent"})

    def test_apply_does_not_replay_the_history(self, monkeypatch):
        """Regression guard: ``apply`` must fold one event, not re-read the history."""
        req = in_delivery()
        for i in range(20):
            req = req.apply(
                DelayAnnounced(
                    at=sh(2025, 3, 6).add(minutes=i), new_due=sh(2025, 4, 1).add(days=i)
                )
            )
        calls = []
        original = requirement_module.advance

        def counting(*args):
            calls.append(args)
            return original(*args)

        monkeypatch.setattr(requirement_module, "advance", counting)
        req.apply(Delivered(at=sh(2025, 3, 10)))
        assert len(calls) == 1

    def test_naive_now(self):
        with pytest.raises(NaiveDatetimeError):
            opened().overdue(dt.datetime(2025, 1, 30))
        with pytest.raises(NaiveDatetimeError):
            opened().timeouts(dt.datetime(2025, 1, 30))

    def test_overdue_sheet(self):
        req = opened()
        assert req.overdue(sh(2025, 1, 27, 18)) == ()
        assert req.overdue(sh(2025, 1, 27, 18, 0, 0, 1)) == req.obligations
        # The team's lateness implies no event: it only shows as overdue.
        assert req.timeouts(sh(2025, 3, 1)) == ()


class TestConstruction:
    def test_direct_construction_replays_the_history(self):
        req = in_delivery()
        again = Requirement(
            id=req.id,
            received_at=req.received_at,
            policy=POLICY,
            channel="email",
            customer="Hohhot Dairy",
            priority=Priority.HIGH,
            history=list(req.history),
        )
        assert again == req
        assert (again.state, again.obligations) == (req.state, req.obligations)

    def test_inconsistent_history_cannot_be_built(self):
        with pytest.raises(InvalidTransitionError):
            Requirement(
                id="R",
                received_at=sh(2025, 3, 3),
                policy=POLICY,
                history=[Delivered(at=sh(2025, 3, 4))],
            )

    def test_facts(self):
        req = opened()
        assert (req.channel, req.customer, req.priority) == (
            Channel.EMAIL,
            "Hohhot Dairy",
            Priority.HIGH,
        )

    def test_channel_and_priority_forgive_case_alike(self):
        req = Requirement.open(
            id="R",
            received_at=sh(2025, 3, 3),
            policy=POLICY,
            channel=" EMAIL ",
            priority="HIGH",
        )
        assert (req.channel, req.priority) == (Channel.EMAIL, Priority.HIGH)

    @pytest.mark.parametrize(
        ("kwargs", "error", "match"),
        [
            ({"id": " "}, InvalidArgumentError, "blank"),
            ({"id": 7}, InvalidTypeError, "string"),
            ({"policy": CN}, InvalidTypeError, "RequirementPolicy"),
            ({"channel": "fax"}, UnknownNameError, "channel must be one of"),
            ({"channel": ["email"]}, UnknownNameError, "channel must be one of"),
            ({"priority": "asap"}, UnknownNameError, "Priority"),
            ({"customer": ""}, InvalidArgumentError, "blank"),
            ({"received_at": dt.datetime(2025, 1, 1)}, NaiveDatetimeError, "naive"),
            ({"history": "SheetSent"}, InvalidTypeError, "list of events"),
            ({"history": [{"type": "SheetSent"}]}, InvalidTypeError, "not an event"),
        ],
    )
    def test_invalid_fields(self, kwargs, error, match):
        base = {"id": "R", "received_at": sh(2025, 3, 3), "policy": POLICY}
        with pytest.raises(error, match=match):
            Requirement(**(base | kwargs))

    def test_frozen(self):
        req = opened()
        with pytest.raises(AttributeError):
            req.id = "other"  # type: ignore[misc]


class TestSerialisation:
    @given(acceptance_requirements())
    def test_round_trip_through_json(self, req):
        data = json.loads(json.dumps(req.to_dict()))
        back = Requirement.from_dict(data)
        assert back == req
        assert hash(back) == hash(req)
        assert back.to_dict() == req.to_dict()
        assert (back.state, back.obligations, back.breaches) == (
            req.state,
            req.obligations,
            req.breaches,
        )

    @given(acceptance_requirements(max_events=6))
    def test_pickle_round_trip(self, req):
        back = pickle.loads(pickle.dumps(req))
        assert back == req
        assert back.obligations == req.obligations

    def test_scenario_round_trip(self):
        req = in_delivery().apply(Delivered(at=sh(2025, 3, 12, 16)))
        data = json.loads(json.dumps(req.to_dict()))
        assert data["state"] == "awaiting_acceptance"
        assert data["received_at"] == "2025-03-03T09:30:00+08:00"
        assert Requirement.from_dict(data) == req

    def test_state_mismatch_is_refused(self):
        data = in_delivery().to_dict() | {"state": "closed"}
        with pytest.raises(
            DeserializationError, match=r"at \$: stored state 'closed' does not"
        ):
            Requirement.from_dict(data)

    def test_state_is_optional(self):
        data = in_delivery().to_dict()
        del data["state"]
        assert Requirement.from_dict(data) == in_delivery()

    @pytest.mark.parametrize(
        ("change", "match"),
        [
            ({"owner": "x"}, "at \\$: unknown key 'owner'"),
            ({"history": {"0": {}}}, r"at \$\.history: expected an array"),
            (
                {"history": [{"type": "Delivered", "at": "2025-03-01T00:00:00+08:00"}]},
                "not allowed",
            ),
            ({"channel": "fax"}, r"at \$\.channel: 'fax' is not a Channel"),
            ({"channel": 7}, r"at \$\.channel: expected the text name of a Channel"),
            ({"received_at": "2025-03-03"}, r"at \$\.received_at: .*no UTC offset"),
            ({"state": ["closed"]}, r"at \$\.state: expected the text name"),
            ({"state": "CLOSED"}, r"at \$: stored state 'CLOSED' does not match"),
        ],
    )
    def test_bad_data(self, change, match):
        data = opened().to_dict() | change
        with pytest.raises(DeserializationError, match=match):
            Requirement.from_dict(data)

    def test_missing_key_and_not_a_mapping(self):
        data = opened().to_dict()
        del data["policy"]
        with pytest.raises(DeserializationError, match=r"\$\.policy: this required"):
            Requirement.from_dict(data)
        with pytest.raises(DeserializationError, match="expected an object"):
            Requirement.from_dict("REQ-1")

    def test_unknown_event_in_history(self):
        data = opened().to_dict() | {"history": [{"type": "Shipped"}]}
        with pytest.raises(
            DeserializationError, match=r"\$\.history\[0\]: unknown type 'Shipped'"
        ):
            Requirement.from_dict(data)

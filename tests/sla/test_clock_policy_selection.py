"""Rules 5-7 of the SLA clocks: which policy a ticket gets, and what a priority change does.

Hand-computed: every expected instant is worked out in the comments (business
clocks checked against ``BusinessCalendar.add``); each docstring names the rule of
``docs/sla.md`` it pins. The shared world is ``sla/clock_world.py``.
"""

import pytest

from helpers import HOUR, MINUTE, SECOND, sh
from servicekit.errors import (
    NoMatchingPolicyError,
)
from servicekit.sla import (
    AlertKind,
    EventKind,
    MetricState,
    PolicySet,
    SlaClock,
    TicketEvent,
    evaluate,
)
from servicekit.sla.presets import SERVICE_STANDARD
from sla.clock_world import (
    ALL_FOUR,
    FR,
    MON,
    MONDAY_UTC,
    RES,
    created,
    message,
    metric,
    policy,
    priority,
    reopened,
    reply,
    status,
    target,
)


class TestSelection:
    def test_first_match_wins(self):
        """Rule 5: an urgent chat is urgent (5 min), not chat (30 s): order is priority."""
        r = evaluate(
            SERVICE_STANDARD, [created(MON, priority="urgent", channel="chat")], MON
        )
        assert r.policy == "urgent"

    def test_no_matching_policy_names_the_facts(self):
        """Rule 5: without a catch-all, the error says which facts matched nothing."""
        only_vip = policy("vip", target(FR, HOUR), when={"tier": "high_value"})
        with pytest.raises(NoMatchingPolicyError, match="ordinary") as info:
            evaluate(
                only_vip,
                [created(MONDAY_UTC, tier="ordinary", channel="email")],
                MONDAY_UTC,
            )
        assert "email" in str(info.value)
        assert "vip" in str(info.value)

    def test_attributes_select_a_policy(self):
        """Rule 5: attributes on CREATED are facts as attributes.<name>."""
        ps = PolicySet(
            [
                policy(
                    "hohhot", target(FR, MINUTE), when={"attributes.city": "Hohhot"}
                ),
                policy("rest", target(FR, HOUR)),
            ]
        )
        assert (
            evaluate(
                ps, [created(MONDAY_UTC, attributes={"city": "Hohhot"})], MONDAY_UTC
            ).policy
            == "hohhot"
        )
        assert evaluate(ps, [created(MONDAY_UTC)], MONDAY_UTC).policy == "rest"

    def test_a_single_policy_is_a_one_policy_set(self):
        """evaluate(SlaPolicy) equals evaluate(PolicySet([policy]))."""
        events = [
            created(MONDAY_UTC),
            reply(MONDAY_UTC + MINUTE),
            message(MONDAY_UTC + 2 * MINUTE),
        ]
        assert evaluate(ALL_FOUR, events, MONDAY_UTC + HOUR) == evaluate(
            PolicySet([ALL_FOUR]), events, MONDAY_UTC + HOUR
        )
        assert SlaClock.start(ALL_FOUR, events).report(MONDAY_UTC + HOUR) == evaluate(
            ALL_FOUR, events, MONDAY_UTC + HOUR
        )


class TestPriorityChanges:
    def test_upgrade_at_minute_3_keeps_the_start(self):
        """Rule 6: NORMAL (30 min) upgraded to URGENT (5 min) at minute 3 is due at minute 5.

        ServiceNow's "retroactive" start: the clock is not restarted at the upgrade
        (which would give the customer 8 minutes).
        """
        events = [created(MON, priority="normal"), priority(MON + 3 * MINUTE, "urgent")]
        r = evaluate(SERVICE_STANDARD, events, MON + 4 * MINUTE)
        assert r.policy == "urgent"
        assert metric(r, FR).started_at == MON
        assert metric(r, FR).due_at == MON + 5 * MINUTE
        assert metric(r, FR).target.within == 5 * MINUTE
        later = evaluate(SERVICE_STANDARD, events, MON + 6 * MINUTE)
        assert metric(later, FR).breached_at == MON + 5 * MINUTE

    def test_upgrade_at_minute_10_breaches_at_the_change(self):
        """Rule 7: the 5-minute target is already spent at minute 10, so the breach is at minute 10.

        Reports for now < minute 10 said RUNNING under the 30-minute target; a breach
        at minute 5 would rewrite them.
        """
        events = [
            created(MON, priority="normal"),
            priority(MON + 10 * MINUTE, "urgent"),
        ]
        before = evaluate(SERVICE_STANDARD, events[:1], MON + 10 * MINUTE - SECOND)
        assert metric(before, FR).state is MetricState.RUNNING
        r = evaluate(SERVICE_STANDARD, events, MON + 10 * MINUTE)
        assert metric(r, FR).state is MetricState.BREACHED
        assert metric(r, FR).breached_at == MON + 10 * MINUTE
        assert metric(r, FR).remaining == -5 * MINUTE
        assert [(a.kind, a.at) for a in r.alerts if a.metric is FR] == [
            (AlertKind.BREACH, MON + 10 * MINUTE)
        ]

    def test_warnings_caused_by_the_change_fall_at_the_change(self):
        """Rule 7: URGENT's 50 % (2.5 min) is already passed at minute 3: it falls at minute 3."""
        events = [created(MON, priority="normal"), priority(MON + 3 * MINUTE, "urgent")]
        r = evaluate(SERVICE_STANDARD, events, MON + 3 * MINUTE)
        assert [(a.kind, a.threshold, a.at) for a in r.alerts if a.metric is FR] == [
            (AlertKind.WARNING, 0.5, MON + 3 * MINUTE),
            (AlertKind.WARNING, 0.75, MON + 3 * MINUTE + 45 * SECOND),
            (AlertKind.BREACH, 1.0, MON + 5 * MINUTE),
        ]
        assert r.next_change_at == MON + 3 * MINUTE + 45 * SECOND

    def test_change_while_solved_takes_effect_when_reopened(self):
        """Rule 7: a shorter target set while the ticket is solved breaches at the reopen.

        Solved at 1.5 h under a 4 h RESOLUTION, upgraded at 1:40 to 1 h, reopened at
        2:00: the report at 1:50 said MET (the ticket was solved), so the breach the
        change causes happens when the clock runs again, at 2:00, not at 1:40.
        """
        four = policy("four", target(RES, 4 * HOUR), when={"priority": "normal"})
        one = policy("one", target(RES, 1 * HOUR))
        ps = PolicySet([four, one])
        events = [
            created(MON, priority="normal"),
            status(MON + 90 * MINUTE, "solved"),
            priority(MON + 100 * MINUTE, "urgent"),
        ]
        assert (
            metric(evaluate(ps, events, MON + 110 * MINUTE), RES).state
            is MetricState.MET
        )
        r = evaluate(ps, [*events, reopened(MON + 2 * HOUR)], MON + 130 * MINUTE)
        assert metric(r, RES).state is MetricState.BREACHED
        assert metric(r, RES).breached_at == MON + 2 * HOUR
        assert [(a.kind, a.at) for a in r.alerts] == [
            (AlertKind.BREACH, MON + 2 * HOUR)
        ]

    def test_reopened_under_the_same_target_keeps_its_past_warnings(self):
        """Rules 7, 11: warnings passed before a solve stay where they were after a reopen.

        A 4 h RESOLUTION warned at 2 h and 3 h; solved at 3.5 h, a change to a policy
        with the same target while solved, reopened: the warnings are not re-fired at
        the reopen.
        """
        four = policy("four", target(RES, 4 * HOUR), when={"priority": "normal"})
        same = policy("same", target(RES, 4 * HOUR))
        events = [
            created(MON, priority="normal"),
            status(MON + 210 * MINUTE, "solved"),
            priority(MON + 4 * HOUR, "urgent"),
            reopened(MON + 5 * HOUR),
        ]
        r = evaluate(PolicySet([four, same]), events, MON + 5 * HOUR)
        assert [(a.kind, a.threshold, a.at) for a in r.alerts] == [
            (AlertKind.WARNING, 0.5, MON + 2 * HOUR),
            (AlertKind.WARNING, 0.75, MON + 3 * HOUR),
            (AlertKind.BREACH, 1.0, MON + 5 * HOUR + 30 * MINUTE),
        ]

    def test_breached_then_downgraded_stays_breached(self):
        """Rules 6, 16: URGENT unanswered at minute 5 is breached; a downgrade at minute 10 does not undo it.

        Agents downgrading a ticket to hide a breach is the classic SLA-gaming move.
        """
        events = [
            created(MON, priority="urgent"),
            priority(MON + 10 * MINUTE, "normal"),
        ]
        r = evaluate(SERVICE_STANDARD, events, MON + 20 * MINUTE)
        assert r.policy == "standard"
        assert metric(r, FR).state is MetricState.BREACHED
        assert metric(r, FR).breached_at == MON + 5 * MINUTE
        # Rule 17 holds against the target now in force (30 min), breach or not.
        assert metric(r, FR).remaining == 30 * MINUTE - 20 * MINUTE
        done = evaluate(
            SERVICE_STANDARD, [*events, reply(MON + 21 * MINUTE)], MON + HOUR
        )
        assert metric(done, FR).state is MetricState.BREACHED

    def test_met_stays_met_after_an_upgrade(self):
        """Rule 6: a NORMAL ticket answered at minute 10 (MET) upgraded at minute 20 stays MET."""
        events = [
            created(MON, priority="normal"),
            reply(MON + 10 * MINUTE),
            priority(MON + 20 * MINUTE, "urgent"),
        ]
        r = evaluate(SERVICE_STANDARD, events, MON + HOUR)
        assert r.policy == "urgent"
        first = metric(r, FR)
        assert first.state is MetricState.MET
        assert first.breached_at is None
        assert first.stopped_at == MON + 10 * MINUTE
        # Rule 17's identity holds against the target shown, whichever it is.
        assert first.elapsed + first.remaining == first.target.within

    def test_unchanged_target_keeps_its_past_warnings(self):
        """Rules 7, 18: a change does not move the alerts of a target it does not change.

        RESOLUTION is 24 real hours in both "standard" and "urgent". Created Mon
        10:00, its 50 % warning fell at 22:00; upgrading at 23:00 must not move it
        to 23:00 (a notifier keyed on alert instants would send it again).
        """
        events = [
            created(MON, priority="normal"),
            reply(MON + MINUTE),
            priority(MON + 13 * HOUR, "urgent"),
        ]
        before = evaluate(SERVICE_STANDARD, events[:2], MON + 12 * HOUR + 30 * MINUTE)
        after = evaluate(SERVICE_STANDARD, events, MON + 13 * HOUR)
        assert before.metrics[RES].target == after.metrics[RES].target

        def res_alerts(r):
            return [(a.threshold, a.at) for a in r.alerts if a.metric is RES]

        assert res_alerts(before)[0] == (0.5, MON + 12 * HOUR)
        assert res_alerts(after) == res_alerts(before)

    def test_same_policy_after_the_change_changes_nothing(self):
        """Rule 6: NORMAL -> LOW keeps the standard policy; the report is as without the event."""
        base = [created(MON, priority="normal")]
        r = evaluate(
            SERVICE_STANDARD, [*base, priority(MON + MINUTE, "low")], MON + 2 * MINUTE
        )
        assert r.metrics == evaluate(SERVICE_STANDARD, base, MON + 2 * MINUTE).metrics

    def test_tier_change_reselects(self):
        """Rule 6: TIER_CHANGED to HIGH_VALUE moves an email ticket to business hours.

        Created Fri 16:50 (standard, 30 min), high value from 17:00: 2 business
        hours from 16:50 = 16:50-18:00 (1 h 10) + Mon 09:00-09:50.
        """
        friday = sh(2025, 3, 7, 17)
        events = [
            created(friday - 10 * MINUTE, channel="email"),
            TicketEvent(at=friday, kind=EventKind.TIER_CHANGED, tier="high_value"),
        ]
        r = evaluate(SERVICE_STANDARD, events, friday)
        assert r.policy == "high_value"
        manager = r.targets["manager_answer"]
        assert manager.due_at == sh(2025, 3, 10, 9, 50)
        assert manager.state is MetricState.RUNNING
        assert metric(r, FR).due_at == sh(2025, 3, 7, 17, 20)

    def test_tier_change_after_a_breach_keeps_it(self):
        """Rule 6: created Fri 16:00 (standard, due 16:30), high value at 17:00: breached at 16:30."""
        friday = sh(2025, 3, 7, 17)
        events = [
            created(friday - HOUR, channel="email"),
            TicketEvent(at=friday, kind=EventKind.TIER_CHANGED, tier="high_value"),
        ]
        r = evaluate(SERVICE_STANDARD, events, friday)
        assert metric(r, FR).state is MetricState.BREACHED
        assert metric(r, FR).breached_at == sh(2025, 3, 7, 16, 30)

    def test_pause_on_differs_between_policies(self):
        """Rules 6, 13: the new policy's pause_on applies from the change on.

        "never" does not pause, "pausing" pauses on PENDING. Pending from minute 10,
        the ticket becomes urgent ("pausing") at minute 20 and reopens at minute 40:
        resolution ran 0-20 and 40-50, so 30 min at minute 50.
        """
        ps = PolicySet(
            [
                policy("pausing", target(RES, 2 * HOUR), when={"priority": "urgent"}),
                policy("never", target(RES, 2 * HOUR), pause_on=()),
            ]
        )
        events = [
            created(MONDAY_UTC, priority="normal"),
            status(MONDAY_UTC + 10 * MINUTE, "pending"),
            priority(MONDAY_UTC + 20 * MINUTE, "urgent"),
            status(MONDAY_UTC + 40 * MINUTE, "open"),
        ]
        at_15 = evaluate(ps, events[:2], MONDAY_UTC + 15 * MINUTE)
        assert metric(at_15, RES).state is MetricState.RUNNING
        at_30 = evaluate(ps, events[:3], MONDAY_UTC + 30 * MINUTE)
        assert metric(at_30, RES).state is MetricState.PAUSED
        assert metric(at_30, RES).elapsed == 20 * MINUTE
        r = evaluate(ps, events, MONDAY_UTC + 50 * MINUTE)
        assert metric(r, RES).elapsed == 30 * MINUTE
        assert metric(r, RES).due_at == MONDAY_UTC + 50 * MINUTE + 90 * MINUTE
        # The other way round: paused under "pausing", downgraded to "never" at 20 min.
        back = [
            created(MONDAY_UTC, priority="urgent"),
            status(MONDAY_UTC + 10 * MINUTE, "pending"),
            priority(MONDAY_UTC + 20 * MINUTE, "normal"),
        ]
        r2 = evaluate(ps, back, MONDAY_UTC + 50 * MINUTE)
        assert metric(r2, RES).state is MetricState.RUNNING
        assert metric(r2, RES).elapsed == 10 * MINUTE + 30 * MINUTE

"""Named dispatch scenarios from our users' service plans."""

import datetime as dt
from collections import Counter

from routing.dispatch_helpers import (
    DEFAULT,
    NOW,
    mk_agent,
    mk_ticket,
)
from servicekit import Tier
from servicekit.routing import (
    Router,
    Triage,
    TriageRule,
)


class TestScenarios:
    def test_high_value_customer_gets_dedicated_manager_first(self):
        agents = [
            mk_agent("a1"),
            mk_agent("mgr", dedicated_customers={"vip"}, load={"chat": 1}),
        ]
        t = mk_ticket(tier=Tier.HIGH_VALUE, customer_id="vip")
        d = DEFAULT.route(t, agents, NOW)
        assert d.agent_id == "mgr"
        assert d.reasons[-1] == "chose agent mgr: decided by dedicated manager"
        assert "is this customer's dedicated manager" in " ".join(d.reasons)

    def test_tier_specialists_before_general_pool(self):
        agents = [
            mk_agent("a1"),
            mk_agent("hv", dedicated_tiers={Tier.HIGH_VALUE}, load={"chat": 1}),
        ]
        assert DEFAULT.route(mk_ticket(tier="high_value"), agents, NOW).agent_id == "hv"
        assert DEFAULT.route(mk_ticket(tier="ordinary"), agents, NOW).agent_id == "a1"

    def test_urgent_outage_jumps_the_queue_via_triage(self):
        triage = Triage(
            rules=[
                TriageRule(
                    name="outage", when={"attributes.kind": "outage"}, priority="urgent"
                )
            ]
        )
        router = Router.default(triage=triage)
        old = mk_ticket("old", minutes_ago=60, priority="high")
        outage = mk_ticket(
            "outage", minutes_ago=1, priority="low", attributes={"kind": "outage"}
        )
        result = router.dispatch(
            [old, outage], [mk_agent("a", capacity={"chat": 1})], NOW
        )
        assert [a.ticket_id for a in result.assignments] == ["outage"]
        assert result.assignments[0].reasons[:2] == (
            "ticket outage: urgent priority, ordinary customer, chat, waiting 1 min",
            "triage rule 'outage' gave it urgent priority",
        )

    def test_reasons_say_what_triage_set_and_why_a_ticket_was_promoted(self):
        triage = Triage(
            rules=[
                TriageRule(
                    name="vip refunds",
                    when={"tier": "high_value"},
                    priority="high",
                    group="after-sales",
                    skills={"refunds", "chat etiquette"},
                    min_levels={"refunds": 6},
                )
            ]
        )
        router = Router.default(triage=triage, promote_every=dt.timedelta(hours=1))
        vip = mk_ticket("vip", tier="high_value", minutes_ago=5)
        old = mk_ticket("old", minutes_ago=150, priority="low")
        result = router.dispatch([vip, old], [], NOW)
        by_id = {u.ticket_id: u.reasons for u in result.unassigned}
        assert by_id["vip"][:2] == (
            "ticket vip: high priority, high-value customer, chat, waiting 5 min",
            (
                "triage rule 'vip refunds' gave it high priority, the after-sales group, "
                "skills chat etiquette, refunds at level 6 or above"
            ),
        )
        # The default rule makes the old ticket NORMAL; 2 h 30 min of waiting lifts it
        # two levels, so it is served as URGENT ahead of the HIGH ticket.
        assert [u.ticket_id for u in result.unassigned] == ["old", "vip"]
        assert by_id["old"][1] == (
            "triage rule 'default' gave it normal priority; served as urgent priority "
            "after waiting 2 h 30 min (one level up for every 1 h 00 min waited)"
        )

    def test_not_every_ticket_defaults_to_high_priority(self):
        triage = Triage(rules=[])
        t = mk_ticket(priority="urgent")
        assert triage.apply(t).priority.value == "normal"

    def test_skill_groups_take_their_own_work(self):
        agents = [
            mk_agent("tech1", groups={"tech"}),
            mk_agent("as1", groups={"after-sales"}),
        ]
        assert (
            DEFAULT.route(mk_ticket(group="after-sales"), agents, NOW).agent_id == "as1"
        )
        assert DEFAULT.route(mk_ticket(group="tech"), agents, NOW).agent_id == "tech1"

    def test_mongolian_speaker_for_hohhot(self):
        agents = [
            mk_agent("zh1", languages={"zh"}),
            mk_agent("mn1", languages={"mn", "zh"}, load={"chat": 1}),
        ]
        d = DEFAULT.route(mk_ticket(language="MN"), agents, NOW)
        assert d.agent_id == "mn1"
        assert (
            "agent zh1 excluded by language: does not speak the customer's language (mn)"
            in d.reasons
        )

    def test_first_contact_owner_keeps_the_case_while_available(self):
        owner = mk_agent("owner", capacity={"chat": 1}, load={"chat": 1})
        other = mk_agent("other")
        t = mk_ticket(owner_id="owner", minutes_ago=10)
        d = DEFAULT.route(t, [owner, other], NOW)
        assert d.agent_id is None
        assert any("belongs to owner" in r for r in d.reasons)
        # After the configured wait, anyone may take it.
        late = mk_ticket(owner_id="owner", minutes_ago=31)
        assert DEFAULT.route(late, [owner, other], NOW).agent_id == "other"

    def test_each_owner_gets_its_own_exclusion_summary(self):
        """Eligibility is memoised by prefix: tickets differing only in their owner
        share the work before it, but each must still name its own owner."""
        agents = [
            mk_agent(f"o{i}", capacity={"chat": 1}, load={"chat": 1}) for i in range(3)
        ]
        tickets = [mk_ticket(f"T{i}", owner_id=f"o{i}") for i in range(3)]
        result = DEFAULT.dispatch(tickets, [*agents, mk_agent("x")], NOW)
        assert result.assignments == ()
        for i, u in enumerate(result.unassigned):
            assert (
                f"3 agents of 4 excluded by first-contact ownership: they are not the "
                f"case owner o{i}, who keeps it for now (first-contact ownership)"
            ) in u.reasons

    def test_owner_who_never_works_the_channel_does_not_hold_the_case(self):
        """A phone call must not wait out the owner's claim for an email-only agent."""
        owner = mk_agent("owner", capacity={"email": 10})
        other = mk_agent("other", capacity={"phone": 1})
        t = mk_ticket(owner_id="owner", minutes_ago=1, channel="phone")
        assert DEFAULT.route(t, [owner, other], NOW).agent_id == "other"
        assert DEFAULT.dispatch([t], [owner, other], NOW).assignments[0].agent_id == (
            "other"
        )

    def test_waiting_reason_for_a_single_full_agent_reads_right(self):
        full = mk_agent("li", capacity={"chat": 1}, load={"chat": 1})
        result = DEFAULT.dispatch([mk_ticket()], [full], NOW)
        assert result.unassigned[0].reasons[-1] == (
            "the only qualified agent, li, is at capacity or at their part-time share; "
            "it stays in the queue"
        )

    def test_owner_preferred_when_free(self):
        owner = mk_agent("owner", load={"chat": 1})
        other = mk_agent("other")
        t = mk_ticket(owner_id="owner", minutes_ago=45)
        assert DEFAULT.route(t, [owner, other], NOW).agent_id == "owner"

    def test_owner_unavailable_falls_back_at_once(self):
        owner = mk_agent("owner", available=False)
        other = mk_agent("other")
        t = mk_ticket(owner_id="owner", minutes_ago=1)
        assert DEFAULT.route(t, [owner, other], NOW).agent_id == "other"
        assert DEFAULT.route(t, [other], NOW).agent_id == "other"

    def test_repeat_complaints_go_to_a_senior(self):
        agents = [mk_agent("junior"), mk_agent("senior", senior=True, load={"chat": 1})]
        t = mk_ticket(attributes={"unresolved_complaints": 2})
        assert DEFAULT.route(t, agents, NOW).agent_id == "senior"
        assert DEFAULT.route(mk_ticket(), agents, NOW).agent_id == "junior"

    def test_part_time_agents_take_less(self):
        agents = [
            mk_agent("pt", capacity={"chat": 4}, part_time=True),
            mk_agent("ft", capacity={"chat": 4}),
        ]
        tickets = [mk_ticket(f"T{i}") for i in range(8)]
        result = DEFAULT.dispatch(tickets, agents, NOW)
        taken = Counter(a.agent_id for a in result.assignments)
        assert taken == {"pt": 2, "ft": 4}
        assert len(result.unassigned) == 2

    def test_least_loaded_then_round_robin(self):
        agents = [mk_agent(x, capacity={"chat": 3}) for x in "abc"]
        result = DEFAULT.dispatch([mk_ticket(f"T{i}") for i in range(6)], agents, NOW)
        assert [a.agent_id for a in result.assignments] == [
            "a",
            "b",
            "c",
            "a",
            "b",
            "c",
        ]

    def test_longest_idle_breaks_load_ties(self):
        agents = [
            mk_agent("recent", last_assigned_at=NOW - dt.timedelta(minutes=1)),
            mk_agent("idle", last_assigned_at=NOW - dt.timedelta(hours=2)),
        ]
        d = DEFAULT.route(mk_ticket(), agents, NOW)
        assert d.agent_id == "idle"
        assert d.reasons[-1] == "chose agent idle: decided by longest idle"

    def test_identical_agents_tie_broken_by_id(self):
        d = DEFAULT.route(mk_ticket(), [mk_agent("b"), mk_agent("a")], NOW)
        assert d.agent_id == "a"
        assert (
            d.reasons[-1]
            == "chose agent a: tied on every policy, so the lowest agent id"
        )

    def test_unknown_skill_is_unmatched_with_a_reason(self):
        t = mk_ticket(skills={"klingon"})
        d = DEFAULT.route(t, [mk_agent("a")], NOW)
        assert d.agent_id is None
        assert (
            "agent a excluded by required skills: lacks the skill klingon" in d.reasons
        )
        r = DEFAULT.dispatch([t], [mk_agent("a")], NOW)
        assert (
            "1 agent of 1 excluded by required skills: they lack the required skills (klingon)"
            in r.unassigned[0].reasons
        )
        assert (
            r.unassigned[0].reasons[-1] == "no agent qualifies; it stays in the queue"
        )

    def test_skill_summary_says_only_what_each_agent_lacks(self):
        """Issue 12: an agent lacking only billing was said to lack billing and
        logistics."""
        agents = [
            mk_agent("a", skills={"logistics": 5}),
            mk_agent("b", skills={"logistics": 5}),
            mk_agent("c"),
            mk_agent("d", skills={"billing": 1, "logistics": 2}),
        ]
        t = mk_ticket(skills={"billing", "logistics"}, min_levels={"logistics": 3})
        for strategy in ("indexed", "scan"):
            r = DEFAULT.dispatch([t], agents, NOW, strategy=strategy)
            assert (
                "4 agents of 4 excluded by required skills: they lack the required "
                "skills: billing (2); billing, logistics at level 3 or above (1); "
                "logistics at level 3 or above (1)"
            ) in r.unassigned[0].reasons
        only = DEFAULT.dispatch([t], agents[:2], NOW).unassigned[0].reasons
        assert (
            "2 agents of 2 excluded by required skills: they lack the required "
            "skills (billing)"
        ) in only

    def test_all_qualified_busy_reason(self):
        busy = [mk_agent(i, load={"chat": 2}) for i in ("a", "b")]
        r = DEFAULT.dispatch([mk_ticket()], busy, NOW)
        assert r.unassigned[0].reasons[-1] == (
            "all 2 qualified agents are at capacity or at their part-time share; "
            "it stays in the queue"
        )

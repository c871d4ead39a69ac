"""Preferences: the dedicated manager, and saying when they were passed over."""

from routing.dispatch_helpers import DEFAULT, NOW, mk_agent, mk_ticket


class TestDedicatedManagerPassedOver:
    """Issue 12: nothing said when the customer's dedicated manager was passed over."""

    def reasons(self, t, agents):
        out = [DEFAULT.route(t, agents, NOW).reasons]
        for strategy in ("indexed", "scan"):
            r = DEFAULT.dispatch([t], agents, NOW, strategy=strategy)
            (decision,) = (*r.assignments, *r.unassigned)
            out.append(decision.reasons)
        return out

    def test_manager_off_shift_is_named_with_why(self):
        agents = [
            mk_agent("a"),
            mk_agent("mgr", dedicated_customers={"vip"}, available=False),
        ]
        t = mk_ticket(customer_id="vip")
        for reasons in self.reasons(t, agents):
            assert reasons[-2] == (
                "the customer's dedicated manager mgr was passed over: is not "
                "available (on a break, in training or logged off) "
                "(availability and capacity)"
            )
            assert reasons[-1].startswith("chose agent a")

    def test_manager_at_capacity_is_named_with_why(self):
        agents = [
            mk_agent("a"),
            mk_agent("mgr", dedicated_customers={"vip"}, load={"chat": 2}),
        ]
        for reasons in self.reasons(mk_ticket(customer_id="vip"), agents):
            assert (
                "the customer's dedicated manager mgr was passed over: already has "
                "2 of 2 chat tickets (no room) (availability and capacity)"
            ) in reasons

    def test_manager_lacking_skill_or_language_is_named_with_why(self):
        agents = [
            mk_agent("a", skills={"billing": 3}, languages={"mn"}),
            mk_agent("m1", dedicated_customers={"vip"}, languages={"mn"}),
            mk_agent("m2", dedicated_customers={"vip"}, skills={"billing": 3}),
        ]
        t = mk_ticket(customer_id="vip", skills={"billing"}, language="mn")
        for reasons in self.reasons(t, agents):
            assert (
                "the customer's dedicated manager m1 was passed over: lacks the skill "
                "billing (required skills)"
            ) in reasons
            assert (
                "the customer's dedicated manager m2 was passed over: does not speak "
                "the customer's language (mn) (language)"
            ) in reasons

    def test_manager_outranked_by_case_owner_says_by_what(self):
        agents = [
            mk_agent("owner"),
            mk_agent("mgr", dedicated_customers={"vip"}),
        ]
        t = mk_ticket(customer_id="vip", owner_id="owner", minutes_ago=45)
        for reasons in self.reasons(t, agents):
            assert (
                "the customer's dedicated manager mgr was passed over: agent owner "
                "came first on first-contact ownership"
            ) in reasons

    def test_nothing_said_when_the_manager_takes_it_or_there_is_none(self):
        agents = [mk_agent("a"), mk_agent("mgr", dedicated_customers={"vip"})]
        for reasons in self.reasons(mk_ticket(customer_id="vip"), agents):
            assert not any("passed over" in r for r in reasons)
        for reasons in self.reasons(mk_ticket(customer_id="other"), agents):
            assert not any("passed over" in r for r in reasons)

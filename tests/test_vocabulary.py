import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit import Channel, Priority, Tier
from servicekit.errors import UnknownNameError
from strategies import priorities, tiers


class TestOrdering:
    def test_priority_order_is_by_rank_not_alphabet(self):
        # "high" < "normal" alphabetically; by rank HIGH is above NORMAL.
        assert Priority.HIGH > Priority.NORMAL
        assert sorted(Priority, reverse=True) == [
            Priority.URGENT,
            Priority.HIGH,
            Priority.NORMAL,
            Priority.LOW,
        ]

    def test_tier_order(self):
        assert Tier.HIGH_VALUE > Tier.POTENTIAL > Tier.ORDINARY

    @given(priorities, priorities)
    def test_priority_total_order_matches_rank(self, a, b):
        assert (a < b) == (a.rank > b.rank)
        assert (a <= b) == (a.rank >= b.rank)
        assert (a > b) == (a.rank < b.rank)
        assert (a >= b) == (a.rank <= b.rank)

    @given(tiers, tiers)
    def test_comparison_with_plain_value(self, a, b):
        assert (a > str(b.value)) == (a > b)

    def test_comparison_with_unrelated_raises_type_error(self):
        with pytest.raises(TypeError):
            _ = Priority.HIGH < 3
        with pytest.raises(TypeError):
            _ = Priority.HIGH < "not-a-priority"
        with pytest.raises(TypeError):
            _ = Priority.HIGH < Tier.ORDINARY
        with pytest.raises(TypeError):
            _ = Priority.HIGH <= 3
        with pytest.raises(TypeError):
            _ = Priority.HIGH >= 3
        with pytest.raises(TypeError):
            _ = Priority.HIGH > 3


class TestParse:
    @pytest.mark.parametrize("text", ["urgent", "URGENT", " Urgent "])
    def test_parse_accepts_value_and_name(self, text):
        assert Priority.parse(text) is Priority.URGENT

    def test_parse_member_is_identity(self):
        assert Tier.parse(Tier.POTENTIAL) is Tier.POTENTIAL

    def test_parse_unknown_lists_choices(self):
        with pytest.raises(UnknownNameError, match="urgent, high, normal, low"):
            Priority.parse("critical")
        with pytest.raises(LookupError):
            Priority.parse(3)


@given(st.sampled_from([*Priority, *Tier, *Channel]))
def test_members_are_json_strings_and_pickle(member):
    assert isinstance(member, str)
    assert pickle.loads(pickle.dumps(member)) is member
    assert type(member)(member.value) is member

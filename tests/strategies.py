"""Shared Hypothesis strategies: every new public type joins this module.

Each subpackage appends its own section below; keep sections self-contained.
"""

from hypothesis import strategies as st

from servicekit import Channel, Priority, Tier

priorities = st.sampled_from(list(Priority))
tiers = st.sampled_from(list(Tier))
channels = st.sampled_from(list(Channel))

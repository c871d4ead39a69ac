"""Test-wide configuration: Hypothesis profiles.

The default profile is what the README's test command and CI run: derandomised, so a
run is reproducible and CI never fails on an example no one has seen before, with 50
examples per property (tests that set their own count scale it from
``settings.default.max_examples``), so the whole suite stays within a few minutes on
two cores. ``HYPOTHESIS_PROFILE=explore`` draws 200 new random examples per property
on every run (run it while changing arithmetic: each run widens what CI checks);
``HYPOTHESIS_PROFILE=thorough`` draws 2,000 before a release.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    deadline=None,
    max_examples=50,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "explore",
    deadline=None,
    max_examples=200,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    deadline=None,
    max_examples=2000,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

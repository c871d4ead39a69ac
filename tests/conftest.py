"""Test-wide configuration: Hypothesis profiles.

``HYPOTHESIS_PROFILE=ci`` (set by ``.ci/run``) derandomises Hypothesis so that CI is
reproducible, and runs half the default number of examples per property so that the
README's test command stays within a few minutes on two cores (tests that set their own
count scale it from ``settings.default.max_examples``). The default profile explores 100
new examples per property on every run, so every local run widens what CI has checked;
``HYPOTHESIS_PROFILE=thorough`` runs 2,000 before a release.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "ci",
    deadline=None,
    max_examples=50,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", deadline=None, max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

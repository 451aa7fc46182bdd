"""Property-based tests of hostile input: a modest number of examples, no deadlines.

`HYPOTHESIS_PROFILE=thorough` runs many more examples (for a night run, not for CI).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "policybot",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("thorough", parent=settings.get_profile("policybot"), max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "policybot"))

"""Hypothesis profiles for the property tests, chosen by ``HYPOTHESIS_PROFILE``.

- ``dev`` (the default): a few dozen examples each, so ``make test`` stays quick.
- ``ci`` (the default when ``CI`` is set): the same examples on every run (derandomized),
  so that a red CI run is red again on a developer's machine.
- ``faults``: two hundred examples each (``make test-faults``, which CI runs too);
  ``HYPOTHESIS_EXAMPLES`` asks for more (a thousand each finds what a release must not hold).

No deadline anywhere: a PostgreSQL round trip on a busy machine is not a bug.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# The store and capture fixtures are set up once per test and shared by its examples on
# purpose: every property must hold whatever earlier examples left in the store.
_SHARED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]

settings.register_profile("dev", max_examples=30, deadline=None, suppress_health_check=_SHARED)
settings.register_profile(
    "ci",
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=_SHARED,
)
settings.register_profile(
    "faults",
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES") or 200),
    deadline=None,
    print_blob=True,
    suppress_health_check=_SHARED,
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)

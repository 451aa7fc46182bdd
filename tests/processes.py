"""What every process a test starts inherits from the test's own environment, beside the few
variables each test passes on purpose: a moved clock. Run under `faketime` (FAKETIME and
LD_PRELOAD), the suite's `policybot` processes then live a year ahead with the test itself,
instead of on the real date while the test runs on another."""

from __future__ import annotations

import os

_CLOCK = (
    "LD_PRELOAD",
    "FAKETIME",
    "FAKETIME_NO_CACHE",
    "FAKETIME_DONT_RESET",
    "DONT_FAKE_MONOTONIC",
)


def inherited() -> dict[str, str]:
    """The clock-moving variables set for the test run, if any."""
    return {name: os.environ[name] for name in _CLOCK if name in os.environ}

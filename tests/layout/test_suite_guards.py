"""The suite's own guards: Hypothesis runs derandomized unless a profile says otherwise.

(The shared files' guard is tests/shared_files.py, tested in test_corpus_structure.py.)
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings


def test_hypothesis_is_derandomized_unless_a_profile_is_chosen() -> None:
    if os.environ.get("HYPOTHESIS_PROFILE"):
        pytest.skip(f"HYPOTHESIS_PROFILE={os.environ['HYPOTHESIS_PROFILE']} was chosen on purpose")
    assert settings.default.derandomize is True
    assert settings.default.database is None  # nothing carried over from another run

"""The confidence threshold is a floor the answer may stand on: a best match exactly at the
threshold is answered, one just below it is "I don't know" (app.yaml: "how sure the bot must be
before it answers")."""

from __future__ import annotations

import math

import pytest

from knowledge.matcher import Matcher, Outcome, Thresholds
from knowledge.models import Policy
from knowledge.sources import build_policy, seed_sources

QUESTION = "can I post photos of my crew?"


@pytest.fixture(scope="module")
def policies() -> list[Policy]:
    return [build_policy(source) for source in seed_sources()]


def test_a_best_match_exactly_at_the_threshold_is_answered(policies: list[Policy]) -> None:
    best = Matcher(policies).ask("la-crosse", QUESTION).best_confidence
    assert 0 < best < 1
    at = Matcher(policies, thresholds=Thresholds(confidence=best, ambiguity_margin=0.0))
    result = at.ask("la-crosse", QUESTION)
    assert result.outcome is Outcome.ANSWER and result.best_confidence == best
    above = Thresholds(confidence=math.nextafter(best, 1.0), ambiguity_margin=0.0)
    assert Matcher(policies, thresholds=above).ask("la-crosse", QUESTION).outcome is (
        Outcome.UNKNOWN
    )

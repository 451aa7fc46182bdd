"""The confidence threshold is a floor the answer may stand on: a question exactly as likely to
be about the policy as the threshold is answered, one a hair below it is "I don't know"
(app.yaml: "how sure the bot must be before it answers")."""

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


def test_a_question_exactly_at_the_threshold_is_answered(policies: list[Policy]) -> None:
    in_scope = Matcher(policies).ask("la-crosse", QUESTION).in_scope
    assert 0 < in_scope < 1

    def outcome(threshold: float) -> Outcome:
        thresholds = Thresholds(confidence=threshold, ambiguity_margin=0.0, closeness=0.0)
        return Matcher(policies, thresholds=thresholds).ask("la-crosse", QUESTION).outcome

    assert outcome(in_scope) is Outcome.ANSWER
    assert outcome(math.nextafter(in_scope, 1.0)) is Outcome.UNKNOWN

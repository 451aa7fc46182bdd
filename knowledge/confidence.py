"""How sure the bot is, asked as two separate questions and calibrated across policies.

0. *Which clause first?* (`ranking`): a weighted sum of each clause's evidence (shared words,
   topics, adjacent words, fuzzy similarity, coverage), the weights fitted across policies.
1. *Is this question about the policy at all?* (`in_scope`): drawn from how much of the question
   the policy's words and the domain's topics account for, whether it names something policies
   regulate, or something they do not (leave, pay, IT help), whether it asks for a fact rather
   than for what is allowed, and whether it names the policy itself (`knowledge/question_form.py`).
2. *How close is the best clause?* (`closeness`): drawn from the best clause's score, how much of
   the question it covers, and how far ahead of the runner-up it is.

The last two are logistic models; all coefficients live in `calibration.yaml`, fitted by
`bench/calibrate.py` on several policies (curated and not) and checked on each policy left out.
The features are shares and saturating scores, so they mean the same on a policy of ten clauses
and on one of five hundred.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's is 10x faster at start

CALIBRATION_FILE = Path(__file__).parent / "calibration.yaml"

SCOPE_FEATURES = (
    "bias",
    "score",
    "coverage",
    "known",
    "topic",
    "outside",
    "margin",
    "medium",
    "specific",
    "semantic",
    "unrelated",
    "explained",
    "factual",
    "about_the_policy",
)
CLOSENESS_FEATURES = ("bias", "score", "coverage", "margin", "topic", "specific", "semantic")
RANKING_FEATURES = (
    "lexical",
    "topical",
    "bigram",
    "similarity",
    "coverage",
    "proximity",
    "semantic",
)


@dataclass(frozen=True)
class Signals:
    """What one question's ranking says, before any decision is drawn from it."""

    best_score: float = 0.0
    second_score: float = 0.0
    coverage: float = 0.0
    known: float = 0.0
    topic: float = 0.0
    outside: float = 0.0
    medium: float = 0.0
    asked_weight: float = 0.0
    semantic: float = 0.0
    unrelated: float = 0.0
    explained: float = 0.0
    factual: float = 0.0
    about_the_policy: float = 0.0

    @property
    def margin(self) -> float:
        """How far the best clause is ahead of the runner-up, as a share of its score."""
        if self.best_score <= 0:
            return 0.0
        return (self.best_score - self.second_score) / self.best_score

    def features(self) -> dict[str, float]:
        return {
            "bias": 1.0,
            "score": 1 - math.exp(-self.best_score / 4.0),
            "coverage": self.coverage,
            "known": self.known,
            "topic": self.topic,
            "outside": self.outside,
            "margin": self.margin,
            "medium": self.medium,
            "specific": 1 - math.exp(-self.asked_weight / 6.0),
            "semantic": self.semantic,
            "unrelated": self.unrelated,
            "explained": self.explained,
            "factual": self.factual,
            "about_the_policy": self.about_the_policy,
        }


@dataclass(frozen=True)
class Calibration:
    """The two fitted models."""

    scope: dict[str, float]
    closeness: dict[str, float]
    ranking: dict[str, float]

    def rank_score(self, features: dict[str, float]) -> float:
        """A clause's score for ranking: a weighted sum of its features, fitted across policies."""
        return sum(self.ranking.get(name, 0.0) * value for name, value in features.items())

    def in_scope(self, signals: Signals) -> float:
        """Probability (0-1) that the question is about something the policy covers."""
        if signals.best_score <= 0:
            return 0.0
        return _logistic(self.scope, signals.features())

    def closeness_of(self, signals: Signals) -> float:
        """Probability (0-1) that the best clause is the one that answers, if in scope."""
        if signals.best_score <= 0:
            return 0.0
        return _logistic(self.closeness, signals.features())

    def to_yaml(self) -> str:
        return yaml.safe_dump(
            {
                "scope": {k: round(v, 4) for k, v in self.scope.items()},
                "closeness": {k: round(v, 4) for k, v in self.closeness.items()},
                "ranking": {k: round(v, 4) for k, v in self.ranking.items()},
            },
            sort_keys=False,
        )


def _logistic(weights: dict[str, float], features: dict[str, float]) -> float:
    total = sum(weights.get(name, 0.0) * value for name, value in features.items())
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, total))))


@lru_cache(maxsize=1)
def default_calibration() -> Calibration:
    """The shipped calibration, read once per process."""
    return load_calibration(CALIBRATION_FILE)


def load_calibration(path: Path) -> Calibration:
    """Read calibration.yaml; a missing or broken file is an error that names it."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
        scope = {str(k): float(v) for k, v in data["scope"].items()}
        closeness = {str(k): float(v) for k, v in data["closeness"].items()}
        ranking = {str(k): float(v) for k, v in data["ranking"].items()}
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError) as error:
        raise ValueError(f"{path}: cannot read the confidence calibration ({error})") from None
    unknown = (
        (set(scope) - set(SCOPE_FEATURES))
        | (set(closeness) - set(CLOSENESS_FEATURES))
        | (set(ranking) - set(RANKING_FEATURES))
    )
    if unknown:
        raise ValueError(f"{path}: unknown features {', '.join(sorted(unknown))}")
    return Calibration(scope, closeness, ranking)

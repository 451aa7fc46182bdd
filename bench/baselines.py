"""Baselines the matcher is compared with: plain BM25 over each clause's own text.

Okapi BM25 (k1 1.2, b 0.75) on Snowball stems with the product's stopwords, nothing else: no
synonyms, no typo correction, no curation, no refusal (it always answers with its best clause).
It says how much of the matcher's figure is the words the question shares with the clause.
"""

from __future__ import annotations

import math
from collections import Counter

from knowledge.models import Clause, Policy
from knowledge.text import STOPWORDS, stem, words


def _terms(text: str) -> list[str]:
    return [stem(word) for word in words(text) if word not in STOPWORDS]


class PlainBM25:
    """Ranks a policy's clauses for a question; answers every question (no threshold)."""

    name = "plain BM25"

    def __init__(self, policies: list[Policy], k1: float = 1.2, b: float = 0.75) -> None:
        self._k1, self._b = k1, b
        self._policies = {policy.id: policy for policy in policies}
        self._bags = {p.id: [Counter(_terms(c.text)) for c in p.clauses] for p in policies}

    def rank(self, policy_id: str, question: str) -> tuple[bool, list[Clause]]:
        bags = self._bags[policy_id]
        clauses = self._policies[policy_id].clauses
        count = len(bags)
        average = sum(sum(bag.values()) for bag in bags) / max(count, 1)
        scores = [0.0] * count
        for term in set(_terms(question)):
            df = sum(term in bag for bag in bags)
            if not df:
                continue
            idf = math.log(1 + (count - df + 0.5) / (df + 0.5))
            for position, bag in enumerate(bags):
                tf = bag.get(term, 0)
                if tf:
                    norm = 1 - self._b + self._b * sum(bag.values()) / average
                    scores[position] += idf * tf * (self._k1 + 1) / (tf + self._k1 * norm)
        order = sorted(range(count), key=lambda position: (-scores[position], position))
        ranked = [clauses[position] for position in order if scores[position] > 0]
        return bool(ranked), ranked

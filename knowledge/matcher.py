"""Find the clauses of a policy that answer a question, with a calibrated confidence.

Each clause is indexed from its text, its title and HR's curated phrasings and terms. A question
becomes weighted units (typos corrected with rapidfuzz, domain synonyms expanded, stems); clauses
are ranked by a BM25 score over those units plus the fuzzy similarity of the question to the
clause's sentences and phrasings. Confidence is how much of what was asked the best clause
covers, so a question about something the policy never mentions gets "I don't know".
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import Counter
from dataclasses import dataclass
from enum import Enum

from rapidfuzz import fuzz

from knowledge.analysis import Analyzer, Synonyms, Unit
from knowledge.models import Clause, Policy
from knowledge.text import STOPWORDS, light_stem, stem, words

_K1 = 1.2
_B = 0.4
_FIELD_WEIGHTS = {"text": 1.0, "title": 1.5, "phrasings": 0.6, "terms": 1.5}
_EXPANSION_WEIGHT = 0.75
_SIMILARITY_WEIGHT = 0.35
_DERIVED_FORM_WEIGHT = 0.5
_BIGRAM_WEIGHT = 1.0
_RERANK = 40
_SCORE_SCALE = 3.0
UNKNOWN_WEIGHT = 1.0


class Outcome(str, Enum):
    """What the bot does with a question: answer it, offer choices, or say it does not know."""

    ANSWER = "answer"
    DID_YOU_MEAN = "did_you_mean"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Match:
    """A clause and how well it answers the question (confidence from 0 to 1)."""

    clause: Clause
    score: float
    confidence: float


@dataclass(frozen=True)
class MatchResult:
    """The ranked clauses for a question and the decision drawn from them."""

    question: str
    policy: Policy
    matches: tuple[Match, ...]
    outcome: Outcome

    @property
    def answered(self) -> bool:
        return self.outcome is not Outcome.UNKNOWN

    @property
    def best_confidence(self) -> float:
        return self.matches[0].confidence if self.matches else 0.0


@dataclass(frozen=True)
class Thresholds:
    """The confidence below which the bot says it does not know, and the ambiguity margin."""

    confidence: float = 0.4
    ambiguity_margin: float = 0.05


class PolicyIndex:
    """A searchable index of one policy's clauses."""

    def __init__(self, policy: Policy, synonyms: Synonyms) -> None:
        self.policy = policy
        self._bags = [_clause_bag(clause) for clause in policy.clauses]
        self._lengths = [sum(bag.values()) for bag in self._bags]
        self._average_length = sum(self._lengths) / max(len(self._lengths), 1)
        document_frequency: Counter[str] = Counter()
        for bag in self._bags:
            document_frequency.update(bag.keys())
        count = len(self._bags)
        self._idf = {
            term: math.log(1 + (count - df + 0.5) / (df + 0.5))
            for term, df in document_frequency.items()
        }
        self._unknown_weight = UNKNOWN_WEIGHT * sum(self._idf.values()) / max(len(self._idf), 1)
        self._postings: dict[str, list[int]] = {}
        for position, bag in enumerate(self._bags):
            for term in bag:
                self._postings.setdefault(term, []).append(position)
        self._snippets = [_snippets(clause) for clause in policy.clauses]
        self._bigram_postings: dict[tuple[str, str], list[int]] = {}
        for position, snippets in enumerate(self._snippets):
            for pair in _bigrams(snippets):
                self._bigram_postings.setdefault(pair, []).append(position)
        clause_words = [_clause_words(clause) for clause in policy.clauses]
        self._forms = [{light_stem(word) for word in found} for found in clause_words]
        self.analyzer = Analyzer(set().union(*clause_words), synonyms)

    def search(self, question: str, limit: int = 5) -> list[Match]:
        """Clauses ranked best first, each with its confidence; empty when nothing overlaps."""
        units = self.analyzer.units(question)
        weights = [self._unit_weight(unit) for unit in units]
        scores: dict[int, float] = {}
        covered: dict[int, float] = {}
        for unit, weight in zip(units, weights, strict=True):
            for position, (contribution, share) in self._unit_matches(unit).items():
                scores[position] = scores.get(position, 0.0) + contribution
                covered[position] = covered.get(position, 0.0) + weight * share
        if not scores:
            return []
        query_text = " ".join(unit.surface for unit in units)
        for pair in _bigrams([_stem_string(query_text)]):
            for position in self._bigram_postings.get(pair, ()):
                if position in scores:
                    scores[position] += self._bigram_weight(pair)
        shortlist = heapq.nlargest(_RERANK, scores, key=lambda position: scores[position])
        total_weight = sum(weights)
        ranked = []
        for position in shortlist:
            similarity = self._similarity(query_text, position)
            coverage = covered[position] / total_weight
            score = scores[position]
            confidence = math.sqrt(coverage) * (1 - math.exp(-score / _SCORE_SCALE))
            ranked.append((score * (1 + _SIMILARITY_WEIGHT * similarity), confidence, position))
        ranked.sort(key=lambda item: (-item[0], item[2]))
        return [
            Match(self.policy.clauses[position], round(score, 4), round(confidence, 4))
            for score, confidence, position in ranked[:limit]
        ]

    def _unit_weight(self, unit: Unit) -> float:
        known = [self._idf[term] for term in unit.stems if term in self._idf]
        if known:
            return max(known)
        expanded = [self._idf[t] for stems in unit.expansions for t in stems if t in self._idf]
        return max(expanded) if expanded else self._unknown_weight

    def _unit_matches(self, unit: Unit) -> dict[int, tuple[float, float]]:
        """Per clause: what this unit adds to the score, and the share of its weight covered.

        A word counts fully where the clause has it in the same form; where only the stem is
        shared ("performance" and "performs") it counts half; a synonym counts a little less.
        """
        direct = self._phrase_scores(unit.stems)
        expanded: dict[int, float] = {}
        for stems in unit.expansions:
            for position, value in self._phrase_scores(stems).items():
                expanded[position] = max(expanded.get(position, 0.0), _EXPANSION_WEIGHT * value)
        single_word = len(unit.stems) == 1
        form = light_stem(unit.surface)
        result = {}
        for position in direct.keys() | expanded.keys():
            value = direct.get(position, 0.0)
            factor = 1.0
            if single_word and form not in self._forms[position]:
                factor = _DERIVED_FORM_WEIGHT
            synonym = expanded.get(position, 0.0)
            if value * factor >= synonym and value > 0:
                result[position] = (value * factor, factor)
            else:
                result[position] = (synonym, 1.0)
        return result

    def _phrase_scores(self, stems: tuple[str, ...]) -> dict[int, float]:
        """The mean BM25 of the stems in each clause that has any of them."""
        totals: dict[int, float] = {}
        for term in stems:
            for position in self._postings.get(term, ()):
                totals[position] = totals.get(position, 0.0) + self._bm25(term, position)
        return {position: total / len(stems) for position, total in totals.items()}

    def _bigram_weight(self, pair: tuple[str, str]) -> float:
        """Two asked words that stand together in the clause ("post ... public") count extra."""
        return _BIGRAM_WEIGHT * (self._idf.get(pair[0], 0.0) + self._idf.get(pair[1], 0.0)) / 2

    def _bm25(self, term: str, position: int) -> float:
        frequency = self._bags[position].get(term, 0.0)
        if not frequency:
            return 0.0
        norm = 1 - _B + _B * self._lengths[position] / self._average_length
        return self._idf[term] * frequency * (_K1 + 1) / (frequency + _K1 * norm)

    def _similarity(self, query_text: str, position: int) -> float:
        query = _stem_string(query_text)
        best = max(
            (fuzz.token_sort_ratio(query, snippet) for snippet in self._snippets[position]),
            default=0.0,
        )
        return best / 100.0


class Matcher:
    """Answers questions against a set of policies, deciding answer / did-you-mean / unknown."""

    def __init__(
        self,
        policies: list[Policy],
        synonyms: Synonyms | None = None,
        thresholds: Thresholds | None = None,
    ) -> None:
        self.synonyms = synonyms or Synonyms.load()
        self.thresholds = thresholds or Thresholds()
        self._indexes = {policy.id: PolicyIndex(policy, self.synonyms) for policy in policies}

    @property
    def policy_ids(self) -> list[str]:
        return list(self._indexes)

    def policy(self, policy_id: str) -> Policy:
        """The indexed policy with this id; KeyError when the id is unknown."""
        return self._indexes[policy_id].policy

    def index(self, policy_id: str) -> PolicyIndex:
        """The index of one policy; KeyError when the id is unknown."""
        return self._indexes[policy_id]

    def replace_policy(self, policy: Policy) -> None:
        """Index a new version of a policy (or a new policy) in place of the old one."""
        self._indexes[policy.id] = PolicyIndex(policy, self.synonyms)

    def ask(self, policy_id: str, question: str, top_k: int = 3) -> MatchResult:
        """Rank the policy's clauses for the question and decide what the bot should do."""
        index = self._indexes[policy_id]
        matches = tuple(index.search(question, limit=max(top_k, 3)))
        return MatchResult(question, index.policy, matches[:top_k], self._decide(matches))

    def _decide(self, matches: tuple[Match, ...]) -> Outcome:
        if not matches or matches[0].confidence < self.thresholds.confidence:
            return Outcome.UNKNOWN
        if len(matches) > 1:
            first, second = matches[0], matches[1]
            close = (first.score - second.score) <= self.thresholds.ambiguity_margin * first.score
            if close and second.confidence >= self.thresholds.confidence:
                return Outcome.DID_YOU_MEAN
        return Outcome.ANSWER


def _clause_bag(clause: Clause) -> Counter[str]:
    bag: Counter[str] = Counter()
    fields = {
        "text": [clause.text],
        "title": [clause.title],
        "phrasings": list(clause.phrasings),
        "terms": list(clause.terms),
    }
    for name, texts in fields.items():
        for text in texts:
            for word in words(text):
                if word not in STOPWORDS:
                    bag[stem(word)] += _FIELD_WEIGHTS[name]  # type: ignore[assignment]
    return bag


def _clause_words(clause: Clause) -> set[str]:
    texts = [clause.text, clause.title, *clause.phrasings, *clause.terms]
    return {word for text in texts for word in words(text)}


def _snippets(clause: Clause) -> list[str]:
    return [_stem_string(text) for text in [clause.title, *clause.sentences, *clause.phrasings]]


def _bigrams(snippets: list[str]) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for snippet in snippets:
        pairs.update(itertools.pairwise(snippet.split()))
    return pairs


def _stem_string(text: str) -> str:
    return " ".join(stem(word) for word in words(text) if word not in STOPWORDS)

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
from dataclasses import dataclass, replace
from enum import Enum
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz

from knowledge.analysis import Analyzer, Synonyms, Unit
from knowledge.confidence import Calibration, Signals, default_calibration
from knowledge.embedding import WordVectors, default_vectors
from knowledge.models import Clause, Policy
from knowledge.question_form import asks_about_the_policy, asks_for_a_fact
from knowledge.text import (
    DOMAIN_WORDS,
    FRAME_WORDS,
    MEDIUM_WORDS,
    STOPWORDS,
    light_stem,
    stem,
    words,
)
from knowledge.topics import TopicMap


@lru_cache(maxsize=1)
def default_topics() -> TopicMap:
    """The shipped topic map, read once per process."""
    return TopicMap.load()


_K1 = 1.2
_B = 0.4
_FIELD_WEIGHTS = {"text": 1.0, "title": 1.5, "phrasings": 0.6, "terms": 1.5}
_EXPANSION_WEIGHT = 0.75
_SIMILARITY_WEIGHT = 0.35
_DERIVED_FORM_WEIGHT = 0.5
_BIGRAM_WEIGHT = 1.0
_RERANK = 40
_SCORE_SCALE = 3.0
# A topic the question mentions counts for a linked clause about as much as a shared word.
_TOPIC_WEIGHT = 2.0
_TOPIC_COVERAGE = 0.8
# "sponsor" and "sponsorships": stems of 5+ letters where one begins the other.
_RELATED_FORM_WEIGHT = 0.6
_MIN_RELATED_STEM = 5
# Domain words (post, social media, city...) tell little about which clause answers.
_DOMAIN_WORD_WEIGHT = 0.4
_DOMAIN_STEMS = frozenset(stem(word) for word in DOMAIN_WORDS)
_NOTHING: dict[int, float] = {}
# Two asked things said within this many content words of each other are said together.
_NEAR = 3
_MAX_POSITIONS = 2000
_MEDIUM_STEMS = frozenset(stem(word) for word in MEDIUM_WORDS)
UNKNOWN_WEIGHT = 1.0
# Clauses closest in meaning (word vectors) are ranked even when they share no word with the
# question ("free speech" / "First Amendment").
_SEMANTIC_REACH = 5
# A list item inherits the topics of the clause that introduces it ("comments containing any of
# the following will be removed: ... spam; ..."), a little weaker than its own. Measured, each
# corpus policy left out of the fit: Brewster's ranked-first 56.9% -> 68.1%, the others equal.
# Reading the introducing clause's words or meaning into the item as well gained nothing.
_CONTEXT_TOPIC = 0.8


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
class Examined:
    """One policy's ranking for a question: matches best first, and what the confidence is from.

    `in_scope`: how likely the question is about the policy at all; `closeness`: how likely the
    best clause is the one that answers it. A match's confidence is their product, scaled by its
    score relative to the best, so confidences fall as the ranking goes down.
    """

    matches: list[Match]
    signals: Signals
    in_scope: float
    closeness: float


@dataclass(frozen=True)
class MatchResult:
    """The ranked clauses for a question and the decision drawn from them.

    It carries what a caller needs to offer "none of these" after a did-you-mean and log the
    question for HR: the question, the policy and its version, the offered clauses, and the two
    halves of the confidence (`in_scope`, `closeness`).
    """

    question: str
    policy: Policy
    matches: tuple[Match, ...]
    outcome: Outcome
    in_scope: float = 0.0
    closeness: float = 0.0

    @property
    def answered(self) -> bool:
        return self.outcome is not Outcome.UNKNOWN

    @property
    def best_confidence(self) -> float:
        return self.matches[0].confidence if self.matches else 0.0


@dataclass(frozen=True)
class Thresholds:
    """When the bot says it does not know, and when it offers a choice.

    `confidence`: below this probability that the question is about the policy (`in_scope`),
    the bot says it does not know. `ambiguity_margin`: when the runner-up scores within this
    share of the best, it offers a choice; so it does when the best clause's `closeness` is
    under `closeness`.
    """

    confidence: float = 0.4
    ambiguity_margin: float = 0.05
    # Below this closeness an in-scope question gets a choice of clauses instead of one answer:
    # on the corpus policies (no phrasings) it cut the wrong answers given outright from 23% to
    # 13% of in-scope questions; 84% of the choices offered held the right clause.
    closeness: float = 0.6


class PolicyIndex:
    """A searchable index of one policy's clauses."""

    def __init__(
        self,
        policy: Policy,
        synonyms: Synonyms,
        topics: TopicMap | None = None,
        calibration: Calibration | None = None,
        vectors: WordVectors | None = None,
    ) -> None:
        self.policy = policy
        self.calibration = calibration or default_calibration()
        self.vectors = vectors if vectors is not None else default_vectors()
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
        self._related: dict[str, list[str]] = {}
        self._scored: dict[str, dict[int, float]] = {}
        self._unknown_weight = UNKNOWN_WEIGHT * sum(self._idf.values()) / max(len(self._idf), 1)
        self._postings: dict[str, list[int]] = {}
        for position, bag in enumerate(self._bags):
            for term in bag:
                self._postings.setdefault(term, []).append(position)
        self._snippets = [_snippets(clause) for clause in policy.clauses]
        self._sorted_snippets = [[_sorted_words(x) for x in found] for found in self._snippets]
        self._where = [_stem_positions(clause) for clause in policy.clauses]
        self._bigram_postings: dict[tuple[str, str], list[int]] = {}
        for position, snippets in enumerate(self._snippets):
            for pair in _bigrams(snippets):
                self._bigram_postings.setdefault(pair, []).append(position)
        clause_words = [_clause_words(clause) for clause in policy.clauses]
        self._forms = [{light_stem(word) for word in found} for found in clause_words]
        self.topics = topics if topics is not None else default_topics()
        self.links = tuple(self.topics.links(policy))
        strengths: dict[tuple[str, int], float] = {}
        for link in self.links:
            strengths[link.topic, policy.position(link.clause_id)] = link.strength
        # An item inherits the topics of what introduces it ("comments ... removed: spam").
        for (topic, position), strength in list(strengths.items()):
            for child in policy.children(position):
                inherited = _CONTEXT_TOPIC * strength
                strengths[topic, child] = max(strengths.get((topic, child), 0.0), inherited)
        self._linked: dict[str, list[tuple[int, float]]] = {}
        for (topic, position), strength in strengths.items():
            self._linked.setdefault(topic, []).append((position, strength))
        self._topic_idf = {
            topic: math.log(1 + (count - len(linked) + 0.5) / (len(linked) + 0.5))
            for topic, linked in self._linked.items()
        }
        vocabulary = set().union(*clause_words) | self.topics.vocabulary()
        self.analyzer = Analyzer(vocabulary, synonyms, is_english=self.vectors.is_english)
        self._max_idf = max(self._idf.values(), default=1.0)
        embedded_texts: list[str] = []
        owners: list[int] = []
        for position, clause in enumerate(policy.clauses):
            for text in [f"{clause.title}. {clause.text}", *clause.phrasings]:
                embedded_texts.append(text)
                owners.append(position)
        self._embedded = self.vectors.texts(embedded_texts, self._word_weight)
        self._embedded_owners = np.asarray(owners, dtype=np.intp)
        self._one_row_each = len(owners) == count
        policy_words = sorted(
            {w for found in clause_words for w in found if w not in STOPWORDS and len(w) > 2}
        )
        _kept, self._policy_word_meaning = self.vectors.unit_words(policy_words)
        # What social media policies regulate, and what employees ask that they do not answer,
        # each topic of the map read as one text: how near a question is to either says whether
        # it is about such a policy at all, in words the map never listed.
        topic_ids = list(self.topics.written)
        self._topic_meaning = self.vectors.texts(
            [self.topics.written[t] for t in topic_ids], self._word_weight
        )
        self._topic_outside = np.asarray(
            [self.topics.topics[t].outside for t in topic_ids], dtype=bool
        )

    def search(self, question: str, limit: int = 5) -> list[Match]:
        """Clauses ranked best first, each with its confidence; empty when nothing overlaps."""
        return self.examine(question, limit).matches

    def examine(self, question: str, limit: int = 5) -> Examined:
        """The ranked clauses with their confidence, and the signals the confidence came from."""
        candidates, context = self.candidates(question)
        if not candidates:
            return Examined([], context, 0.0, 0.0)
        ranked = sorted(
            (
                (self.calibration.rank_score(features), features["coverage"], position)
                for position, features in candidates
            ),
            key=lambda item: (-item[0], item[2]),
        )
        signals = replace(
            context,
            best_score=ranked[0][0],
            second_score=ranked[1][0] if len(ranked) > 1 else 0.0,
            coverage=ranked[0][1],
        )
        in_scope = self.calibration.in_scope(signals)
        closeness = self.calibration.closeness_of(signals)
        best = ranked[0][0]
        if best <= 0:  # nothing in common at all, in words or in meaning
            return Examined([], signals, round(in_scope, 4), round(closeness, 4))
        matches = [
            Match(
                self.policy.clauses[position],
                round(score, 4),
                round(in_scope * closeness * score / best, 4),
            )
            for score, _coverage, position in ranked[:limit]
        ]
        return Examined(matches, signals, round(in_scope, 4), round(closeness, 4))

    def candidates(self, question: str) -> tuple[list[tuple[int, dict[str, float]]], Signals]:
        """The clauses worth ranking, each with its ranking features, and the question's signals.

        Features: `lexical` (BM25 of the question's words, synonyms and word families),
        `topical` (topics the question mentions that the clause is linked to), `bigram` (two
        asked words side by side in the clause), `similarity` (fuzzy, 0-1) and `coverage` (the
        share of the question the clause accounts for, 0-1).
        """
        question_words = self.analyzer.said(question)
        tokens = self.analyzer.tokens(question, question_words)
        units = self.analyzer.units(question, tokens)
        weights = [self._unit_weight(unit) for unit in units]
        token_stems = [stem(token) for token in tokens]
        mentioned = self.topics.mentions(tokens)
        outside = max(
            (m.strength for m in mentioned if self.topics.topics[m.topic].outside), default=0.0
        )
        mentions = [m for m in mentioned if m.topic in self._linked]
        asked = self._question_vector(question_words)
        meaning = self._semantic(asked)
        unrelated = self._unrelated(asked)
        mentioned_stems = [frozenset(token_stems[i] for i in m.positions) for m in mentions]
        lexical: dict[int, float] = {}
        topical: dict[int, float] = {}
        covered: dict[int, float] = {}
        known_weight = 0.0
        for mention in mentions:
            bonus = mention.strength * self._topic_idf[mention.topic]
            for position, strength in self._linked[mention.topic]:
                topical[position] = topical.get(position, 0.0) + bonus * strength
        for unit, weight in zip(units, weights, strict=True):
            matched = self._unit_matches(unit)
            shares = {position: share for position, (_value, share) in matched.items()}
            for position, (contribution, _share) in matched.items():
                lexical[position] = lexical.get(position, 0.0) + contribution
            for mention, said in zip(mentions, mentioned_stems, strict=True):
                if said.issuperset(unit.stems):
                    for position, strength in self._linked[mention.topic]:
                        topic_share = _TOPIC_COVERAGE * strength * mention.strength
                        shares[position] = max(shares.get(position, 0.0), topic_share)
            for position, share in shares.items():
                covered[position] = covered.get(position, 0.0) + weight * share
            if shares:
                known_weight += weight
        total_weight = max(sum(weights), 1e-9)
        context = Signals(
            known=min(1.0, known_weight / total_weight),
            topic=max((mention.strength for mention in mentions), default=0.0),
            outside=outside,
            medium=1.0 if _MEDIUM_STEMS.intersection(token_stems) else 0.0,
            asked_weight=sum(weights),
            semantic=float(meaning.max()) if len(meaning) else 0.0,
            unrelated=unrelated,
            explained=self._explained(tokens),
            factual=asks_for_a_fact(question_words),
            about_the_policy=asks_about_the_policy(question_words),
        )
        reached = lexical.keys() | topical.keys()
        if len(meaning):  # also when no word or topic is shared ("squad car" / "cruiser")
            nearest = np.argpartition(-meaning, min(_SEMANTIC_REACH, len(meaning) - 1))
            reached |= {int(p) for p in nearest[:_SEMANTIC_REACH] if meaning[p] > 0}
        if not reached:
            return [], context
        query_text = " ".join(unit.surface for unit in units)
        bigram: dict[int, float] = {}
        for pair in _bigrams([_stem_string(query_text)]):
            for position in self._bigram_postings.get(pair, ()):
                if position in reached:
                    bigram[position] = bigram.get(position, 0.0) + self._bigram_weight(pair)

        def rough(position: int) -> float:
            return (
                lexical.get(position, 0.0)
                + _TOPIC_WEIGHT * topical.get(position, 0.0)
                + bigram.get(position, 0.0)
            )

        shortlist = heapq.nlargest(_RERANK, reached, key=rough)
        stands_for = [self._stands_for(unit) for unit in units]
        sorted_query = _sorted_words(_stem_string(query_text))
        found = []
        for position in shortlist:
            features = {
                "lexical": lexical.get(position, 0.0),
                "topical": topical.get(position, 0.0),
                "bigram": bigram.get(position, 0.0),
                "similarity": self._similarity(sorted_query, position),
                "coverage": min(1.0, covered.get(position, 0.0) / total_weight),
                "proximity": self._proximity(position, stands_for, weights) / total_weight,
                "semantic": max(0.0, float(meaning[position])),
            }
            found.append((position, features))
        return found, context

    def _word_weight(self, word: str) -> float:
        """How much a word weighs in a text's vector: its rarity in this policy (words the
        policy never uses weigh as its rarest), less for the domain's everyday words."""
        term = stem(word)
        factor = _DOMAIN_WORD_WEIGHT if term in _DOMAIN_STEMS else 1.0
        return factor * self._idf.get(term, self._max_idf)

    def _question_vector(self, question_words: list[str]) -> np.ndarray | None:
        """The question's meaning: its words (typos corrected) weighted by rarity."""
        said = [
            word if self.vectors.knows(word) else (self.analyzer.correct(word) or word)
            for word in question_words[:60]
        ]
        return self.vectors.text(" ".join(said), self._word_weight, FRAME_WORDS)

    def _unrelated(self, asked: np.ndarray | None) -> float:
        """How near the question is to the nearest topic employees ask about that a social
        media policy does not answer (leave, pay, IT help...)."""
        if asked is None or not self._topic_outside.any():
            return 0.0
        return float((self._topic_meaning[self._topic_outside] @ asked).max())

    def _explained(self, tokens: list[str]) -> float:
        """How much of the question the policy's words account for, in meaning: each content
        word's closeness to the nearest word of the policy, weighted by rarity ("speech" is
        near "expression"; "mulch" is near nothing in a social media policy)."""
        content = [t for t in tokens if t not in STOPWORDS and t not in FRAME_WORDS]
        kept, asked = self.vectors.unit_words(content)
        if not kept or not len(self._policy_word_meaning):
            return 0.0
        nearest = np.clip((asked @ self._policy_word_meaning.T).max(axis=1), 0.0, 1.0)
        weights = np.asarray([self._word_weight(word) for word in kept], dtype=np.float32)
        return float((nearest * weights).sum() / max(float(weights.sum()), 1e-9))

    def _semantic(self, asked: np.ndarray | None) -> np.ndarray:
        """Cosine of the question's vector with each clause's (its best phrasing's, if any)."""
        if asked is None or not len(self._embedded):
            return np.zeros(len(self.policy.clauses), dtype=np.float32)
        similarity: np.ndarray = self._embedded @ asked
        if self._one_row_each:
            return similarity
        best = np.full(len(self.policy.clauses), -1.0, dtype=np.float32)
        np.maximum.at(best, self._embedded_owners, similarity)
        return best

    def _stands_for(self, unit: Unit) -> frozenset[str]:
        """Every stem a unit can match in a clause: its own, its synonyms', its word family."""
        found = set(unit.stems)
        for stems in unit.expansions:
            found.update(stems)
        if len(unit.stems) == 1:
            found.update(self._related_stems(unit.stems[0]))
        return frozenset(found)

    def _proximity(
        self, position: int, stands_for: list[frozenset[str]], weights: list[float]
    ) -> float:
        """Weight of pairs of asked things that the clause says within a few words of each
        other ("photos of my crew" and "photographs of other employees")."""
        where = self._where[position]
        spots = []
        for stems, weight in zip(stands_for, weights, strict=True):
            found = sorted(index for term in stems for index in where.get(term, ()))
            if found:
                spots.append((found, weight))
        total = 0.0
        for (first, first_weight), (second, second_weight) in itertools.combinations(spots, 2):
            if any(abs(a - b) <= _NEAR for a in first for b in second if a != b):
                total += (first_weight + second_weight) / 2
        return total

    def _unit_weight(self, unit: Unit) -> float:
        factor = _DOMAIN_WORD_WEIGHT if set(unit.stems) <= _DOMAIN_STEMS else 1.0
        known = [self._idf[term] for term in unit.stems if term in self._idf]
        if known:
            return factor * max(known)
        expanded = [self._idf[t] for stems in unit.expansions for t in stems if t in self._idf]
        if len(unit.stems) == 1:
            expanded += [self._idf[t] for t in self._related_stems(unit.stems[0])]
        return factor * (max(expanded) if expanded else self._unknown_weight)

    def _related_stems(self, term: str) -> list[str]:
        """The policy's stems of the same word family: one begins the other, 5+ letters."""
        if len(term) < _MIN_RELATED_STEM:
            return []
        found = self._related.get(term)
        if found is None:
            found = [
                other
                for other in self._idf
                if len(other) >= _MIN_RELATED_STEM
                and other != term
                and (other.startswith(term) or term.startswith(other))
            ]
            if len(self._related) < 65536:
                self._related[term] = found
        return found

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
        if len(unit.stems) == 1 and not direct:
            for related in self._related_stems(unit.stems[0]):
                for position, value in self._phrase_scores((related,)).items():
                    value *= _RELATED_FORM_WEIGHT
                    expanded[position] = max(expanded.get(position, 0.0), value)
        single_word = len(unit.stems) == 1
        domain = _DOMAIN_WORD_WEIGHT if single_word and unit.stems[0] in _DOMAIN_STEMS else 1.0
        form = light_stem(unit.surface)
        result = {}
        positions = direct.keys() | expanded.keys() if expanded else direct.keys()
        for position in positions:
            value = direct.get(position, 0.0)
            factor = 1.0
            if single_word and form not in self._forms[position]:
                factor = _DERIVED_FORM_WEIGHT
            synonym = expanded.get(position, 0.0)
            if value * factor >= synonym and value > 0:
                result[position] = (domain * value * factor, factor)
            else:
                result[position] = (domain * synonym, 1.0)
        return result

    def _phrase_scores(self, stems: tuple[str, ...]) -> dict[int, float]:
        """The mean BM25 of the stems in each clause that has any of them (do not modify)."""
        if len(stems) == 1:
            return self._term_scores(stems[0])
        totals: dict[int, float] = {}
        for term in stems:
            for position, value in self._term_scores(term).items():
                totals[position] = totals.get(position, 0.0) + value
        return {position: total / len(stems) for position, total in totals.items()}

    def _term_scores(self, term: str) -> dict[int, float]:
        """BM25 of one stem in every clause that has it, computed once per stem (measured: on
        5,000 clauses, recomputing it per question was two thirds of the time)."""
        found = self._scored.get(term)
        if found is None:
            if term not in self._postings:
                return _NOTHING
            found = {
                position: self._bm25(term, position) for position in self._postings.get(term, ())
            }
            self._scored[term] = found
        return found

    def _bigram_weight(self, pair: tuple[str, str]) -> float:
        """Two asked words that stand together in the clause ("post ... public") count extra."""
        return _BIGRAM_WEIGHT * (self._idf.get(pair[0], 0.0) + self._idf.get(pair[1], 0.0)) / 2

    def _bm25(self, term: str, position: int) -> float:
        frequency = self._bags[position].get(term, 0.0)
        if not frequency:
            return 0.0
        norm = 1 - _B + _B * self._lengths[position] / self._average_length
        return self._idf[term] * frequency * (_K1 + 1) / (frequency + _K1 * norm)

    def _similarity(self, sorted_query: str, position: int) -> float:
        """Fuzzy similarity (0-1) of the question to the clause's closest sentence, title or
        phrasing: rapidfuzz's token-sort ratio, with both sides' words sorted once, not per pair
        (measured: re-stemming the question for every clause was a third of a seed question)."""
        best = max(
            (fuzz.ratio(sorted_query, snippet) for snippet in self._sorted_snippets[position]),
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
        calibration: Calibration | None = None,
    ) -> None:
        self.synonyms = synonyms or Synonyms.load()
        self.thresholds = thresholds or Thresholds()
        self.calibration = calibration or default_calibration()
        self._indexes = {policy.id: self._build(policy) for policy in policies}

    def _build(self, policy: Policy) -> PolicyIndex:
        return PolicyIndex(policy, self.synonyms, calibration=self.calibration)

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
        self._indexes[policy.id] = self._build(policy)

    def ask(self, policy_id: str, question: str, top_k: int = 3) -> MatchResult:
        """Rank the policy's clauses for the question and decide what the bot should do."""
        index = self._indexes[policy_id]
        examined = index.examine(question, limit=max(top_k, 3))
        matches = tuple(examined.matches)
        return MatchResult(
            question,
            index.policy,
            matches[:top_k],
            self._decide(examined),
            examined.in_scope,
            examined.closeness,
        )

    def _decide(self, examined: Examined) -> Outcome:
        matches = examined.matches
        if not matches or examined.in_scope < self.thresholds.confidence:
            return Outcome.UNKNOWN
        if len(matches) > 1:
            first, second = matches[0], matches[1]
            close = (first.score - second.score) <= self.thresholds.ambiguity_margin * first.score
            if close or examined.closeness < self.thresholds.closeness:
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


def _stem_positions(clause: Clause) -> dict[str, list[int]]:
    """Where each stem stands among the clause's content words (stopwords left out)."""
    where: dict[str, list[int]] = {}
    content = [stem(word) for word in words(clause.text) if word not in STOPWORDS]
    for index, term in enumerate(content[:_MAX_POSITIONS]):
        where.setdefault(term, []).append(index)
    return where


def _bigrams(snippets: list[str]) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for snippet in snippets:
        pairs.update(itertools.pairwise(snippet.split()))
    return pairs


def _sorted_words(text: str) -> str:
    return " ".join(sorted(text.split()))


def _stem_string(text: str) -> str:
    return " ".join(stem(word) for word in words(text) if word not in STOPWORDS)

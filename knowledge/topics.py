"""The domain's topic map: what social media policies regulate, linked to any policy's clauses.

Public employers' social media policies regulate the same few dozen things. `topics.yaml`
describes each once: the words employees ask with and the words policies use. When a policy is
indexed, each clause is linked to the topics whose policy words it contains, so a question in
other words than the clause ("can I post under a fake name?" and "concealing one's name") meets
it through the topic. The links are computed per policy version, so a clause removed by a new
version takes its links with it, and HR can list them (`links`, `describe_links`).

Topics under `outside` are what employees ask that such a policy does not answer (leave, pay,
IT help...): a signal that a question is not about the policy at all.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.models import Clause, Policy
from knowledge.text import DOMAIN_WORDS, STOPWORDS, stem, words

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's is 10x faster at start

TOPICS_FILE = Path(__file__).parent / "topics.yaml"
# A phrase of several words names a topic more surely than one word does.
_PHRASE_WEIGHT = 1.0
_WORD_WEIGHT = 0.7
# A link weaker than one single policy word is not a link.
MIN_LINK = 0.45
# A section heading naming a topic counts this much more than the clause's own words.
_HEADING_WEIGHT = 1.5
# How much a clause's length discounts its topic evidence (0: not at all; 1: in proportion).
_LINK_B = 0.25
# One word of a topic in a question is a clear mention (questions are short).
MENTION_SCALE = 2.0

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Topic:
    """One thing policies regulate: how employees ask about it, how policies word it."""

    id: str
    asks: tuple[Phrase, ...]
    says: tuple[Phrase, ...]
    outside: bool = False


@dataclass(frozen=True)
class Link:
    """A clause linked to a topic, with how strongly (0-1) its words name the topic."""

    topic: str
    clause_id: str
    strength: float
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Mention:
    """A topic a question mentions: how strongly (0-1), and which of its words did."""

    topic: str
    strength: float
    positions: frozenset[int]


class TopicMap:
    """The topics, with phrase look-up on stemmed word sequences."""

    def __init__(self, topics: Sequence[Topic]) -> None:
        self.topics = {topic.id: topic for topic in topics}
        self._words: list[tuple[str, ...]] = []
        # How each phrase was written in topics.yaml, to show HR the words, not their stems.
        self.spelled: dict[str, str] = {}
        # Each topic's asks and says as written, read as one text for its meaning (word vectors).
        self.written: dict[str, str] = {}
        self._asked: dict[str, list[tuple[Phrase, str]]] = {}
        self._said: dict[str, list[tuple[Phrase, str]]] = {}
        for topic in topics:
            for phrase in (*topic.asks, *topic.says):
                if len(phrase) == 1 and phrase[0] in _DOMAIN_KEYS and phrase not in topic.asks:
                    continue  # "public" in a question says little about which topic it is
                self._asked.setdefault(phrase[0], []).append((phrase, topic.id))
            for phrase in topic.says:
                self._said.setdefault(phrase[0], []).append((phrase, topic.id))

    @classmethod
    def load(cls, path: Path = TOPICS_FILE) -> TopicMap:
        """Read topics.yaml; a broken file is an error that names the file and the topic."""
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
        except (OSError, yaml.YAMLError) as error:
            raise ValueError(f"{path}: cannot read the topic map ({error})") from None
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected 'topics' and 'outside' sections")
        topics = []
        words_of: list[tuple[str, ...]] = []
        for section, outside in (("topics", False), ("outside", True)):
            for topic_id, entry in (data.get(section) or {}).items():
                if not isinstance(entry, dict) or not isinstance(entry.get("asks", []), list):
                    raise ValueError(f"{path}: {section}.{topic_id} needs lists 'asks' and 'says'")
                for key in ("asks", "says"):
                    words_of.append(tuple(w for e in entry.get(key) or [] for w in words(str(e))))
                topics.append(
                    Topic(
                        str(topic_id),
                        _phrases(entry.get("asks") or []),
                        _phrases(entry.get("says") or []),
                        outside,
                    )
                )
        topic_map = cls(topics)
        topic_map._words = words_of
        for section in ("topics", "outside"):
            for topic_id, entry in (data.get(section) or {}).items():
                raw = [*(entry.get("asks") or []), *(entry.get("says") or [])]
                topic_map.written[str(topic_id)] = ", ".join(str(text) for text in raw)
                for text in [*(entry.get("asks") or []), *(entry.get("says") or [])]:
                    key = " ".join(topic_key(word) for word in words(str(text)))
                    topic_map.spelled.setdefault(key, str(text))
        return topic_map

    def vocabulary(self) -> set[str]:
        """Every word the topic map knows (so typo correction does not bend them)."""
        return {word for topic in self._words for word in topic}

    def mentions(self, tokens: Sequence[str]) -> list[Mention]:
        """The topics a question (its words) mentions, by asked or policy words, strongest first."""
        return _find([topic_key(token) for token in tokens], self._asked)

    def links(self, policy: Policy) -> list[Link]:
        """Each clause's topics, from the policy words the clause contains."""
        lengths = [len(words(clause.text)) for clause in policy.clauses]
        average = sum(lengths) / max(len(lengths), 1)
        found = []
        for clause in policy.clauses:
            found += self.clause_links(clause, average)
        return found

    def clause_links(self, clause: Clause, average_length: float | None = None) -> list[Link]:
        """The clause's topics. A long clause names many topics in passing, so its evidence is
        discounted by its length relative to the policy's average (as BM25 does for words)."""
        # The section heading ("Definitions") says what a clause is about, more than a word in
        # passing; so do HR's phrasings and terms, where a policy has them.
        heading = re.sub(r"\[[^\]]*\]", " ", getattr(clause, "heading", ""))
        written = " . ".join([clause.title, clause.text, *clause.phrasings, *clause.terms])
        totals = _totals([topic_key(word) for word in words(written)], self._said)
        for topic_id, (total, evidence) in _totals(
            [topic_key(word) for word in words(heading)], self._said
        ).items():
            earlier, seen = totals.get(topic_id, (0.0, ()))
            totals[topic_id] = (earlier + _HEADING_WEIGHT * total, (*seen, *evidence))
        length = len(words(clause.text))
        norm = 1 - _LINK_B + _LINK_B * length / average_length if average_length else 1.0
        links = []
        for topic_id, (total, evidence) in totals.items():
            strength = 1 - math.exp(-total / max(norm, 0.2))
            if strength >= MIN_LINK and not self.topics[topic_id].outside:
                links.append(Link(topic_id, clause.id, round(strength, 3), evidence))
        return links


def describe_links(topic_map: TopicMap, policy: Policy) -> list[str]:
    """Lines for HR: each topic and the clauses linked to it, strongest first."""
    by_topic: dict[str, list[Link]] = {}
    for link in topic_map.links(policy):
        by_topic.setdefault(link.topic, []).append(link)
    lines = []
    for topic_id in topic_map.topics:
        links = sorted(by_topic.get(topic_id, []), key=lambda link: -link.strength)
        if not links:
            continue
        lines.append(f"{topic_id}:")
        for link in links:
            clause = policy.clause(link.clause_id)
            lines.append(
                f"  {clause.label} ({link.strength:.2f}, from: "
                f"{', '.join(topic_map.spelled.get(e, e) for e in link.evidence)}): "
                f"{clause.title}"
            )
    unlinked = sorted(set(topic_map.topics) - set(by_topic))
    if unlinked:
        lines.append("not in this policy: " + ", ".join(unlinked))
    return lines


def topic_key(word: str) -> str:
    """How a word is compared with the topic map: its stem, but "accountable" is not "account"
    and "likeness" not "like" (Snowball merges -able, -ible and -ness words with their root,
    which made "account" mention supervisors' accountability and "like" photographs), and the
    few stems that join two senses the map keeps apart (`_OWN_KEYS`)."""
    if word in _OWN_KEYS:
        return _OWN_KEYS[word]
    key = stem(word)
    for suffix in ("able", "ible", "ness"):
        if word.endswith(suffix) and not key.endswith(suffix):
            return f"{key}~{suffix}"
    return key


# Snowball gives "officer" the stem of "office" and "fired" that of "fire": "online at the
# office" mentioned police, and "can I get fired" police and fire.
_OWN_KEYS = {"officer": "officer", "officers": "officer", "fired": "fired", "firing": "fired"}

_DOMAIN_KEYS = frozenset(topic_key(word) for word in DOMAIN_WORDS)


def _phrases(entries: Iterable[object]) -> tuple[Phrase, ...]:
    phrases = []
    for entry in entries:
        tokens = [word for word in words(str(entry))]
        if len(tokens) == 1 and tokens[0] in STOPWORDS:
            continue
        if tokens:
            phrases.append(tuple(topic_key(word) for word in tokens))
    return tuple(dict.fromkeys(phrases))


def _occurrences(
    stems: Sequence[str], table: dict[str, list[tuple[Phrase, str]]]
) -> list[tuple[str, Phrase, int]]:
    found = []
    for start, first in enumerate(stems):
        for phrase, topic_id in table.get(first, ()):
            if tuple(stems[start : start + len(phrase)]) == phrase:
                found.append((topic_id, phrase, start))
    return found


def _totals(
    stems: Sequence[str], table: dict[str, list[tuple[Phrase, str]]]
) -> dict[str, tuple[float, tuple[str, ...]]]:
    """Per topic: the weight of its distinct phrases found, and which they were."""
    totals: dict[str, float] = {}
    evidence: dict[str, dict[Phrase, None]] = {}
    for topic_id, phrase, _start in _occurrences(stems, table):
        seen = evidence.setdefault(topic_id, {})
        if phrase in seen:
            continue
        seen[phrase] = None
        totals[topic_id] = totals.get(topic_id, 0.0) + (
            _PHRASE_WEIGHT if len(phrase) > 1 else _WORD_WEIGHT
        )
    return {
        topic_id: (total, tuple(" ".join(p) for p in evidence[topic_id]))
        for topic_id, total in totals.items()
    }


def _weighed(
    stems: Sequence[str], table: dict[str, list[tuple[Phrase, str]]]
) -> list[tuple[str, float, tuple[str, ...]]]:
    found = _totals(stems, table)
    return [
        (topic_id, 1 - math.exp(-total), evidence)
        for topic_id, (total, evidence) in sorted(found.items(), key=lambda item: -item[1][0])
    ]


def _find(stems: Sequence[str], table: dict[str, list[tuple[Phrase, str]]]) -> list[Mention]:
    positions: dict[str, set[int]] = {}
    for topic_id, phrase, start in _occurrences(stems, table):
        positions.setdefault(topic_id, set()).update(range(start, start + len(phrase)))
    return [
        Mention(topic_id, min(1.0, MENTION_SCALE * strength), frozenset(positions[topic_id]))
        for topic_id, strength, _evidence in _weighed(stems, table)
    ]

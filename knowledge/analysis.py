"""From a question as typed to weighted search units: typos fixed, synonyms expanded, stems."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA

from knowledge.shorthand import expand_shorthand
from knowledge.text import FRAME_WORDS, STOPWORDS, stem, words

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's is 10x faster at start

SYNONYMS_FILE = Path(__file__).parent / "synonyms.yaml"
MAX_QUESTION_WORDS = 60
_MAX_PHRASE_WORDS = 3


@dataclass(frozen=True)
class Unit:
    """One thing the person asked about: a word (or phrase) and the stems that stand for it."""

    surface: str
    stems: tuple[str, ...]
    expansions: tuple[tuple[str, ...], ...] = ()


class Synonyms:
    """Domain synonyms: a word people type -> the policy phrases it stands for."""

    def __init__(self, groups: dict[str, list[str]]) -> None:
        self._expansions: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for canonical, variants in groups.items():
            target = tuple(stem(word) for word in words(canonical) if word not in STOPWORDS)
            for variant in [canonical, *variants]:
                key = tuple(words(variant))
                if key and target:
                    self._expansions.setdefault(key, []).append(target)

    @classmethod
    def load(cls, path: Path = SYNONYMS_FILE) -> Synonyms:
        """Read the synonyms file; a broken file is an error that names it."""
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
        except (OSError, yaml.YAMLError) as error:
            raise ValueError(f"{path}: cannot read synonyms ({error})") from None
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected policy words mapped to lists of synonyms")
        return cls({str(key): [str(v) for v in (value or [])] for key, value in data.items()})

    def expansions(self, phrase: tuple[str, ...]) -> list[tuple[str, ...]]:
        return self._expansions.get(phrase, [])

    def vocabulary(self) -> set[str]:
        return {word for phrase in self._expansions for word in phrase}


class Analyzer:
    """Turns questions into units against one vocabulary (a policy's words plus synonyms)."""

    def __init__(
        self,
        vocabulary: Iterable[str],
        synonyms: Synonyms,
        is_english: Callable[[str], bool] = lambda _word: False,
    ) -> None:
        self.synonyms = synonyms
        self._is_english = is_english
        known = set(vocabulary) | synonyms.vocabulary() | STOPWORDS | FRAME_WORDS
        self._known = frozenset(known)
        self._by_length: dict[int, list[str]] = {}
        for word in known:
            if len(word) >= 3:
                self._by_length.setdefault(len(word), []).append(word)
        for bucket in self._by_length.values():
            bucket.sort()  # ties between equally close words resolve the same way every run
        self.correct = lru_cache(maxsize=8192)(self._correct)

    @staticmethod
    def said(question: str) -> list[str]:
        """The question's lowercase words as meant: chat shorthand spelled out, at most
        `MAX_QUESTION_WORDS`."""
        return expand_shorthand(words(question))[:MAX_QUESTION_WORDS]

    def tokens(self, question: str, said: list[str] | None = None) -> list[str]:
        """The question's words (`said`, if already read), typos corrected, stopwords kept
        (phrases need them)."""
        tokens = [self.correct(word) for word in (self.said(question) if said is None else said)]
        return [token for token in tokens if token]

    def units(self, question: str, tokens: list[str] | None = None) -> list[Unit]:
        """The question's content as units: one per meaningful word, plus known phrases."""
        tokens = self.tokens(question) if tokens is None else tokens
        units = [
            self._phrase_unit(tokens[i : i + n])
            for n in range(2, _MAX_PHRASE_WORDS + 1)
            for i in range(len(tokens) - n + 1)
        ]
        found = [unit for unit in units if unit is not None]
        for token in tokens:
            if token not in STOPWORDS and token not in FRAME_WORDS and not token.isdigit():
                expansions = tuple(self.synonyms.expansions((token,)))
                found.append(Unit(token, (stem(token),), expansions))
        return _dedupe(found)

    def _phrase_unit(self, phrase: list[str]) -> Unit | None:
        expansions = self.synonyms.expansions(tuple(phrase))
        if not expansions:
            return None
        stems = tuple(stem(word) for word in phrase if word not in STOPWORDS)
        return Unit(" ".join(phrase), stems, tuple(expansions))

    def _correct(self, word: str) -> str:
        """The word, or the known word it is a typo of (one edit, two for words of 8+ letters).

        A correctly spelled English word is no typo, even one edit from a word of the policy:
        "gate" is not "hate", "clap" not "clip", "good" not "goods". Only a word English does
        not have ("phots", "facebok") is corrected."""
        if word in self._known or len(word) < 4 or word.isdigit() or self._is_english(word):
            return word
        allowed = 1 if len(word) <= 7 else 2
        candidates = [
            candidate
            for length in range(len(word) - allowed, len(word) + allowed + 1)
            for candidate in self._by_length.get(length, ())
        ]
        best = process.extractOne(word, candidates, scorer=OSA.distance, score_cutoff=allowed)
        return str(best[0]) if best else word


def _dedupe(units: list[Unit]) -> list[Unit]:
    seen: set[tuple[str, ...]] = set()
    result = []
    for unit in units:
        if unit.stems not in seen:
            seen.add(unit.stems)
            result.append(unit)
    return result

"""Grouping similar questions, so HR reads one group instead of twenty ways of asking."""

from __future__ import annotations

from collections.abc import Sequence

from knowledge.text import FRAME_WORDS, STOPWORDS, light_stem, words

SIMILAR = 0.4


def content_tokens(text: str) -> frozenset[str]:
    """The words that say what a question is about, lightly stemmed (no stopwords, no framing)."""
    return frozenset(
        light_stem(word)
        for word in words(text)
        if word not in STOPWORDS and word not in FRAME_WORDS and not word.isdigit()
    )


def group_similar(texts: Sequence[str], threshold: float = SIMILAR) -> list[list[int]]:
    """Indexes of `texts` in groups of questions sharing enough words (Jaccard >= threshold).

    Each question joins the first group whose first question it resembles most, else starts
    one; groups keep the order of their first question, members their order in `texts`.
    """
    groups: list[tuple[frozenset[str], list[int]]] = []
    for index, text in enumerate(texts):
        tokens = content_tokens(text)
        best, best_score = None, threshold
        for number, (lead, _members) in enumerate(groups):
            score = _jaccard(tokens, lead)
            if score >= best_score and (best is None or score > best_score):
                best, best_score = number, score
        if best is None:
            groups.append((tokens, [index]))
        else:
            groups[best][1].append(index)
    return [members for _lead, members in groups]


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 1.0 if a == b else 0.0
    return len(a & b) / len(a | b)

"""Which sentences of a clause answer a question, so a quote of the whole clause can mark them.

A clause is quoted whole, its sentences in the order the policy gives them: reordered, they can
read as a different rule. The sentences that share the most with the question are marked, so a
reader finds the answer without losing its context.
"""

from __future__ import annotations

from knowledge.analysis import Analyzer
from knowledge.models import Clause
from knowledge.text import STOPWORDS, stem, words


def matching_sentences(clause: Clause, question: str, analyzer: Analyzer) -> tuple[int, ...]:
    """Indexes (in document order) of the sentences sharing the most with the question.

    Nothing is marked when the clause is a single sentence, when no sentence shares a word
    with the question, or when every sentence would be marked (a mark must single out).
    """
    sentences = clause.sentences
    if len(sentences) < 2 or not question.strip():
        return ()
    units = analyzer.units(question)
    wanted = {term for unit in units for stems in (unit.stems, *unit.expansions) for term in stems}
    overlaps = [
        len({stem(word) for word in words(sentence) if word not in STOPWORDS} & wanted)
        for sentence in sentences
    ]
    best = max(overlaps)
    marked = tuple(index for index, overlap in enumerate(overlaps) if best and overlap == best)
    return () if len(marked) == len(sentences) else marked


def quotation(sentences: list[str] | tuple[str, ...]) -> list[str]:
    """The sentences as one quotation: “ before the first, ” after the last, and the double
    quotes inside turned to single ones, so a clause ending in a quotation does not close
    with two marks ("...La Crosse.””")."""
    inner = [sentence.translate(_NESTED) for sentence in sentences]
    if not inner:
        return []
    inner[0] = "“" + inner[0]
    inner[-1] = inner[-1] + "”"
    return inner


_NESTED = str.maketrans({"“": "‘", "”": "’", '"': "'"})

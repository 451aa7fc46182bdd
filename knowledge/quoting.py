"""Which sentences of a clause matter most for a question, so an answer can quote them first."""

from __future__ import annotations

from knowledge.analysis import Analyzer
from knowledge.models import Clause
from knowledge.text import STOPWORDS, stem, words


def rank_sentences(clause: Clause, question: str, analyzer: Analyzer) -> list[str]:
    """The clause's sentences, the ones sharing most with the question first, ties in order."""
    units = analyzer.units(question)
    wanted = {term for unit in units for stems in (unit.stems, *unit.expansions) for term in stems}
    sentences = clause.sentences

    def overlap(index: int) -> tuple[int, int]:
        stems = {stem(word) for word in words(sentences[index]) if word not in STOPWORDS}
        return (-len(stems & wanted), index)

    return [sentences[index] for index in sorted(range(len(sentences)), key=overlap)]

"""Word vectors that know paraphrases ("free speech" near "First Amendment"), with numpy only.

The table in `knowledge/embeddings/` is distilled offline by `scripts/build_embeddings.py` from a
sentence encoder (all-MiniLM-L6-v2, Apache-2.0; see `knowledge/embeddings/LICENSE.md`): one vector
per entry of the encoder's WordPiece vocabulary, int8 with a scale per row. A word the table lacks
is composed from its WordPiece pieces (greedy longest match, as the encoder splits words). A
text's vector is the weighted mean of its content words' vectors, normalised, so the similarity
of two texts is a dot product. Nothing is downloaded and no deep-learning framework is needed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from knowledge.text import STOPWORDS, words

TABLE_DIR = Path(__file__).parent / "embeddings"
_MAX_WORD = 40
_MAX_WORDS = 400
_CHUNK = 256

Vector = npt.NDArray[np.float32]


class WordVectors:
    """The distilled table: words (and WordPiece pieces) to vectors."""

    def __init__(self, entries: list[str], vectors: npt.NDArray[np.int8], scale: Vector) -> None:
        if len(entries) != len(vectors) or len(scale) != len(vectors):
            raise ValueError("embedding table: vocabulary and vectors differ in length")
        self._row = {entry: row for row, entry in enumerate(entries)}
        self._vectors = vectors
        self._scale = scale
        self.dims = int(vectors.shape[1])
        self._cache: dict[str, Vector | None] = {}

    @classmethod
    def load(cls, folder: Path = TABLE_DIR) -> WordVectors:
        """Read the table; a missing or broken table is an error that names it."""
        try:
            entries = (folder / "vocabulary.txt").read_text(encoding="utf-8").split("\n")
            with np.load(folder / "vectors.npz") as data:
                vectors = np.ascontiguousarray(data["vectors"], dtype=np.int8)
                scale = np.asarray(data["scale"], dtype=np.float32)
        except (OSError, ValueError, KeyError) as error:
            raise ValueError(f"{folder}: cannot read the word vectors ({error})") from None
        if entries and entries[-1] == "":
            entries.pop()
        return cls(entries, vectors, scale)

    def knows(self, word: str) -> bool:
        """Whether the table has this word whole (not only as pieces)."""
        return word in self._row

    def is_english(self, word: str) -> bool:
        """Whether the word is English as spelled: the table has it whole, or it is an
        inflection of a word the table has ("captioned", "nuked", "rehired"), which the table,
        made from an encoder's vocabulary, mostly lacks."""
        if word in self._row:
            return True
        return any(
            word.endswith(ending) and len(word) - len(ending) >= 3
            and word[: -len(ending)] + base in self._row
            for ending, base in _INFLECTIONS
        )  # fmt: skip

    def pieces(self, word: str) -> list[int]:
        """Rows standing for one lowercase word: itself, or its WordPiece pieces; [] if none."""
        row = self._row.get(word)
        if row is not None:
            return [row]
        if len(word) > _MAX_WORD:
            return []
        found = []
        start = 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                row = self._row.get(piece)
                if row is not None:
                    found.append(row)
                    break
                end -= 1
            if end == start:
                return []
            start = end
        return found

    def word(self, word: str) -> Vector | None:
        """The vector of one word (the mean of its pieces'), cached; None when it has none."""
        if word in self._cache:
            return self._cache[word]
        rows = self.pieces(word)
        found: Vector | None = None
        if rows:
            stacked = self._vectors[rows].astype(np.float32) * self._scale[rows, None]
            found = stacked.mean(0)
        if len(self._cache) < 100_000:
            self._cache[word] = found
        return found

    def unit_words(self, found: Iterable[str]) -> tuple[list[str], Vector]:
        """The words that have a vector, and their vectors normalised, one row each."""
        kept: list[str] = []
        rows: list[Vector] = []
        for word in found:
            vector = self.word(word)
            if vector is not None:
                norm = float(np.linalg.norm(vector))
                if norm > 0:
                    kept.append(word)
                    rows.append(vector / norm)
        if not rows:
            return [], np.zeros((0, self.dims), dtype=np.float32)
        return kept, np.stack(rows).astype(np.float32)

    def text(
        self, text: str, weight: Callable[[str], float] | None = None, skip: Iterable[str] = ()
    ) -> Vector | None:
        """The normalised weighted mean of a text's content words; None when it has none."""
        skipped = set(skip)
        total = np.zeros(self.dims, dtype=np.float32)
        any_word = False
        for token in words(text)[:_MAX_WORDS]:
            if token in STOPWORDS or token in skipped:
                continue
            vector = self.word(token)
            if vector is None:
                continue
            total += vector * (weight(token) if weight else 1.0)
            any_word = True
        norm = float(np.linalg.norm(total))
        if not any_word or norm == 0.0:
            return None
        result: Vector = total / norm
        return result

    def texts(
        self,
        texts: list[str],
        weight: Callable[[str], float] | None = None,
        skip: Iterable[str] = (),
    ) -> Vector:
        """One normalised row per text (zeros for a text with no known word), computed in
        chunks: a policy of 5,000 clauses is indexed in one pass over its words."""
        skipped = set(skip) | STOPWORDS
        result = np.zeros((len(texts), self.dims), dtype=np.float32)
        for start in range(0, len(texts), _CHUNK):
            chunk = texts[start : start + _CHUNK]
            owners: list[int] = []
            rows: list[Vector] = []
            weights: list[float] = []
            for offset, text in enumerate(chunk):
                for token in words(text)[:_MAX_WORDS]:
                    if token in skipped:
                        continue
                    vector = self.word(token)
                    if vector is not None:
                        owners.append(offset)
                        rows.append(vector)
                        weights.append(weight(token) if weight else 1.0)
            if not rows:
                continue
            stacked = np.stack(rows) * np.asarray(weights, dtype=np.float32)[:, None]
            part = np.zeros((len(chunk), self.dims), dtype=np.float32)
            np.add.at(part, np.asarray(owners), stacked)
            norms = np.linalg.norm(part, axis=1, keepdims=True)
            norms[norms == 0] = 1.0
            result[start : start + len(chunk)] = part / norms
        return result


@lru_cache(maxsize=1)
def default_vectors() -> WordVectors:
    """The shipped table, read once per process."""
    return WordVectors.load()


# Endings of inflected forms and what their base word ends with instead ("ied" -> "y").
_INFLECTIONS = (
    ("ied", "y"), ("ies", "y"), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"),
    ("es", ""), ("s", ""),
)  # fmt: skip

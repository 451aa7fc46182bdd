"""Join a paragraph's drop capital to the rest of its word: "T he City" -> "The City".

A document laid out with a large initial letter loses it when its text is extracted (from a PDF,
or copied from one into a .txt): the letter becomes a word of its own, and every quote of that
paragraph starts "T his policy exists". A capital at the start of a line, followed by a space and
lowercase letters, is joined to them when the joined word is one the document itself uses
elsewhere ("this", "the"), so a real one-letter word or label is left alone: "A", "I" and "O" are
words, "B employees" stays because "bemployees" is nowhere in the document.
"""

from __future__ import annotations

import re
from collections import Counter

_SPLIT_CAPITAL = re.compile(r"(?m)^(?P<indent>[ \t]*)(?P<capital>[B-HJ-NP-Z]) (?P<rest>[a-z]+)\b")
_WORD = re.compile(r"[A-Za-z]+")


def join_drop_capitals(text: str) -> str:
    """The text with each line-initial split capital joined to its word, where the document
    confirms the joined word."""
    if not _SPLIT_CAPITAL.search(text):
        return text
    used = Counter(word.lower() for word in _WORD.findall(text))

    def join(match: re.Match[str]) -> str:
        whole = match["capital"] + match["rest"]
        if used[whole.lower()] == 0:
            return match.group(0)
        return match["indent"] + whole

    return _SPLIT_CAPITAL.sub(join, text)

"""Clause titles HR writes: short names shown in answers, choices, drop-downs and citations.

Without one, a clause is called by its first sentence when that sentence is short enough to be
shown whole, else by its label ("Clause 9"): a sentence cut off after eight words reads as a
broken title, so it is never used as one (see `knowledge.models.Clause.caption`).
"""

from __future__ import annotations

from knowledge.text import clean_control, collapse_spaces

MAX_TITLE_CHARS = 80
MAX_TITLE_WORDS = 12


def check_title(text: str) -> str:
    """The title tidied (one line, single spaces); ValueError saying what is wrong with it."""
    title = collapse_spaces(clean_control(text or ""))
    if not any(ch.isalpha() for ch in title):
        raise ValueError("a title needs words, such as 'Photos of co-workers'")
    if len(title) > MAX_TITLE_CHARS or len(title.split()) > MAX_TITLE_WORDS:
        raise ValueError(
            f"a title is short: at most {MAX_TITLE_WORDS} words and {MAX_TITLE_CHARS} "
            "characters (the clause's text is quoted below it anyway)"
        )
    return title.rstrip(".")

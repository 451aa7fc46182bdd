"""Reading yes and no the way people type them: "y", "yep", "nope", "yse", "no thanks"."""

from __future__ import annotations

from rapidfuzz.distance import OSA

from knowledge.text import words

YES = frozenset(
    "y yes yep yeah yea yup ya yah sure correct true affirmative definitely "
    "absolutely right indeed ok okay aye".split()
)
NO = frozenset("n no nope nah nay not false negative never incorrect wrong none".split())
_TYPO_TARGETS = {"yes": True, "yep": True, "yeah": True, "nope": False, "no": False}


def parse_yes_no(text: str) -> bool | None:
    """True for yes, False for no, None when the text is neither (or both)."""
    tokens = words(text)
    if not tokens or len(tokens) > 4:
        return None
    first = tokens[0]
    if first in YES:
        return True
    if first in NO:
        return False
    if len(tokens) == 1 and len(first) >= 3:
        close = [
            value for target, value in _TYPO_TARGETS.items() if OSA.distance(first, target) <= 1
        ]
        if close and all(close) == any(close):
            return close[0]
    return None

"""Reading yes and no the way people type them: "y", "yep", "nope", "yse", "no thanks", and a
yes or no with its reason after it ("yes its for the parks dept page", "no, im posting from
home tonight")."""

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


# Words that open an answer with its reason after it. Fewer than YES and NO: "right", "sure"
# or "not" often start a sentence that is not an answer ("not sure, can I...").
_LEADING_YES = frozenset("y yes yep yeah yea yup ya yah".split())
_LEADING_NO = frozenset("n no nope nah".split())
# "no" that starts a phrase rather than an answer: "no one will see it".
_NO_PHRASES = frozenset("one body thing where longer matter idea doubt".split())


def read_answer(text: str) -> bool | None:
    """A yes or no, alone or with the reason after it; None for a question or anything else.

    "yes its for the parks dept page" is yes, "no, im posting from home tonight" is no; a
    message ending in "?" is a question even when it starts with yes or no.
    """
    short = parse_yes_no(text)
    if short is not None:
        return short
    if text.strip().endswith("?"):
        return None
    tokens = words(text)
    if len(tokens) < 2:
        return None
    first, second = tokens[0], tokens[1]
    if first in _LEADING_YES:
        return True
    if first in _LEADING_NO and second not in _NO_PHRASES:
        return False
    return None

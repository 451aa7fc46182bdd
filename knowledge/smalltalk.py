"""Telling chit-chat from questions: greetings, thanks, a verdict on the last answer in words,
keys a terminal sent as text, and what is not a question at all.

Only real questions are worth logging for HR as "unanswered": "hi", "thanks!", "1" or the
escape codes an arrow key leaves behind (`^[[A`) are answered kindly and never logged.
"""

from __future__ import annotations

import re
from enum import Enum

from knowledge.text import FRAME_WORDS, STOPWORDS, words


class Smalltalk(Enum):
    """What a message that is not a question is."""

    GREETING = "greeting"
    THANKS = "thanks"
    GOODBYE = "goodbye"
    OKAY = "okay"
    HELPFUL = "helpful"
    NOT_HELPFUL = "not_helpful"
    KEYS = "keys"  # escape codes of arrow and function keys, typed into a plain terminal
    NUMBER = "number"


def _phrases(*phrases: str) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(phrase).replace(r"\ ", r"\s+") for phrase in phrases)
    return re.compile(rf"(?:{alternatives})(?:\s+(?:bot|policybot|there|again|so much))?")


# Checked in this order: "thanks that helped" is a verdict on the answer, not only thanks.
_KINDS: tuple[tuple[Smalltalk, re.Pattern[str]], ...] = (
    (
        Smalltalk.NOT_HELPFUL,
        re.compile(
            r"(?:(?:no|nope|hmm|sorry|thanks|ok|okay|meh)\s+)?(?:(?:that|this|it|the answer)\s+)?"
            r"(?:(?:wasnt|isnt|didnt|doesnt|was not|is not|did not|does not|not)\s+"
            r"(?:really\s+|very\s+|that\s+)?(?:helpful|help|useful|answer my question|"
            r"what i (?:asked|meant|wanted))|(?:(?:was|is)\s+)?(?:unhelpful|useless|no help|"
            r"wrong|the wrong answer|wrong answer))"
        ),
    ),
    (
        Smalltalk.HELPFUL,
        re.compile(
            r"(?:(?:thanks|thank you|great|perfect|ok|okay|yes|yep)\s+)?"
            r"(?:(?:that|this|it|the answer)\s+)?(?:(?:was|is|really|very|so|super)\s+)*"
            r"(?:helpful|helped|useful|answers it|answered it|answers my question|"
            r"answered my question)(?:\s+(?:thanks|thank you))?"
        ),
    ),
    (
        Smalltalk.GREETING,
        _phrases(
            "hi",
            "hello",
            "hey",
            "hiya",
            "howdy",
            "yo",
            "good morning",
            "good afternoon",
            "good evening",
            "greetings",
            "hi hi",
            "hey hey",
            "hello hello",
        ),
    ),
    (
        Smalltalk.THANKS,
        _phrases(
            "thanks",
            "thank you",
            "thx",
            "ty",
            "tyvm",
            "cheers",
            "thanks a lot",
            "thank you very much",
            "many thanks",
            "much appreciated",
            "appreciate it",
            "great thanks",
            "ok thanks",
            "okay thanks",
            "perfect thanks",
            "awesome thanks",
        ),
    ),
    (Smalltalk.GOODBYE, _phrases("bye", "goodbye", "see you", "see ya", "later", "good night")),
    (
        Smalltalk.OKAY,
        _phrases("ok", "okay", "k", "kk", "cool", "great", "got it", "nice", "perfect", "alright"),
    ),
)
# What an arrow or function key leaves in a terminal that does not read keys: ESC [ A, shown
# as "^[[A" when echoed, or "[A" once the ESC is dropped as a control character.
_KEYS = re.compile(r"(?:(?:\^\[|\x1b)?\[[0-9;]*[A-Za-z~]|\^\[O?[A-Za-z]|\x1bO?[A-Za-z])+")
_NUMBER = re.compile(r"#?\d{1,6}")


def smalltalk(text: str) -> Smalltalk | None:
    """What kind of chit-chat the message is, or None for anything that may be a question."""
    stripped = text.strip()
    if _KEYS.fullmatch(stripped.replace(" ", "")):
        return Smalltalk.KEYS
    if _NUMBER.fullmatch(stripped.rstrip(".!")):
        return Smalltalk.NUMBER
    folded = " ".join(words(stripped))
    if not folded:
        return None
    for kind, pattern in _KINDS:
        if pattern.fullmatch(folded):
            return kind
    return None


def looks_like_question(text: str) -> bool:
    """Whether a message the bot could not answer is worth logging for HR.

    It must not be chit-chat and must say something: two words or more with at least one that
    is not a frame word ("can", "policy", "please"), or one such word asked with "?".
    """
    if smalltalk(text) is not None:
        return False
    tokens = words(text)
    content = [token for token in tokens if token not in STOPWORDS and token not in FRAME_WORDS]
    if not content or all(token.isdigit() for token in content):
        return False
    return len(tokens) >= 2 or text.strip().endswith("?")

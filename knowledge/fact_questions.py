"""Questions that ask for a fact, not for what is allowed: a signal that a question is outside a
policy ("how many followers does our page have", "when is the council meeting", "who do I call
about my laptop").

A policy says what may, must or must not be done; it does not hold counts, dates, places or the
names of people to call. A question that opens with "how many", "when", "where" or "who" and
says nothing of permission or duty is therefore unlikely to be about the policy, whatever words
it shares with it. "When is it ok to post?" and "who has to approve it?" still are: any word of
permission, duty or consequence turns the signal off. It is one feature of the scope model
(`knowledge/confidence.py`), weighed by the fit across policies, never a refusal by itself.
"""

from __future__ import annotations

import itertools

_OPENERS = frozenset({"when", "where", "who", "whos", "whom", "whose"})
_OPENING_PAIRS = frozenset(
    {
        ("how", "many"),
        ("how", "much"),
        ("how", "long"),
        ("what", "time"),
        ("what", "day"),
        ("what", "date"),
        ("which", "day"),
    }
)
_NORMATIVE = frozenset(
    "can could may might allowed allow ok okay should must permitted permission appropriate "
    "rule rules policy against trouble fired prohibited banned legal illegal supposed need "
    "needs required require violate violation approve approval responsible liable".split()
)
_DUTY_PAIRS = frozenset({("have", "to"), ("has", "to"), ("got", "to")})


def asks_for_a_fact(said: list[str]) -> float:
    """1.0 when the question (its lowercase words, in order) opens by asking for a fact and says
    nothing of what is allowed or required; 0.0 otherwise."""
    if not said or not (said[0] in _OPENERS or tuple(said[:2]) in _OPENING_PAIRS):
        return 0.0
    if _NORMATIVE.intersection(said) or _DUTY_PAIRS.intersection(itertools.pairwise(said)):
        return 0.0
    return 1.0

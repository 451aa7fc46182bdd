"""What the form of a question says about its scope, whatever words it shares with the policy.

Two signals of the scope model (`knowledge/confidence.py`), each weighed by the fit across
policies, never a decision by itself:

- `asks_for_a_fact`: the question asks for a fact, not for what is allowed ("how many followers
  does our page have", "when is the council meeting", "who do I call about my laptop"): a sign of
  being outside the policy.
- `asks_about_the_policy`: the question names the policy, its rules or whether they apply ("does
  any of this apply when I'm off the clock", "what's this policy for"): a sign of being inside
  it, though such questions share few words with any one clause.

A policy says what may, must or must not be done; it does not hold counts, dates, places or the
names of people to call. A question that opens with "how many", "when", "where" or "who" and
says nothing of permission or duty is therefore unlikely to be about the policy. "When is it ok
to post?" and "who has to approve it?" still are: any word of permission, duty or consequence
turns the signal off.
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
_THE_POLICY_ITSELF = frozenset(
    "policy policies rule rules guideline guidelines apply applies cover covers covered".split()
)


def asks_for_a_fact(said: list[str]) -> float:
    """1.0 when the question (its lowercase words, in order) opens by asking for a fact and says
    nothing of what is allowed or required; 0.0 otherwise."""
    if not said or not (said[0] in _OPENERS or tuple(said[:2]) in _OPENING_PAIRS):
        return 0.0
    if _NORMATIVE.intersection(said) or _DUTY_PAIRS.intersection(itertools.pairwise(said)):
        return 0.0
    return 1.0


def asks_about_the_policy(said: list[str]) -> float:
    """1.0 when the question (its lowercase words) names the policy, its rules or whether they
    apply or cover something; 0.0 otherwise."""
    return 1.0 if _THE_POLICY_ITSELF.intersection(said) else 0.0

"""Where each clause of an older version of a policy is in a newer one, and whether HR must look.

HR's work refers to clauses by id ("clause-9"): checklist questions, outcomes, reminders, draft
signals, clause titles. A new version can insert a clause (every later number moves), reword
one, or remove one. References follow their clause the way phrasings do: clauses are lined up
by their text (`knowledge.diff.compare`), so a renumbered clause keeps what cited it.

A reference keeps working unless its clause was removed or *materially* reworded. Material
means the rule itself may have changed, decided on the words that carry a rule, not on how much
text moved: a negation or an exception added or dropped ("not", "unless", "only"), a different
force ("should" became "must", "may" became "must not"), a number changed, or most of the
clause's content words replaced. Anything else (a typo fixed, a phrase tidied, a word added to a
list) follows silently; HR is still told the clause was reworded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from knowledge.diff import compare
from knowledge.models import Clause
from knowledge.text import STOPWORDS, stem, words

Kind = Literal["same", "renumbered", "reworded", "material", "removed"]

# Content words the new text must keep, as a share (Dice coefficient of the stem sets), for a
# rewording to count as the same rule. Measured on hand-made rewordings in
# tests/knowledge/test_clause_map.py: tidy-ups and added list items score 0.80-0.97; a clause
# rewritten around a different rule scores 0.30-0.55.
CONTENT_KEPT = 0.7

_NEGATIONS = frozenset(
    "not no never cannot cant nor neither none nothing without prohibited prohibit prohibits "
    "forbidden forbid forbids dont doesnt wont shouldnt mustnt shant isnt arent".split()
)
_CONDITIONS = frozenset("unless except excepting only if provided until otherwise".split())
_FORCE = {
    "obligation": frozenset("must shall required require requires mandatory obligated".split()),
    "advice": frozenset("should encouraged encourage advised recommended recommend urged".split()),
    "expectation": frozenset("expected expect expects".split()),
    "permission": frozenset("may can cannot cant allowed permitted permit permits".split()),
}


@dataclass(frozen=True)
class Followed:
    """What became of one clause of the older version."""

    old: Clause
    new: Clause | None
    kind: Kind
    reason: str = ""  # for a material rewording: what changed, in plain words

    @property
    def follows(self) -> bool:
        """Whether references to the old clause keep working (with the new id)."""
        return self.kind in ("same", "renumbered", "reworded")

    @property
    def new_id(self) -> str | None:
        return self.new.id if self.new is not None and self.follows else None


@dataclass(frozen=True)
class ClauseMap:
    """Every clause of the older version (by its id there) and what became of it."""

    entries: Mapping[str, Followed] = field(default_factory=dict)
    added: tuple[Clause, ...] = ()

    def get(self, old_id: str) -> Followed | None:
        """What became of a clause of the older version; None if it had no such clause."""
        return self.entries.get(old_id)

    @property
    def unchanged(self) -> bool:
        """True when every clause kept its words and its id (nothing to follow)."""
        return not self.added and all(e.kind == "same" for e in self.entries.values())


def follow_clauses(old: Sequence[Clause], new: Sequence[Clause]) -> ClauseMap:
    """Line the older clauses up with the newer ones and judge each rewording."""
    entries: dict[str, Followed] = {}
    added: list[Clause] = []
    for change in compare(old, new).changes:
        if change.old is None:
            assert change.new is not None
            added.append(change.new)
        elif change.new is None:
            entries[change.old.id] = Followed(change.old, None, "removed")
        elif change.kind == "renumbered":
            entries[change.old.id] = Followed(change.old, change.new, "renumbered")
        else:
            reason = material_change(change.old.text, change.new.text)
            kind: Kind = "material" if reason else "reworded"
            entries[change.old.id] = Followed(change.old, change.new, kind, reason or "")
    by_id = {clause.id: clause for clause in new}
    for clause in old:
        if clause.id not in entries:  # kept its words and its place
            entries[clause.id] = Followed(clause, by_id.get(clause.id, clause), "same")
    return ClauseMap(entries, tuple(added))


def identity(clauses: Sequence[Clause]) -> ClauseMap:
    """The map of a version onto itself."""
    return ClauseMap({clause.id: Followed(clause, clause, "same") for clause in clauses})


def material_change(old: str, new: str) -> str | None:
    """Why a rewording may change the rule (plain words for HR), or None when it does not."""
    before, after = words(old), words(new)
    if before == after:
        return None
    reasons = []
    negations_before = [word for word in before if word in _NEGATIONS]
    negations_after = [word for word in after if word in _NEGATIONS]
    if len(negations_before) != len(negations_after):  # "cannot" -> "may not" is no change
        gone, came = _difference(before, after, _NEGATIONS)
        more = len(negations_after) > len(negations_before)
        reasons.append(
            f"{'adds' if more else 'drops'} a negation ({_quoted(came if more else gone)})"
        )
    gone, came = _difference(before, after, _CONDITIONS)
    if came:
        reasons.append(f"adds a condition ({_quoted(came)})")
    if gone:
        reasons.append(f"drops a condition ({_quoted(gone)})")
    forces_before, forces_after = _forces(before), _forces(after)
    if forces_before != forces_after:
        reasons.append(
            f"changes what it asks ({_quoted(_force_words(before))} became "
            f"{_quoted(_force_words(after))})"
        )
    gone_numbers, new_numbers = _difference(before, after, None)
    if gone_numbers or new_numbers:
        reasons.append(f"changes a number ({_quoted(gone_numbers)} became {_quoted(new_numbers)})")
    kept = content_kept(before, after)
    if kept < CONTENT_KEPT:
        reasons.append(f"keeps only {kept:.0%} of its content words")
    return "; ".join(reasons) or None


def negations(text: str) -> list[str]:
    """The words of a text that negate or forbid ("not", "cannot", "prohibited", ...)."""
    return [word for word in words(text) if word in _NEGATIONS]


def content_kept(before: Sequence[str], after: Sequence[str]) -> float:
    """How much of the content (stems of words that are not function words) both texts share."""
    old = {stem(word) for word in before if word not in STOPWORDS}
    new = {stem(word) for word in after if word not in STOPWORDS}
    if not old and not new:
        return 1.0
    return 2 * len(old & new) / (len(old) + len(new))


def _difference(
    before: Sequence[str], after: Sequence[str], vocabulary: frozenset[str] | None
) -> tuple[list[str], list[str]]:
    """Words of a vocabulary (digits when None) the new text has fewer or more of."""

    def counted(tokens: Sequence[str]) -> Counter[str]:
        if vocabulary is None:
            return Counter(token for token in tokens if token.isdigit())
        return Counter(token for token in tokens if token in vocabulary)

    old, new = counted(before), counted(after)
    return sorted((old - new).elements()), sorted((new - old).elements())


def _forces(tokens: Sequence[str]) -> frozenset[str]:
    return frozenset(name for name, vocab in _FORCE.items() if any(t in vocab for t in tokens))


def _force_words(tokens: Sequence[str]) -> list[str]:
    every = frozenset().union(*_FORCE.values())
    return list(dict.fromkeys(token for token in tokens if token in every))


def _quoted(tokens: Sequence[str]) -> str:
    return ", ".join(f"'{token}'" for token in dict.fromkeys(tokens)) or "nothing"

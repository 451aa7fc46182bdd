"""What changed between two versions of a policy, clause by clause, with the changed words.

Clauses are aligned by their text, not their numbers, so inserting a clause does not make every
later one look reworded: equal runs match first, then within a changed stretch each old clause is
paired with the most similar new one (a rewording) when they share enough words; the rest were
added or removed. A clause that kept its words but not its number is reported as renumbered.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from knowledge.models import Clause
from knowledge.text import collapse_spaces

REWORD_SIMILARITY = 0.5
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class WordRun:
    """A run of words that stayed ("="), went ("-") or came ("+")."""

    op: str
    text: str


@dataclass(frozen=True)
class ClauseChange:
    """One clause added, removed, reworded or renumbered."""

    kind: str  # "added", "removed", "reworded" or "renumbered"
    old: Clause | None
    new: Clause | None
    words: tuple[WordRun, ...] = ()

    @property
    def label(self) -> str:
        """How the clause is called now (or was, if it is gone)."""
        clause = self.new or self.old
        assert clause is not None
        return clause.label


@dataclass(frozen=True)
class PolicyDiff:
    """Every change between two versions; `substantive` when any clause's words changed."""

    changes: tuple[ClauseChange, ...]
    unchanged: int

    @property
    def substantive(self) -> bool:
        return any(change.kind != "renumbered" for change in self.changes)

    def count(self, kind: str) -> int:
        return sum(1 for change in self.changes if change.kind == kind)

    @property
    def changed_clause_ids(self) -> frozenset[str]:
        """Ids (old and new) of the clauses whose words changed, for flagging HR's curation."""
        ids: set[str] = set()
        for change in self.changes:
            if change.kind != "renumbered":
                ids.update(c.id for c in (change.old, change.new) if c is not None)
        return frozenset(ids)

    def summary(self) -> str:
        """One line: "2 clauses reworded, 1 added, 1 removed" (or that nothing changed)."""
        counts = [
            (self.count(kind), kind) for kind in ("reworded", "added", "removed", "renumbered")
        ]
        parts = [f"{count} {kind}" for count, kind in counts if count]
        if not parts:
            return "no clause changed"
        first = next(count for count, _ in counts if count)
        noun = "clause" if first == 1 else "clauses"
        parts[0] = parts[0].replace(" ", f" {noun} ", 1)
        return ", ".join(parts)


def compare(old: Sequence[Clause], new: Sequence[Clause]) -> PolicyDiff:
    """The clause-level comparison of two parsed versions, in the new version's order."""
    old_texts, new_texts = [_norm(c) for c in old], [_norm(c) for c in new]
    matcher = SequenceMatcher(None, old_texts, new_texts, autojunk=False)
    changes: list[ClauseChange] = []
    unchanged = 0
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for before, after in zip(old[i1:i2], new[j1:j2], strict=True):
                if before.label != after.label:
                    changes.append(ClauseChange("renumbered", before, after))
                else:
                    unchanged += 1
        else:
            changes.extend(_pair_up(old[i1:i2], new[j1:j2]))
    return PolicyDiff(tuple(changes), unchanged)


def word_runs(old: str, new: str) -> tuple[WordRun, ...]:
    """The words of `new` against `old`, as runs kept, removed and added."""
    before, after = _WORD.findall(old), _WORD.findall(new)
    runs: list[WordRun] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append(WordRun("=", " ".join(before[i1:i2])))
            continue
        if i2 > i1:
            runs.append(WordRun("-", " ".join(before[i1:i2])))
        if j2 > j1:
            runs.append(WordRun("+", " ".join(after[j1:j2])))
    return tuple(runs)


def marked(runs: Sequence[WordRun], *, context: int | None = 12) -> str:
    """Runs as text with [-removed-] and {+added+} marks; long unchanged runs are shortened."""
    parts = []
    for index, run in enumerate(runs):
        if run.op == "-":
            parts.append(f"[-{run.text}-]")
        elif run.op == "+":
            parts.append(f"{{+{run.text}+}}")
        else:
            parts.append(_shorten(run.text, context, first=index == 0, last=index == len(runs) - 1))
    return " ".join(part for part in parts if part)


def _shorten(text: str, context: int | None, *, first: bool, last: bool) -> str:
    words = text.split()
    if context is None or len(words) <= 2 * context:
        return text
    if first:
        return "… " + " ".join(words[-context:])
    if last:
        return " ".join(words[:context]) + " …"
    return " ".join(words[:context]) + " … " + " ".join(words[-context:])


def _pair_up(old: Sequence[Clause], new: Sequence[Clause]) -> list[ClauseChange]:
    """Within a changed stretch, pair each new clause with its most similar unused old one."""
    changes: list[ClauseChange] = []
    used: set[int] = set()
    next_old = 0
    for after in new:
        best, best_score = None, REWORD_SIMILARITY
        for index in range(next_old, len(old)):
            score = _similarity(old[index], after)
            if index not in used and score >= best_score:
                best, best_score = index, score
        if best is None:
            changes.append(ClauseChange("added", None, after))
            continue
        for skipped in range(next_old, best):  # old clauses passed over are gone
            changes.append(ClauseChange("removed", old[skipped], None))
            used.add(skipped)
        used.add(best)
        next_old = best + 1
        changes.append(
            ClauseChange("reworded", old[best], after, word_runs(old[best].text, after.text))
        )
    changes.extend(ClauseChange("removed", old[i], None) for i in range(len(old)) if i not in used)
    return changes


def _similarity(a: Clause, b: Clause) -> float:
    return SequenceMatcher(None, _WORD.findall(a.text), _WORD.findall(b.text)).ratio()


def _norm(clause: Clause) -> str:
    return collapse_spaces(clause.text)

"""A checklist across policy versions: references follow their clauses; what cannot is set aside.

A checklist is written (and validated) against one version of its policy, its *basis*. When a
newer version is current, `follow_checklist` moves every reference (question, outcome, reminder,
signal) to the clause's id in the new version (`knowledge.clause_map`). A reference to a clause
the new version removed or materially reworded becomes a *stale* reference, ``clause-11@v1``
("clause 11 as version 1 had it"), which the loader refuses: HR must re-point, edit or retire
the item, and `SetAside` describes each such item for them.

Employees meanwhile walk `live_checklist`: the same checklist without the set-aside items. A
question set aside is skipped together with the follow-up questions only one of its answers
opens (the walk goes on at the first question both answers lead to), an outcome set aside is
not given, a reminder or signal set aside is not shown; the verdict says which part HR
is updating. So the rest keeps working, and no verdict cites a clause that is gone.

The edits HR makes from the dashboard (`repoint`, `reword`, `retire`) work on the followed
checklist and are validated like any published file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeVar

from knowledge.checklist import STALE_REFERENCE, Branch, Checklist, Finding, SignalSpec
from knowledge.clause_map import ClauseMap

ItemKind = Literal["question", "outcome", "reminder", "signal"]
KINDS: tuple[ItemKind, ...] = ("question", "outcome", "reminder", "signal")
_END = None
_Item = TypeVar("_Item", Finding, SignalSpec)


class EditError(ValueError):
    """An edit HR asked for that cannot be made; the message says why."""


@dataclass(frozen=True)
class SetAside:
    """An item citing a clause that the current version removed or materially reworded."""

    kind: ItemKind
    id: str
    text: str
    clauses: tuple[str, ...]  # as cited now: current ids, and the stale ones

    @property
    def key(self) -> str:
        return item_key(self.kind, self.id)

    @property
    def stale(self) -> tuple[str, ...]:
        """The references HR must re-point (``clause-11@v1``)."""
        return tuple(ref for ref in self.clauses if STALE_REFERENCE.fullmatch(ref))


def item_key(kind: str, item_id: str) -> str:
    """How an item is named across a checklist: ``question:at_work``."""
    return f"{kind}:{item_id}"


def follow_checklist(checklist: Checklist, clauses: ClauseMap, basis: int) -> Checklist:
    """The checklist with every reference moved to the clause's id in the newer version.

    References whose clause was removed or materially reworded become ``<old id>@v<basis>``.
    """

    def moved(ids: Iterable[str]) -> tuple[str, ...]:
        result = []
        for clause_id in ids:
            if STALE_REFERENCE.fullmatch(clause_id):
                result.append(clause_id)
                continue
            followed = clauses.get(clause_id)
            new_id = followed.new_id if followed is not None else None
            result.append(new_id if new_id is not None else f"{clause_id}@v{basis}")
        return tuple(dict.fromkeys(result))

    renumber = _mention_mover(clauses)

    def texts(item: Any, *names: str) -> dict[str, Any]:
        return {n: renumber(getattr(item, n)) for n in names if getattr(item, n) is not None}

    titles = {}
    for clause_id, title in checklist.titles.items():
        followed = clauses.get(clause_id)
        if followed is not None and followed.new_id is not None:
            titles[followed.new_id] = title
    return replace(
        checklist,
        questions={
            k: replace(q, clauses=moved(q.clauses), **texts(q, "text", "help"))
            for k, q in checklist.questions.items()
        },
        outcomes={
            k: replace(o, clauses=moved(o.clauses), **texts(o, "text"))
            for k, o in checklist.outcomes.items()
        },
        reminders=tuple(
            replace(r, clauses=moved(r.clauses), **texts(r, "text")) for r in checklist.reminders
        ),
        signals=tuple(
            replace(s, clauses=moved(s.clauses), **texts(s, "meaning")) for s in checklist.signals
        ),
        titles=titles,
    )


def _mention_mover(clauses: ClauseMap) -> Callable[[str], str]:
    """Rewrites "clause 10" (and "clauses 2 and 10") in HR's wording to the clause's new number.

    Only clauses that kept their rule and changed number are rewritten, all in one pass so two
    numbers that swap do not overwrite each other.
    """
    moves: dict[tuple[str, str], str] = {}
    for followed in clauses.entries.values():
        new = followed.new
        if new is None or not followed.follows or new.label == followed.old.label:
            continue
        old_word, _, old_number = followed.old.label.rpartition(" ")
        new_word, _, new_number = new.label.rpartition(" ")
        if old_word == new_word and old_number.isdigit() and new_number.isdigit():
            moves[(old_word.lower(), old_number)] = new_number
    if not moves:
        return lambda text: text
    names = "|".join(sorted({re.escape(word) for word, _ in moves}, key=len, reverse=True))
    mention = re.compile(
        rf"\b(?P<word>{names})(?P<plural>s?)(?P<numbers>\s+\d+(?:(?:\s*,\s*|\s+and\s+|\s+or\s+)\d+)*)\b",
        re.IGNORECASE,
    )

    def rewrite(match: re.Match[str]) -> str:
        word = match["word"].lower()
        numbers = re.sub(
            r"\d+", lambda n: moves.get((word, n.group(0)), n.group(0)), match["numbers"]
        )
        return f"{match['word']}{match['plural']}{numbers}"

    return lambda text: mention.sub(rewrite, text)


def set_aside_items(checklist: Checklist) -> list[SetAside]:
    """Every item with a stale reference, in the order of the file."""
    return [item for item in _items(checklist) if item.stale]


def live_checklist(checklist: Checklist) -> Checklist | None:
    """What employees walk while HR reviews the set-aside items; None if nothing is left to ask.

    Every answer that led to a set-aside question leads where that question's paths meet
    again; outcomes set aside are not added; the branch remembers both for the verdict.
    """
    aside = {item.key: item for item in set_aside_items(checklist)}
    if not aside:
        return checklist
    skip = {qid for qid in checklist.questions if item_key("question", qid) in aside}
    dropped = {oid for oid in checklist.outcomes if item_key("outcome", oid) in aside}
    rejoin = rejoin_points(checklist)

    def resolve(target: str | None) -> tuple[str | None, list[str]]:
        skipped = []
        while target is not None and target in skip:
            skipped.append(item_key("question", target))
            target = rejoin[target]
        return target, skipped

    def branch(old: Branch) -> Branch:
        target, skipped = resolve(old.next)
        review = [*old.review, *skipped]
        review += [item_key("outcome", oid) for oid in old.add if oid in dropped]
        return Branch(target, tuple(o for o in old.add if o not in dropped), tuple(review))

    start, skipped_first = resolve(checklist.start)
    if start is None:
        return None
    questions = {
        qid: replace(q, if_yes=branch(q.if_yes), if_no=branch(q.if_no))
        for qid, q in checklist.questions.items()
        if qid not in skip
    }
    outcomes = {oid: o for oid, o in checklist.outcomes.items() if oid not in dropped}
    if checklist.default_outcome in dropped:
        outcomes[checklist.default_outcome] = Finding(
            checklist.default_outcome,
            "Nothing in your answers goes against the policy.",
            (),
            "ok",
        )
    notes = {item.key: _note(item) for item in aside.values() if item.kind != "signal"}
    live = replace(
        checklist,
        start=start,
        questions=questions,
        outcomes=outcomes,
        reminders=tuple(r for r in checklist.reminders if item_key("reminder", r.id) not in aside),
        signals=tuple(
            _without_suggestion(s, skip) if s.question in skip else s
            for s in checklist.signals
            if item_key("signal", s.id) not in aside
        ),
        review_notes={**checklist.review_notes, **notes},
        start_review=(*checklist.start_review, *skipped_first),
    )
    return _with_longest(live)


def rejoin_points(checklist: Checklist) -> dict[str, str | None]:
    """For each question, the first question both its yes and its no lead to, sooner or later
    (None when they only meet at the end): skipping a question goes there, passing over the
    follow-up questions only one of its answers opens."""
    order = _order(checklist)
    rank = {qid: index for index, qid in enumerate(order)}
    reach: dict[str | None, frozenset[str]] = {None: frozenset()}
    rejoin: dict[str, str | None] = {}
    for qid in reversed(order):  # successors first
        question = checklist.questions[qid]
        yes, no = (
            reach[b.next] | ({b.next} if b.next else set())
            for b in (question.if_yes, question.if_no)
        )
        common = yes & no
        rejoin[qid] = min(common, key=rank.__getitem__) if common else None
        reach[qid] = yes | no
    return rejoin


# --- HR's edits ------------------------------------------------------------------------------


def repoint(checklist: Checklist, key: str, old: str, new: str) -> Checklist:
    """The item cites `new` where it cited `old` (a stale reference, or any clause)."""

    def swap(clauses: tuple[str, ...]) -> tuple[str, ...]:
        if old not in clauses:
            raise EditError(f"{_name(key)} does not cite {old}")
        return tuple(dict.fromkeys(new if clause == old else clause for clause in clauses))

    return _change(checklist, key, lambda item: replace(item, clauses=swap(item.clauses)))


def reword(checklist: Checklist, key: str, text: str) -> Checklist:
    """The item says `text` (a question's question, an outcome's or reminder's text, a signal's
    meaning)."""
    text = " ".join(text.split())
    if not text:
        raise EditError("Please write the new wording.")
    field = "meaning" if key.startswith("signal:") else "text"
    return _change(checklist, key, lambda item: replace(item, **{field: text}))


def retire(checklist: Checklist, key: str) -> tuple[Checklist, list[str]]:
    """The checklist without the item, and every item that went with it.

    Answers that led to a retired question lead where its paths meet again; follow-up questions
    only it led to, and outcomes no answer gives any more, go with it.
    """
    kind, _, item_id = key.partition(":")
    _find(checklist, key)
    if key == item_key("outcome", checklist.default_outcome):
        raise EditError(
            "The default outcome (given when no answer adds another) cannot be retired; "
            "edit its text or point it at another clause instead."
        )
    if kind == "reminder":
        return replace(checklist, reminders=_drop(checklist.reminders, item_id)), [key]
    if kind == "signal":
        return replace(checklist, signals=_drop(checklist.signals, item_id)), [key]
    if kind == "outcome":
        questions = {
            qid: replace(
                q,
                if_yes=replace(q.if_yes, add=tuple(o for o in q.if_yes.add if o != item_id)),
                if_no=replace(q.if_no, add=tuple(o for o in q.if_no.add if o != item_id)),
            )
            for qid, q in checklist.questions.items()
        }
        outcomes = {oid: o for oid, o in checklist.outcomes.items() if oid != item_id}
        return replace(checklist, questions=questions, outcomes=outcomes), [key]
    rejoin = rejoin_points(checklist)[item_id]
    if checklist.start == item_id and rejoin is None:
        raise EditError(
            "This question is the only way through the checklist; reword it or point it at "
            "another clause instead of retiring it."
        )

    def redirect(branch: Branch) -> Branch:
        return replace(branch, next=rejoin) if branch.next == item_id else branch

    questions = {
        qid: replace(q, if_yes=redirect(q.if_yes), if_no=redirect(q.if_no))
        for qid, q in checklist.questions.items()
        if qid != item_id
    }
    start = rejoin if checklist.start == item_id else checklist.start
    assert start is not None
    trimmed = replace(checklist, questions=questions, start=start)
    return _prune(trimmed, [key])


def _prune(checklist: Checklist, retired: list[str]) -> tuple[Checklist, list[str]]:
    """Drop questions no answer reaches any more and outcomes no answer gives."""
    reachable: set[str] = set()
    todo = [checklist.start]
    while todo:
        qid = todo.pop()
        if qid in reachable or qid not in checklist.questions:
            continue
        reachable.add(qid)
        question = checklist.questions[qid]
        todo += [b.next for b in (question.if_yes, question.if_no) if b.next is not None]
    questions = {qid: q for qid, q in checklist.questions.items() if qid in reachable}
    given = {o for q in questions.values() for b in (q.if_yes, q.if_no) for o in b.add}
    given.add(checklist.default_outcome)
    outcomes = {oid: o for oid, o in checklist.outcomes.items() if oid in given}
    retired = [
        *retired,
        *(item_key("question", q) for q in checklist.questions if q not in questions),
        *(item_key("outcome", o) for o in checklist.outcomes if o not in outcomes),
    ]
    signals = tuple(
        _without_suggestion(s, set(checklist.questions) - set(questions))
        if s.question is not None and s.question not in questions
        else s
        for s in checklist.signals
    )
    return replace(checklist, questions=questions, outcomes=outcomes, signals=signals), retired


# --- helpers ----------------------------------------------------------------------------------


def _items(checklist: Checklist) -> list[SetAside]:
    items = [SetAside("question", q.id, q.text, q.clauses) for q in checklist.questions.values()]
    items += [SetAside("outcome", o.id, o.text, o.clauses) for o in checklist.outcomes.values()]
    items += [SetAside("reminder", r.id, r.text, r.clauses) for r in checklist.reminders]
    items += [SetAside("signal", s.id, s.meaning, s.clauses) for s in checklist.signals]
    return items


def _find(checklist: Checklist, key: str) -> SetAside:
    for item in _items(checklist):
        if item.key == key:
            return item
    raise EditError(f"The checklist has no {_name(key)}.")


def _name(key: str) -> str:
    kind, _, item_id = key.partition(":")
    return f"{kind} '{item_id}'"


def _change(checklist: Checklist, key: str, change: Callable[[Any], Any]) -> Checklist:
    """Apply `change` (item -> changed item; the four item types share the fields edits touch)
    to the one item named by `key`."""
    _find(checklist, key)
    kind, _, item_id = key.partition(":")
    if kind == "question":
        questions = dict(checklist.questions)
        questions[item_id] = change(questions[item_id])
        return replace(checklist, questions=questions)
    if kind == "outcome":
        outcomes = dict(checklist.outcomes)
        outcomes[item_id] = change(outcomes[item_id])
        return replace(checklist, outcomes=outcomes)
    if kind == "reminder":
        reminders = tuple(change(r) if r.id == item_id else r for r in checklist.reminders)
        return replace(checklist, reminders=reminders)
    signals = tuple(change(s) if s.id == item_id else s for s in checklist.signals)
    return replace(checklist, signals=signals)


def _drop(items: tuple[_Item, ...], item_id: str) -> tuple[_Item, ...]:
    return tuple(item for item in items if item.id != item_id)


def _without_suggestion(signal: SignalSpec, gone: set[str]) -> SignalSpec:
    return replace(signal, question=None, answer=None) if signal.question in gone else signal


def _note(item: SetAside) -> str:
    return f"“{item.text}”"


def _order(checklist: Checklist) -> list[str]:
    """Question ids, each before every question an answer to it leads to."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(qid: str) -> None:
        stack = [(qid, False)]
        while stack:
            current, done = stack.pop()
            if done:
                order.append(current)
                continue
            if current in seen:
                continue
            seen.add(current)
            stack.append((current, True))
            question = checklist.questions[current]
            for b in (question.if_yes, question.if_no):
                if b.next is not None and b.next not in seen:
                    stack.append((b.next, False))

    for qid in checklist.questions:
        visit(qid)
    order.reverse()
    return order


def _with_longest(checklist: Checklist) -> Checklist:
    longest: dict[str, int] = {}
    for qid in reversed(_order(checklist)):
        question = checklist.questions[qid]
        nexts = [b.next for b in (question.if_yes, question.if_no) if b.next is not None]
        longest[qid] = 1 + max((longest[n] for n in nexts), default=0)
    object.__setattr__(checklist, "_longest", longest)
    return checklist


def stale_parts(reference: str) -> tuple[str, int] | None:
    """(clause id, version) of a stale reference such as ``clause-11@v1``; None otherwise."""
    match = STALE_REFERENCE.fullmatch(reference)
    return (match["clause"], int(match["version"])) if match else None


def items_by_key(checklist: Checklist) -> Mapping[str, SetAside]:
    """Every item of the checklist by its key (for forms that name one)."""
    return {item.key: item for item in _items(checklist)}

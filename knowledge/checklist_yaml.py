"""A checklist written back as the YAML HR edits: `policybot checklist show --yaml`, the dashboard.

The text reads like the seed files (one item a block, clause lists on one line) and loads back
to the same checklist (`tests/knowledge/test_checklist_yaml.py`). Comments can be put above any
item, to tell HR what needs their review and why; HR's own comments in a published file are kept
with that version's stored text, not here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import yaml

from knowledge.checklist import END, Branch, Checklist, Finding, Question, SignalSpec
from knowledge.checklist_review import item_key

GUIDE = (
    "How to edit: each question is answered yes or no; if_yes / if_no lead to the next question",
    "id or 'end', and {next: ..., add: [...]} also adds outcomes to the verdict. Verdicts, least",
    "to most severe: ok, ok_with_disclaimer, needs_authorization, do_not_post. Every item cites",
    "the clauses behind it by id. 'titles' gives clauses short titles shown in answers.",
)


def checklist_yaml(
    checklist: Checklist,
    *,
    header: Sequence[str] = GUIDE,
    notes: Mapping[str, Sequence[str]] | None = None,
    titles: Mapping[str, str] | None = None,
) -> str:
    """The checklist as YAML, `header` lines and each item's `notes` (by item key) as comments.

    `titles` (clause id -> title) replaces the checklist's own titles section when given.
    """
    notes = notes or {}
    out = [f"# {line}".rstrip() for line in header]
    if out:
        out.append("")
    out.append(f"policy: {_scalar(checklist.policy)}")
    out.append(f"title: {_scalar(checklist.title)}")
    out.append(f"start: {_scalar(checklist.start)}")
    if checklist.disclaimer:
        out.append(f"disclaimer: {_scalar(checklist.disclaimer)}")
    out.append(f"default_outcome: {_scalar(checklist.default_outcome)}")
    if checklist.roles:
        out.append("roles:")
        out += [f"  {role}: {_scalar(name)}" for role, name in checklist.roles.items()]
    sections: list[tuple[str, str, Iterable[Any]]] = [
        ("questions", "question", checklist.questions.values()),
        ("outcomes", "outcome", checklist.outcomes.values()),
        ("reminders", "reminder", checklist.reminders),
        ("signals", "signal", checklist.signals),
    ]
    for section, kind, items in sections:
        blocks = [_block(item, notes.get(item_key(kind, item.id), ())) for item in items]
        if not blocks and section != "questions" and section != "outcomes":
            continue
        out += ["", f"{section}:"]
        for number, block in enumerate(blocks):
            out += ([""] if number else []) + block
    chosen = checklist.titles if titles is None else titles
    if chosen:
        out += ["", "titles:"]
        out += [f"  {clause}: {_scalar(title)}" for clause, title in chosen.items()]
    return "\n".join(out) + "\n"


def _block(item: Question | Finding | SignalSpec, notes: Iterable[str]) -> list[str]:
    fields: list[tuple[str, str]] = [("id", _scalar(item.id))]
    if isinstance(item, Question):
        fields.append(("text", _scalar(item.text)))
        if item.help:
            fields.append(("help", _scalar(item.help)))
        fields += [
            ("clauses", _flow(list(item.clauses))),
            ("if_yes", _branch(item.if_yes)),
            ("if_no", _branch(item.if_no)),
        ]
    elif isinstance(item, Finding):
        if item.verdict is not None:
            fields.append(("verdict", _scalar(item.verdict)))
        if item.approvers:
            fields.append(("approvers", _flow(list(item.approvers))))
        fields += [("text", _scalar(item.text)), ("clauses", _flow(list(item.clauses)))]
    else:
        fields += [("meaning", _scalar(item.meaning)), ("clauses", _flow(list(item.clauses)))]
        if item.patterns:
            fields.append(("patterns", _flow([p.source for p in item.patterns])))
        if item.link_hosts:
            fields.append(("link_hosts", _flow(list(item.link_hosts))))
        if item.question is not None and item.answer is not None:
            answer = "yes" if item.answer else "no"
            fields.append(("suggests", f"{{question: {_scalar(item.question)}, answer: {answer}}}"))
    lines = [f"  # {line}".rstrip() for note in notes for line in note.splitlines()]
    lines.append(f"  - {fields[0][0]}: {fields[0][1]}")
    lines += [f"    {name}: {value}" for name, value in fields[1:]]
    return lines


def _branch(branch: Branch) -> str:
    target = branch.next or END
    if not branch.add:
        return _scalar(target)
    return f"{{next: {_scalar(target)}, add: {_flow(list(branch.add))}}}"


def _scalar(value: str) -> str:
    """A YAML scalar on one line, quoted only when YAML would read it otherwise."""
    text = yaml.safe_dump(value, default_flow_style=True, width=1_000_000, allow_unicode=True)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def _flow(values: list[str]) -> str:
    text = yaml.safe_dump(values, default_flow_style=True, width=1_000_000, allow_unicode=True)
    return text.strip()

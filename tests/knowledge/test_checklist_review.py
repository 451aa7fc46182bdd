"""A checklist across versions: references follow their clauses, set-aside items are skipped
(and only they), HR's edits (re-point, reword, retire), the YAML HR edits, and its limits."""

from __future__ import annotations

import dataclasses

import pytest

from knowledge.checklist import Checklist, ChecklistError, Question, Verdict, parse_checklist
from knowledge.checklist_review import (
    EditError,
    follow_checklist,
    live_checklist,
    rejoin_points,
    repoint,
    retire,
    reword,
    set_aside_items,
)
from knowledge.checklist_yaml import checklist_yaml
from knowledge.clause_map import follow_clauses
from knowledge.models import PolicyMetadata
from knowledge.parser import parse_clauses
from knowledge.sources import build_policy, seed_sources
from tests.knowledge.test_checklist import TOY, TOY_CLAUSES

META = PolicyMetadata("toy", "Toy Policy", "Town of Toy", "test")
V1 = """Everyone may post about their own life, within the rules below.

1. Posts about work must say they are your own view.
2. Town gear is for work only.
3. Your boss approves any work account before you use it.
"""
# Version 2 inserts a clause before 2 (so 2 and 3 move to 3 and 4), and rewrites the boss
# rule into another one.
V2 = """Everyone may post about their own life, within the rules below.

1. Posts about work must say they are your own view.
2. Do not post pictures made by artificial intelligence tools.
3. Town gear is for work only.
4. Nobody may post from a work account after hours, whatever anyone approved.
"""


def followed() -> Checklist:
    old, new = parse_clauses(V1, META), parse_clauses(V2, META)
    checklist = parse_checklist(TOY, "toy", TOY_CLAUSES)
    return follow_checklist(checklist, follow_clauses(old, new), 1)


def test_references_follow_renumbered_clauses_and_only_changed_ones_are_set_aside() -> None:
    document = followed()
    assert document.questions["a"].clauses == ("clause-1",)
    assert document.questions["b"].clauses == ("clause-3",)  # clause 2 moved to 3
    assert document.questions["b"].help is None
    assert document.questions["a"].help == "Clause 1 cares about work posts."
    assert document.questions["c"].clauses == ("clause-3@v1",)  # rewritten: HR must look
    assert document.reminders[0].clauses == ("clause-3",)
    aside = [(item.key, item.stale) for item in set_aside_items(document)]
    assert aside == [
        ("question:c", ("clause-3@v1",)),
        ("outcome:ask-boss", ("clause-3@v1",)),
        ("outcome:stop", ("clause-3@v1",)),
    ]


def test_the_live_checklist_skips_a_set_aside_question_and_says_so_in_the_verdict() -> None:
    live = live_checklist(followed())
    assert live is not None and "c" not in live.questions
    step = live.next_step({"a": True, "b": True})  # c was next: the walk ends where c ended
    assert isinstance(step, Verdict)
    assert [reason.id for reason in step.reasons] == ["disclaim"]
    assert step.under_review == ("“Did your boss approve?”",)
    assert all("@" not in clause for clause in step.clauses)
    untouched = live.next_step({"a": True, "b": False})
    assert isinstance(untouched, Verdict) and untouched.under_review == ()
    assert [reason.id for reason in untouched.reasons] == ["disclaim", "careful"]


def test_a_skipped_gate_question_takes_its_follow_ups_along() -> None:
    la_crosse = seed_sources()[0]
    clauses = build_policy(la_crosse).clauses
    checklist = parse_checklist(
        (la_crosse.directory / "checklist.yaml").read_text(),  # type: ignore[operator]
        "la-crosse",
        {c.id for c in clauses},
    )
    rejoin = rejoin_points(checklist)
    assert rejoin["at_work"] == "about_city"  # work_related... are its follow-ups
    assert rejoin["about_city"] == "identifies_employee"
    assert rejoin["respect"] is None
    gone = [c for c in clauses if c.id != "clause-5"]  # a version without clause 5
    document = follow_checklist(checklist, follow_clauses(clauses, gone), 1)
    live = live_checklist(document)
    assert live is not None and live.start == "about_city"
    first = live.next_step({})
    assert isinstance(first, Question) and first.id == "about_city"
    assert live.progress({}) == (1, 9)  # about_city to respect, the longest way


def test_editing_a_set_aside_item_brings_it_back() -> None:
    document = followed()
    repointed = repoint(document, "question:c", "clause-3@v1", "clause-4")
    assert repointed.questions["c"].clauses == ("clause-4",)
    worded = reword(repointed, "question:c", "Is the work account used after hours?")
    assert worded.questions["c"].text == "Is the work account used after hours?"
    with pytest.raises(EditError, match="does not cite clause-9"):
        repoint(document, "question:c", "clause-9", "clause-1")
    with pytest.raises(EditError, match="has no question 'zz'"):
        reword(document, "question:zz", "x")


def test_retiring_a_question_takes_what_only_it_gave() -> None:
    document = followed()
    retired, gone = retire(document, "question:c")
    assert gone == ["question:c", "outcome:ask-boss", "outcome:stop"]
    assert retired.questions["b"].if_yes.next is None  # b led to c: now to where c led
    assert set_aside_items(retired) == []
    text = checklist_yaml(retired)
    assert parse_checklist(text, "retired", {"preamble", *(f"clause-{n}" for n in range(1, 5))})
    with pytest.raises(EditError, match="default outcome"):
        retire(document, "outcome:fine")


def test_yaml_round_trips_and_refuses_new_stale_references() -> None:
    document = followed()
    text = checklist_yaml(document, notes={"question:c": ["NEEDS REVIEW: boss rule rewritten"]})
    assert "  # NEEDS REVIEW: boss rule rewritten\n  - id: c\n" in text
    clause_ids = {"preamble", *(f"clause-{n}" for n in range(1, 5))}
    with pytest.raises(ChecklistError) as refused:
        parse_checklist(text, "edited.yaml", clause_ids)
    assert "'clause-3@v1' is clause-3 as version 1 had it" in str(refused.value)
    kept = parse_checklist(text, "edited.yaml", clause_ids, stale_ok={"clause-3@v1"})
    assert dataclasses.replace(kept, source=document.source) == document


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a: &x [1]\nb: *x\n", "anchors and aliases"),
        ("x: " + "[" * 20 + "]" * 20 + "\n", "nests deeper than"),
        ("x: '" + "a" * 200_001 + "'\n", "a checklist has at most 200,000"),
    ],
)
def test_hostile_yaml_is_refused_before_it_is_read(text: str, problem: str) -> None:
    with pytest.raises(ChecklistError) as refused:
        parse_checklist(text, "hostile.yaml", TOY_CLAUSES)
    assert problem in str(refused.value)


def test_titles_in_the_file_are_checked() -> None:
    good = TOY + "titles:\n  clause-1: Work posts\n"
    assert parse_checklist(good, "t", TOY_CLAUSES).titles == {"clause-1": "Work posts"}
    bad = TOY + "titles:\n  clause-9: Nope\n  clause-2: " + "word " * 20 + "\n"
    with pytest.raises(ChecklistError) as refused:
        parse_checklist(bad, "t", TOY_CLAUSES)
    assert "title of 'clause-9': 'clause-9' is not a clause" in str(refused.value)
    assert "at most 12 words" in str(refused.value)

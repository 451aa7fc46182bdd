"""The checklist engine and its validation: what HR sees when a checklist file is wrong, and
what the bot relies on when walking one (next step, going back, progress, listing)."""

from __future__ import annotations

import dataclasses
import json
import re
import textwrap
from pathlib import Path

import pytest

from knowledge.checklist import (
    VERDICTS,
    Checklist,
    ChecklistError,
    Question,
    Verdict,
    load_checklist,
    load_policy_checklist,
)

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "knowledge" / "policies"
LA_CROSSE_CLAUSES = frozenset({"preamble", *(f"clause-{n}" for n in range(1, 12))})
LAKE_ELMO_CLAUSES = frozenset({"introduction", "scope", *(f"guideline-{n}" for n in range(1, 7))})
TOY_CLAUSES = frozenset({"preamble", "clause-1", "clause-2", "clause-3"})

# A small checklist with a known shape:
#   a --yes--> b --yes--> c --> end
#   a --no---> end            b --no--> end (adds "careful")
TOY = """
policy: toy
disclaimer: These are my own opinions.
default_outcome: fine
roles:
  boss: your boss
  admin: the site administrator
questions:
  - id: a
    text: Is it about work?
    help: Clause 1 cares about work posts.
    clauses: [clause-1]
    if_yes: {next: b, add: [disclaim]}
    if_no: end
  - id: b
    text: Does it use City gear?
    clauses: [clause-2]
    if_yes: c
    if_no: {next: end, add: [careful]}
  - id: c
    text: Did your boss approve?
    clauses: [clause-3]
    if_yes: end
    if_no: {next: end, add: [ask-boss, stop]}
outcomes:
  - {id: fine, verdict: ok, text: Fine., clauses: [preamble]}
  - {id: careful, verdict: ok, text: Keep it tidy., clauses: [clause-2]}
  - {id: disclaim, verdict: ok_with_disclaimer, text: Add the disclaimer., clauses: [clause-1]}
  - id: ask-boss
    verdict: needs_authorization
    approvers: [boss, admin]
    text: Ask first.
    clauses: [clause-3]
  - {id: stop, verdict: do_not_post, text: Do not., clauses: [clause-3]}
reminders:
  - {id: careful-always, text: Posts last., clauses: [clause-2]}
"""


def write(tmp_path: Path, text: str, name: str = "checklist.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def toy(tmp_path: Path, text: str = TOY) -> Checklist:
    return load_checklist(write(tmp_path, text), TOY_CLAUSES)


def load_error(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ChecklistError) as caught:
        load_checklist(path, TOY_CLAUSES)
    message = str(caught.value)
    assert str(path) in message, "the error must name the file"
    return message


@pytest.fixture(scope="module")
def la_crosse() -> Checklist:
    return load_policy_checklist(POLICIES / "la-crosse", LA_CROSSE_CLAUSES)


@pytest.fixture(scope="module")
def lake_elmo() -> Checklist:
    return load_policy_checklist(POLICIES / "lake-elmo", LAKE_ELMO_CLAUSES)


# --- the engine --------------------------------------------------------------------------


def test_first_question_and_next_step_follow_the_answers(tmp_path: Path) -> None:
    checklist = toy(tmp_path)
    assert checklist.first_question().id == "a"
    assert checklist.first_question().help == "Clause 1 cares about work posts."
    step = checklist.next_step({"a": True})
    assert isinstance(step, Question) and step.id == "b"
    step = checklist.next_step({"a": True, "b": True})
    assert isinstance(step, Question) and step.id == "c"


def test_no_findings_gives_the_default_ok_outcome_and_reminders(tmp_path: Path) -> None:
    verdict = toy(tmp_path).next_step({"a": False})
    assert isinstance(verdict, Verdict)
    assert verdict.verdict == "ok"
    assert [r.id for r in verdict.reasons] == ["fine"]
    assert [r.id for r in verdict.reminders] == ["careful-always"]
    assert verdict.disclaimer is None
    assert verdict.approvers == ()
    assert verdict.summary == "OK to post."


def test_most_severe_verdict_wins_and_every_reason_is_listed(tmp_path: Path) -> None:
    verdict = toy(tmp_path).next_step({"a": True, "b": True, "c": False})
    assert isinstance(verdict, Verdict)
    assert verdict.verdict == "do_not_post"
    assert [r.id for r in verdict.reasons] == ["stop", "ask-boss", "disclaim"]
    assert [r.verdict for r in verdict.reasons] == [
        "do_not_post",
        "needs_authorization",
        "ok_with_disclaimer",
    ]
    # The disclaimer text is given whenever a disclaimer outcome fired, even when not postable.
    assert verdict.disclaimer == "These are my own opinions."
    assert verdict.approvers == ("boss", "admin")
    assert [r.id for r in verdict.authorizations] == ["ask-boss"]
    assert verdict.clauses == ("clause-3", "clause-1")
    assert verdict.summary.startswith("Do not post")


def test_ok_findings_replace_the_default_outcome(tmp_path: Path) -> None:
    verdict = toy(tmp_path).next_step({"a": True, "b": False})
    assert isinstance(verdict, Verdict)
    assert verdict.verdict == "ok_with_disclaimer"
    assert [r.id for r in verdict.reasons] == ["disclaim", "careful"]


def test_needs_authorization_summary_names_who(tmp_path: Path) -> None:
    text = TOY.replace("add: [ask-boss, stop]", "add: [ask-boss]")
    text = text.replace("add: [careful]", "add: [careful, stop]")
    verdict = toy(tmp_path, text).next_step({"a": True, "b": True, "c": False})
    assert isinstance(verdict, Verdict)
    assert verdict.verdict == "needs_authorization"
    assert "your boss and the site administrator" in verdict.summary


def test_verdict_is_frozen_and_serializable(tmp_path: Path) -> None:
    verdict = toy(tmp_path).next_step({"a": True, "b": True, "c": False})
    assert isinstance(verdict, Verdict)
    with pytest.raises(dataclasses.FrozenInstanceError):
        verdict.verdict = "ok"  # type: ignore[misc]
    data = json.loads(json.dumps(verdict.to_dict()))
    assert data["verdict"] == "do_not_post"
    assert data["approvers"] == ["boss", "admin"]
    assert data["reasons"][1] == {
        "id": "ask-boss",
        "text": "Ask first.",
        "clauses": ["clause-3"],
        "verdict": "needs_authorization",
        "approvers": ["boss", "admin"],
    }


def test_going_back_and_changing_an_answer_drops_stale_answers(tmp_path: Path) -> None:
    checklist = toy(tmp_path)
    answers = {"a": True, "b": True, "c": False}
    assert checklist.path(answers) == ["a", "b", "c"]
    # The person goes back to the first question and says "no" this time: b and c no longer apply.
    answers["a"] = False
    assert checklist.path(answers) == ["a"]
    assert checklist.relevant_answers(answers) == {"a": False}
    verdict = checklist.next_step(answers)
    assert isinstance(verdict, Verdict)
    assert verdict.verdict == "ok"
    assert verdict.approvers == ()


def test_back_means_forgetting_the_last_answer_on_the_path(tmp_path: Path) -> None:
    checklist = toy(tmp_path)
    answers = {"a": True, "b": True}
    last = checklist.path(answers)[-1]
    del answers[last]
    step = checklist.next_step(answers)
    assert isinstance(step, Question) and step.id == last


def test_answers_to_unknown_questions_are_ignored(tmp_path: Path) -> None:
    checklist = toy(tmp_path)
    step = checklist.next_step({"nonsense": True})
    assert isinstance(step, Question) and step.id == "a"


def test_progress_counts_the_current_question_and_the_longest_remaining_path(
    tmp_path: Path,
) -> None:
    checklist = toy(tmp_path)
    assert checklist.progress({}) == (1, 3)
    assert checklist.progress({"a": True}) == (2, 3)
    assert checklist.progress({"a": True, "b": True}) == (3, 3)
    assert checklist.progress({"a": False}) == (1, 1)  # finished after one question
    assert checklist.progress({"a": True, "b": False}) == (2, 2)


def test_progress_on_la_crosse_shrinks_when_branches_are_skipped(la_crosse: Checklist) -> None:
    assert la_crosse.progress({}) == (1, 13)
    # Not at work: the three work-use questions are skipped.
    assert la_crosse.progress({"at_work": False}) == (2, 10)
    # Not about the City: the official-look, City material and photo questions go.
    assert la_crosse.progress({"at_work": False, "about_city": False}) == (3, 7)


def test_progress_never_promises_fewer_questions_than_are_asked(la_crosse: Checklist) -> None:
    answers: dict[str, bool] = {}
    first_max = la_crosse.progress(answers)[1]
    while isinstance(step := la_crosse.next_step(answers), Question):
        number, at_most = la_crosse.progress(answers)
        assert number == len(answers) + 1 and number <= at_most <= first_max
        answers[step.id] = True
    assert la_crosse.progress(answers) == (len(answers), len(answers))


def test_listing_has_exactly_the_documented_shape(tmp_path: Path, la_crosse: Checklist) -> None:
    listing = toy(tmp_path).to_listing()
    assert listing == {
        "questions": [
            {"id": "a", "text": "Is it about work?", "clauses": ["clause-1"]},
            {"id": "b", "text": "Does it use City gear?", "clauses": ["clause-2"]},
            {"id": "c", "text": "Did your boss approve?", "clauses": ["clause-3"]},
        ],
        "outcomes": [
            {"id": "fine", "verdict": "ok", "clauses": ["preamble"]},
            {"id": "careful", "verdict": "ok", "clauses": ["clause-2"]},
            {"id": "disclaim", "verdict": "ok_with_disclaimer", "clauses": ["clause-1"]},
            {"id": "ask-boss", "verdict": "needs_authorization", "clauses": ["clause-3"]},
            {"id": "stop", "verdict": "do_not_post", "clauses": ["clause-3"]},
        ],
    }
    real = json.loads(json.dumps(la_crosse.to_listing()))
    assert set(real) == {"questions", "outcomes"}
    assert all(set(q) == {"id", "text", "clauses"} for q in real["questions"])
    assert all(set(o) == {"id", "verdict", "clauses"} for o in real["outcomes"])
    assert {o["verdict"] for o in real["outcomes"]} == set(VERDICTS)


# --- validation: clear errors for HR -----------------------------------------------------


def test_unknown_clause_is_named_with_the_question(tmp_path: Path) -> None:
    message = load_error(
        tmp_path,
        TOY.replace("clauses: [clause-2]\n    if_yes: c", "clauses: [clause-22]\n    if_yes: c"),
    )
    assert "question 'b'" in message
    assert "'clause-22' is not a clause of this policy" in message
    assert "clause-1, clause-2, clause-3" in message


def test_unreachable_question_is_reported(tmp_path: Path) -> None:
    text = TOY.replace("if_yes: c\n", "if_yes: end\n")
    message = load_error(tmp_path, text)
    assert "question 'c'" in message and "can never be asked" in message


def test_loop_is_reported_with_its_route(tmp_path: Path) -> None:
    text = TOY.replace(
        "    if_yes: end\n    if_no: {next: end, add: [ask-boss, stop]}",
        "    if_yes: a\n    if_no: {next: end, add: [ask-boss, stop]}",
    )
    message = load_error(tmp_path, text)
    assert "loop" in message
    assert "a -> b -> c -> a" in message


def test_dangling_next_is_reported(tmp_path: Path) -> None:
    message = load_error(tmp_path, TOY.replace("if_yes: c\n", "if_yes: cc\n"))
    assert "question 'b'" in message
    assert "'cc', which is not a question id" in message


def test_dangling_outcome_is_reported(tmp_path: Path) -> None:
    message = load_error(tmp_path, TOY.replace("add: [careful]", "add: [carefull]"))
    assert "question 'b'" in message and "'carefull', which is not an outcome id" in message


def test_missing_field_is_reported(tmp_path: Path) -> None:
    message = load_error(tmp_path, TOY.replace("    text: Does it use City gear?\n", ""))
    assert "question 'b': missing required field 'text'" in message


def test_bad_verdict_lists_the_valid_ones(tmp_path: Path) -> None:
    message = load_error(tmp_path, TOY.replace("verdict: do_not_post", "verdict: forbidden"))
    assert "outcome 'stop'" in message
    assert "'forbidden' is not a verdict" in message
    assert "ok, ok_with_disclaimer, needs_authorization, do_not_post" in message


def test_authorization_needs_known_approvers(tmp_path: Path) -> None:
    message = load_error(tmp_path, TOY.replace("approvers: [boss, admin]", "approvers: [mayor]"))
    assert "outcome 'ask-boss'" in message and "'mayor' is not listed under 'roles'" in message
    message = load_error(tmp_path, TOY.replace("    approvers: [boss, admin]\n", ""))
    assert "needs 'approvers'" in message


def test_disclaimer_outcome_needs_disclaimer_text(tmp_path: Path) -> None:
    message = load_error(tmp_path, TOY.replace("disclaimer: These are my own opinions.\n", ""))
    assert "outcome 'disclaim'" in message and "'disclaimer'" in message


def test_misspelled_field_gets_a_suggestion(tmp_path: Path) -> None:
    message = load_error(tmp_path, TOY.replace("    help: Clause 1", "    hepl: Clause 1"))
    assert "question 'a': unknown field 'hepl' (did you mean 'help'?)" in message


def test_field_written_twice_is_refused(tmp_path: Path) -> None:
    twice = TOY.replace("    if_no: end\n", "    if_no: end\n    if_no: b\n")
    message = load_error(tmp_path, twice)
    assert "'if_no' is written twice" in message


def test_outcome_nobody_reaches_is_reported(tmp_path: Path) -> None:
    orphan = "  - {id: orphan, verdict: ok, text: Hi., clauses: [preamble]}\n"
    text = TOY.replace("reminders:", orphan + "reminders:")
    message = load_error(tmp_path, text)
    assert "outcome 'orphan': is never given" in message


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    text = TOY.replace("clauses: [clause-3]\n    if_yes", "clauses: [clause-9]\n    if_yes")
    text = text.replace("verdict: do_not_post", "verdict: nope")
    with pytest.raises(ChecklistError) as caught:
        load_checklist(write(tmp_path, text), TOY_CLAUSES)
    assert len(caught.value.problems) == 2
    assert "has 2 problems" in str(caught.value)


def test_invalid_yaml_missing_file_and_wrong_folder(tmp_path: Path) -> None:
    assert "not valid YAML" in load_error(tmp_path, "questions: [unclosed\n")
    with pytest.raises(ChecklistError, match="does not exist"):
        load_checklist(tmp_path / "nope.yaml", TOY_CLAUSES)
    folder = tmp_path / "other-city"
    folder.mkdir()
    write(folder, TOY)
    with pytest.raises(ChecklistError, match="'toy' but the file is in the folder of policy"):
        load_policy_checklist(folder, TOY_CLAUSES)


def test_dangerous_signal_pattern_is_refused_at_load(tmp_path: Path) -> None:
    text = TOY + textwrap.dedent("""
        signals:
          - id: bad
            meaning: Bad.
            clauses: [clause-1]
            patterns: ["re:(a+)+$"]
        """)
    message = load_error(tmp_path, text)
    assert "signal 'bad'" in message and "repeats a group that itself repeats" in message


def test_signal_suggesting_an_unknown_question_is_refused(tmp_path: Path) -> None:
    text = TOY + textwrap.dedent("""
        signals:
          - id: hint
            meaning: Hint.
            clauses: [clause-1]
            patterns: [work]
            suggests: {question: zz, answer: yes}
        """)
    assert "'zz' is not a question id" in load_error(tmp_path, text)


# --- the seed checklists -----------------------------------------------------------------


def _policy_text(name: str) -> str:
    filename = {"la-crosse": "policy.txt", "lake-elmo": "policy.html"}[name]
    raw = (POLICIES / name / filename).read_text(encoding="utf-8")
    return " ".join(re.sub(r"<br\s*/?>", " ", raw).split())


def test_la_crosse_disclaimer_is_the_policy_wording(la_crosse: Checklist) -> None:
    assert la_crosse.disclaimer == (
        "The opinions expressed on this site are my own and do not "
        "reflect the opinions of the City of La Crosse."
    )
    policy = _policy_text("la-crosse")
    assert "“[t]" + la_crosse.disclaimer[1:] + "”" in policy


def test_lake_elmo_disclaimer_is_the_policy_wording(lake_elmo: Checklist) -> None:
    assert lake_elmo.disclaimer == (
        "I am an employee of the City of Lake Elmo. However, these are "
        "my own opinions and do not represent those of the City of "
        "Lake Elmo."
    )
    assert "“" + lake_elmo.disclaimer + "”" in _policy_text("lake-elmo")


@pytest.mark.parametrize(
    ("name", "clauses"), [("la-crosse", LA_CROSSE_CLAUSES), ("lake-elmo", LAKE_ELMO_CLAUSES)]
)
def test_every_clause_of_the_policy_is_reflected(name: str, clauses: frozenset[str]) -> None:
    checklist = load_policy_checklist(POLICIES / name, clauses)
    cited = {c for q in checklist.questions.values() for c in q.clauses}
    cited |= {c for o in checklist.outcomes.values() for c in o.clauses}
    cited |= {c for r in checklist.reminders for c in r.clauses}
    assert cited == clauses


@pytest.mark.parametrize(
    ("name", "clauses"), [("la-crosse", LA_CROSSE_CLAUSES), ("lake-elmo", LAKE_ELMO_CLAUSES)]
)
def test_seed_questions_are_single_plain_yes_no_questions(
    name: str, clauses: frozenset[str]
) -> None:
    checklist = load_policy_checklist(POLICIES / name, clauses)
    for question in checklist.questions.values():
        assert question.text.count("?") == 1, question.id
        assert question.text.split()[0] in {
            "Will",
            "Is",
            "Does",
            "Did",
            "Has",
            "Have",
            "Could",
            "Would",
        }, question.id
        assert question.help, question.id
        assert question.clauses, question.id


@pytest.mark.parametrize(
    ("name", "clauses"), [("la-crosse", LA_CROSSE_CLAUSES), ("lake-elmo", LAKE_ELMO_CLAUSES)]
)
def test_every_path_ends_in_a_consistent_verdict(name: str, clauses: frozenset[str]) -> None:
    checklist = load_policy_checklist(POLICIES / name, clauses)
    pending: list[dict[str, bool]] = [{}]
    verdicts: set[str] = set()
    while pending:
        answers = pending.pop()
        step = checklist.next_step(answers)
        if isinstance(step, Question):
            pending += [{**answers, step.id: True}, {**answers, step.id: False}]
            continue
        verdicts.add(step.verdict)
        worst = max(VERDICTS.index(r.verdict or "ok") for r in step.reasons)
        assert step.verdict == VERDICTS[worst]
        assert (step.disclaimer is not None) == any(
            r.verdict == "ok_with_disclaimer" for r in step.reasons
        )
        assert bool(step.approvers) == any(r.verdict == "needs_authorization" for r in step.reasons)
        assert step.reminders and step.summary
    assert "do_not_post" in verdicts and "ok" in verdicts and "ok_with_disclaimer" in verdicts

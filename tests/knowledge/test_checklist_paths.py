"""Every path through both seed checklists, against every clause the checklists cite.

The walk enumerates each way a person can answer, from the first question to the verdict. On
every path:

- each rule of the policy is either asked about or cited by the verdict (its reasons or its
  reminders), unless the answers on that path show the rule cannot apply; when a rule does not
  apply is written below, from the policy's text, for each exception (and only there);
- every finding the answers added is in the verdict, with every clause it cites.

A checklist that skips a question on some path (La Crosse's clause 10 was never asked when a
post neither concerned the City nor said the person worked there) fails here, naming the path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from knowledge.checklist import VERDICTS, Checklist, Question, Verdict, load_policy_checklist

POLICIES = Path(__file__).resolve().parents[2] / "knowledge" / "policies"
Answers = Mapping[str, bool]
Exception_ = Callable[[Answers], bool]

LA_CROSSE_RULES = frozenset(f"clause-{n}" for n in range(1, 12))
# When a rule cannot apply, from the policy's own words.
LA_CROSSE_EXCEPTIONS: dict[str, Exception_] = {
    # Posts on an official City account follow the Administration of City Social Media Sites
    # Policy (clause 5); the personal-use rules of clauses 1-3 and 8-10 are not about them.
    **{
        clause: (lambda answers: answers.get("official_account") is True)
        for clause in ("clause-1", "clause-2", "clause-3", "clause-8", "clause-9", "clause-10")
    },
    # A post unrelated to the City cannot appear to be the City speaking (clause 1), nor carry
    # the City's name, logo, documents or photos taken on City work (clause 9).
    "clause-1": lambda answers: (
        answers.get("about_city") is False or answers.get("official_account") is True
    ),
    "clause-9": lambda answers: (
        answers.get("about_city") is False or answers.get("official_account") is True
    ),
}
LAKE_ELMO_RULES = frozenset({"introduction", "scope", *(f"guideline-{n}" for n in range(1, 7))})
LAKE_ELMO_EXCEPTIONS: dict[str, Exception_] = {}


def _load(policy_id: str, clauses: frozenset[str]) -> Checklist:
    extra = {"preamble"} if policy_id == "la-crosse" else set()
    return load_policy_checklist(POLICIES / policy_id, clauses | extra)


def paths(checklist: Checklist) -> Iterator[tuple[dict[str, bool], list[Question], Verdict]]:
    """Every complete walk: the answers given, the questions asked in order, the verdict."""
    stack: list[dict[str, bool]] = [{}]
    while stack:
        answers = stack.pop()
        step = checklist.next_step(answers)
        if isinstance(step, Verdict):
            asked = [checklist.questions[qid] for qid in checklist.path(answers)]
            yield answers, asked, step
            continue
        for answer in (True, False):
            stack.append({**answers, step.id: answer})


def _added(checklist: Checklist, answers: Answers) -> list[str]:
    return [
        outcome
        for qid in checklist.path(answers)
        for outcome in checklist.questions[qid].branch(answers[qid]).add
    ]


def _describe(answers: Answers) -> str:
    return ", ".join(f"{qid}={'yes' if value else 'no'}" for qid, value in answers.items())


CASES = [
    ("la-crosse", LA_CROSSE_RULES, LA_CROSSE_EXCEPTIONS),
    ("lake-elmo", LAKE_ELMO_RULES, LAKE_ELMO_EXCEPTIONS),
]


@pytest.mark.parametrize(("policy_id", "rules", "exceptions"), CASES)
def test_every_path_asks_about_or_cites_every_rule_that_applies(
    policy_id: str, rules: frozenset[str], exceptions: dict[str, Exception_]
) -> None:
    checklist = _load(policy_id, rules)
    walked = list(paths(checklist))
    assert len(walked) >= 10  # the enumeration really branches
    problems = []
    for answers, asked, verdict in walked:
        heard = {clause for question in asked for clause in question.clauses}
        heard |= set(verdict.clauses)
        heard |= {clause for reminder in verdict.reminders for clause in reminder.clauses}
        for clause in sorted(rules - heard):
            exempt = exceptions.get(clause)
            if exempt is None or not exempt(answers):
                problems.append(f"{clause} is never asked or cited on: {_describe(answers)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("policy_id", "rules", "exceptions"), CASES)
def test_every_finding_on_a_path_is_in_its_verdict_with_its_clauses(
    policy_id: str, rules: frozenset[str], exceptions: dict[str, Exception_]
) -> None:
    checklist = _load(policy_id, rules)
    for answers, _asked, verdict in paths(checklist):
        added = _added(checklist, answers) or [checklist.default_outcome]
        reached = {reason.id for reason in verdict.reasons}
        assert set(added) == reached, _describe(answers)
        for outcome in added:
            missing = set(checklist.outcomes[outcome].clauses) - set(verdict.clauses)
            assert not missing, f"{outcome} lost {missing} on: {_describe(answers)}"
        severest = max((checklist.outcomes[o].verdict or "ok" for o in added), key=VERDICTS.index)
        assert verdict.verdict == severest, _describe(answers)


def test_la_crosse_asks_about_links_from_a_city_site_on_a_post_unrelated_to_the_city() -> None:
    """The path of the report: not at work, not about the City, not saying they work there."""
    checklist = _load("la-crosse", LA_CROSSE_RULES)
    answers = {"at_work": False, "about_city": False, "identifies_employee": False}
    step = checklist.next_step(answers)
    assert isinstance(step, Question) and "clause-10" in step.clauses

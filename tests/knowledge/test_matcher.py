"""The matcher finds the clause a person means, tolerates typos and knows what it doesn't know."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.matcher import Matcher, Outcome
from knowledge.models import Clause, Policy, PolicyMetadata
from knowledge.sources import build_policy, seed_sources
from knowledge.text import compact

REPOSITORY = Path(__file__).resolve().parents[2]
# ../shared beside the repository, or beside the folder that holds it (a git worktree).
SHARED = next(
    (folder / "shared" for folder in REPOSITORY.parents if (folder / "shared" / "eval").is_dir()),
    REPOSITORY.parent / "shared",
)
DEV_SET = SHARED / "eval" / "qa_dev.jsonl"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher([build_policy(source) for source in seed_sources()])


@pytest.mark.parametrize(
    ("policy", "question", "clause"),
    [
        ("la-crosse", "Could I get fired over a TikTok?", "clause-7"),
        ("la-crosse", "can someone sue me for a facebook comment", "clause-6"),
        ("la-crosse", "can i put the city seal on my instagram", "clause-9"),
        ("la-crosse", "do i need a disclaimr", "clause-3"),
        ("la-crosse", "may i use my work e-mail to sign up for linkedin", "clause-4"),
        ("lake-elmo", "is retweeting something a problem", "guideline-2"),
        ("lake-elmo", "can i promote my side business using city email", "guideline-6"),
        ("lake-elmo", "are letters to the editor covered", "scope"),
    ],
)
def test_finds_the_clause_a_person_means(
    matcher: Matcher, policy: str, question: str, clause: str
) -> None:
    result = matcher.ask(policy, question)
    assert result.answered
    assert result.matches[0].clause.id == clause


@pytest.mark.parametrize(
    "question",
    [
        "How many vacation days do I get?",
        "who do I call about my paycheck",
        "asdf qwerty",
        "when is the holiday party",
    ],
)
def test_questions_outside_the_policy_get_i_dont_know(matcher: Matcher, question: str) -> None:
    result = matcher.ask("la-crosse", question)
    assert result.outcome is Outcome.UNKNOWN


def test_typos_are_corrected_to_policy_words(matcher: Matcher) -> None:
    clean = matcher.ask("la-crosse", "can I be disciplined for my posts")
    typo = matcher.ask("la-crosse", "can I be dicsiplined for my psots")
    assert typo.matches[0].clause.id == clean.matches[0].clause.id == "clause-7"


def test_junk_input_never_crashes(matcher: Matcher) -> None:
    for junk in ["", "\x00\x01\x02", "ÿþ" * 1000, "a" * 100_000, "🙂🙂🙂", "<script>x</script>"]:
        result = matcher.ask("lake-elmo", junk)
        assert not result.answered, f"junk {junk[:20]!r} was answered"


def test_scores_are_ordered_and_confidences_bounded(matcher: Matcher) -> None:
    result = matcher.ask("la-crosse", "posting photos of coworkers", top_k=5)
    scores = [match.score for match in result.matches]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= match.confidence <= 1 for match in result.matches)


def test_scales_to_a_large_generated_policy() -> None:
    topics = ["parking", "badges", "uniforms", "fleet", "radios", "keys", "printers", "ladders"]
    clauses = tuple(
        Clause(
            "big",
            f"clause-{n}",
            f"clause {n}",
            f"Rule {n}",
            f"Employees must log {topics[n % 8]} use in ledger {n} and report defects weekly.",
            n,
        )
        for n in range(1, 5001)
    )
    clauses += (
        Clause(
            "big",
            "clause-5001",
            "clause 5001",
            "Social media",
            "Employees must not post city secrets on social media.",
            5001,
        ),
    )
    policy = Policy(PolicyMetadata("big", "Big", "Org", "gen"), "text", clauses)
    result = Matcher([policy]).ask("big", "can I tweet city secrets?")
    assert result.matches[0].clause.id == "clause-5001"


def test_dev_question_set_meets_the_quality_targets(matcher: Matcher) -> None:
    assert DEV_SET.exists(), f"{DEV_SET} is missing: the dev set must sit beside the repository"
    rows = [json.loads(line) for line in DEV_SET.read_text().splitlines() if line.strip()]
    in_scope = [r for r in rows if r["expect"]]
    out_scope = [r for r in rows if not r["expect"]]
    top1 = top3 = refused = 0
    for row in in_scope:
        result = matcher.ask(row["policy"], row["question"])
        hits = [
            any(compact(e) in compact(m.clause.text) for e in row["expect"]) for m in result.matches
        ]
        top1 += bool(hits) and hits[0]
        top3 += any(hits)
        refused += not result.answered
    oos = sum(not matcher.ask(r["policy"], r["question"]).answered for r in out_scope)
    assert top1 / len(in_scope) >= 0.90
    assert top3 / len(in_scope) >= 0.98
    assert refused == 0
    assert oos / len(out_scope) >= 0.90

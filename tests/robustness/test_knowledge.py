"""The parser and the matcher on arbitrary text: clauses or a clear ParseError; an Outcome."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge.matcher import Matcher, MatchResult, Outcome
from knowledge.models import PolicyMetadata
from knowledge.parser import ParseError, parse_clauses
from knowledge.sources import build_policy, seed_sources

META = PolicyMetadata(id="p", title="A Policy", organization="City", source="test")
PIECES = [
    "<br />", "<br>", "<p>", "</p>", "<div class='x'>", "</div>", "<li>", "&amp;", "&nbsp;",
    "&#", "<", ">", "1.", "2)", "10.", "a.", "(iii)", "•", "- ", "* ", "# ", "## Heading",
    "\n", "\n\n", "\r\n", "\t", "   ", "Employees may not post.", "The City", "con-\ntinued",
    "\u00a0", "\u200b", "\ufeff", "ß", "İ", "😀", "\x00", "\x7f",
]  # fmt: skip
documents = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=60).map("".join),
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher([build_policy(source) for source in seed_sources()])


@given(documents)
def test_any_document_parses_into_clauses_or_a_parse_error(raw: str) -> None:
    try:
        clauses = parse_clauses(raw, META)
    except ParseError as error:
        assert str(error)
        return
    ids = [clause.id for clause in clauses]
    assert clauses and len(ids) == len(set(ids)) and all(ids)


@given(st.text(max_size=3000), st.sampled_from(["la-crosse", "lake-elmo"]))
def test_any_question_gets_an_outcome(matcher: Matcher, question: str, policy_id: str) -> None:
    result = matcher.ask(policy_id, question)
    assert isinstance(result, MatchResult) and result.outcome in set(Outcome)
    assert len(result.matches) <= 3


@given(st.lists(st.sampled_from(["post", "photo", "city", "é", "x" * 50, "!!", "🙂"]), min_size=1))
def test_huge_questions_get_an_outcome(matcher: Matcher, words: list[str]) -> None:
    question = " ".join(words) * (200_000 // (len(" ".join(words)) + 1) + 1)
    assert matcher.ask("la-crosse", question).outcome in set(Outcome)

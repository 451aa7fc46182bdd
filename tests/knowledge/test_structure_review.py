"""What HR is warned about before publishing: a structure that looks misread."""

from __future__ import annotations

from knowledge.models import Clause, PolicyMetadata
from knowledge.parser import parse_clauses
from knowledge.sources import build_policy, seed_sources
from knowledge.structure.review import structure_warnings

META = PolicyMetadata(id="town", title="Town Policy", organization="Town", source="test")
SENTENCE = "Employees must think before they post about their work for the town. "


def parsed(text: str) -> list[Clause]:
    return parse_clauses(text, META)


def test_the_seeds_raise_no_warning() -> None:
    for source in seed_sources():
        policy = build_policy(source)
        assert structure_warnings(policy.clauses, policy.clauses) == ()


def test_a_clause_far_longer_than_its_siblings_or_over_the_limit() -> None:
    def lettered(sentences: int) -> str:
        lump = SENTENCE * sentences + "(1) this item was not recognised; " + SENTENCE
        return f"(A) {SENTENCE}\n(B) {SENTENCE}\n(C) {SENTENCE}\n(D) {lump}"

    warnings = structure_warnings(parsed(lettered(21)))
    assert len(warnings) == 1
    assert warnings[0].startswith("clause (D) is 1,5") and "characters long" in warnings[0]
    [warning] = structure_warnings(parsed(lettered(15)))
    assert "far longer than the clauses beside it" in warning


def test_numbering_that_skips_or_restarts() -> None:
    skipped = parsed("1. Be polite online.\n2. Be accurate.\n4. Be brief.\n")
    assert structure_warnings(skipped) == (
        "The numbering skips from clause 2 to clause 4: is something missing?",
    )
    restarted = parsed(
        "1. Be polite online.\n2. Be accurate.\n3. Be brief.\n\nFor supervisors:\n\n"
        "1. Check posts weekly.\n2. Report problems.\n"
    )
    warnings = structure_warnings(restarted)
    assert any(
        w.startswith("The numbering restarts at clause 1 (2) after clause 3") for w in warnings
    )


def test_a_scheme_or_count_that_changed_from_the_current_version() -> None:
    current = build_policy(next(s for s in seed_sources() if s.meta.id == "la-crosse")).clauses
    lettered = parsed("(A) Be polite online.\n(B) Be accurate.\n(C) Be brief.\n")
    warnings = structure_warnings(lettered, current)
    assert "The numbering changed: the current version numbers its clauses 1.; this one (A)." in (
        warnings
    )
    assert "This version has 3 clauses where the current one has 12" in " ".join(warnings)


def test_text_that_looks_like_a_running_header_or_page_number() -> None:
    header = "Town Of Example Social Media Policy Manual"
    text = "\n".join(
        f"{n}. {SENTENCE}{header if n % 2 else ''} More words follow here." for n in range(1, 7)
    )
    text += "\n7. Keep records. Page 2 of 3\n"
    warnings = structure_warnings(parsed(text))
    assert any('contains "Page 2 of 3"' in w and w.startswith("clause 7") for w in warnings)
    assert any("appears in 3 clauses" in w and "running header" in w for w in warnings)

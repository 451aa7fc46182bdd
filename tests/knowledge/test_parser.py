"""Parsing policies into clauses: the seed policies exactly, and other document shapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.models import PolicyMetadata
from knowledge.parser import parse_clauses
from knowledge.sources import KnowledgeError, build_policy, load_source, seed_sources
from tests.shared_files import shared_directory


def _seed(policy_id: str):  # type: ignore[no-untyped-def]
    return build_policy(next(s for s in seed_sources() if s.meta.id == policy_id))


def test_la_crosse_has_preamble_and_eleven_numbered_clauses() -> None:
    policy = _seed("la-crosse")
    assert [c.id for c in policy.clauses] == ["preamble"] + [f"clause-{n}" for n in range(1, 12)]
    clause = policy.clause("clause-9")
    assert clause.text.startswith("Employees cannot post the name, trademark or logo of the City")
    assert policy.citation(clause) == "City of La Crosse Social Media Policy, clause 9"
    assert policy.clause("preamble").text.startswith("The City of La Crosse respects the right")


def test_lake_elmo_markup_removed_and_split_words_rejoined() -> None:
    policy = _seed("lake-elmo")
    ids = [c.id for c in policy.clauses]
    assert ids == ["introduction", "scope"] + [f"guideline-{n}" for n in range(1, 7)]
    everything = " ".join(c.text for c in policy.clauses)
    assert "<br" not in everything and "Laserfiche" not in everything
    assert "carry out city functions faithfully" in policy.clause("introduction").text
    assert policy.clause("scope").text.startswith("The following guidelines apply")
    assert policy.clause("guideline-1").text == (
        "Do not share any private or confidential information you have access to as a result "
        "of your city position."
    )
    assert policy.citation(policy.clause("guideline-5")).endswith("guideline 5")


def test_seed_texts_are_kept_verbatim() -> None:
    shared = shared_directory() / "policies"
    texts = {source.meta.id: source.text for source in seed_sources()}
    assert texts["la-crosse"] == (shared / "la-crosse-social-media-policy.txt").read_text()
    assert texts["lake-elmo"] == (shared / "lake-elmo-165-personal-communications.txt").read_text()


def test_every_seed_clause_has_a_curated_title_and_phrasings() -> None:
    for source in seed_sources():
        policy = build_policy(source)
        for clause in policy.clauses:
            assert clause.phrasings, f"{policy.id} {clause.id} has no alternate phrasings"
            assert not clause.title.endswith("…"), f"{policy.id} {clause.id} has no curated title"


META = PolicyMetadata(id="test", title="Test Policy", organization="Town", source="test")


def test_markdown_with_headings_and_nested_numbering() -> None:
    raw = (
        "# Test Policy\n\nIntro paragraph about the rules.\n\n## Rules\n\n1. First rule.\n"
        "2) Second rule\n   continues here.\n\n- A bullet point.\n"
    )
    clauses = parse_clauses(raw, META)
    assert [(c.id, c.text) for c in clauses] == [
        ("preamble", "Intro paragraph about the rules."),
        ("clause-1", "First rule."),
        ("clause-2", "Second rule continues here."),
        ("item-1", "A bullet point."),
    ]


def test_html_export_with_list_items_and_entities() -> None:
    raw = (
        "<h1>Policy</h1><p>Staff must read this &amp; follow it.</p><ul><li>Be kind.</li>"
        "<li>Be brief.</li></ul>"
    )
    clauses = parse_clauses(raw, META)
    assert [c.text for c in clauses] == [
        "Staff must read this & follow it.",
        "Be kind.",
        "Be brief.",
    ]


def test_a_new_policy_is_just_a_folder(tmp_path: Path) -> None:
    (tmp_path / "policy.yaml").write_text(
        "id: town\ntitle: Town Policy\norganization: Town\nsource: here\ndocument: p.txt\n"
    )
    (tmp_path / "p.txt").write_text("Preamble text here.\n\n1. Do not post secrets.\n")
    (tmp_path / "phrasings.yaml").write_text("clause-1:\n  title: Secrets\n  phrasings: [leaks]\n")
    policy = build_policy(load_source(tmp_path))
    assert policy.clause("clause-1").title == "Secrets"
    assert policy.citation(policy.clause("clause-1")) == "Town Policy, clause 1"


def test_curation_for_a_missing_clause_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "policy.yaml").write_text("id: t\ntitle: T\norganization: O\nsource: s\n")
    (tmp_path / "policy.txt").write_text("1. Only clause.\n")
    (tmp_path / "phrasings.yaml").write_text("clause-7:\n  title: Nope\n")
    with pytest.raises(KnowledgeError, match="clause-7"):
        build_policy(load_source(tmp_path))


@pytest.mark.parametrize("text", ["", "   \n\n", "<br /><br />", "Just A Title"])
def test_a_document_with_no_prose_is_refused(tmp_path: Path, text: str) -> None:
    (tmp_path / "policy.yaml").write_text("id: t\ntitle: T\norganization: O\nsource: s\n")
    (tmp_path / "policy.txt").write_text(text)
    with pytest.raises(KnowledgeError, match="no paragraphs"):
        build_policy(load_source(tmp_path))


def test_missing_metadata_field_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "policy.yaml").write_text("id: t\ntitle: T\n")
    with pytest.raises(KnowledgeError, match="organization"):
        load_source(tmp_path)

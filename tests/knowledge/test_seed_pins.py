"""The shipped seeds parse exactly as they did before structure-aware parsing.

Curated phrasings (knowledge/policies/*/phrasings.yaml), checklists and stored acknowledgements,
feedback and review flags refer to the seeds' clause ids, and HR's people know the clauses by
their labels. `data/seed_clauses.json` was written from the parser as it was before clause
numbering learnt nesting (commit 46c44f6), and pins each clause's id, label and text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.parser import parse_clauses
from knowledge.sources import build_policy, seed_sources

PINNED = json.loads((Path(__file__).parent / "data" / "seed_clauses.json").read_text("utf-8"))


@pytest.mark.parametrize("policy_id", sorted(PINNED))
def test_seed_clauses_keep_their_ids_labels_and_texts(policy_id: str) -> None:
    source = next(s for s in seed_sources() if s.meta.id == policy_id)
    clauses = parse_clauses(source.text, source.meta)
    got = [{"id": c.id, "label": c.label, "text": c.text} for c in clauses]
    assert got == PINNED[policy_id]


@pytest.mark.parametrize("policy_id", sorted(PINNED))
def test_seed_citations_name_the_pinned_labels(policy_id: str) -> None:
    source = next(s for s in seed_sources() if s.meta.id == policy_id)
    policy = build_policy(source)
    assert [policy.citation(c) for c in policy.clauses] == [
        f"{policy.title}, {pinned['label']}" for pinned in PINNED[policy_id]
    ]

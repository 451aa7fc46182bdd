"""Real policies of other employers (../shared/eval/corpus, read at run time, never copied) are
read into the clauses their expected lists give, in every format they come in.

The expected lists leave out text with no printed number (lead and closing paragraphs), so the
numbered clauses are compared: number, first words and level, in order. A .txt may hold more
than its expected list (Brewster's text keeps two sections its Word and PDF copies leave out),
so for text the expected clauses must appear in order among the parsed ones.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.documents import read_document
from knowledge.models import Clause, PolicyMetadata
from knowledge.parser import parse_clauses
from knowledge.text import compact
from tests.shared_files import shared_directory

LONG_CLAUSE = 1500


def _documents() -> list[object]:
    try:
        folder = shared_directory() / "eval" / "corpus" / "policies"
    except AssertionError:
        return [pytest.param(None, id="corpus-absent")]  # fails, saying where it looked
    found = []
    for expected in sorted(folder.glob("*.expected.json")):
        stem = expected.name[: -len(".expected.json")]
        for suffix in (".txt", ".docx", ".pdf"):
            if (folder / f"{stem}{suffix}").exists():
                found.append(pytest.param(folder / f"{stem}{suffix}", id=f"{stem}{suffix}"))
    assert found, f"no expected lists in {folder}"
    return found


def _numbered(clauses: list[Clause]) -> list[Clause]:
    return [c for c in clauses if c.number[:1] not in "¶•" and " > " not in c.number]


def _is_subsequence(wanted: list[tuple[str, str, int]], got: list[tuple[str, str, int]]) -> bool:
    remaining = iter(got)
    return all(any(item == candidate for candidate in remaining) for item in wanted)


@pytest.mark.parametrize("path", _documents())
def test_corpus_document_reads_as_its_expected_clauses(path: Path | None) -> None:
    if path is None:
        shared_directory()  # raises with where it looked
        return
    stem = path.name.rsplit(".", 1)[0]
    expected = json.loads(path.with_name(f"{stem}.expected.json").read_text("utf-8"))
    meta = PolicyMetadata(id=stem, title=stem, organization=stem, source=path.name)
    clauses = parse_clauses(read_document(path.name, path.read_bytes()).text, meta)
    wanted = [(e["number"], compact(e["first_words"]), e["level"]) for e in expected]
    firsts = {number: words for number, words, _ in wanted}
    got = [
        (c.number, compact(c.text)[: len(firsts.get(c.number, ""))], c.level)
        for c in _numbered(clauses)
    ]
    if path.suffix == ".txt":
        assert _is_subsequence(wanted, got), got
    else:
        assert got == wanted
    assert max(len(c.text) for c in clauses) <= LONG_CLAUSE
    assert len({c.id for c in clauses}) == len(clauses)

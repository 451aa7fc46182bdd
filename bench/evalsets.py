"""The question sets and policies answer quality is measured on, loaded as the product loads them.

Seed policies come with HR's curation (`knowledge/policies/`). The shared corpus's policies
(`../shared/eval/corpus/`) are published as new policies with no phrasings: their `.txt` read
through `knowledge.documents.read_document` and split by `knowledge.parser.parse_clauses` with
the metadata `bot.publishing` gives a new policy. Because today's parser lumps several of their
clauses together, each is also available in a *reference* split (one clause per printed item),
checked against the corpus's `.expected.json` first words, so matcher work can be measured on
correct clauses while the parser is rewritten. Which split a figure used is always printed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from knowledge.documents import read_document
from knowledge.models import Clause, Policy, PolicyMetadata
from knowledge.parser import default_title, parse_clauses
from knowledge.sources import build_policy, seed_sources
from knowledge.text import compact

ROOT = Path(__file__).resolve().parent.parent


def _find_shared() -> Path:
    """`shared/` beside the repository, or beside a folder holding it (a git worktree)."""
    for folder in ROOT.parents:
        if (folder / "shared" / "eval").is_dir():
            return folder / "shared"
    return ROOT.parent / "shared"


SHARED = _find_shared()
EVAL = SHARED / "eval"
CORPUS = EVAL / "corpus"
DEV_SET = EVAL / "qa_dev.jsonl"
HOLDOUT_SETS = [
    ROOT / "bench" / "data" / "qa_holdout.jsonl",
    ROOT / "bench" / "data" / "qa_unseen.jsonl",
]

_LABEL = re.compile(r"^\s*(?:\(\w{1,3}\)|\d{1,2}(?:\.\d{1,2})*\.?|[a-z]\.)\s+")
_SKIPPED_LINE = re.compile(r"^\s*(?:\[…\s*heading|\(Ord\.|§)")


@dataclass(frozen=True)
class Question:
    policy: str
    question: str
    expect: tuple[str, ...]

    @property
    def in_scope(self) -> bool:
        return bool(self.expect)


def require(path: Path) -> Path:
    """The path, or a loud error: a missing shared set must not shrink the figures silently."""
    if not path.exists():
        raise SystemExit(
            f"{path} is missing: the quality figures need ../shared/eval next to the repository"
        )
    return path


def load_questions(path: Path) -> list[Question]:
    rows = [json.loads(line) for line in require(path).read_text().splitlines() if line.strip()]
    return [Question(row["policy"], row["question"], tuple(row["expect"])) for row in rows]


def seed_policies() -> list[Policy]:
    """The shipped policies with HR's curation, as the bot builds them at start."""
    return [build_policy(source) for source in seed_sources()]


UNCURATED = "~uncurated"


def uncurated_seed_policies() -> list[Policy]:
    """The seed policies as a city would publish them with no curation: the same text, no
    phrasings, no titles or terms from HR; ids end in UNCURATED (questions follow by id)."""
    found = []
    for source in seed_sources():
        meta = replace(source.meta, id=source.meta.id + UNCURATED)
        found.append(Policy(meta, source.text, tuple(parse_clauses(source.text, meta))))
    return found


def corpus_ids() -> list[str]:
    """The corpus policies that have both a text and questions."""
    ids = sorted(path.name[3:-6] for path in require(CORPUS).glob("qa_*.jsonl"))
    return [pid for pid in ids if (CORPUS / "policies" / f"{pid}.txt").exists()]


def new_policy_metadata(policy_id: str) -> PolicyMetadata:
    """What `bot.publishing` gives a policy id it has never seen (no seed, no curation)."""
    return PolicyMetadata(
        policy_id, f"Policy {policy_id}", f"Organization {policy_id}", f"{policy_id}.txt"
    )


def published_policy(policy_id: str) -> Policy:
    """The corpus policy as HR would publish its .txt today: the product's reader and parser."""
    path = CORPUS / "policies" / f"{policy_id}.txt"
    document = read_document(path.name, path.read_bytes())
    meta = new_policy_metadata(policy_id)
    return Policy(meta, document.text, tuple(parse_clauses(document.text, meta)))


def reference_policy(policy_id: str) -> Policy:
    """For development only: one clause per printed item or paragraph of the .txt.

    Headings, editorial gap markers and history notes are left out. Where the corpus has an
    `.expected.json`, every expected clause must begin one of these clauses (checked here).
    """
    path = CORPUS / "policies" / f"{policy_id}.txt"
    text = path.read_text(encoding="utf-8")
    meta = new_policy_metadata(policy_id)
    clauses: list[Clause] = []
    for line in text.splitlines():
        body = _LABEL.sub("", line.strip(), count=1).strip()
        labelled = body != line.strip()
        if not body or _SKIPPED_LINE.match(line) or _is_heading(body, labelled):
            continue
        number = len(clauses) + 1
        clauses.append(
            Clause(policy_id, f"item-{number}", f"item {number}", default_title(body), body, number)
        )
    _check_against_expected(policy_id, clauses)
    return Policy(meta, text, tuple(clauses))


def _is_heading(body: str, labelled: bool) -> bool:
    if body.upper() == body:  # "1.0 POLICY", "4.0 DEFINITIONS"
        return True
    if labelled:
        return False
    return len(body.split()) <= 12 and not re.search(r"[.:;]\s*$", body)


def _check_against_expected(policy_id: str, clauses: list[Clause]) -> None:
    expected_file = CORPUS / "policies" / f"{policy_id}.expected.json"
    if not expected_file.exists():
        return
    starts = [compact(clause.text) for clause in clauses]
    for entry in json.loads(expected_file.read_text()):
        first = compact(entry["first_words"])
        if not any(start.startswith(first) for start in starts):
            raise SystemExit(
                f"{policy_id}: the reference split has no clause starting {entry['first_words']!r}"
            )


def reference_starts(policy_id: str) -> list[str]:
    """The compact first words of each reference clause: how a lump is recognised."""
    return [
        compact(" ".join(clause.text.split()[:8])) for clause in reference_policy(policy_id).clauses
    ]


def is_lump(clause_text: str, starts: list[str]) -> bool:
    """A clause that holds the beginnings of two or more reference clauses is a lump."""
    text = compact(clause_text)
    return sum(start in text for start in starts) >= 2

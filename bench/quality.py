"""Answer quality: seed policies with HR's curation, and corpus policies published with none.

Usage: python bench/quality.py [--before REV] [--verbose] [--json] [--baselines]

For each question set it prints, pooled and per policy: top-1 (answered, and the right clause
first), top-3 (the right clause among the first three, answered or not), in-scope questions
refused, and out-of-scope questions refused.

- seeds: `../shared/eval/qa_dev.jsonl` (the dev set HR's curation was written against) and our
  own held-out questions (`bench/data/qa_holdout.jsonl`, `bench/data/qa_unseen.jsonl`).
- corpus: every policy of `../shared/eval/corpus/` published as a new policy, no phrasings, in
  two splits: `parser` (today's parser, as `publish` would; an answer that is a lump holding
  several of the document's clauses counts as wrong) and `reference` (one clause per printed
  item, for development while the parser is rewritten).

`--before REV` also runs the same measurement with the `knowledge/` package of git revision REV
(e.g. `main`) and prints both side by side. `--baselines` adds plain BM25 on the same clauses.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any, Protocol

import evalsets
from baselines import PlainBM25
from evalsets import Question

from bot.config import load_config
from knowledge.matcher import Matcher, Thresholds
from knowledge.models import Clause, Policy
from knowledge.text import compact

ROOT = evalsets.ROOT


class Ranker(Protocol):
    name: str

    def rank(self, policy_id: str, question: str) -> tuple[bool, list[Clause]]: ...


class ProductMatcher:
    """The product's matcher, built as the bot builds it, with the deployment's thresholds."""

    name = "matcher"

    def __init__(self, policies: list[Policy]) -> None:
        settings = load_config(ROOT / "app.yaml").matcher
        thresholds = Thresholds(settings.confidence_threshold, settings.ambiguity_margin)
        self.matcher = Matcher(policies, thresholds=thresholds)

    def rank(self, policy_id: str, question: str) -> tuple[bool, list[Clause]]:
        result = self.matcher.ask(policy_id, question, top_k=3)
        return result.answered, [match.clause for match in result.matches]


@dataclass
class Tally:
    inside: int = 0
    outside: int = 0
    top1: int = 0
    top3: int = 0
    refused_in: int = 0
    refused_out: int = 0

    def add(self, other: Tally) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def figures(self) -> dict[str, Any]:
        inside, outside = max(self.inside, 1), max(self.outside, 1)
        return {
            "in": self.inside,
            "out": self.outside,
            "top1": self.top1 / inside,
            "top3": self.top3 / inside,
            "refused_in": self.refused_in / inside,
            "refused_out": self.refused_out / outside if self.outside else None,
        }


def measure(
    ranker: Ranker,
    questions: Iterable[Question],
    lumps: dict[str, list[str]] | None = None,
    verbose: bool = False,
) -> dict[str, Tally]:
    """Tallies per policy. `lumps`: per policy, the reference starts that mark a lump."""
    tallies: dict[str, Tally] = {}
    for row in questions:
        tally = tallies.setdefault(row.policy, Tally())
        answered, ranked = ranker.rank(row.policy, row.question)
        starts = (lumps or {}).get(row.policy)
        hits = [_is_right(clause, row.expect, starts) for clause in ranked[:3]]
        if row.in_scope:
            tally.inside += 1
            right_first = bool(hits) and hits[0] and answered
            tally.top1 += right_first
            tally.top3 += any(hits)
            tally.refused_in += not answered
            ok = right_first
        else:
            tally.outside += 1
            tally.refused_out += not answered
            ok = not answered
        if verbose and not ok:
            got = [clause.id for clause in ranked[:3]]
            state = "answered" if answered else "refused"
            print(f"  MISS [{row.policy}] {row.question!r} -> {state} {got} hits={hits}")
    return tallies


def _is_right(clause: Clause, expect: tuple[str, ...], starts: list[str] | None) -> bool:
    text = compact(clause.text)
    if not any(compact(snippet) in text for snippet in expect):
        return False
    return starts is None or not evalsets.is_lump(clause.text, starts)


def rows_for(
    label: str, split: str, tallies: dict[str, Tally], ranker: str
) -> list[dict[str, Any]]:
    pooled = Tally()
    rows = []
    for policy, tally in sorted(tallies.items()):
        pooled.add(tally)
        rows.append(
            {"set": label, "split": split, "policy": policy, "ranker": ranker, **tally.figures()}
        )
    if len(tallies) > 1:
        rows.append(
            {"set": label, "split": split, "policy": "pooled", "ranker": ranker, **pooled.figures()}
        )
    return rows


def run(baselines: bool, verbose: bool) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    seeds = evalsets.seed_policies()
    rankers: list[Callable[[list[Policy]], Ranker]] = [ProductMatcher]
    if baselines:
        rankers.append(PlainBM25)
    for make in rankers:
        ranker = make(seeds)
        for path in [evalsets.DEV_SET, *evalsets.HOLDOUT_SETS]:
            questions = evalsets.load_questions(path)
            if verbose:
                print(f"{path.name} ({ranker.name}):")
            rows += rows_for(
                path.name, "curated", measure(ranker, questions, verbose=verbose), ranker.name
            )
    ids = evalsets.corpus_ids()
    questions = [
        q for pid in ids for q in evalsets.load_questions(evalsets.CORPUS / f"qa_{pid}.jsonl")
    ]
    lumps = {pid: evalsets.reference_starts(pid) for pid in ids}
    for split, build in [
        ("parser", evalsets.published_policy),
        ("reference", evalsets.reference_policy),
    ]:
        policies = [build(pid) for pid in ids]
        for make in rankers:
            ranker = make(policies)
            if verbose:
                print(f"corpus, {split} split ({ranker.name}):")
            tallies = measure(ranker, questions, lumps if split == "parser" else None, verbose)
            rows += rows_for("corpus (no phrasings)", split, tallies, ranker.name)
    return rows


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def print_table(rows: list[dict[str, Any]], before: list[dict[str, Any]] | None) -> None:
    def key(row: dict[str, Any]) -> tuple[str, ...]:
        return (row["set"], row["split"], row["policy"], row["ranker"])

    earlier = {key(row): row for row in before or []}
    header = (
        "| set | split | policy | ranker | in / out | top-1 | top-3 "
        "| in-scope refused | out-of-scope refused |"
    )
    print(header)
    print("| --- " * 9 + "|")
    for row in rows:
        old = earlier.get(key(row))
        cells = []
        for name in ("top1", "top3", "refused_in", "refused_out"):
            now = _percent(row[name])
            cells.append(f"{_percent(old[name])} -> {now}" if old else now)
        print(
            f"| {row['set']} | {row['split']} | {row['policy']} | {row['ranker']} | "
            f"{row['in']} / {row['out']} | " + " | ".join(cells) + " |"
        )


def measure_revision(revision: str, baselines: bool) -> list[dict[str, Any]]:
    """The same measurement with the `knowledge/` package of another git revision."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "knowledge"], check=True, capture_output=True
    ).stdout
    with tempfile.TemporaryDirectory() as folder:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([folder, str(ROOT)])}
        command = [sys.executable, __file__, "--json", *(["--baselines"] if baselines else [])]
        output = subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def main(argv: list[str]) -> int:
    import knowledge

    baselines = "--baselines" in argv
    before_revision = argv[argv.index("--before") + 1] if "--before" in argv else None
    rows = run(baselines, "--verbose" in argv)
    if "--json" in argv:
        for row in rows:
            print(json.dumps(row))
        return 0
    before = measure_revision(before_revision, baselines) if before_revision else None
    print(f"knowledge package: {Path(knowledge.__file__).parent}")
    if before_revision:
        print(f"before = knowledge/ of {before_revision}; after = this tree")
    print_table(rows, before)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

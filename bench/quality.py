"""Answer quality on a question set: top-1 / top-3 on in-scope questions, refusals out of scope.

Usage: python bench/quality.py [QUESTIONS.jsonl ...] [--verbose]
Defaults to ../shared/eval/qa_dev.jsonl and bench/data/qa_holdout.jsonl.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from bot.config import load_config
from knowledge.matcher import Matcher, Thresholds
from knowledge.sources import build_policy, seed_sources
from knowledge.text import compact

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SETS = [
    ROOT.parent / "shared" / "eval" / "qa_dev.jsonl",
    ROOT / "bench" / "data" / "qa_holdout.jsonl",
]


def load_thresholds() -> Thresholds:
    """The thresholds the deployment uses, from app.yaml (a broken file stops the benchmark)."""
    matcher = load_config(ROOT / "app.yaml").matcher
    return Thresholds(matcher.confidence_threshold, matcher.ambiguity_margin)


def evaluate(matcher: Matcher, path: Path, verbose: bool) -> dict[str, float]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    top1 = top3 = refused_in = in_scope = out_scope = refused_out = 0
    started = time.perf_counter()
    for row in rows:
        result = matcher.ask(row["policy"], row["question"], top_k=3)
        expected = [compact(text) for text in row["expect"]]
        hits = [any(e in compact(m.clause.text) for e in expected) for m in result.matches]
        if expected:
            in_scope += 1
            top1 += bool(hits[:1] and hits[0])
            top3 += any(hits)
            refused_in += not result.answered
            ok = bool(hits[:1] and hits[0]) and result.answered
        else:
            out_scope += 1
            refused_out += not result.answered
            ok = not result.answered
        if verbose and not ok:
            got = [(m.clause.id, m.score, m.confidence) for m in result.matches]
            print(f"  MISS [{row['policy']}] {row['question']!r} -> {result.outcome.value} {got}")
    elapsed = (time.perf_counter() - started) / max(len(rows), 1) * 1000
    return {
        "questions": len(rows),
        "top1": top1 / max(in_scope, 1),
        "top3": top3 / max(in_scope, 1),
        "in_scope_refused": refused_in,
        "out_of_scope_refused": refused_out / max(out_scope, 1),
        "ms_per_question": elapsed,
    }


def main(argv: list[str]) -> int:
    verbose = "--verbose" in argv
    paths = [Path(arg) for arg in argv if not arg.startswith("--")] or DEFAULT_SETS
    matcher = Matcher(
        [build_policy(source) for source in seed_sources()], thresholds=load_thresholds()
    )
    for path in paths:
        if not path.exists():
            print(f"{path}: not found, skipped")
            continue
        figures = evaluate(matcher, path, verbose)
        print(
            f"{path.name}: {figures['questions']} questions; top-1 {figures['top1']:.1%}, "
            f"top-3 {figures['top3']:.1%}, in-scope refused {figures['in_scope_refused']}, "
            f"out-of-scope refused {figures['out_of_scope_refused']:.1%}, "
            f"{figures['ms_per_question']:.2f} ms/question (including first-use caches)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

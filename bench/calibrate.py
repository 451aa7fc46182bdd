"""Fit the matcher's confidence across policies and check it on each policy left out.

Usage: python bench/calibrate.py [--write] [--threshold T]

Training questions: every corpus policy published with no phrasings (the product's parser), and
the seed policies' questions (`qa_dev.jsonl`, `bench/data/qa_holdout.jsonl`) asked twice: of the
seeds with their curation and of the seeds published as a new city would, with none. Our own
`bench/data/qa_unseen.jsonl` is never used here: it stays a judge. For each policy it fits the
models (`knowledge/confidence.py`) on the others (a seed's two copies are left out together) and
reports, on the one left out: ranked first, in the top three, answered and right first, in-scope
refused and out-of-scope refused at the deployment's threshold; then the corpus pooled and all
pooled. `--write` saves the fit on all of them to `knowledge/calibration.yaml`.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace

import evalsets
from evalsets import Question

from bot.config import load_config
from knowledge.confidence import (
    CALIBRATION_FILE,
    CLOSENESS_FEATURES,
    RANKING_FEATURES,
    SCOPE_FEATURES,
    Calibration,
    Signals,
)
from knowledge.matcher import Matcher
from knowledge.text import compact

_L2 = 0.05
# Candidates and their features do not depend on the calibration being fitted (nor on a stale
# calibration.yaml), so the matchers used to collect them get an empty one.
_NEUTRAL = Calibration({}, {}, {})


@dataclass(frozen=True)
class Sample:
    """One training question: its policy, its candidates' features and which are right."""

    policy: str
    in_scope: bool
    candidates: tuple[tuple[dict[str, float], bool], ...]
    context: Signals


def collect() -> list[Sample]:
    """Every training question with its candidate clauses' ranking features."""
    ids = evalsets.corpus_ids()
    seed_questions = evalsets.load_questions(evalsets.DEV_SET) + evalsets.load_questions(
        evalsets.HOLDOUT_SETS[0]
    )
    sets = [
        (
            Matcher([evalsets.published_policy(pid) for pid in ids], calibration=_NEUTRAL),
            [
                q
                for pid in ids
                for q in evalsets.load_questions(evalsets.CORPUS / f"qa_{pid}.jsonl")
            ],
        ),
        (Matcher(evalsets.seed_policies(), calibration=_NEUTRAL), seed_questions),
        (
            Matcher(evalsets.uncurated_seed_policies(), calibration=_NEUTRAL),
            [replace(q, policy=q.policy + evalsets.UNCURATED) for q in seed_questions],
        ),
    ]
    samples = []
    for matcher, questions in sets:
        for question in questions:
            samples.append(_sample(matcher, question))
    return samples


def _sample(matcher: Matcher, question: Question) -> Sample:
    index = matcher.index(question.policy)
    found, context = index.candidates(question.question)
    candidates = tuple(
        (
            features,
            any(
                compact(e) in compact(index.policy.clauses[position].text) for e in question.expect
            ),
        )
        for position, features in found
    )
    return Sample(question.policy, question.in_scope, candidates, context)


def _family(policy: str) -> str:
    """A seed and its uncurated copy are one policy: leaving one out leaves out both."""
    return policy.removesuffix(evalsets.UNCURATED)


def ranked(samples: list[Sample], model: Calibration) -> list[tuple[Sample, Signals, bool, int]]:
    """Per question: the signals under `model`'s ranking, best right, rank of the right one."""
    out = []
    for sample in samples:
        order = sorted(sample.candidates, key=lambda item: -model.rank_score(item[0]))
        if not order:
            out.append((sample, sample.context, False, 99))
            continue
        best, second = order[0], order[1] if len(order) > 1 else None
        signals = replace(
            sample.context,
            best_score=model.rank_score(best[0]),
            second_score=model.rank_score(second[0]) if second else 0.0,
            coverage=best[0]["coverage"],
        )
        rank = next((n for n, (_f, right) in enumerate(order) if right), 99)
        out.append((sample, signals, best[1], rank))
    return out


def fit_ranking(samples: list[Sample]) -> dict[str, float]:
    """Pairwise: each right clause against each wrong one of the same question."""
    pairs: list[tuple[dict[str, float], bool]] = []
    for sample in samples:
        rights = [f for f, right in sample.candidates if right]
        wrongs = [f for f, right in sample.candidates if not right]
        for good in rights:
            for bad in wrongs:
                pairs.append(({k: good[k] - bad[k] for k in RANKING_FEATURES}, True))
                pairs.append(({k: bad[k] - good[k] for k in RANKING_FEATURES}, False))
    return fit(pairs, RANKING_FEATURES, balance=False)


def fit(
    samples: Sequence[tuple[dict[str, float], bool]], names: Sequence[str], balance: bool
) -> dict[str, float]:
    """L2-regularised logistic regression by Newton's method (a handful of features)."""
    positives = sum(label for _x, label in samples) or 1
    negatives = (len(samples) - positives) or 1
    weights = [0.0] * len(names)
    for _ in range(30):
        gradient = [0.0] * len(names)
        hessian = [[0.0] * len(names) for _ in names]
        for features, label in samples:
            x = [features[name] for name in names]
            z = sum(w * v for w, v in zip(weights, x, strict=True))
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
            scale = (len(samples) / (2 * (positives if label else negatives))) if balance else 1.0
            for i in range(len(names)):
                gradient[i] += scale * (p - label) * x[i]
                for j in range(len(names)):
                    hessian[i][j] += scale * p * (1 - p) * x[i] * x[j]
        for i in range(1, len(names)):
            gradient[i] += _L2 * len(samples) * weights[i] / 100
            hessian[i][i] += _L2 * len(samples) / 100
        step = _solve(hessian, gradient)
        weights = [w - s for w, s in zip(weights, step, strict=True)]
    return dict(zip(names, weights, strict=True))


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    size = len(vector)
    rows = [[*row, value] for row, value in zip(matrix, vector, strict=True)]
    for column in range(size):
        pivot = max(range(column, size), key=lambda r: abs(rows[r][column]))
        rows[column], rows[pivot] = rows[pivot], rows[column]
        lead = rows[column][column] or 1e-12
        for r in range(size):
            if r != column:
                factor = rows[r][column] / lead
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[column], strict=True)]
    return [rows[i][size] / (rows[i][i] or 1e-12) for i in range(size)]


def calibrate(samples: list[Sample]) -> Calibration:
    ranking = fit_ranking([sample for sample in samples if sample.in_scope])
    rows = ranked(samples, Calibration({}, {}, ranking))
    scope = fit([(s.features(), x.in_scope) for x, s, _r, _n in rows], SCOPE_FEATURES, True)
    closeness = fit(
        [(s.features(), right) for x, s, right, _n in rows if x.in_scope],
        CLOSENESS_FEATURES,
        False,
    )
    return Calibration(scope, closeness, ranking)


@dataclass
class Judged:
    """One policy's (or a pool's) counts, judged with a model it was left out of."""

    inside: int = 0
    outside: int = 0
    first: int = 0
    top3: int = 0
    right: int = 0
    answered: int = 0
    refused_out: int = 0

    def add(self, other: Judged) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def row(self, label: str) -> str:
        n = max(self.inside, 1)
        return (
            f"| {label} | {self.inside} / {self.outside} | {self.first / n:.1%} | "
            f"{self.top3 / n:.1%} | {self.right / n:.1%} | {1 - self.answered / n:.1%} | "
            f"{self.refused_out / max(self.outside, 1):.1%} |"
        )


def judge(samples: list[Sample], policy: str, threshold: float) -> Judged:
    """Fit on every policy but `policy` (and its uncurated copy), then judge it."""
    model = calibrate([s for s in samples if _family(s.policy) != _family(policy)])
    judged = Judged()
    for sample, signals, right, rank in ranked([s for s in samples if s.policy == policy], model):
        answered = model.in_scope(signals) >= threshold
        if sample.in_scope:
            judged.inside += 1
            judged.first += rank == 0
            judged.top3 += rank < 3
            judged.answered += answered
            judged.right += answered and right
        else:
            judged.outside += 1
            judged.refused_out += not answered
    return judged


def main(argv: list[str]) -> int:
    threshold = load_config(evalsets.ROOT / "app.yaml").matcher.confidence_threshold
    if "--threshold" in argv:
        threshold = float(argv[argv.index("--threshold") + 1])
    samples = collect()
    print(f"threshold {threshold} (app.yaml); each policy left out of the fit, then judged:")
    print(
        "| left out | in / out | ranked first | in top 3 | answered and right first "
        "| in-scope refused | out-of-scope refused |"
    )
    print("| --- " * 7 + "|")
    corpus, everything = Judged(), Judged()
    for policy in sorted({sample.policy for sample in samples}):
        judged = judge(samples, policy, threshold)
        print(judged.row(policy))
        everything.add(judged)
        if policy in evalsets.corpus_ids():
            corpus.add(judged)
    print(corpus.row("corpus pooled"))
    print(everything.row("all pooled"))
    model = calibrate(samples)
    print(model.to_yaml())
    if "--write" in argv:
        header = "# Fitted by bench/calibrate.py --write; run it again rather than editing.\n"
        CALIBRATION_FILE.write_text(header + model.to_yaml(), encoding="utf-8")
        print(f"written to {CALIBRATION_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

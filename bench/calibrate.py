"""Fit the matcher's confidence across policies and check it on each policy left out.

Usage: python bench/calibrate.py [--write]

Training questions: every corpus policy published with no phrasings (reference split) and the
seed policies with their curation (`qa_dev.jsonl`, `bench/data/qa_holdout.jsonl`). Our own
`bench/data/qa_unseen.jsonl` is never used here: it stays a judge. For each policy it fits the two
models (`knowledge/confidence.py`) on the others and reports, on the one left out, in-scope
refused and out-of-scope refused at the deployment's threshold. `--write` saves the fit on all of
them to `knowledge/calibration.yaml`.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence

import evalsets
from evalsets import Question

from bot.config import load_config
from knowledge.confidence import (
    CALIBRATION_FILE,
    CLOSENESS_FEATURES,
    SCOPE_FEATURES,
    Calibration,
    Signals,
)
from knowledge.matcher import Matcher
from knowledge.text import compact

_L2 = 0.05


def collect() -> list[tuple[str, Signals, bool, bool]]:
    """(policy, signals, in scope, best clause right) for every training question."""
    rows: list[tuple[str, Signals, bool, bool]] = []
    ids = evalsets.corpus_ids()
    sets = [
        (
            Matcher([evalsets.reference_policy(pid) for pid in ids]),
            [
                q
                for pid in ids
                for q in evalsets.load_questions(evalsets.CORPUS / f"qa_{pid}.jsonl")
            ],
        ),
        (
            Matcher(evalsets.seed_policies()),
            evalsets.load_questions(evalsets.DEV_SET)
            + evalsets.load_questions(evalsets.HOLDOUT_SETS[0]),
        ),
    ]
    for matcher, questions in sets:
        for question in questions:
            rows.append(_row(matcher, question))
    return rows


def _row(matcher: Matcher, question: Question) -> tuple[str, Signals, bool, bool]:
    examined = matcher.index(question.policy).examine(question.question, 1)
    right = bool(examined.matches) and any(
        compact(e) in compact(examined.matches[0].clause.text) for e in question.expect
    )
    return question.policy, examined.signals, question.in_scope, right


def fit(
    samples: Sequence[tuple[dict[str, float], bool]], names: Sequence[str], balance: bool
) -> dict[str, float]:
    """L2-regularised logistic regression by Newton's method (a handful of features)."""
    positives = sum(label for _x, label in samples) or 1
    negatives = (len(samples) - positives) or 1
    weights = [0.0] * len(names)
    for _ in range(25):
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


def calibrate(rows: list[tuple[str, Signals, bool, bool]]) -> Calibration:
    scope = fit([(s.features(), inside) for _p, s, inside, _r in rows], SCOPE_FEATURES, True)
    closeness = fit(
        [(s.features(), right) for _p, s, inside, right in rows if inside],
        CLOSENESS_FEATURES,
        False,
    )
    return Calibration(scope, closeness)


def main(argv: list[str]) -> int:
    threshold = load_config(evalsets.ROOT / "app.yaml").matcher.confidence_threshold
    rows = collect()
    print(f"threshold {threshold} (app.yaml); leave one policy out:")
    print(
        "| left out | in / out | in-scope refused | out-of-scope refused | answered right first |"
    )
    print("| --- | --- | --- | --- | --- |")
    for policy in sorted({row[0] for row in rows}):
        model = calibrate([row for row in rows if row[0] != policy])
        held = [row for row in rows if row[0] == policy]
        inside = [row for row in held if row[2]]
        outside = [row for row in held if not row[2]]
        refused_in = sum(model.in_scope(row[1]) < threshold for row in inside)
        refused_out = sum(model.in_scope(row[1]) < threshold for row in outside)
        right = sum(model.in_scope(row[1]) >= threshold and row[3] for row in inside)
        print(
            f"| {policy} | {len(inside)} / {len(outside)} | {refused_in / len(inside):.1%} | "
            f"{refused_out / max(len(outside), 1):.1%} | {right / len(inside):.1%} |"
        )
    model = calibrate(rows)
    print(model.to_yaml())
    if "--write" in argv:
        header = "# Fitted by bench/calibrate.py --write; run it again rather than editing.\n"
        CALIBRATION_FILE.write_text(header + model.to_yaml(), encoding="utf-8")
        print(f"written to {CALIBRATION_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

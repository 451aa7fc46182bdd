"""Matcher speed and start-up time.

Usage: python bench/speed.py
Prints the median and p95 time per question in process on the seed policies, on the corpus
policies published with no phrasings (../shared/eval/corpus, their own questions), and on a
generated policy of 5,000 clauses, the memory indexing takes, and the time `policybot ask` takes
from start to first answer.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import evalsets

from knowledge.matcher import Matcher
from knowledge.models import Clause, Policy, PolicyMetadata
from knowledge.sources import build_policy, seed_sources

QUESTIONS = [
    "can I post photos of my crew?",
    "do i need a disclaimer",
    "can i get fired for a tweet",
    "can I use my city email for facebook",
    "is liking a post a problem",
    "what about lawsuits",
    "can i link my blog from the city website",
    "how many vacation days do i get",
    "dose the polcy let me tweet at work",
    "can i campaign for my friend at city hall",
]
WORDS = (
    "parking badge uniform fleet radio key printer ladder vehicle overtime timesheet budget "
    "permit inspection zoning library pool snow plow water sewer street tree park fire police "
    "records training travel meal contract vendor bid audit grant payroll leave"
).split()


def timed(matcher: Matcher, policy_id: str, questions: list[str], rounds: int) -> list[float]:
    for question in questions:  # warm the caches a running bot would have warm
        matcher.ask(policy_id, question)
    samples = []
    for _ in range(rounds):
        for question in questions:
            started = time.perf_counter()
            matcher.ask(policy_id, question)
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def generated_policy(count: int) -> Policy:
    rng = random.Random(7)
    clauses = tuple(
        Clause(
            "generated",
            f"clause-{n}",
            f"clause {n}",
            " ".join(rng.sample(WORDS, 3)).title(),
            "Employees " + " ".join(rng.choice(WORDS) for _ in range(25)) + ".",
            n,
            phrasings=(" ".join(rng.sample(WORDS, 6)),),
        )
        for n in range(1, count + 1)
    )
    return Policy(PolicyMetadata("generated", "Generated", "Org", "bench"), "", clauses)


def report(name: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95)]
    print(
        f"{name}: median {statistics.median(samples):.3f} ms, p95 {p95:.3f} ms "
        f"({len(samples)} questions)"
    )


def startup_seconds() -> float:
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "app.yaml"
        config.write_text(f"database:\n  path: {folder}/bench.sqlite3\n")
        command = [
            sys.executable,
            "-m",
            "adapters.cli",
            "--config",
            str(config),
            "ask",
            "--policy",
            "la-crosse",
            "can I post photos of my crew?",
        ]
        subprocess.run(command, check=True, capture_output=True)  # first run migrates
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> int:
    seeds = Matcher([build_policy(source) for source in seed_sources()])
    report(
        "seed policies",
        timed(seeds, "la-crosse", QUESTIONS, 50) + timed(seeds, "lake-elmo", QUESTIONS, 50),
    )
    ids = evalsets.corpus_ids()
    for split, build in [
        ("parser", evalsets.published_policy),
        ("reference", evalsets.reference_policy),
    ]:
        started = time.perf_counter()
        corpus = Matcher([build(pid) for pid in ids])
        indexed = (time.perf_counter() - started) * 1000
        samples: list[float] = []
        for pid in ids:
            asked = [
                q.question for q in evalsets.load_questions(evalsets.CORPUS / f"qa_{pid}.jsonl")
            ]
            samples += timed(corpus, pid, asked, 5)
        report(
            f"new policies, no phrasings ({split} split; {len(ids)} indexed in {indexed:.0f} ms)",
            samples,
        )
    started = time.perf_counter()
    big = Matcher([generated_policy(5000)])
    print(f"5,000-clause policy indexed in {time.perf_counter() - started:.2f} s")
    generated_questions = [
        f"can I post about the {a} {b} on facebook while on {c} duty?"
        for a, b, c in zip(WORDS, WORDS[5:], WORDS[10:], strict=False)
    ][:20]
    report("5,000-clause policy", timed(big, "generated", generated_questions, 5))
    tracemalloc.start()
    Matcher(evalsets.seed_policies())
    seeds_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    Matcher([generated_policy(5000)])
    big_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"memory to index (Python allocations, peak): seed policies {seeds_peak / 1e6:.1f} MB, "
        f"5,000 clauses {big_peak / 1e6:.0f} MB"
    )
    print(f"policybot ask, start to first answer: median {startup_seconds():.2f} s over 5 runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

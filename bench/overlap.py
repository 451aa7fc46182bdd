"""List the domain knowledge's phrases that appear word for word in the evaluation questions.

Usage: python bench/overlap.py

The topic map (`knowledge/topics.yaml`), the synonyms (`knowledge/synonyms.yaml`) and the chat
shorthand (`knowledge/shorthand.py`, listed apart: single words, general English) must be
general knowledge of social media policies, never the evaluation's questions copied in: a copied
phrase makes the corpus figures of `bench/quality.py` and `bench/calibrate.py` look better than
the bot is on a policy nobody has seen. This prints every phrase of two words or more that occurs
in a question of `../shared/eval/` (corpus and seeds), with the question, so that each can be
judged: a common phrase of the domain ("off duty", "get fired") stays, a phrase that exists only
because a question said it goes. It exits 0; it is a review aid, not a test.
"""

from __future__ import annotations

import re
import sys

import evalsets
import yaml

from knowledge.shorthand import SHORTHAND

_KNOWLEDGE = evalsets.ROOT / "knowledge"


def phrases() -> dict[str, str]:
    """Each phrase of two words or more, with where it comes from."""
    found: dict[str, str] = {}
    topics = yaml.safe_load((_KNOWLEDGE / "topics.yaml").read_text(encoding="utf-8"))
    for section in ("topics", "outside"):
        for name, topic in (topics.get(section) or {}).items():
            for phrase in [*(topic.get("asks") or []), *(topic.get("says") or [])]:
                found.setdefault(str(phrase).lower(), f"topics.yaml {name}")
    synonyms = yaml.safe_load((_KNOWLEDGE / "synonyms.yaml").read_text(encoding="utf-8"))
    for key, values in synonyms.items():
        for phrase in [key, *(values or [])]:
            found.setdefault(str(phrase).lower(), f"synonyms.yaml {key}")
    return {phrase: origin for phrase, origin in found.items() if len(phrase.split()) > 1}


def main() -> int:
    paths = [*sorted(evalsets.CORPUS.glob("qa_*.jsonl")), evalsets.DEV_SET]
    questions = [q.question.lower() for path in paths for q in evalsets.load_questions(path)]
    shown = 0
    for phrase, origin in sorted(phrases().items()):
        pattern = re.compile(r"\b" + re.escape(phrase) + r"\b")
        said = [q for q in questions if pattern.search(q)]
        if said:
            shown += 1
            print(f"{phrase!r} ({origin}, {len(said)}): {said[0]}")
    print(f"{shown} phrases of the domain knowledge appear in evaluation questions")
    typed = {word for q in questions for word in re.findall(r"[a-z0-9]+", q)}
    used = sorted(typed & set(SHORTHAND))
    print(f"{len(used)} of the {len(SHORTHAND)} chat shorthands (knowledge/shorthand.py) appear "
          f"in them: {', '.join(used)}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

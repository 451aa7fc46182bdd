"""Draft pre-check: spot signals in a pasted draft that hint at how checklist questions apply.

The signals themselves are data, defined in each policy's ``checklist.yaml`` (``signals``
section) in the pattern language of :mod:`knowledge.draft_patterns`; this module is the scanner.

Scanning is linear in the draft size: the draft is cleaned (control characters, zero-width
characters and broken surrogates become spaces), capped at ``MAX_SCAN_CHARS`` and searched in
bounded windows, so 100 KB of junk costs milliseconds, not minutes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from knowledge.checklist import Checklist, SignalSpec

DISCLAIMER_NOTE = (
    "These hints come from simple word matching on your draft. They are a helper, not a "
    "judgment: they can miss things and can flag harmless words. Please confirm each answer "
    "yourself; the verdict comes from your answers to the checklist."
)

MAX_SCAN_CHARS = 200_000
WINDOW_CHARS = 2_000
WINDOW_OVERLAP = 200
SNIPPET_CONTEXT = 40
MAX_MATCH_CHARS = 120

_JUNK = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad]")
_RUN_OF_SPACE = re.compile(r"[ \t\r\f\v]{2,}")
# A web address or bare domain at the start of a token: optional scheme, then host labels.
# Possessive quantifiers keep it linear, and the look-behind only starts it at a token start.
_HOST = re.compile(
    r"(?<![\w.@-])(?:[a-z][a-z0-9+.-]{0,15}+://)?+((?:[a-z0-9-]{1,63}+\.)++[a-z]{2,24}+)(?![\w-])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Signal:
    """One signal found in a draft, ready for the bot to show and ask the person to confirm.

    ``question`` and ``answer`` are the suggested pre-answer (both ``None`` when the signal only
    informs). ``matched`` is the text that matched, ``snippet`` the same with a little context.
    """

    id: str
    meaning: str
    clauses: tuple[str, ...]
    matched: str
    snippet: str
    question: str | None
    answer: bool | None


def scan_draft(checklist: Checklist, text: str) -> list[Signal]:
    """Find the checklist's signals in a pasted draft, first match of each, in checklist order.

    Safe on any input: very long text, control characters and binary junk are cleaned and
    bounded before matching. Returns an empty list when nothing matched.
    """
    windows = [(window, window.lower()) for window in _windows(clean_draft(text))]
    found: list[Signal] = []
    for spec in checklist.signals:
        signal = _first_match(spec, windows)
        if signal is not None:
            found.append(signal)
    return found


def suggested_answers(signals: Iterable[Signal]) -> dict[str, bool]:
    """Pre-answers suggested by the signals, question id -> yes/no.

    When two signals disagree about a question, neither is kept: the person answers it.
    """
    suggestions: dict[str, bool] = {}
    conflicting: set[str] = set()
    for signal in signals:
        if signal.question is None or signal.answer is None:
            continue
        previous = suggestions.setdefault(signal.question, signal.answer)
        if previous != signal.answer:
            conflicting.add(signal.question)
    return {q: a for q, a in suggestions.items() if q not in conflicting}


def clean_draft(text: str) -> str:
    """Normalize a draft for matching: NFKC, no control or invisible characters, capped length."""
    text = text[: MAX_SCAN_CHARS * 2]
    text = _JUNK.sub(" ", text)
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return _RUN_OF_SPACE.sub(" ", text)[:MAX_SCAN_CHARS]


def _windows(text: str) -> Iterator[str]:
    """Overlapping bounded slices of the text, so no single search can run away."""
    step = WINDOW_CHARS - WINDOW_OVERLAP
    for start in range(0, max(len(text), 1), step):
        yield text[start : start + WINDOW_CHARS]
        if start + WINDOW_CHARS >= len(text):
            break


def _first_match(spec: SignalSpec, windows: Sequence[tuple[str, str]]) -> Signal | None:
    for window, lowered in windows:
        for match in _matches(spec, window, lowered):
            return _signal(spec, window, match)
    return None


def _matches(spec: SignalSpec, window: str, lowered: str) -> Iterator[re.Match[str]]:
    for pattern in spec.patterns:
        if not spec.about_the_poster:
            match = pattern.search(window, lowered)
            if match is not None and match.group(0).strip():
                yield match
            continue
        for match in pattern.finditer(window, lowered):
            if match.group(0).strip() and not about_someone_else(window, match.start()):
                yield match
                break
    if spec.link_hosts:
        for match in _HOST.finditer(window):
            host = match.group(1).lower()
            if any(word in host for word in spec.link_hosts):
                yield match


def about_someone_else(text: str, start: int) -> bool:
    """Whether the words before `start`, in the same clause, make someone else the subject.

    Read backwards to the nearest subject: "my coworker Jim was on the clock" is about Jim;
    "I was on the clock", "posting this on the clock" (no subject) and "he said I was on the
    clock" are about the poster.
    """
    clause = _CLAUSE_BREAK.split(text[max(0, start - SUBJECT_LOOKBACK) : start])[-1]
    for word in reversed(re.findall(r"[\w'’-]+", clause.lower())):
        word = word.replace("’", "'")
        if word in _FIRST_PERSON:
            return False
        if word in _THIRD_PERSON or word.rstrip("s") in _THIRD_PERSON:
            return True
    return False


SUBJECT_LOOKBACK = 80
_CLAUSE_BREAK = re.compile(r"[.!?;:\n]|,\s*(?:but|and|so|while)\b|\bbut\b")
_FIRST_PERSON = frozenset("i i'm im i've ive i'd i'll we we're we've us me myself".split())
_THIRD_PERSON = frozenset(
    """he she they he's she's they're his her their him them someone somebody everyone
    coworker co-worker colleague boss supervisor manager crew team staff employee guy guys
    friend partner wife husband mom dad brother sister neighbor neighbour people""".split()
)


def _signal(spec: SignalSpec, window: str, match: re.Match[str]) -> Signal:
    start = max(match.start() - SNIPPET_CONTEXT, 0)
    end = min(match.end() + SNIPPET_CONTEXT, len(window))
    snippet = " ".join(window[start:end].split())
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(window) else ""
    return Signal(
        id=spec.id,
        meaning=spec.meaning,
        clauses=spec.clauses,
        matched=" ".join(match.group(0).split())[:MAX_MATCH_CHARS],
        snippet=prefix + snippet + suffix,
        question=spec.question,
        answer=spec.answer,
    )

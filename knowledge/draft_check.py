"""Draft pre-check: spot signals in a pasted draft that hint at how checklist questions apply.

The signals themselves are data, defined in each policy's ``checklist.yaml`` (``signals``
section). This module holds the small pattern language HR writes them in, and the scanner.

Pattern language (all matching is case-insensitive):

* a plain word or phrase matches as whole words, and a space matches any run of spaces or line
  breaks: ``vote for`` finds "Vote  for" but ``elect`` does not find "electric";
* a ``*`` at the end of a word matches any ending: ``harass*`` finds "harassing";
* ``re:`` starts a regular expression, for the rare case a phrase is not enough. Expressions that
  could take exponential time (a repeated group that itself repeats, such as ``(a+)+``) are
  refused at load time.

Scanning is linear in the draft size: the draft is cleaned (control characters, zero-width
characters and broken surrogates become spaces), capped at ``MAX_SCAN_CHARS`` and searched in
bounded windows, so 100 KB of junk costs milliseconds, not minutes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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


class PatternError(ValueError):
    """A signal pattern that cannot be used: bad syntax, or it could make scanning hang."""


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


@dataclass(frozen=True)
class DraftPattern:
    """A compiled signal pattern, with a lower-case literal any match must contain (if known).

    The literal lets the scanner skip the regular expression on text that cannot match.
    """

    source: str
    regex: re.Pattern[str]
    needle: str | None = None

    def search(self, text: str, lowered: str) -> re.Match[str] | None:
        """First match in ``text`` (``lowered`` is the same text in lower case), or None."""
        if self.needle is not None and self.needle not in lowered:
            return None
        return self.regex.search(text)


def compile_pattern(raw: str) -> DraftPattern:
    """Compile one signal pattern (phrase, ``word*`` or ``re:`` expression), case-insensitive.

    Raises ``PatternError`` with a plain-words reason when the pattern is empty, invalid, or
    could backtrack catastrophically.
    """
    if raw.startswith("re:"):
        return DraftPattern(raw, _compile_regex(raw[3:].strip()))
    words = raw.split()
    if not words:
        raise PatternError("the pattern is empty")
    needle = max((w.rstrip("*").lower() for w in words), key=len) or None
    return DraftPattern(raw, re.compile(_phrase_regex(words), re.IGNORECASE), needle)


def _phrase_regex(words: Sequence[str]) -> str:
    """Regex for a phrase: whole words, flexible spaces, optional trailing ``*`` wildcard."""
    parts = [_word_regex(word) for word in words]
    body = r"\s++".join(parts)
    first, last = words[0], words[-1]
    head = r"(?<!\w)" if first[0].isalnum() else ""
    tail = "" if last.endswith("*") or not last[-1].isalnum() else r"(?!\w)"
    return head + body + tail


def _word_regex(word: str) -> str:
    if word.endswith("*") and len(word) > 1:
        return re.escape(word[:-1]) + r"\w*+"
    return re.escape(word)


def _compile_regex(expression: str) -> re.Pattern[str]:
    if not expression:
        raise PatternError("the regular expression after 're:' is empty")
    if _has_nested_repeat(expression):
        raise PatternError(
            "the regular expression repeats a group that itself repeats or has alternatives "
            "(like '(a+)+' or '(a|aa)*'), which can make checking a long draft hang; rewrite "
            "it, or make the group atomic with '(?>...)'"
        )
    try:
        return re.compile(expression, re.IGNORECASE)
    except re.error as err:
        raise PatternError(f"the regular expression is not valid: {err}") from None


def _has_nested_repeat(expression: str) -> bool:
    """True if a repeated, non-atomic group holds a repeat or alternatives: ``(a+)+``, ``(a|aa)*``.

    A deliberately simple scan that errs on the side of refusing an expression. Possessive
    repeats of a group (``(...)++``) and atomic groups (``(?>...)``) are allowed.
    """
    stack: list[tuple[bool, bool]] = []  # (group is atomic, enclosing group was risky so far)
    risky = False  # the innermost open group contains a repeat or a '|'
    for index, char, escaped, in_class in _regex_chars(expression):
        if escaped or in_class:
            continue
        if char == "(":
            stack.append((expression.startswith("(?>", index), risky))
            risky = False
        elif char == ")" and stack:
            atomic, outer = stack.pop()
            if risky and not atomic and _greedy_repeat_follows(expression, index + 1):
                return True
            risky = outer or risky
        elif char in "*+|{":
            risky = True
    return False


def _regex_chars(expression: str) -> Iterator[tuple[int, str, bool, bool]]:
    """Yield (index, char, escaped, inside a [...] class) for each character of a regex."""
    escaped = in_class = False
    for index, char in enumerate(expression):
        if escaped:
            yield index, char, True, in_class
            escaped = False
            continue
        if char == "\\":
            escaped = True
            continue
        yield index, char, False, in_class
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False


def _greedy_repeat_follows(expression: str, index: int) -> bool:
    """True if a backtracking repeat (``*``, ``+``, ``{m,n}``, not possessive) starts here."""
    match = re.match(r"(?:[*+]|\{\d*,?\d*\})(\+?)", expression[index:])
    return match is not None and not match.group(1)


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
        match = pattern.search(window, lowered)
        if match is not None and match.group(0).strip():
            yield match
    if spec.link_hosts:
        for match in _HOST.finditer(window):
            host = match.group(1).lower()
            if any(word in host for word in spec.link_hosts):
                yield match


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

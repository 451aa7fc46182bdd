"""The small pattern language HR writes draft signals in (``checklist.yaml``'s ``signals``).

All matching is case-insensitive:

* a plain word or phrase matches as whole words, and a space matches any run of spaces or line
  breaks: ``vote for`` finds "Vote  for" but ``elect`` does not find "electric";
* a ``*`` at the end of a word matches any ending: ``harass*`` finds "harassing";
* ``re:`` starts a regular expression, for the rare case a phrase is not enough. Expressions that
  could take exponential time (a repeated group that itself repeats, such as ``(a+)+``) are
  refused at load time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass


class PatternError(ValueError):
    """A signal pattern that cannot be used: bad syntax, or it could make scanning hang."""


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

    def finditer(self, text: str, lowered: str) -> Iterator[re.Match[str]]:
        """Every match in ``text``, in order."""
        if self.needle is not None and self.needle not in lowered:
            return iter(())
        return self.regex.finditer(text)


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

"""What looks wrong in a parsed version, for HR to check before it goes live.

A misread document shows in its structure: a clause far longer than its siblings (a heading or a
numbering scheme was missed inside it), numbering that skips or restarts, a numbering scheme or
a clause count that changed from the current version, and text that looks like a running header
or page number. `structure_warnings` is a pure function of the clauses (and the current
version's), so every preview (terminal, chat, dashboard) can show the same lines.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence

from knowledge.models import Clause
from knowledge.structure.markers import Marker, read_marker

LONG_CLAUSE = 1500  # characters; the corpus's longest real clause is under 1,000
_SIBLING_FACTOR = 4  # "far longer": this many times its siblings' median length
_SIBLING_MIN = 1000  # a long paragraph of prose is normal; a lump of several clauses is not
_COUNT_CHANGE = 0.25  # a clause count this much off the current version's is worth a look
_PAGE_NUMBER = re.compile(r"(?i)\bpage\s+\d+\s+of\s+\d+\b|\bpage\s+\d+\b(?!\s*(?:of|and)\s+\w)")
_HEADER_WORDS = 6
_MAX_WARNINGS = 12


def structure_warnings(
    clauses: Sequence[Clause], current: Sequence[Clause] | None = None
) -> tuple[str, ...]:
    """One line per thing HR should look at before publishing; empty when all looks right."""
    warnings = [
        *_long_clauses(clauses),
        *_numbering_gaps(clauses),
        *_running_headers(clauses),
    ]
    if current:
        warnings.extend(_changed_from(current, clauses))
    if len(warnings) > _MAX_WARNINGS:
        hidden = len(warnings) - _MAX_WARNINGS + 1
        warnings = [*warnings[: _MAX_WARNINGS - 1], f"... and {hidden} more like these."]
    return tuple(warnings)


def _long_clauses(clauses: Sequence[Clause]) -> list[str]:
    siblings: dict[tuple[int, str], list[int]] = {}
    for clause in clauses:
        siblings.setdefault((clause.level, clause.heading), []).append(len(clause.text))
    for lengths in siblings.values():
        lengths.sort()
    warnings = []
    for clause in clauses:
        length = len(clause.text)
        median = _median_without(siblings[(clause.level, clause.heading)], length)
        if length > LONG_CLAUSE:
            warnings.append(
                f"{clause.label} is {length:,} characters long: a heading or numbered items may "
                "have been read as part of it."
            )
        elif median and length > _SIBLING_MIN and length > _SIBLING_FACTOR * median:
            warnings.append(
                f"{clause.label} is {length:,} characters, far longer than the clauses beside "
                f"it (about {median:,.0f}): check that it is one clause."
            )
    return warnings


def _median_without(ordered: list[int], value: int) -> float | None:
    """The median of a sorted list with one `value` taken out, without copying it (a policy
    of thousands of sibling clauses is checked in linear time); None under two others."""
    size = len(ordered) - 1
    if size < 2:
        return None
    gone = bisect.bisect_left(ordered, value)

    def at(position: int) -> int:
        return ordered[position if position < gone else position + 1]

    middle = size // 2
    return float(at(middle)) if size % 2 else (at(middle - 1) + at(middle)) / 2


def _numbering_gaps(clauses: Sequence[Clause]) -> list[str]:
    """Skips and restarts among numbered siblings ("(B)" then "(D)"; "3." then "1.")."""
    warnings = []
    previous: dict[tuple[str, str, tuple[str, str]], tuple[Marker, Clause]] = {}
    for clause in clauses:
        marker = _marker(clause, previous)
        if marker is None:
            continue
        key = (clause.heading, _parent_number(clause.number, marker), (marker.scheme, marker.style))
        before = previous.get(key)
        previous[key] = (marker, clause)
        if before is None:
            continue
        last, last_clause = before
        if marker.value == last.value + 1:
            continue
        if marker.value <= last.value:
            warnings.append(
                f"The numbering restarts at {clause.label} after {last_clause.label}: is it a "
                "new list, or was a heading missed?"
            )
        else:
            warnings.append(
                f"The numbering skips from {last_clause.label} to {clause.label}: is something "
                "missing?"
            )
    return warnings


def _marker(
    clause: Clause, previous: dict[tuple[str, str, tuple[str, str]], tuple[Marker, Clause]]
) -> Marker | None:
    """The clause's own list marker, read as a continuation of its siblings where it is
    ambiguous (an "(i)" after "(h)"); None for bullets, prose, sections and outlines."""
    marked = read_marker(f"{clause.marker} x") if clause.marker else None
    if marked is None or (not marked.readings[0].is_list and len(marked.readings) == 1):
        return None
    for reading in marked.readings:
        key = (
            clause.heading,
            _parent_number(clause.number, reading),
            (reading.scheme, reading.style),
        )
        if key in previous and reading.value == previous[key][0].value + 1:
            return reading
    return marked.readings[0] if marked.readings[0].is_list else None


def _parent_number(number: str, marker: Marker) -> str:
    for tail in (f"({marker.segment})", f".{marker.segment}"):
        if number.endswith(tail):
            return number[: -len(tail)]
    return ""


def _running_headers(clauses: Sequence[Clause]) -> list[str]:
    warnings = []
    for clause in clauses:
        if match := _PAGE_NUMBER.search(clause.text):
            warnings.append(
                f'{clause.label} contains "{match.group(0)}", which looks like a page number or '
                "running header, not policy text."
            )
    seen: Counter[str] = Counter()
    where: dict[str, Clause] = {}
    for clause in clauses:
        words = clause.text.split()
        grams = {
            " ".join(words[i : i + _HEADER_WORDS]) for i in range(len(words) - _HEADER_WORDS + 1)
        }
        for gram in grams:
            capitalised = sum(word[:1].isupper() for word in gram.split())
            if capitalised >= _HEADER_WORDS - 2:
                seen[gram] += 1
                where.setdefault(gram, clause)
    for gram, count in seen.items():
        if count >= 3:
            warnings.append(
                f'"{gram}" appears in {count} clauses (first in {where[gram].label}): it looks '
                "like a running header that was read as policy text."
            )
            break
    return warnings


def _changed_from(current: Sequence[Clause], clauses: Sequence[Clause]) -> list[str]:
    warnings = []
    before, after = _schemes(current), _schemes(clauses)
    if before and after and before != after:
        warnings.append(
            f"The numbering changed: the current version numbers its clauses "
            f"{', '.join(sorted(before))}; this one {', '.join(sorted(after))}."
        )
    old, new = len(current), len(clauses)
    if old and abs(new - old) > _COUNT_CHANGE * old:
        warnings.append(
            f"This version has {new} clauses where the current one has {old}: check that the "
            "document was read as you expect."
        )
    return warnings


def _schemes(clauses: Sequence[Clause]) -> set[str]:
    """The shapes of a version's numbering: "1.", "(A)", "a.", "§", "•" ..."""
    return {_shape(clause.marker) for clause in clauses if clause.marker}


def _shape(marker: str) -> str:
    """A marker's notation without its value: "(C)" -> "(A)", "iv." -> "i.", "§ 37.20" -> "§"."""
    marked = read_marker(f"{marker} x")
    if marked is None:
        return marker
    reading = marked.readings[0]
    if not reading.is_list:
        return {"bullet": "•", "dotted": "1.1"}.get(reading.scheme, reading.style)
    sample = {"decimal": "1", "upper": "A", "lower": "a", "upper-roman": "I", "lower-roman": "i"}
    value = sample[reading.scheme]
    if reading.style == "paren":
        return f"({value})"
    return value + (")" if reading.style == "close" else ".")

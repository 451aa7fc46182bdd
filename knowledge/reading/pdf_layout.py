"""Lay a PDF's positioned lines out as the text a reader follows, without the page furniture.

- Running headers and footers: a line near the top or bottom of a page whose words (digits
  aside) recur there on other pages is dropped, and so is a page number ("Page 2 of 5",
  "- 3 -", "3") in those places even on a one-page document. A line set smaller than the
  text, above or below all of a page's text and apart from it, is a header or footer too,
  although no other page repeats it (the first page carries the letterhead instead).
- Paragraphs: a blank line goes where the gap between lines is clearly larger than the page's
  line spacing; a page break is not a paragraph break unless the last line on the page visibly
  ended one, so a clause split across pages is read as one.
- Titles: lines set larger or bolder than the body text, and short, are Markdown headings, so
  the title never runs into the first clause.
- Words hyphenated at a line's end are joined ("organi-" + "zation"), unless the document
  itself writes them with a hyphen ("e-mail") or the first part is a prefix ("self-").
- Lines starting a list item keep their indentation, which tells nested items apart.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from knowledge.reading.furniture import EDGE_LINES, furniture
from knowledge.structure.markers import read_marker

_GAP = 1.25  # a gap this many line spacings long separates paragraphs (measured: 1.4 and 1.55)
_HEADING_SIZE = 1.12
_SMALL_PRINT = 0.9  # type this much smaller than the text's, at a page's edge, is furniture
_BODY_SIZE_SLACK = 0.05
_EDGE_GAP = 2.0  # line spacings between the text and a running header or footer, at least
_HEADING_MAX_WORDS = 14
_HYPHEN_PREFIXES = frozenset(
    "all anti co counter cross e ex full half multi non off on one part post pre quasi re "
    "self semi so sub third two vice well x".split()
)


@dataclass(frozen=True)
class PdfLine:
    """A line of a page: where it starts, the size of its type, whether it is bold, its text."""

    x: float
    y: float
    size: float
    bold: bool
    text: str


def lay_out(pages: list[list[PdfLine]]) -> str:
    """The document's text (see the module docstring)."""
    ordered = [sorted(page, key=lambda line: (-round(line.y), line.x)) for page in pages]
    kept = _without_furniture(ordered)
    if not any(kept):
        return ""
    size = _body_size([line for page in kept for line in page])
    kept = _without_small_print(kept, size, _line_spacing(kept, size))
    body = [line for page in kept for line in page]
    bold_body = (
        sum(len(line.text) for line in body if line.bold) > sum(len(line.text) for line in body) / 2
    )
    left = min(line.x for line in body if abs(line.size - size) < 0.6 * size)
    spacing = _line_spacing(kept, size)
    typical = statistics.median(len(line.text) for line in body)
    out: list[str] = []
    heading: list[str] = []
    previous: PdfLine | None = None
    for page in kept:
        for index, line in enumerate(page):
            is_heading = _is_heading(line, size, bold_body)
            continues_heading = (
                is_heading
                and heading
                and previous is not None
                and (previous.size, previous.bold) == (line.size, line.bold)
                and 0 < previous.y - line.y <= 2 * line.size
                and read_marker(line.text) is None
            )
            if heading and not continues_heading:
                out.extend(["", "# " + " ".join(heading), ""])
                heading = []
            if is_heading:
                heading.append(line.text)
                previous = line
                continue
            if previous is not None and _breaks(previous, line, index == 0, spacing, typical):
                out.append("")
            indent = " " * min(40, max(0, round((line.x - left) / (size * 0.5))))
            out.append((indent if read_marker(line.text) else "") + line.text)
            previous = line
    if heading:
        out.extend(["", "# " + " ".join(heading)])
    return _join_hyphenated("\n".join(out)).strip("\n")


def _without_furniture(pages: list[list[PdfLine]]) -> list[list[PdfLine]]:
    dropped = furniture([[line.text for line in page] for page in pages])
    return [
        [line for index, line in enumerate(page) if index not in drop]
        for page, drop in zip(pages, dropped, strict=True)
    ]


def _without_small_print(
    pages: list[list[PdfLine]], size: float, spacing: float
) -> list[list[PdfLine]]:
    """Pages without the lines set smaller than the text, above or below all of it and apart
    from it: a running header or footer that no other page repeats (the first page has the
    letterhead instead, or the document has one page) is still not policy text. Below the
    text only a line that says no sentence goes ("Revised 03/2024"): a footnote or a closing
    note in small type ("¹ Posts on City accounts are public records.") is policy text."""
    kept = []
    for page in pages:
        text = [line.y for line in page if abs(line.size - size) <= _BODY_SIZE_SLACK * size]
        if not text:
            kept.append(page)
            continue
        top, bottom, apart = max(text), min(text), _EDGE_GAP * spacing
        edges = set(range(EDGE_LINES)) | set(range(len(page) - EDGE_LINES, len(page)))
        kept.append(
            [
                line
                for index, line in enumerate(page)
                if index not in edges
                or line.size >= _SMALL_PRINT * size
                or bottom - apart <= line.y <= top + apart
                or (line.y < bottom and _says_something(line.text))
            ]
        )
    return kept


def _says_something(text: str) -> bool:
    """A sentence, or most of one: not a footer's title, date or page number."""
    return bool(re.search(r"[.!?;:][\"'”’)]*\s*$", text.strip())) or len(text.split()) > 10


def _body_size(lines: list[PdfLine]) -> float:
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] or 10.0


def _line_spacing(pages: list[list[PdfLine]], size: float) -> float:
    gaps = [
        round(upper.y - lower.y, 1)
        for page in pages
        for upper, lower in itertools.pairwise(page)
        if 0 < upper.y - lower.y < 4 * size
    ]
    return statistics.median(gaps) if gaps else 1.2 * size


def _is_heading(line: PdfLine, size: float, bold_body: bool) -> bool:
    distinct = line.size >= size * _HEADING_SIZE or (line.bold and not bold_body)
    return distinct and len(line.text.split()) <= _HEADING_MAX_WORDS


def _breaks(
    previous: PdfLine, line: PdfLine, new_page: bool, spacing: float, typical: float
) -> bool:
    """Whether a paragraph ends between two lines."""
    ended = bool(re.search(r"[.:;!?…][\"'”’)\]]*$", previous.text))
    if new_page:
        return ended and len(previous.text) < 0.85 * typical
    return previous.y - line.y > _GAP * spacing or previous.y < line.y


def _join_hyphenated(text: str) -> str:
    """Join words hyphenated across a line end, unless the document writes them hyphenated."""
    vocabulary = Counter(word.lower() for word in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", text))

    def join(match: re.Match[str]) -> str:
        first, second = match["first"], match["second"]
        word = re.match(r"[a-z]+", second)
        tail = word.group(0) if word else second
        whole, hyphenated = (first + tail).lower(), f"{first}-{tail}".lower()
        keep = first.lower() in _HYPHEN_PREFIXES or (
            vocabulary[hyphenated] > 0 and vocabulary[whole] == 0
        )
        return f"{first}-{second}\n" if keep else f"{first}{second}\n"

    return re.sub(r"(?P<first>[A-Za-z]+)-\n[ ]*(?P<second>[a-z]\S*)[ ]?", join, text)

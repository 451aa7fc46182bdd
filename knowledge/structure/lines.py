"""A stored policy text as lines with their indentation, whatever format it was exported in.

Plain text and Markdown are read as they are (Markdown's bold marks aside); HTML becomes the
lines a reader sees (see knowledge.reading.html). A text export whose pages are separated by form
feeds loses its running headers, footers and page numbers, and its pages run on into each other.
Control characters are dropped, and words an export split in two are rejoined. Table-of-contents
lines with dot leaders ("Purpose ........ 3") are marked, so the outline can leave the table out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.reading.furniture import furniture
from knowledge.reading.html import html_to_text, looks_like_html
from knowledge.text import clean_control, rejoin_split_words

_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_DOT_LEADER = re.compile(r"(?:\.\s?){4,}\s*\d+\s*$|\t\d+\s*$")
MAX_LINES = 200_000  # a 10 MB text of short lines; beyond it a document is not a policy


@dataclass(frozen=True)
class Line:
    """One non-empty line (or a blank, with `text` empty) and how far it is indented."""

    indent: int
    text: str
    contents: bool = False  # a table-of-contents entry ("Purpose ........ 3")


def document_lines(raw: str) -> list[Line]:
    """The lines of a stored document, ready for the outline."""
    markup = looks_like_html(raw)
    text = html_to_text(raw) if markup else _BOLD.sub(r"\2", raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\f" in text:
        text = _without_page_furniture(text)
    text = rejoin_split_words(clean_control(text))
    lines = []
    for source in text.split("\n")[:MAX_LINES]:
        leader = _DOT_LEADER.search(source.strip()) is not None
        expanded = source.expandtabs(4)
        stripped = expanded.strip()
        lines.append(Line(len(expanded) - len(expanded.lstrip()), stripped, leader))
    return lines


def _without_page_furniture(text: str) -> str:
    """Pages separated by form feeds, without their running headers, footers and numbers.

    A page break is not a paragraph break unless the page's last line visibly ended one (a
    sentence's end on a line shorter than most), so a clause split across pages stays whole.
    """
    pages = [page.split("\n") for page in text.split("\f")]
    filled = [[i for i, line in enumerate(page) if line.strip()] for page in pages]
    dropped = furniture(
        [[page[i] for i in indexes] for page, indexes in zip(pages, filled, strict=True)]
    )
    bodies = []
    for page, indexes, drop in zip(pages, filled, dropped, strict=True):
        removed = {indexes[position] for position in drop}
        body = [line for i, line in enumerate(page) if i not in removed]
        while body and not body[0].strip():
            body.pop(0)
        while body and not body[-1].strip():
            body.pop()
        if body:
            bodies.append(body)
    lengths = sorted(len(line.strip()) for body in bodies for line in body if line.strip())
    typical = lengths[len(lengths) // 2] if lengths else 0
    joined: list[str] = []
    for body in bodies:
        last = joined[-1].strip() if joined else ""
        if last and re.search(r"[.!?:]$", last) and len(last) < 0.75 * typical:
            joined.append("")
        joined.extend(body)
    return "\n".join(joined)

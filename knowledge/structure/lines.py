"""A stored policy text as lines with their indentation, whatever format it was exported in.

Plain text and Markdown are read as they are; HTML becomes the lines a reader sees (see
knowledge.reading.html). Control characters are dropped, words an export split in two are
rejoined. Table-of-contents lines with dot leaders ("Purpose ........ 3") are marked, so the
outline can leave the table out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.reading.html import html_to_text, looks_like_html
from knowledge.text import clean_control, rejoin_split_words

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
    text = html_to_text(raw) if looks_like_html(raw) else raw
    text = rejoin_split_words(clean_control(text.replace("\r\n", "\n").replace("\r", "\n")))
    lines = []
    for source in text.split("\n")[:MAX_LINES]:
        leader = _DOT_LEADER.search(source.strip()) is not None
        expanded = source.expandtabs(4)
        stripped = expanded.strip()
        lines.append(Line(len(expanded) - len(expanded.lstrip()), stripped, leader))
    return lines

"""Page furniture: running headers, footers and page numbers, found the same way in any format.

A line near the top or bottom of a page whose words (digits aside, so "Page 3 of 9" matches
"Page 4 of 9") recur in that place on at least two pages and on half of them is a running header
or footer; a bare page number there ("3", "- 3 -", "Page 3", "3/9") is furniture even on a
single page. Used for PDFs and for text exports whose pages are separated by form feeds.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

EDGE_LINES = 3  # lines at the top and the bottom of a page where headers and footers sit
_PAGE_NUMBER = re.compile(
    r"(?i)^(?:page\s*)?[-–—]?\s*#\s*[-–—]?(?:\s*(?:of|/)\s*#)?$|^#\s*(?:of|/)\s*#$"
)


def furniture_key(text: str) -> str:
    """The line with its digits and spacing made uniform, for recognising it on every page."""
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def furniture(pages: Sequence[Sequence[str]]) -> list[set[int]]:
    """For each page (its non-empty lines, top to bottom), the indexes of furniture lines."""
    edges = [_edge_indexes(len(page)) for page in pages]
    seen = Counter(
        key
        for page, edge in zip(pages, edges, strict=True)
        for key in {furniture_key(page[i]) for i in edge}
    )
    repeated = {key for key, count in seen.items() if count >= 2 and count >= len(pages) / 2}
    return [
        {i for i in edge if furniture_key(page[i]) in repeated or is_page_number(page[i])}
        for page, edge in zip(pages, edges, strict=True)
    ]


def is_page_number(text: str) -> bool:
    return _PAGE_NUMBER.match(furniture_key(text)) is not None


def _edge_indexes(count: int) -> set[int]:
    return set(range(min(EDGE_LINES, count))) | set(range(max(0, count - EDGE_LINES), count))

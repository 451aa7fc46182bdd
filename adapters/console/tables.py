"""Tables for reading in a terminal, fitted to its width.

`report authorizations` printed rows some 400 characters wide, which a terminal folds into an
unreadable zigzag. A table now fits: if its columns are too wide together, the columns of
prose (cells with spaces) wrap inside themselves, never narrower than their longest word; if
even that does not fit, each row is shown as a record of "column  value" lines. `--csv` and
`--json` give every column whole, for spreadsheets and scripts. Output that is not a terminal
(and no COLUMNS) is not fitted: a file gets the whole table.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

GAP = 2  # spaces between columns
MIN_PROSE = 10  # a wrapped column narrower than this reads worse than a record


def fit_table(header: Sequence[str], rows: Sequence[Sequence[str]], width: int | None) -> str:
    """The rows under their header: aligned, wrapped within columns, or as records."""
    natural = [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(header)]
    if width is None or _total(natural) <= width:
        return _aligned(header, rows, natural)
    widths = _shrunk(header, rows, natural, width)
    if widths is None:
        return _records(header, rows, width)
    return _aligned(header, rows, widths)


def _total(widths: Sequence[int]) -> int:
    return sum(widths) + GAP * (len(widths) - 1)


def _shrunk(
    header: Sequence[str], rows: Sequence[Sequence[str]], natural: list[int], width: int
) -> list[int] | None:
    """Column widths that fit by narrowing the prose columns, or None when they cannot."""
    floors = list(natural)
    for i, name in enumerate(header):
        cells = [row[i] for row in rows]
        if any(" " in cell for cell in cells):  # prose: may wrap between its words
            longest_word = max(
                len(word) for text in [name, *cells] for word in text.split() or [""]
            )
            floors[i] = min(natural[i], max(MIN_PROSE, longest_word))
    if _total(floors) > width:
        return None
    widths = list(floors)
    spare = width - _total(widths)
    while spare > 0:  # give the room back, a character at a time, to the most squeezed column
        wanting = [i for i in range(len(widths)) if widths[i] < natural[i]]
        if not wanting:
            break
        i = max(wanting, key=lambda j: natural[j] - widths[j])
        widths[i] += 1
        spare -= 1
    return widths


def _aligned(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]) -> str:
    lines: list[str] = []
    for row in [list(header), *rows]:
        cells = [_wrap(cell, width) for cell, width in zip(row, widths, strict=True)]
        for depth in range(max(len(cell) for cell in cells)):
            parts = [
                (cell[depth] if depth < len(cell) else "").ljust(width)
                for cell, width in zip(cells, widths, strict=True)
            ]
            lines.append((" " * GAP).join(parts).rstrip())
    return "\n".join(lines)


def _records(header: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> str:
    """Each row as lines of "column  value", rows apart by a blank line."""
    label = max(len(name) for name in header)
    room = max(MIN_PROSE, width - label - GAP)
    blocks = []
    for row in rows:
        lines = []
        for name, cell in zip(header, row, strict=True):
            wrapped = _wrap(cell, room) or [""]
            lines.append(f"{name:<{label}}{' ' * GAP}{wrapped[0]}".rstrip())
            lines += [" " * (label + GAP) + more for more in wrapped[1:]]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"  # and a blank line before what follows the table


def _wrap(cell: str, width: int) -> list[str]:
    if len(cell) <= width:
        return [cell]
    return textwrap.wrap(cell, width, break_long_words=False, break_on_hyphens=False) or [cell]

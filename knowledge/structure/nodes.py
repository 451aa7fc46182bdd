"""The pieces of an outline: headings, numbered items, bullets and paragraphs, nested.

A node knows the numbered item it belongs to (`parent`), the unnumbered heading it sits under
(`section`), its own words, and its title when it has one (a numbered heading's "GENERAL", a
run-in "PURPOSE:"). Whether it is a clause, and its level, follow from that.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge.structure.markers import Marker
from knowledge.text import collapse_spaces


@dataclass(eq=False)
class Node:
    """A heading, numbered item, bullet or paragraph, with the item it belongs to."""

    kind: str  # "item", "bullet", "paragraph" or "heading"
    indent: int
    marker: Marker | None = None
    lines: list[str] = field(default_factory=list)
    title: str = ""
    parent: Node | None = None  # the numbered item or bullet it is part of
    section: Node | None = None  # the unnumbered heading it sits under
    rank: int | None = None  # a heading's rank (1 for "#", 2 for "##")
    children: list[Node] = field(default_factory=list)

    @property
    def text(self) -> str:
        return collapse_spaces(" ".join(self.lines))

    @property
    def level(self) -> int:
        """Depth in the clause's number: `37.20` 0, `37.20(A)` 1, `4.1` 1; a section id or a
        decimal outline starts its own count, so a chapter heading above adds no level."""
        if self.marker is not None and self.marker.resets_path:
            return max(len(self.marker.parts) - 1, 0)
        return self.parent.level + 1 if self.parent is not None else 0

    @property
    def is_clause(self) -> bool:
        """Clauses have words of their own; a titled item with items inside is a heading."""
        if self.kind == "heading":
            return False
        return bool(self.lines) or (bool(self.title) and not self.children)


@dataclass(frozen=True)
class Outline:
    """The document's title (if it opens with one) and its nodes in reading order."""

    title: str | None
    nodes: tuple[Node, ...]

    @property
    def clauses(self) -> list[Node]:
        return [node for node in self.nodes if node.is_clause]

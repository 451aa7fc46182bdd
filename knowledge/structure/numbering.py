"""Each clause's number, citation words and id, derived from the document's own numbering.

Numbers are whole paths in the document's notation: `37.23(C)(1)` under a section, `1.a` in an
outline list, `4.1` for a decimal outline, `52-7-5(A)` under a municipal-code id. Citations use
the document's words: "§ 39.20(D)", "section 52-7-5(A)", "clause 9" (the policy's own name for
its items). Ids are the number made safe for commands ("section-37-23-c-1", "clause-9"), so they
stay the same in every version that keeps the numbering. Text with no printed number is still a
clause: lead paragraphs are the preamble (or the names the policy gives them), bullets are
counted ("guideline 3"), a paragraph under a heading takes the heading's name (a lead paragraph
its run-in title's, "Scope: This policy applies ..." is "Scope"), and
"paragraph-N" is left for documents with no numbering and no headings at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.models import PolicyMetadata
from knowledge.structure.headings import pretty, run_in_title
from knowledge.structure.nodes import Node, Outline

_SECTION_WORDS = {"§": "§", "code": "section"}
_SLUG_WORDS = 5


@dataclass(frozen=True)
class NumberedClause:
    """A clause node with how the document numbers and cites it."""

    node: Node
    id: str
    label: str
    number: str
    title: str  # the clause's own heading, if it has one
    heading: str  # the heading it sits under, for context


def number_clauses(outline: Outline, meta: PolicyMetadata) -> list[NumberedClause]:
    """Numbers, citation labels and ids for every clause of the outline, in reading order."""
    return _Numberer(outline, meta).run()


def slug(text: str) -> str:
    """Lowercase letters and digits joined by hyphens: "37.23(C)(1)" -> "37-23-c-1"."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


class _Numberer:
    def __init__(self, outline: Outline, meta: PolicyMetadata) -> None:
        self.outline = outline
        self.meta = meta
        self.numbers: dict[int, str] = {}
        self.ids: dict[int, str] = {}
        self.labels: dict[int, str] = {}
        self.titles: dict[int, str] = {}  # titles the text gives a paragraph ("Scope: ...")
        self.structured = any(node.kind in ("item", "bullet") for node in outline.nodes)
        self.headed = any(node.kind == "heading" for node in outline.nodes)
        self.restarting = _sections_restart(outline.nodes)

    def run(self) -> list[NumberedClause]:
        clauses = self.outline.clauses
        top_bullets = top_paragraphs = 0
        lead: list[Node] = []
        seen_structure = False
        result = []
        for position, node in enumerate(clauses):
            if node.kind == "item":
                self._item(node)
            elif node.kind == "bullet":
                if node.parent is None:
                    top_bullets += 1
                self._bullet(node, top_bullets)
            else:
                if node.parent is None:
                    top_paragraphs += 1
                is_lead = not seen_structure and node.section is None and node.parent is None
                if is_lead:
                    lead.append(node)
                self._paragraph(node, clauses, position, top_paragraphs, is_lead, lead)
            seen_structure = seen_structure or node.kind in ("item", "bullet")
            result.append(self._numbered(node))
        if len(lead) > 1 and not self.structured and not self.headed:
            result = self._plain_paragraph_names(result, lead)
        return _unique(result)

    # -- numbered items -------------------------------------------------------------------
    def _item(self, node: Node) -> str:
        key = id(node)
        if key in self.numbers:
            return self.numbers[key]
        marker = node.marker
        assert marker is not None
        parent = _numbered_parent(node)
        container = _container(node) if self.restarting else None
        if marker.resets_path:
            number = marker.segment
            if container is not None:  # "Section 1" again in every article: VII.1, VIII.1
                number = f"{self._item(container)}.{number}"
        else:
            above = self._item(parent) if parent is not None else ""
            segment = marker.segment
            if not above:
                number = f"({segment})" if marker.style == "paren" else segment
            elif marker.style == "paren" or above.endswith(")") or _in_section(parent):
                number = f"{above}({segment})"
            else:
                number = f"{above}.{segment}"
        prefix, term = self._words(node)
        self.numbers[key] = number
        self.ids[key] = f"{prefix}-{slug(number)}"
        self.labels[key] = f"{term} {number}"
        if container is not None:  # "article VII, section 3(2)(a)"
            local = number[len(self.numbers[id(container)]) + 1 :]
            self.ids[key] = f"{self.ids[id(container)]}-{prefix}-{slug(local)}"
            self.labels[key] = f"{self.labels[id(container)]}, {term} {local}"
        return number

    def _words(self, node: Node) -> tuple[str, str]:
        """(id prefix, citation term) from the item's outermost section, or the policy's term."""
        root = _root(node)
        if root.marker is not None and root.marker.scheme in ("section", "code"):
            term = _SECTION_WORDS.get(root.marker.style, root.marker.style)
            return ("section" if term == "§" else term), term
        return self.meta.item_name, self.meta.item_name

    # -- bullets and prose ----------------------------------------------------------------
    def _bullet(self, node: Node, top_count: int) -> None:
        key, name = id(node), self.meta.bullet_name
        if node.parent is None:
            self.numbers[key] = f"•{top_count}"
            self.ids[key] = f"{name}-{top_count}"
            self.labels[key] = f"{name} {top_count}"
            return
        parent = node.parent
        self._ensure(parent)
        siblings = [child for child in parent.children if child.kind == "bullet"]
        count = siblings.index(node) + 1
        self.numbers[key] = f"{self.numbers[id(parent)]} > •{count}"
        inner = f"-{name}" if parent.kind == "item" else ""
        self.ids[key] = f"{self.ids[id(parent)]}{inner}-{count}"
        self.labels[key] = f"{self.labels[id(parent)]}, {name} {count}"

    def _paragraph(
        self,
        node: Node,
        clauses: Sequence[Node],
        position: int,
        top_count: int,
        is_lead: bool,
        lead: list[Node],
    ) -> None:
        key = id(node)
        if node.parent is not None:
            parent = node.parent
            self._ensure(parent)
            own = 1 if parent.is_clause else 0
            paragraphs = [child for child in parent.children if child.kind == "paragraph"]
            count = paragraphs.index(node) + 1 + own
            self.numbers[key] = f"{self.numbers[id(parent)]} > ¶{count}"
            self.ids[key] = f"{self.ids[id(parent)]}-p{count}"
            self.labels[key] = f"{self.labels[id(parent)]}, paragraph {count}"
            return
        self.numbers[key] = f"¶{top_count}"
        if is_lead:
            index = len(lead) - 1
            if index < len(self.meta.lead_names):
                name = self.meta.lead_names[index]
            elif titled := run_in_title(node.text):  # "Scope: This policy applies to ..."
                self.ids[key], self.labels[key] = slug(titled) or "preamble", pretty(titled)
                self.titles[key] = pretty(titled)
                return
            else:
                name = "preamble" if index == 0 else f"preamble-{index + 1}"
            self.ids[key], self.labels[key] = name, name.replace("-", " ")
        elif node.section is not None:
            heading = pretty(node.section.title)
            base = slug(" ".join(heading.split()[:_SLUG_WORDS])) or "section"
            same = [c for c in clauses if c.kind == "paragraph" and c.section is node.section]
            count = same.index(node) + 1
            self.ids[key] = base if count == 1 else f"{base}-{count}"
            self.labels[key] = heading if count == 1 else f"{heading}, paragraph {count}"
        else:
            later = clauses[position + 1 :]
            if not any(c.kind in ("item", "bullet") and c.parent is None for c in later):
                before = [
                    c for c in clauses[:position] if c.kind == "paragraph" and c.parent is None
                ]
                count = 1 + sum(1 for c in before if self.ids.get(id(c), "").startswith("closing"))
                self.ids[key] = "closing" if count == 1 else f"closing-{count}"
                self.labels[key] = "closing paragraph" + ("" if count == 1 else f" {count}")
            else:
                anchor = next(
                    c for c in reversed(clauses[:position]) if c.kind in ("item", "bullet")
                )
                while anchor.parent is not None:
                    anchor = anchor.parent
                self._ensure(anchor)
                self.ids[key] = f"{self.ids[id(anchor)]}-after"
                self.labels[key] = f"paragraph after {self.labels[id(anchor)]}"

    def _ensure(self, node: Node) -> None:
        """Number a node that is not a clause itself (a heading item) or not numbered yet."""
        if id(node) in self.numbers:
            return
        if node.kind == "item":
            self._item(node)
        elif node.kind == "bullet":
            self._bullet(node, 0)

    def _plain_paragraph_names(
        self, result: list[NumberedClause], lead: list[Node]
    ) -> list[NumberedClause]:
        """Paragraphs of a document with no numbering and no headings: paragraph-1, -2 ..."""
        renamed = []
        for clause in result:
            if clause.node in lead and not run_in_title(clause.node.text):
                index = lead.index(clause.node)
                if index >= len(self.meta.lead_names):
                    name = f"paragraph-{index + 1}"
                    clause = NumberedClause(
                        clause.node, name, name.replace("-", " "), clause.number, "", ""
                    )
            renamed.append(clause)
        return renamed

    def _numbered(self, node: Node) -> NumberedClause:
        key = id(node)
        return NumberedClause(
            node=node,
            id=self.ids[key],
            label=self.labels[key],
            number=self.numbers[key],
            title=pretty(node.title) if node.title else self.titles.get(key, ""),
            heading=_context(node),
        )


def _numbered_parent(node: Node) -> Node | None:
    parent = node.parent
    while parent is not None and parent.kind != "item":
        parent = parent.parent
    return parent


def _root(node: Node) -> Node:
    """The outermost numbered item above, or the nearest one that carries its whole number."""
    current = node
    while True:
        if current.marker is not None and current.marker.resets_path:
            return current
        parent = _numbered_parent(current)
        if parent is None:
            return current
        current = parent


def _container(node: Node) -> Node | None:
    """The article, chapter or part a section id sits in ("Article VII" above "Section 3")."""
    root = _root(node)
    above = _numbered_parent(root)
    while above is not None:
        marker = above.marker
        if marker is not None and marker.scheme == "section":
            return above if root.marker is not None and marker.style != root.marker.style else None
        above = _numbered_parent(above)
    return None


def _sections_restart(nodes: Sequence[Node]) -> bool:
    """Whether the document numbers its sections again in each article or chapter ("Article
    VII, Section 1" and "Article VIII, Section 1"): then a section is cited with its article."""
    seen: dict[tuple[str, str], Node] = {}
    for node in nodes:
        marker = node.marker
        if node.kind != "item" or marker is None or marker.scheme != "section":
            continue
        container = _container(node)
        if container is None or _root(node) is not node:
            continue
        key = (marker.style, marker.segment)
        if seen.setdefault(key, container) is not container:
            return True
    return False


def _in_section(node: Node | None) -> bool:
    """Items inside a section id are cited in parentheses: 52-7-5(A), not 52-7-5.A."""
    if node is None:
        return False
    root = _root(node)
    return root.marker is not None and root.marker.scheme in ("section", "code")


def _context(node: Node) -> str:
    """The heading a clause sits under: its titled item ("§ 37.23 Representing the village")."""
    parent = node.parent
    while parent is not None:
        if parent.title and parent.marker is not None:
            return f"{parent.marker.printed.rstrip('.:')} {pretty(parent.title)}"
        parent = parent.parent
    return pretty(node.section.title) if node.section is not None else ""


def _unique(clauses: list[NumberedClause]) -> list[NumberedClause]:
    """Ids stay unique where a document numbers two lists alike: the heading names the second
    ("guidelines-clause-1"), or else a count does ("clause-1-2")."""
    seen: dict[str, int] = {}  # ids given so far
    result = []
    for clause in clauses:
        if clause.id in seen and clause.node.section is not None:
            qualified = f"{slug(pretty(clause.node.section.title))[:40].strip('-')}-{clause.id}"
            if qualified not in seen:
                label = f"{clause.label} under {pretty(clause.node.section.title)}"
                clause = _renamed(clause, qualified, label)
        count = 1
        original = clause
        while clause.id in seen:
            count += 1
            clause = _renamed(original, f"{original.id}-{count}", f"{original.label} ({count})")
        seen[clause.id] = 1
        result.append(clause)
    return result


def _renamed(clause: NumberedClause, new_id: str, label: str) -> NumberedClause:
    return NumberedClause(clause.node, new_id, label, clause.number, clause.title, clause.heading)

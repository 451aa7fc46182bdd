"""Split a policy document into citable clauses, numbered the way the document numbers them.

The stored text of a version (plain text, Markdown, an HTML export, or the text read from a
Word file or PDF by knowledge.documents) is read into lines, nested into an outline by its
numbering and headings, and each clause gets its number, citation label and stable id (see
knowledge.structure). Nothing here knows a particular policy: the rules are about document shapes.
"""

from __future__ import annotations

from knowledge.models import Clause, PolicyMetadata
from knowledge.structure.lines import document_lines
from knowledge.structure.nodes import Outline
from knowledge.structure.numbering import number_clauses
from knowledge.structure.outline import build_outline
from knowledge.text import sentences


class ParseError(ValueError):
    """The document does not look like a policy: no prose or clauses could be found in it."""


def parse_clauses(raw: str, meta: PolicyMetadata) -> list[Clause]:
    """Parse a document into clauses with stable ids, labels, numbers and default titles.

    Numbered items are cited in the document's notation ("clause 9", "§ 37.23(C)(1)", or the
    policy's own item name), bullets are counted ("guideline 3"), and prose before the first
    list is the preamble (or the names the policy gives its lead paragraphs). Headings are
    titles and context, never clauses; export chrome and tables of contents are left out.
    """
    numbered = number_clauses(read_outline(raw), meta)
    if not numbered:
        raise ParseError("no paragraphs or list items were found in the document")
    clauses = []
    for position, clause in enumerate(numbered):
        node = clause.node
        text = node.text or node.title
        clauses.append(
            Clause(
                policy_id=meta.id,
                id=clause.id,
                label=clause.label,
                title=clause.title or default_title(text),
                text=text,
                position=position,
                number=clause.number,
                level=node.level,
                heading=clause.heading,
                marker=node.marker.printed if node.marker is not None else "",
            )
        )
    return clauses


def read_outline(raw: str) -> Outline:
    """The document's outline: its title and its headings, items and paragraphs, nested."""
    return build_outline(document_lines(raw))


def default_title(text: str, max_words: int = 8) -> str:
    """A short title from a clause's first words, used until HR writes a better one."""
    first = sentences(text)[0] if text else ""
    shown = first.split()[:max_words]
    title = " ".join(shown).rstrip(".,;:")
    return title + ("…" if len(first.split()) > max_words else "")

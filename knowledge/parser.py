"""Split a policy document into citable clauses, whatever shape its export has.

Handles plain text with numbered or bulleted lists, Markdown, and HTML-ish exports (Laserfiche,
Word saved as HTML) whose lines were broken at a fixed width. Nothing here knows a particular
policy: the rules are about document shapes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.models import Clause, PolicyMetadata
from knowledge.text import (
    clean_control,
    collapse_spaces,
    markup_to_text,
    rejoin_split_words,
    sentences,
)

_NUMBERED = re.compile(r"^\s*(?:clause\s+|section\s+|§\s*)?(\d{1,3})[.)]\s+(.*)$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[•·▪◦●‣∙*]|-(?!-)|–)\s+(.*)$")
_MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s+(.*)$")
_HEADING_MAX_CHARS = 90


class ParseError(ValueError):
    """The document does not look like a policy: no prose or clauses could be found in it."""


@dataclass
class Block:
    """A run of lines that belong together: a heading, a paragraph or a list item."""

    kind: str  # "heading", "paragraph", "numbered" or "bullet"
    lines: list[str]
    number: str | None = None

    @property
    def text(self) -> str:
        return collapse_spaces(" ".join(self.lines))


def parse_clauses(raw: str, meta: PolicyMetadata) -> list[Clause]:
    """Parse a document into clauses with stable ids, labels and default titles.

    Numbered items become "clause N" (or the policy's own item name), bullets are numbered in
    order ("guideline 3"), and prose before the first list is the preamble (or the names the
    policy gives its lead paragraphs). Headings and export chrome are not clauses.
    """
    blocks = [block for block in split_blocks(raw) if block.kind != "heading"]
    if not blocks:
        raise ParseError("no paragraphs or list items were found in the document")
    clauses: list[Clause] = []
    lead = [block for block in _leading_paragraphs(blocks)]
    for index, block in enumerate(lead):
        clause_id = _lead_name(meta, index, len(lead))
        clauses.append(_clause(meta, clause_id, clause_id.replace("-", " "), block, len(clauses)))
    bullets = 0
    for block in blocks[len(lead) :]:
        if block.kind == "numbered":
            number = block.number or str(len(clauses))
            clause_id, label = f"{meta.item_name}-{number}", f"{meta.item_name} {number}"
        elif block.kind == "bullet":
            bullets += 1
            clause_id, label = f"{meta.bullet_name}-{bullets}", f"{meta.bullet_name} {bullets}"
        else:
            clause_id = label = f"paragraph-{len(clauses) + 1}"
        clauses.append(_clause(meta, clause_id, label, block, len(clauses)))
    return _unique_ids(clauses)


def split_blocks(raw: str) -> list[Block]:
    """Group a document's lines into headings, paragraphs and list items."""
    text = rejoin_split_words(clean_control(markup_to_text(raw)))
    blocks: list[Block] = []
    current: Block | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            current = None
            continue
        started = _start_block(stripped)
        if started is not None or current is None or current.kind == "heading":
            current = started or Block("paragraph", [stripped])
            blocks.append(current)
        else:
            current.lines.append(stripped)
    blocks = [_as_heading_if_title(block) for block in blocks]
    return _split_lead_in(blocks)


def _start_block(line: str) -> Block | None:
    if match := _MARKDOWN_HEADING.match(line):
        return Block("heading", [match.group(1)])
    if match := _NUMBERED.match(line):
        return Block("numbered", [match.group(2)], number=match.group(1))
    if match := _BULLET.match(line):
        return Block("bullet", [match.group(1)])
    return None


def _as_heading_if_title(block: Block) -> Block:
    """Short lines without sentence punctuation are titles or export chrome, not prose."""
    if block.kind == "paragraph" and all(_looks_like_heading(line) for line in block.lines):
        return Block("heading", block.lines)
    return block


def _looks_like_heading(line: str) -> bool:
    return len(line) <= _HEADING_MAX_CHARS and not re.search(r"[.!?:;,]\s*$", line)


def _split_lead_in(blocks: list[Block]) -> list[Block]:
    """Give a list's lead-in sentence ("The following guidelines apply ...:") its own paragraph.

    Exports that wrap lines at a fixed width lose the blank line between paragraphs; the sentence
    that introduces a list is its scope, and people ask about it on its own.
    """
    result: list[Block] = []
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        introduces_list = following is not None and following.kind in ("numbered", "bullet")
        parts = sentences(block.text) if block.kind == "paragraph" and introduces_list else []
        if len(parts) > 1 and parts[-1].endswith(":"):
            result.append(Block("paragraph", [" ".join(parts[:-1])]))
            result.append(Block("paragraph", [parts[-1]]))
        else:
            result.append(block)
    return result


def _leading_paragraphs(blocks: list[Block]) -> list[Block]:
    lead: list[Block] = []
    for block in blocks:
        if block.kind != "paragraph":
            break
        lead.append(block)
    return lead


def _lead_name(meta: PolicyMetadata, index: int, count: int) -> str:
    if index < len(meta.lead_names):
        return meta.lead_names[index]
    return "preamble" if count == 1 else f"paragraph-{index + 1}"


def _clause(meta: PolicyMetadata, clause_id: str, label: str, block: Block, pos: int) -> Clause:
    return Clause(
        policy_id=meta.id,
        id=clause_id,
        label=label,
        title=default_title(block.text),
        text=block.text,
        position=pos,
    )


def default_title(text: str, max_words: int = 8) -> str:
    """A short title from a clause's first words, used until HR writes a better one."""
    first = sentences(text)[0] if text else ""
    shown = first.split()[:max_words]
    title = " ".join(shown).rstrip(".,;:")
    return title + ("…" if len(first.split()) > max_words else "")


def _unique_ids(clauses: list[Clause]) -> list[Clause]:
    """Keep ids unique when a document numbers two lists from 1, by suffixing repeats."""
    seen: dict[str, int] = {}
    result = []
    for clause in clauses:
        count = seen.get(clause.id, 0)
        seen[clause.id] = count + 1
        if count:
            suffix = f"-{count + 1}"
            clause = Clause(
                clause.policy_id,
                clause.id + suffix,
                f"{clause.label} ({count + 1})",
                clause.title,
                clause.text,
                clause.position,
            )
        result.append(clause)
    return result

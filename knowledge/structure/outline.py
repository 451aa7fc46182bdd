"""Nest a document's lines into the tree its numbering describes.

Each numbered line either continues a list that is open (`(C)` after `(B)`), opens a list inside
the item above it (`(1)` after `(C) The following ...:`), or restarts one; section ids (`§ 37.23`,
`52-7-5:`) are siblings of each other, and decimal outlines nest by their digits (`4.1` inside
`4.0`). Indentation, where a document has it, settles what the markers leave open. A numbered
item whose text is a title ("§ 37.20 GENERAL.", "1.0 POLICY") is a heading: the prose after it is
its own text, and its title is the context of everything inside it. A lead-in sentence is the
text of the item it ends ("(C) The following are ...:"), and lines that continue a sentence are
never taken for a new item just because they start with "(1)".
"""

from __future__ import annotations

import re

from knowledge.structure.headings import (
    HEADING_MAX_CHARS,
    is_caps_heading,
    is_contents_heading,
    is_header_field,
    is_history_note,
    is_title,
    looks_like_heading,
    run_in_title,
    split_run_in,
)
from knowledge.structure.lines import Line
from knowledge.structure.markers import MarkedLine, Marker, read_marker
from knowledge.structure.nodes import Node, Outline
from knowledge.structure.placement import container_depth, continues, place
from knowledge.text import collapse_spaces, sentences

_MARKDOWN_HEADING = re.compile(r"(?P<hashes>#{1,6})\s+(?P<text>.*)")
_ENDS_SENTENCE = re.compile(r"[.:;!?…][\"'”’)\]]*$")  # "…" and "[…]": an editor's gap
_HEADING_SHARE = 0.6  # a first line this much shorter than the block's longest is a title
_MAX_CONTENTS_WORDS = 12


def build_outline(lines: list[Line]) -> Outline:
    """Nest the lines of a document (see the module docstring)."""
    builder = _Builder()
    for line in lines:
        builder.feed(line)
    builder.close()
    return Outline(builder.title, tuple(_without_lone_subtitle(builder.nodes)))


def _without_lone_subtitle(nodes: list[Node]) -> list[Node]:
    """The nodes without a subtitle read as a heading: in a document whose sections are
    numbered headings ("I. PURPOSE", "II. POLICY"), an unnumbered heading above all of them
    and every clause (a letterhead's second line, "Administrative Policy 2.15: Social Media")
    groups nothing, so it is no clause's context. Headings after the last clause ("Legal
    References:") group nothing either."""
    clauses = [node for node in nodes if node.is_clause]
    subtitle = nodes[0] if nodes and nodes[0].kind == "heading" else None
    if subtitle is None or not clauses or any(node.section is not subtitle for node in clauses):
        return nodes
    if not any(node.kind == "item" and node.parent is None and node.title for node in nodes):
        return nodes  # "PURPOSE" over a policy of plain items is its only section's name
    for node in nodes:
        if node.section is subtitle:
            node.section = None
    return nodes[1:]


class _Builder:
    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.stack: list[Node] = []  # the open items and bullets, outermost first
        self.section: Node | None = None  # the unnumbered heading being read
        self.block: Node | None = None  # the item receiving continuation lines
        self.pending: list[Line] = []  # a paragraph being read
        self.title: str | None = None
        self.interrupted = False  # prose came after the open item: bullets are not inside it
        self.contents: list[str] | None = None  # table-of-contents entries while skipping them
        self.continued: list[int] = []  # the indents of the lines continuing the open block

    # -- lines ----------------------------------------------------------------------------
    def feed(self, line: Line) -> None:
        if not line.text:
            self.close()
            return
        if line.contents:  # "Purpose ........ 3": the body repeats it later
            self.close()
            self.title = self.title or ""
            self.contents = [*(self.contents or []), _contents_entry(line.text)]
            return
        if self.contents is not None and self._in_contents(line.text):
            return
        if heading := _MARKDOWN_HEADING.fullmatch(line.text):
            self.close()
            self._heading(heading["text"].strip(), len(heading["hashes"]), line.indent)
            return
        marked = read_marker(line.text)
        if marked is not None and (placed := self._choose(marked, line.indent)) is not None:
            self._split_lead_in(placed[1])
            self.close(before_list=True)
            self._open(*placed, marked.rest, line.indent)
            return
        last = self._last_text()
        if last is None:
            self.pending = [line]
        elif _ENDS_SENTENCE.search(last) and is_history_note(line.text):
            self.close()
        elif _ENDS_SENTENCE.search(last) and _stands_alone(line.text):
            self.close()
            self._heading(line.text, None, line.indent)
        elif self.block is not None and not self.pending:
            self._continue_item(self.block, line.text, line.indent)
        else:
            self.pending.append(line)

    def close(self, *, before_list: bool = False) -> None:
        """End the block being read: a paragraph is placed now that all its lines are known."""
        if self.pending:
            lines, self.pending = self.pending, []
            self._paragraph(lines, before_list)
        self.block = None

    def _last_text(self) -> str | None:
        if self.pending:
            return self.pending[-1].text
        if self.block is not None:  # an item's title or bare marker ends its line
            return self.block.lines[-1] if self.block.lines else "."
        return None

    def _mid_sentence(self) -> bool:
        """Whether the line before goes on into the next one (so "(1)" there is not an item)."""
        last = self._last_text()
        if last is None or _ENDS_SENTENCE.search(last) or is_caps_heading(last):
            return False
        if len(self.pending) == 1 and looks_like_heading(last):
            return False
        return not (self.pending and all(_stands_alone(line.text) for line in self.pending))

    def _in_contents(self, text: str) -> bool:
        """Skip a table of contents until the body starts (its first entry again, perhaps after
        the number the body gives it, "ARTICLE 1 Purpose" for "Purpose", or prose)."""
        assert self.contents is not None
        entry = _contents_entry(text)
        prose = len(text.split()) > _MAX_CONTENTS_WORDS or (
            bool(_ENDS_SENTENCE.search(text)) and not is_caps_heading(text)
        )
        first = self.contents[0] if self.contents else None
        if prose or (first and (entry == first or entry.endswith(f" {first}"))):
            self.contents = None
            return False
        self.contents.append(entry)
        return True

    # -- numbered items -------------------------------------------------------------------
    def _place(self, marker: Marker, indent: int, mid_sentence: bool) -> int | None:
        return place(
            marker, indent, self.stack, mid_sentence=mid_sentence, interrupted=self.interrupted
        )

    def _choose(self, marked: MarkedLine, indent: int) -> tuple[Marker, int] | None:
        """The reading of the marker that fits, and how much of the stack stays open."""
        mid_sentence = self._mid_sentence()
        for reading in marked.readings:  # "(i)" after "(h)" is a letter, wherever it is listed
            if reading.is_list and continues(reading, self.stack):
                return reading, self._place(reading, indent, mid_sentence) or 0
        for reading in marked.readings:
            depth = self._place(reading, indent, mid_sentence)
            if depth is not None:
                return reading, depth
        return None

    def _open(self, marker: Marker, depth: int, rest: str, indent: int) -> Node:
        del self.stack[depth:]
        parent = self.stack[-1] if self.stack else None
        kind = "bullet" if marker.scheme == "bullet" else "item"
        node = Node(kind, indent, marker, parent=parent, section=self.section)
        if kind == "item" and (run_in := split_run_in(rest)):
            node.title, rest = run_in
        elif kind == "item" and (is_title(rest) or _catchline(marker, rest)):
            node.title, rest = rest, ""
        elif kind == "item" and (titled := run_in_title(rest)):
            node.title = titled  # "Personal Use: Employees may ...": the words stay in the text
        if rest:
            node.lines.append(rest)
        if parent is not None:
            parent.children.append(node)
        self.stack.append(node)
        self.nodes.append(node)
        self.block = node
        self.interrupted = False
        self.continued = []
        return node

    def _continue_item(self, node: Node, text: str, indent: int) -> None:
        """A line that goes on with the item above: more of its title, or its text."""
        if node.title and not node.lines and (is_caps_heading(text) or is_title(text)):
            node.title = f"{node.title} {text}"
        else:
            node.lines.append(text)
            self.continued.append(indent)

    def _split_lead_in(self, depth: int) -> None:
        """A list's lead-in typed right under the last item of the list before it.

        "● give the principal access to the page." then "Staff must not:" at the margin, then
        "● communicate with students ...": the sentence that ends in a colon starts a line of its
        own, no further in than the item's marker, and the next item is the item's sibling (not
        inside it), so the sentence opens the next list instead of ending this item.
        """
        block = self.block
        if block is None or self.pending or block not in self.stack[depth:]:
            return
        own = len(block.lines) - len(self.continued)  # the marker line's words, if any
        for start in range(len(block.lines) - 1, own - 1, -1):
            if self.continued[start - own] > block.indent:
                return
            before = block.lines[start - 1] if start else ""
            if start and _ENDS_SENTENCE.search(before) and not before.endswith(":"):
                break
        else:
            return
        lead_in = collapse_spaces(" ".join(block.lines[start:]))
        if not lead_in.endswith(":") or not lead_in[:1].isupper() or len(sentences(lead_in)) > 1:
            return
        del block.lines[start:]
        del self.stack[depth:]
        self.block = None
        self._add_paragraph(lead_in, min(self.continued[start - own :]))

    # -- headings and prose ---------------------------------------------------------------
    def _heading(self, text: str, rank: int | None, indent: int) -> None:
        marked = read_marker(text)
        if marked is not None and marked.readings[0].scheme != "bullet":
            placed = self._choose(marked, indent)
            if placed is not None:
                node = self._open(*placed, "", indent)
                node.title, node.rank = marked.rest, rank
                return
        if is_contents_heading(text):
            self.contents = []
            self.title = self.title or ""
            return
        if self.title is None and not self.nodes:
            self.title = text
            return
        top = self.stack[-1] if self.stack else None
        if top is not None and top.kind == "item" and not (top.title or top.lines or top.children):
            top.title = text  # "ARTICLE I" then "GENERAL PROVISIONS"
            return
        if rank is None:
            self.stack.clear()
        else:
            while self.stack and not (
                self.stack[-1].rank is not None and self.stack[-1].rank < rank
            ):
                self.stack.pop()
        node = Node("heading", indent, title=text, rank=rank)
        node.parent = self.stack[-1] if self.stack else None
        self.section = node
        self.nodes.append(node)
        self.interrupted = True

    def _paragraph(self, lines: list[Line], before_list: bool) -> None:
        lines = self._without_header_fields(lines)
        if not lines:
            return
        texts = [line.text for line in lines]
        if is_contents_heading(texts[0]):  # "CONTENTS" and its entries, line by line
            self.contents = [_contents_entry(text) for text in texts[1:]]
            self.title = self.title or ""  # what follows the contents is a section, not a title
            return
        if all(looks_like_heading(text) for text in texts):
            self._heading(" ".join(texts), None, lines[0].indent)
            return
        longest = max(len(text) for text in texts)
        first = texts[0]
        if (
            len(texts) > 1
            and looks_like_heading(first)
            and (len(first) < _HEADING_SHARE * longest or _stands_alone(first))
        ):
            self._heading(texts[0], None, lines[0].indent)
            lines, texts = lines[1:], texts[1:]
        text = collapse_spaces(" ".join(texts))
        if is_history_note(text):
            return
        if run_in := split_run_in(text):
            self._heading(run_in[0], None, lines[0].indent)
            text = run_in[1]
        top = self.stack[-1] if self.stack else None
        if top is not None and top.kind == "item" and not top.lines and not top.children:
            top.lines.append(text)  # the prose of a heading ("1.0 POLICY", then its text)
            return
        if top is not None and lines[0].indent > top.indent + 1 and not self.interrupted:
            top.lines.append(text)  # an item's second paragraph, indented under it
            return
        for part in _lead_in_split(texts, text) if before_list else [text]:
            self._add_paragraph(part, lines[0].indent)

    def _without_header_fields(self, lines: list[Line]) -> list[Line]:
        """A paragraph without the header fields it holds before the policy's first clause.

        A memo's "TO: / FROM: / DATE: / SUBJECT:" and a policy's "Policy No.: / Effective Date:"
        lines (and the lines indented under them) say whom the document went to and when; read
        as a heading they would be every clause's context. The header names the document, so
        what follows it is never taken for its title.
        """
        if not any(is_header_field(line.text) for line in lines) or any(
            node.is_clause for node in self.nodes
        ):
            return lines
        kept: list[Line] = []
        field: Line | None = None
        for line in lines:
            if is_header_field(line.text):
                field = line
            elif field is None or (line.indent <= field.indent and not line.text[:1].islower()):
                field = None
                kept.append(line)  # not indented under a field, nor its wrapped value
        if not kept:  # a header of its own: what follows is a section, not the title
            self.title = self.title or ""
        return kept

    def _add_paragraph(self, text: str, indent: int) -> None:
        depth = container_depth(self.stack)
        parent = self.stack[depth - 1] if depth else None
        node = Node("paragraph", indent, lines=[text], parent=parent, section=self.section)
        if parent is not None:
            parent.children.append(node)
        self.nodes.append(node)
        self.interrupted = True


def _catchline(marker: Marker, text: str) -> bool:
    """A section id's short heading in sentence case ("Sec. 2-202. - Use of accounts.")."""
    if marker.scheme not in ("section", "code") or not text or len(text) > HEADING_MAX_CHARS:
        return False
    return len(text.split()) <= _MAX_CONTENTS_WORDS and not re.search(r"[.!?;]\s+\S", text)


def _stands_alone(text: str) -> bool:
    """A line that is a heading wherever it appears: ALL CAPS, Title Case, or an editor's
    bracketed note ("[… heading of this section not captured …]")."""
    bracketed = text.startswith("[") and text.endswith("]") and len(text) <= 120
    return is_caps_heading(text) or is_title(text) or bracketed


def _lead_in_split(texts: list[str], text: str) -> list[str]:
    """A wrapped paragraph whose last sentence introduces a list and starts a line of its own.

    Exports that wrap lines at a fixed width lose the blank line between paragraphs; a sentence
    such as "The following guidelines apply to ...:" that begins a line is then a paragraph of
    its own (its scope), not the end of the paragraph before it.
    """
    parts = sentences(text)
    if len(texts) < 2 or len(parts) < 2 or not parts[-1].endswith(":"):
        return [text]
    opening = parts[-1][:30]
    if not any(line.startswith(opening) for line in texts[1:]):
        return [text]
    return [" ".join(parts[:-1]), parts[-1]]


def _contents_entry(text: str) -> str:
    text = re.sub(r"^#+\s*", "", text)
    text = re.sub(r"(?:\s*\.){2,}\s*\d*\s*$", "", text)  # dot leaders and the page number
    text = re.sub(r"\s+\d+\s*$", "", text)  # a page number after a tab or spaces
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))

"""Word (.docx) documents as lines: headings from paragraph styles, lists with Word's numbers.

A .docx is a zip archive; only word/document.xml, word/numbering.xml and word/styles.xml are read,
each through a cap on its inflated size, so a small archive that inflates to gigabytes (a zip
bomb) is refused after reading a few megabytes. Headings (styles named Title or Heading N, or an
outline level) become Markdown headings; list paragraphs get the number Word displays, indented
by level, so the parser sees `(C)` and `    (1)` just as a reader does; a table of contents keeps
the tab before each page number, by which the parser leaves it out. Running headers and
footers live in other parts of the archive and are never read. A table row that is a form's
labelled line (a memo's "TO:" | "All staff") is one line, as a browser shows an HTML row.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from knowledge.reading.errors import DocumentError
from knowledge.reading.word_numbering import Numbering, W, read_numbering

MAX_MEMBERS = 1_000  # a Word document has a few dozen parts
MAX_PART_BYTES = 32 * 1024 * 1024  # inflated document.xml of a 300-page manual is under 10 MB
MAX_INFLATED_BYTES = 48 * 1024 * 1024
_HEADING_STYLE = re.compile(r"(?i)^(title|heading\s*(\d)?)$")
_CONTENTS_STYLE = re.compile(r"(?i)^toc\s*[1-9]$")
_STYLE_DEPTH = 10


@dataclass(frozen=True)
class _Style:
    name: str
    based_on: str | None
    num_id: str | None
    ilvl: int | None
    outline: int | None


def docx_text(name: str, content: bytes) -> str:
    """The document's paragraphs as lines (see the module docstring), or a DocumentError."""
    unreadable = f"{name} is not a Word (.docx) document I can read."
    if _member_count(content) > MAX_MEMBERS:
        raise DocumentError(f"{name} holds too many parts to be a Word document.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = _Parts(name, archive)
            body = parts.xml("word/document.xml", required=True)
            numbering = read_numbering(parts.xml("word/numbering.xml"))
            styles = _styles(parts.xml("word/styles.xml"))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, EOFError, OSError):
        raise DocumentError(unreadable) from None
    except (ElementTree.ParseError, ValueError) as error:
        if isinstance(error, DocumentError):
            raise
        raise DocumentError(unreadable) from None
    assert body is not None
    lines = [line for line in _lines(body, numbering, styles) if line]
    return "\n\n".join(lines)


class _Parts:
    """Reads members of the archive with a cap on what is inflated, part by part and in all."""

    def __init__(self, name: str, archive: zipfile.ZipFile) -> None:
        self.name, self.archive, self.inflated = name, archive, 0

    def xml(self, member: str, *, required: bool = False) -> ElementTree.Element | None:
        try:
            info = self.archive.getinfo(member)
        except KeyError:
            if required:
                raise
            return None
        cap = min(MAX_PART_BYTES, MAX_INFLATED_BYTES - self.inflated)
        if info.file_size > cap:
            raise self._too_big(member)
        with self.archive.open(info) as stream:
            data = stream.read(cap + 1)
        if len(data) > cap:
            raise self._too_big(member)
        self.inflated += len(data)
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise DocumentError(f"{self.name} has XML declarations a Word document never has.")
        return ElementTree.fromstring(data)

    def _too_big(self, member: str) -> DocumentError:
        limit = MAX_PART_BYTES // 1_048_576
        return DocumentError(
            f"{self.name} unpacks to more than {limit} MB ({member}); that is not a policy "
            "document I can read."
        )


def _member_count(content: bytes) -> int:
    """Entries the archive's directory declares, read before unpacking anything."""
    end = content.rfind(b"PK\x05\x06", max(0, len(content) - 65_557))
    if end < 0 or end + 12 > len(content):
        return 0  # not a zip: ZipFile will say so
    (count,) = struct.unpack("<H", content[end + 10 : end + 12])
    return int(count) if count != 0xFFFF else MAX_MEMBERS + 1


def _styles(root: ElementTree.Element | None) -> dict[str, _Style]:
    styles: dict[str, _Style] = {}
    if root is None:
        return styles
    for style in root.iter(f"{W}style"):
        if style.get(f"{W}type") not in (None, "paragraph"):
            continue
        name = style.find(f"{W}name")
        based = style.find(f"{W}basedOn")
        num_id, ilvl, outline = _numbering_of(style.find(f"{W}pPr"))
        styles[style.get(f"{W}styleId", "")] = _Style(
            name=name.get(f"{W}val", "") if name is not None else "",
            based_on=based.get(f"{W}val") if based is not None else None,
            num_id=num_id,
            ilvl=ilvl,
            outline=outline,
        )
    return styles


def _numbering_of(ppr: ElementTree.Element | None) -> tuple[str | None, int | None, int | None]:
    if ppr is None:
        return None, None, None
    num_id = ppr.find(f"{W}numPr/{W}numId")
    ilvl = ppr.find(f"{W}numPr/{W}ilvl")
    outline = ppr.find(f"{W}outlineLvl")
    return (
        num_id.get(f"{W}val") if num_id is not None else None,
        _int(ilvl.get(f"{W}val")) if ilvl is not None else None,
        _int(outline.get(f"{W}val")) if outline is not None else None,
    )


def _lines(
    body: ElementTree.Element, numbering: Numbering, styles: dict[str, _Style]
) -> Iterator[str]:
    for paragraph in _paragraphs(body):
        if isinstance(paragraph, list):  # a table row of one-line cells
            yield " ".join(" ".join(_text(cell).split()) for cell in paragraph)
            continue
        text = " ".join(_text(paragraph).split())
        if not text:
            continue
        ppr = paragraph.find(f"{W}pPr")
        style_ref = ppr.find(f"{W}pStyle") if ppr is not None else None
        style_id = style_ref.get(f"{W}val", "") if style_ref is not None else ""
        if _is_contents_entry(styles, style_id):  # "Purpose<tab>3": the parser leaves it out
            yield "\t".join(" ".join(part.split()) for part in _text(paragraph, "\t").split("\t"))
            continue
        num_id, ilvl, outline = _numbering_of(ppr)
        inherited = _inherited(styles, style_id)
        num_id = num_id if num_id is not None else inherited[0]
        ilvl = ilvl if ilvl is not None else (inherited[1] or 0)
        outline = outline if outline is not None else inherited[2]
        label = numbering.label(num_id, ilvl) if num_id not in (None, "0") else None
        heading = _heading_level(styles, style_id, outline)
        shown = f"{label} {text}" if label else text
        if heading:
            yield f"{'#' * heading} {shown}"
        elif label:
            yield f"{'    ' * ilvl}{shown}"
        else:
            yield text


def _paragraphs(
    body: ElementTree.Element,
) -> Iterator[ElementTree.Element | list[ElementTree.Element]]:
    """Every w:p in reading order, tables and content controls included (no recursion); a
    table row whose cells hold a line each comes as the list of those lines (see _row)."""
    stack = [body]
    while stack:
        node = stack.pop()
        if node.tag == f"{W}p":
            yield node
            continue
        if node.tag == f"{W}tr" and (cells := _row(node)) is not None:
            yield cells
            continue
        stack.extend(reversed(list(node)))


def _row(row: ElementTree.Element) -> list[ElementTree.Element] | None:
    """The paragraphs of a row that is a labelled line of a form ("TO:" | "All staff",
    "Effective date:" | "May 1"), read as one line as in HTML; None for other rows (a cell of
    several paragraphs, a nested table, a numbered paragraph, a term and its meaning), whose
    paragraphs are read one by one: a term alone on its line is its meaning's heading."""
    cells: list[ElementTree.Element] = []
    for cell in row.iter(f"{W}tc"):
        if cell.find(f".//{W}tbl") is not None:
            return None
        filled = [p for p in cell.iter(f"{W}p") if _text(p).strip()]
        if len(filled) > 1 or any(p.find(f"{W}pPr/{W}numPr") is not None for p in filled):
            return None
        cells.extend(filled)
    labelled = len(cells) > 1 and _text(cells[0]).strip().endswith(":")
    return cells if labelled else None


def _text(paragraph: ElementTree.Element, tab: str = " ") -> str:
    """A paragraph's visible text: runs, tabs and breaks, without nested paragraphs (text boxes
    are read as paragraphs of their own) or deleted text."""
    parts: list[str] = []
    stack = list(reversed(list(paragraph)))
    while stack:
        node = stack.pop()
        tag = node.tag
        if tag == f"{W}p":
            continue
        if tag == f"{W}t":
            parts.append(node.text or "")
        elif tag == f"{W}tab":
            parts.append(tab)
        elif tag in (f"{W}br", f"{W}cr"):
            parts.append(" ")
        elif tag == f"{W}noBreakHyphen":
            parts.append("-")
        stack.extend(reversed(list(node)))
    return "".join(parts)


def _inherited(
    styles: dict[str, _Style], style_id: str
) -> tuple[str | None, int | None, int | None]:
    num_id = ilvl = outline = None
    current = styles.get(style_id)
    for _ in range(_STYLE_DEPTH):
        if current is None:
            break
        num_id = num_id if num_id is not None else current.num_id
        ilvl = ilvl if ilvl is not None else current.ilvl
        outline = outline if outline is not None else current.outline
        current = styles.get(current.based_on or "")
    return num_id, ilvl, outline


def _is_contents_entry(styles: dict[str, _Style], style_id: str) -> bool:
    """A paragraph of Word's table of contents (styles "toc 1" to "toc 9")."""
    style = styles.get(style_id)
    name = style.name if style is not None else style_id
    return _CONTENTS_STYLE.match(name) is not None


def _heading_level(styles: dict[str, _Style], style_id: str, outline: int | None) -> int:
    """1 for Title and Heading 1, 2 for Heading 2 ...; 0 for body text."""
    names = [style_id]
    current = styles.get(style_id)
    for _ in range(_STYLE_DEPTH):
        if current is None:
            break
        names.append(current.name)
        current = styles.get(current.based_on or "")
    for name in names:
        if match := _HEADING_STYLE.match(name):
            return int(match.group(2) or 1)
    if outline is not None and 0 <= outline < 9:
        return outline + 1
    return 0


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None

"""Turn an uploaded policy document into text the parser reads: txt, Markdown, HTML, PDF, .docx.

HR publishes whatever the city's document system exports. Text formats are decoded as they are
(the parser understands Markdown and HTML-ish exports such as Laserfiche's); PDF text comes from
its text layer and Word's from its XML, with list items numbered or bulleted as Word shows them.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from xml.etree import ElementTree

FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class DocumentError(ValueError):
    """The file cannot be read as a policy document; the message says why and what to do."""


@dataclass(frozen=True)
class Document:
    """The text of an uploaded document and the format it was read as."""

    name: str
    format: str
    text: str


def read_document(name: str, content: bytes) -> Document:
    """Read a document by its file name's extension (text when there is none)."""
    if len(content) > MAX_DOCUMENT_BYTES:
        raise DocumentError(
            f"{name} is {len(content) / 1_048_576:.1f} MB; a policy document should be under "
            f"{MAX_DOCUMENT_BYTES // 1_048_576} MB."
        )
    suffix = PurePath(name).suffix.lower()
    kind = FORMATS.get(suffix, "text" if not suffix else "")
    if not kind:
        known = ", ".join(sorted(FORMATS))
        raise DocumentError(f"I can't read {suffix} files. Please send one of: {known}.")
    if kind == "pdf":
        text = _pdf_text(name, content)
    elif kind == "docx":
        text = _docx_text(name, content)
    else:
        text = _decode(name, content)
    return Document(name, kind, text.replace("\r\n", "\n").replace("\r", "\n"))


def _decode(name: str, content: bytes) -> str:
    if b"\x00" in content[:4096]:
        raise DocumentError(f"{name} looks like a binary file, not text.")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _pdf_text(name: str, content: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise DocumentError(f"{name} is password-protected; please send it unprotected.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        if isinstance(error, DocumentError):
            raise
        raise DocumentError(f"{name} is not a PDF I can read ({error}).") from None
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not text:
        raise DocumentError(
            f"{name} has no text I can read: it looks scanned. Please export it from the "
            "original document, or paste the text."
        )
    return text


def _docx_text(name: str, content: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            body = ElementTree.fromstring(archive.read("word/document.xml"))
            numbering = (
                _bullet_lists(ElementTree.fromstring(archive.read("word/numbering.xml")))
                if "word/numbering.xml" in archive.namelist()
                else set()
            )
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        raise DocumentError(f"{name} is not a Word (.docx) document I can read.") from None
    lines: list[str] = []
    counters: dict[str, int] = {}
    for paragraph in body.iter(f"{_W}p"):
        text = "".join(node.text or "" for node in paragraph.iter(f"{_W}t")).strip()
        if not text:
            continue
        style = paragraph.find(f"{_W}pPr/{_W}pStyle")
        number = paragraph.find(f"{_W}pPr/{_W}numPr/{_W}numId")
        if style is not None and re.match(r"(?i)heading|title", style.get(f"{_W}val", "")):
            lines.append(f"\n# {text}\n")
        elif number is not None:
            list_id = number.get(f"{_W}val", "")
            counters[list_id] = counters.get(list_id, 0) + 1
            marker = "•" if list_id in numbering else f"{counters[list_id]}."
            lines.append(f"{marker} {text}")
        else:
            lines.append(f"\n{text}\n")
    return "\n".join(lines).strip()


def _bullet_lists(numbering: ElementTree.Element) -> set[str]:
    """The numIds whose first level is a bullet list rather than a numbered one."""
    bullets = set()
    for abstract in numbering.iter(f"{_W}abstractNum"):
        level = abstract.find(f"{_W}lvl/{_W}numFmt")
        if level is not None and level.get(f"{_W}val") == "bullet":
            bullets.add(abstract.get(f"{_W}abstractNumId"))
    return {
        num.get(f"{_W}numId", "")
        for num in numbering.iter(f"{_W}num")
        if (ref := num.find(f"{_W}abstractNumId")) is not None and ref.get(f"{_W}val") in bullets
    }

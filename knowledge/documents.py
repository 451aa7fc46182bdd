"""Turn an uploaded policy document into text the parser reads: txt, Markdown, HTML, PDF, .docx.

HR publishes whatever the city's document system exports. Text formats are decoded as they are
(the parser understands Markdown and HTML exports such as Laserfiche's); PDF text comes from its
text layer without running headers and footers (knowledge.reading.pdf), and Word's from its XML
with the numbers Word displays (knowledge.reading.docx). Every input has limits before it is
read: a file on disk must be a regular file under the size limit (a device such as /dev/zero or
a FIFO is refused before a byte is read), a .docx is inflated part by part under a cap, and a
PDF's pages, text and reading time are capped.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePath

from knowledge.reading.docx import docx_text
from knowledge.reading.drop_caps import join_drop_capitals
from knowledge.reading.errors import DocumentError
from knowledge.reading.pdf import pdf_text

__all__ = [
    "FORMATS",
    "MAX_DOCUMENT_BYTES",
    "Document",
    "DocumentError",
    "read_document",
    "read_document_file",
]

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


@dataclass(frozen=True)
class Document:
    """The text of an uploaded document and the format it was read as."""

    name: str
    format: str
    text: str


def read_document(name: str, content: bytes) -> Document:
    """Read a document by its file name's extension (text when there is none)."""
    if len(content) > MAX_DOCUMENT_BYTES:
        raise _too_large(name, len(content))
    suffix = PurePath(name).suffix.lower()
    kind = FORMATS.get(suffix, "text" if not suffix else "")
    if not kind:
        known = ", ".join(sorted(FORMATS))
        raise DocumentError(f"I can't read {suffix} files. Please send one of: {known}.")
    if kind == "pdf":
        text = pdf_text(name, content)
    elif kind == "docx":
        text = docx_text(name, content)
    else:
        text = _decode(name, content)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Document(name, kind, join_drop_capitals(text))


def read_document_file(path: Path) -> Document:
    """Read a document from disk: a regular file under the size limit, or a DocumentError.

    The file's type and size come from the file system before anything is read, so a device
    (/dev/zero), a FIFO (which would wait forever for a writer) or a directory is refused at
    once, and a file that grows while it is read is refused at the limit.
    """
    try:
        info = os.stat(path)
    except OSError as error:
        raise DocumentError(f"cannot read {path}: {error.strerror or error}") from None
    if not stat.S_ISREG(info.st_mode):
        raise DocumentError(f"{path} is {_kind_of(info.st_mode)}, not a document file.")
    if info.st_size > MAX_DOCUMENT_BYTES:
        raise _too_large(path.name, info.st_size)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # replaced since the stat
                raise DocumentError(f"{path} is not a regular file.")
            content = handle.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as error:
        raise DocumentError(f"cannot read {path}: {error.strerror or error}") from None
    return read_document(path.name, content)


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _too_large(name: str, size: int) -> DocumentError:
    return DocumentError(
        f"{name} is {size / 1_048_576:.1f} MB; a policy document should be under "
        f"{MAX_DOCUMENT_BYTES // 1_048_576} MB."
    )


def _decode(name: str, content: bytes) -> str:
    if b"\x00" in content[:4096]:
        raise DocumentError(f"{name} looks like a binary file, not text.")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")

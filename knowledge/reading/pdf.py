"""PDF documents as lines, within limits on pages, text and time.

pypdf reads the text layer; each line keeps its position, size and weight so that
knowledge.reading.pdf_layout can drop running headers, footers and page numbers, join a clause
across a page break and tell a title from the text under it. A PDF is untrusted input: its page
tree is counted before pypdf walks it (a 7 KB file can repeat one page 100,000 times), the text
read and the seconds spent are capped, and whatever pypdf raises on a broken or hostile file
becomes one DocumentError sentence, never a traceback.
"""

from __future__ import annotations

import contextlib
import io
import logging
import time
import warnings
from collections.abc import Iterator
from typing import Any

from knowledge.reading.errors import DocumentError
from knowledge.reading.pdf_layout import PdfLine, lay_out

MAX_PAGES = 500  # a long policy manual; a 50-page PDF previews in about a second (bench)
MAX_TEXT_CHARS = 4_000_000
MAX_SECONDS = 20.0
_MAX_TREE_NODES = 4 * MAX_PAGES
log = logging.getLogger(__name__)


class _ToDebug(logging.Handler):
    """pypdf's complaints about a damaged file ("EOF marker not found") are for debugging: the
    person gets one sentence from us, and the terminal and server logs stay clean."""

    def emit(self, record: logging.LogRecord) -> None:
        log.debug("pypdf: %s", record.getMessage())


_pypdf_log = logging.getLogger("pypdf")
_pypdf_log.addHandler(_ToDebug())
_pypdf_log.propagate = False


def pdf_text(name: str, content: bytes) -> str:
    """The document's text as lines (see the module docstring); DocumentError if unreadable."""
    try:
        with _pypdf_limits():
            pages = _read_pages(name, content)
    except DocumentError:
        raise
    except RecursionError:
        raise DocumentError(f"{name} is nested too deeply to be a PDF I can read.") from None
    except MemoryError:
        raise DocumentError(f"{name} needs more memory than a policy document may.") from None
    except _limit_errors() as error:
        raise DocumentError(
            f"{name} is too large or complex inside to read safely ({_reason(error)}). Please "
            "export it again, or send it as a Word or text file."
        ) from None
    except Exception as error:  # pypdf raises many kinds on broken files; all mean the same
        raise DocumentError(f"{name} is not a PDF I can read ({_reason(error)}).") from None
    text = lay_out(pages)
    if not text.strip():
        raise DocumentError(
            f"{name} has no text I can read: it looks scanned. Please export it from the "
            "original document, or paste the text."
        )
    return text


def _limit_errors() -> tuple[type[Exception], ...]:
    from pypdf.errors import LimitReachedError

    return (LimitReachedError,)


def _reason(error: Exception) -> str:
    """pypdf's own words, first line only, without its trailing period."""
    text = str(error).strip()
    return text.splitlines()[0][:120].rstrip(".") if text else type(error).__name__


def _read_pages(name: str, content: bytes) -> list[list[PdfLine]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadWarning

    warnings.filterwarnings("ignore", category=PdfReadWarning)

    reader = PdfReader(io.BytesIO(content))
    if reader.is_encrypted and not _opens_without_password(reader):
        raise DocumentError(f"{name} is password-protected; please send it unprotected.")
    count = _count_pages(reader)
    if count > MAX_PAGES:
        raise DocumentError(
            f"{name} has more than {MAX_PAGES} pages; a policy document should be shorter. "
            "Please send the policy itself."
        )
    deadline = time.monotonic() + MAX_SECONDS
    pages, chars = [], 0
    for page in reader.pages:
        lines = _page_lines(page)
        pages.append(lines)
        chars += sum(len(line.text) for line in lines)
        if chars > MAX_TEXT_CHARS:
            raise DocumentError(f"{name} holds more text than a policy document does.")
        if time.monotonic() > deadline:
            raise DocumentError(
                f"{name} took longer than {MAX_SECONDS:.0f} seconds to read; please export it "
                "again, or send it as a Word or text file."
            )
    return pages


def _opens_without_password(reader: Any) -> bool:
    """Many city PDFs are 'encrypted' only against editing: an empty password opens them."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # a missing cipher library or a real password: either way, not readable
        return False


def _count_pages(reader: Any) -> int:
    """Pages in the page tree, counted up to just past the limit without building them."""
    root = reader.trailer["/Root"].get_object()["/Pages"].get_object()
    stack, pages, nodes = [root], 0, 0
    while stack:
        node = stack.pop()
        nodes += 1
        kids = node.get("/Kids")
        if kids is None or node.get("/Type") == "/Page":
            pages += 1
        else:
            stack.extend(kid.get_object() for kid in kids.get_object())
        if pages > MAX_PAGES or nodes + len(stack) > _MAX_TREE_NODES:
            return MAX_PAGES + 1
    return pages


def _page_lines(page: Any) -> list[PdfLine]:
    """The page's lines, each with where it starts and the size and weight of its type."""
    lines: list[PdfLine] = []
    current: dict[str, Any] = {"text": "", "x": None, "y": None, "size": 0.0, "bold": 0}

    def finish() -> None:
        text = " ".join(current["text"].split())
        if text and current["x"] is not None:
            lines.append(
                PdfLine(
                    current["x"],
                    current["y"],
                    current["size"],
                    current["bold"] / len(text) > 0.5,
                    text,
                )
            )
        current.update(text="", x=None, y=None, size=0.0, bold=0)

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        pieces = text.split("\n")
        for index, piece in enumerate(pieces):
            if index:
                finish()
            if not piece:
                continue
            if current["x"] is None and piece.strip():
                current["x"] = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                current["y"] = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                scale = abs(tm[3] * cm[3]) or abs(tm[0] * cm[0]) or 1.0
                current["size"] = round(float(size) * scale, 1)
            current["text"] += piece
            if _is_bold(font):
                current["bold"] += len(piece.strip())

    page.extract_text(visitor_text=visit)
    finish()
    return lines


def _is_bold(font: Any) -> bool:
    try:
        name = str(font.get("/BaseFont", "")) if font is not None else ""
    except AttributeError:
        return False
    return any(word in name.lower() for word in ("bold", "black", "heavy", "semibold"))


@contextlib.contextmanager
def _pypdf_limits() -> Iterator[None]:
    """Tighter pypdf limits where pypdf has them (7.x): per-stream work and inflated sizes."""
    try:
        from pypdf import apply_configuration
    except ImportError:
        yield
        return
    with apply_configuration(
        page_tree_maximum_page_entries=40 * MAX_PAGES,
        zlib_maximum_output_length=16 * 1024 * 1024,  # one page's content is under 1 MB
        stream_parsing_work_maximum_count=1_000_000,
        xform_maximum_invocations_per_extraction=500,
    ):
        yield

"""Policy documents built by the tests, byte by byte, the way cities' systems export them.

- Word: paragraphs with styles and Word's automatic numbering (numbering.xml levels, formats,
  start overrides, styles that carry a list), tables, and a running header part the reader
  must ignore.
- PDF: positioned text on several pages in a regular and a bold font, with running headers,
  "Page N of M" footers, paragraphs that continue across a page break; `typeset` lays out
  blocks the way a word processor prints them.
- Hostile files: a .docx whose document inflates to 1 GiB, a PDF whose page tree repeats one
  page 100,000 times, a PDF whose content stream inflates past pypdf's limit.
All text is the tests' own.
"""

from __future__ import annotations

import io
import struct
import textwrap
import zipfile
import zlib
from dataclasses import dataclass
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml"
CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="xml" ContentType="application/xml"/>
  <Override PartName="/word/document.xml" ContentType="{_WORD}.document.main+xml"/>
</Types>
"""


# -- Word ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Para:
    """A Word paragraph: its text, its style id, and its list (numId, ilvl) if numbered."""

    text: str
    style: str | None = None
    num: tuple[int, int] | None = None


def level(ilvl: int, fmt: str, text: str, start: int = 1) -> str:
    """A w:lvl: format (decimal, upperLetter, lowerRoman, bullet ...), text ("(%1)") and start."""
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{escape(text)}"/></w:lvl>'
    )


@dataclass(frozen=True)
class Table:
    """A Word table: rows of cells, each cell one paragraph of text."""

    rows: tuple[tuple[str, ...], ...]


def numbering(abstracts: dict[int, list[str]], nums: dict[int, tuple[int, dict[int, int]]]) -> str:
    """numbering.xml: abstract id -> levels; numId -> (abstract id, {ilvl: startOverride})."""
    parts = [f'<w:abstractNum w:abstractNumId="{a}">{"".join(lv)}</w:abstractNum>'
             for a, lv in abstracts.items()]  # fmt: skip
    for num_id, (abstract, starts) in nums.items():
        overrides = "".join(
            f'<w:lvlOverride w:ilvl="{i}"><w:startOverride w:val="{s}"/></w:lvlOverride>'
            for i, s in starts.items()
        )
        parts.append(
            f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract}"/>{overrides}</w:num>'
        )
    return f'<?xml version="1.0"?><w:numbering xmlns:w="{W}">{"".join(parts)}</w:numbering>'


def styles(*entries: tuple[str, str, tuple[int, int] | None]) -> str:
    """styles.xml: (style id, name, the list it carries) paragraph styles."""
    body = []
    for style_id, name, num in entries:
        numbered = (
            f'<w:pPr><w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/>'
            "</w:numPr></w:pPr>"
            if num
            else ""
        )
        body.append(
            f'<w:style w:type="paragraph" w:styleId="{style_id}"><w:name w:val="{name}"/>'
            f"{numbered}</w:style>"
        )
    return f'<?xml version="1.0"?><w:styles xmlns:w="{W}">{"".join(body)}</w:styles>'


def word(
    paragraphs: list[Para | Table],
    numbering_xml: str | None = None,
    styles_xml: str | None = None,
    header: str | None = None,
) -> bytes:
    """A .docx of the paragraphs; each paragraph's text is split into two runs, as Word does."""
    body = "".join(_table(p) if isinstance(p, Table) else _paragraph(p) for p in paragraphs)
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>{body}'
        "<w:sectPr/></w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", document)
        if numbering_xml:
            archive.writestr("word/numbering.xml", numbering_xml)
        if styles_xml:
            archive.writestr("word/styles.xml", styles_xml)
        if header:
            archive.writestr(
                "word/header1.xml",
                f'<w:hdr xmlns:w="{W}"><w:p><w:r><w:t>{escape(header)}</w:t></w:r></w:p></w:hdr>',
            )
    return buffer.getvalue()


def _paragraph(paragraph: Para) -> str:
    properties = ""
    if paragraph.style:
        properties += f'<w:pStyle w:val="{paragraph.style}"/>'
    if paragraph.num:
        num_id, ilvl = paragraph.num
        properties += f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
    text = paragraph.text
    cut = text.find(" ", len(text) // 2)
    runs = (text[:cut], text[cut:]) if cut > 0 else (text,)
    spans = "".join(
        '<w:r><w:t xml:space="preserve">'
        + escape(r).replace("\t", '</w:t><w:tab/><w:t xml:space="preserve">')
        + "</w:t></w:r>"
        for r in runs
    )  # a tab is Word's w:tab element, as in a table of contents' "Purpose<tab>3"
    return f"<w:p><w:pPr>{properties}</w:pPr>{spans}</w:p>"


def _table(table: Table) -> str:
    rows = "".join(
        "<w:tr>" + "".join(f"<w:tc>{_paragraph(Para(cell))}</w:tc>" for cell in row) + "</w:tr>"
        for row in table.rows
    )
    return f"<w:tbl>{rows}</w:tbl>"


def inflating_docx(inflated: int = 1 << 30) -> bytes:
    """A .docx of about a megabyte whose word/document.xml inflates to `inflated` bytes.

    One megabyte of spaces compresses to the same deflate block every time after a full flush,
    so the block is repeated instead of compressing a gigabyte here. The CRC is not the real
    one: a reader that inflated it all would fail only at the very end.
    """
    chunk = b" " * (1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = block * (inflated // len(chunk)) + compressor.flush()
    return _zip_stored_as_deflate("word/document.xml", stream, size=inflated)


def _zip_stored_as_deflate(name: str, stream: bytes, *, size: int) -> bytes:
    encoded = name.encode()
    local = struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, 0, len(stream), size, len(encoded), 0
    )
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII",
        0x02014B50, 20, 20, 0, 8, 0, 0, 0, len(stream), size, len(encoded), 0, 0, 0, 0, 0, 0,
    )  # fmt: skip
    body = local + encoded + stream
    directory = central + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(directory), len(body), 0)
    return body + directory + end


# -- PDF -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Run:
    """Text drawn at (x, y) in points from the page's bottom left, regular or bold."""

    x: float
    y: float
    text: str
    size: float = 11
    bold: bool = False


def pdf(pages: list[list[Run]], *, extra_content: bytes = b"") -> bytes:
    """A PDF with one content stream per page, in Times-Roman and Times-Bold (WinAnsi)."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman "
                   b"/Encoding /WinAnsiEncoding >>")  # fmt: skip
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Bold "
                   b"/Encoding /WinAnsiEncoding >>")  # fmt: skip
    kids = []
    for page in pages:
        ops = [
            f"BT /{'F2' if run.bold else 'F1'} {run.size} Tf 1 0 0 1 {run.x} {run.y} Tm "
            f"({_pdf_string(run.text)}) Tj ET"
            for run in page
        ]
        stream = "\n".join(ops).encode("cp1252") + extra_content
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>" % len(objects)
        )
        kids.append(len(objects))
    refs = b" ".join(b"%d 0 R" % kid for kid in kids)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids))
    return _pdf_file(objects)


def _pdf_file(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _pdf_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def typeset(
    blocks: list[tuple[str, str]],
    *,
    header: str | None = None,
    page_numbers: bool = True,
    lines_per_page: int = 30,
    width: int = 80,
) -> list[list[Run]]:
    """Lay out ("title" | "heading" | "text" | "item" | "subitem", text) blocks on pages.

    Items hang their continuation lines under their text; blocks are separated by a gap of
    half a line; a block that does not fit continues on the next page, under the running
    header, with the page's "Page N of M" footer at the bottom.
    """
    pages: list[list[Run]] = [[]]
    y = 720.0
    for kind, text in blocks:
        size, bold, x, hang = {
            "title": (15, True, 72, 0),
            "heading": (11, True, 72, 0),
            "text": (11, False, 72, 0),
            "item": (11, False, 90, 18),
            "subitem": (11, False, 126, 18),
        }[kind]
        for index, line in enumerate(textwrap.wrap(text, width - (x - 72) // 6)):
            if len(pages[-1]) >= lines_per_page or y < 80:
                pages.append([])
                y = 720.0
            pages[-1].append(Run(x + (hang if index else 0), y, line, size, bold))
            y -= 14 if size <= 11 else 20
        y -= 8
    total = len(pages)
    for number, page in enumerate(pages, 1):
        if header:
            page.insert(0, Run(72, 760, header, 9))
        if page_numbers:
            page.append(Run(280, 40, f"Page {number} of {total}", 9))
    return pages


def page_tree_bomb(pages: int = 100_000, fan: int = 1_000) -> bytes:
    """A few-kilobyte PDF whose page tree lists one page `pages` times (pages // fan nodes of
    `fan` references each to the same page)."""
    stream = b"BT /F1 11 Tf 72 700 Td (Employees must not post city secrets.) Tj ET"
    nodes = pages // fan
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" 3 0 R" * nodes, pages),
        b"<< /Type /Pages /Parent 2 0 R /Kids [%s] /Count %d >>" % (b" 4 0 R" * fan, fan),
        b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] /Contents 5 0 R "
        b"/Resources << /Font << /F1 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>",
    ]
    return _pdf_file(objects)


def inflating_pdf(inflated: int = 96 * 1024 * 1024) -> bytes:
    """A one-page PDF whose content stream (/FlateDecode) inflates to `inflated` bytes."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    data = b"".join(compressor.compress(chunk) for _ in range(inflated // len(chunk)))
    data += compressor.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>",
    ]
    return _pdf_file(objects)

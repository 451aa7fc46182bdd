"""Policy documents built by hand, the way a city's systems export them: a one-page PDF with a
text layer (and a scanned one without), and a Word .docx with numbered and bulleted lists."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def pdf(lines: list[str], *, text_layer: bool = True) -> bytes:
    """A one-page PDF in Helvetica, one `Tj` per line, with a correct cross-reference table.

    Without a text layer, the page only draws lines (as a scan's image would show the text).
    """
    if text_layer:
        shown = "".join(f"({_pdf_string(line)}) Tj T*\n" for line in lines)
        content = f"BT /F1 10 Tf 40 800 Td 13 TL\n{shown}ET"
    else:
        content = "0.5 w 40 700 m 560 700 l S 40 680 m 560 680 l S"
    stream = content.encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _pdf_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


NUMBERING = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="{_W}">
  <w:abstractNum w:abstractNumId="0">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
      <w:lvlText w:val="%1."/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="1">
    <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="\u2022"/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>
"""
NUMBERED, BULLETED = "1", "2"

_WORD_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml"
CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
  <Default Extension="xml" ContentType="application/xml"/>
  <Override PartName="/word/document.xml" ContentType="{_WORD_TYPE}.document.main+xml"/>
  <Override PartName="/word/numbering.xml" ContentType="{_WORD_TYPE}.numbering+xml"/>
</Types>
"""


def docx(paragraphs: list[tuple[str, str]]) -> bytes:
    """A Word document: (kind, text) paragraphs, kind "title", "text", "numbered" or "bullet".

    Each paragraph's text is split into two runs, as Word often does.
    """
    body = "".join(_paragraph(kind, text) for kind, text in paragraphs)
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{_W}"><w:body>{body}<w:sectPr/></w:body></w:document>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", document)
        archive.writestr("word/numbering.xml", NUMBERING)
    return buffer.getvalue()


def _paragraph(kind: str, text: str) -> str:
    properties = {
        "title": '<w:pPr><w:pStyle w:val="Title"/></w:pPr>',
        "text": "",
        "numbered": f'<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="{NUMBERED}"/>'
        "</w:numPr></w:pPr>",
        "bullet": f'<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="{BULLETED}"/>'
        "</w:numPr></w:pPr>",
    }[kind]
    middle = len(text) // 2
    cut = text.find(" ", middle) if " " in text[middle:] else len(text)
    runs = (text[:cut], text[cut:])
    spans = "".join(
        f'<w:r><w:t xml:space="preserve">{escape(run)}</w:t></w:r>' for run in runs if run
    )
    return f"<w:p>{properties}{spans}</w:p>"

"""Documents without limits are refused before they cost memory or time: devices, pipes and
directories before a byte is read, oversized files from their size, zip bombs while inflating,
PDFs by their page count and work. Each refusal is one sentence, never a traceback."""

from __future__ import annotations

import io
import os
import threading
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from knowledge.documents import MAX_DOCUMENT_BYTES, DocumentError, read_document, read_document_file
from knowledge.reading import pdf as pdf_reader
from tests.knowledge.documents import (
    Run,
    W,
    inflating_docx,
    inflating_pdf,
    page_tree_bomb,
    pdf,
)


def refusal(call: object, *args: object) -> str:
    with pytest.raises(DocumentError) as refused:
        call(*args)  # type: ignore[operator]
    message = str(refused.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_a_device_is_refused_before_it_is_read() -> None:
    started = time.monotonic()
    assert refusal(read_document_file, Path("/dev/zero")) == (
        "/dev/zero is a device, not a document file."
    )
    assert time.monotonic() - started < 1


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "policy.txt"
    os.mkfifo(fifo)
    outcome: list[str] = []
    worker = threading.Thread(
        target=lambda: outcome.append(refusal(read_document_file, fifo)), daemon=True
    )
    worker.start()
    worker.join(timeout=5)
    assert not worker.is_alive(), "reading a FIFO must not wait for a writer"
    assert outcome == [f"{fifo} is a pipe (FIFO), not a document file."]


def test_a_directory_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "policy.docx"
    folder.mkdir()
    assert refusal(read_document_file, folder) == f"{folder} is a directory, not a document file."


def test_a_huge_file_is_refused_from_its_size_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "policy.txt"
    with huge.open("wb") as handle:
        handle.truncate(8 * 1024**3)  # 8 GB, sparse: reading it would take minutes
    started = time.monotonic()
    assert refusal(read_document_file, huge) == (
        "policy.txt is 8192.0 MB; a policy document should be under 10 MB."
    )
    assert time.monotonic() - started < 1


def test_a_regular_file_within_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "policy.md"
    path.write_text("# Rules\n\n1. Be kind online.\n", encoding="utf-8")
    document = read_document_file(path)
    assert (document.name, document.format) == ("policy.md", "markdown")
    assert "Be kind online." in document.text
    assert len(path.read_bytes()) < MAX_DOCUMENT_BYTES


def test_a_docx_that_inflates_to_a_gigabyte_is_refused_with_little_memory() -> None:
    bomb = inflating_docx(1 << 30)
    assert len(bomb) < 1_200_000
    tracemalloc.start()
    try:
        message = refusal(read_document, "policy.docx", bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert message == (
        "policy.docx unpacks to more than 32 MB (word/document.xml); that is not a policy "
        "document I can read."
    )
    assert peak < 64 * 1024 * 1024


def test_a_docx_that_inflates_past_the_cap_while_claiming_less_is_refused() -> None:
    """The directory may lie about sizes: zipfile stops at the size it was told, and the
    checksum of what it read does not match."""
    bomb = bytearray(inflating_docx(64 << 20))
    # Claim 1 MB in both the local header and the directory entry.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = bomb.find(signature)
        bomb[at + offset : at + offset + 4] = (1 << 20).to_bytes(4, "little")
    message = refusal(read_document, "policy.docx", bytes(bomb))
    assert message == "policy.docx is not a Word (.docx) document I can read."


def test_an_archive_with_thousands_of_parts_is_refused_before_unpacking() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(2_000):
            archive.writestr(f"word/media/part{number}.xml", "<x/>")
    message = refusal(read_document, "policy.docx", buffer.getvalue())
    assert message == "policy.docx holds too many parts to be a Word document."


def test_xml_entity_declarations_are_refused() -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;">]>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body>'
        "</w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", laughs)
    message = refusal(read_document, "policy.docx", buffer.getvalue())
    assert message == "policy.docx has XML declarations a Word document never has."


def test_a_pdf_repeating_one_page_100000_times_is_refused_quickly() -> None:
    bomb = page_tree_bomb(100_000)
    assert len(bomb) < 10_000
    started = time.monotonic()
    message = refusal(read_document, "policy.pdf", bomb)
    assert message == (
        "policy.pdf has more than 500 pages; a policy document should be shorter. Please send "
        "the policy itself."
    )
    assert time.monotonic() - started < 5


def test_pypdf_limits_become_one_polite_sentence() -> None:
    page = [Run(72, 700, "1. Employees must be polite online.")]
    xref = pdf([page]).index(b"xref\n0 ")
    declared = pdf([page])[: xref + 7] + b"99999999" + pdf([page])[xref + 8 :]
    message = refusal(read_document, "policy.pdf", declared)  # pypdf's LimitReachedError
    assert message == (
        "policy.pdf is too large or complex inside to read safely (Declared size 99999999 "
        "exceeds allowed limit of 39!). Please export it again, or send it as a Word or text file."
    )
    broken = refusal(read_document, "policy.pdf", pdf([page])[:200])
    assert broken == "policy.pdf is not a PDF I can read (Stream has ended unexpectedly)."


def test_a_content_stream_inflating_past_the_limit_does_not_take_the_memory() -> None:
    bomb = inflating_pdf(64 * 1024 * 1024)  # under pypdf's own default limit (75 MB)
    tracemalloc.start()
    try:
        message = refusal(read_document, "policy.pdf", bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert message.startswith(
        "policy.pdf is too large or complex inside to read safely (Limit reached while "
        "decompressing"
    )
    assert message.endswith("Please export it again, or send it as a Word or text file.")
    assert peak < 64 * 1024 * 1024  # without the tighter limit: 140 MB and 18 s


def test_reading_a_pdf_stops_at_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    page = [Run(72, 700, "1. Employees must be polite online.")]
    monkeypatch.setattr(pdf_reader, "MAX_SECONDS", 0.0)
    message = refusal(read_document, "policy.pdf", pdf([page, page]))
    assert message.startswith("policy.pdf took longer than 0 seconds to read;")

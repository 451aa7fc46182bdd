"""Documents HR cannot publish are refused with a reason they can act on, and nothing changes:
no new version, no announcement, answers still cite the current version."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.publishing.publisher import PublishError
from bot.storage.models import AuditEntry, Policy, ReviewFlag
from knowledge.documents import DocumentError
from tests.publishing.conftest import LA_CROSSE, ascii_lines, outbox, publish, say, version_numbers
from tests.publishing.documents import pdf


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


JUNK = bytes((n * 37 + 11) % 256 for n in range(4000))  # deterministic noise, no words
SYMBOLS = ("#$%& 12;34 ~~ {} [] || <<>> 5678 == ++ " * 40 + " word " * 40).encode()

REFUSED = [
    pytest.param(
        "policy.txt",
        b"1. Be nice online.\n2. Do not post secrets.\n",
        {},
        "has only 7 words; that is too short to be a policy",
        id="too-short",
    ),
    pytest.param("policy.txt", JUNK, {}, "looks like a binary file, not text", id="binary-junk"),
    pytest.param("export.txt", SYMBOLS, {}, "is mostly not words", id="symbols-not-words"),
    pytest.param(
        "scan.pdf",
        pdf([], text_layer=False),
        {},
        "has no text I can read: it looks scanned",
        id="pdf-without-text-layer",
    ),
    pytest.param("policy.pdf", pdf(["x"])[:150], {}, "is not a PDF I can read", id="truncated-pdf"),
    pytest.param(
        "policy.docx", JUNK, {}, "is not a Word (.docx) document I can read", id="docx-not-a-zip"
    ),
    pytest.param(
        "policy.docx",
        _zip({"word/document.xml": "<w:document><w:body><w:p>"}),
        {},
        "is not a Word (.docx) document I can read",
        id="docx-broken-xml",
    ),
    pytest.param(
        "policy.docx",
        _zip({"[Content_Types].xml": "<Types/>"}),
        {},
        "is not a Word (.docx) document I can read",
        id="docx-without-document",
    ),
    pytest.param(
        "policy.odt",
        LA_CROSSE.encode(),
        {},
        "I can't read .odt files. Please send one of: .docx, .htm, .html",
        id="unknown-extension",
    ),
    pytest.param(
        "copy of policy.txt",
        LA_CROSSE.encode(),
        {},
        "This text is identical to version 1 of the City of La Crosse Social Media Policy; "
        "there is nothing new to publish.",
        id="identical-text",
    ),
    pytest.param(
        "policy.txt",
        LA_CROSSE.encode(),
        {"policy_id": "La Crosse!"},
        "'la crosse!' is not a usable policy id: use 2-48 lowercase letters",
        id="invalid-policy-id",
    ),
    pytest.param(
        "policy.txt",
        LA_CROSSE.replace("La Crosse", "Onalaska").encode(),
        {"policy_id": "onalaska"},
        "'onalaska' is a new policy: please give it a title (--title).",
        id="new-policy-without-title",
    ),
    pytest.param(
        "policy.txt",
        LA_CROSSE.encode(),
        {"policy_id": "lake-elmo", "organization_id": "lax"},
        "'lake-elmo' belongs to City of Lake Elmo; it cannot be published for another",
        id="another-organizations-policy",
    ),
    pytest.param(
        "policy.txt",
        LA_CROSSE.replace("La Crosse", "Onalaska").encode(),
        {"policy_id": "onalaska", "title": "Onalaska Policy", "organization_id": "nowhere"},
        "There is no organization 'nowhere' in app.yaml (known: lax, elmo).",
        id="unknown-organization",
    ),
]


def _counts(app: App) -> tuple[int, int, int, int]:
    with app.db.session() as session:
        return (
            session.scalar(select(func.count()).select_from(Policy)) or 0,
            session.scalar(select(func.count()).select_from(AuditEntry)) or 0,
            session.scalar(select(func.count()).select_from(ReviewFlag)) or 0,
            len(outbox(app)),
        )


@pytest.mark.parametrize(("name", "content", "options", "reason"), REFUSED)
def test_refused_with_a_reason_and_nothing_changed(
    app: App, name: str, content: bytes, options: dict[str, str], reason: str
) -> None:
    before = _counts(app)
    policy_id = options.pop("policy_id", "la-crosse")
    with pytest.raises((PublishError, DocumentError)) as refused:
        publish(app, name, content, policy_id, **options)
    assert reason in str(refused.value)
    assert "Traceback" not in str(refused.value)
    assert version_numbers(app, "la-crosse") == [(1, "seed")]
    assert version_numbers(app, "lake-elmo") == [(1, "seed")]
    assert _counts(app) == before
    assert before[3] == 0  # nobody was told anything
    reply = say(app, "pat", "can I post photos of my crew?")
    assert reply.quote is not None and reply.quote.version == 1


def test_a_single_paragraph_is_not_a_policy(app: App) -> None:
    one_block = " ".join(ascii_lines(LA_CROSSE)[1:3])  # prose with no list, one paragraph
    with pytest.raises(PublishError, match=r"I found only one part in memo\.txt"):
        publish(app, "memo.txt", one_block)
    assert version_numbers(app, "la-crosse") == [(1, "seed")]

"""HR publishes in chat: `publish ID`, the file or pasted text, the preview, then confirm."""

from __future__ import annotations

from dataclasses import replace

from bot.app import App
from bot.messages import Attachment
from bot.publishing.publisher import outcome_text
from tests.publishing.conftest import (
    LA_CROSSE,
    LA_CROSSE_PHOTOS,
    lines_of,
    outbox,
    publish,
    say,
    version_numbers,
)
from tests.publishing.documents import docx


def test_hr_pastes_the_text_sees_the_preview_and_confirms(app: App) -> None:
    waiting = say(app, "hana", 'publish la-crosse --effective 2026-12-01 --note "Consent first"')
    assert waiting.kind == "publish_waiting"
    assert "upload the file (.txt, .md, .html, .pdf or .docx) or paste its text" in waiting.text
    preview = say(app, "hana", LA_CROSSE_PHOTOS)
    assert preview.kind == "publish_preview"
    assert preview.title == "Publish version 2 of the City of La Crosse Social Media Policy?"
    assert "What changed: 1 clause reworded." in preview.text
    assert "{+employees, unless each person shown agrees in writing.+}" in preview.text
    assert [b.command for b in preview.buttons] == ["publish confirm", "publish cancel"]
    assert version_numbers(app, "la-crosse") == [(1, "seed")]  # nothing live before confirming
    done = say(app, "hana", "publish confirm")
    assert done.kind == "published"
    assert done.text.startswith(
        "Published version 2 of the City of La Crosse Social Media Policy; answers now cite it. "
        "Announced to 6 people"
    )
    assert version_numbers(app, "la-crosse") == [(1, "seed"), (2, "published")]
    [(_, _, announcement)] = [r for r in outbox(app, "policy_update") if r[0] == "pat"]
    assert (
        "HR published version 2 of the City of La Crosse Social Media Policy, effective "
        "2026-12-01." in announcement.text
    )
    assert "Note from HR: Consent first" in announcement.text
    answer = say(app, "pat", "can I post photos of my crew?")
    assert answer.quote is not None and answer.quote.version == 2


def test_hr_sends_a_word_file(app: App) -> None:
    title, preamble, *items = lines_of(LA_CROSSE_PHOTOS)
    paragraphs = [("title", title), ("text", preamble)]
    paragraphs += [("numbered", item.split(". ", 1)[1]) for item in items]
    say(app, "hana", "publish la-crosse")
    file = Attachment("Social Media Policy.docx", docx(paragraphs))
    preview = say(app, "hana", "", attachments=(file,))
    assert preview.kind == "publish_preview", preview.text
    assert "Document: Social Media Policy.docx (docx), 12 clauses" in preview.text
    assert say(app, "hana", "publish confirm").kind == "published"
    answer = say(app, "pat", "can I post photos of my crew?")
    assert answer.quote is not None and answer.quote.version == 2


def test_a_bad_file_is_refused_and_another_can_follow(app: App) -> None:
    say(app, "hana", "publish la-crosse")
    bad = say(app, "hana", "", attachments=(Attachment("scan.docx", b"PK\x03\x04 broken"),))
    assert bad.kind == "publish_refused"
    assert bad.text == (
        "I can't publish that: scan.docx is not a Word (.docx) document I can read.\n"
        "Send another file, or type 'publish cancel'."
    )
    assert say(app, "hana", LA_CROSSE_PHOTOS).kind == "publish_preview"


def test_cancel(app: App) -> None:
    say(app, "hana", "publish la-crosse")
    say(app, "hana", LA_CROSSE_PHOTOS)
    cancelled = say(app, "hana", "publish cancel")
    assert cancelled.text == "Cancelled. Nothing was published."
    nothing = say(app, "hana", "publish confirm")
    assert nothing.kind == "publish_nothing"
    assert version_numbers(app, "la-crosse") == [(1, "seed")] and outbox(app) == []


def test_someone_not_in_hr_is_refused(app: App) -> None:
    refused = say(app, "pat", "publish la-crosse")
    assert refused.kind == "refused"
    assert refused.text == (
        "Only HR can publish policy versions. If the policy needs a change, please tell HR."
    )
    # Their long message afterwards is an ordinary question, not a document.
    reply = say(app, "pat", LA_CROSSE_PHOTOS[:1500])
    assert reply.kind != "publish_preview"
    assert say(app, "pat", "publish confirm").kind == "refused"
    assert say(app, "sam", "publish la-crosse").kind == "refused"  # a supervisor is not HR
    assert version_numbers(app, "la-crosse") == [(1, "seed")] and outbox(app) == []


def test_a_publication_overtaken_before_confirming_is_refused(app: App) -> None:
    say(app, "hana", "publish la-crosse")
    assert say(app, "hana", LA_CROSSE_PHOTOS).kind == "publish_preview"
    # Meanwhile someone publishes another version from the terminal.
    publish(app, "other.txt", LA_CROSSE.replace("are advised", "must understand"))
    late = say(app, "hana", "publish confirm")
    assert late.kind == "publish_refused"
    assert late.text.startswith("Not published: version 2 was published while this one waited.")
    assert version_numbers(app, "la-crosse") == [(1, "seed"), (2, "published")]
    assert {topic for _, topic, _ in outbox(app, "policy_update")} == {"policy_update:la-crosse:2"}


def test_the_chat_preview_shows_the_tree_and_flags_what_looks_misread(app: App) -> None:
    without_five = "\n".join(line for line in LA_CROSSE.splitlines() if not line.startswith("5. "))
    say(app, "hana", "publish la-crosse")
    preview = say(app, "hana", without_five)
    assert preview.kind == "publish_preview", preview.text
    assert "Clauses as I read them:" in preview.text and "  clause 4: " in preview.text
    assert "Check the structure before publishing:" in preview.text
    assert "! The numbering skips from clause 4 to clause 6: is something missing?" in (
        preview.text
    )
    clean = say(app, "hana", "publish la-crosse")
    assert clean.kind == "publish_waiting"
    assert "Structure: nothing looks out of place." in say(app, "hana", LA_CROSSE_PHOTOS).text


def test_hr_is_told_how_many_were_announced_to_in_words_that_agree(app: App) -> None:
    draft, result = publish(app, "la-crosse.txt", LA_CROSSE_PHOTOS)
    assert "Announced to 6 people." in outcome_text(result, draft)
    one = outcome_text(replace(result, announced=1, unreachable=1), draft)
    assert "Announced to 1 person. 1 more has no chat platform on record" in one


def test_a_new_policy_sends_questions_it_cannot_answer_to_its_own_citys_hr(app: App) -> None:
    publish(app, "library.txt", LA_CROSSE, "lax-library", title="Library Media Policy",
            organization_id="elmo")  # fmt: skip
    unknown = say(app, "ed", "how do I change my direct deposit", policy="lax-library")
    assert unknown.kind == "unknown"
    assert "please ask Lake Elmo HR." in unknown.text, unknown.text

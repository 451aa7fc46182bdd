"""HR publishes the policy in each format a city's systems export; answers cite the new version."""

from __future__ import annotations

from bot.app import App
from tests.publishing.conftest import (
    LA_CROSSE_PHOTOS,
    LAKE_ELMO,
    ascii_lines,
    publish,
    say,
    version_numbers,
)
from tests.publishing.documents import docx, pdf

PHOTOS_QUESTION = "can I post photos of my crew?"
NEW_WORDS = "unless each person shown agrees in writing"


def _cites_new_photo_rule(app: App) -> None:
    reply = say(app, "pat", PHOTOS_QUESTION)
    assert reply.quote is not None, reply.text
    assert reply.quote.version == 2
    assert reply.quote.citation == "City of La Crosse Social Media Policy, clause 9"
    assert NEW_WORDS in " ".join(reply.quote.sentences)
    assert "(version 2)" in reply.text


def test_before_publishing_answers_cite_the_seed(app: App) -> None:
    reply = say(app, "pat", PHOTOS_QUESTION)
    assert reply.quote is not None and reply.quote.version == 1
    assert NEW_WORDS not in reply.text


def test_plain_text(app: App) -> None:
    draft, result = publish(app, "Social Media Policy 2026.txt", LA_CROSSE_PHOTOS)
    assert draft.document.format == "text" and len(draft.clauses) == 12
    assert result.number == 2 and result.requires_ack
    assert version_numbers(app, "la-crosse") == [(1, "seed"), (2, "published")]
    _cites_new_photo_rule(app)


def test_markdown(app: App) -> None:
    lines = ascii_lines(LA_CROSSE_PHOTOS)
    markdown = f"# {lines[0]}\n\n{lines[1]}\n\n" + "\n".join(lines[2:]) + "\n"
    draft, _ = publish(app, "policy.md", markdown)
    assert draft.document.format == "markdown"
    assert [c.id for c in draft.clauses] == ["preamble"] + [f"clause-{n}" for n in range(1, 12)]
    _cites_new_photo_rule(app)


def test_pdf_with_a_text_layer(app: App) -> None:
    draft, _ = publish(app, "SocialMedia.PDF", pdf(ascii_lines(LA_CROSSE_PHOTOS)))
    assert draft.document.format == "pdf"
    assert [c.label for c in draft.clauses][-1] == "clause 11"
    _cites_new_photo_rule(app)


def test_word_document_with_a_numbered_list(app: App) -> None:
    lines = ascii_lines(LA_CROSSE_PHOTOS)
    paragraphs = [("title", lines[0]), ("text", lines[1])]
    paragraphs += [("numbered", line.split(". ", 1)[1]) for line in lines[2:]]
    draft, _ = publish(app, "policy.docx", docx(paragraphs))
    assert draft.document.format == "docx"
    # Word's automatic numbers become the clause numbers.
    assert draft.clauses[9].label == "clause 9" and NEW_WORDS in draft.clauses[9].text
    assert draft.title == "City of La Crosse Social Media Policy"
    _cites_new_photo_rule(app)


def test_laserfiche_html_of_lake_elmo(app: App) -> None:
    edited = LAKE_ELMO.replace(
        "• Do not share any private or confidential information you have access to as a result "
        "of your city <br />position.",
        "• Do not share any private, confidential or not yet public information you have access "
        "to as a result of your city <br />position, during or after your employment.",
    )
    assert edited != LAKE_ELMO
    draft, result = publish(app, "PERSONAL COMMUNICATIONS.htm", edited, policy_id="lake-elmo")
    assert draft.document.format == "html"
    assert draft.diff is not None and draft.diff.summary() == "1 clause reworded"
    assert result.announced == 2  # Lake Elmo's people only
    reply = say(app, "elle", "can I share confidential information?", policy="lake-elmo")
    assert reply.quote is not None and reply.quote.version == 2
    assert reply.quote.citation.endswith("guideline 1")
    assert "during or after your employment" in " ".join(reply.quote.sentences)
    # The other organization's answers did not move.
    other = say(app, "pat", PHOTOS_QUESTION)
    assert other.quote is not None and other.quote.version == 1


def test_word_bullets_republish_lake_elmo_without_asking_again(app: App) -> None:
    policy = app.library.policy("lake-elmo")
    paragraphs = [("title", policy.title)]
    paragraphs += [
        ("bullet" if clause.id.startswith("guideline") else "text", clause.text)
        for clause in policy.clauses
    ]
    draft, result = publish(app, "policy165.docx", docx(paragraphs), policy_id="lake-elmo")
    assert [c.id for c in draft.clauses] == [c.id for c in policy.clauses]
    assert draft.diff is not None and not draft.diff.substantive
    assert not result.requires_ack and result.announced == 0
    reply = say(app, "elle", "can I share confidential information?", policy="lake-elmo")
    assert reply.quote is not None and reply.quote.version == 2

"""What changed, on real edits of both seed policies, and who must acknowledge again."""

from __future__ import annotations

import re

from bot.app import App
from bot.publishing.publisher import outcome_text, preview_text
from tests.publishing.conftest import (
    LA_CROSSE,
    LA_CROSSE_PHOTOS,
    LAKE_ELMO,
    lines_of,
    outbox,
    publish,
    say,
)
from tests.publishing.documents import docx, pdf

AI_CLAUSE = (
    "Employees shall not use generative AI tools to write posts that speak for the City or its "
    "departments."
)


def _renumbered(text: str, start: int, delta: int) -> str:
    """The text with every numbered clause from `start` on moved by `delta`."""

    def move(match: re.Match[str]) -> str:
        number = int(match[1])
        return f"{number + delta if number >= start else number}. "

    return re.sub(r"^(\d+)\. ", move, text, flags=re.MULTILINE)


def _with_ai_clause_as_5() -> str:
    text = _renumbered(LA_CROSSE, 5, 1)
    return text.replace("6. Employees shall refrain", f"5. {AI_CLAUSE}\n6. Employees shall refrain")


def test_reworded_clause_shows_the_changed_words(app: App) -> None:
    edited = LA_CROSSE.replace(
        "during work hours or on equipment", "during paid work hours or on any equipment"
    )
    draft, _ = publish(app, "policy.txt", edited)
    assert draft.diff is not None and draft.diff.summary() == "1 clause reworded"
    preview = preview_text(draft)
    assert "What changed: 1 clause reworded." in preview
    assert (
        "• clause 5, reworded: Employees shall refrain from using social media during {+paid+} "
        "work hours or on {+any+} equipment the City provides" in preview
    )
    changes = say(app, "pat", "what changed?")
    assert changes.kind == "changes"
    assert "What changed in version 2: 1 clause reworded." in changes.text
    assert "during {+paid+} work hours or on {+any+} equipment" in changes.text


def test_replaced_words_are_marked_removed_and_added(app: App) -> None:
    draft, _ = publish(app, "policy.txt", LA_CROSSE.replace("are advised", "must understand"))
    assert draft.diff is not None
    assert "Employees [-are advised-] {+must understand+} that social media platforms" in (
        preview_text(draft)
    )


def test_inserted_clause_renumbers_the_later_ones_without_rewording_them(app: App) -> None:
    draft, result = publish(app, "policy.txt", _with_ai_clause_as_5())
    assert draft.diff is not None
    assert draft.diff.summary() == "1 clause added, 7 renumbered"
    assert draft.diff.count("reworded") == 0
    preview = preview_text(draft)
    assert f'• clause 5, added: "{AI_CLAUSE}"' in preview
    assert "(7 clauses kept their words but moved.)" in preview
    assert result.requires_ack


def test_after_an_insertion_answers_quote_the_clause_that_was_moved(app: App) -> None:
    """Regression: the seed's curated phrasings stayed with the clause *numbers*, so after a
    clause was inserted a question about work hours was answered with the new AI clause."""
    _, result = publish(app, "policy.txt", _with_ai_clause_as_5())
    lunch = say(app, "pat", "can I use facebook on my lunch break at work?")
    assert lunch.quote is not None
    assert lunch.quote.citation.endswith("clause 6")
    assert "during work hours" in lunch.quote.sentences[0]
    link = say(app, "pat", "can I link the parks website to my blog?")
    assert link.quote is not None and link.quote.citation.endswith("clause 11")
    assert "link from a City internal or external web site" in link.quote.sentences[0]
    # The checklist's references follow their clauses too; HR hears of the uncovered clause.
    assert "version 2 adds clause 5, which no checklist question cites yet" in result.flags
    first = say(app, "pat", "check")
    assert first.kind == "checklist_question" and first.data["clauses"] == ["clause-6", "clause-4"]
    assert app.library.checklist_state("la-crosse").set_aside == ()


def test_removed_clause(app: App) -> None:
    edited = re.sub(r"^11\. .*$", "", LA_CROSSE, flags=re.MULTILINE).rstrip() + "\n"
    draft, result = publish(app, "policy.txt", edited)
    assert draft.diff is not None and draft.diff.summary() == "1 clause removed"
    assert '• clause 11, removed: "Employees are advised that social media platforms' in (
        preview_text(draft)
    )
    assert result.requires_ack


def test_lake_elmo_inserted_guideline(app: App) -> None:
    edited = LAKE_ELMO.replace(
        "• Remember that what you write",
        "• Do not post photos of residents taken at city events without their consent. <br />"
        "• Remember that what you write",
    )
    draft, _ = publish(app, "policy.html", edited, policy_id="lake-elmo")
    assert draft.diff is not None
    assert draft.diff.count("added") == 1 and draft.diff.count("reworded") == 0
    assert draft.diff.count("renumbered") == 4  # guidelines 3 to 6 became 4 to 7
    added = next(change for change in draft.diff.changes if change.kind == "added")
    assert added.label == "guideline 3"


def _seed_as_word() -> bytes:
    title, preamble, *items = lines_of(LA_CROSSE)
    paragraphs = [("title", title), ("text", preamble)]
    return docx(paragraphs + [("numbered", item.split(". ", 1)[1]) for item in items])


def test_republish_in_other_formats_asks_nobody_again(app: App) -> None:
    assert say(app, "pat", "ack").kind == "ack"
    # (A PDF's text layer has no blank lines, so a title line would join the preamble: this
    # PDF starts with the preamble.)
    as_pdf = pdf(lines_of(LA_CROSSE)[1:])
    for number, (name, content) in enumerate(
        [("policy.pdf", as_pdf), ("policy.docx", _seed_as_word())], 2
    ):
        draft, result = publish(app, name, content)
        assert draft.diff is not None and draft.diff.summary() == "no clause changed"
        assert "nobody will be asked to acknowledge again" in preview_text(draft)
        assert (result.number, result.requires_ack, result.announced) == (number, False, 0)
        assert "Its clauses did not change, so nobody is asked to acknowledge again." in (
            outcome_text(result, draft)
        )
    assert outbox(app) == []  # nobody announced, no review asked of HR
    status = say(app, "pat", "status")
    assert status.text.startswith("You're up to date: you acknowledged the City of La Crosse")
    assert status.data["up_to_date"] is True
    answer = say(app, "pat", "can I post photos of my crew?")
    assert answer.quote is not None and answer.quote.version == 3


def test_a_real_change_asks_again(app: App) -> None:
    assert say(app, "pat", "ack").kind == "ack"
    publish(app, "policy.docx", _seed_as_word())  # version 2, unchanged clauses
    assert say(app, "pat", "status").data["up_to_date"] is True
    publish(app, "photos.txt", LA_CROSSE_PHOTOS)  # version 3: a real change
    status = say(app, "pat", "status")
    assert status.data["up_to_date"] is False
    assert "You acknowledged version 1, but version 3 of the City of La Crosse" in status.text
    [(_, _, announcement)] = [row for row in outbox(app, "policy_update") if row[0] == "pat"]
    assert announcement.buttons[0].command == "ack la-crosse"
    ack = say(app, "pat", announcement.buttons[0].command)  # pressing the button
    assert ack.data == {"policy": "la-crosse", "created": True, "version": 3}
    assert say(app, "pat", "status").data["up_to_date"] is True

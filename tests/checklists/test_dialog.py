"""The "can I post this?" dialog as a person walks it, with its state in the database."""

from __future__ import annotations

from pathlib import Path

from bot.app import App, open_app
from bot.checklists import progress
from bot.messages import Incoming, Reply
from tests.conftest import Clock

DISCLAIMER = (
    "The opinions expressed on this site are my own and do not reflect the opinions "
    "of the City of La Crosse."
)


def send(app: App, text: str, person: str = "pat", policy: str = "la-crosse") -> list[Reply]:
    return app.bot.handle(Incoming("slack", person, "D1", text, person, policy))


def walk(app: App, *answers: str, start: str = "check") -> Reply:
    replies = send(app, start)
    for answer in answers:
        replies = send(app, answer)
    return replies[-1]


def test_crew_photo_taken_on_the_job_is_do_not_post_citing_clause_9(app: App) -> None:
    verdict = walk(app, "no", "yes", "no", "no", "yes", "no", "no", "no", "no")
    assert verdict.kind == "checklist_verdict"
    assert verdict.text.startswith("Verdict: Do not post.")
    assert "clause 9" in verdict.text
    assert DISCLAIMER in verdict.text  # the post touches the city, so the disclaimer is given too
    [result] = progress.list_checklist_results(app.db, "la-crosse")
    assert result.verdict == "do_not_post" and result.draft_text is None
    assert progress.load_checklist_draft(app.db, "slack", "pat", "D1") is None


def test_tweet_about_a_council_decision_needs_the_exact_disclaimer(app: App) -> None:
    verdict = walk(app, "nope", "yep", "no", "no", "no", "no", "no", "no", "no")
    assert verdict.text.startswith("Verdict: Fine to post, with the disclaimer.")
    assert DISCLAIMER in verdict.text and "clause 3" in verdict.text


def test_work_campaign_at_the_desk_without_approval_needs_the_supervisor(app: App) -> None:
    verdict = walk(app, "yes", "yes", "no", "yes")
    assert verdict.text.startswith("Verdict: Needs authorization first.")
    assert "supervisor" in verdict.text and "clause 5" in verdict.text


def test_progress_is_shown_and_back_undoes_the_last_answer(app: App) -> None:
    first = send(app, "check")[-1]
    assert first.data["number"] == 1 and "Question 1 of at most" in first.text
    second = send(app, "y")[-1]
    assert second.data["question"] == "work_related"
    back = send(app, "back")[-1]
    assert back.data["question"] == "at_work" and back.data["number"] == 1


def test_bad_answers_change_nothing_and_repeat_the_question(app: App) -> None:
    send(app, "check")
    send(app, "no")
    before = progress.load_checklist_draft(app.db, "slack", "pat", "D1")
    replies = send(app, "maybe")
    assert "Please answer yes or no" in replies[0].text
    assert replies[-1].data["question"] == "about_city"
    assert progress.load_checklist_draft(app.db, "slack", "pat", "D1") == before


def test_a_question_mid_checklist_is_answered_then_the_checklist_goes_on(app: App) -> None:
    send(app, "check")
    replies = send(app, "can I get disciplined for what I post?")
    assert replies[0].kind == "answer" and "clause 7" in replies[0].text
    assert replies[-1].kind == "checklist_question" and replies[-1].data["question"] == "at_work"


def test_cancel_forgets_the_checklist_and_records_nothing(app: App) -> None:
    send(app, "check")
    send(app, "no")
    assert "cancelled" in send(app, "cancel")[0].text
    assert progress.load_checklist_draft(app.db, "slack", "pat", "D1") is None
    assert progress.list_checklist_results(app.db) == []


def test_an_unfinished_checklist_survives_a_restart(
    app: App, config_file: Path, clock: Clock
) -> None:
    send(app, "check")
    send(app, "no")
    send(app, "yes")
    app.close()
    reopened = open_app(str(config_file), clock=clock)
    try:
        replies = send(reopened, "no")  # answers the third question, where pat left off
        assert replies[-1].data["question"] == "city_material"
    finally:
        reopened.close()


def test_pasted_draft_signals_are_shown_and_suggest_answers(app: App) -> None:
    replies = send(
        app,
        "check: Proud of my crew! Here's a pic of the crew fixing the water "
        "main for the City of La Crosse today",
    )
    signals = replies[0]
    assert signals.kind == "draft_signals" and "helper" in signals.text.lower()
    assert "clause" in signals.text
    walk_to_photos = [send(app, answer)[-1] for answer in ("no", "yes", "no", "no")]
    assert "From your draft I would answer yes" in walk_to_photos[-1].text


def test_lake_elmo_campaigning_at_city_hall_is_do_not_post(app: App) -> None:
    replies = send(app, "check", policy="lake-elmo")
    while replies[-1].kind == "checklist_question":
        question = replies[-1].data["question"]
        answer = (
            "yes" if question in {"political", "city_resources", "profit_or_politics"} else "no"
        )
        replies = send(app, answer, policy="lake-elmo")
    verdict = replies[-1]
    assert verdict.kind == "checklist_verdict"
    assert "guideline 6" in verdict.text


def test_the_draft_is_kept_only_when_the_person_asks(app: App) -> None:
    draft = "Great turnout at the City of La Crosse river cleanup!"
    send(app, f"check: {draft}")
    replies = send(app, "no")
    while replies[-1].kind == "checklist_question":
        replies = send(app, "no")
    assert "keep draft" in replies[-1].text
    assert progress.list_checklist_results(app.db)[0].draft_text is None
    assert "kept" in send(app, "keep draft")[0].text
    assert progress.list_checklist_results(app.db)[0].draft_text == draft
    assert "no finished checklist" in send(app, "keep draft")[0].text


def _press(app: App, reply: Reply, label: str) -> list[Reply]:
    """Press the button with this label on a reply, as a chat platform would."""
    button = next(b for b in reply.buttons if b.label == label)
    return send(app, button.command)


def test_a_double_pressed_yes_answers_only_the_question_it_was_on(app: App) -> None:
    first = send(app, "check")[-1]
    second = _press(app, first, "Yes")[-1]
    assert second.data["number"] == 2
    again = _press(app, first, "Yes")[-1]
    assert again.kind == "checklist_question"
    assert again.data["question"] == second.data["question"]
    assert "already answered" in again.text
    assert _press(app, again, "Back")[-1].data["number"] == 1


def test_a_button_of_a_finished_checklist_changes_nothing(app: App) -> None:
    first = send(app, "check")[-1]
    send(app, "cancel")
    replies = _press(app, first, "Yes")
    assert [reply.kind for reply in replies] == ["checklist_gone"]
    assert progress.list_checklist_results(app.db) == []

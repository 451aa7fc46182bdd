"""The core bot as a person meets it: questions, choices, acknowledgements, status, bad input."""

from __future__ import annotations

from pathlib import Path

from bot.acknowledgements import acks
from bot.app import App, open_app
from bot.conversation import unanswered
from bot.conversation.feedback import feedback_counts
from bot.messages import Incoming, Reply
from tests.conftest import Clock


def say(app: App, text: str, person: str = "alice", policy: str = "la-crosse") -> str:
    replies = app.bot.handle(Incoming("console", person, f"c-{person}", text, person, policy))
    return "\n".join(reply.text for reply in replies)


def ask(app: App, text: str, person: str = "alice") -> Reply:
    """The last reply to one message, as a structured Reply."""
    return app.bot.handle(Incoming("console", person, "c1", text, person, "la-crosse"))[-1]


def test_question_is_answered_with_the_clause_quoted_and_cited(app: App) -> None:
    reply = app.bot.handle(
        Incoming("console", "alice", "c", "can I post photos of my crew?", policy_id="la-crosse")
    )[0]
    assert reply.kind == "answer"
    assert reply.quote is not None
    assert reply.quote.citation == "City of La Crosse Social Media Policy, clause 9"
    assert reply.quote.version == 1
    assert "photographs of other employees" in reply.text
    assert "ack" in [button.command for button in reply.buttons]


def test_unknown_question_says_so_names_hr_and_is_logged_without_identity(app: App) -> None:
    text = say(app, "How many vacation days do I get?", person="bob")
    assert "I don't know" in text and "HR at City Hall" in text
    logged = unanswered.list_unanswered(app.db, "la-crosse")
    assert [row.text for row in logged] == ["How many vacation days do I get?"]
    assert "bob" not in repr(logged)


def test_acknowledging_twice_is_recorded_once(app: App, clock: Clock) -> None:
    assert "Thank you" in say(app, "ack")
    clock.advance(hours=1)
    assert "already acknowledged" in say(app, "I acknowledge")
    rows = acks.list_acknowledgements(app.db, "la-crosse")
    assert len(rows) == 1
    assert rows[0].acknowledged_at == clock.now.replace(hour=15)
    assert rows[0].sha256 == app.library.policy("la-crosse").sha256


def test_status_before_and_after_acknowledging(app: App) -> None:
    assert "have not acknowledged" in say(app, "status")
    say(app, "ack")
    assert "up to date" in say(app, "status")
    assert "have not acknowledged" in say(app, "status", policy="lake-elmo")


def test_did_you_mean_offers_choices_and_a_number_picks_one(app: App) -> None:
    ask = Incoming("console", "a", "c", "online at the office", policy_id="lake-elmo")
    choice = app.bot.handle(ask)[0]
    assert choice.kind == "did_you_mean"
    commands = [button.command for button in choice.buttons]
    assert commands[-1] == "none of these"
    commands = commands[:-1]
    assert len(commands) >= 2 and all(c.startswith("show ") for c in commands)
    picked = app.bot.handle(Incoming("console", "a", "c", "2", policy_id="lake-elmo"))[0]
    assert picked.kind == "answer"
    assert picked.data["clause"] == commands[1].removeprefix("show ")
    again = app.bot.handle(Incoming("console", "a", "c", "7", policy_id="lake-elmo"))[0]
    assert again.kind != "answer"  # the choice was used; a stray number is not a clause


def test_a_second_worker_takes_the_number_after_did_you_mean(
    app: App, config_file: Path, clock: Clock
) -> None:
    ask = Incoming("console", "a", "c", "online at the office", policy_id="lake-elmo")
    choice = app.bot.handle(ask)[0]
    other = open_app(str(config_file), clock=clock)  # another worker on the same database
    try:
        picked = other.bot.handle(Incoming("console", "a", "c", "1", policy_id="lake-elmo"))[0]
    finally:
        other.close()
    assert picked.kind == "answer"
    assert picked.data["clause"] == choice.buttons[0].command.removeprefix("show ")


def test_show_names_a_clause_directly_and_refuses_unknown_ones(app: App) -> None:
    shown = app.bot.handle(Incoming("console", "a", "c", "show clause-10", policy_id="la-crosse"))
    assert shown[0].quote is not None and shown[0].quote.citation.endswith("clause 10")
    assert "no part called" in say(app, "show clause-99")


def test_empty_junk_and_oversized_messages_get_polite_notices(app: App) -> None:
    assert "didn't catch a question" in say(app, "   ")
    assert "didn't catch a question" in say(app, "\x00\x01\x02\x7f")
    assert "too long" in say(app, "x" * 100_000)
    assert unanswered.list_unanswered(app.db) == []


def test_unknown_policy_is_a_polite_error(app: App) -> None:
    assert "no policy 'springfield'" in say(app, "help", policy="springfield")


def test_acknowledgements_survive_a_restart(app: App, config_file: Path, clock: Clock) -> None:
    say(app, "ack")
    app.close()
    reopened = open_app(str(config_file), clock=clock)
    try:
        assert "up to date" in say(reopened, "status")
    finally:
        reopened.close()


def test_was_this_helpful_is_counted_per_clause_and_the_latest_vote_counts(app: App) -> None:
    answer = ask(app, "can I post photos of my crew?")
    yes, no = answer.feedback
    assert ask(app, yes.command).kind == "feedback"
    ask(app, no.command)  # changed their mind
    ask(app, yes.command, person="sam")
    [count] = feedback_counts(app.db, "la-crosse")
    assert (count.clause_id, count.helpful, count.not_helpful) == (
        answer.data["clause"],
        1,
        1,
    )


def test_feedback_on_a_clause_that_does_not_exist_records_nothing(app: App) -> None:
    reply = ask(app, "feedback clause-99 yes")
    assert reply.kind == "error" and "clause-99" in reply.text
    assert feedback_counts(app.db) == []

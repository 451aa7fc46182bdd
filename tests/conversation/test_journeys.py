"""Journeys as a new user walks them, in the terminal (`policybot chat`, the real command) and
through the core every channel shares: the policy of the person's organization, chit-chat that
is answered kindly and never logged, menus that take their numbers, "none of these", yes or no
with a reason, dates in common forms, "that helped" in words, hints shown once, and an unfinished
checklist that says so after a restart.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.app import App
from bot.conversation import unanswered
from bot.conversation.feedback import feedback_counts
from bot.delivery import outbox
from bot.messages import Incoming, Reply
from bot.people import directory
from tests.conftest import Clock
from tests.console.test_cli import run

STAFF = """
people:
  - {handle: lee, name: Lee Park, department: Parks, organization: elmo}
  - {handle: pat, name: Pat Lee, department: Parks, supervisor: sam, organization: lax}
  - {handle: sam, name: Sam Ortiz, department: Parks, roles: [supervisor]}
  - {handle: max, name: Max Chen, department: Parks, roles: [department_director]}
  - {handle: alex, name: Alex Kim, department: IT, roles: [social_media_administrator]}
"""


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n"
        "  - {id: lax, name: City of La Crosse, policy: la-crosse, hr_contact: HR at City Hall}\n"
        "  - {id: elmo, name: City of Lake Elmo, policy: lake-elmo, hr_contact: the City Clerk}\n"
        + STAFF
    )
    return path


def say(app: App, text: str, person: str = "pat", policy: str | None = None) -> list[Reply]:
    """What the bot answers one message typed in a terminal (no --policy unless given)."""
    return app.bot.handle(Incoming("console", person, f"console:{person}", text, person, policy))


def chat(config: Path, user: str, *lines: str, policy: str | None = None) -> str:
    """`policybot chat --user USER` fed these lines, as a person types them."""
    options = ["--policy", policy] if policy else []
    result = run("chat", "--user", user, *options, config=config, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    return result.stdout


def logged(app: App) -> list[str]:
    return [row.text for row in unanswered.list_unanswered(app.db)]


# --- the person's organization --------------------------------------------------------


def test_the_policy_and_hr_contact_follow_the_persons_organization(config_file: Path) -> None:
    out = chat(config_file, "lee", "status", "how many vacation days do I get?")
    assert "Lake Elmo" in out and "La Crosse" not in out
    assert "please ask the City Clerk" in out  # Lake Elmo's HR, not La Crosse's
    chosen = chat(config_file, "lee", "status", policy="la-crosse")  # --policy overrides
    assert "City of La Crosse Social Media Policy" in chosen and "Lake Elmo" not in chosen


def test_someone_not_on_the_staff_list_gets_the_channels_policy(app: App) -> None:
    [reply] = say(app, "status", person="visitor")
    assert "City of La Crosse" in reply.text


# --- chit-chat is answered and never logged ----------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("hi", "greeting"),
        ("Hello there!", "greeting"),
        ("thanks!", "thanks"),
        ("ok", "okay"),
        ("1", "no_menu"),
        ("\x1b[A", "keys"),
        ("^[[A^[[B", "keys"),
        ("asdf", "not_understood"),
        ("deny abc", "usage"),
    ],
)
def test_chitchat_and_stray_input_get_a_kind_word_and_are_not_logged(
    app: App, typed: str, kind: str
) -> None:
    [reply] = say(app, typed)
    assert reply.kind == kind, reply.text
    assert "I don't know" not in reply.text
    assert logged(app) == []


def test_a_real_question_the_policy_does_not_cover_is_still_logged(app: App) -> None:
    say(app, "how many vacation days do I get?")
    assert logged(app) == ["how many vacation days do I get?"]


# --- numbered menus and "none of these" --------------------------------------------------


def test_a_number_picks_from_the_authorization_menu(app: App) -> None:
    [menu] = say(app, "request authorization")
    assert menu.kind == "request_kind" and "1." in menu.text
    [picked] = say(app, "1")
    assert picked.kind == "request_question", picked.text
    assert "City of La Crosse Social Media Policy, clause 5" in picked.text
    assert logged(app) == []


def test_none_of_these_sends_the_question_to_hr_like_an_unanswered_one(app: App) -> None:
    [choice] = say(app, "online at the office", person="lee")
    assert choice.kind == "did_you_mean"
    assert choice.buttons[-1].command == "none of these"
    none = len(choice.buttons)
    assert f"{none}. None of these" in choice.text
    [reply] = say(app, str(none), person="lee")
    assert reply.kind == "unknown" and "the City Clerk" in reply.text
    assert logged(app) == ["online at the office"]
    [again] = say(app, "none of these", person="lee")  # the menu is used up
    assert again.kind == "no_menu" and logged(app) == ["online at the office"]


# --- yes or no with a reason; dates in common forms ---------------------------------------


def test_a_yes_or_no_with_its_reason_answers_the_checklist(app: App) -> None:
    say(app, "check")
    [reply] = say(app, "no, im posting from home tonight")
    assert reply.kind == "checklist_question" and "Question 2" in reply.text, reply.text
    [reply] = say(app, "yes its for the parks dept page")
    assert reply.kind == "checklist_question" and "Question 3" in reply.text, reply.text
    assert logged(app) == []


def _to_dates(app: App) -> None:
    say(app, "request authorization needs-supervisor")
    say(app, "Post the pool reopening photos on the Parks Facebook page")
    say(app, "The pool reopens and residents ask when")
    say(app, "Parks Facebook page, from my work computer")


def test_dates_in_common_forms_are_read_back_and_ambiguous_ones_asked_again(
    app: App, clock: Clock
) -> None:
    today = clock().date()
    _to_dates(app)
    [ambiguous] = say(app, "8/9")
    assert ambiguous.kind == "request_question" and "could be" in ambiguous.text
    assert "August 9" in ambiguous.text and "September 8" in ambiguous.text
    [start] = say(app, "August 31")
    august_31 = date(today.year if today <= date(today.year, 8, 31) else today.year + 1, 8, 31)
    assert f"I read that as {august_31:%A}, August 31, {august_31.year}." in start.text
    [end] = say(app, "end of september")
    assert f"September 30, {august_31.year}" in end.text and end.kind == "request_confirm"


@pytest.mark.parametrize("typed", ["8/31", "August 31", "end of august", "aug 31st"])
def test_each_common_form_of_a_date_is_accepted(app: App, typed: str) -> None:
    _to_dates(app)
    [reply] = say(app, typed)
    assert "I read that as" in reply.text and "August 31" in reply.text, reply.text


# --- helpful or not, in words ------------------------------------------------------------


def test_helpful_or_not_can_be_said_in_words(app: App) -> None:
    [answer] = say(app, "can I post photos of my crew?")
    assert answer.kind == "answer"
    [thanks] = say(app, "that helped")
    assert thanks.kind == "feedback"
    [sorry] = say(app, "that wasn't helpful")
    assert sorry.kind == "feedback" and "HR at City Hall" in sorry.text
    [counts] = feedback_counts(app.db, "la-crosse")
    assert (counts.clause_id, counts.helpful, counts.not_helpful) == ("clause-9", 0, 1)
    assert logged(app) == []


def test_helpful_in_words_in_the_terminal(config_file: Path) -> None:
    out = chat(config_file, "pat", "can I post photos of my crew?", "that wasn't helpful")
    assert "HR reviews answers people found unhelpful" in out
    assert "I don't know" not in out


# --- hints, once ---------------------------------------------------------------------------


def test_next_step_hints_are_shown_once_and_never_mid_checklist_or_in_ask(
    config_file: Path,
) -> None:
    out = chat(
        config_file,
        "pat",
        "can I post photos of my crew?",
        "can I use my city email for personal posts?",
        "check",
        "can I be fired for a tiktok?",
    )
    assert out.count("Next: type") == 1
    checklist_part = out[out.index("Question 1") :]
    assert "Next: type" not in checklist_part
    asked = run("ask", "--policy", "la-crosse", "can I post photos of my crew?", config=config_file)
    assert asked.returncode == 0 and "Next:" not in asked.stdout


# --- a checklist resumed after a restart says so ---------------------------------------------


def test_an_unfinished_checklist_says_so_when_the_terminal_starts_again(config_file: Path) -> None:
    chat(config_file, "pat", "check", "no", "yes")
    again = chat(config_file, "pat", "yes")
    head, _, rest = again.partition("Answer yes or no")
    assert "You have an unfinished" in head and "question 3" in head
    assert "Question 3 of at most" in head
    assert "Question 4" in rest  # the answer typed next went to question 3


# --- approvals: the reason for a denial, and who a request still waits for ----------------


def _link_request(app: App) -> int:
    say(app, "request authorization needs-link-permission")
    say(app, "Link my blog from the Parks page")
    say(app, "Event photos")
    say(app, "Parks web page")
    say(app, "tomorrow")
    say(app, "end of the month")
    [sent] = say(app, "yes")
    assert sent.kind == "request_sent", sent.text
    return int(sent.data["request"])  # type: ignore[call-overload]


def test_deny_without_a_reason_asks_for_it_and_the_next_message_is_the_reason(app: App) -> None:
    number = _link_request(app)
    [asked] = say(app, f"deny {number}", person="max")
    assert asked.kind == "deny_reason" and "Why do you deny" in asked.text
    [denied] = say(app, "the page is not a City account", person="max")
    assert denied.kind == "decision" and "denied" in denied.text
    status = say(app, "status")[0].text
    assert "the page is not a City account" in status


def test_deny_without_a_reason_can_be_cancelled_and_nothing_is_recorded(app: App) -> None:
    number = _link_request(app)
    say(app, f"deny {number}", person="max")
    [cancelled] = say(app, "cancel", person="max")
    assert cancelled.kind == "cancelled"
    assert "has not decided yet" in say(app, "requests")[0].text


def test_after_the_first_of_two_approvals_the_approver_hears_who_it_waits_for(app: App) -> None:
    number = _link_request(app)
    [decision] = say(app, f"approve {number}", person="max")
    assert "It still waits for the social media administrator (Alex Kim)." in decision.text
    assert "pending" not in decision.text


def test_messages_name_citations_and_capacities_not_ids(app: App, clock: Clock) -> None:
    number = _link_request(app)
    say(app, f"approve {number}", person="max")
    texts = [say(app, "status")[0].text, say(app, "inbox", person="alex")[0].text]
    texts.append(say(app, "requests")[0].text)
    for person in ("pat", "max", "alex"):  # what each was sent: the request, the decision
        me = directory.person_on(app.db, "console", person, app.bot.clock())
        assert me is not None
        texts += [reply.text for reply in outbox.deliver_to_console(app.db, me.id, clock())]
    assert any("City of La Crosse Social Media Policy, clause 10" in text for text in texts)
    for text in texts:
        assert "clause-" not in text and "['" not in text and "la-crosse policy" not in text


# --- the draft pre-check's hints --------------------------------------------------------------


def test_draft_hints_read_cleanly_and_a_coworkers_time_is_not_the_posters(app: App) -> None:
    signals, question = say(app, "check: My coworker was on the clock again #lacrosse")
    assert signals.kind == "draft_signals"
    hint = next(line for line in signals.text.splitlines() if "#lacrosse" in line)
    assert hint.startswith("  - “#lacrosse”: The draft names the City of La Crosse")
    assert ".:" not in signals.text and ". (" not in signals.text
    assert "on the clock" not in signals.text
    assert "From your draft" not in question.text  # no suggested answer to "at work?"


def test_an_answer_after_a_long_pause_says_it_resumed_the_checklist(app: App, clock: Clock) -> None:
    say(app, "check")
    say(app, "no")
    clock.advance(hours=20)  # the bot restarted overnight; Pat answers in the morning
    [reply] = say(app, "yes")
    assert "Picking up your unfinished checklist from 2026-11-02" in reply.text
    assert "your answer went to question 2" in reply.text and "Question 3" in reply.text
    [next_one] = say(app, "no")
    assert "Picking up" not in next_one.text


def test_a_question_asked_instead_of_a_denials_reason_is_answered_not_sent(app: App) -> None:
    number = _link_request(app)
    say(app, f"deny {number}", person="max")
    [answer] = say(app, "can I post photos of my crew?", person="max")
    assert answer.kind == "answer"
    assert "has not decided yet" in say(app, "requests")[0].text  # nothing was decided


def test_a_number_picks_once(app: App) -> None:
    say(app, "request authorization")
    assert say(app, "1")[0].kind == "request_question"
    say(app, "cancel")
    assert say(app, "1")[0].kind == "no_menu"

"""The authorization workflow in chat: request, decide, tell, remind, escalate, expire."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from bot.app import App
from bot.approvals import authorizations
from bot.approvals.timers import run_due
from bot.delivery import outbox
from bot.people import directory
from bot.storage import audit
from tests.approvals.conftest import request, say
from tests.conftest import Clock


def inbox_of(app: App, handle: str) -> list[str]:
    """The messages waiting for someone in the terminal (delivered as they are read)."""
    person = directory.person_on(app.db, "console", handle, app.bot.clock())
    assert person is not None
    return [reply.text for reply in outbox.deliver_to_console(app.db, person.id, app.bot.clock())]


def status_of(app: App, number: int) -> str:
    [view] = [v for v in authorizations.requests_of(app.db) if v.id == number]
    return view.status


def test_a_request_goes_to_the_supervisor_who_approves_and_the_requester_is_told(
    app: App,
) -> None:
    first = say(app, "pat", "request authorization")
    assert first.kind == "request_kind"  # La Crosse has two kinds: clause 5 and clause 10
    number = request(app)
    [message] = inbox_of(app, "sam")
    assert f"authorization #{number}" in message and "Pat Lee" in message
    assert inbox_of(app, "dana") == []  # nothing for people who cannot decide
    decided = say(app, "sam", f"approve {number} Fine, for the reopening week")
    assert decided.kind == "decision" and "approved" in decided.text
    [told] = inbox_of(app, "pat")
    assert "Sam Ortiz, your supervisor, approved" in told
    assert "Fine, for the reopening week" in told
    status = say(app, "pat", "status").text
    assert f"#{number}" in status and "approved by Sam Ortiz" in status


def test_a_link_needs_both_the_director_and_the_administrator(app: App) -> None:
    number = request(app, kind="needs-link-permission")
    assert say(app, "dana", f"approve {number}").kind == "decision"
    assert status_of(app, number) == "pending"
    assert "It still waits for the social media administrator (Alex Kim)" in inbox_of(app, "pat")[0]
    say(app, "alex", f"approve {number} ok")
    assert status_of(app, number) == "approved"


def test_one_denial_denies_the_whole_request(app: App) -> None:
    number = request(app, kind="needs-link-permission")
    say(app, "alex", f"deny {number} Not on the city site, please")
    assert status_of(app, number) == "denied"
    refused = say(app, "dana", f"approve {number}")
    assert refused.kind == "refused" and "already denied" in refused.text


def test_refusals_are_clear_and_change_nothing(app: App, clock: Clock) -> None:
    number = request(app)
    before = audit.entries(app.db, request_id=number)
    cases = {
        ("pat", f"approve {number}"): "Nobody can decide their own request",
        ("alex", f"approve {number}"): "Only Pat Lee's supervisor can decide",
        ("lou", f"deny {number}"): "Only Pat Lee's supervisor can decide",
        ("sam", "approve 999"): "There is no request #999",
        ("stranger", f"approve {number}"): "staff list",
    }
    for (who, text), expected in cases.items():
        reply = say(app, who, text)
        assert reply.kind == "refused" and expected in reply.text, (who, reply.text)
    assert status_of(app, number) == "pending"
    assert audit.entries(app.db, request_id=number) == before


def test_a_decision_cannot_be_made_twice(app: App) -> None:
    number = request(app)
    say(app, "sam", f"approve {number}")
    again = say(app, "sam", f"deny {number}")
    assert again.kind == "refused" and "already approved" in again.text
    assert status_of(app, number) == "approved"


def test_nobody_can_decide_after_withdrawal_or_after_the_end_date(app: App, clock: Clock) -> None:
    withdrawn = request(app)
    assert say(app, "sam", f"withdraw {withdrawn}").kind == "refused"  # not theirs
    assert say(app, "pat", f"withdraw {withdrawn}").kind == "withdrawn"
    assert "withdrew" in inbox_of(app, "sam")[-1]
    assert "already withdrawn" in say(app, "sam", f"approve {withdrawn}").text
    late = request(app, start="2026-11-03", end="2026-11-05")
    clock.advance(days=4)
    refused = say(app, "sam", f"approve {late}")
    assert refused.kind == "refused" and "ended on 2026-11-05" in refused.text
    assert run_due(app.db, app.config.approvals, clock()).expired == 1
    assert status_of(app, late) == "expired"


def test_an_approved_authorization_expires_at_its_end_date(app: App, clock: Clock) -> None:
    number = request(app, start="2026-11-03", end="2026-11-04")
    say(app, "sam", f"approve {number}")
    inbox_of(app, "pat")
    clock.advance(days=3)
    run_due(app.db, app.config.approvals, clock())
    assert status_of(app, number) == "expired"
    assert "ended on 2026-11-04" in inbox_of(app, "pat")[0]


def test_a_pending_request_reminds_then_escalates_to_the_approvers_supervisor(
    app: App, clock: Clock
) -> None:
    number = request(app)
    inbox_of(app, "sam")
    clock.advance(hours=47)
    assert run_due(app.db, app.config.approvals, clock()).reminded == 0
    clock.advance(hours=2)
    assert run_due(app.db, app.config.approvals, clock()).reminded == 1
    assert run_due(app.db, app.config.approvals, clock()).reminded == 0  # once only
    assert inbox_of(app, "sam")[0].startswith("Reminder:")
    assert say(app, "max", f"approve {number}").kind == "refused"  # not yet escalated
    clock.advance(hours=72)
    assert run_due(app.db, app.config.approvals, clock()).escalated == 1
    assert inbox_of(app, "max")[0].startswith("Escalated to you")
    assert say(app, "max", f"approve {number}").kind == "decision"
    assert status_of(app, number) == "approved"
    actions = [entry.action for entry in audit.entries(app.db, request_id=number)]
    assert actions == ["requested", "reminded", "escalated", "approved", "request_approved"]


def test_two_approvers_deciding_at_once_are_both_recorded(app: App) -> None:
    numbers = [request(app, kind="needs-link-permission") for _ in range(6)]

    def decide(args: tuple[str, int]) -> str:
        who, number = args
        return say(app, who, f"approve {number}").kind

    jobs = [(who, number) for number in numbers for who in ("dana", "alex")]
    with ThreadPoolExecutor(4) as pool:
        kinds = list(pool.map(decide, jobs))
    assert kinds == ["decision"] * len(jobs)
    for number in numbers:
        assert status_of(app, number) == "approved"
        actions = [e.action for e in audit.entries(app.db, request_id=number)]
        assert sorted(actions) == ["approved", "approved", "request_approved", "requested"]


def test_the_same_person_cannot_give_both_approvals(app: App) -> None:
    say(app, "hana", "role add dana social_media_administrator")
    number = request(app, kind="needs-link-permission")
    say(app, "dana", f"approve {number}")
    second = say(app, "dana", f"approve {number}")
    assert second.kind == "refused" and "already decided" in second.text
    assert status_of(app, number) == "pending"


def test_a_request_without_anyone_to_decide_it_is_refused_before_questions(app: App) -> None:
    reply = say(app, "lou", "request authorization needs-supervisor")
    assert reply.kind == "request_refused" and "no supervisor on record" in reply.text
    assert say(app, "lou", "what is clause 9?").kind != "request_question"


def test_a_half_filled_request_survives_a_restart_and_cancel_drops_it(
    app: App, config_file: object, clock: Clock
) -> None:
    from bot.app import open_app

    say(app, "pat", "request authorization needs-supervisor")
    say(app, "pat", "Post the pool reopening photos")
    again = open_app(str(config_file), clock=clock)
    try:
        assert say(again, "pat", "x").text.startswith("Please say a little more")
        assert say(again, "pat", "Residents ask").data["step"] == "place"
        assert say(again, "pat", "cancel").kind == "request_cancelled"
        assert authorizations.requests_of(again.db) == []
    finally:
        again.close()


def test_dates_are_checked(app: App) -> None:
    say(app, "pat", "request authorization needs-supervisor")
    for text in ("Post photos", "Residents ask", "Facebook"):
        say(app, "pat", text)
    assert "couldn't read" in say(app, "pat", "next week-ish").text
    assert "cannot be in the past" in say(app, "pat", "2026-10-01").text
    say(app, "pat", "tomorrow")
    assert "on or after the start" in say(app, "pat", "2026-11-01").text
    assert "at most a year" in say(app, "pat", "2028-01-01").text
    assert say(app, "pat", "12/31/2026").kind == "request_confirm"


def test_a_checklist_needing_the_supervisor_offers_the_request(app: App) -> None:
    say(app, "pat", "check")
    for answer in ("yes", "yes", "no", "yes"):
        verdict = say(app, "pat", answer)
    assert verdict.text.startswith("Verdict: Needs authorization first.")
    [button] = [b for b in verdict.buttons if b.label == "Request authorization"]
    first = say(app, "pat", button.command)
    assert first.kind == "request_question" and "your supervisor" in first.text


def test_hr_manages_roles_and_supervisors_in_chat_with_an_audit_trail(app: App) -> None:
    assert "Only HR" in say(app, "pat", "role add pat hr").text
    assert "Done" in say(app, "hana", "role add lou supervisor").text
    assert "already has" in say(app, "hana", "role add lou supervisor").text
    assert "not a role" in say(app, "hana", "role add lou wizard").text
    assert "Done" in say(app, "hana", "supervisor set Lou Park to Sam Ortiz").text
    assert "loop" in say(app, "hana", "supervisor set sam lou").text
    assert "Done" in say(app, "hana", "role remove lou supervisor").text
    actions = [
        (e.actor, e.action, e.subject) for e in audit.entries(app.db) if e.actor == "Hana Ito"
    ]
    assert actions == [
        ("Hana Ito", "role_added", "Lou Park"),
        ("Hana Ito", "supervisor_set", "Lou Park"),
        ("Hana Ito", "role_removed", "Lou Park"),
    ]

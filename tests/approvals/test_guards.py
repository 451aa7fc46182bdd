"""The workflow's guards, each with a test that fails when that guard is taken out: the last
day of a request is still a day to decide it; nobody approves their own request (checked where
approvers are chosen, where a decider is allowed, where a decision is taken, and where a request
is escalated); a decision taken by escalation says so, to the approver and to the requester.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.app import App
from bot.approvals import authorizations
from bot.approvals.approvers import refusal
from bot.approvals.timers import run_due
from bot.delivery import outbox
from bot.people import directory
from bot.storage.models import Approval, AuthorizationRequest, Person
from tests.approvals.conftest import request, say
from tests.conftest import Clock
from tests.console.test_cli import run


def messages_for(app: App, handle: str) -> list[str]:
    """What is waiting for someone in the terminal (read, and so marked delivered)."""
    person = directory.person_on(app.db, "console", handle, app.bot.clock())
    assert person is not None
    return [reply.text for reply in outbox.deliver_to_console(app.db, person.id, app.bot.clock())]


def status_of(app: App, number: int) -> str:
    [view] = [v for v in authorizations.requests_of(app.db) if v.id == number]
    return view.status


def test_a_request_can_still_be_decided_on_its_last_day(app: App, clock: Clock) -> None:
    number = request(app, start="2026-11-03", end="2026-11-05")
    clock.advance(days=3)  # 2026-11-05, the last day, in the afternoon
    assert clock().date().isoformat() == "2026-11-05"
    decided = say(app, "sam", f"approve {number}")
    assert decided.kind == "decision", decided.text
    assert status_of(app, number) == "approved"


def test_nobody_decides_their_own_request_when_they_try(app: App) -> None:
    number = request(app)
    refused = say(app, "pat", f"approve {number}")
    assert refused.kind == "refused" and refused.text == "Nobody can decide their own request."


def test_a_director_asking_is_never_made_their_own_approver(app: App) -> None:
    """Dana directs Parks; Max directs it too: Dana's link request goes to Max, not to her."""
    number = request(app, who="dana", kind="needs-link-permission")
    [view] = [v for v in authorizations.requests_of(app.db) if v.id == number]
    director = next(a for a in view.approvals if a.role == "department_director")
    assert director.assigned_to == "Max Chen"
    assert not any(f"#{number}" in text for text in messages_for(app, "dana"))
    assert any(f"authorization #{number}" in text for text in messages_for(app, "max"))


def test_the_only_director_asking_hears_why_nobody_can_approve(app: App) -> None:
    say(app, "hana", "role remove max department_director")
    refused = say(app, "dana", "request authorization needs-link-permission")
    assert refused.kind == "request_refused"
    assert "you are the only director of your department on record" in refused.text
    assert "nobody approves their own request" in refused.text


def test_a_request_escalated_to_its_requester_by_mistake_is_not_theirs_to_decide(
    app: App,
) -> None:
    """Stored data the escalation never writes (it is checked below), as after a staff-list
    change: the approval names the requester as the one it was escalated to."""
    number = request(app)
    with app.db.session() as session:
        pat = session.scalars(select(Person).where(Person.handle == "pat")).one()
        approval = session.scalars(select(Approval).where(Approval.request_id == number)).one()
        approval.escalated_to_id = pat.id
    me = directory.person_on(app.db, "console", "pat", app.bot.clock())
    assert me is not None
    assert authorizations.inbox(app.db, me) == []
    assert say(app, "pat", "inbox").text == "Nothing is waiting for your decision."
    with app.db.session() as session:
        stored = session.get(AuthorizationRequest, number)
        assert stored is not None
        approval = session.scalars(select(Approval).where(Approval.request_id == number)).one()
        requester = session.get(Person, stored.requester_id)
        assert requester is not None
        why = refusal(session, approval, requester, requester.id)
    assert why == f"Pat Lee asked for request #{number}, and nobody decides their own request"


def test_escalation_never_reaches_the_requester(app: App, clock: Clock) -> None:
    """Max, who would decide Dana's request, reports to Dana: the escalation goes to HR."""
    assert say(app, "hana", "supervisor set max to dana").kind == "people_changed"
    number = request(app, who="dana", kind="needs-link-permission")
    messages_for(app, "dana")
    clock.advance(hours=121)
    report = run_due(app.db, app.config.approvals, clock())
    assert report.escalated == 0
    assert not any("Escalated to you" in text for text in messages_for(app, "dana"))
    told_hr = " ".join(messages_for(app, "hana"))
    assert f"Request #{number} by Dana Fox has waited" in told_hr
    assert "the one above them is the requester" in told_hr
    assert say(app, "dana", f"approve {number}").kind == "refused"


def test_a_decision_by_escalation_is_labelled_in_its_real_capacity(app: App, clock: Clock) -> None:
    number = request(app)
    clock.advance(hours=121)
    assert run_due(app.db, app.config.approvals, clock()).escalated == 1
    messages_for(app, "pat")
    decided = say(app, "max", f"approve {number} fine by me")
    assert decided.kind == "decision"
    assert "as Sam Ortiz's supervisor, to whom the request was escalated" in decided.text
    assert "as Pat Lee's supervisor." not in decided.text
    [told] = messages_for(app, "pat")
    assert told.startswith(
        f"Max Chen, Sam Ortiz's supervisor, to whom your request was escalated, approved your "
        f"request #{number}"
    )
    assert "(your supervisor)" not in told
    listed = say(app, "pat", "requests").text
    assert "approved by Max Chen, Sam Ortiz's supervisor, to whom it was escalated" in listed


def test_an_approver_is_not_asked_to_decide_a_request_withdrawn_meanwhile(
    app: App, config_file: Path
) -> None:
    number = request(app)
    assert say(app, "pat", f"withdraw {number}").kind == "withdrawn"
    result = run("chat", "--user", "sam", config=config_file, stdin="")
    assert result.returncode == 0, result.stderr
    assert "asks for authorization" not in result.stdout  # the request itself is obsolete
    assert f"withdrew request #{number}" in result.stdout

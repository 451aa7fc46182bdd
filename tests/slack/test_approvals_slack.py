"""The approval workflow in Slack: the approver gets a DM with buttons; the requester is told."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from adapters.slack.bolt_app import web_client
from adapters.slack.outbox_delivery import slack_worker
from adapters.slack.settings import slack_settings
from bot.app import App
from bot.approvals import authorizations
from bot.delivery import outbox
from bot.messages import Reply
from bot.storage.models import Person
from tests.slack.conftest import Served, slack_environment
from tests.slack.fake_slack import FakeSlack


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n  - {id: lax, name: City of La Crosse, policy: la-crosse}\n"
        "slack:\n  enabled: true\n  default_organization: lax\n"
        "people:\n"
        "  - {handle: pat, name: Pat Lee, department: Parks, supervisor: sam, slack: U-PAT}\n"
        "  - {handle: sam, name: Sam Ortiz, department: Parks, roles: [supervisor], slack: U-SAM}\n"
        "  - {handle: ghost, name: Gus Host, department: Parks, supervisor: sam, slack: U-GONE}\n"
    )
    return path


def to(fake: FakeSlack, channel: str) -> list[dict[str, Any]]:
    return [
        {**call.args, "ts": f"1700000000.{n:06d}"}
        for n, call in enumerate(fake.of("chat.postMessage"), start=1)
        if call.args.get("channel") == channel
    ]


async def test_a_supervisor_approves_from_the_slack_dm(
    served: Served, app: App, fake: FakeSlack
) -> None:
    answers = [
        "request authorization needs-supervisor",
        "Post the pool reopening photos",
        "Residents keep asking",
        "Parks Facebook page",
        (app.bot.clock().date() + timedelta(days=29)).isoformat(),
        (app.bot.clock().date() + timedelta(days=59)).isoformat(),
        "yes",
    ]
    for number, text in enumerate(answers):
        await served.dm(text, f"EvA{number}", user="U-PAT")
        await served.idle()
    [request] = await fake.wait_for(lambda: to(fake, "U-SAM"))
    assert "Pat Lee (Parks) asks for authorization #1" in request["text"]
    await served.press(request, "Approve", user="U-SAM", channel="D-U-SAM")
    await served.idle()
    [view] = authorizations.requests_of(app.db)
    assert view.status == "approved" and view.approvals[0].decided_by == "Sam Ortiz"
    [told] = await fake.wait_for(lambda: to(fake, "U-PAT"))
    assert "Sam Ortiz, your supervisor, approved your request #1" in told["text"]
    [confirmation] = to(fake, "D-U-SAM")
    assert confirmation["text"].startswith("Recorded: you approved request #1")


async def test_someone_slack_cannot_reach_is_reported_not_dropped(
    app: App, fake: FakeSlack
) -> None:
    original = fake._answer

    def gone(method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "chat.postMessage" and args.get("channel") == "U-GONE":
            return {"ok": False, "error": "user_not_found"}
        return original(method, args)

    fake._answer = gone  # type: ignore[method-assign]
    with app.db.session() as session:
        for handle in ("ghost", "pat"):
            person = session.scalars(select(Person).where(Person.handle == handle)).one()
            outbox.enqueue(
                session,
                person_id=person.id,
                topic="note",
                reply=Reply(kind="note", text=f"hello {handle}"),
                now=app.bot.clock(),
            )
    settings = slack_settings(slack_environment(fake), socket_mode=False)
    delivery = slack_worker(app, lambda team: web_client(settings, settings.token_for(team)))
    assert await delivery.deliver_due() == 1
    assert {call.args["channel"] for call in fake.of("chat.postMessage")} == {"U-GONE", "U-PAT"}
    [undelivered] = outbox.undelivered(app.db)
    assert (undelivered.person, undelivered.status) == ("Gus Host", "unreachable")
    assert undelivered.last_error == "Slack: user_not_found"
    assert await delivery.deliver_due() == 0  # nothing is sent twice

"""The approval workflow in Teams: the approver gets a card with Approve and Deny."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.approvals import authorizations
from tests.teams.conftest import TENANT_LAX, Teams


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n  - {id: lax, name: City of La Crosse, policy: la-crosse}\n"
        f"teams:\n  enabled: true\n  tenants: {{{TENANT_LAX}: lax}}\n"
        "people:\n"
        "  - {handle: pat, name: Pat Lee, department: Parks, supervisor: sam, teams: aad-pat}\n"
        "  - {handle: sam, name: Sam Ortiz, department: Parks, roles: [supervisor],"
        " teams: aad-sam}\n"
        "  - {handle: new, name: Nia Ew, department: Parks, supervisor: sam, teams: aad-new}\n"
    )
    return path


async def walk_request(teams: Teams, app: App, person: str) -> None:
    """The request dialog, with dates a month ahead of the bot's clock."""
    today = app.bot.clock().date()
    for text in (
        "request authorization needs-supervisor",
        "Post the pool reopening photos",
        "Residents keep asking",
        "Parks Facebook page",
        (today + timedelta(days=29)).isoformat(),
        (today + timedelta(days=59)).isoformat(),
        "yes",
    ):
        await teams.say(text, person=person, conversation=f"a:{person}-personal")


async def test_a_supervisor_approves_from_a_teams_card(teams: Teams, app: App) -> None:
    await teams.say("hello", person="aad-sam", conversation="a:aad-sam-personal")
    await walk_request(teams, app, "aad-pat")
    assert teams.mount.outbox is not None
    await teams.mount.outbox.deliver_due()
    [card] = [c for c in teams.connector.posted() if "a:aad-sam-personal" in c.path][-1:]
    assert "Pat Lee (Parks) asks for authorization #1" in card.shown
    approve = card.submits()["Approve"]
    await teams.post(
        teams.submit(
            approve, card.assigned_id or "", person="aad-sam", conversation="a:aad-sam-personal"
        )
    )
    [view] = authorizations.requests_of(app.db)
    assert view.status == "approved" and view.approvals[0].decided_by == "Sam Ortiz"
    await teams.mount.outbox.deliver_due()
    told = [c for c in teams.connector.posted() if "a:aad-pat-personal" in c.path][-1]
    assert "Sam Ortiz, your supervisor, approved your request #1" in told.shown


async def test_an_approver_teams_never_met_is_reported(teams: Teams, app: App) -> None:
    from bot.delivery import outbox

    await walk_request(teams, app, "aad-new")  # Sam never talked to the bot on Teams
    assert teams.mount.outbox is not None
    await teams.mount.outbox.deliver_due()
    [undelivered] = outbox.undelivered(app.db)
    assert (undelivered.person, undelivered.status) == ("Sam Ortiz", "unreachable")
    assert "no conversation reference" in (undelivered.last_error or "")

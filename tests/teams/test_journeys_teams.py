"""Issue 19's journeys in Teams, over real HTTP into the served app and a fake Bot Connector:
the person's own organization, chit-chat that is never logged, "None of these" on the card,
"that wasn't helpful" in words, and the reason the Deny button asks for.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.approvals import authorizations
from bot.conversation import unanswered
from bot.conversation.feedback import feedback_counts
from tests.teams.conftest import TENANT_LAX, Teams


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n"
        "  - {id: lax, name: City of La Crosse, policy: la-crosse, hr_contact: HR at City Hall}\n"
        "  - {id: elmo, name: City of Lake Elmo, policy: lake-elmo, hr_contact: the City Clerk}\n"
        f"teams:\n  enabled: true\n  tenants: {{{TENANT_LAX}: lax}}\n"
        "people:\n"
        "  - {handle: lee, name: Lee Park, department: Parks, organization: elmo, teams: aad-lee}\n"
        "  - {handle: pat, name: Pat Lee, department: Parks, supervisor: sam, teams: aad-pat}\n"
        "  - {handle: sam, name: Sam Ortiz, department: Parks, roles: [supervisor],"
        " teams: aad-sam}\n"
    )
    return path


async def say(teams: Teams, person: str, text: str) -> str:
    calls = await teams.say(text, person=person, conversation=f"a:{person}-personal")
    return "\n".join(call.shown for call in calls)


async def test_the_persons_organization_sets_the_policy_in_a_tenant_of_another_city(
    teams: Teams,
) -> None:
    shown = await say(teams, "aad-lee", "status")
    assert "City of Lake Elmo" in shown and "La Crosse" not in shown
    assert "the City Clerk" in await say(teams, "aad-lee", "how many vacation days do I get?")


async def test_chitchat_is_answered_and_never_logged(teams: Teams, app: App) -> None:
    assert "Hello!" in await say(teams, "aad-pat", "hello")
    assert "You're welcome" in await say(teams, "aad-pat", "thanks!")
    assert "arrow key" in await say(teams, "aad-pat", "^[[A")
    assert unanswered.list_unanswered(app.db) == []


async def test_none_of_these_on_the_card_logs_the_question(teams: Teams, app: App) -> None:
    [card] = await teams.say(
        "online at the office", person="aad-lee", conversation="a:aad-lee-personal"
    )
    press = teams.submit(
        card.submits()["None of these"],
        card.assigned_id or "",
        person="aad-lee",
        conversation="a:aad-lee-personal",
    )
    assert await teams.post(press) == 201
    assert "the City Clerk" in teams.connector.posted()[-1].shown
    assert [row.text for row in unanswered.list_unanswered(app.db)] == ["online at the office"]


async def test_that_wasnt_helpful_in_words_is_recorded_like_the_button(
    teams: Teams, app: App
) -> None:
    await say(teams, "aad-pat", "can I post photos of my crew?")
    assert "HR reviews answers" in await say(teams, "aad-pat", "that wasn't helpful")
    [counts] = feedback_counts(app.db, "la-crosse")
    assert (counts.clause_id, counts.not_helpful) == ("clause-9", 1)


async def test_the_deny_button_asks_for_the_reason(teams: Teams, app: App) -> None:
    await say(teams, "aad-sam", "hello")
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
        await say(teams, "aad-pat", text)
    assert teams.mount.outbox is not None
    await teams.mount.outbox.deliver_due()
    [card] = [c for c in teams.connector.posted() if "a:aad-sam-personal" in c.path][-1:]
    deny = teams.submit(
        card.submits()["Deny"],
        card.assigned_id or "",
        person="aad-sam",
        conversation="a:aad-sam-personal",
    )
    assert await teams.post(deny) == 201
    assert "Why do you deny request #1?" in teams.connector.posted()[-1].shown
    assert authorizations.requests_of(app.db)[0].status == "pending"
    assert "denied" in await say(teams, "aad-sam", "the pool is not open yet")
    await teams.mount.outbox.deliver_due()
    told = [c for c in teams.connector.posted() if "a:aad-pat-personal" in c.path][-1]
    assert "Reason: the pool is not open yet" in told.shown

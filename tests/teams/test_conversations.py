"""Teams conversations over real HTTP: Activity JSON posted to `policybot serve`'s web app,
replies caught by a fake Bot Connector on 127.0.0.1."""

from __future__ import annotations

from bot.acknowledgements import acks
from bot.app import App
from bot.checklists import progress
from bot.delivery.contacts import contact_for
from tests.teams.conftest import BOT, TENANT_ELMO, Teams


async def test_question_is_answered_with_a_card_quoting_and_citing_the_clause(
    teams: Teams,
) -> None:
    question = teams.activity("can I post photos of my crew?", activity_id="in-q1")
    assert await teams.post(question) == 201
    [reply] = teams.connector.posted()
    assert reply.path == "/v3/conversations/a:alice-personal/activities/in-q1"
    card = reply.card
    assert card is not None and card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert "photographs of other employees" in reply.shown
    assert "City of La Crosse Social Media Policy, clause 9 · version 1" in reply.shown
    assert "Was this helpful?" in reply.shown
    buttons = reply.submits()
    assert buttons["I acknowledge the policy"] == {"policybot": "ack", "card": "answer"}
    assert buttons["Start the checklist"]["policybot"] == "check"
    assert buttons["Yes, helpful"]["policybot"] == "feedback clause-9 yes"
    assert "photographs of other employees" in card["fallbackText"]  # the text fallback


async def test_acknowledging_by_card_is_recorded_once_even_when_delivered_twice(
    teams: Teams, app: App
) -> None:
    [answer] = await teams.say("can I post photos of my crew?")
    press = teams.submit(answer.submits()["I acknowledge the policy"], answer.assigned_id or "")
    assert await teams.post(press) == 201
    assert await teams.post(press) == 201  # Teams delivers the same activity again
    thanks = teams.connector.posted()[1:]
    assert [call.shown[:36] for call in thanks] == ["Thank you. I recorded that you ackno"]
    [row] = acks.list_acknowledgements(app.db, "la-crosse")
    assert (row.platform, row.person, row.display_name) == ("teams", "aad-alice", "Alice Example")

    again = teams.submit(answer.submits()["I acknowledge the policy"], answer.assigned_id or "")
    assert await teams.post(again) == 201  # a second press is a new activity
    assert "You already acknowledged" in teams.connector.posted()[-1].shown
    assert len(acks.list_acknowledgements(app.db, "la-crosse")) == 1


async def test_checklist_is_walked_to_a_verdict_on_one_card_updated_in_place(
    teams: Teams, app: App
) -> None:
    [card] = await teams.say("check")
    assert "Question 1 of at most" in card.shown
    assert card.assigned_id
    shown = card
    for answer in ("Yes", "Yes", "No", "Yes"):
        before = len(teams.connector.calls)
        press = teams.submit(shown.submits()[answer], card.assigned_id)
        assert await teams.post(press) == 201
        [shown] = teams.connector.calls[before:]  # one call: the card replaced, nothing new
        assert shown.method == "PUT"
        assert shown.path == f"/v3/conversations/a:alice-personal/activities/{card.assigned_id}"
    assert "Verdict: Needs authorization first." in shown.shown
    assert "clause 5" in shown.shown
    assert shown.submits()["Check another post"]["policybot"] == "check"
    [result] = progress.list_checklist_results(app.db, "la-crosse")
    assert result.verdict == "needs_authorization" and result.platform == "teams"

    stale = teams.submit({"policybot": "checklist at_work no", "card": "checklist_question"}, "x")
    assert await teams.post(stale) == 201  # a button of the finished checklist changes nothing
    assert "already finished or cancelled" in teams.connector.posted()[-1].shown
    assert len(progress.list_checklist_results(app.db, "la-crosse")) == 1


async def test_install_brings_a_welcome_card_saying_what_the_bot_does(
    teams: Teams, app: App
) -> None:
    install = teams.activity(kind="conversationUpdate", membersAdded=[dict(BOT)])
    assert await teams.post(install) == 201
    assert await teams.post(install) == 201  # redelivered: welcomed once
    [welcome] = teams.connector.posted()
    assert "Welcome to PolicyBot" in welcome.shown
    assert "City of La Crosse Social Media Policy" in welcome.shown
    assert "checklist" in welcome.shown and "acknowledged" in welcome.shown
    assert set(welcome.submits()) == {"Start the checklist", "My status"}
    contact = contact_for(app.db, platform="teams", person="aad-alice")
    assert contact is not None and contact.workspace == "tenant-lax"


async def test_team_install_welcomes_the_channel_and_says_to_mention_the_bot(
    teams: Teams,
) -> None:
    install = teams.activity(
        kind="conversationUpdate",
        conversation="19:general@thread.tacv2",
        conversation_type="channel",
        membersAdded=[dict(BOT)],
    )
    assert await teams.post(install) == 201
    [welcome] = teams.connector.posted()
    assert welcome.path.startswith("/v3/conversations/19:general@thread.tacv2/activities")
    assert "Mention me (@PolicyBot)" in welcome.shown


async def test_mention_in_a_channel_is_answered_in_its_thread_with_the_mention_stripped(
    teams: Teams,
) -> None:
    thread = "19:city-comms@thread.tacv2;messageid=1730561400000"
    mention = {
        "type": "mention",
        "mentioned": dict(BOT),
        "text": "<at>PolicyBot</at>",
    }
    options = {"conversation": thread, "conversation_type": "channel", "entities": [mention]}
    [reply] = await teams.say("<at>PolicyBot</at> status", **options)
    assert reply.path.startswith(f"/v3/conversations/{thread}/activities/")
    assert "You have not acknowledged the City of La Crosse" in reply.shown
    [reply] = await teams.say("<at>PolicyBot</at>&nbsp;can I post photos of my crew?", **options)
    assert "clause 9" in reply.shown


async def test_each_tenant_gets_its_own_citys_policy(teams: Teams) -> None:
    [reply] = await teams.say("can I post photos of my crew?", tenant=TENANT_ELMO)
    assert "Lake Elmo" in reply.shown


async def test_a_card_submit_without_policybot_data_is_politely_ignored(
    teams: Teams, app: App
) -> None:
    assert await teams.post(teams.submit({"action": "something else"}, "act-9")) == 201
    [reply] = teams.connector.posted()
    assert reply.shown == "Sorry, I can't act on that card. Type 'help' to see what I can do."
    assert acks.list_acknowledgements(app.db, "la-crosse") == []


async def test_activities_the_bot_does_not_use_are_accepted_and_ignored(teams: Teams) -> None:
    assert await teams.post(teams.activity(kind="typing")) == 201
    assert await teams.post(teams.activity(kind="messageReaction")) == 201
    response = await teams.client.post("/api/messages", json=teams.activity(kind="invoke"))
    assert response.status == 200 and await response.json() == {}  # acknowledged, not a 500
    assert teams.connector.calls == []


async def test_the_whole_policy_is_read_page_by_page_from_the_card(teams: Teams) -> None:
    [first] = await teams.say("policy")
    assert "Page 1 of" in first.shown and "Clause 1" in first.shown
    buttons = first.submits()
    [next_page] = [label for label in buttons if label.startswith("Next page")]
    assert await teams.post(teams.submit(buttons[next_page], first.assigned_id or "")) == 201
    second = teams.connector.posted()[-1]
    assert "Page 2 of" in second.shown and "Clause 1\n" not in second.shown

"""Proactive messages from stored conversation references; nobody is silently dropped."""

from __future__ import annotations

from bot.app import App
from bot.delivery.contacts import contact_for
from bot.messages import Button, Reply
from tests.teams.conftest import Teams

REMINDER = Reply(
    kind="reminder",
    text="Version 2 of the policy is out. Please read it and acknowledge it.",
    title="Policy update",
    buttons=(Button("I acknowledge the policy", "ack", "primary"),),
)


async def test_a_person_who_talked_to_the_bot_gets_a_proactive_message(teams: Teams) -> None:
    await teams.say("hello", activity_id="in-first")
    notifier = teams.mount.notifier
    assert notifier is not None
    before = len(teams.connector.calls)

    delivery = await notifier.send("aad-alice", [REMINDER])

    [call] = teams.connector.calls[before:]
    assert call.method == "POST"
    assert call.path == "/v3/conversations/a:alice-personal/activities"  # new, not a reply
    assert call.body["recipient"]["id"] == "29:aad-alice"
    assert "Version 2 of the policy is out" in call.shown
    assert call.submits()["I acknowledge the policy"]["policybot"] == "ack"
    assert delivery.delivered and delivery.reason is None
    assert delivery.activity_ids == (call.assigned_id,)


async def test_a_press_on_the_proactive_card_acknowledges(teams: Teams) -> None:
    await teams.say("hello")
    assert teams.mount.notifier is not None
    delivery = await teams.mount.notifier.send("aad-alice", [REMINDER])
    press = teams.submit({"policybot": "ack", "card": "reminder"}, delivery.activity_ids[0])
    assert await teams.post(press) == 201
    assert "Thank you. I recorded" in teams.connector.posted()[-1].shown


async def test_someone_only_seen_in_a_channel_is_messaged_in_a_new_one_to_one_chat(
    teams: Teams, app: App
) -> None:
    channel = {"conversation": "19:comms@thread.tacv2;messageid=1", "conversation_type": "channel"}
    await teams.say("status", person="aad-bob", name="Bob", **channel)
    assert teams.mount.notifier is not None
    before = len(teams.connector.calls)

    delivery = await teams.mount.notifier.send("aad-bob", [REMINDER])

    create, post = teams.connector.calls[before:]
    assert (create.method, create.path) == ("POST", "/v3/conversations")
    assert create.body["members"] == [{"id": "29:aad-bob"}]
    assert create.body["isGroup"] is False
    assert post.path.startswith("/v3/conversations/a:personal-")
    assert delivery.delivered
    contact = contact_for(app.db, platform="teams", person="aad-bob")
    assert contact is not None
    assert contact.reference["conversation"]["conversationType"] == "personal"


async def test_people_who_cannot_be_reached_are_reported_with_the_reason(teams: Teams) -> None:
    await teams.say("hello")
    await teams.say("hello", person="aad-carol", conversation="a:carol-personal")
    await teams.say(
        "status", person="aad-dan", conversation="19:x@thread.tacv2", conversation_type="channel"
    )
    assert teams.mount.notifier is not None
    before = len(teams.connector.calls)
    teams.connector.refuse(403)  # Carol removed the app: her chat refuses the bot
    teams.connector.refuse(403)  # Dan has not installed it: no one-to-one chat can be opened

    deliveries = await teams.mount.notifier.send_many(
        ["aad-carol", "aad-dan", "aad-nobody", "aad-alice"], [REMINDER]
    )

    by_person = {delivery.person: delivery for delivery in deliveries}
    assert list(by_person) == ["aad-carol", "aad-dan", "aad-nobody", "aad-alice"]
    assert not by_person["aad-carol"].delivered
    assert "Teams refused the message (HTTP 403" in (by_person["aad-carol"].reason or "")
    assert not by_person["aad-dan"].delivered and "403" in (by_person["aad-dan"].reason or "")
    assert not by_person["aad-nobody"].delivered
    assert "have not talked to the bot or installed the app" in (
        by_person["aad-nobody"].reason or ""
    )
    assert by_person["aad-alice"].delivered
    assert len(teams.connector.calls[before:]) == 3  # Carol, Dan's chat, Alice


async def test_a_message_cut_short_reports_what_got_through(teams: Teams) -> None:
    await teams.say("hello")
    assert teams.mount.notifier is not None
    teams.connector.refuse(404, after=1)  # the first reply goes through, the second does not

    delivery = await teams.mount.notifier.send(
        "aad-alice", [REMINDER, Reply(kind="reminder", text="And one more thing.")]
    )

    assert not delivery.delivered and "HTTP 404" in (delivery.reason or "")
    assert delivery.activity_ids == (teams.connector.posted()[-2].assigned_id,)

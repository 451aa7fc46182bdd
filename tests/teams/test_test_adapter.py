"""The core through botbuilder's own TestAdapter: the same turn logic the HTTP endpoint runs."""

from __future__ import annotations

from typing import Any

from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ChannelAccount, Mention

from adapters.teams.gateway import botbuilder_bot
from adapters.teams.turns import TeamsTurns
from bot.acknowledgements import acks
from bot.app import App


def adapter_for(app: App) -> TestAdapter:
    return TestAdapter(botbuilder_bot(TeamsTurns(app).on_activity).on_turn)


def card_of(activity: Activity) -> dict[str, Any]:
    [attachment] = activity.attachments
    assert attachment.content_type == "application/vnd.microsoft.card.adaptive"
    content: dict[str, Any] = attachment.content
    return content


def replies(adapter: TestAdapter) -> list[Activity]:
    sent = list(adapter.activity_buffer)
    adapter.activity_buffer.clear()
    return sent


async def test_a_question_gets_a_card_and_ack_is_recorded_for_the_teams_user(app: App) -> None:
    adapter = adapter_for(app)
    await adapter.send("can I post photos of my crew?")
    [answer] = replies(adapter)
    card = card_of(answer)
    assert "clause 9" in card["fallbackText"]
    assert (
        card["body"][0]["text"]
        == "City name and logo, privileged information, city documents and photos"
    )

    await adapter.send(Activity(type="message", text="", value={"policybot": "ack"}))
    [thanks] = replies(adapter)
    assert thanks.text.startswith("Thank you. I recorded that you acknowledged")
    [row] = acks.list_acknowledgements(app.db, "la-crosse")
    assert (row.platform, row.person) == ("teams", "User1")


async def test_a_checklist_button_updates_its_card_instead_of_posting_a_new_one(
    app: App,
) -> None:
    adapter = adapter_for(app)
    await adapter.send("check")
    [question] = replies(adapter)
    assert "Question 1 of at most" in card_of(question)["fallbackText"]

    press = {"policybot": "checklist at_work yes", "card": "checklist_question"}
    await adapter.send(Activity(type="message", text="", value=press, reply_to_id="card-1"))

    assert replies(adapter) == []
    [updated] = adapter.updated_activities
    assert updated.id == "card-1"
    assert "Is this part of your job" in card_of(updated)["fallbackText"]


async def test_the_mention_of_the_bot_is_stripped_before_the_core_reads_it(app: App) -> None:
    adapter = adapter_for(app)
    mention = Mention(
        mentioned=ChannelAccount(id="bot", name="Bot"), text="<at>Bot</at>", type="mention"
    )
    await adapter.send(Activity(type="message", text="<at>Bot</at> help", entities=[mention]))
    [help_card] = replies(adapter)
    assert card_of(help_card)["body"][0]["text"] == "What I can do"

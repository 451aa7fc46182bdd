"""Slack end to end: signed requests into the real server, replies caught by the fake Slack."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from bot.acknowledgements import acks
from bot.app import App
from bot.checklists import progress
from bot.conversation import unanswered
from bot.conversation.feedback import feedback_counts
from tests.slack.conftest import Served
from tests.slack.fake_slack import BOT_ID, BOT_USER, FakeSlack


def posted(fake: FakeSlack, channel: str) -> list[dict[str, Any]]:
    """Messages posted to a channel, each with the ts the fake gave it."""
    return [
        {**call.args, "ts": f"1700000000.{n:06d}"}
        for n, call in enumerate(fake.of("chat.postMessage"), start=1)
        if call.args.get("channel") == channel
    ]


def block_text(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks", []))


async def test_a_dm_question_is_answered_with_the_clause_quoted_and_cited(
    served: Served, fake: FakeSlack
) -> None:
    await served.dm("can I post photos of my crew?", "Ev1")
    [message] = await fake.wait_for(lambda: posted(fake, "D-U1"))
    assert "clause 9" in message["text"]
    blocks = block_text(message)
    assert "City of La Crosse Social Media Policy, clause 9" in blocks
    assert "version 1" in blocks and "Was this helpful?" in blocks
    assert '"text": "I acknowledge the policy"' in blocks


async def test_a_workspace_mapped_to_lake_elmo_gets_lake_elmo_answers(
    served: Served, fake: FakeSlack
) -> None:
    await served.dm("can I use my city email for personal posts?", "Ev2", team="T0002")
    [message] = await fake.wait_for(lambda: posted(fake, "D-U1"))
    assert "Lake Elmo" in block_text(message)


async def test_url_verification_echoes_the_challenge(served: Served) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"})
    response = await served.post(body, "application/json")
    assert response.status == 200
    assert (await response.json()) == {"challenge": "abc123"}


async def test_the_slash_command_acks_at_once_and_answers_privately(
    served: Served, fake: FakeSlack
) -> None:
    response = await served.command("can I post photos of my crew?")
    assert response.status == 200
    [answer] = await fake.wait_for(lambda: fake.responses)
    assert answer["response_type"] == "ephemeral" and "clause 9" in answer["text"]
    assert answer["url"] == "cmd-U1"


async def test_policy_with_no_words_shows_help(served: Served, fake: FakeSlack) -> None:
    await served.command("   ")
    [reply] = await fake.wait_for(lambda: fake.responses)
    assert "You can type" in reply["text"]


async def test_pressing_i_acknowledge_twice_records_one_acknowledgement(
    served: Served, app: App, fake: FakeSlack
) -> None:
    await served.dm("can I post photos of my crew?", "Ev3")
    [answer] = await fake.wait_for(lambda: posted(fake, "D-U1"))
    assert (await served.press(answer, "I acknowledge the policy")).status == 200
    assert (await served.press(answer, "I acknowledge the policy")).status == 200
    await served.idle()
    rows = acks.list_acknowledgements(app.db, "la-crosse")
    assert [(row.person, row.display_name) for row in rows] == [("U1", "Person U1")]
    texts = sorted(message["text"] for message in posted(fake, "D-U1")[1:])  # pressed at once
    assert len(texts) == 2
    assert texts[0].startswith("Thank you. I recorded")
    assert texts[1].startswith("You already acknowledged")
    home = fake.of("views.publish")[-1].args
    assert "up to date" in json.dumps(home["view"])


async def test_the_checklist_is_walked_with_buttons_updating_the_message_in_place(
    served: Served, app: App, fake: FakeSlack
) -> None:
    await served.dm("check", "Ev4")
    [question] = await fake.wait_for(lambda: posted(fake, "D-U1"))
    current = question
    for label in ("No", "Yes", "No", "No", "Yes", "No", "No", "No", "No"):
        await served.press(current, label)
        await served.idle()
        update = fake.of("chat.update")[-1].args
        assert update["ts"] == question["ts"]  # the same message, updated in place
        current = {**update, "channel": "D-U1"}
    assert current["text"].startswith("Verdict: Do not post.")
    assert "clause 9" in current["text"]
    assert len(posted(fake, "D-U1")) == 1  # no new messages along the way
    [result] = progress.list_checklist_results(app.db, "la-crosse")
    assert result.verdict == "do_not_post" and result.person == "U1"


async def test_was_this_helpful_is_recorded_and_replaced_by_thanks(
    served: Served, app: App, fake: FakeSlack
) -> None:
    await served.dm("can I post photos of my crew?", "Ev5")
    [answer] = await fake.wait_for(lambda: posted(fake, "D-U1"))
    await served.press(answer, "Not helpful")
    await served.idle()
    [count] = feedback_counts(app.db, "la-crosse")
    assert (count.clause_id, count.helpful, count.not_helpful) == ("clause-9", 0, 1)
    update = fake.of("chat.update")[-1].args
    assert "Was this helpful?" not in json.dumps(update["blocks"])
    assert "Thanks for telling me" in json.dumps(update["blocks"])


async def test_a_retried_event_is_handled_once(served: Served, app: App, fake: FakeSlack) -> None:
    question = "what is the weather like on mars today?"
    await served.dm(question, "Ev6")
    retry = await served.event(
        {
            "type": "message",
            "channel_type": "im",
            "channel": "D-U1",
            "user": "U1",
            "text": question,
            "ts": "1.0",
        },
        "Ev6",
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert retry.status == 200
    await served.idle()
    assert len(posted(fake, "D-U1")) == 1
    assert len(unanswered.list_unanswered(app.db, "la-crosse")) == 1


async def test_a_mention_in_a_channel_is_answered_in_its_thread(
    served: Served, fake: FakeSlack
) -> None:
    event = {
        "type": "app_mention",
        "channel": "C9",
        "user": "U2",
        "text": f"<@{BOT_USER}> can I post photos of my crew?",
        "ts": "1700000100.000001",
    }
    await served.event(event, "Ev7")
    [message] = await fake.wait_for(lambda: posted(fake, "C9"))
    assert message["thread_ts"] == "1700000100.000001"
    assert "clause 9" in message["text"]


async def test_messages_from_bots_and_edits_are_ignored(
    served: Served, app: App, fake: FakeSlack
) -> None:
    base = {"type": "message", "channel_type": "im", "channel": "D-U1", "ts": "1.0"}
    await served.event({**base, "user": BOT_USER, "bot_id": BOT_ID, "text": "ack"}, "Ev8")
    await served.event({**base, "bot_id": "BOTHER", "text": "ack", "subtype": "bot_message"}, "Ev9")
    await served.event({**base, "user": "U1", "subtype": "message_changed", "text": "ack"}, "Ev10")
    await served.idle()
    assert posted(fake, "D-U1") == []
    assert acks.list_acknowledgements(app.db, "la-crosse") == []


async def test_opening_the_app_home_shows_status_and_stores_the_dm(
    served: Served, app: App, fake: FakeSlack
) -> None:
    from bot.delivery.contacts import contact_for

    event = {"type": "app_home_opened", "user": "U3", "channel": "D-U3", "tab": "home"}
    await served.event(event, "Ev11")
    [publish] = await fake.wait_for(lambda: fake.of("views.publish"))
    view = json.dumps(publish.args["view"])
    assert "have not acknowledged" in view and "I acknowledge the policy" in view
    contact = contact_for(app.db, platform="slack", person="U3")
    assert contact is not None and contact.reference["channel"] == "D-U3"


async def test_a_button_on_the_app_home_answers_in_the_direct_message(
    served: Served, app: App, fake: FakeSlack
) -> None:
    await served.event({"type": "app_home_opened", "user": "U4", "tab": "home"}, "Ev12")
    [publish] = await fake.wait_for(lambda: fake.of("views.publish"))
    home = {"blocks": publish.args["view"]["blocks"], "ts": "0", "channel": ""}
    block, button = next(
        (block, element)
        for block in home["blocks"]
        for element in block.get("elements", [])
        if element.get("value") == "ack"
    )
    payload = {
        "type": "block_actions",
        "user": {"id": "U4"},
        "team": {"id": "T0001"},
        "container": {"type": "view", "view_id": "V1"},
        "view": {"id": "V1", "type": "home"},
        "actions": [{**button, "block_id": block["block_id"]}],
    }
    form = urlencode({"payload": json.dumps(payload)})
    assert (await served.post(form, "application/x-www-form-urlencoded")).status == 200
    await served.idle()
    [ack] = posted(fake, "D-U4")
    assert ack["text"].startswith("Thank you. I recorded")
    assert [row.person for row in acks.list_acknowledgements(app.db, "la-crosse")] == ["U4"]


async def test_a_rate_limited_post_is_retried(served: Served, fake: FakeSlack) -> None:
    fake.rate_limits["chat.postMessage"] = 2
    await served.dm("can I post photos of my crew?", "Ev13")
    [message] = await fake.wait_for(lambda: posted(fake, "D-U1"))
    assert "clause 9" in message["text"]
    assert len(fake.of("chat.postMessage:429")) == 2


async def test_bad_requests_get_4xx_and_change_nothing(
    served: Served, app: App, fake: FakeSlack
) -> None:
    ack = {"type": "message", "channel_type": "im", "channel": "D-U1", "user": "U1", "text": "ack"}
    body = json.dumps(
        {"type": "event_callback", "event_id": "EvX", "team_id": "T0001", "event": ack}
    )
    forged = await served.post(body, "application/json", secret="not-the-secret")
    stale = await served.post(body, "application/json", timestamp=int(time.time()) - 600)
    invalid = await served.post("{not json", "application/json")
    unknown = await served.post(json.dumps({"type": "mystery"}), "application/json")
    no_event = await served.post(
        json.dumps({"type": "event_callback", "event_id": "E"}), "application/json"
    )
    other_command = await served.post(
        urlencode({"command": "/other", "user_id": "U1", "channel_id": "C1", "text": "ack"}),
        "application/x-www-form-urlencoded",
    )
    weird_action = await served.post(
        urlencode({"payload": json.dumps({"type": "mystery", "user": {"id": "U1"}})}),
        "application/x-www-form-urlencoded",
    )
    text_body = await served.post("ack", "text/plain")
    statuses = [
        r.status
        for r in (forged, stale, invalid, unknown, no_event, other_command, weird_action, text_body)
    ]
    assert statuses == [401, 401, 400, 400, 400, 400, 400, 400]
    await served.idle()
    assert acks.list_acknowledgements(app.db, "la-crosse") == []
    assert fake.of("chat.postMessage") == []
    # the forged event's id was never claimed: the genuine event still goes through
    assert (await served.post(body, "application/json")).status == 200
    await fake.wait_for(lambda: posted(fake, "D-U1"))
    assert len(acks.list_acknowledgements(app.db, "la-crosse")) == 1


async def test_the_whole_policy_is_read_page_by_page_in_a_dm(
    served: Served, fake: FakeSlack
) -> None:
    await served.dm("read the policy", "EvRead1")
    [first] = await fake.wait_for(lambda: posted(fake, "D-U1"))
    assert "Page 1 of" in first["text"] and '"text": "Next page (2 of' in block_text(first)
    await served.dm("more", "EvRead2")
    [_, second] = await fake.wait_for(lambda: posted(fake, "D-U1")[1:] and posted(fake, "D-U1"))
    assert "Page 2 of" in second["text"]

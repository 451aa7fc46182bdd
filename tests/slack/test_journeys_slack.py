"""Issue 19's journeys in Slack, through the real server and a fake Slack: the person's own
organization, chit-chat that is never logged, "None of these", numbers at a menu, a yes with
its reason, "that helped" in words, and the reason a Deny button asks for.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.approvals import authorizations
from bot.conversation import unanswered
from bot.conversation.feedback import feedback_counts
from tests.slack.conftest import Served
from tests.slack.fake_slack import FakeSlack


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n"
        "  - {id: lax, name: City of La Crosse, policy: la-crosse, hr_contact: HR at City Hall}\n"
        "  - {id: elmo, name: City of Lake Elmo, policy: lake-elmo, hr_contact: the City Clerk}\n"
        "slack:\n  enabled: true\n  default_organization: lax\n"
        "people:\n"
        "  - {handle: lee, name: Lee Park, department: Parks, organization: elmo, slack: U-LEE}\n"
        "  - {handle: pat, name: Pat Lee, department: Parks, supervisor: sam, slack: U-PAT}\n"
        "  - {handle: sam, name: Sam Ortiz, department: Parks, roles: [supervisor], slack: U-SAM}\n"
    )
    return path


def dms(fake: FakeSlack, user: str) -> list[dict[str, Any]]:
    """What the bot posted in a person's DM, each with the ts the fake gave it."""
    return [
        {**call.args, "ts": f"1700000000.{n:06d}"}
        for n, call in enumerate(fake.of("chat.postMessage"), start=1)
        if call.args.get("channel") == f"D-{user}"
    ]


async def say(served: Served, fake: FakeSlack, user: str, text: str, event: str) -> str:
    """DM the bot and return the text of the reply it posted."""
    before = len(dms(fake, user))
    await served.dm(text, event, user=user)
    await served.idle()
    posted = await fake.wait_for(lambda: dms(fake, user)[before:])
    return "\n".join(str(message["text"]) for message in posted)


async def test_the_persons_organization_sets_the_policy_in_a_workspace_of_another_city(
    served: Served, fake: FakeSlack
) -> None:
    text = await say(served, fake, "U-LEE", "status", "Ev1")
    assert "City of Lake Elmo" in text and "La Crosse" not in text
    text = await say(served, fake, "U-LEE", "how many vacation days do I get?", "Ev2")
    assert "the City Clerk" in text


async def test_chitchat_is_answered_and_never_logged(
    served: Served, fake: FakeSlack, app: App
) -> None:
    assert "Hello!" in await say(served, fake, "U-PAT", "hi", "Ev1")
    assert "You're welcome" in await say(served, fake, "U-PAT", "thanks!", "Ev2")
    assert "no list to pick from" in await say(served, fake, "U-PAT", "1", "Ev3")
    assert unanswered.list_unanswered(app.db) == []


async def test_none_of_these_is_a_button_and_logs_the_question(
    served: Served, fake: FakeSlack, app: App
) -> None:
    await say(served, fake, "U-LEE", "online at the office", "Ev1")
    [choice] = dms(fake, "U-LEE")
    assert "None of these" in json.dumps(choice["blocks"])
    await served.press(choice, "None of these", user="U-LEE")
    await served.idle()
    reply = await fake.wait_for(lambda: dms(fake, "U-LEE")[1:])
    assert "the City Clerk" in reply[-1]["text"]
    assert [row.text for row in unanswered.list_unanswered(app.db)] == ["online at the office"]


async def test_a_number_picks_and_a_yes_with_its_reason_answers(
    served: Served, fake: FakeSlack
) -> None:
    assert "1." in await say(served, fake, "U-PAT", "request authorization", "Ev1")
    assert "What will you do" in await say(served, fake, "U-PAT", "1", "Ev2")
    assert "cancel" in (await say(served, fake, "U-PAT", "cancel", "Ev3")).lower()
    await say(served, fake, "U-PAT", "check", "Ev4")
    await say(served, fake, "U-PAT", "no, im posting from home tonight", "Ev5")
    asked = fake.of("chat.update") or fake.of("chat.postMessage")
    assert "Question 2" in json.dumps([call.args for call in asked])


async def test_that_helped_in_words_is_recorded_like_the_button(
    served: Served, fake: FakeSlack, app: App
) -> None:
    await say(served, fake, "U-PAT", "can I post photos of my crew?", "Ev1")
    assert "glad it helped" in await say(served, fake, "U-PAT", "that helped", "Ev2")
    [counts] = feedback_counts(app.db, "la-crosse")
    assert (counts.clause_id, counts.helpful) == ("clause-9", 1)


async def test_the_deny_button_asks_for_the_reason_and_the_requester_reads_it(
    served: Served, fake: FakeSlack, app: App
) -> None:
    today = app.bot.clock().date()
    for number, text in enumerate(
        [
            "request authorization needs-supervisor",
            "Post the pool reopening photos",
            "Residents keep asking",
            "Parks Facebook page",
            (today + timedelta(days=29)).isoformat(),
            (today + timedelta(days=59)).isoformat(),
            "yes",
        ]
    ):
        await served.dm(text, f"EvR{number}", user="U-PAT")
        await served.idle()
    [request] = await fake.wait_for(  # the server's own delivery loop sends it
        lambda: [
            call.args for call in fake.of("chat.postMessage") if call.args["channel"] == "U-SAM"
        ]
    )
    request = {**request, "ts": "1700000000.000001"}
    await served.press(request, "Deny", user="U-SAM", channel="D-U-SAM")
    await served.idle()
    asked = await fake.wait_for(lambda: dms(fake, "U-SAM"))
    assert "Why do you deny request #1?" in asked[-1]["text"]
    assert authorizations.requests_of(app.db)[0].status == "pending"
    assert "denied" in await say(served, fake, "U-SAM", "the pool is not open yet", "EvD")
    assert authorizations.requests_of(app.db)[0].status == "denied"
    told = await fake.wait_for(  # the server's own delivery loop sends it
        lambda: [
            call.args["text"]
            for call in fake.of("chat.postMessage")
            if call.args["channel"] in ("U-PAT", "D-U-PAT") and "Reason:" in call.args["text"]
        ]
    )
    assert "Reason: the pool is not open yet" in told[0]

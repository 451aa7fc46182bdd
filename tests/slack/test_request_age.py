"""Slack's five-minute rule, checked by PolicyBot itself before slack-bolt sees a request: a
request signed 299 seconds ago is handled, one signed 301 seconds ago is refused with
PolicyBot's own reason (slack-bolt's check would refuse it too, with another body: the reason
tells which check refused). The clock both checks read is held still, so the ages are exact
however slow the machine."""

from __future__ import annotations

import json
import time

import pytest
import slack_sdk.signature as slack_signature

from bot.acknowledgements import acks
from bot.app import App
from tests.slack.conftest import Served
from tests.slack.fake_slack import FakeSlack


def _ack_event(event_id: str) -> str:
    event = {"type": "message", "channel_type": "im", "channel": "D-U1", "user": "U1"}
    payload = {"type": "event_callback", "event_id": event_id, "team_id": "T0001"}
    return json.dumps({**payload, "event": {**event, "text": "ack"}})


async def test_299_seconds_old_is_handled_and_301_refused_with_policybots_reason(
    served: Served, app: App, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = float(int(time.time())) + 0.5
    monkeypatch.setattr(time, "time", lambda: now)  # PolicyBot's check reads this clock,
    monkeypatch.setattr(slack_signature, "time", lambda: now)  # and slack-bolt's this one
    late = await served.post(_ack_event("EvLate"), "application/json", timestamp=int(now) - 301)
    assert late.status == 401
    reason = (await late.json())["error"]
    assert reason == "the request is more than five minutes old (or from the future)"
    await served.idle()
    assert acks.list_acknowledgements(app.db, "la-crosse") == []
    fresh = await served.post(_ack_event("EvFresh"), "application/json", timestamp=int(now) - 299)
    assert fresh.status == 200
    await fake.wait_for(lambda: fake.of("chat.postMessage"))
    assert len(acks.list_acknowledgements(app.db, "la-crosse")) == 1


async def test_a_forged_signature_is_refused_with_its_own_reason(served: Served) -> None:
    forged = await served.post(_ack_event("EvForged"), "application/json", secret="not-it")
    assert forged.status == 401
    assert (await forged.json())["error"] == "the signature does not match the body"

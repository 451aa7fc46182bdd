"""Socket Mode: the bot opens a websocket to (fake) Slack and handles envelopes sent down it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from adapters.mounting import Mount
from adapters.server import build_web_app, load_mounts
from bot.acknowledgements import acks
from bot.app import App
from tests.slack.conftest import slack_environment
from tests.slack.fake_slack import TEAM, FakeSlack


@pytest.fixture
async def socket_mount(app: App, fake: FakeSlack) -> AsyncIterator[Mount]:
    environment = slack_environment(fake)
    del environment["SLACK_SIGNING_SECRET"]  # Socket Mode needs no signing secret
    [mount] = load_mounts(app, socket_mode=True, environ=environment)
    server = TestServer(build_web_app(app, [mount]), host="127.0.0.1")
    await server.start_server()  # the start-up hook opens the websocket
    yield mount
    await server.close()


def _event(event_id: str, text: str) -> dict[str, Any]:
    return {
        "envelope_id": f"env-{event_id}",
        "type": "events_api",
        "accepts_response_payload": False,
        "payload": {
            "type": "event_callback",
            "event_id": event_id,
            "team_id": TEAM,
            "event": {
                "type": "message",
                "channel_type": "im",
                "channel": "D-U1",
                "user": "U1",
                "text": text,
                "ts": "1.0",
            },
        },
    }


async def test_a_dm_over_socket_mode_is_acked_and_answered_once(
    socket_mount: Mount, app: App, fake: FakeSlack
) -> None:
    assert fake.of("apps.connections.open")[0].token == "xapp-test-token"
    await fake.send_envelope(_event("EvS1", "ack"))
    await fake.send_envelope(_event("EvS1", "ack"))  # Slack redelivers: handled once
    await fake.wait_for(lambda: len(fake.socket_acks) >= 2)
    assert {ack["envelope_id"] for ack in fake.socket_acks} == {"env-EvS1"}
    [reply] = await fake.wait_for(lambda: fake.of("chat.postMessage"))
    assert socket_mount.idle is not None
    await socket_mount.idle()
    assert len(fake.of("chat.postMessage")) == 1
    assert reply.args["text"].startswith("Thank you. I recorded")
    assert len(acks.list_acknowledgements(app.db, "la-crosse")) == 1


async def test_a_slash_command_over_socket_mode(socket_mount: Mount, fake: FakeSlack) -> None:
    envelope = {
        "envelope_id": "env-cmd",
        "type": "slash_commands",
        "accepts_response_payload": True,
        "payload": {
            "command": "/policy",
            "text": "status",
            "user_id": "U1",
            "channel_id": "C1",
            "team_id": TEAM,
            "response_url": fake.response_url("socket-cmd"),
            "trigger_id": "t",
        },
    }
    await fake.send_envelope(envelope)
    [ack] = await fake.wait_for(lambda: fake.socket_acks)
    assert ack["envelope_id"] == "env-cmd"
    [reply] = await fake.wait_for(lambda: fake.responses)
    assert "have not acknowledged" in reply["text"]


async def test_each_socket_mode_envelope_logs_under_a_request_id_of_its_own(
    socket_mount: Mount, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    from adapters.logs import ContextFields

    caplog.handler.addFilter(ContextFields())
    with caplog.at_level("INFO", logger="policybot.slack"):
        for n in (1, 2):
            await fake.send_envelope(_event(f"EvRid{n}", "status"))
            await fake.wait_for(lambda n=n: len(fake.of("chat.postMessage")) >= n)
        assert socket_mount.idle is not None
        await socket_mount.idle()
    answered = [r for r in caplog.records if r.getMessage().startswith("answered a Slack")]
    ids = [getattr(record, "request_id", None) for record in answered]
    assert len(ids) == 2 and None not in ids and ids[0] != ids[1]
    assert {getattr(record, "platform", None) for record in answered} == {"slack"}

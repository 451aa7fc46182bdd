"""The real `policybot serve` application, with Slack enabled, against a fake Slack on loopback."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from slack_sdk.signature import SignatureVerifier

from adapters.mounting import Mount
from adapters.server import build_web_app, load_mounts
from bot.app import App
from tests.slack.fake_slack import TEAM, FakeSlack, running_fake_slack

SECRET = "test-signing-secret"


@pytest.fixture(autouse=True)
def no_slack_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Slack's SDKs read SLACK_* variables (and switch to OAuth on some): start from none."""
    import os

    for name in list(os.environ):
        if name.startswith("SLACK_"):
            monkeypatch.delenv(name)
    yield


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n"
        "  - {id: lax, name: City of La Crosse, policy: la-crosse, hr_contact: HR at City Hall}\n"
        "  - {id: elmo, name: City of Lake Elmo, policy: lake-elmo}\n"
        "slack:\n  enabled: true\n  workspaces: {T0002: elmo}\n  default_organization: lax\n"
    )
    return path


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with running_fake_slack() as slack:
        yield slack


@dataclass
class Served:
    """The running bot: its URL, an HTTP session, and a way to wait for work after acks."""

    url: str
    session: aiohttp.ClientSession
    mount: Mount
    fake: FakeSlack

    async def idle(self) -> None:
        assert self.mount.idle is not None
        await self.mount.idle()

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str = SECRET,
        headers: dict[str, str] | None = None,
    ) -> aiohttp.ClientResponse:
        """POST a body to /slack/events, signed the way Slack signs it."""
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
        all_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature,
            **(headers or {}),
        }
        async with self.session.post(
            f"{self.url}/slack/events", data=body.encode(), headers=all_headers
        ) as response:
            await response.read()
            return response

    async def event(
        self, event: dict[str, Any], event_id: str, *, team: str = TEAM, **kwargs: Any
    ) -> aiohttp.ClientResponse:
        payload = {
            "type": "event_callback",
            "event_id": event_id,
            "team_id": team,
            "api_app_id": "A1",
            "event_time": int(time.time()),
            "event": event,
        }
        return await self.post(json.dumps(payload), "application/json", **kwargs)

    async def dm(self, text: str, event_id: str, *, user: str = "U1", team: str = TEAM) -> None:
        event = {
            "type": "message",
            "channel_type": "im",
            "channel": f"D-{user}",
            "user": user,
            "text": text,
            "ts": f"{time.time():.6f}",
        }
        response = await self.event(event, event_id, team=team)
        assert response.status == 200

    async def command(
        self, text: str, *, user: str = "U1", channel: str = "C1", team: str = TEAM
    ) -> aiohttp.ClientResponse:
        form = {
            "command": "/policy",
            "text": text,
            "user_id": user,
            "channel_id": channel,
            "team_id": team,
            "response_url": self.fake.response_url(f"cmd-{user}"),
            "trigger_id": "t1",
        }
        return await self.post(urlencode(form), "application/x-www-form-urlencoded")

    async def press(
        self,
        message: dict[str, Any],
        label: str,
        *,
        user: str = "U1",
        channel: str | None = None,
        team: str = TEAM,
    ) -> aiohttp.ClientResponse:
        """Press the button with this label on a message the bot posted."""
        block, button = find_button(message["blocks"], label)
        channel = channel or message["channel"]
        payload = {
            "type": "block_actions",
            "user": {"id": user},
            "team": {"id": team},
            "api_app_id": "A1",
            "container": {"type": "message", "channel_id": channel, "message_ts": message["ts"]},
            "channel": {"id": channel},
            "message": {
                "ts": message["ts"],
                "text": message.get("text"),
                "blocks": message["blocks"],
            },
            "response_url": self.fake.response_url(f"act-{user}"),
            "actions": [
                {
                    "type": "button",
                    "block_id": block["block_id"],
                    "action_id": button["action_id"],
                    "value": button["value"],
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        return await self.post(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )


def find_button(blocks: list[dict[str, Any]], label: str) -> tuple[dict[str, Any], dict[str, Any]]:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("type") == "button" and element["text"]["text"] == label:
                return block, element
    raise AssertionError(f"no button {label!r} in {json.dumps(blocks)[:500]}")


def slack_environment(fake: FakeSlack) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_APP_TOKEN": "xapp-test-token",
        "SLACK_API_URL": fake.api_url,
    }


@pytest.fixture
async def served(app: App, fake: FakeSlack) -> AsyncIterator[Served]:
    [mount] = load_mounts(app, environ=slack_environment(fake))
    fake.settle = mount.idle
    server = TestServer(build_web_app(app, [mount]), host="127.0.0.1")
    await server.start_server()
    async with aiohttp.ClientSession() as session:
        yield Served(f"http://127.0.0.1:{server.port}", session, mount, fake)
        await mount.idle() if mount.idle else None
    await server.close()

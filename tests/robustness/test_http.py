"""Arbitrary bodies through the real aiohttp app and the real SDKs: never a 5xx.

Slack bodies are signed correctly (so they get past the signature check and reach the payload
checks and slack-bolt); Teams activities are posted with authentication off (the Emulator's
set-up), so they reach the SDK, on each Teams gateway (the Agents SDK's and botbuilder's). The
server runs on 127.0.0.1 in an event loop of the test's own, against the fake Slack and the fake
Teams connector.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from hypothesis import given
from hypothesis import strategies as st
from slack_sdk.signature import SignatureVerifier

from adapters.server import build_web_app, load_mounts
from bot.app import App
from tests.slack.conftest import SECRET, slack_environment
from tests.slack.fake_slack import FakeSlack
from tests.teams.conftest import AUTH_OFF, BOT, QUIET_RETRIES, FakeConnector, on_sdk
from tests.teams.conftest import teams_sdk as teams_sdk  # the gateway parameter

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=12,
)  # fmt: skip
SLACK_KEYS = ["type", "event_id", "team_id", "event", "challenge", "token", "api_app_id"]
EVENT_KEYS = ["type", "channel_type", "channel", "user", "text", "ts", "bot_id", "subtype", "tab"]
event_types = st.sampled_from(["message", "app_mention", "app_home_opened", "reaction_added", ""])


def _partial(keys: list[str], values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict]:
    return st.dictionaries(st.sampled_from(keys), values, max_size=len(keys))


slack_events = st.builds(
    lambda outer, event, kind: {
        **outer,
        "type": "event_callback",
        "event": {**event, "type": kind},
    },
    _partial(SLACK_KEYS, json_values),
    _partial(EVENT_KEYS, json_values),
    event_types,
).map(lambda body: {**body, "event_id": str(body.get("event_id") or "Ev") + str(time.time_ns())})
slack_json = st.one_of(json_values, _partial(SLACK_KEYS, json_values), slack_events).map(json.dumps)
interactive = st.builds(
    lambda payload, kind: {**payload, "type": kind},
    _partial(["user", "team", "channel", "container", "message", "actions", "response_url"],
             json_values),
    st.sampled_from(["block_actions", "view_submission", "shortcut", ""]),
)  # fmt: skip
slack_forms = st.one_of(
    st.dictionaries(st.sampled_from(["command", "text", "user_id", "channel_id", "team_id",
                                     "response_url", "ssl_check", "payload"]),
                    st.text(max_size=30), max_size=6),
    interactive.map(lambda p: {"payload": json.dumps(p)}),
    st.builds(lambda text, user, channel: {"command": "/policy", "text": text,
                                           "user_id": user, "channel_id": channel},
              st.text(max_size=60), st.text(max_size=10), st.text(max_size=10)),
).map(urlencode)  # fmt: skip
TEAMS_KEYS = ["type", "id", "channelId", "serviceUrl", "from", "recipient", "conversation",
              "text", "value", "channelData", "membersAdded", "replyToId", "entities"]  # fmt: skip
activity_types = st.sampled_from(["message", "conversationUpdate", "invoke", "typing", "event"])


@contextmanager
def running(app: App) -> Iterator[tuple[asyncio.AbstractEventLoop, str, FakeConnector]]:
    """The real web app with Slack and Teams, and both fakes, in an event loop of our own."""
    loop = asyncio.new_event_loop()
    slack, connector = FakeSlack(), FakeConnector()
    fakes = [TestServer(slack.application(), host="127.0.0.1"),
             TestServer(connector.app(), host="127.0.0.1")]  # fmt: skip

    async def start() -> TestServer:
        for server in fakes:
            await server.start_server()
        slack.server = fakes[0]
        connector.url = str(fakes[1].make_url("/"))
        mounts = load_mounts(app, environ={**slack_environment(slack), **AUTH_OFF, **QUIET_RETRIES})
        server = TestServer(build_web_app(app, mounts), host="127.0.0.1")
        await server.start_server()
        return server

    server = loop.run_until_complete(start())
    try:
        yield loop, f"http://127.0.0.1:{server.port}", connector
    finally:
        loop.run_until_complete(server.close())
        for fake in fakes:
            loop.run_until_complete(fake.close())
        loop.close()


def _post(loop: asyncio.AbstractEventLoop, url: str, body: bytes, headers: dict[str, str]) -> int:
    async def post() -> int:
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, data=body, headers=headers) as response,
        ):
            await response.read()
            return response.status

    return loop.run_until_complete(post())


def signed(body: str, content_type: str) -> dict[str, str]:
    stamp = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body)
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature}  # fmt: skip


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n  - {id: lax, name: City of La Crosse, policy: la-crosse}\n"
        "slack:\n  enabled: true\n  default_organization: lax\n"
        "teams:\n  enabled: true\n  default_organization: lax\n"
    )
    return path


def test_any_signed_slack_body_gets_a_status_below_500(app: App) -> None:
    with running(app) as (loop, url, _connector):

        @given(
            st.one_of(
                slack_json.map(lambda b: (b, "application/json")),
                slack_forms.map(lambda b: (b, "application/x-www-form-urlencoded")),
                st.tuples(st.text(max_size=50), st.sampled_from(["text/plain", ""])),
            )
        )
        def body(case: tuple[str, str]) -> None:  # fmt: skip
            text, content_type = case
            status = _post(loop, f"{url}/slack/events", text.encode(), signed(text, content_type))
            assert status < 500, (status, text)

        body()


def test_any_teams_activity_gets_a_status_below_500(app: App, teams_sdk: str) -> None:
    with running(on_sdk(app, teams_sdk)) as (loop, url, connector):
        activities = st.builds(
            lambda fields, kind, with_url: {
                **fields,
                "type": kind,
                **({"serviceUrl": connector.url} if with_url else {}),
            },
            _partial(TEAMS_KEYS, json_values),
            activity_types,
            st.booleans(),
        )
        conversations = st.builds(
            lambda text, value: {
                "type": "message", "id": f"a{time.time_ns()}", "channelId": "msteams",
                "serviceUrl": connector.url, "from": {"id": "29:x", "aadObjectId": "x"},
                "recipient": dict(BOT), "conversation": {"id": "a:x", "tenantId": "t"},
                "text": text, "value": value,
            },
            st.text(max_size=80), json_values,
        )  # fmt: skip

        @given(st.one_of(activities, conversations, json_values))
        def activity(body: Any) -> None:
            raw = json.dumps(body).encode()
            status = _post(loop, f"{url}/api/messages", raw, {"Content-Type": "application/json"})
            assert status < 500, (status, body)

        activity()


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        ('{"type": []}', "application/json", "unknown Events API payload type"),
        ('{"type": "event_callback", "event": {"type": "message", "channel_type": null, '
         '"channel": false}, "event_id": "Ev1"}', "application/json", "channel must be text"),
        ('{"type": "event_callback", "team_id": [null], "event": {"type": "message"}, '
         '"event_id": "Ev2"}', "application/json", "team_id must be text"),
        (json.dumps({"type": "event_callback", "event": {"type": "message"},
                     "event_id": "E" * 201}), "application/json", "at most 200 characters"),
        (urlencode({"payload": json.dumps({"type": {}, "user": {"id": "U1"}})}),
         "application/x-www-form-urlencoded", "unknown interactive payload type"),
        (urlencode({"payload": json.dumps({"type": "block_actions", "user": {"id": "U1"},
                                           "actions": [{}]})}),
         "application/x-www-form-urlencoded", "needs a response_url"),
        (urlencode({"command": "/policy", "text": "ack", "user_id": "U1", "channel_id": "C1"}),
         "application/x-www-form-urlencoded", "needs response_url"),
    ],
)  # fmt: skip
def test_bodies_hypothesis_found_are_refused_with_a_400_and_the_reason(
    app: App, body: str, content_type: str, reason: str
) -> None:
    """Each was a 500 (bolt or our checks choking on a field of the wrong type), or a failure
    after the ack (a reply with no response URL to go to)."""
    with running(app) as (loop, url, _connector):

        async def post() -> tuple[int, str]:
            async with (
                aiohttp.ClientSession() as session,
                session.post(
                    f"{url}/slack/events", data=body.encode(), headers=signed(body, content_type)
                ) as response,
            ):
                return response.status, (await response.json())["error"]

        status, error = loop.run_until_complete(post())
    assert status == 400 and reason in error

"""Teams on loopback: the real `policybot serve` web app, and a fake Bot Connector it replies to.

The fake connector is an aiohttp server on 127.0.0.1 (port 0) that answers the Bot Connector
REST calls the way Microsoft's does and records every call, so tests assert what Teams would
have shown. Replies are sent before `/api/messages` answers, so once the POST returns, every
connector call of that turn has been recorded: no waiting.

Every test that serves Teams runs on both gateways (`teams.sdk`: the Microsoft 365 Agents SDK
and botbuilder) through the one `teams_sdk` fixture parameter.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from adapters.server import build_web_app, load_mounts
from adapters.teams.mount import TeamsMount
from bot.acknowledgements import acks
from bot.app import App
from bot.config import TEAMS_SDKS
from bot.delivery.contacts import list_contacts
from bot.storage.models import ProcessedEvent

BOT = {"id": "28:policybot", "name": "PolicyBot"}
TENANT_LAX = "tenant-lax"
TENANT_ELMO = "tenant-elmo"
AUTH_OFF = {"POLICYBOT_TEAMS_AUTH": "off"}  # the Emulator's set-up: loopback only
QUIET_RETRIES = {
    "POLICYBOT_TEAMS_RETRY_BASE_SECONDS": "0.001",
    "POLICYBOT_TEAMS_RETRY_MAX_SECONDS": "0.05",
}


@dataclass
class Call:
    """One request the bot made to the connector."""

    method: str
    path: str
    body: Any
    headers: dict[str, str]
    assigned_id: str | None = None  # the id the connector gave a posted activity

    @property
    def card(self) -> dict[str, Any] | None:
        """The Adaptive Card the activity carries, if any."""
        for attachment in (self.body or {}).get("attachments") or []:
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                content: dict[str, Any] = attachment["content"]
                return content
        return None

    @property
    def shown(self) -> str:
        """Everything a person would read: the text, or every text in the card."""
        card = self.card
        if card is None:
            return str((self.body or {}).get("text", ""))
        return "\n".join(_texts(card["body"]))

    def submits(self) -> dict[str, dict[str, Any]]:
        """The card's Action.Submit buttons by title, with the data they send."""
        card = self.card or {}
        return {action["title"]: action["data"] for action in _actions(card.get("body", []))}


@dataclass
class FakeConnector:
    """The Bot Connector REST API on loopback, recording calls; it can be told to refuse."""

    calls: list[Call] = field(default_factory=list)
    script: list[tuple[int, dict[str, str]] | None] = field(default_factory=list)
    url: str = ""
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    hold_post: int | None = None  # stop answering at this (1-based) post, before recording it
    held: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    posts: int = 0

    def refuse(self, status: int, times: int = 1, after: int = 0, **headers: str) -> None:
        """Answer `times` calls, `after` successful ones, with this status (and headers)."""
        self.script += [None] * after + [(status, headers)] * times

    def app(self) -> web.Application:
        app = web.Application()
        base = "/v3/conversations"
        app.add_routes(
            [
                web.post(base, self._create),
                web.post(base + "/{conversation}/activities", self._post),
                web.post(base + "/{conversation}/activities/{activity}", self._post),
                web.put(base + "/{conversation}/activities/{activity}", self._update),
            ]
        )
        return app

    def posted(self) -> list[Call]:
        """Activities the bot posted (new messages and replies), in order."""
        return [call for call in self.calls if call.method == "POST" and "/activities" in call.path]

    def updated(self) -> list[Call]:
        return [call for call in self.calls if call.method == "PUT"]

    async def _record(self, request: web.Request) -> tuple[Call, web.Response | None]:
        body = await request.json() if request.can_read_body else None
        call = Call(request.method, request.path, body, dict(request.headers))
        self.calls.append(call)
        scripted = self.script.pop(0) if self.script else None
        if scripted is None:
            return call, None
        status, headers = scripted
        error = {"error": {"code": "Refused", "message": f"refused with {status} by the fake"}}
        return call, web.json_response(error, status=status, headers=headers)

    async def _post(self, request: web.Request) -> web.Response:
        self.posts += 1
        if self.posts == self.hold_post:  # the bot stops before Teams took the message
            self.held.set()
            await self.release.wait()
            return web.json_response({"error": {"code": "Gone"}}, status=503)
        call, refused = await self._record(request)
        if refused:
            return refused
        call.assigned_id = f"act-{next(self._ids)}"
        return web.json_response({"id": call.assigned_id})

    async def _update(self, request: web.Request) -> web.Response:
        _call, refused = await self._record(request)
        return refused or web.json_response({"id": request.match_info["activity"]})

    async def _create(self, request: web.Request) -> web.Response:
        _call, refused = await self._record(request)
        return refused or web.json_response({"id": f"a:personal-{next(self._ids)}"})


def nothing_recorded(app: App, connector: FakeConnector) -> bool:
    """No claim, contact or acknowledgement stored, and nothing posted to Teams."""
    with app.db.session() as session:
        claimed = session.scalar(select(func.count()).select_from(ProcessedEvent))
    return (
        not claimed
        and not list_contacts(app.db, "teams")
        and not acks.list_acknowledgements(app.db, "la-crosse")
        and not connector.calls
    )


def _texts(elements: list[dict[str, Any]]) -> Iterator[str]:
    for element in elements:
        if element.get("type") == "TextBlock":
            yield element["text"]
        yield from _texts(element.get("items", []))


def _actions(elements: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for element in elements:
        if element.get("type") == "ActionSet":
            yield from element["actions"]
        yield from _actions(element.get("items", []))


class Teams:
    """A Teams client for tests: builds activities as Teams sends them and posts them."""

    def __init__(self, client: TestClient, connector: FakeConnector, mount: TeamsMount) -> None:
        self.client = client
        self.connector = connector
        self.mount = mount
        self._ids = itertools.count(1)

    def activity(
        self,
        text: str | None = None,
        *,
        person: str = "aad-alice",
        name: str = "Alice Example",
        conversation: str = "a:alice-personal",
        conversation_type: str = "personal",
        tenant: str = TENANT_LAX,
        kind: str = "message",
        activity_id: str | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """An activity as Teams posts it to /api/messages."""
        activity = {
            "type": kind,
            "id": activity_id or f"in-{next(self._ids)}",
            "channelId": "msteams",
            "serviceUrl": self.connector.url,
            "timestamp": "2026-11-02T15:30:00.000Z",
            "from": {"id": f"29:{person}", "name": name, "aadObjectId": person},
            "recipient": dict(BOT),
            "conversation": {
                "id": conversation,
                "conversationType": conversation_type,
                "tenantId": tenant,
            },
            "channelData": {"tenant": {"id": tenant}},
            **extra,
        }
        if text is not None:
            activity["text"] = text
        return activity

    def submit(self, data: dict[str, Any], reply_to: str, **options: Any) -> dict[str, Any]:
        """A card's Action.Submit: an empty message whose value is the button's data."""
        return self.activity(text="", value=data, replyToId=reply_to, **options)

    async def post(self, activity: Any, **headers: str) -> int:
        """POST an activity; returns the HTTP status."""
        response = await self.client.post("/api/messages", json=activity, headers=headers)
        await response.read()
        return response.status

    async def say(self, text: str, **options: Any) -> list[Call]:
        """Post a message; returns what the bot posted in answer."""
        before = len(self.connector.calls)
        status = await self.post(self.activity(text, **options))
        assert status == 201
        return self.connector.calls[before:]


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """Teams enabled, with a tenant for each city (replaces the suite's plain configuration)."""
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n"
        "  - {id: lax, name: City of La Crosse, policy: la-crosse, hr_contact: HR at City Hall}\n"
        "  - {id: elmo, name: City of Lake Elmo, policy: lake-elmo}\n"
        "teams:\n"
        "  enabled: true\n"
        f"  tenants: {{{TENANT_LAX}: lax, {TENANT_ELMO}: elmo}}\n"
        "  default_organization: lax\n"
    )
    return path


@pytest.fixture(params=TEAMS_SDKS)
def teams_sdk(request: pytest.FixtureRequest) -> str:
    """The SDK the Teams gateway runs on: each test that serves Teams runs on both."""
    return str(request.param)


def on_sdk(app: App, sdk: str) -> App:
    """The app as if its app.yaml said `teams: {sdk: <sdk>}` (the loader's own handling of
    that line is tested in test_serve.py)."""
    app.config = replace(app.config, teams=replace(app.config.teams, sdk=sdk))
    return app


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    server = TestServer(fake.app(), host="127.0.0.1", port=0)
    await server.start_server()
    fake.url = str(server.make_url("/"))
    yield fake
    await server.close()


async def start_teams(
    app: App, connector: FakeConnector, environ: dict[str, str], mounts: list[Any] | None = None
) -> Teams:
    """The real server app (health checks and every mount) on 127.0.0.1, port 0."""
    mounts = load_mounts(app, environ=environ) if mounts is None else mounts
    [mount] = [mount for mount in mounts if isinstance(mount, TeamsMount)]
    client = TestClient(TestServer(build_web_app(app, mounts), host="127.0.0.1", port=0))
    await client.start_server()
    return Teams(client, connector, mount)


@pytest.fixture
async def teams(app: App, connector: FakeConnector, teams_sdk: str) -> AsyncIterator[Teams]:
    """Teams with authentication off (POLICYBOT_TEAMS_AUTH=off), as with the Emulator."""
    client = await start_teams(on_sdk(app, teams_sdk), connector, {**AUTH_OFF, **QUIET_RETRIES})
    yield client
    await client.client.close()

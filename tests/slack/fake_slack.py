"""A local stand-in for Slack: its Web API, response URLs and Socket Mode, on 127.0.0.1.

Every call is recorded; tests wait on what arrives (never on sleeps). A method can be told to
answer HTTP 429 a few times, with `Retry-After: 0`, to exercise the client's retries. Posted
messages are kept per DM (with their metadata) for `conversations.history`; the answer to the
Nth post can be held back, to stop the bot mid-send; shared files are served for download.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestServer

BOT_USER = "UBOT"
BOT_ID = "BBOT"
TEAM = "T0001"


@dataclass
class Call:
    """One request the bot made to the fake."""

    method: str
    args: dict[str, Any]
    token: str | None = None


@dataclass
class FakeSlack:
    """The fake's state: calls made, responses posted, queued rate limits, socket envelopes."""

    calls: list[Call] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    rate_limits: dict[str, int] = field(default_factory=dict)
    socket_acks: list[dict[str, Any]] = field(default_factory=list)
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _socket: web.WebSocketResponse | None = None
    server: TestServer | None = None
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)  # file name -> where it moved
    downloads: list[str] = field(default_factory=list)  # names of the files fetched
    hold_post: int | None = None  # keep the answer to this (1-based) successful post
    held: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    _posts: int = 0
    # Waits until the bot under test has finished its work under way (set by the `served`
    # fixture to the Slack mount's idle), so `wait_for` also sees what comes after the first.
    settle: Callable[[], Awaitable[None]] | None = None

    # --- for tests -----------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        return f"{self._base}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self._base}/response/{name}"

    def of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def file_url(self, name: str) -> str:
        return f"{self._base}/files/{name}"

    def dm_of(self, user: str) -> list[dict[str, Any]]:
        """Messages in a person's DM with the bot, oldest first."""
        return self.history.get(_dm(user), [])

    async def wait_for(self, check: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Wait until `check()` returns something truthy; then, when the bot runs in this
        process (`settle`), until it has finished the work under way, and return `check()`
        read again: a duplicate reply posted after the first one is in what the test sees."""

        async def until() -> Any:
            async with self._changed:
                while not (result := check()):
                    await self._changed.wait()
                return result

        result = await asyncio.wait_for(until(), timeout)
        if self.settle is None:
            return result
        await asyncio.wait_for(self.settle(), timeout)
        again = check()
        assert again, f"what was awaited no longer holds once the bot finished: {result!r}"
        return again

    async def send_envelope(self, envelope: dict[str, Any]) -> None:
        """Push a Socket Mode envelope to the connected bot."""
        await self.wait_for(lambda: self._socket is not None)
        assert self._socket is not None
        await self._socket.send_json(envelope)

    # --- server ----------------------------------------------------------------------------

    @property
    def _base(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.port}"

    def application(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/response/{name}", self._response)
        app.router.add_get("/socket", self._socket_mode)
        app.router.add_get("/files/{name}", self._file)
        return app

    async def _file(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization", "") != "Bearer xoxb-test-token":
            return web.Response(status=403)
        self.downloads.append(request.match_info["name"])
        if request.match_info["name"] in self.redirects:
            raise web.HTTPFound(self.redirects[request.match_info["name"]])
        content = self.files.get(request.match_info["name"])
        return web.Response(status=404) if content is None else web.Response(body=content)

    async def _record(self, item: Any, into: list[Any]) -> None:
        async with self._changed:
            into.append(item)
            self._changed.notify_all()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _arguments(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ") or None
        if self.rate_limits.get(method, 0) > 0:
            self.rate_limits[method] -= 1
            await self._record(Call(method + ":429", args, token), self.calls)
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "0"}
            )
        await self._record(Call(method, args, token), self.calls)
        answer = self._answer(method, args)
        if method == "chat.postMessage" and answer.get("ok"):
            await self._keep(args, answer)
        return web.json_response(answer)

    async def _keep(self, args: dict[str, Any], answer: dict[str, Any]) -> None:
        """Keep a posted message in its DM's history; hold the answer if told to."""
        kept = {"ts": answer["ts"], "text": args.get("text"), "metadata": args.get("metadata")}
        self.history.setdefault(_dm(str(args.get("channel"))), []).append(kept)
        self._posts += 1
        if self._posts == self.hold_post:
            self.held.set()
            await self.release.wait()

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER, "bot_id": BOT_ID, "team_id": TEAM}
        if method == "chat.postMessage":
            ts = f"1700000000.{next(self._ts):06d}"
            return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": args}
        if method == "chat.update":
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}
        if method == "users.info":
            user = args.get("user")
            return {"ok": True, "user": {"id": user, "profile": {"real_name": f"Person {user}"}}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": f"D-{args.get('users')}"}}
        if method == "conversations.history":
            newest_first = list(reversed(self.history.get(str(args.get("channel")), [])))
            return {"ok": True, "messages": newest_first, "has_more": False}
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self._port}/socket"}
        return {"ok": True}

    @property
    def _port(self) -> int:
        assert self.server is not None and self.server.port is not None
        return self.server.port

    async def _response(self, request: web.Request) -> web.Response:
        body = await request.json()
        await self._record({"url": request.match_info["name"], **body}, self.responses)
        return web.Response(text="ok")

    async def _socket_mode(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_json({"type": "hello", "num_connections": 1})
        async with self._changed:
            self._socket = socket
            self._changed.notify_all()
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                await self._record(json.loads(message.data), self.socket_acks)
        return socket


def _dm(channel: str) -> str:
    """The DM channel a post to a user id lands in (as conversations.open names it)."""
    return channel if channel.startswith("D-") else f"D-{channel}"


async def _arguments(request: web.Request) -> dict[str, Any]:
    """The call's arguments, whether sent as JSON or as a form (slack_sdk uses both)."""
    args: dict[str, Any] = dict(request.query)
    if request.method == "GET":
        return args
    if request.content_type == "application/json":
        data = await request.json()
        return {**args, **data} if isinstance(data, dict) else args
    form = parse_qs(await request.text())
    for key, values in form.items():
        value = values[0]
        if key in ("blocks", "view"):
            value = json.loads(value)
        args[key] = value
    return args


@asynccontextmanager
async def running_fake_slack() -> AsyncIterator[FakeSlack]:
    """A FakeSlack serving on a free port of 127.0.0.1 until the block ends."""
    slack = FakeSlack()
    server = TestServer(slack.application(), host="127.0.0.1")
    await server.start_server()
    slack.server = server
    try:
        yield slack
    finally:
        await server.close()

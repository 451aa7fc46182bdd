"""Web servers on loopback that stand for a platform's file host and for a server inside the
city's network: each records every request it gets, with its credentials."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from knowledge.documents import MAX_DOCUMENT_BYTES
from tests.announcements.helpers import reworded_la_crosse

INTERNAL_SECRET = "internal-only: the payroll server's admin password is hunter2"


@dataclass
class Host:
    """A web server on loopback that records every request it gets (and its credentials)."""

    server: TestServer | None = None
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    bodies: dict[str, bytes] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    sent_bytes: int = 0  # of the endless stream, before the client hung up

    @property
    def origin(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.port}"

    def url(self, path: str) -> str:
        return f"{self.origin}/{path}"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        self.requests.append((name, request.headers.get("Authorization")))
        if name in self.redirects:
            raise web.HTTPFound(self.redirects[name])
        if name == "endless":
            response = web.StreamResponse()  # chunked: no Content-Length to go by
            await response.prepare(request)
            try:
                for _ in range(4 * MAX_DOCUMENT_BYTES // 65536):
                    await response.write(b"policy text " * 5461)
                    self.sent_bytes += 65532
            except (ConnectionError, RuntimeError):
                pass  # the bot hung up: what it wanted to show
            return response
        if name == "declared-huge":  # says at once it is far too large
            response = web.StreamResponse()
            response.content_length = 50 * MAX_DOCUMENT_BYTES
            await response.prepare(request)
            with contextlib.suppress(ConnectionError, RuntimeError):
                await response.write(b"x" * 1000)
            return response
        return web.Response(body=self.bodies.get(name, INTERNAL_SECRET.encode()))


async def _host() -> Host:
    host = Host()
    app = web.Application()
    app.router.add_get("/{name}", host.handle)
    host.server = TestServer(app, host="127.0.0.1")
    await host.server.start_server()
    return host


@pytest.fixture
async def file_host() -> AsyncIterator[Host]:
    """The file host Teams uses, as the tests' fake (allowed in app.yaml explicitly)."""
    host = await _host()
    host.bodies["policy-v2.md"] = reworded_la_crosse().encode()
    yield host
    assert host.server is not None
    await host.server.close()


@pytest.fixture
async def internal() -> AsyncIterator[Host]:
    """A server inside the city's network, on the allow-list of nobody."""
    host = await _host()
    yield host
    assert host.server is not None
    await host.server.close()

"""Every route of `policybot serve`, fuzzed: whatever the path, query, headers and body, the
answer is below 500 and no traceback is logged.

The real aiohttp app with every mount (Slack against the fake Slack, Teams with authentication
off against the fake connector, HR's dashboard) on 127.0.0.1. Half the requests carry a signed-in
HR session (and its CSRF token), so the pages behind the sign-in are fuzzed too. The routes are
read from the app's router, so a route added later is fuzzed without editing this file.
Hypothesis runs a modest number of examples per route (derandomized in CI: tests/conftest.py).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.server import build_web_app, load_mounts
from bot.app import App
from bot.hr_access.links import read_token
from bot.hr_access.sessions import session_of, start_session
from bot.messages import Incoming
from tests.slack.conftest import slack_environment
from tests.slack.fake_slack import FakeSlack
from tests.teams.conftest import AUTH_OFF, QUIET_RETRIES, FakeConnector

SECRET = "fuzz-secret-0123456789-abcdefghijklmnop"
EXAMPLES_PER_ROUTE = 12
_PARAMETER = re.compile(r"\{(\w+)(?::[^}]*)?\}")
HEADER_NAMES = ["Content-Type", "X-Request-Id", "Authorization", "X-Slack-Signature",
                "X-Slack-Request-Timestamp", "Cookie", "Accept", "Origin", "Referer"]  # fmt: skip
CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain",
                 "multipart/form-data; boundary=xx", "multipart/form-data", ""]  # fmt: skip
header_values = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60
) | st.sampled_from(["1" * 30, "v0=" + "0" * 64, "Bearer x.y.z", "-1", "99999999999999999999"])
segments = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"[0-9]{1,40}", fullmatch=True),
    st.sampled_from(["la-crosse", "lake-elmo", "acks", "..", "%00", "unanswered", "1"]),
)
bodies = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=200).map(str.encode),
    st.sampled_from([b"[" * 3000 + b"]" * 3000, b'{"type": "message"}', b"csrf_token=x&a=b",
                     b"--xx\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--xx--\r\n",
                     b"\xff\xfe\x00"]),
)  # fmt: skip


@dataclass(frozen=True)
class Route:
    method: str
    template: str


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n  - {id: lax, name: City of La Crosse, policy: la-crosse}\n"
        "slack:\n  enabled: true\n  default_organization: lax\n"
        "teams:\n  enabled: true\n  default_organization: lax\n"
        "dashboard: {enabled: true, base_url: 'http://127.0.0.1'}\n"
        "people:\n  - {handle: hal, name: Hal Ortiz, department: HR, roles: [hr]}\n"
        "  - {handle: pat, name: Pat Lee, department: Parks, supervisor: hal}\n"
    )
    return path


@pytest.fixture(autouse=True)
def _dashboard_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYBOT_DASHBOARD_SECRET", SECRET)


def routes_of(web_app: web.Application) -> list[Route]:
    found = []
    for route in web_app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        template = info.get("formatter") or info.get("path")
        if template and route.method != "HEAD":
            found.append(Route(route.method, template))
    return found


def fill(template: str, values: list[str]) -> str:
    """The template with each {parameter} replaced by the next value, quoted for a path."""
    supply = iter(values)
    return _PARAMETER.sub(lambda _m: quote(next(supply, "x"), safe=""), template)


def signed_in(app: App) -> tuple[str, str]:
    """A live HR session's cookie and CSRF token, by way of the real sign-in link."""
    [reply] = app.bot.handle(Incoming("console", "hal", "console:hal", "dashboard"))
    token = parse_qs(urlsplit(reply.text.splitlines()[-1]).query)["token"][0]
    claim = read_token(SECRET.encode(), token, now=app.bot.clock(), valid_for=timedelta(hours=1))
    started = start_session(app.db, app.config, claim, now=app.bot.clock())
    session = session_of(app.db, started.cookie, now=app.bot.clock())
    assert session is not None
    return started.cookie, session.csrf_token


@contextmanager
def running(app: App) -> Iterator[tuple[asyncio.AbstractEventLoop, str, list[Route]]]:
    loop = asyncio.new_event_loop()
    slack, connector = FakeSlack(), FakeConnector()
    fakes = [TestServer(slack.application(), host="127.0.0.1"),
             TestServer(connector.app(), host="127.0.0.1")]  # fmt: skip

    async def start() -> tuple[TestServer, list[Route]]:
        for server in fakes:
            await server.start_server()
        slack.server = fakes[0]
        connector.url = str(fakes[1].make_url("/"))
        environ = {**slack_environment(slack), **AUTH_OFF, **QUIET_RETRIES,
                   "POLICYBOT_DASHBOARD_SECRET": SECRET}  # fmt: skip
        web_app = build_web_app(app, load_mounts(app, environ=environ))
        server = TestServer(web_app, host="127.0.0.1")
        await server.start_server()
        return server, routes_of(web_app)

    server, routes = loop.run_until_complete(start())
    try:
        yield loop, f"http://127.0.0.1:{server.port}", routes
    finally:
        loop.run_until_complete(server.close())
        for fake in fakes:
            loop.run_until_complete(fake.close())
        loop.close()


def test_every_route_answers_any_request_below_500_without_a_traceback(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    cookie, csrf = signed_in(app)
    caplog.set_level(logging.INFO)
    with running(app) as (loop, base, routes):
        assert {"/slack/events", "/api/messages", "/dashboard/approvals/{request_id}",
                "/healthz"} <= {route.template for route in routes}  # fmt: skip
        session = loop.run_until_complete(_session())
        try:
            for route in routes:
                _fuzz(route, loop, session, base, cookie, csrf)
        finally:
            loop.run_until_complete(session.close())
    tracebacks = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not tracebacks, [r.getMessage() for r in tracebacks]


async def _session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar())


def _fuzz(
    route: Route,
    loop: asyncio.AbstractEventLoop,
    session: aiohttp.ClientSession,
    base: str,
    cookie: str,
    csrf: str,
) -> None:
    @settings(
        max_examples=EXAMPLES_PER_ROUTE,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(
        values=st.lists(segments, max_size=3),
        query=st.dictionaries(st.sampled_from(["page", "show", "policy", "token", "done",
                                               "department", "reminded", "x"]),
                              st.text(max_size=30), max_size=3),
        headers=st.dictionaries(st.sampled_from(HEADER_NAMES), header_values, max_size=4),
        content_type=st.sampled_from(CONTENT_TYPES),
        body=bodies,
        with_session=st.booleans(),
        with_csrf=st.booleans(),
        method=st.sampled_from([route.method, route.method, "GET", "POST", "PUT"]),
    )  # fmt: skip
    def one(
        values: list[str],
        query: dict[str, str],
        headers: dict[str, str],
        content_type: str,
        body: bytes,
        with_session: bool,
        with_csrf: bool,
        method: str,
    ) -> None:
        all_headers = {**headers, "Content-Type": content_type}
        if with_session:
            all_headers["Cookie"] = f"policybot_session={cookie}"
        if with_csrf and content_type == "application/x-www-form-urlencoded":
            body = b"csrf_token=" + csrf.encode() + b"&" + body
        url = base + fill(route.template, values)

        async def send() -> int:
            async with session.request(
                method, url, params=query, data=body, headers=all_headers, allow_redirects=False
            ) as response:
                await response.read()
                return response.status

        status = loop.run_until_complete(send())
        assert status < 500, (method, url, query, all_headers, body[:200], status)

    one()


KNOWN = [  # each was a 500 with a traceback
    ("GET", "/dashboard/approvals/99999999999999999999999", "", b"", 404),
    ("GET", "/dashboard/approvals/2147483648", "", b"", 404),  # past PostgreSQL's integer
    ("GET", "/dashboard/approvals/0", "", b"", 404),
    ("POST", "/dashboard/sign-in", "multipart/form-data; boundary=xx", b"", 415),
    ("POST", "/dashboard/sign-in", "multipart/form-data", b"--a\r\n", 415),
    ("POST", "/dashboard/policies/la-crosse/remind", "multipart/form-data; boundary=xx",
     b"--yy\r\n", 415),
    ("POST", "/api/messages", "application/json", b"[" * 100_000, 400),
    ("POST", "/slack/events", "application/json", b"{}", 401),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "content_type", "body", "status"), KNOWN)
def test_requests_that_once_got_a_500_get_a_4xx(
    app: App, method: str, path: str, content_type: str, body: bytes, status: int
) -> None:
    cookie, _csrf = signed_in(app)
    with running(app) as (loop, base, _routes):

        async def send() -> int:
            async with (
                aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session,
                session.request(
                    method,
                    base + path,
                    data=body,
                    headers={"Content-Type": content_type,
                             "Cookie": f"policybot_session={cookie}"},
                ) as response,
            ):  # fmt: skip
                return response.status

        assert loop.run_until_complete(send()) == status

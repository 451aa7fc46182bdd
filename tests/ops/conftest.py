"""Real `policybot serve` processes against the fake Slack and the fake Teams connector.

A `Worker` is one `policybot serve --port 0` process; several may share one database (the
test's own, on SQLite or PostgreSQL), as behind a load balancer. Their standard error is read
all along, so the tests can look at what they logged.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from tests.processes import inherited
from tests.slack.conftest import Served, slack_environment
from tests.slack.fake_slack import FakeSlack, running_fake_slack
from tests.teams.conftest import AUTH_OFF, BOT, FakeConnector

READY_WITHIN_SECONDS = 60
STAFF = """
people:
  - {handle: pat, name: Pat Lee, department: Parks, supervisor: sam, slack: U-PAT}
  - {handle: sam, name: Sam Ortiz, department: Parks, supervisor: max, roles: [supervisor]}
  - {handle: max, name: Max Chen, department: Parks, roles: [supervisor, department_director]}
approvals: {remind_after_hours: 48, escalate_after_hours: 120}
"""


@pytest.fixture(autouse=True)
def no_slack_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Slack's SDKs read SLACK_* variables: start from none."""
    for name in list(os.environ):
        if name.startswith(("SLACK_", "MICROSOFT_")):
            monkeypatch.delenv(name)


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """Slack and Teams both enabled (Slack workspace T0002 is Lake Elmo), with a staff list."""
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n"
        "  - {id: lax, name: City of La Crosse, policy: la-crosse, hr_contact: HR at City Hall}\n"
        "  - {id: elmo, name: City of Lake Elmo, policy: lake-elmo}\n"
        "slack:\n  enabled: true\n  workspaces: {T0002: elmo}\n  default_organization: lax\n"
        "teams:\n  enabled: true\n  default_organization: lax\n" + STAFF
    )
    return path


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with running_fake_slack() as slack:
        yield slack


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake_connector = FakeConnector()
    server = TestServer(fake_connector.app(), host="127.0.0.1", port=0)
    await server.start_server()
    fake_connector.url = str(server.make_url("/"))
    yield fake_connector
    await server.close()


def environment(fake: FakeSlack, **extra: str) -> dict[str, str]:
    """What a worker gets: PATH, the test's database, Slack's secrets, Teams with auth off."""
    database = {k: v for k, v in os.environ.items() if k == "POLICYBOT_DATABASE_URL"}
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(Path.home()),
        **inherited(),
    }
    return {**base, **database, **slack_environment(fake), **AUTH_OFF, **extra}


@dataclass
class Worker:
    """One `policybot serve` process and everything it has written to standard error."""

    process: asyncio.subprocess.Process
    url: str
    lines: list[str] = field(default_factory=list)
    _reader: asyncio.Task[None] | None = None

    async def stop(self) -> int:
        """SIGTERM, then wait for the exit and the last lines; returns the exit status."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        status = await asyncio.wait_for(self.process.wait(), 30)
        if self._reader is not None:
            await asyncio.wait_for(self._reader, 30)
        return status

    def slack(self, session: aiohttp.ClientSession, fake: FakeSlack) -> Served:
        """A Slack client for this worker (signed requests, as Slack sends them)."""
        return Served(self.url, session, mount=None, fake=fake)  # type: ignore[arg-type]


async def start_worker(config: Path, env: dict[str, str]) -> Worker:
    """Start `policybot serve --port 0` and return once it says where it serves."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "adapters.cli", "--config", str(config), "serve",
        "--host", "127.0.0.1", "--port", "0",
        stderr=asyncio.subprocess.PIPE, env=env,
    )  # fmt: skip
    assert process.stderr is not None
    lines: list[str] = []
    while not (match := re.search(r"serving on (http://127\.0\.0\.1:\d+)", "".join(lines[-1:]))):
        line = (await asyncio.wait_for(process.stderr.readline(), READY_WITHIN_SECONDS)).decode()
        assert line, "policybot serve stopped before it was ready:\n" + "".join(lines)
        lines.append(line)
    worker = Worker(process, match.group(1), lines)
    worker._reader = asyncio.create_task(_keep_reading(process.stderr, lines))
    return worker


async def _keep_reading(stream: asyncio.StreamReader, lines: list[str]) -> None:
    while line := await stream.readline():
        lines.append(line.decode())


WorkersFactory = Callable[..., AbstractAsyncContextManager[list[Worker]]]


@pytest.fixture
def workers(config_file: Path, fake: FakeSlack) -> Iterator[WorkersFactory]:
    """`async with workers(2) as [a, b]`: that many workers started at once on one database."""

    @asynccontextmanager
    async def run(count: int, **extra: str) -> AsyncIterator[list[Worker]]:
        env = environment(fake, **extra)
        started = await asyncio.gather(
            *(start_worker(config_file, env) for _ in range(count)), return_exceptions=True
        )
        running = [worker for worker in started if isinstance(worker, Worker)]
        try:
            for outcome in started:
                if isinstance(outcome, BaseException):
                    raise outcome
            yield running
        finally:
            for worker in running:
                if worker.process.returncode is None:
                    worker.process.kill()
                await worker.process.wait()

    yield run


def teams_message(connector: FakeConnector, text: str, activity_id: str, **extra: object) -> dict:
    """A Teams personal-chat message, as the Bot Connector posts it (authentication off)."""
    return {
        "type": "message",
        "id": activity_id,
        "channelId": "msteams",
        "serviceUrl": connector.url,
        "from": {"id": "29:erin", "name": "Erin", "aadObjectId": "aad-erin"},
        "recipient": dict(BOT),
        "conversation": {"id": "a:erin", "conversationType": "personal", "tenantId": "t"},
        "text": text,
        **extra,
    }

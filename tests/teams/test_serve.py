"""`policybot serve` with Teams, end to end in a separate process, and its settings."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from adapters.server import load_mounts
from adapters.teams.mount import TeamsMount
from bot.app import App
from bot.config import ConfigError
from tests.processes import inherited
from tests.teams.conftest import BOT, FakeConnector

READY_WITHIN_SECONDS = 60


@pytest.fixture
async def served(config_file: Path) -> AsyncIterator[tuple[str, str]]:
    """`policybot serve` running in its own process; yields its URL and what it printed.

    It binds port 0 itself and says which port it got: no port is picked here and released
    for it to bind later (another suite on the machine could take it in between).
    """
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(Path.home()),
        **inherited(),
    }
    if "POLICYBOT_DATABASE_URL" in os.environ:  # the PostgreSQL pass: the test's own database
        environment["POLICYBOT_DATABASE_URL"] = os.environ["POLICYBOT_DATABASE_URL"]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "adapters.cli",
        "--config",
        str(config_file),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        stderr=asyncio.subprocess.PIPE,
        env=environment,
    )
    assert process.stderr is not None
    try:
        banner, url = await asyncio.wait_for(_banner(process.stderr), READY_WITHIN_SECONDS)
        await asyncio.wait_for(_until_healthy(url, process), READY_WITHIN_SECONDS)
        yield url, banner
    finally:
        process.terminate()
        await process.wait()


async def _banner(stream: asyncio.StreamReader) -> tuple[str, str]:
    """What serve printed up to its warning about authentication, and the address it bound."""
    lines: list[str] = []
    url = None
    while url is None or not any("AUTHENTICATION IS OFF" in line for line in lines):
        line = (await stream.readline()).decode()
        assert line, "policybot serve stopped before it started: " + "".join(lines)
        lines.append(line)
        if found := re.search(r"serving on (http://127\.0\.0\.1:\d+)", line):
            url = found.group(1)
    return "".join(lines), url


async def _until_healthy(url: str, process: asyncio.subprocess.Process) -> None:
    """Wait until the server answers /healthz (it binds after printing its banner)."""
    async with aiohttp.ClientSession() as session:
        while True:
            assert process.returncode is None, "policybot serve exited"
            try:
                async with session.get(f"{url}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.05)  # not listening yet: poll again


async def test_policybot_serve_answers_teams_and_warns_loudly_that_authentication_is_off(
    served: tuple[str, str], connector: FakeConnector
) -> None:
    url, banner = served
    assert "WARNING: TEAMS AUTHENTICATION IS OFF (MICROSOFT_APP_ID is empty)" in banner
    activity = {
        "type": "message",
        "id": "e2e-1",
        "channelId": "msteams",
        "serviceUrl": connector.url,
        "from": {"id": "29:erin", "name": "Erin", "aadObjectId": "aad-erin"},
        "recipient": dict(BOT),
        "conversation": {"id": "a:erin", "conversationType": "personal", "tenantId": "t"},
        "text": "can I post photos of my crew?",
    }
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{url}/api/messages", json=activity) as response,
    ):
        assert response.status == 201
    [reply] = connector.posted()
    assert reply.path == "/v3/conversations/a:erin/activities/e2e-1"
    assert "City of La Crosse Social Media Policy, clause 9 · version 1" in reply.shown


def test_the_banner_names_the_bot_when_authentication_is_on(app: App) -> None:
    environ = {"MICROSOFT_APP_ID": "bot-id", "MICROSOFT_APP_PASSWORD": "secret"}
    [mount] = load_mounts(app, environ=environ)
    assert isinstance(mount, TeamsMount)
    assert mount.banner == ["Teams: POST /api/messages (bot bot-id, MultiTenant)"]


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"MICROSOFT_APP_PASSWORD": "secret"}, "MICROSOFT_APP_ID"),
        ({"MICROSOFT_APP_ID": "bot-id"}, "MICROSOFT_APP_PASSWORD"),
        ({"MICROSOFT_APP_TYPE": "AnyTenant"}, "MICROSOFT_APP_TYPE"),
        (
            {
                "MICROSOFT_APP_ID": "bot-id",
                "MICROSOFT_APP_PASSWORD": "secret",
                "MICROSOFT_APP_TYPE": "SingleTenant",
            },
            "MICROSOFT_APP_TENANT_ID",
        ),
        ({"POLICYBOT_TEAMS_OPENID_METADATA_URL": "http://x/"}, "POLICYBOT_TEAMS_TOKEN_ISSUER"),
        ({"POLICYBOT_TEAMS_SEND_ATTEMPTS": "0"}, "POLICYBOT_TEAMS_SEND_ATTEMPTS"),
        ({"POLICYBOT_TEAMS_RETRY_MAX_SECONDS": "soon"}, "POLICYBOT_TEAMS_RETRY_MAX_SECONDS"),
    ],
)
def test_a_wrong_setting_is_refused_naming_the_variable(
    app: App, environ: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigError, match=named):
        load_mounts(app, environ=environ)


def test_a_single_tenant_managed_identity_needs_no_password(app: App) -> None:
    environ = {
        "MICROSOFT_APP_ID": "bot-id",
        "MICROSOFT_APP_TYPE": "userassignedmsi",
        "MICROSOFT_APP_TENANT_ID": "tenant-lax",
    }
    [mount] = load_mounts(app, environ=environ)
    assert mount.banner == ["Teams: POST /api/messages (bot bot-id, UserAssignedMSI)"]

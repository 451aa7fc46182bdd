"""No unauthenticated Teams door: the attack from issue 15 against real `policybot serve`.

A city that follows the README's Slack steps (the shipped app.yaml, only Slack's secrets) once
accepted an unauthenticated activity naming an HR person and got a dashboard sign-in link posted
to a service URL of the attacker's choosing. Now Teams is served only when app.yaml turns it on
and MICROSOFT_APP_ID is set; without authentication only on the explicit
POLICYBOT_TEAMS_AUTH=off, and then on loopback alone.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from adapters.server import build_web_app, is_loopback, load_mounts, refuse_exposed_host
from adapters.teams.settings import settings_from_environ
from bot.app import App
from bot.config import ConfigError
from tests.slack.conftest import slack_environment
from tests.slack.fake_slack import FakeSlack, running_fake_slack
from tests.slack.test_malformed_requests import malformed_cases
from tests.teams.conftest import AUTH_OFF, BOT, FakeConnector, nothing_recorded

REPOSITORY = Path(__file__).resolve().parents[2]
SHIPPED_CONFIG = REPOSITORY / "app.yaml"
HR_PERSON = "aad-hana"


def attack(connector: FakeConnector) -> dict[str, object]:
    """An unsigned activity as the attacker sent it: HR's object id, asking for a sign-in link."""
    return {
        "type": "message",
        "id": "attack-1",
        "channelId": "msteams",
        "serviceUrl": connector.url,  # where the attacker wanted the link posted
        "from": {"id": "29:hana", "name": "Hana", "aadObjectId": HR_PERSON},
        "recipient": dict(BOT),
        "conversation": {"id": "a:hana", "conversationType": "personal", "tenantId": "t"},
        "text": "dashboard",
    }


def _environment(extra: dict[str, str]) -> dict[str, str]:
    database = {k: v for k, v in os.environ.items() if k == "POLICYBOT_DATABASE_URL"}
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(Path.home()),
            **database, **extra}  # fmt: skip


async def _serve(config: Path, env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "adapters.cli", "--config", str(config), "serve", "--port", "0",
        *args, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE, env=env,
    )  # fmt: skip


async def _refusal(config: Path, env: dict[str, str], *args: str) -> str:
    """Start `serve` expecting it to refuse: its one line of standard error."""
    process = await _serve(config, _environment(env), *args)
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2, stderr.decode()
    [line] = stderr.decode().strip().splitlines()
    assert "Traceback" not in line
    return line


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with running_fake_slack() as slack:
        yield slack


@pytest.fixture
def shipped_config(tmp_path: Path) -> Path:
    """The repository's own app.yaml, as a city would copy it (its database beside it)."""
    config = tmp_path / "app.yaml"
    shutil.copy(SHIPPED_CONFIG, config)
    return config


@pytest.fixture
def teams_on(tmp_path: Path) -> Path:
    config = tmp_path / "app.yaml"
    config.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n  - {id: lax, name: City of La Crosse, policy: la-crosse}\n"
        "teams:\n  enabled: true\n  default_organization: lax\n"
        "people:\n  - {handle: hana, name: Hana Ito, roles: [hr], teams: aad-hana}\n"
    )
    return config


@pytest.fixture
async def served_as_readme_says(
    shipped_config: Path, fake: FakeSlack
) -> AsyncIterator[tuple[str, str]]:
    """`SLACK_BOT_TOKEN=... SLACK_SIGNING_SECRET=... policybot serve`, the README's Slack steps
    (no --host: the default), on the shipped app.yaml; yields its URL and its banner."""
    process = await _serve(shipped_config, _environment(slack_environment(fake)))
    assert process.stderr is not None
    lines: list[str] = []
    try:
        while not (match := re.search(r"serving on (http://[^ ]+:\d+)", "".join(lines[-1:]))):
            line = (await asyncio.wait_for(process.stderr.readline(), 60)).decode()
            assert line, "policybot serve stopped before it was ready:\n" + "".join(lines)
            lines.append(line)
        while "Slack:" not in lines[-1]:  # the platforms' lines follow the address
            lines.append((await asyncio.wait_for(process.stderr.readline(), 60)).decode())
        yield match.group(1), "".join(lines)
    finally:
        process.kill()
        await process.wait()


async def test_the_readme_slack_steps_serve_no_teams_door(
    served_as_readme_says: tuple[str, str], connector: FakeConnector
) -> None:
    url, banner = served_as_readme_says
    assert url.startswith("http://127.0.0.1:")  # loopback unless told otherwise
    assert "Teams" not in banner
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{url}/api/messages", json=attack(connector)) as response,
    ):
        assert response.status == 404
    assert connector.calls == []  # no sign-in link went anywhere


async def test_the_readme_slack_steps_answer_malformed_requests_with_a_4xx(
    served_as_readme_says: tuple[str, str],
) -> None:
    url, _banner = served_as_readme_says
    async with aiohttp.ClientSession() as session:
        for name, body, headers, status, _reason in malformed_cases():
            async with session.post(f"{url}/slack/events", data=body, headers=headers) as response:
                assert response.status == status, name
        for body in (b"[" * 20_000 + b"]" * 20_000, b"\xff", b"{}"):
            async with session.post(
                f"{url}/api/messages", data=body, headers={"Content-Type": "application/json"}
            ) as response:
                assert response.status == 404  # Teams is not served at all


async def test_teams_turned_on_without_its_app_id_stops_serve_naming_it(teams_on: Path) -> None:
    line = await _refusal(teams_on, {})
    assert line.startswith("policybot: error: MICROSOFT_APP_ID is not set")
    assert "teams.enabled: false" in line


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "policybot.example.gov"])
async def test_authentication_off_listens_on_loopback_alone(teams_on: Path, host: str) -> None:
    line = await _refusal(teams_on, AUTH_OFF, "--host", host)
    assert "POLICYBOT_TEAMS_AUTH=off serves teams without authentication" in line
    assert "--host 127.0.0.1" in line


async def test_authentication_off_on_loopback_warns_and_serves(
    teams_on: Path, connector: FakeConnector
) -> None:
    process = await _serve(teams_on, _environment(AUTH_OFF))
    assert process.stderr is not None
    seen = ""
    try:
        while "AUTHENTICATION IS OFF" not in seen:
            line = (await asyncio.wait_for(process.stderr.readline(), 60)).decode()
            assert line, seen
            seen += line
        assert re.search(r"serving on http://127\.0\.0\.1:\d+", seen)
    finally:
        process.kill()
        await process.wait()


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"POLICYBOT_TEAMS_AUTH": "no"}, "POLICYBOT_TEAMS_AUTH must be on or off"),
        ({**AUTH_OFF, "MICROSOFT_APP_ID": "bot-id"}, "POLICYBOT_TEAMS_AUTH=off is for local"),
        ({"POLICYBOT_TEAMS_AUTH": "on"}, "MICROSOFT_APP_ID is not set"),
        ({}, "MICROSOFT_APP_ID is not set"),
        ({"MICROSOFT_APP_ID": " "}, "MICROSOFT_APP_ID is not set"),
    ],
)
def test_only_the_explicit_setting_turns_authentication_off(
    environ: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigError, match=named):
        settings_from_environ(environ)
    assert settings_from_environ(AUTH_OFF).authentication is False
    on = settings_from_environ({"MICROSOFT_APP_ID": "bot-id", "MICROSOFT_APP_PASSWORD": "pw"})
    assert on.authentication is True


def test_loopback_is_recognised_and_nothing_else(app: App) -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "10.0.0.5", "example.gov", ""]))
    [mount] = load_mounts(app, environ=AUTH_OFF)
    refuse_exposed_host([mount], "127.0.0.1")
    with pytest.raises(ConfigError, match="loopback only"):
        refuse_exposed_host([mount], "0.0.0.0")


@pytest.fixture
def config_file(teams_on: Path) -> Path:
    return teams_on


async def test_with_authentication_on_the_attack_gets_401_and_changes_nothing(
    app: App, connector: FakeConnector
) -> None:
    """In process, Teams on with an app id: the unsigned activity is refused before anything."""
    mounts = load_mounts(app, environ={"MICROSOFT_APP_ID": "bot-id", "MICROSOFT_APP_PASSWORD": "x"})
    async with TestClient(TestServer(build_web_app(app, mounts), host="127.0.0.1")) as client:
        response = await client.post("/api/messages", json=attack(connector))
        assert response.status == 401
        deep = "[" * 5000 + "]" * 5000
        response = await client.post(
            "/api/messages", data=deep, headers={"Content-Type": "application/json"}
        )
        assert response.status == 400
    assert nothing_recorded(app, connector)

"""`policybot serve` with Teams, end to end in a separate process, and its settings."""

from __future__ import annotations

import ast
import asyncio
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from adapters.server import load_mounts
from adapters.teams.mount import SDK_NAMES, TeamsMount
from bot.app import App
from bot.config import ConfigError, load_config
from tests.processes import inherited
from tests.teams.conftest import AUTH_OFF, BOT, FakeConnector, on_sdk

READY_WITHIN_SECONDS = 60


@pytest.fixture
async def served(config_file: Path, teams_sdk: str) -> AsyncIterator[tuple[str, str]]:
    """`policybot serve` running in its own process, on the gateway app.yaml's `teams.sdk`
    names; yields its URL and what it printed.

    It binds port 0 itself and says which port it got: no port is picked here and released
    for it to bind later (another suite on the machine could take it in between).
    """
    config_file.write_text(config_file.read_text() + f"  sdk: {teams_sdk}\n")  # teams: is last
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(Path.home()),
        **AUTH_OFF,
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
    served: tuple[str, str], connector: FakeConnector, teams_sdk: str
) -> None:
    url, banner = served
    assert f"Teams: POST /api/messages on the {SDK_NAMES[teams_sdk]}" in banner
    assert "WARNING: TEAMS AUTHENTICATION IS OFF (POLICYBOT_TEAMS_AUTH=off)" in banner
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


def test_the_banner_names_the_bot_and_the_sdk_when_authentication_is_on(
    app: App, teams_sdk: str
) -> None:
    environ = {"MICROSOFT_APP_ID": "bot-id", "MICROSOFT_APP_PASSWORD": "secret"}
    [mount] = load_mounts(on_sdk(app, teams_sdk), environ=environ)
    assert isinstance(mount, TeamsMount)
    on = {"agents": "Microsoft 365 Agents SDK", "botbuilder": "Bot Framework SDK (botbuilder"}
    [line] = mount.banner
    assert line.startswith(
        f"Teams: POST /api/messages (bot bot-id, MultiTenant) on the {on[teams_sdk]}"
    )


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
        (
            {**AUTH_OFF, "POLICYBOT_TEAMS_OPENID_METADATA_URL": "http://x/"},
            "POLICYBOT_TEAMS_TOKEN_ISSUER",
        ),
        ({**AUTH_OFF, "POLICYBOT_TEAMS_SEND_ATTEMPTS": "0"}, "POLICYBOT_TEAMS_SEND_ATTEMPTS"),
        (
            {**AUTH_OFF, "POLICYBOT_TEAMS_RETRY_MAX_SECONDS": "soon"},
            "POLICYBOT_TEAMS_RETRY_MAX_SECONDS",
        ),
    ],
)
def test_a_wrong_setting_is_refused_naming_the_variable(
    app: App, environ: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigError, match=named):
        load_mounts(app, environ=environ)


def test_a_single_tenant_managed_identity_needs_no_password(app: App, teams_sdk: str) -> None:
    environ = {
        "MICROSOFT_APP_ID": "bot-id",
        "MICROSOFT_APP_TYPE": "userassignedmsi",
        "MICROSOFT_APP_TENANT_ID": "tenant-lax",
    }
    [mount] = load_mounts(on_sdk(app, teams_sdk), environ=environ)
    assert mount.banner[0].startswith("Teams: POST /api/messages (bot bot-id, UserAssignedMSI)")


@pytest.mark.parametrize(
    "environ",
    [
        {
            "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID": "bot-id",
            "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTSECRET": "secret",
            "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__TENANTID": "tenant-lax",
            "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__AUTHTYPE": "ClientSecret",
        },
        {
            "MICROSOFT_APP_ID": "bot-id",
            "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTSECRET": "secret",
            "MICROSOFT_APP_TYPE": "SingleTenant",
            "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__TENANTID": "tenant-lax",
        },
    ],
    ids=["agents-sdk-names", "mixed-names"],
)
def test_the_agents_sdks_own_variable_names_work_too(app: App, environ: dict[str, str]) -> None:
    """A city that followed Microsoft's Agents SDK documentation renames nothing."""
    [mount] = load_mounts(app, environ=environ)
    assert mount.banner[0].startswith("Teams: POST /api/messages (bot bot-id, SingleTenant)")


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        (
            {
                "MICROSOFT_APP_ID": "bot-id",
                "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID": "other-bot",
            },
            "MICROSOFT_APP_ID and CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID disagree",
        ),
        (
            {"CONNECTIONS__SERVICE_CONNECTION__SETTINGS__AUTHTYPE": "Certificate"},
            "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__AUTHTYPE must be one of",
        ),
        (
            {
                "MICROSOFT_APP_ID": "bot-id",
                "MICROSOFT_APP_TYPE": "UserAssignedMSI",
                "MICROSOFT_APP_TENANT_ID": "tenant-lax",
                "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__AUTHTYPE": "ClientSecret",
            },
            "MICROSOFT_APP_TYPE and CONNECTIONS__SERVICE_CONNECTION__SETTINGS__AUTHTYPE disagree",
        ),
    ],
    ids=["two-app-ids", "unsupported-auth-type", "two-app-types"],
)
def test_the_two_names_of_a_setting_may_not_disagree(
    app: App, environ: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigError, match=named):
        load_mounts(app, environ=environ)


def test_teams_sdk_defaults_to_the_agents_sdk_and_anything_else_is_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "app.yaml"
    path.write_text("teams:\n  enabled: true\n")
    assert load_config(path).teams.sdk == "agents"
    path.write_text("teams:\n  enabled: true\n  sdk: botbuilder\n")
    assert load_config(path).teams.sdk == "botbuilder"
    path.write_text("teams:\n  enabled: true\n  sdk: bot-framework\n")
    with pytest.raises(ConfigError, match=r"teams\.sdk must be agents or botbuilder"):
        load_config(path)
    path.write_text("slack:\n  enabled: true\n  sdk: agents\n")
    with pytest.raises(ConfigError, match="slack: unknown setting"):
        load_config(path)


def test_a_deployment_imports_only_the_sdk_it_chose(config_file: Path, teams_sdk: str) -> None:
    """A city on the Agents SDK does not carry the unsupported botbuilder (and msrest) in its
    server process, and one on botbuilder does not load the Agents SDK."""
    config_file.write_text(config_file.read_text() + f"  sdk: {teams_sdk}\n")  # teams: is last
    probe = (
        "import sys\n"
        "from adapters.server import load_mounts\n"
        "from bot.app import open_app\n"
        "load_mounts(open_app(sys.argv[1]), environ={'POLICYBOT_TEAMS_AUTH': 'off'})\n"
        "print(' '.join(sorted({name.split('.')[0] for name in sys.modules}"
        " & {'botbuilder', 'msrest', 'microsoft_agents'})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(config_file)],
        capture_output=True,
        text=True,
        timeout=READY_WITHIN_SECONDS,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    loaded = {"agents": "microsoft_agents", "botbuilder": "botbuilder msrest"}[teams_sdk]
    assert done.stdout.split() == loaded.split()


def test_only_the_two_gateway_modules_import_an_sdk() -> None:
    """The rest of the adapter speaks plain Activity JSON through adapters/teams/channel.py."""
    sdks = {"botbuilder", "botframework", "msrest", "microsoft_agents"}
    folder = Path(__file__).resolve().parents[2] / "adapters" / "teams"
    importing = set()
    for module in folder.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            names = [alias.name for alias in getattr(node, "names", [])]
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if isinstance(node, ast.Import | ast.ImportFrom) and any(
                name.split(".")[0] in sdks for name in names
            ):
                importing.add(module.name)
    assert importing == {"gateway.py", "agents_gateway.py"}

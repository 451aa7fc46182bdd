"""HR publishes a new version by sending the file in a Teams personal chat."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.app import App
from bot.delivery.outbox import QUEUED
from bot.policies import versions
from tests.announcements.helpers import reworded_la_crosse
from tests.teams.conftest import TENANT_LAX, Teams


@pytest.fixture
def config_file(tmp_path: Path, file_host: str) -> Path:
    """Teams on, with the fake file host allowed explicitly (its origin, http on loopback)."""
    origin = file_host.split("/download/")[0]
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n  - {id: lax, name: City of La Crosse, policy: la-crosse}\n"
        f"teams:\n  enabled: true\n  tenants: {{{TENANT_LAX}: lax}}\n"
        f"  file_hosts: ['{origin}']\n"
        "people:\n"
        "  - {handle: hana, name: Hana Ito, department: HR, roles: [hr], teams: aad-hana}\n"
    )
    return path


@pytest.fixture
async def file_host() -> AsyncIterator[str]:
    """Where Teams keeps the uploaded file: a pre-authorized download URL on loopback."""

    async def download(_request: web.Request) -> web.Response:
        return web.Response(body=reworded_la_crosse().encode())

    app = web.Application()
    app.router.add_get("/download/policy-v2.md", download)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("/download/policy-v2.md"))
    await server.close()


async def test_hr_sends_the_file_in_teams_and_publishes(
    teams: Teams, app: App, file_host: str
) -> None:
    chat = {"person": "aad-hana", "conversation": "a:hana-personal"}
    [waiting] = await teams.say("publish la-crosse", **chat)
    assert "upload the file" in waiting.shown
    attachment = {
        "contentType": "application/vnd.microsoft.teams.file.download.info",
        "name": "policy-v2.md",
        "content": {"downloadUrl": file_host, "uniqueId": "f1", "fileType": "md"},
    }
    status = await teams.post(teams.activity("", attachments=[attachment], **chat))
    assert status == 201
    preview = teams.connector.posted()[-1]
    assert "This becomes version 2" in preview.shown and "Publish version 2" in preview.submits()
    shown_when_delivery_woke: list[list[str]] = []
    app.db.subscribe(
        QUEUED, lambda: shown_when_delivery_woke.append([c.shown for c in teams.connector.posted()])
    )
    await teams.say("publish confirm", **chat)
    assert [v.number for v in versions.history(app.db, "la-crosse")] == [1, 2]
    [shown] = shown_when_delivery_woke  # the announcements were queued once...
    assert "Published version 2" in shown[-1]  # ...and sent only after HR's own reply

"""No log level writes a secret, a token, a sign-in link or what people wrote.

At DEBUG, slack_sdk's request logging once wrote a live dashboard sign-in token (the link in the
message it posted), and PostgreSQL errors logged their bound parameters (people's names) at
ERROR. A real `policybot serve` at DEBUG, with Slack, Teams and the dashboard: HR asks for a
sign-in link, people ask questions; nothing private reaches standard error.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from adapters.logs import configure_logging
from bot.app import App
from bot.config import LoggingSettings
from tests.ops.conftest import STAFF, WorkersFactory, teams_message
from tests.slack.conftest import SECRET
from tests.slack.fake_slack import FakeSlack
from tests.teams.conftest import FakeConnector

PHRASE = "quokka-tapioca"
DASHBOARD_SECRET = "log-test-secret-0123456789-abcdefghijkl"


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n  - {id: lax, name: City of La Crosse, policy: la-crosse}\n"
        "slack:\n  enabled: true\n  default_organization: lax\n"
        "teams:\n  enabled: true\n  default_organization: lax\n"
        "dashboard: {enabled: true, base_url: 'https://hr.example.gov'}\n"
        + STAFF.replace("people:\n", "people:\n  - {handle: hana, name: Hana Quillfeather,"
                                     " roles: [hr], slack: U-HANA}\n")
    )  # fmt: skip
    return path


@pytest.mark.parametrize("level", ["DEBUG", "INFO"])
async def test_no_level_logs_a_token_a_sign_in_link_or_peoples_words(
    workers: WorkersFactory, fake: FakeSlack, connector: FakeConnector, level: str
) -> None:
    async with (
        workers(1, POLICYBOT_LOG_LEVEL=level, POLICYBOT_DASHBOARD_SECRET=DASHBOARD_SECRET)
        as [worker],
        aiohttp.ClientSession() as session,
    ):  # fmt: skip
        slack = worker.slack(session, fake)
        await slack.dm("dashboard", "EvSec1", user="U-HANA")
        [link_message] = await fake.wait_for(lambda: fake.of("chat.postMessage"))
        await slack.dm(f"can I post {PHRASE} photos of my crew?", "EvSec2", user="U-PAT")
        await fake.wait_for(lambda: fake.of("chat.postMessage")[1:])
        activity = teams_message(connector, f"can I tweet about {PHRASE}?", "teams-sec-1")
        headers = {"Authorization": "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"}
        async with session.post(f"{worker.url}/api/messages", json=activity, headers=headers):
            pass
        assert await worker.stop() == 0
    token = re.search(r"token=([^\s&>|]+)", str(link_message.args["text"]))
    assert token is not None, link_message.args["text"]
    logged = "".join(worker.lines)
    assert "answered a Slack message" in logged  # PolicyBot's own lines are there
    for private in (token.group(1), "/dashboard/sign-in?token", PHRASE, "photos of my crew",
                    "Quillfeather", SECRET, DASHBOARD_SECRET, "xoxb-test-token",
                    "eyJhbGciOiJSUzI1NiJ9"):  # fmt: skip
        assert private not in logged, private


def test_a_database_error_logged_at_error_carries_no_parameters(app: App) -> None:
    stream = io.StringIO()
    configure_logging(LoggingSettings("text", "DEBUG"), stream)
    try:
        with app.db.engine.connect() as connection:
            connection.execute(text("SELECT no_such_column FROM people WHERE name = :name"),
                               {"name": "Hana Quillfeather"})  # fmt: skip
    except DBAPIError:
        logging.getLogger("policybot.core").exception("the query failed")
    finally:
        configure_logging(LoggingSettings("text", "INFO"), io.StringIO())
    logged = stream.getvalue()
    assert "the query failed" in logged and "no_such_column" in logged
    assert "Quillfeather" not in logged


def test_the_last_filter_masks_token_shaped_text(app: App) -> None:
    stream = io.StringIO()
    configure_logging(LoggingSettings("text", "INFO"), stream)
    log = logging.getLogger("policybot.test")
    log.info("token %s", "xoxb-1234-abcd")
    log.info("link https://hr.example.gov/dashboard/sign-in?token=abc.def")
    log.info("header Bearer abc.def.ghi")
    logged = stream.getvalue()
    assert "xoxb-1234" not in logged and "abc.def" not in logged and logged.count("***") == 3

"""A reminder (or a request for a decision) that is no longer wanted by the time it goes out is
never delivered: checked when it is sent, not only when it is queued. Pat acknowledged, and
then the reminder queued an hour before arrived anyway; that must not happen in Slack, Teams or
the terminal, nor when a newer version overtook the reminder.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.outbox_worker import OutboxWorker
from adapters.slack.bolt_app import web_client
from adapters.slack.outbox_delivery import slack_worker
from adapters.slack.settings import slack_settings
from adapters.teams.mount import teams_sender
from bot.acknowledgements import reminders
from bot.app import App
from bot.messages import Incoming
from bot.people import directory
from bot.publishing import publisher
from bot.storage.models import OutboxMessage
from knowledge.documents import read_document
from tests.announcements.helpers import publish_change, reworded_la_crosse
from tests.conftest import Clock
from tests.console.test_cli import run
from tests.slack.conftest import slack_environment
from tests.slack.fake_slack import FakeSlack
from tests.teams.conftest import TENANT_LAX, FakeConnector, Teams

REMINDER = "A reminder: please read version"


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    people = "".join(
        f"  - {{handle: p{n}, name: Person {n}, department: Parks, slack: U-P{n}, "
        f"teams: aad-p{n}}}\n"
        for n in range(1, 5)
    )
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n  - {id: lax, name: City of La Crosse, policy: la-crosse}\n"
        f"teams:\n  enabled: true\n  tenants: {{{TENANT_LAX}: lax}}\n"
        "delivery: {slack_per_second: 50, teams_per_second: 50}\n"
        "people:\n" + people
    )
    return path


def statuses(app: App, topic: str) -> list[tuple[str, str]]:
    """(platform, status) of each queued message of a topic, oldest first."""
    with app.db.session() as session:
        rows = session.execute(
            select(OutboxMessage.platform, OutboxMessage.status)
            .where(OutboxMessage.topic.startswith(topic))
            .order_by(OutboxMessage.id)
        )
        return [(str(platform), status) for platform, status in rows]


def acknowledge(app: App, platform: str, person: str) -> None:
    message = Incoming(platform, person, f"{platform}:{person}", "ack la-crosse", person)
    [reply] = app.bot.handle(message)
    assert reply.kind == "ack" and reply.data["version"] == 2


def slack_reminders_to(fake: FakeSlack, user: str) -> list[str]:
    return [m["text"] for m in fake.dm_of(user) if REMINDER in (m["text"] or "")]


async def test_slack_never_delivers_a_reminder_acknowledged_since_it_was_queued(
    app: App, fake: FakeSlack, clock: Clock
) -> None:
    settings = slack_settings(slack_environment(fake), socket_mode=False)
    worker = slack_worker(app, lambda team: web_client(settings, settings.token_for(team)))
    for n in range(1, 5):  # everyone was last seen on Slack
        directory.person_on(app.db, "slack", f"U-P{n}", clock())
    publish_change(app)
    await worker.deliver_due()  # the announcement
    clock.advance(days=8)
    assert reminders.remind_now(app.db, app.config, "la-crosse", now=clock()).people == 4
    acknowledge(app, "slack", "U-P2")  # Pat acknowledges before the reminder goes out
    assert await worker.deliver_due() == 3
    assert slack_reminders_to(fake, "U-P2") == []
    assert all(len(slack_reminders_to(fake, f"U-P{n}")) == 1 for n in (1, 3, 4))
    assert [status for _, status in statuses(app, "ack_reminder")].count("obsolete") == 1


@pytest.fixture
async def quiet_teams(teams: Teams) -> Teams:
    """The server without its own delivery loop: the test's worker does the delivering."""
    assert teams.mount.outbox is not None
    await teams.mount.outbox.stop()
    return teams


async def test_teams_drops_a_reminder_acknowledged_while_the_round_was_sending(
    quiet_teams: Teams, app: App, connector: FakeConnector, clock: Clock
) -> None:
    teams = quiet_teams
    for n in range(1, 5):  # everyone has talked to the bot, so it may write to them
        await teams.say("hello", person=f"aad-p{n}", conversation=f"a:aad-p{n}-personal")
        directory.person_on(app.db, "teams", f"aad-p{n}", clock())  # last seen on Teams
    worker = OutboxWorker(app, "teams", teams_sender(teams.mount.notifier))
    publish_change(app)
    await worker.deliver_due()
    clock.advance(days=8)
    reminders.remind_now(app.db, app.config, "la-crosse", now=clock())
    connector.hold_post = connector.posts + 1  # the first reminder hangs in Teams
    round_ = asyncio.ensure_future(worker.deliver_due())
    await asyncio.wait_for(connector.held.wait(), 10)
    # Every reminder is claimed by now; person 3 acknowledges before theirs is sent.
    assert await teams.post(teams.activity("ack la-crosse", person="aad-p3")) == 201
    connector.release.set()
    await asyncio.wait_for(round_, 10)
    reminded = [
        call.path for call in connector.posted() if call.assigned_id and REMINDER in call.shown
    ]
    assert not any("aad-p3" in path for path in reminded)
    assert any("aad-p2" in path for path in reminded) and any("aad-p4" in path for path in reminded)
    assert ("teams", "obsolete") in statuses(app, "ack_reminder")


def publish_version_3(app: App) -> None:
    text = reworded_la_crosse().replace("11. Employees are advised", "11. Employees are told")
    document = read_document("social-media-v3.txt", text.encode())
    draft = publisher.prepare(app.db, app.library, app.config, document, policy_id="la-crosse")
    publisher.publish(app.db, app.library, draft, by="hana", by_person_id=None, now=app.bot.clock())


def console_messages(config: Path, handle: str) -> str:
    """What `policybot chat --user HANDLE` shows waiting for them as it starts."""
    result = run("chat", "--user", handle, config=config, stdin="")
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def terminal_config(tmp_path: Path, config_file: Path) -> Path:
    """Everyone uses the terminal only (no Slack or Teams identity)."""
    people = "".join(
        f"  - {{handle: p{n}, name: Person {n}, department: Parks}}\n" for n in range(1, 5)
    )
    config_file.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n  - {id: lax, name: City of La Crosse, policy: la-crosse}\n"
        "people:\n" + people
    )
    return config_file


def test_the_terminal_shows_no_reminder_acknowledged_or_overtaken(
    terminal_config: Path, app: App, clock: Clock
) -> None:
    publish_change(app)
    for n in range(1, 5):
        assert "version 2" in console_messages(terminal_config, f"p{n}")  # the announcement
    clock.advance(days=8)
    reminders.remind_now(app.db, app.config, "la-crosse", now=clock())
    acknowledge(app, "console", "p1")
    assert REMINDER not in console_messages(terminal_config, "p1")
    publish_version_3(app)  # it overtakes the reminders for version 2
    shown = console_messages(terminal_config, "p2")
    assert REMINDER not in shown and "version 3" in shown  # the new announcement does arrive
    reminded = [status for _, status in statuses(app, "ack_reminder")]
    assert reminded[0] == "obsolete"  # p1's: acknowledged before it went out
    assert set(reminded[1:]) <= {"obsolete", "superseded"}  # version 3 overtook the others

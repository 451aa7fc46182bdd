"""A version announced on Teams: throttling slows it, a crash halfway sends nothing twice."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.outbox_worker import OutboxWorker
from adapters.teams.mount import teams_sender
from bot.app import App
from bot.storage.models import OutboxMessage
from tests.announcements.helpers import publish_change
from tests.conftest import Clock
from tests.teams.conftest import TENANT_LAX, FakeConnector, Teams

PEOPLE = [f"aad-p{n}" for n in range(1, 6)]


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    people = "".join(
        f"  - {{handle: p{n}, name: Person {n}, department: Parks, teams: aad-p{n}}}\n"
        for n in range(1, 6)
    )
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n  - {id: lax, name: City of La Crosse, policy: la-crosse}\n"
        f"teams:\n  enabled: true\n  tenants: {{{TENANT_LAX}: lax}}\n"
        "delivery: {teams_per_second: 50}\n"
        "people:\n" + people
    )
    return path


@pytest.fixture
async def teams(teams: Teams) -> Teams:
    """The server without its own delivery loop: each test's workers do the delivering."""
    assert teams.mount.outbox is not None
    await teams.mount.outbox.stop()
    return teams


async def met(teams: Teams) -> None:
    """Everyone has talked to the bot once, so Teams lets it write to them."""
    for person in PEOPLE:
        await teams.say("hello", person=person, conversation=f"a:{person}-personal")


def worker(teams: Teams, app: App) -> OutboxWorker:
    return OutboxWorker(app, "teams", teams_sender(teams.mount.notifier))


def announcements_to(connector: FakeConnector, person: str) -> list[str]:
    return [
        call.shown
        for call in connector.posted()
        if call.assigned_id  # Teams took it (refused calls are recorded too)
        and f"a:{person}-personal" in call.path
        and "version 2" in call.shown
    ]


def statuses(app: App) -> list[str]:
    with app.db.session() as session:
        return list(session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


async def test_everyone_gets_the_card_once_despite_throttling(
    teams: Teams, app: App, connector: FakeConnector
) -> None:
    await met(teams)
    assert publish_change(app).announced == 5
    connector.refuse(429, times=12, **{"Retry-After": "0"})  # longer than the send's own retries
    await worker(teams, app).deliver_due()
    assert statuses(app) == ["sent"] * 5
    for person in PEOPLE:
        [shown] = announcements_to(connector, person)
        assert "clause 3, reworded" in shown
    [card] = [c for c in connector.posted() if c.assigned_id and "version 2" in c.shown][:1]
    assert "I acknowledge version 2" in card.submits()


async def test_a_crash_halfway_sends_nothing_twice(
    teams: Teams, app: App, connector: FakeConnector, clock: Clock
) -> None:
    await met(teams)
    publish_change(app)
    connector.hold_post = connector.posts + 3  # the worker stops while sending the third
    first = asyncio.ensure_future(worker(teams, app).deliver_due())
    await asyncio.wait_for(connector.held.wait(), 10)
    first.cancel()
    connector.release.set()
    assert statuses(app).count("sent") == 2
    clock.advance(minutes=3)  # the dead worker's claim lapses; a new one takes over
    await worker(teams, app).deliver_due()
    assert statuses(app) == ["sent"] * 5
    assert all(len(announcements_to(connector, person)) == 1 for person in PEOPLE)

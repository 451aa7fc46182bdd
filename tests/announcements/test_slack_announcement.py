"""A version announced on Slack: a 429 storm slows it, a crash halfway sends nothing twice."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.outbox_worker import OutboxWorker
from adapters.slack.bolt_app import web_client
from adapters.slack.outbox_delivery import slack_worker
from adapters.slack.settings import slack_settings
from bot.app import App
from bot.storage.models import OutboxMessage
from tests.announcements.helpers import publish_change
from tests.conftest import Clock
from tests.slack.conftest import slack_environment
from tests.slack.fake_slack import FakeSlack

PEOPLE = [f"U-P{n}" for n in range(1, 7)]


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    people = "".join(
        f"  - {{handle: p{n}, name: Person {n}, department: Parks, slack: U-P{n}}}\n"
        for n in range(1, 7)
    )
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n  - {id: lax, name: City of La Crosse, policy: la-crosse}\n"
        "slack:\n  enabled: true\n  default_organization: lax\n"
        "delivery: {slack_per_second: 50}\n"
        "people:\n" + people
    )
    return path


def worker(app: App, fake: FakeSlack) -> OutboxWorker:
    settings = slack_settings(slack_environment(fake), socket_mode=False)
    return slack_worker(app, lambda team: web_client(settings, settings.token_for(team)))


def announcements_to(fake: FakeSlack, user: str) -> list[str]:
    return [m["text"] for m in fake.dm_of(user) if "version 2" in (m["text"] or "")]


def statuses(app: App) -> list[str]:
    with app.db.session() as session:
        return list(session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


async def test_everyone_gets_the_announcement_once_despite_a_429_storm(
    app: App, fake: FakeSlack
) -> None:
    result = publish_change(app)
    assert result.announced == 6 and result.requires_ack
    fake.rate_limits["chat.postMessage"] = 9  # more than the client's own retries
    sent = await worker(app, fake).deliver_due()
    assert sent == 6 and statuses(app) == ["sent"] * 6
    assert len(fake.of("chat.postMessage:429")) == 9
    for user in PEOPLE:
        [text] = announcements_to(fake, user)
        assert "clause 3, reworded" in text and "[-shall-] {+must+}" in text
    button = fake.of("chat.postMessage")[0].args["blocks"][-1]["elements"][0]
    assert button["text"]["text"] == "I acknowledge version 2"


async def test_a_crash_halfway_sends_nothing_twice(app: App, fake: FakeSlack, clock: Clock) -> None:
    publish_change(app)
    fake.hold_post = 3  # Slack takes the third message; the bot stops before hearing back
    first = asyncio.ensure_future(worker(app, fake).deliver_due())
    await asyncio.wait_for(fake.held.wait(), 10)
    first.cancel()  # the worker dies with the third message in doubt
    fake.release.set()
    assert "sending" in statuses(app)  # the third, at least, is in doubt
    clock.advance(minutes=3)  # its claim has lapsed: a new worker takes over
    await worker(app, fake).deliver_due()
    assert statuses(app) == ["sent"] * 6
    assert all(len(announcements_to(fake, user)) == 1 for user in PEOPLE)
    assert fake.of("conversations.history"), "the message in doubt was looked up first"


async def test_shutdown_finishes_the_send_under_way_and_releases_the_rest(
    app: App, fake: FakeSlack
) -> None:
    publish_change(app)
    fake.hold_post = 1  # the first message is in flight when the server is told to stop
    delivery = worker(app, fake)
    start, stop = delivery.hooks()
    await start(None)  # type: ignore[arg-type]
    delivery.poke()
    await asyncio.wait_for(fake.held.wait(), 10)
    stopping = asyncio.ensure_future(stop(None))  # type: ignore[arg-type]
    await asyncio.sleep(0)  # the stop has begun while the send is still under way
    fake.release.set()
    await stopping
    after = statuses(app)
    assert "sending" not in after, "nothing is left claimed by the stopped worker"
    assert after.count("sent") >= 1 and "pending" in after
    assert all(len(announcements_to(fake, user)) <= 1 for user in PEOPLE)


async def test_a_message_queued_in_this_process_goes_out_at_once_not_at_the_next_poll(
    app: App, fake: FakeSlack
) -> None:
    delivery = worker(app, fake)
    delivery.interval = 3600  # only the commit's signal can wake it within the test
    start, stop = delivery.hooks()
    await start(None)  # type: ignore[arg-type]
    try:
        await asyncio.wait_for(delivery.waiting.wait(), 10)  # its first round found nothing
        publish_change(app)
        await fake.wait_for(lambda: len(fake.of("chat.postMessage")) == 6)
    finally:
        await stop(None)  # type: ignore[arg-type]
    assert statuses(app) == ["sent"] * 6

"""Outbox claims across workers: a lapsed claim cannot undo the worker that took over."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.delivery import outbox
from bot.messages import Reply
from bot.storage.models import OutboxMessage, Person
from tests.conftest import Clock


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n  - {id: lax, name: City of La Crosse, policy: la-crosse}\n"
        "people:\n  - {handle: pat, name: Pat Lee, slack: U-PAT}\n"
    )
    return path


def queue_one(app: App) -> None:
    with app.db.session() as session:
        person = session.scalars(select(Person)).one()
        outbox.enqueue(
            session, person_id=person.id, topic="t", reply=Reply("note", "hi"), now=app.bot.clock()
        )


def status(app: App) -> str:
    with app.db.session() as session:
        return session.scalars(select(OutboxMessage.status)).one()


def test_a_worker_whose_claim_lapsed_cannot_put_the_message_back(app: App, clock: Clock) -> None:
    queue_one(app)
    [slow] = outbox.claim_due(app.db, platform="slack", now=clock())
    assert not slow.in_doubt
    assert outbox.claim_due(app.db, platform="slack", now=clock()) == []  # claimed: nobody else
    clock.advance(minutes=3)
    [taken_over] = outbox.claim_due(app.db, platform="slack", now=clock())
    assert taken_over.in_doubt and taken_over.claim != slow.claim
    outbox.mark_failed(app.db, slow.id, error="timeout", now=clock(), claim=slow.claim)
    outbox.put_back(app.db, slow.id, wait_seconds=0, now=clock(), claim=slow.claim)
    assert status(app) == "sending"  # still the second worker's
    outbox.mark_sent(app.db, taken_over.id, clock())
    assert status(app) == "sent"

"""Publishing twice in a row: nobody is asked twice, and nothing queued for the overtaken
version is sent (its announcement, its reminders, the supervisors' summaries)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.acknowledgements import reminders
from bot.app import App
from bot.delivery import outbox as delivery
from bot.messages import reply_from_dict
from bot.people import directory
from bot.storage.models import OutboxMessage, Person
from tests.conftest import Clock
from tests.publishing.conftest import LA_CROSSE, LA_CROSSE_PHOTOS, ORGANIZATIONS, publish

PEOPLE = """
people:
  - {handle: hana, name: Hana Ito, department: HR, roles: [hr], console: hana}
  - {handle: sam, name: Sam Ortiz, department: Parks, roles: [supervisor], console: sam}
  - {handle: pat, name: Pat Lee, department: Parks, supervisor: sam, console: pat}
  - {handle: kim, name: Kim Ray, department: Parks, supervisor: sam, console: kim}
"""
V3 = LA_CROSSE_PHOTOS.replace("are advised that", "should know that")


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text("database:\n  path: data/bot.sqlite3\n" + ORGANIZATIONS + PEOPLE)
    return path


def messages(app: App, prefix: str) -> list[tuple[str, str, str, str]]:
    """(handle, topic, status, text) of every message whose topic starts with the prefix."""
    query = (
        select(Person.handle, OutboxMessage.topic, OutboxMessage.status, OutboxMessage.reply)
        .join(Person, Person.id == OutboxMessage.person_id)
        .where(OutboxMessage.topic.startswith(prefix))
        .order_by(OutboxMessage.id)
    )
    with app.db.session() as session:
        return [(h, t, s, reply_from_dict(r).text) for h, t, s, r in session.execute(query)]


def deliver(app: App, handle: str, clock: Clock) -> None:
    """The person opens their terminal: what waits for them is delivered."""
    person = directory.person_on(app.db, "console", handle, clock())
    assert person is not None
    delivery.deliver_to_console(app.db, person.id, clock())


def test_a_second_version_before_the_first_was_sent_is_announced_once(
    app: App, clock: Clock
) -> None:
    publish(app, "v2.txt", LA_CROSSE_PHOTOS)
    deliver(app, "pat", clock)  # Pat read the announcement of version 2; the others not yet
    clock.advance(minutes=5)
    publish(app, "v3.txt", V3)
    rows = messages(app, "policy_update:la-crosse")
    pending = [(who, topic, text) for who, topic, status, text in rows if status == "pending"]
    assert Counter(who for who, _, _ in pending) == Counter(
        {"hana": 1, "sam": 1, "kim": 1, "pat": 1}
    )
    assert {topic for _, topic, _ in pending} == {"policy_update:la-crosse:3"}
    assert {who for who, _, status, _ in rows if status == "superseded"} == {"hana", "sam", "kim"}
    text = {who: text for who, _, text in pending}
    assert "What changed since version 1: 2 clauses reworded." in text["kim"]
    assert "agrees in writing" in text["kim"]  # version 2's change, which Kim never got
    assert "What changed: 1 clause reworded." in text["pat"]  # Pat had version 2's
    assert "{+should know+}" in text["pat"] and "agrees in writing" not in text["pat"]


def test_reminders_queued_for_an_overtaken_version_are_not_sent(app: App, clock: Clock) -> None:
    publish(app, "v2.txt", LA_CROSSE_PHOTOS)
    for handle in ("hana", "sam", "pat", "kim"):
        deliver(app, handle, clock)
    clock.advance(days=7)
    done = reminders.run_due(app.db, app.config, clock())
    assert done.people == 4 and done.supervisors == 1
    assert {status for _, _, status, _ in messages(app, "ack_")} == {"pending"}
    publish(app, "v3.txt", V3)
    assert {status for _, _, status, _ in messages(app, "ack_")} == {"superseded"}
    for handle in ("hana", "sam", "pat", "kim"):
        person = directory.person_on(app.db, "console", handle, clock())
        assert person is not None
        waiting = delivery.deliver_to_console(app.db, person.id, clock())
        kinds = [reply.kind for reply in waiting]
        assert "ack_reminder" not in kinds and "ack_team_summary" not in kinds
        assert kinds.count("policy_update") == 1 and "version 3" in waiting[0].text


def test_a_version_that_changes_no_clause_withdraws_nothing_and_asks_nobody(
    app: App, clock: Clock
) -> None:
    publish(app, "v2.txt", LA_CROSSE_PHOTOS)
    clock.advance(days=7)
    reminders.run_due(app.db, app.config, clock())
    _, result = publish(app, "v3.txt", LA_CROSSE_PHOTOS.replace("\n\n", "\n\n\n"))
    assert not result.requires_ack and result.announced == 0
    statuses = {status for _, _, status, _ in messages(app, "")}
    assert "superseded" not in statuses
    assert LA_CROSSE  # (the seed text itself is version 1)

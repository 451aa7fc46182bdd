"""Two organizations, a staff list with HR, supervisors and their teams, and helpers to read
what the bot queued for people: what HR and employees would see after a publication."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.messages import Attachment, Incoming, Reply, reply_from_dict
from bot.publishing import publisher
from bot.publishing.draft import Draft, Published
from bot.storage.models import OutboxMessage, Person, PolicyVersion
from knowledge.documents import read_document

SEEDS = Path(__file__).resolve().parents[2] / "knowledge" / "policies"
LA_CROSSE = (SEEDS / "la-crosse" / "policy.txt").read_text(encoding="utf-8")
LAKE_ELMO = (SEEDS / "lake-elmo" / "policy.html").read_text(encoding="utf-8")

ORGANIZATIONS = """
organizations:
  - {id: lax, name: City of La Crosse, policy: la-crosse, hr_contact: HR at City Hall}
  - {id: elmo, name: City of Lake Elmo, policy: lake-elmo, hr_contact: Lake Elmo HR}
"""

STAFF = """
people:
  - {handle: hana, name: Hana Ito, department: HR, roles: [hr]}
  - {handle: sam, name: Sam Ortiz, department: Parks, roles: [supervisor]}
  - {handle: pat, name: Pat Lee, department: Parks, supervisor: sam}
  - {handle: kim, name: Kim Ray, department: Parks, supervisor: sam}
  - {handle: max, name: Max Chen, department: Library, roles: [supervisor]}
  - {handle: lou, name: Lou Park, department: Library, supervisor: max}
  - {handle: elle, name: Elle Moss, department: Planning, organization: elmo}
  - {handle: ed, name: Ed Ward, department: HR, organization: elmo, roles: [hr]}
acknowledgements: {remind_after_days: 7, remind_every_days: 7}
"""
LAX_PEOPLE = {"hana", "sam", "pat", "kim", "max", "lou"}
ELMO_PEOPLE = {"elle", "ed"}


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text("database:\n  path: data/bot.sqlite3\n" + ORGANIZATIONS + STAFF)
    return path


def say(
    app: App,
    who: str,
    text: str,
    policy: str = "la-crosse",
    attachments: tuple[Attachment, ...] = (),
) -> Reply:
    """What the bot answers `who` in their terminal (the last reply)."""
    message = Incoming("console", who, f"console:{who}", text, who, policy, attachments)
    return app.bot.handle(message)[-1]


def outbox(app: App, topic_prefix: str = "") -> list[tuple[str, str, Reply]]:
    """Every queued message: (handle, topic, reply), oldest first."""
    query = (
        select(Person.handle, OutboxMessage.topic, OutboxMessage.reply)
        .join(Person, Person.id == OutboxMessage.person_id)
        .where(OutboxMessage.topic.startswith(topic_prefix))
        .order_by(OutboxMessage.id)
    )
    with app.db.session() as session:
        return [(h, t, reply_from_dict(r)) for h, t, r in session.execute(query)]


def version_numbers(app: App, policy_id: str) -> list[tuple[int, str]]:
    """(number, origin) of every stored version of a policy, oldest first."""
    query = (
        select(PolicyVersion.number, PolicyVersion.origin)
        .where(PolicyVersion.policy_id == policy_id)
        .order_by(PolicyVersion.number)
    )
    with app.db.session() as session:
        return [(n, o) for n, o in session.execute(query)]


def publish(
    app: App,
    name: str,
    content: bytes | str,
    policy_id: str = "la-crosse",
    **options: str,
) -> tuple[Draft, Published]:
    """Publish a document as HR would from the terminal with --yes (prepare, then publish)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    draft = publisher.prepare(
        app.db, app.library, app.config, read_document(name, data), policy_id=policy_id, **options
    )
    result = publisher.publish(
        app.db, app.library, draft, by="hana", by_person_id=None, now=app.bot.clock()
    )
    return draft, result


def lines_of(text: str) -> list[str]:
    """The non-empty lines of a text, as a document exporter would lay them out."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def ascii_lines(text: str) -> list[str]:
    """The non-empty lines of a text with typographic quotes made plain (for Helvetica)."""
    plain = text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
    return [line.strip() for line in plain.splitlines() if line.strip()]


# Real edits of the seed policies, as HR would make them.
PHOTOS_BEFORE = "taken in their capacity as City employees."
PHOTOS_AFTER = (
    "taken in their capacity as City employees, unless each person shown agrees in writing."
)
LA_CROSSE_PHOTOS = LA_CROSSE.replace(PHOTOS_BEFORE, PHOTOS_AFTER)

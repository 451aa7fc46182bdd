"""Announce a new policy version to 10,000 people on the local Slack and Teams fakes.

Prints the time to queue the announcement (the publication's one transaction), the delivery
throughput of each platform's worker unpaced (what PolicyBot itself can do) and paced at the
configured rate (what it does, below the platforms' documented limits), and memory.

    python bench/announce.py [--people 10000] [--sample 1000]

Uses SQLite in a temporary folder, or POLICYBOT_DATABASE_URL (e.g. a PostgreSQL server from
scripts/postgres). The fakes are the test suite's, on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from aiohttp.test_utils import TestServer
from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.outbox_worker import OutboxWorker
from adapters.server import load_mounts
from adapters.slack.bolt_app import web_client
from adapters.slack.outbox_delivery import slack_worker
from adapters.slack.settings import slack_settings
from adapters.teams.mount import TeamsMount, teams_sender
from bot.app import App, open_app
from bot.config import DeliverySettings
from bot.storage.models import (
    ConversationReference,
    OutboxMessage,
    Person,
    PersonIdentity,
)
from tests.announcements.helpers import publish_change
from tests.slack.fake_slack import FakeSlack
from tests.teams.conftest import BOT, FakeConnector

DOCUMENTED = {
    "slack": "chat.postMessage: about 1 message/s per channel (each DM is its own channel), "
    "short bursts allowed; workspace-wide limits unpublished",
    "teams": "about 50 requests/s per bot per tenant; 7 per second per conversation",
}


def configure(folder: Path) -> Path:
    path = folder / "app.yaml"
    path.write_text(
        "database:\n  path: bot.sqlite3\n"
        "organizations:\n  - {id: lax, name: City of La Crosse, policy: la-crosse}\n"
        "slack:\n  enabled: true\n  default_organization: lax\n"
        "teams:\n  enabled: true\n  default_organization: lax\n"
    )
    return path


def seed_people(app: App, count: int, service_url: str) -> None:
    """Half on Slack, half on Teams (with the conversation reference a first message leaves)."""
    now = datetime.now(UTC)
    with app.db.session() as session:
        session.execute(
            insert(Person),
            [
                {
                    "handle": f"p{n}",
                    "name": f"Person {n}",
                    "department": f"Dept {n % 12}",
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(count)
            ],
        )
        ids = {handle: id_ for handle, id_ in session.execute(select(Person.handle, Person.id))}
        identities, references = [], []
        for n in range(count):
            platform = "slack" if n % 2 == 0 else "teams"
            external = f"U{n:06d}" if platform == "slack" else f"aad-{n}"
            identities.append(
                {"person_id": ids[f"p{n}"], "platform": platform, "external_id": external}
            )
            if platform == "teams":
                references.append(_teams_reference(external, service_url, now))
        session.execute(insert(PersonIdentity), identities)
        session.execute(insert(ConversationReference), references)


def _teams_reference(person: str, service_url: str, now: datetime) -> dict[str, object]:
    return {
        "platform": "teams",
        "person": person,
        "display_name": person,
        "workspace": None,
        "updated_at": now,
        "reference": {
            "channelId": "msteams",
            "serviceUrl": service_url,
            "conversation": {"id": f"a:{person}-personal", "conversationType": "personal"},
            "user": {"id": f"29:{person}", "aadObjectId": person},
            "bot": dict(BOT),
        },
    }


def _publication_memory(app: App) -> int:
    """Peak Python memory of a second publication (another edit), measured apart from its time."""
    from bot.publishing import publisher
    from knowledge.documents import read_document
    from tests.announcements.helpers import reworded_la_crosse

    text = reworded_la_crosse().replace("Employees cannot post", "Employees must not post")
    draft = publisher.prepare(
        app.db,
        app.library,
        app.config,
        read_document("v3.txt", text.encode()),
        policy_id="la-crosse",
    )
    tracemalloc.start()
    publisher.publish(
        app.db, app.library, draft, by="bench", by_person_id=None, now=datetime.now(UTC)
    )
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def sent(app: App, platform: str) -> int:
    with app.db.session() as session:
        query = select(func.count()).where(
            OutboxMessage.platform == platform, OutboxMessage.status == "sent"
        )
        return int(session.scalar(query) or 0)


async def measure(worker: OutboxWorker, app: App, platform: str, limit: int) -> tuple[int, float]:
    """Deliver until `limit` more messages are sent; (sent, seconds)."""
    before = sent(app, platform)
    start = time.perf_counter()
    task = asyncio.ensure_future(worker.deliver_due())
    while sent(app, platform) - before < limit and not task.done():
        await asyncio.sleep(0.05)
    task.cancel()
    elapsed = time.perf_counter() - start
    return sent(app, platform) - before, elapsed


async def run(people: int, sample: int) -> None:
    slack, connector = FakeSlack(), FakeConnector()
    slack_server = TestServer(slack.application(), host="127.0.0.1")
    teams_server = TestServer(connector.app(), host="127.0.0.1")
    await slack_server.start_server()
    await teams_server.start_server()
    slack.server = slack_server
    connector.url = str(teams_server.make_url("/"))
    with tempfile.TemporaryDirectory() as folder:
        app = open_app(str(configure(Path(folder))))
        seed_people(app, people, connector.url)
        start = time.perf_counter()
        result = publish_change(app)
        queued_in = time.perf_counter() - start
        peak = _publication_memory(app)
        print(f"people: {people:,} ({people // 2:,} on Slack, {people - people // 2:,} on Teams)")
        print(
            f"queue the announcement: {queued_in:.2f} s for {result.announced:,} messages "
            f"(publication and queue in one transaction), peak Python memory {peak / 1e6:.1f} MB"
        )
        environ = {
            "SLACK_BOT_TOKEN": "xoxb-test-token",
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": slack.api_url,
            "POLICYBOT_TEAMS_AUTH": "off",
        }
        configured = app.config.delivery
        mounts = load_mounts(app, environ=environ)
        [teams_mount] = [m for m in mounts if isinstance(m, TeamsMount)]
        settings = slack_settings(environ, socket_mode=False)
        for label, delivery in (("unpaced", DeliverySettings(1e9, 1e9)), ("paced", None)):
            paced = replace(app.config, delivery=delivery or configured)
            app.config = paced
            workers = {
                "slack": slack_worker(app, lambda t: web_client(settings, settings.token_for(t))),
                "teams": OutboxWorker(app, "teams", teams_sender(teams_mount.notifier)),
            }
            for platform, worker in workers.items():
                rate = paced.delivery.per_second(platform)
                limit = sample if label == "unpaced" else max(10, int((rate or 10) * 3))
                count, seconds = await measure(worker, app, platform, limit)
                print(
                    f"{platform} {label}: {count:,} sent in {seconds:.2f} s = "
                    f"{count / seconds:.0f}/s"
                    + ("" if label == "unpaced" else f" (configured {rate:g}/s)")
                )
        for platform, text in DOCUMENTED.items():
            rate = app.config.delivery.per_second(platform) or 1
            print(
                f"{platform} documented: {text}; at the default {rate:g}/s, "
                f"{people // 2:,} people take {people / 2 / rate / 60:.1f} min"
            )
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak resident memory of the process: {rss:.0f} MB")
        assert teams_mount.notifier is not None
        await teams_mount.notifier.gateway.close()  # the connections kept to the Teams fake
        app.close()
    await slack_server.close()
    await teams_server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=1_000, help="messages per unpaced run")
    args = parser.parse_args()
    os.environ.setdefault("POLICYBOT_TEAMS_RETRY_BASE_SECONDS", "0.001")
    asyncio.run(run(args.people, args.sample))


if __name__ == "__main__":
    main()

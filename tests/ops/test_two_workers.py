"""Two `policybot serve` workers on one database, as behind a load balancer.

Whatever must happen once happens once, whichever worker a request reaches: the same Slack
event delivered to both is answered once; a conversation's state (a checklist, a did-you-mean
choice) is in the database, so the next message may go to the other worker; approval reminders
are sent once when several processes run the timers at the same moment.
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections import Counter
from pathlib import Path

import aiohttp
from sqlalchemy import func, select

from bot.acknowledgements import acks
from bot.app import App, open_app
from bot.storage.models import AuditEntry, OutboxMessage, Person, ProcessedEvent
from tests.approvals.conftest import request
from tests.ops.conftest import WorkersFactory, environment
from tests.slack.fake_slack import FakeSlack

PEOPLE = 12


def _to(fake: FakeSlack, channel: str) -> list[str]:
    return [call.args["text"] for call in fake.of("chat.postMessage")
            if call.args["channel"] == channel]  # fmt: skip


async def test_the_same_event_delivered_to_both_workers_is_answered_once(
    workers: WorkersFactory, fake: FakeSlack, app: App
) -> None:
    async with workers(2) as [a, b], aiohttp.ClientSession() as session:
        first, second = a.slack(session, fake), b.slack(session, fake)
        deliveries = []
        for n in range(PEOPLE):  # each person's "ack" reaches both workers at the same moment
            deliveries += [first.dm("ack", f"EvBoth{n}", user=f"U{n}"),
                           second.dm("ack", f"EvBoth{n}", user=f"U{n}")]  # fmt: skip
        await asyncio.gather(*deliveries)  # both said 200: the loser has already stood down
        await fake.wait_for(lambda: all(_to(fake, f"D-U{n}") for n in range(PEOPLE)))
        for n in range(PEOPLE):  # a later message from each, to the worker that lost the race
            await first.dm("status", f"EvAfter{n}", user=f"U{n}")
        await fake.wait_for(lambda: all(len(_to(fake, f"D-U{n}")) >= 2 for n in range(PEOPLE)))
        assert await a.stop() == 0 and await b.stop() == 0
    for n in range(PEOPLE):
        [thanks, status] = _to(fake, f"D-U{n}")
        assert thanks.startswith("Thank you. I recorded") and status.startswith("You're up to")
    assert len(acks.list_acknowledgements(app.db, "la-crosse")) == PEOPLE
    with app.db.session() as db:
        assert db.scalar(select(func.count()).select_from(ProcessedEvent)) == 2 * PEOPLE


async def test_a_checklist_started_on_one_worker_goes_on_on_the_other(
    workers: WorkersFactory, fake: FakeSlack
) -> None:
    async with workers(2) as [a, b], aiohttp.ClientSession() as session:
        turns = [(a, "check"), (b, "yes"), (a, "back"), (b, "no")]
        for n, (worker, words) in enumerate(turns):
            await worker.slack(session, fake).dm(words, f"EvCheck{n}")
            await fake.wait_for(lambda n=n: len(_to(fake, "D-U1")) > n)
    questions = [re.search(r"Question (\d+) of", text) for text in _to(fake, "D-U1")]
    assert [int(q.group(1)) if q else None for q in questions] == [1, 2, 1, 2]


async def test_a_did_you_mean_choice_typed_to_the_other_worker_shows_the_clause(
    workers: WorkersFactory, fake: FakeSlack
) -> None:
    async with workers(2) as [a, b], aiohttp.ClientSession() as session:
        await a.slack(session, fake).dm("online at the office", "EvDym1", team="T0002")
        [offer] = await fake.wait_for(lambda: fake.of("chat.postMessage"))
        await b.slack(session, fake).dm("2", "EvDym2", team="T0002")
        await fake.wait_for(lambda: len(fake.of("chat.postMessage")) == 2)
        await a.slack(session, fake).dm("2", "EvDym3", team="T0002")  # the choice is used up
        await fake.wait_for(lambda: len(fake.of("chat.postMessage")) == 3)
    picked, again = fake.of("chat.postMessage")[1:]
    second = re.search(r"\n  2\. (.+?) \((.+?)\)\n", offer.args["text"])
    assert "Did you mean" in offer.args["text"] and second is not None
    assert picked.args["text"].startswith(f"{second[1]}:")  # choice 2, shown by the other worker
    assert f", {second[2]} (version" in picked.args["text"]
    assert again.args["text"].startswith("There is no list to pick from")  # used up


async def test_reminders_and_escalations_go_out_once_when_four_processes_run_the_timers(
    app: App, config_file: Path, fake: FakeSlack
) -> None:
    number = request(app)  # made "weeks ago" by the fixed clock: reminder and escalation due
    assert number > 0
    env = environment(fake)
    command = [sys.executable, "-m", "adapters.cli", "--config", str(config_file), "approvals"]
    runs = [
        await asyncio.create_subprocess_exec(
            *command, "run", stdout=asyncio.subprocess.PIPE, env=env
        )
        for _ in range(4)
    ]
    outputs = await asyncio.gather(*(run.communicate() for run in runs))
    assert [run.returncode for run in runs] == [0, 0, 0, 0]
    said = Counter[str]()
    for stdout, _ in outputs:
        counts = re.match(r"(\d+) reminder\(s\), (\d+) escalation\(s\)", stdout.decode())
        assert counts is not None
        said.update(reminded=int(counts[1]), escalated=int(counts[2]))
    assert said == Counter(reminded=1, escalated=1)
    with app.db.session() as db:
        topics = Counter(db.scalars(select(OutboxMessage.topic)))
    assert topics["approval_reminder"] == 1 and topics["approval_escalated"] == 1


async def test_three_workers_started_at_once_on_a_new_database_all_serve_and_seed_once(
    workers: WorkersFactory, config_file: Path
) -> None:
    async with workers(3) as started, aiohttp.ClientSession() as session:
        for worker in started:  # before the fix, the losers of the seeding race exited
            async with session.get(f"{worker.url}/readyz") as ready:
                assert ready.status == 200
    application = open_app(str(config_file))
    try:
        with application.db.session() as db:
            handles = list(db.scalars(select(Person.handle)))
            seeded = db.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "person_seeded")
            )
    finally:
        application.close()
    assert sorted(handles) == ["max", "pat", "sam"] and seeded == 3

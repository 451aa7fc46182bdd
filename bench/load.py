"""Load: signed Slack events and Teams activities against one and two `policybot serve`
workers sharing one PostgreSQL database.

Usage: python bench/load.py [--seconds 5] [--rates 50,100,200] [--workers 1,2]
       python bench/load.py --compare-teams agents,botbuilder [--seconds 10] [--rates 50,100]

Starts a throwaway PostgreSQL server (scripts/postgres), the fake Slack and the fake Teams
connector from tests/ (threads of this process), then for each worker count a fresh database
and that many `policybot serve` processes, and fires at fixed rates (open loop), round-robin
over the workers: half Slack (DM events and /policy commands, signed; latency is the ack, the
answer follows it) and half Teams messages (authentication off; latency includes the answer,
which Teams gets before the 201). Prints p50/p99 latency, errors and the achieved rate per
platform and offered rate, then how many answers reached the fakes. Reuses bench/slack_ack.py.

`--compare-teams` runs the Teams path alone on each named `teams.sdk`, side by side: two
`policybot serve` workers per SDK (each pair on a database of its own on the one server), all
started at once; at each rate the SDKs take turns (the order alternating from rate to rate, so
neither always runs on a warmer machine). Per SDK and rate it prints the answer latency p50/p99
and the workers' CPU per answered turn (user + system time from /proc, over that rate's window).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from aiohttp.test_utils import TestServer
from sqlalchemy import create_engine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.slack_ack import (  # noqa: E402
    QUESTIONS,
    Request,
    Requests,
    fire,
    report,
    run_in_thread,
    start_fake_slack,
    start_server,
)
from tests.teams.conftest import BOT, FakeConnector  # noqa: E402

CONFIG = (
    "database:\n  path: unused.sqlite3\n"
    "organizations:\n  - {id: lax, name: City of La Crosse, policy: la-crosse}\n"
    "slack:\n  enabled: true\n  default_organization: lax\n"
    "teams:\n  enabled: true\n  default_organization: lax\n"
)


def start_fake_connector() -> FakeConnector:
    """The fake Bot Connector in a thread of its own, listening on 127.0.0.1."""
    connector = FakeConnector()

    async def setup() -> None:
        server = TestServer(connector.app(), host="127.0.0.1")
        await server.start_server()
        connector.url = str(server.make_url("/"))

    run_in_thread(setup)
    return connector


class Mixed:
    """Requests alternating Slack and Teams, each sent to the next worker in turn."""

    def __init__(self, slack: Requests, connector: FakeConnector, bases: list[str]) -> None:
        self.slack, self.connector = slack, connector
        self.bases = itertools.cycle(bases)
        self.counter = itertools.count()

    def teams(self) -> tuple[bytes, dict[str, str]]:
        n = next(self.counter)
        activity = {
            "type": "message", "id": f"act-{uuid.uuid4().hex}", "channelId": "msteams",
            "serviceUrl": self.connector.url,
            "from": {"id": f"29:p{n % 50}", "aadObjectId": f"p{n % 50}"},
            "recipient": dict(BOT),
            "conversation": {"id": f"a:p{n % 50}", "conversationType": "personal",
                             "tenantId": "t"},
            "text": QUESTIONS[n % len(QUESTIONS)],
        }  # fmt: skip
        return json.dumps(activity).encode(), {"Content-Type": "application/json"}

    def make(self, platform: str) -> tuple[str, bytes, dict[str, str]]:
        base = next(self.bases)
        if platform == "slack":
            return (f"{base}/slack/events", *self.slack.next())
        return (f"{base}/api/messages", *self.teams())


async def one_rate(mixed: Mixed, rate: int, seconds: float, label: str) -> None:
    """Half the rate to Slack, half to Teams, at the same time; one line per platform."""
    (slack, slack_time), (teams, teams_time) = await asyncio.gather(
        fire(lambda: mixed.make("slack"), rate // 2, seconds),
        fire(lambda: mixed.make("teams"), rate - rate // 2, seconds),
    )
    report(f"{label} {rate:>3}/s slack", slack, slack_time)
    report(f"{label} {rate:>3}/s teams", teams, teams_time)


async def with_workers(count: int, url: str, rates: list[int], seconds: float) -> None:
    fake, connector = start_fake_slack(), start_fake_connector()
    with tempfile.TemporaryDirectory() as folder:
        processes = []
        for _ in range(count):  # one after the other: each migrates, or finds it done
            processes.append(await start_server(
                fake, Path(folder), CONFIG,
                {"POLICYBOT_DATABASE_URL": url, "POLICYBOT_TEAMS_AUTH": "off"},
            ))  # fmt: skip
        mixed = Mixed(Requests(fake), connector, [base for _, base in processes])
        try:
            await fire(lambda: mixed.make("slack"), 20, 1.0)  # warm-up, not reported
            await fire(lambda: mixed.make("teams"), 20, 1.0)
            for rate in rates:
                await one_rate(mixed, rate, seconds, f"{count} worker{'s'[: count - 1]}")
        finally:
            for process, _ in processes:
                process.terminate()
                await process.wait()
    slack_answers = len(fake.of("chat.postMessage")) + len(fake.responses)
    print(f"  answers that reached the fakes: Slack {slack_answers}, Teams "
          f"{len(connector.posted())}")  # fmt: skip


TEAMS_CONFIG = (
    "database:\n  path: unused.sqlite3\n"
    "organizations:\n  - {id: lax, name: City of La Crosse, policy: la-crosse}\n"
    "teams:\n  enabled: true\n  default_organization: lax\n  sdk: %s\n"
)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / ticks


async def compare_teams(
    sdks: list[str], server_url: str, rates: list[int], seconds: float, workers: int = 2
) -> None:
    """The Teams path alone on each SDK, `workers` workers each, the SDKs taking turns."""
    fake, connector = start_fake_slack(), start_fake_connector()
    with tempfile.TemporaryDirectory() as folder:
        pairs: dict[str, list[tuple[asyncio.subprocess.Process, str]]] = {}
        try:
            for sdk in sdks:
                url = new_database(server_url)
                pairs[sdk] = []
                for n in range(workers):  # one after the other: each migrates, or finds it done
                    place = Path(folder) / f"{sdk}-{n}"
                    place.mkdir()
                    pairs[sdk].append(
                        await start_server(
                            fake,
                            place,
                            TEAMS_CONFIG % sdk,
                            {"POLICYBOT_DATABASE_URL": url, "POLICYBOT_TEAMS_AUTH": "off"},
                        )
                    )
            senders = {sdk: Mixed(Requests(fake), connector, [b for _, b in pairs[sdk]])
                       for sdk in sdks}  # fmt: skip
            for sdk in sdks:
                await fire(lambda sdk=sdk: senders[sdk].make("teams"), 20, 2.0)  # warm-up
            print(f"Teams only, {workers} workers per SDK, PostgreSQL, {os.cpu_count()} cores "
                  "shared by every worker, the load generator and the fake connector")  # fmt: skip
            for turn, rate in enumerate(rates):
                for sdk in sdks if turn % 2 == 0 else sdks[::-1]:
                    await one_sdk(sdk, senders[sdk], [p.pid for p, _ in pairs[sdk]], rate, seconds)
        finally:
            for processes in pairs.values():
                for process, _ in processes:
                    process.terminate()
                    await process.wait()
    print(f"  answers that reached the fake connector: {len(connector.posted())}")


async def one_sdk(sdk: str, sender: Mixed, pids: list[int], rate: int, seconds: float) -> None:
    before = cpu_seconds(pids)

    def make() -> Request:
        return sender.make("teams")

    results, elapsed = await fire(make, rate, seconds)
    answered = sum(1 for _, ok in results if ok)
    cpu = cpu_seconds(pids) - before
    report(f"{sdk:<10} {rate:>3}/s teams", results, elapsed)
    print(f"{'':<26} CPU per answered turn {1000 * cpu / max(answered, 1):5.1f} ms "
          f"({cpu:.1f} s of CPU for {answered} turns)")  # fmt: skip


def new_database(server_url: str) -> str:
    """A new empty database on the server; its URL."""
    name = f"bench_load_{uuid.uuid4().hex[:8]}"
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rates", default="50,100,200")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument(
        "--compare-teams", metavar="SDKS", help="e.g. agents,botbuilder: Teams alone, per SDK"
    )
    args = parser.parse_args()
    rates = [int(rate) for rate in args.rates.split(",")]
    name = f"bench-load-{os.getpid()}"
    postgres = str(ROOT / "scripts" / "postgres")
    server_url = subprocess.run([postgres, "start", name], check=True, capture_output=True,
                                text=True).stdout.strip()  # fmt: skip
    try:
        if args.compare_teams:
            sdks = args.compare_teams.split(",")
            started = time.perf_counter()
            asyncio.run(compare_teams(sdks, server_url, rates, args.seconds))
            load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
            print(f"  ({time.perf_counter() - started:.0f} s; load average after: {load})")
            return
        print(f"PostgreSQL, {os.cpu_count()} cores shared by the workers, the load generator and "
              "the fakes; latency per request")  # fmt: skip
        for count in (int(n) for n in args.workers.split(",")):
            started = time.perf_counter()
            asyncio.run(with_workers(count, new_database(server_url), rates, args.seconds))
            load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
            print(f"  ({time.perf_counter() - started:.0f} s; load average after: {load})")
    finally:
        subprocess.run([postgres, "stop", name], check=False, capture_output=True)


if __name__ == "__main__":
    main()

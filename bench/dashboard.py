"""How fast HR's dashboard pages load with 10,000 people: prints each page's median and p95.

    python bench/dashboard.py [--people 10000] [--runs 15]

Seeds a fresh SQLite database (or POLICYBOT_DATABASE_URL's) with the people (nine in ten of
La Crosse, one in ten of Lake Elmo, so every read is limited to the HR person's city), 20
departments, acknowledgements from 70% of them (the version asked ten days ago, so the home page
lists people overdue), 500 unanswered questions over the last month (50 dismissed) and 200
authorization requests, signs in as La Crosse's HR through a real sign-in link, and times each
page over HTTP on 127.0.0.1 (the server in this process, the same aiohttp app `policybot serve`
runs).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import aiohttp
from aiohttp import web
from sqlalchemy import insert, select

from adapters.dashboard.mount import mount_dashboard
from adapters.server import build_web_app
from bot.app import App, open_app
from bot.hr_access.links import dashboard_secret, mint_link, read_token
from bot.hr_access.sessions import start_session
from bot.storage.models import (
    Acknowledgement,
    AuthorizationRequest,
    Person,
    PersonIdentity,
    PersonRole,
    PolicyVersion,
    UnansweredQuestion,
)

SECRET = "bench-secret-0123456789-abcdefghijklmnop"
PAGES = [
    "/dashboard/",
    "/dashboard/policies/la-crosse",
    "/dashboard/policies/la-crosse/acks",
    "/dashboard/policies/la-crosse/acks?page=60",
    "/dashboard/policies/la-crosse/acks?department=Department%2007",
    "/dashboard/policies/la-crosse/feedback",
    "/dashboard/policies/la-crosse/questions",
    "/dashboard/policies/la-crosse/questions?show=week",
    "/dashboard/policies/la-crosse/questions?show=dismissed",
    "/dashboard/approvals",
    "/dashboard/approvals?show=pending&page=3",
    "/dashboard/exports/people.csv?policy=la-crosse",
    "/dashboard/exports/approvals.csv",
]


def seed(app: App, count: int) -> None:
    """People (one HR), identities, roles, acknowledgements, questions and requests, in bulk."""
    now = datetime.now(UTC) - timedelta(days=3)
    rng = random.Random(7)
    people = [
        {
            "handle": f"p{n:05d}",
            "name": f"Person {n:05d}",
            "department": f"Department {n % 20:02d}",
            "organization": "elmo" if n % 10 == 9 else "lax",
            "created_at": now - timedelta(days=n % 14),
            "updated_at": now,
        }
        for n in range(count)
    ]
    with app.db.session() as session:
        session.execute(insert(Person), people)
        ids = {handle: id_ for handle, id_ in session.execute(select(Person.handle, Person.id))}
        session.execute(
            insert(PersonIdentity),
            [
                {"person_id": ids[p["handle"]], "platform": "console", "external_id": p["handle"]}
                for p in people
            ],
        )
        session.execute(
            insert(PersonRole),
            [{"person_id": ids["p00000"], "role": "hr"}]
            + [{"person_id": i, "role": "employee"} for i in ids.values()],
        )
        version = session.scalars(
            select(PolicyVersion).where(PolicyVersion.policy_id == "la-crosse")
        ).one()
        version.published_at = now - timedelta(days=7)
        session.execute(
            insert(Acknowledgement),
            [
                {
                    "platform": "console",
                    "person": p["handle"],
                    "display_name": p["name"],
                    "policy_id": "la-crosse",
                    "version": version.number,
                    "sha256": version.sha256,
                    "acknowledged_at": now + timedelta(minutes=n),
                }
                for n, p in enumerate(people)
                if rng.random() < 0.7
            ],
        )
        words = ["tiktok", "crew", "photos", "lunch", "union", "mayor", "truck", "logo", "blog"]
        session.execute(
            insert(UnansweredQuestion),
            [
                {
                    "policy_id": "la-crosse",
                    "text": " ".join(rng.sample(words, 4)) + "?",
                    "best_score": 0.1,
                    "asked_at": now - timedelta(hours=n * 1.4),
                    "dismissed_at": now if n % 10 == 0 else None,
                }
                for n in range(500)
            ],
        )
        session.execute(
            insert(AuthorizationRequest),
            [
                {
                    "requester_id": ids[f"p{n:05d}"],
                    "policy_id": "la-crosse",
                    "version": version.number,
                    "outcome_id": "bench",
                    "clauses": ["clause-5"],
                    "what": "a post",
                    "why": "bench",
                    "place": "web",
                    "starts_on": date.today(),
                    "ends_on": date.today(),
                    "status": rng.choice(["pending", "approved", "expired"]),
                    "revision": 0,
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(1, 201)
            ],
        )


async def measure(app: App, runs: int) -> None:
    secret = dashboard_secret({"POLICYBOT_DASHBOARD_SECRET": SECRET})
    web_app = build_web_app(app, [mount_dashboard(app, {"POLICYBOT_DASHBOARD_SECRET": SECRET})])
    runner = web.AppRunner(web_app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    with app.db.session() as session:
        hr = session.scalars(select(Person.id).where(Person.handle == "p00000")).one()
    now = datetime.now(UTC)
    link = mint_link(app.db, app.config, secret, hr, now=now)
    claim = read_token(secret, link.split("token=")[1], now=now, valid_for=timedelta(minutes=10))
    cookie = start_session(app.db, app.config, claim, now=now).cookie
    print(f"{'page':<62} {'median':>9} {'p95':>9}")
    async with aiohttp.ClientSession(cookies={"policybot_session": cookie}) as client:
        for path in PAGES:
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                async with client.get(url + path) as response:
                    await response.read()
                    assert response.status == 200, (path, response.status)
                times.append((time.perf_counter() - started) * 1000)
            p95 = sorted(times)[max(0, round(0.95 * len(times)) - 1)]
            print(f"{path:<62} {statistics.median(times):>7.1f}ms {p95:>7.1f}ms")
    await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "app.yaml"
        config.write_text(
            "database: {path: bench.sqlite3}\n"
            "dashboard: {enabled: true, base_url: 'http://127.0.0.1'}\n"
            "organizations:\n"
            "  - {id: lax, name: City of La Crosse, policy: la-crosse}\n"
            "  - {id: elmo, name: City of Lake Elmo, policy: lake-elmo}\n"
        )
        app = open_app(str(config))
        try:
            started = time.perf_counter()
            seed(app, args.people)
            print(
                f"seeded {args.people:,} people in {time.perf_counter() - started:.1f} s "
                f"({app.db.where})"
            )
            asyncio.run(measure(app, args.runs))
        finally:
            app.close()


if __name__ == "__main__":
    main()

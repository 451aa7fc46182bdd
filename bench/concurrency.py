"""Many processes acknowledging and deciding approvals at once: nothing doubled, nothing lost.

Usage: python bench/concurrency.py [--processes 8] [--operations 10000] [--backend postgresql]
       [--backend sqlite]

Every operation goes through the real command path (`PolicyBot.handle`), as `ack` typed by an
employee or `approve N` typed by a supervisor, each process with its own database connection.
Every operation is issued twice, by two different processes, so that they collide: each
person's acknowledgement must be recorded once, and each approval decided once (the second
`approve` is told it was already decided). Prints, per backend, the records against the
operations, doubles, losses, errors and the time. PostgreSQL runs on a throwaway server that
`scripts/postgres` starts and stops.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SUPERVISORS = 4


def write_config(folder: Path, employees: int) -> Path:
    """app.yaml with the employees and their supervisors."""
    people = [f"  - {{handle: s{n}, name: Sup {n}, department: Parks, roles: [supervisor]}}"
              for n in range(SUPERVISORS)]  # fmt: skip
    people += [f"  - {{handle: e{n}, name: Emp {n}, department: Parks, supervisor: s{n % 4}}}"
               for n in range(employees)]  # fmt: skip
    path = folder / "app.yaml"
    path.write_text(
        "database:\n  path: bench.sqlite3\n"
        "organizations:\n  - {id: lax, name: City of La Crosse, policy: la-crosse}\n"
        "people:\n" + "\n".join(people) + "\n"
    )
    return path


def submit_requests(config: Path, count: int) -> list[tuple[int, str]]:
    """`count` pending requests, each needing its employee's supervisor; (number, supervisor)."""
    from bot.app import open_app
    from bot.approvals import authorizations
    from bot.people.directory import person_on

    app = open_app(str(config))
    policy = app.library.policy("la-crosse")
    fields = authorizations.RequestFields(
        outcome_id="needs-supervisor", clauses=("clause-5",), roles=("supervisor",),
        what="Post the pool photos", why="Residents ask", place="Parks Facebook page",
        starts_on=date(2026, 1, 1), ends_on=date(2099, 12, 31),
    )  # fmt: skip
    made = []
    for n in range(count):
        me = person_on(app.db, "console", f"e{n}", datetime.now(UTC))
        assert me is not None
        view = authorizations.submit(
            app.db,
            requester=me,
            policy_id=policy.id,
            version=policy.version,
            fields=fields,
            now=datetime.now(UTC),
        )
        made.append((view.id, f"s{n % SUPERVISORS}"))  # fmt: skip
    app.close()
    return made


def work(config: str, operations: list[tuple[str, str]], start: object, out: object) -> None:
    """One process: open the app, wait for the others, run its operations, report the kinds."""
    from bot.app import open_app
    from bot.messages import Incoming

    app = open_app(config)
    kinds: Counter[str] = Counter()
    start.wait()  # type: ignore[attr-defined]
    for person, text in operations:
        try:
            [reply] = app.bot.handle(Incoming("console", person, f"console:{person}", text))
            kinds[f"{text.split()[0]}:{reply.kind}"] += 1
        except Exception as error:  # a crash is counted, not hidden
            kinds[f"exception:{type(error).__name__}"] += 1
    app.close()
    out.put(dict(kinds))  # type: ignore[attr-defined]


def plan(operations: int, processes: int, requests: list[tuple[int, str]]) -> list[list]:
    """Each operation twice, the two copies in different processes."""
    decisions = [(supervisor, f"approve {number}") for number, supervisor in requests]
    acks = [(f"u{n}", "ack") for n in range(operations // 2 - len(decisions))]
    unique = decisions + acks
    shares: list[list[tuple[str, str]]] = [[] for _ in range(processes)]
    for n, operation in enumerate(unique):
        shares[n % processes].append(operation)
        shares[(n + 1) % processes].append(operation)
    return shares


def count_records(config: Path) -> dict[str, int]:
    """Acknowledgements, decided approvals and decision entries in the audit log."""
    from sqlalchemy import func, select

    from bot.app import open_app
    from bot.storage.models import Acknowledgement, Approval, AuditEntry

    app = open_app(str(config))
    with app.db.session() as session:
        acks = session.scalar(select(func.count()).select_from(Acknowledgement)) or 0
        distinct = session.scalar(
            select(func.count(func.distinct(Acknowledgement.person)))
        ) or 0  # fmt: skip
        decided = session.scalar(
            select(func.count()).select_from(Approval).where(Approval.decision.is_not(None))
        ) or 0  # fmt: skip
        entries = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "approved")
        ) or 0  # fmt: skip
    app.close()
    return {"acks": acks, "ack_people": distinct, "decided": decided, "approved_entries": entries}


def run(backend: str, url: str | None, processes: int, operations: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        requests_count = operations // 10
        os.environ.pop("POLICYBOT_DATABASE_URL", None)
        if url:
            os.environ["POLICYBOT_DATABASE_URL"] = url
        config = write_config(Path(folder), requests_count)
        requests = submit_requests(config, requests_count)
        shares = plan(operations, processes, requests)
        context = multiprocessing.get_context("spawn")
        start, out = context.Barrier(processes + 1), context.Queue()
        workers = [context.Process(target=work, args=(str(config), share, start, out))
                   for share in shares]  # fmt: skip
        for worker in workers:
            worker.start()
        start.wait()
        began = time.perf_counter()
        kinds: Counter[str] = Counter()
        for _ in workers:
            kinds.update(out.get())
        elapsed = time.perf_counter() - began
        for worker in workers:
            worker.join()
        found = count_records(config)
    unique_acks = operations // 2 - requests_count
    done = sum(kinds.values())
    ack_doubles = found["acks"] - found["ack_people"]
    print(f"{backend}: {processes} processes, {done} operations ({operations} asked) "
          f"in {elapsed:.1f} s, {done / elapsed:.0f} operations/s")  # fmt: skip
    print(
        f"  acknowledgements: {found['acks']} records for {unique_acks} people, each acked "
        f"twice; doubles {ack_doubles}, losses {unique_acks - found['ack_people']}"
    )
    print(
        f"  approvals: {found['decided']} decided of {requests_count}, each approved twice; "
        f"audit 'approved' entries {found['approved_entries']}; doubles "
        f"{found['approved_entries'] - found['decided']}, losses "
        f"{requests_count - found['decided']}"
    )
    print(f"  replies: {dict(sorted(kinds.items()))}")
    print(f"  load average after: {', '.join(f'{value:.1f}' for value in os.getloadavg())}")


def postgres_url() -> tuple[str, str]:
    """A throwaway PostgreSQL server (scripts/postgres) and a new database on it."""
    from sqlalchemy import create_engine

    name = f"bench-{uuid.uuid4().hex[:6]}"
    url = subprocess.run([str(ROOT / "scripts" / "postgres"), "start", name], check=True,
                         capture_output=True, text=True).stdout.strip()  # fmt: skip
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql("CREATE DATABASE bench_concurrency")
    engine.dispose()
    return name, url.rsplit("/", 1)[0] + "/bench_concurrency"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--operations", type=int, default=10_000)
    parser.add_argument("--backend", action="append", choices=["postgresql", "sqlite"])
    args = parser.parse_args()
    for backend in args.backend or ["postgresql", "sqlite"]:
        if backend == "sqlite":
            run("SQLite", None, args.processes, args.operations)
            continue
        name, url = postgres_url()
        try:
            run("PostgreSQL", url, args.processes, args.operations)
        finally:
            subprocess.run([str(ROOT / "scripts" / "postgres"), "stop", name], check=False,
                           capture_output=True)  # fmt: skip


if __name__ == "__main__":
    main()

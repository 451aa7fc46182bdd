"""Import a staff list (CSV): people, departments, supervisors, roles and chat identities.

Columns: handle, name, department, supervisor (a handle), roles (separated by ';'), slack, teams,
organization (an app.yaml organization id; empty means the deployment's default). Rows that cannot
be taken are rejected with the reason and the rest are imported; for a listed person the file is
the record (their roles become the roles in the file). Every change is written to the audit log.
"""

from __future__ import annotations

import csv
import functools
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import ROLES, normalize_role
from bot.storage.database import Database
from bot.storage.models import AuditEntry, Person, PersonIdentity, PersonRole
from bot.storage.rows import utc
from knowledge.text import without_direction_controls

REQUIRED = ("handle", "name")
COLUMNS = frozenset(
    {"handle", "name", "department", "supervisor", "roles", "slack", "teams", "organization"}
)
MAX_ROWS = 250_000  # a large county's staff is a tenth of this; memory grows with the rows held
_HANDLE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_ROLE_SEPARATOR = re.compile(r"[;|]")
_role_named = functools.lru_cache(maxsize=1024)(normalize_role)


class StaffListError(ValueError):
    """The file as a whole cannot be used (unreadable, no header, missing columns)."""


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    handle: str
    name: str
    department: str | None
    supervisor: str | None
    roles: tuple[str, ...]
    identities: tuple[tuple[str, str], ...]
    organization: str | None = None


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)


def import_staff_list(
    db: Database,
    lines: Iterable[str],
    *,
    source: str,
    now: datetime,
    organizations: Collection[str] = (),
) -> ImportReport:
    """Validate every row, reject the bad ones with reasons, apply the rest in one transaction.

    `lines` is the CSV text, line by line (an open file streams it). `organizations` are the
    organization ids a row may name (app.yaml's). The staff list is read once, the checks run
    on dictionaries, and the changes are written in bulk statements: 100,000 rows took minutes
    when each row cost several queries and an ORM object per change.
    """
    rows, report = _parse(lines, frozenset(organizations))
    with db.session() as session:
        known = _Known.load(session)
        rows = _check_rows(rows, known, report)
        _write(session, rows, known, report, source, utc(now))
    report.rejected.sort()
    return report


def _parse(lines: Iterable[str], organizations: frozenset[str]) -> tuple[list[Row], ImportReport]:
    reader = csv.DictReader(lines)
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise StaffListError(
            f"the file needs a header row with the columns {', '.join(REQUIRED)} (missing: "
            f"{', '.join(missing)}); optional: department, supervisor, roles, slack, teams, "
            "organization"
        )
    report, rows = ImportReport(), []
    for line, raw in enumerate(reader, start=2):
        if line > MAX_ROWS + 1:
            raise StaffListError(f"the file has more than {MAX_ROWS:,} rows; split it")
        cells = {
            key: value.strip()
            for key, value in zip(header, raw.values(), strict=False)
            if key in COLUMNS and isinstance(value, str)
        }
        row, problem = _row(line, cells, organizations)
        if problem:
            report.rejected.append((line, problem))
        elif row is not None:
            rows.append(row)
    return rows, report


def _row(
    line: int, cells: dict[str, str], organizations: frozenset[str]
) -> tuple[Row | None, str | None]:
    handle = cells.get("handle", "").lower()
    if not handle and not any(cells.values()):
        return None, None  # a blank line
    if not _HANDLE.fullmatch(handle):
        return None, f"handle {handle!r} must be letters, digits, '.', '_' or '-'"
    if not cells.get("name"):
        return None, f"{handle} has no name"
    roles = []
    for word in _ROLE_SEPARATOR.split(cells.get("roles", "") or "employee"):
        if not word.strip():
            continue
        role = _role_named(word)
        if role is None:
            return None, f"unknown role {word.strip()!r} (roles are {', '.join(ROLES)})"
        roles.append(role)
    supervisor = cells.get("supervisor", "").lower() or None
    if supervisor == handle:
        return None, f"{handle} cannot be their own supervisor"
    organization = cells.get("organization") or None
    if organization is not None and organization not in organizations:
        known = ", ".join(sorted(organizations)) or "none are configured"
        return None, f"unknown organization {organization!r} (known: {known})"
    identities = tuple((p, cells[p]) for p in ("slack", "teams") if cells.get(p))
    identities += (("console", handle),)
    return Row(
        line,
        handle,
        without_direction_controls(cells["name"]).strip(),
        without_direction_controls(cells.get("department", "")).strip() or None,
        supervisor,
        tuple(dict.fromkeys(roles or ["employee"])),
        identities,
        organization,
    ), None


@dataclass
class _Known:
    """What the staff list holds before the import, as plain dictionaries."""

    ids: dict[str, int]  # handle -> person id
    handles: dict[int, str]  # person id -> handle
    people: dict[str, tuple[str, str | None, str | None]]  # handle -> name, department, org
    supervisors: dict[str, int | None]  # handle -> supervisor's id
    owners: dict[tuple[str, str], int]  # (platform, external id) -> person id
    roles: dict[int, set[str]]  # person id -> roles

    @classmethod
    def load(cls, session: Session) -> _Known:
        ids, handles, people, supervisors = {}, {}, {}, {}
        columns = (Person.id, Person.handle, Person.name, Person.department,
                   Person.organization, Person.supervisor_id)  # fmt: skip
        for pid, handle, name, department, organization, supervisor in session.execute(
            select(*columns)
        ):
            ids[handle], handles[pid] = pid, handle
            people[handle] = (name, department, organization)
            supervisors[handle] = supervisor
        owners = {
            (platform, external): pid
            for platform, external, pid in session.execute(
                select(
                    PersonIdentity.platform, PersonIdentity.external_id, PersonIdentity.person_id
                )
            )
        }
        roles: dict[int, set[str]] = defaultdict(set)
        for pid, role in session.execute(select(PersonRole.person_id, PersonRole.role)):
            roles[pid].add(role)
        return cls(ids, handles, people, supervisors, owners, roles)

    def supervisor_of(self, handle: str) -> str | None:
        """The handle of an existing person's supervisor, if any."""
        supervisor = self.supervisors.get(handle)
        return self.handles.get(supervisor) if supervisor is not None else None


def _check_rows(rows: list[Row], known: _Known, report: ImportReport) -> list[Row]:
    """Drop duplicates, identities taken by someone else, unknown supervisors and loops, and
    the people whose supervisor was dropped."""
    kept: dict[str, Row] = {}
    claimed: dict[tuple[str, str], str] = {}  # identity -> the row's handle that has it
    for row in rows:
        if row.handle in kept:
            report.rejected.append(
                (row.line, f"{row.handle} appears twice (first on row {kept[row.handle].line})")
            )
            continue
        owner = _identity_owner(row, claimed, known)
        if owner:
            report.rejected.append((row.line, owner))
            continue
        kept[row.handle] = row
        for identity in row.identities:
            if identity[0] != "console":
                claimed[identity] = row.handle
    for handle, problem in _supervisor_problems(kept, known).items():
        report.rejected.append((kept.pop(handle).line, problem))
    return list(kept.values())


def _identity_owner(row: Row, claimed: dict[tuple[str, str], str], known: _Known) -> str | None:
    for platform, external_id in row.identities:
        if platform == "console":
            continue
        other = claimed.get((platform, external_id))
        if other is not None:
            return f"{platform} id {external_id} is already given to {other}"
        owner_id = known.owners.get((platform, external_id))
        owner = known.handles.get(owner_id) if owner_id is not None else None
        if owner is not None and owner != row.handle:
            return f"{platform} id {external_id} belongs to {owner}"
    return None


def _supervisor_problems(kept: dict[str, Row], known: _Known) -> dict[str, str]:
    """Why each row with a bad supervisor is rejected: one not in the file nor the staff list,
    a chain that loops, or a supervisor whose own row was rejected. Each chain is walked once
    (what a walk learnt is kept for every person on it)."""

    def supervisor(handle: str) -> str | None:
        return kept[handle].supervisor if handle in kept else known.supervisor_of(handle)

    problems: dict[str, str] = {}
    ends: set[str] = set()  # handles whose chain ends without a loop
    loops: dict[str, str] = {}  # handle -> where a chain through it loops back, seen from below
    for row in kept.values():
        if (
            row.supervisor is not None
            and row.supervisor not in kept
            and row.supervisor not in (known.ids)
        ):
            problems[row.handle] = (
                f"{row.handle}'s supervisor {row.supervisor!r} is not in the file or the staff list"
            )
            continue
        path: list[str] = [row.handle]
        on_path = {row.handle}
        current = row.supervisor
        entry: str | None = None
        while current is not None and current not in ends:
            if current in loops:
                entry = loops[current]
                break
            if current in on_path:
                entry = current
                for member in path[path.index(current) :]:  # the loop itself: each loops to itself
                    loops[member] = member
                break
            path.append(current)
            on_path.add(current)
            current = supervisor(current)
        if entry is None:
            ends.update(path)
            continue
        for member in path:
            loops.setdefault(member, entry)
        if row.handle not in problems:
            problems[row.handle] = (
                f"{row.handle}'s supervisor chain loops back to "
                f"{row.handle if loops[row.handle] == row.handle else entry}"
            )
    # Whoever reports to a rejected row (and is not already on the staff list) goes too.
    reports_to: dict[str, list[str]] = defaultdict(list)
    for row in kept.values():
        if row.supervisor is not None:
            reports_to[row.supervisor].append(row.handle)
    waiting = list(problems)
    while waiting:
        rejected = waiting.pop()
        if rejected in known.ids:
            continue  # they stay on the staff list as they were: still a supervisor
        for handle in reports_to.get(rejected, ()):
            if handle not in problems:
                problems[handle] = f"{handle}'s supervisor {rejected!r} was rejected"
                waiting.append(handle)
    return problems


def _write(
    session: Session,
    rows: list[Row],
    known: _Known,
    report: ImportReport,
    source: str,
    now: datetime,
) -> None:
    """Apply the checked rows in bulk: new people, changed people, roles, identities and
    supervisors, each change with its audit entry. A new person's entry says everything they
    were given (roles, supervisor) at once; changes to people already listed get one entry each.
    """
    new = [row for row in rows if row.handle not in known.ids]
    report.created, report.updated = len(new), len(rows) - len(new)
    stamp = _bound(session, Person.created_at, now)
    _insert_rows(session, "people",
                 ("handle", "name", "department", "organization", "created_at", "updated_at"),
                 ((row.handle, row.name, row.department, row.organization, stamp, stamp)
                  for row in new))  # fmt: skip
    if new:
        for pid, handle in session.execute(select(Person.id, Person.handle)):
            if handle not in known.ids:
                known.ids[handle], known.handles[pid] = pid, handle
    audit_rows: list[tuple[str, int, dict[str, object]]] = []

    def audited(action: str, subject: int, **details: object) -> None:
        details["source"] = source
        audit_rows.append((action, subject, details))

    changed: list[tuple[object, ...]] = []
    added_roles: list[tuple[object, ...]] = []
    removed_roles: list[tuple[object, ...]] = []
    supervisors: list[tuple[object, ...]] = []
    for row in rows:
        pid = known.ids[row.handle]
        if row.handle not in known.people:
            audited("person_imported", pid, roles=list(row.roles), supervisor=row.supervisor)
            added_roles.extend((pid, role) for role in row.roles)
            if row.supervisor:
                supervisors.append((known.ids[row.supervisor], pid))
            continue
        if known.people[row.handle] != (row.name, row.department, row.organization):
            changed.append((row.name, row.department, row.organization, stamp, pid))
        held = known.roles.get(pid, set())
        for role in sorted(set(row.roles) - held):
            added_roles.append((pid, role))
            audited("role_added", pid, role=role)
        for role in sorted(held - set(row.roles)):
            removed_roles.append((pid, role))
            audited("role_removed", pid, role=role)
        supervisor_id = known.ids[row.supervisor] if row.supervisor else None
        if known.supervisors.get(row.handle) != supervisor_id:
            supervisors.append((supervisor_id, pid))
            audited("supervisor_set", pid, supervisor=row.supervisor)
    _execute_rows(
        session,
        "UPDATE people SET name = ?, department = ?, organization = ?, updated_at = ? WHERE id = ?",
        changed,
    )
    _insert_rows(session, "person_roles", ("person_id", "role"), added_roles)
    _execute_rows(
        session, "DELETE FROM person_roles WHERE person_id = ? AND role = ?", removed_roles
    )
    _insert_rows(session, "person_identities", ("person_id", "platform", "external_id"),
                 _new_identities(rows, known))  # fmt: skip
    _execute_rows(session, "UPDATE people SET supervisor_id = ? WHERE id = ?", supervisors)
    at = _bound(session, AuditEntry.at, now)
    as_json = _binder(session, AuditEntry.details)
    _insert_rows(session, "audit_log", ("at", "action", "subject_id", "details"),
                 ((at, action, subject, as_json(details))
                  for action, subject, details in audit_rows))  # fmt: skip


def _new_identities(rows: list[Row], known: _Known) -> Iterator[tuple[object, ...]]:
    """The identities in the file nobody holds yet (taken ones are left alone)."""
    for row in rows:
        pid = known.ids[row.handle]
        for platform, external_id in row.identities:
            if (platform, external_id) not in known.owners:
                known.owners[platform, external_id] = pid
                yield pid, platform, external_id


BATCH_ROWS = 5_000  # rows per statement: bounds what the driver holds at once


def _bound(session: Session, column: Any, value: object) -> object:
    """`value` as the driver takes it for `column` (its type's conversion, done once)."""
    return _binder(session, column)(value)


def _binder(session: Session, column: Any) -> Callable[[object], object]:
    """The conversion `column`'s type applies to a value before the driver gets it."""
    dialect = session.get_bind().dialect
    processor = column.expression.type._cached_bind_processor(dialect)
    return processor if processor is not None else lambda value: value


def _insert_rows(
    session: Session, table: str, columns: tuple[str, ...], rows: Iterable[tuple[object, ...]]
) -> None:
    """INSERT the rows into `table` (values already as the driver takes them)."""
    marks = ", ".join("?" for _ in columns)
    _execute_rows(session, f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def _execute_rows(session: Session, sql: str, rows: Iterable[tuple[object, ...]]) -> None:
    """Run `sql` (with `?` for each value) once per row, an executemany per batch.

    Straight to the driver: SQLAlchemy's own executemany spent about 40 µs a row converting
    each value (the same timestamp 300,000 times), and its ORM bulk paths about 70 µs building
    commands (a minute for a 100,000-person list); each value here is converted once, before."""
    connection = session.connection()
    if connection.dialect.paramstyle != "qmark":
        sql = sql.replace("?", "%s")  # psycopg's placeholder; the statements hold no other "?"
    batch: list[tuple[object, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH_ROWS:
            connection.exec_driver_sql(sql, batch)
            batch = []
    if batch:
        connection.exec_driver_sql(sql, batch)

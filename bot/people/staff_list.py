"""Import a staff list (CSV): people, departments, supervisors, roles and chat identities.

Columns: handle, name, department, supervisor (a handle), roles (separated by ';'), slack, teams,
organization (an app.yaml organization id; empty means the deployment's default). Rows that cannot
be taken are rejected with the reason and the rest are imported; for a listed person the file is
the record (their roles become the roles in the file). Every change is written to the audit log.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.config import ROLES, normalize_role
from bot.people.directory import add_identities, new_person
from bot.storage import audit
from bot.storage.database import Database
from bot.storage.models import Person, PersonIdentity, PersonRole
from bot.storage.rows import utc

REQUIRED = ("handle", "name")
_HANDLE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


class StaffListError(ValueError):
    """The file as a whole cannot be used (unreadable, no header, missing columns)."""


@dataclass(frozen=True)
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
    text: str,
    *,
    source: str,
    now: datetime,
    organizations: Collection[str] = (),
) -> ImportReport:
    """Validate every row, reject the bad ones with reasons, apply the rest in one transaction.

    `organizations` are the organization ids a row may name (app.yaml's).
    """
    rows, report = _parse(text, frozenset(organizations))
    with db.session() as session:
        existing = {p.handle: p for p in session.scalars(select(Person))}
        rows = _check_rows(session, rows, existing, report)
        for row in rows:
            _apply(session, row, existing, report, source, now)
        session.flush()
        for row in rows:
            _link_supervisor(session, row, existing, source, now)
    report.rejected.sort()
    return report


def _parse(text: str, organizations: frozenset[str]) -> tuple[list[Row], ImportReport]:
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise StaffListError(
            f"the file needs a header row with the columns {', '.join(REQUIRED)} (missing: "
            f"{', '.join(missing)}); optional: department, supervisor, roles, slack, teams, "
            "organization"
        )
    report, rows = ImportReport(), []
    for line, raw in enumerate(reader, start=2):
        cells = {
            (k or "").strip().lower(): (v or "").strip()
            for k, v in raw.items()
            if isinstance(v, str)
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
    for word in re.split(r"[;|]", cells.get("roles", "") or "employee"):
        if not word.strip():
            continue
        role = normalize_role(word)
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
        cells["name"],
        cells.get("department") or None,
        supervisor,
        tuple(dict.fromkeys(roles or ["employee"])),
        identities,
        organization,
    ), None


def _check_rows(
    session: Session, rows: list[Row], existing: dict[str, Person], report: ImportReport
) -> list[Row]:
    """Drop duplicates, unknown supervisors, identities taken by someone else, and loops."""
    kept: dict[str, Row] = {}
    for row in rows:
        if row.handle in kept:
            report.rejected.append(
                (row.line, f"{row.handle} appears twice (first on row {kept[row.handle].line})")
            )
            continue
        owner = _identity_owner(session, row, kept)
        if owner:
            report.rejected.append((row.line, owner))
            continue
        kept[row.handle] = row
    changed = True
    while changed:
        changed = False
        for row in list(kept.values()):
            problem = _supervisor_problem(row, kept, existing)
            if problem:
                report.rejected.append((row.line, problem))
                del kept[row.handle]
                changed = True
    return list(kept.values())


def _identity_owner(session: Session, row: Row, kept: dict[str, Row]) -> str | None:
    for platform, external_id in row.identities:
        if platform == "console":
            continue
        for other in kept.values():
            if (platform, external_id) in other.identities:
                return f"{platform} id {external_id} is already given to {other.handle}"
        owner = session.scalars(
            select(Person.handle)
            .join(PersonIdentity, PersonIdentity.person_id == Person.id)
            .where(PersonIdentity.platform == platform, PersonIdentity.external_id == external_id)
        ).first()
        if owner is not None and owner != row.handle:
            return f"{platform} id {external_id} belongs to {owner}"
    return None


def _supervisor_problem(row: Row, kept: dict[str, Row], existing: dict[str, Person]) -> str | None:
    if row.supervisor is None:
        return None
    if row.supervisor not in kept and row.supervisor not in existing:
        return f"{row.handle}'s supervisor {row.supervisor!r} is not in the file or the staff list"
    ids = {p.id: h for h, p in existing.items()}
    seen: set[str] = {row.handle}
    current: str | None = row.supervisor
    while current is not None:
        if current in seen:
            return f"{row.handle}'s supervisor chain loops back to {current}"
        seen.add(current)
        if current in kept:
            current = kept[current].supervisor
        else:
            person = existing.get(current)
            current = ids.get(person.supervisor_id) if person and person.supervisor_id else None
    return None


def _apply(
    session: Session,
    row: Row,
    existing: dict[str, Person],
    report: ImportReport,
    source: str,
    now: datetime,
) -> None:
    person = existing.get(row.handle)
    if person is None:
        person = new_person(
            session, row.handle, row.name, row.department, row.organization, now=now
        )
        existing[row.handle] = person
        report.created += 1
        audit.append(session, at=now, action="person_imported", subject_id=person.id, source=source)
    else:
        person.name, person.department, person.updated_at = row.name, row.department, utc(now)
        person.organization = row.organization
        report.updated += 1
    held = set(session.scalars(select(PersonRole.role).where(PersonRole.person_id == person.id)))
    for role in sorted(set(row.roles) - held):
        session.add(PersonRole(person_id=person.id, role=role))
        audit.append(
            session, at=now, action="role_added", subject_id=person.id, role=role, source=source
        )
    for role in sorted(held - set(row.roles)):
        session.execute(
            delete(PersonRole).where(PersonRole.person_id == person.id, PersonRole.role == role)
        )
        audit.append(
            session, at=now, action="role_removed", subject_id=person.id, role=role, source=source
        )
    add_identities(session, person.id, row.identities)


def _link_supervisor(
    session: Session, row: Row, existing: dict[str, Person], source: str, now: datetime
) -> None:
    person = existing[row.handle]
    supervisor_id = existing[row.supervisor].id if row.supervisor else None
    if person.supervisor_id != supervisor_id:
        person.supervisor_id = supervisor_id
        audit.append(
            session,
            at=now,
            action="supervisor_set",
            subject_id=person.id,
            supervisor=row.supervisor,
            source=source,
        )

"""People and their roles: who someone is on each platform, their department and supervisor.

app.yaml seeds people the first time they appear; after that the database is the record, changed
by HR in chat (`role add`, `supervisor set`) or by `policybot people import`. Every change is
written to the audit log with who made it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, select, true
from sqlalchemy.orm import Session

from bot.config import PersonSeed
from bot.storage import audit
from bot.storage.database import Database
from bot.storage.models import Person, PersonIdentity, PersonRole
from bot.storage.rows import utc, with_retry


class PeopleError(ValueError):
    """A change to people or roles that cannot be made; the message says why, politely."""


@dataclass(frozen=True)
class PersonInfo:
    """A person as the rest of the bot sees them."""

    id: int
    handle: str
    name: str
    department: str | None
    supervisor_id: int | None
    roles: frozenset[str]
    organization: str | None = None  # app.yaml organization id; None: the default one

    def has(self, role: str) -> bool:
        return role in self.roles


def info(session: Session, person: Person) -> PersonInfo:
    """The PersonInfo of a row, with its roles."""
    roles = session.scalars(select(PersonRole.role).where(PersonRole.person_id == person.id))
    return PersonInfo(
        person.id,
        person.handle,
        person.name,
        person.department,
        person.supervisor_id,
        frozenset(roles),
        person.organization,
    )


def seed_people(db: Database, seeds: Iterable[PersonSeed], now: datetime) -> int:
    """Create the people app.yaml lists who are not in the database yet; count them.

    Workers starting at once may seed the same people: the loser of that race gets a unique
    constraint error, and its second pass finds everyone there and creates nobody.
    """
    seeds = list(seeds)
    return with_retry(db, lambda session: _seed(session, seeds, now))


def _seed(session: Session, seeds: list[PersonSeed], now: datetime) -> int:
    """Seed the missing people in one transaction (all of them or none)."""
    created: set[str] = set()
    by_handle = {p.handle: p for p in session.scalars(select(Person))}
    for seed in seeds:
        if seed.handle in by_handle:
            continue
        person = new_person(
            session, seed.handle, seed.name, seed.department, seed.organization, now=now
        )
        by_handle[seed.handle] = person
        session.add_all(PersonRole(person_id=person.id, role=role) for role in seed.roles)
        add_identities(session, person.id, seed.identities)
        audit.append(
            session,
            at=now,
            action="person_seeded",
            subject_id=person.id,
            roles=list(seed.roles),
        )
        created.add(seed.handle)
    for seed in seeds:
        if seed.handle in created and seed.supervisor:
            by_handle[seed.handle].supervisor_id = by_handle[seed.supervisor].id
    return len(created)


def new_person(
    session: Session,
    handle: str,
    name: str,
    department: str | None,
    organization: str | None,
    *,
    now: datetime,
) -> Person:
    """Add a person to the staff list in the caller's transaction; the row, with its id."""
    person = Person(
        handle=handle,
        name=name,
        department=department,
        organization=organization,
        created_at=utc(now),
        updated_at=utc(now),
    )
    session.add(person)
    session.flush()
    return person


def add_identities(session: Session, person_id: int, identities: Iterable[tuple[str, str]]) -> None:
    """Give a person the platform identities nobody holds yet (taken ones are left alone)."""
    for platform, external_id in identities:
        taken = session.scalars(
            select(PersonIdentity).where(
                PersonIdentity.platform == platform, PersonIdentity.external_id == external_id
            )
        ).first()
        if taken is None:
            session.add(
                PersonIdentity(person_id=person_id, platform=platform, external_id=external_id)
            )


def person_on(db: Database, platform: str, external_id: str, now: datetime) -> PersonInfo | None:
    """The person behind a platform identity (and note that they were just seen), if known."""
    with db.session() as session:
        identity = session.scalars(
            select(PersonIdentity).where(
                PersonIdentity.platform == platform, PersonIdentity.external_id == external_id
            )
        ).first()
        if identity is None:
            return None
        identity.last_seen_at = utc(now)
        person = session.get(Person, identity.person_id)
        assert person is not None
        return info(session, person)


def find(session: Session, name: str, within: ColumnElement[bool] | None = None) -> Person:
    """The person a handle or full name refers to; PeopleError when none or several do.

    `within` limits the search to the people someone may see (an HR person's organization):
    anyone else is "unknown", so a refusal never reveals that they exist.
    """
    wanted = name.strip().lower()
    among = within if within is not None else true()
    person = session.scalars(
        select(Person).where(func.lower(Person.handle) == wanted, among)
    ).first()
    if person is not None:
        return person
    matches = list(session.scalars(select(Person).where(func.lower(Person.name) == wanted, among)))
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise PeopleError(f"Several people are called {name!r}; please use their handle.")
    raise PeopleError(f"I don't know anyone called {name!r}. Check the handle and try again.")


def add_role(
    db: Database,
    *,
    actor: PersonInfo,
    within: ColumnElement[bool],
    name: str,
    role: str,
    now: datetime,
) -> str:
    """Give someone among the people `within` covers a role (HR only); the sentence to show."""
    _require_hr(actor)
    with db.session() as session:
        person = find(session, name, within)
        exists = session.scalars(
            select(PersonRole).where(PersonRole.person_id == person.id, PersonRole.role == role)
        ).first()
        if exists is not None:
            return f"{person.name} already has the role {role}. Nothing changed."
        session.add(PersonRole(person_id=person.id, role=role))
        audit.append(
            session, at=now, action="role_added", actor_id=actor.id, subject_id=person.id, role=role
        )
        return f"Done: {person.name} now has the role {role}."


def remove_role(
    db: Database,
    *,
    actor: PersonInfo,
    within: ColumnElement[bool],
    name: str,
    role: str,
    now: datetime,
) -> str:
    """Take a role away from someone `within` covers (HR only); the sentence to show."""
    _require_hr(actor)
    with db.session() as session:
        person = find(session, name, within)
        if person.id == actor.id and role == "hr":
            raise PeopleError("You cannot remove your own HR role; ask another HR person.")
        removed = session.execute(
            delete(PersonRole).where(PersonRole.person_id == person.id, PersonRole.role == role)
        )
        if not getattr(removed, "rowcount", 0):
            return f"{person.name} does not have the role {role}. Nothing changed."
        audit.append(
            session,
            at=now,
            action="role_removed",
            actor_id=actor.id,
            subject_id=person.id,
            role=role,
        )
        return f"Done: {person.name} no longer has the role {role}."


def set_supervisor(
    db: Database,
    *,
    actor: PersonInfo,
    within: ColumnElement[bool],
    name: str,
    supervisor_name: str,
    now: datetime,
) -> str:
    """Make someone another person's supervisor, both among the people `within` covers (HR
    only); refuses loops."""
    _require_hr(actor)
    with db.session() as session:
        person = find(session, name, within)
        supervisor = find(session, supervisor_name, within)
        if person.id == supervisor.id:
            raise PeopleError("Nobody can be their own supervisor.")
        _refuse_loop(session, person, supervisor)
        if person.supervisor_id == supervisor.id:
            return f"{supervisor.name} is already {person.name}'s supervisor. Nothing changed."
        previous = person.supervisor_id
        person.supervisor_id, person.updated_at = supervisor.id, utc(now)
        if (
            session.scalars(
                select(PersonRole).where(
                    PersonRole.person_id == supervisor.id, PersonRole.role == "supervisor"
                )
            ).first()
            is None
        ):
            session.add(PersonRole(person_id=supervisor.id, role="supervisor"))
        audit.append(
            session,
            at=now,
            action="supervisor_set",
            actor_id=actor.id,
            subject_id=person.id,
            supervisor=supervisor.handle,
            previous_supervisor_id=previous,
        )
        return f"Done: {supervisor.name} is now {person.name}'s supervisor."


def _refuse_loop(session: Session, person: Person, supervisor: Person) -> None:
    seen = {person.id}
    current: Person | None = supervisor
    while current is not None:
        if current.id in seen:
            raise PeopleError(
                f"That would make a loop: {supervisor.name} already reports, directly or "
                f"not, to {person.name}."
            )
        seen.add(current.id)
        current = session.get(Person, current.supervisor_id) if current.supervisor_id else None


def _require_hr(actor: PersonInfo) -> None:
    if not actor.has("hr"):
        raise PeopleError("Only HR can change people's roles and supervisors.")

"""Who works for which organization: the people a policy applies to.

A deployment can serve several cities (`organizations` in app.yaml). A person belongs to the one
on record; people with none on record belong to the deployment's default organization. A policy
belongs to the organization naming it (or, for a policy HR published, the one with its name).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from bot.config import Config, Organization
from bot.storage.models import Person, PersonRole, Policy

DEFAULT_ID = "default"
# The key under which a session's `info` holds the default organization's id (see bot.app).
DEFAULT_ORGANIZATION = "default_organization"


def default_organization(config: Config, name: str) -> Organization:
    """The deployment's default organization: the one whose policy is the default policy, else
    (a single-city deployment with no `organizations` in app.yaml) one standing for everyone on
    the staff list, called `name`."""
    configured = config.organization_for_policy(config.default_policy)
    if configured is not None:
        return configured
    return Organization(DEFAULT_ID, name, config.default_policy, config.hr_contact(""))


def organization_of(config: Config, policy_id: str, stored_name: str) -> Organization | None:
    """The app.yaml organization of a policy: the one naming it, else the one with its name."""
    return config.organization_for_policy(policy_id) or next(
        (org for org in config.organizations if org.name == stored_name), None
    )


def policy_audience(session: Session, config: Config, policy_id: str) -> list[int]:
    """Ids of everyone a policy applies to: the people of its organization."""
    condition = audience_condition(session, config, policy_id)
    return list(session.scalars(select(Person.id).where(condition).order_by(Person.id)))


def audience_condition(session: Session, config: Config, policy_id: str) -> ColumnElement[bool]:
    """Which people rows a policy applies to, as a condition for a query."""
    policy = session.get(Policy, policy_id)
    organization = organization_of(config, policy_id, policy.organization if policy else "")
    if organization is None:  # a policy no organization claims: the unassigned people
        return Person.organization.is_(None)
    default = config.organization_for_policy(config.default_policy)
    return _members(organization.id, organization == default)


def organization_people(
    session: Session, organization_id: str, includes_unassigned: bool
) -> list[int]:
    """Ids of everyone who works for an organization (and those with none, for the default one)."""
    condition = _members(organization_id, includes_unassigned)
    return list(session.scalars(select(Person.id).where(condition).order_by(Person.id)))


def _members(organization_id: str, includes_unassigned: bool) -> ColumnElement[bool]:
    condition = Person.organization == organization_id
    return or_(condition, Person.organization.is_(None)) if includes_unassigned else condition


def hr_names(session: Session, config: Config, policy_id: str, limit: int = 3) -> list[str]:
    """Names of the HR people a policy's employees can ask (those of its organization)."""
    query = (
        select(Person.name)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.role == "hr", audience_condition(session, config, policy_id))
        .order_by(Person.name)
        .limit(limit)
    )
    return list(session.scalars(query))


def hr_contact_of(config: Config, policy_id: str, stored_name: str) -> str:
    """How a policy's employees reach HR: their organization's contact in app.yaml."""
    organization = organization_of(config, policy_id, stored_name)
    return organization.hr_contact if organization else config.hr_contact(policy_id)


def same_organization(session: Session, organization: str | None) -> ColumnElement[bool]:
    """The people rows of the same organization as someone recorded under `organization`
    (None: none on record, so the default one's), as a condition for a query."""
    default = session.info.get(DEFAULT_ORGANIZATION)
    effective = organization or default
    if effective is None:  # no organizations configured: one city
        return true()
    if effective == default:
        return or_(Person.organization == effective, Person.organization.is_(None))
    return Person.organization == effective

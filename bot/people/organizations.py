"""Who works for which organization: the people a policy applies to.

A deployment can serve several cities (`organizations` in app.yaml). A person belongs to the one
on record; people with none on record belong to the deployment's default organization. A policy
belongs to the organization naming it (or, for a policy HR published, the one with its name).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from bot.config import Config, Organization
from bot.storage.models import Person, Policy


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

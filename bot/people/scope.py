"""Which organizations an HR person may see and act for: their own, unless deployment-wide.

One deployment can serve several cities (`organizations` in app.yaml). An HR person sees the
people, policies, questions and requests of the organization they work for, and changes only
those; people with no organization on record belong to the default one (the organization of
`default_policy`). HR people named in app.yaml's `deployment_hr` see every organization; so does
everyone when no organizations are configured (a single-city deployment). The terminal, run by
whoever has the server's shell, acts for the whole deployment unless told one organization.

Every HR read and action asks its `Scope`; a person outside it is treated as unknown, so nothing
reveals that they exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, or_, true

from bot.config import Config, Organization
from bot.people.directory import PersonInfo
from bot.people.organizations import organization_of
from bot.storage.models import Person


class ScopeError(ValueError):
    """An organization id that app.yaml does not know; the message lists the known ones."""


@dataclass(frozen=True)
class Scope:
    """The organizations someone may see: their ids, whether the unassigned people, or all."""

    organizations: frozenset[str]
    unassigned: bool  # people with no organization on record (they belong to the default one)
    everything: bool = False
    home: str | None = None  # the organization a new policy of theirs belongs to

    def covers_organization(self, organization_id: str | None) -> bool:
        """Whether people of this organization (None: with none on record) are in scope."""
        if self.everything:
            return True
        return self.unassigned if organization_id is None else organization_id in self.organizations

    def people(self, person: Any = Person) -> ColumnElement[bool]:
        """The people rows in scope, as a condition for a query (on `person`, an alias of
        Person when a query joins people twice)."""
        if self.everything:
            return true()
        conditions = []
        if self.organizations:
            conditions.append(person.organization.in_(sorted(self.organizations)))
        if self.unassigned:
            conditions.append(person.organization.is_(None))
        return or_(*conditions) if conditions else false()

    def covers_policy(self, config: Config, policy_id: str, stored_organization: str) -> bool:
        """Whether a policy is in scope: it is when the people it applies to are."""
        if self.everything:
            return True
        organization = organization_of(config, policy_id, stored_organization)
        if organization is None:  # a policy no organization claims applies to the unassigned
            return self.unassigned
        return organization.id in self.organizations


EVERYTHING = Scope(frozenset(), unassigned=True, everything=True)


def default_organization(config: Config) -> Organization | None:
    """The organization people with none on record belong to: the default policy's."""
    return config.organization_for_policy(config.default_policy)


def hr_scope(config: Config, person: PersonInfo) -> Scope:
    """What an HR person may see: their organization's people and policies, or everything."""
    if not config.organizations or person.handle.lower() in config.deployment_hr:
        default = default_organization(config)
        home = person.organization or (default.id if default else None)
        return Scope(frozenset(), unassigned=True, everything=True, home=home)
    return organization_scope(config, person.organization)


def organization_scope(config: Config, organization_id: str | None) -> Scope:
    """One organization's scope (None: the default one's, or the unassigned people alone)."""
    default = default_organization(config)
    home = organization_id or (default.id if default else None)
    if home is None:
        return Scope(frozenset(), unassigned=True)
    unassigned = default is not None and home == default.id
    return Scope(frozenset({home}), unassigned=unassigned, home=home)


def operator_scope(config: Config, organization_id: str | None) -> Scope:
    """The terminal's scope: every organization, or the one named (ScopeError if unknown)."""
    if organization_id is None:
        return EVERYTHING
    known = [organization.id for organization in config.organizations]
    if organization_id not in known:
        listed = ", ".join(known) or "none are configured"
        raise ScopeError(
            f"there is no organization {organization_id!r} in app.yaml (known: {listed})"
        )
    return organization_scope(config, organization_id)


def policies_in(config: Config, scope: Scope, policies: Iterable[tuple[str, str]]) -> list[str]:
    """The ids, of (policy id, stored organization name) pairs, of the policies in scope."""
    return [
        policy_id
        for policy_id, organization in policies
        if scope.covers_policy(config, policy_id, organization)
    ]

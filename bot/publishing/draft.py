"""A publication in the making and once made: what HR previews, and what publishing did."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Organization
from knowledge.diff import PolicyDiff
from knowledge.documents import Document
from knowledge.models import Clause


@dataclass(frozen=True)
class Draft:
    """A document read and checked, waiting for HR's confirmation."""

    policy_id: str
    title: str
    organization: Organization
    document: Document
    clauses: tuple[Clause, ...]
    number: int  # the version it will become
    based_on: int | None  # the current version it was compared with
    diff: PolicyDiff | None
    effective: str | None = None
    note: str | None = None
    warning: str | None = None
    structure: tuple[str, ...] = ()  # what looks misread, for HR to check before publishing
    includes_unassigned: bool = False  # people with no organization on record belong to it

    @property
    def requires_ack(self) -> bool:
        return self.diff is None or self.diff.substantive


@dataclass(frozen=True)
class Published:
    """A version made current: who was told, and what HR should review."""

    policy_id: str
    number: int
    requires_ack: bool
    announced: int
    unreachable: int
    flags: tuple[str, ...]

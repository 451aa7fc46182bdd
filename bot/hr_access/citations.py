"""How HR's pages and exports name a clause: its citation and title, never its internal id.

Records keep clause ids ("clause-5"), and a request or a vote may be about an older version
whose numbering changed since. `Citations` names each clause as the version it was recorded
against calls it ("City of La Crosse Social Media Policy, clause 5: Personal use at work"),
reading and parsing each older version once per use.
"""

from __future__ import annotations

from bot.policies.library import Library, UnknownPolicy
from bot.publishing.publisher import PublishError, version_clauses
from bot.storage.database import Database
from knowledge.models import Clause

GONE = "a part no longer in the policy"


class Citations:
    """Names clauses of the current or any stored version of the policies in the library."""

    def __init__(self, db: Database, library: Library) -> None:
        self.db, self.library = db, library
        self._versions: dict[tuple[str, int], dict[str, Clause]] = {}

    def label(self, policy_id: str, clause_id: str, version: int | None = None) -> str:
        """The clause within its policy: "clause 5: Personal use at work"."""
        clause = self._clause(policy_id, clause_id, version)
        if clause is None:
            return GONE
        title = clause.display_title  # HR's title, or a first sentence short enough to be whole
        return f"{clause.label}: {title}" if title else clause.label

    def full(self, policy_id: str, clause_id: str, version: int | None = None) -> str:
        """The clause with its policy: "City of La Crosse Social Media Policy, clause 5: ..."."""
        try:
            title = self.library.policy(policy_id).title
        except UnknownPolicy:
            return GONE
        return f"{title}, {self.label(policy_id, clause_id, version)}"

    def _clause(self, policy_id: str, clause_id: str, version: int | None) -> Clause | None:
        try:
            current = self.library.policy(policy_id)
        except UnknownPolicy:
            return None
        if version is None or version == current.version:
            return current.clause(clause_id) if clause_id in current.clause_ids else None
        key = (policy_id, version)
        if key not in self._versions:
            try:
                clauses = version_clauses(self.db, self.library, policy_id, version)
            except PublishError:
                clauses = []
            self._versions[key] = {clause.id: clause for clause in clauses}
        return self._versions[key].get(clause_id)

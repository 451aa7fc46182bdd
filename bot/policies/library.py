"""The policies the bot answers from: the stored current versions, indexed for matching.

At start the seed policies are synced into the database (a changed file becomes a new version)
unless HR has published a version of that policy, which the seed file then never overrides. Each
policy is built from its current stored text, so answers always cite the version people
acknowledge. When a version, an alternate phrasing, a checklist or a clause title is added, by
this process or another, the library notices on the next message (`versions.signature`) and
rebuilds itself: no restart is needed.

What HR curated against an older version follows its clauses into the current one
(`knowledge.clause_map`): seed phrasings, clause titles, and the checklist (HR's newest
published one, else the seed file). A checklist item citing a clause the current version removed
or materially reworded is set aside for HR (`ChecklistState.set_aside`); employees walk the rest.
"""

from __future__ import annotations

import difflib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from typing import Literal

from bot.config import Config
from bot.policies import curation as stored_curation
from bot.policies import versions
from bot.policies.versions import Signature
from bot.storage.database import Database
from bot.storage.rows import sha256_hex
from knowledge.analysis import Analyzer
from knowledge.checklist import (
    ANY_STALE,
    Checklist,
    ChecklistError,
    load_policy_checklist,
    parse_checklist,
)
from knowledge.checklist_proposal import Proposal, propose_checklist, with_topic_links
from knowledge.checklist_review import SetAside, follow_checklist, live_checklist, set_aside_items
from knowledge.clause_map import ClauseMap, follow_clauses, identity
from knowledge.diff import compare
from knowledge.matcher import Matcher, Thresholds
from knowledge.models import Clause, Policy, PolicyMetadata
from knowledge.parser import ParseError, parse_clauses
from knowledge.sources import Curation, PolicySource, build_policy, seed_sources

log = logging.getLogger("policybot.library")


class UnknownPolicy(KeyError):
    """A policy id that no loaded policy has."""


@dataclass(frozen=True)
class ChecklistState:
    """A policy's checklist as the current version sees it.

    `origin`: "published" (HR's newest), "seed" (the file shipped with the product) or "none"
    (HR has not published one: `Library.proposal` drafts one). `document` is the checklist with
    its references moved to the current version's clause ids, set-aside references written
    ``clause-11@v1``; `live` is what employees walk (None when nothing is left to ask), and
    `clauses` says what became of each clause of the basis version.
    """

    policy_id: str
    origin: Literal["published", "seed", "none"]
    number: int | None = None
    basis_version: int | None = None
    published_at: datetime | None = None
    published_by: str | None = None
    source: str | None = None  # the published file's name, or what a dashboard edit did
    document: Checklist | None = None
    live: Checklist | None = None
    set_aside: tuple[SetAside, ...] = ()
    clauses: ClauseMap = field(default_factory=ClauseMap)


@dataclass(frozen=True)
class _Snapshot:
    """Everything indexed at one moment, swapped whole so a reader never sees half of a rebuild."""

    policies: dict[str, Policy]
    matcher: Matcher
    states: dict[str, ChecklistState]
    signature: Signature
    proposals: dict[str, Proposal] = field(default_factory=dict)  # drafted on first request


class Library:
    """Indexed policies by id, with the matcher that answers questions about them."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._snapshot = self._index([], {}, ())
        self._rebuilding = threading.Lock()

    def _index(
        self, policies: list[Policy], states: dict[str, ChecklistState], signature: Signature
    ) -> _Snapshot:
        settings = self._config.matcher
        matcher = Matcher(
            policies,
            thresholds=Thresholds(settings.confidence_threshold, settings.ambiguity_margin),
        )
        return _Snapshot({p.id: p for p in policies}, matcher, states, signature)

    @property
    def matcher(self) -> Matcher:
        return self._snapshot.matcher

    @property
    def checklists(self) -> dict[str, Checklist]:
        """The checklists employees walk now, by policy id."""
        return {pid: s.live for pid, s in self._snapshot.states.items() if s.live is not None}

    @property
    def policy_ids(self) -> list[str]:
        return sorted(self._snapshot.policies)

    def policy(self, policy_id: str) -> Policy:
        """The current version of a policy; UnknownPolicy lists the ids that exist."""
        try:
            return self._snapshot.policies[policy_id]
        except KeyError:
            known = ", ".join(self.policy_ids)
            close = difflib.get_close_matches(policy_id.lower(), self.policy_ids, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise UnknownPolicy(
                f"there is no policy {policy_id!r}{hint} (known: {known})"
            ) from None

    def checklist(self, policy_id: str) -> Checklist | None:
        """The policy's "can I post this?" checklist as employees walk it, if it has one."""
        state = self._snapshot.states.get(policy_id)
        return state.live if state is not None else None

    def checklist_state(self, policy_id: str) -> ChecklistState:
        """The policy's checklist with what HR must review (UnknownPolicy if no such policy)."""
        self.policy(policy_id)
        return self._snapshot.states.get(policy_id) or ChecklistState(policy_id, "none")

    def proposal(self, policy_id: str) -> Proposal:
        """A checklist drafted from the current version's clauses, for HR to review."""
        snapshot = self._snapshot
        if policy_id not in snapshot.proposals:
            policy = self.policy(policy_id)
            topic_links = self.matcher.index(policy_id).links  # the matcher's, already built
            snapshot.proposals[policy_id] = propose_checklist(
                policy,
                organization=policy.meta.organization,
                linker=lambda policy: with_topic_links(policy, topic_links),
            )
        return snapshot.proposals[policy_id]

    def analyzer(self, policy_id: str) -> Analyzer:
        return self.matcher.index(policy_id).analyzer

    def refresh(self, db: Database, signature: Signature | None = None) -> bool:
        """Rebuild from the database if something it indexes was added since; True if it did.

        `signature` is the database's :func:`versions.signature` if the caller has just read it.
        """
        signature = signature or versions.signature(db)
        if signature == self._snapshot.signature:
            return False
        with self._rebuilding:
            if signature == self._snapshot.signature:
                return False
            policies, states = _stored_policies(db)
            self._snapshot = self._index(policies, states, signature)
        log.info("policy library rebuilt: %s", ", ".join(self.policy_ids))
        return True


def load_library(db: Database, config: Config, now: Callable[[], datetime]) -> Library:
    """Sync the seed policies into the database and index every stored policy.

    Each seed checklist is validated against its clauses here, so a broken checklist file
    stops the start with a message naming the file and the question to fix.
    """
    for source in seed_sources():
        if not versions.has_published(db, source.meta.id):
            _sync_seed(db, source, now())
    library = Library(config)
    library.refresh(db)
    return library


def _sync_seed(db: Database, source: PolicySource, now: datetime) -> None:
    meta = source.meta
    versions.sync_policy_version(
        db,
        policy_id=meta.id,
        organization=meta.organization,
        title=meta.title,
        text=source.text,
        source=meta.source,
        effective=meta.effective,
        now=now,
    )


class _Versions:
    """The clauses of a policy's stored versions, each parsed once per rebuild."""

    def __init__(self, db: Database, stored: versions.StoredPolicy, meta: PolicyMetadata) -> None:
        self.db, self.stored, self.meta = db, stored, meta
        self._clauses: dict[int, list[Clause]] = {}
        self._maps: dict[int, ClauseMap] = {}

    def clauses(self, number: int) -> list[Clause]:
        if number not in self._clauses:
            texts = stored_curation.version_texts(self.db, self.stored.id, {number})
            self._clauses[number] = parse_clauses(texts[number], self.meta) if texts else []
        return self._clauses[number]

    def map_to(self, number: int, current: Policy) -> ClauseMap:
        """What became of each clause of version `number` in the current version."""
        if number not in self._maps:
            if number == current.version:
                self._maps[number] = identity(current.clauses)
            else:
                self._maps[number] = follow_clauses(self.clauses(number), current.clauses)
        return self._maps[number]


def _stored_policies(db: Database) -> tuple[list[Policy], dict[str, ChecklistState]]:
    """Build every stored policy's current version, with its curation and its checklist."""
    seeds = {source.meta.id: source for source in seed_sources()}
    added = versions.phrasings(db)
    titles = stored_curation.clause_titles(db)
    published = stored_curation.newest_checklists(db)
    policies, states = [], {}
    for stored in versions.current_policies(db):
        seed = seeds.get(stored.id)
        strict = seed is not None and seed.text == stored.text
        moved = _moved_ids(seed, stored) if seed is not None and not strict else {}
        source = _source(stored, seed, added, moved)
        stored_versions = _Versions(db, stored, source.meta)
        given = [title for title in titles if title.policy_id == stored.id]
        if given:  # titles follow their clauses: line the versions up on the bare text first
            plain = build_policy(replace(source, curation={}), strict=False)
            source = _with_titles(source, given, stored_versions, plain)
        policy = build_policy(source, strict=strict)
        policies.append(policy)
        state = _checklist_state(db, seed, policy, published.get(stored.id), stored_versions)
        if state is not None:
            states[policy.id] = state
    return policies, states


def _source(
    stored: versions.StoredPolicy,
    seed: PolicySource | None,
    added: dict[tuple[str, str], tuple[str, ...]],
    moved: dict[str, str | None],
) -> PolicySource:
    """The stored text with the seed's metadata and curation (if any) and HR's added phrasings.

    The seed's curation follows its clauses to their ids in the stored text (`moved`), so a
    clause inserted before them does not give their phrasings to another clause.
    """
    meta = (
        seed.meta
        if seed
        else PolicyMetadata(stored.id, stored.title, stored.organization, stored.source)
    )
    meta = replace(meta, title=stored.title, version=stored.version, effective=stored.effective)
    curation = {}
    for clause_id, curated in (seed.curation if seed else {}).items():
        target = moved.get(clause_id, clause_id)
        if target is not None:
            curation[target] = curated
    for (policy_id, clause_id), phrasings in added.items():
        if policy_id == stored.id:
            base = curation.get(clause_id, Curation())
            curation[clause_id] = replace(base, phrasings=base.phrasings + phrasings)
    directory = seed.directory if seed else None
    return PolicySource(meta=meta, text=stored.text, curation=curation, directory=directory)


def _with_titles(
    source: PolicySource,
    titles: list[stored_curation.StoredTitle],
    stored_versions: _Versions,
    current: Policy,
) -> PolicySource:
    """The source with the titles HR gave, each moved to its clause's id in this version."""
    given: dict[str, str] = {}
    for title in titles:
        followed = stored_versions.map_to(title.version, current).get(title.clause_id)
        if followed is not None and followed.new_id is not None:
            given[followed.new_id] = title.title
    if not given:
        return source
    curation = dict(source.curation)
    for clause_id, text in given.items():
        curation[clause_id] = replace(curation.get(clause_id, Curation()), title=text or None)
    return replace(source, curation=curation)


def _moved_ids(seed: PolicySource, stored: versions.StoredPolicy) -> dict[str, str | None]:
    """Where each clause of the seed text is in the stored text: its id there, or None if gone.

    Only the clauses whose id changed (renumbered, or removed) are listed.
    """
    try:
        old = parse_clauses(seed.text, seed.meta)
        new = parse_clauses(stored.text, seed.meta)
    except ParseError:
        return {}
    moved: dict[str, str | None] = {}
    for change in compare(old, new).changes:
        if change.old is not None and (change.new is None or change.new.id != change.old.id):
            moved[change.old.id] = change.new.id if change.new is not None else None
    return moved


def _checklist_state(
    db: Database,
    seed: PolicySource | None,
    policy: Policy,
    published: stored_curation.StoredChecklist | None,
    stored_versions: _Versions,
) -> ChecklistState | None:
    """HR's newest checklist (else the seed file) moved to the current version's clauses."""
    if published is not None:
        basis = published.basis_version
        basis_ids = frozenset(c.id for c in stored_versions.clauses(basis))
        source = f"checklist version {published.number} of {policy.id}"
        try:
            checklist = _parse_published(published.text, source, basis_ids)
        except ChecklistError as error:  # validated when published: only a damaged record
            log.error("%s cannot be used: %s", source, error)
            return None
        clauses = stored_versions.map_to(basis, policy)
        state = ChecklistState(
            policy.id,
            "published",
            number=published.number,
            published_at=published.published_at,
            published_by=published.published_by,
            source=published.source,
        )
    else:
        seeded = _seed_checklist(db, seed, policy)
        if seeded is None:
            return None
        checklist, basis, clauses = seeded
        state = ChecklistState(policy.id, "seed")
    document = follow_checklist(checklist, clauses, basis)
    return replace(
        state,
        basis_version=basis,
        document=document,
        live=live_checklist(document),
        set_aside=tuple(set_aside_items(document)),
        clauses=clauses,
    )


def _seed_checklist(
    db: Database, seed: PolicySource | None, policy: Policy
) -> tuple[Checklist, int, ClauseMap] | None:
    """The shipped checklist file, validated against the shipped text, and that text's map.

    A broken file for the text being answered from stops the start (its message names the file
    and the question to fix); the shipped files are tested, so any other failure is logged.
    """
    if seed is None or seed.directory is None:
        return None
    if not (seed.directory / "checklist.yaml").exists():
        return None
    try:
        shipped = parse_clauses(seed.text, seed.meta)
    except ParseError:
        return None
    try:
        checklist = _load_checklist(str(seed.directory), frozenset(c.id for c in shipped))
    except ChecklistError as error:
        if seed.text == policy.source_text:
            raise
        log.error("the shipped checklist of %s cannot be used: %s", policy.id, error)
        return None
    if seed.text == policy.source_text:
        return checklist, policy.version, identity(policy.clauses)
    number = stored_curation.version_number_of(db, policy.id, sha256_hex(seed.text))
    return checklist, number or 1, follow_clauses(shipped, policy.clauses)


@lru_cache(maxsize=32)
def _parse_published(text: str, source: str, clause_ids: frozenset[str]) -> Checklist:
    """A checklist HR published, read once per process (every worker rebuilds its library after
    each publication; the text of a published version never changes)."""
    return parse_checklist(text, source, clause_ids, stale_ok=ANY_STALE)


@lru_cache(maxsize=16)
def _load_checklist(directory: str, clause_ids: frozenset[str]) -> Checklist:
    """A seed checklist validated against a set of clauses, read once per process."""
    return load_policy_checklist(directory, clause_ids)

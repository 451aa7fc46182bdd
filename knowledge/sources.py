"""Policy sources on disk: a folder per policy with its text, metadata and HR's curation.

A policy folder holds `policy.yaml` (metadata), the document it names (kept verbatim) and
`phrasings.yaml`, where HR keeps each clause's short title, alternate phrasings and terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.models import Clause, Policy, PolicyMetadata
from knowledge.parser import ParseError, parse_clauses

SEED_DIRECTORY = Path(__file__).parent / "policies"
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, when PyYAML has it


class KnowledgeError(ValueError):
    """A policy folder is missing a file or holds something invalid; the message says where."""


@dataclass(frozen=True)
class Curation:
    """HR's additions to one clause: a better title, alternate phrasings and search terms."""

    title: str | None = None
    phrasings: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class PolicySource:
    """Everything needed to build a policy: metadata, verbatim text and curation."""

    meta: PolicyMetadata
    text: str
    curation: dict[str, Curation] = field(default_factory=dict)
    directory: Path | None = None


def seed_sources() -> list[PolicySource]:
    """The policies shipped with the product, in a stable order (read once per process)."""
    return list(_seed_sources())


@lru_cache(maxsize=1)
def _seed_sources() -> tuple[PolicySource, ...]:
    return tuple(load_source(path) for path in sorted(SEED_DIRECTORY.iterdir()) if path.is_dir())


def load_source(directory: Path) -> PolicySource:
    """Read one policy folder, with errors that name the file and the problem."""
    meta_file = directory / "policy.yaml"
    raw = _read_yaml(meta_file)
    meta = _metadata(raw, meta_file)
    document = directory / str(raw.get("document", "policy.txt"))
    try:
        text = document.read_text(encoding="utf-8")
    except OSError as error:
        raise KnowledgeError(
            f"{document}: cannot read the policy text ({error.strerror})"
        ) from None
    curation_file = directory / "phrasings.yaml"
    curation = load_curation(curation_file) if curation_file.exists() else {}
    return PolicySource(meta=meta, text=text, curation=curation, directory=directory)


def build_policy(source: PolicySource, *, strict: bool = True) -> Policy:
    """Parse the source into clauses and apply HR's curation.

    With `strict`, curation for a clause the text does not have is an error (a typo in
    phrasings.yaml must not go unnoticed); otherwise it is ignored, as after a new version
    removes a clause and before HR has updated the file.
    """
    try:
        clauses = parse_clauses(source.text, source.meta)
    except ParseError as error:
        raise KnowledgeError(f"policy {source.meta.id!r}: {error}") from None
    known = {clause.id for clause in clauses}
    unknown = sorted(set(source.curation) - known)
    if strict and unknown:
        raise KnowledgeError(
            f"phrasings for policy {source.meta.id!r} name clauses it does not have: "
            f"{', '.join(unknown)} (its clauses are: {', '.join(c.id for c in clauses)})"
        )
    curated = tuple(_apply(clause, source.curation.get(clause.id)) for clause in clauses)
    return Policy(meta=source.meta, source_text=source.text, clauses=curated)


def load_curation(path: Path) -> dict[str, Curation]:
    """Read phrasings.yaml: clause id -> title, phrasings and terms."""
    raw = _read_yaml(path)
    curation: dict[str, Curation] = {}
    for clause_id, entry in raw.items():
        where = f"{path}: clause {clause_id!r}"
        if not isinstance(entry, dict):
            raise KnowledgeError(f"{where} must hold title, phrasings and terms")
        unexpected = set(entry) - {"title", "phrasings", "terms"}
        if unexpected:
            raise KnowledgeError(f"{where} has unknown keys: {', '.join(sorted(unexpected))}")
        curation[str(clause_id)] = Curation(
            title=_optional_text(entry.get("title"), f"{where} title"),
            phrasings=_text_list(entry.get("phrasings"), f"{where} phrasings"),
            terms=_text_list(entry.get("terms"), f"{where} terms"),
        )
    return curation


def _apply(clause: Clause, curation: Curation | None) -> Clause:
    if curation is None:
        return clause
    return replace(
        clause,
        title=curation.title or clause.title,
        titled=bool(curation.title) or clause.titled,
        phrasings=curation.phrasings,
        terms=curation.terms,
    )


def _metadata(raw: dict[str, Any], path: Path) -> PolicyMetadata:
    for key in ("id", "title", "organization", "source"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise KnowledgeError(f"{path}: '{key}' is required and must be text")
    version = raw.get("version", 1)
    if not isinstance(version, int) or version < 1:
        raise KnowledgeError(f"{path}: 'version' must be a whole number from 1")
    return PolicyMetadata(
        id=raw["id"],
        title=raw["title"],
        organization=raw["organization"],
        source=raw["source"],
        version=version,
        effective=_optional_text(raw.get("effective"), f"{path}: effective"),
        item_name=str(raw.get("item_name", "clause")),
        bullet_name=str(raw.get("bullet_name", "item")),
        lead_names=_text_list(raw.get("lead_names"), f"{path}: lead_names"),
    )


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=SAFE_LOADER)
    except OSError as error:
        raise KnowledgeError(f"{path}: cannot read it ({error.strerror})") from None
    except yaml.YAMLError as error:
        raise KnowledgeError(f"{path}: not valid YAML ({error})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path}: expected a mapping of keys to values")
    return data


def _optional_text(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, (str, int, float)):
        raise KnowledgeError(f"{where} must be text")
    return str(value)


def _text_list(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise KnowledgeError(f"{where} must be a list of text lines")
    return tuple(item.strip() for item in value if item.strip())

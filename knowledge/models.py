"""What a policy is once parsed: its metadata and its clauses."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from knowledge.text import sentences


@dataclass(frozen=True)
class Clause:
    """One citable unit of a policy: a numbered clause, a bullet, or a paragraph of prose.

    `label` is how a person cites it ("clause 9", "§ 37.23(C)(1)", "preamble"); `number` the
    document's number for it ("37.23(C)(1)"; "¶2" or "3 > •1" where nothing is printed);
    `level` its depth in the numbering (0 outermost); `heading` the section it sits under;
    `marker` its own number as printed ("(C)", "1.", "§ 37.20"; "•" for a bullet).
    """

    policy_id: str
    id: str
    label: str
    title: str
    text: str
    position: int
    phrasings: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    number: str = ""
    level: int = 0
    heading: str = ""
    marker: str = ""
    titled: bool = False  # `title` was written by HR, not taken from the clause's first words

    @property
    def display_title(self) -> str | None:
        """HR's title, else the first sentence when it is short enough to show whole, else None.

        The parser's default `title` is the first eight words of the first sentence (the matcher
        weighs them); cut off, it reads as a broken title, so it is never shown as one.
        """
        if self.titled or (self.title and not self.title.endswith("…")):
            return self.title or None
        return None

    @property
    def caption(self) -> str:
        """What answers, choices and drop-downs call the clause: its title, else "Clause 9"."""
        return self.display_title or self.label[:1].upper() + self.label[1:]

    @property
    def sentences(self) -> list[str]:
        """The clause split into sentences, for quoting the ones that matter first."""
        return sentences(self.text)


@dataclass(frozen=True)
class PolicyMetadata:
    """Facts about a policy that its text does not carry in a reliable form."""

    id: str
    title: str
    organization: str
    source: str
    version: int = 1
    effective: str | None = None
    item_name: str = "clause"
    bullet_name: str = "item"
    lead_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Policy:
    """A parsed policy version: metadata, the verbatim source and its clauses in order."""

    meta: PolicyMetadata
    source_text: str
    clauses: tuple[Clause, ...]
    _by_id: dict[str, Clause] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({clause.id: clause for clause in self.clauses})

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def version(self) -> int:
        return self.meta.version

    @property
    def sha256(self) -> str:
        """Hash of the verbatim source, so an acknowledgement proves which text was read."""
        return hashlib.sha256(self.source_text.encode("utf-8")).hexdigest()

    @property
    def clause_ids(self) -> frozenset[str]:
        return frozenset(self._by_id)

    def clause(self, clause_id: str) -> Clause:
        """The clause with this id; KeyError names the policy when there is none."""
        try:
            return self._by_id[clause_id]
        except KeyError:
            raise KeyError(f"policy {self.id!r} has no clause {clause_id!r}") from None

    def citation(self, clause: Clause) -> str:
        """How a person cites the clause: "City of La Crosse Social Media Policy, clause 9"."""
        return f"{self.title}, {clause.label}"

"""What a policy is once parsed: its metadata and its clauses."""

from __future__ import annotations

import hashlib
import re
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


BULLET = "•"  # the marker the parser gives a bullet, whatever character the document used
# Headings that say whether the items under them are allowed ("Don'ts", "Prohibited Uses").
_RULE_HEADING = re.compile(
    r"(?i)^(?:do|dos|do's)$|\b(?:don'?ts?|do not|must not|shall not|may not|never|prohibited"
    r"|forbidden|not (?:allowed|permitted)|unacceptable|inappropriate|restricted|restrictions"
    r"|allowed|permitted|acceptable|required)\b"
)
_LEAD_IN_SEARCH = 2000  # characters: a last sentence longer than this opens no list
_LEAD_IN_WORDS = 30  # a lead-in quoted before an item is cut to its last words
_OPENS_A_LIST = re.compile(r"\b(?:the following|as follows|listed below|set out below)\b", re.I)


def opens_a_list(sentence: str) -> bool:
    """Whether a sentence introduces the items under it: it ends with a colon, or announces
    them ("The following are some additional guidelines …." ends with a full stop in some
    documents). A sentence that lists its items itself ("… for the following reasons:
    profanity, threats or spam.") opens nothing."""
    if sentence.endswith(":"):
        return True
    return ":" not in sentence and bool(_OPENS_A_LIST.search(sentence))


def _opens_a_list(clause: Clause) -> bool:
    """Whether the clause's last sentence opens a list (the text is searched first: splitting
    every clause into sentences would slow indexing a long policy)."""
    text = clause.text.rstrip()
    if not text.endswith(":") and not _OPENS_A_LIST.search(text[-_LEAD_IN_SEARCH:]):
        return False
    return opens_a_list((clause.sentences or [""])[-1].rstrip())


def introducers(clauses: tuple[Clause, ...]) -> list[int | None]:
    """Per clause, the position of the clause that introduces it: the nearest earlier one of a
    lower level (None at the outermost level), in one pass (a stack of the open levels).

    Bullets typed at the paragraph's own level under a paragraph that opens a list ("Staff must
    not:" then "● message students ...") are introduced by that paragraph too: documents seldom
    indent them, and the paragraph is what says whether they are allowed or forbidden."""
    found: list[int | None] = []
    open_levels: list[int] = []  # positions whose levels rise strictly from the bottom
    lead: int | None = None  # a paragraph opening a list of bullets at its own level
    for position, clause in enumerate(clauses):
        while open_levels and clauses[open_levels[-1]].level >= clause.level:
            open_levels.pop()
        parent = open_levels[-1] if open_levels else None
        # Under another heading it is not what introduces this one (a numbered heading with
        # no text of its own is not a clause).
        if parent is not None and clauses[parent].heading != clause.heading:
            parent = None
        bullet = clause.marker == BULLET
        if lead is not None and (not bullet or clause.level < clauses[lead].level):
            lead = None  # the list has ended (a sub-item, deeper, does not end it)
        elif lead is not None and clause.level == clauses[lead].level and parent is None:
            parent = lead if clauses[lead].heading == clause.heading else None
        if not bullet and _opens_a_list(clause):
            lead = position
        found.append(parent)
        open_levels.append(position)
    return found


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
    _by_id: dict[str, Clause] = field(default_factory=dict, init=False, compare=False, repr=False)
    _positions: dict[str, int] = field(default_factory=dict, init=False, compare=False, repr=False)
    _parents: list[int | None] = field(default_factory=list, init=False, compare=False, repr=False)
    _children: dict[int, list[int]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        self._by_id.update({clause.id: clause for clause in self.clauses})
        self._positions.update({clause.id: n for n, clause in enumerate(self.clauses)})
        self._parents.extend(introducers(self.clauses))
        for child, parent in enumerate(self._parents):
            if parent is not None:
                self._children.setdefault(parent, []).append(child)

    def position(self, clause_id: str) -> int:
        """Where the clause stands among the policy's clauses; KeyError naming the policy."""
        self.clause(clause_id)
        return self._positions[clause_id]

    def children(self, position: int) -> list[int]:
        """The positions of the clauses that the one at `position` introduces, in order (see
        `introducers`)."""
        return self._children.get(position, [])

    def lead_in(self, clause: Clause) -> str | None:
        """The sentence that opens the list this clause is an item of, quoted before the item.

        An item takes its meaning from its list: "Spam;" is what the city may delete, and
        "post photos of coworkers" under "Employees shall not:" is forbidden, not allowed. The
        lead-in is the last sentence of the introducing clause when it opens a list (see
        `opens_a_list`), cut to its last 30 words; an item that is not its list's first gets
        " …" after it for the items left out. None for a clause that no such sentence
        introduces.
        """
        position = self._positions.get(clause.id)
        if position is None:
            return None
        parent = self._parents[position]
        if parent is None or not _opens_a_list(self.clauses[parent]):
            return self._rule_heading(clause, position)
        last = self.clauses[parent].sentences[-1].rstrip()
        if len(said := last.split()) > _LEAD_IN_WORDS:  # its end says what the list is
            last = "… " + " ".join(said[-_LEAD_IN_WORDS:])
        return last if position == parent + 1 else f"{last} …"

    def _rule_heading(self, clause: Clause, position: int) -> str | None:
        """An item's heading when it says what its items are ("Don't", "Prohibited Uses"),
        as the lead-in: the quote shows no heading, and the item alone would read as allowed."""
        if not clause.marker or not _RULE_HEADING.search(clause.heading):
            return None
        before = self.clauses[position - 1] if position else None
        first = before is None or before.heading != clause.heading or not before.marker
        return f"{clause.heading}:" if first else f"{clause.heading}: …"

    def list_items(self, clause: Clause) -> tuple[Clause, ...]:
        """The items of the list a clause's last sentence opens ("… the following kinds of
        comments:"), in order; () for a clause that opens no list. Quoted with it, so an
        answer never stops at the colon."""
        position = self._positions.get(clause.id)
        if position is None or not _opens_a_list(clause):
            return ()
        return tuple(self.clauses[child] for child in self.children(position))

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

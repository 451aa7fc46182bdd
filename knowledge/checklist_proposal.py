"""A proposed "can I post this?" checklist for a policy nobody has written one for yet.

Public employers' social media policies regulate the same few things: work time and devices,
speaking for the employer, disclaimers, confidential information, logos, photos of people,
politics, selling, harassment, links from official sites, work email addresses; and they remind
people of discipline, liability and public records. `RULES` says, once and for any employer,
how a clause regulating each thing reads, and what question and outcome it calls for. A policy's
clauses are linked to the rules, and each linked rule becomes a yes/no question citing its
clause, with an outcome whose verdict follows the clause's own words: an authorization by a role
it names ("unless approved by the department director") needs that authorization, a
prohibition is "do not post". Consequence clauses become reminders.

The proposal is only a draft for HR: every item carries a comment saying why it was proposed
and what to check, it goes live only when HR publishes it, and clauses it did not use are
listed. Nothing here knows a particular policy.

How clauses are linked is a parameter (`Linker`): the built-in `keyword_links` looks for each
rule's policy words in the clause; the library adds the matcher's domain topic map
(`knowledge/topics.py`, `with_topic_links`), whose topic ids are the rules' ids, so its richer
vocabulary links more clauses to the same rules. A topic link counts only when strong
(`MIN_TOPIC_STRENGTH`): on the corpus policies, weaker ones proposed items for clauses that only
mention a topic in passing ("Be accurate" as a rule about how long posts live).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, Protocol

from knowledge.checklist import Checklist, checklist_from_data
from knowledge.checklist_yaml import checklist_yaml
from knowledge.clause_map import negations
from knowledge.models import Clause, Policy
from knowledge.text import sentences, stem, words

# Each rule word a clause uses adds to its score on the rule (`says` 1, `hints` 0.4, each stem
# once); strength is 1 - e^-score, so more evidence always ranks higher, without a ceiling to
# tie at. One `says` word (0.63) or two hints (0.55) link a clause; one hint (0.33) does not.
MIN_STRENGTH = 0.5
MIN_TOPIC_STRENGTH = 0.8  # the topic map's links: only clauses about the topic, not in passing
_SAYS, _HINT = 1.0, 0.4

Handling = Literal["question", "disclaimer", "reminder"]


class TopicLink(Protocol):
    """A clause linked to a topic, as any linker gives it (the matcher's `Link` fits)."""

    @property
    def topic(self) -> str: ...

    @property
    def clause_id(self) -> str: ...

    @property
    def strength(self) -> float: ...


Linker = Callable[[Policy], Iterable[TopicLink]]


@dataclass(frozen=True)
class Rule:
    """One thing social media policies regulate, and the checklist item it calls for.

    `says` are words and phrases only a clause regulating it would use; `hints` are words such
    a clause often uses but others do too ("email", "devices"), weighed less.
    """

    topic: str
    title: str  # a short clause title to propose
    says: tuple[str, ...]
    hints: tuple[str, ...]
    handling: Handling
    question: str = ""  # {employer} is filled in
    outcome: str = ""  # what the employee is told when the answer adds the outcome
    verdict: str = "do_not_post"


RULES: tuple[Rule, ...] = (
    Rule(
        "work-time-and-devices",
        "Social media at work and on work devices",
        (
            "work hours",
            "working hours",
            "during work",
            "work time",
            "working time",
            "on duty",
            "on the clock",
            "work-related",
            "work related",
        ),
        ("equipment", "devices", "device", "computers", "computer", "network", "resources"),
        "question",
        "Will you post this, or use social media for it, during your work hours or on a "
        "computer, phone or other device {employer} provides?",
        "Personal social media use during work hours or on {employer}'s devices is not allowed "
        "by this clause. Post from your own device on your own time.",
    ),
    Rule(
        "official-capacity",
        "Speaking for the employer",
        (
            "official capacity",
            "on behalf of",
            "speak for",
            "speaking for",
            "spokesperson",
            "official position",
            "speak on behalf",
        ),
        ("represent", "represents", "representing", "official business", "behalf"),
        "question",
        "Could a reader take the post as {employer} speaking, for example because you write "
        'as "we" for {employer}, use your job title as if speaking for it, or announce its '
        "decisions?",
        "As written, the post could look like {employer} speaking. Reword it so it is clearly "
        "your own view, then check again.",
    ),
    Rule(
        "disclaimer",
        "Disclaimer when you post about your work",
        ("disclaimer", "opinions expressed", "do not reflect", "do not represent", "own opinions"),
        ("personal views", "my own"),
        "disclaimer",
        "Is the post related in any way to {employer}, its business or the work you do?",
        "The post relates to {employer} or your work, so make clear you speak for yourself and "
        "add the disclaimer below.",
        "ok_with_disclaimer",
    ),
    Rule(
        "confidential-information",
        "Confidential information",
        (
            "confidential",
            "confidentiality",
            "privileged",
            "nonpublic",
            "not public",
            "private information",
            "sensitive information",
        ),
        ("proprietary", "personnel", "personal information", "disclose", "divulge"),
        "question",
        "Does the post share confidential, privileged or non-public information you know "
        "because of your job?",
        "Do not share confidential, privileged or non-public information you have because of "
        "your job. Remove it.",
    ),
    Rule(
        "city-name-and-logo",
        "Name, logo and branding",
        ("logo", "trademark", "seal", "emblem", "insignia", "letterhead", "branding"),
        ("uniform", "badge", "name of the city"),
        "question",
        "Does the post use {employer}'s logo, seal, trademark, uniform or other branding, or a "
        "document it issued?",
        "You cannot use {employer}'s name as branding, its logo, seal or trademark, or its "
        "documents in the post. Remove them.",
    ),
    Rule(
        "photos-and-recordings",
        "Photos and recordings of people",
        (
            "photographs of",
            "photograph of",
            "photos of",
            "photo of",
            "pictures of",
            "images of",
            "video of",
            "recordings of",
        ),
        ("photographs", "photos", "video", "images", "recordings", "taken", "consent"),
        "question",
        "Does the post include photos, video or audio of co-workers, residents or other people "
        "taken while you were working?",
        "Photos, video or audio of people taken while you were working cannot be posted this "
        "way. Remove them.",
    ),
    Rule(
        "political-activity",
        "Political activity",
        ("political", "campaign", "candidate", "election", "ballot", "partisan"),
        ("lobbying", "vote", "voting"),
        "question",
        "Is the post about an election, a candidate, a political party or a ballot question, "
        "and does it use your position, your work time or {employer}'s equipment?",
        "Political posts must not use your position, work time or {employer}'s equipment or "
        "resources.",
    ),
    Rule(
        "commercial-endorsements",
        "Selling and endorsements",
        (
            "endorse",
            "endorsement",
            "private gain",
            "personal gain",
            "personal profit",
            "business interests",
            "advertise",
            "advertising",
        ),
        ("commercial", "profit", "sell", "selling", "product", "vendor"),
        "question",
        "Does the post sell, advertise or endorse a product, service or business, or use your "
        "position for private gain?",
        "Do not use your position, or the post, to sell, advertise or endorse for private gain.",
    ),
    Rule(
        "harassment-and-discrimination",
        "Respect; no harassment or discrimination",
        (
            "harass",
            "harassment",
            "bully",
            "bullying",
            "threatening",
            "intimidating",
            "discrimination",
            "hostile work environment",
            "malicious",
        ),
        ("obscene", "disparage", "disparaging", "defamatory", "respectful", "offensive"),
        "question",
        "Could anything in the post be seen as harassing, threatening, discriminatory, obscene "
        "or demeaning toward co-workers, residents or anyone else?",
        "Posts that could be seen as harassing, threatening, discriminatory, obscene or "
        "demeaning are not allowed. Do not post it.",
    ),
    Rule(
        "links-and-websites",
        "Links from official web sites",
        ("link from", "link to", "links to", "linking to", "web site", "website"),
        ("link", "links", "web page", "url"),
        "question",
        "Will one of {employer}'s web sites or official accounts link to your personal social "
        "media page?",
        "A link from {employer}'s web site to a personal page is not allowed this way.",
    ),
    Rule(
        "email-and-accounts",
        "Work email addresses on personal accounts",
        ("email address", "e-mail address", "work email", "register on", "sign up"),
        ("email", "e-mail", "register"),
        "question",
        "Did you, or will you, use your work email address to sign up for this account?",
        "Do not use your work email address for personal social media accounts; sign up with "
        "a personal address.",
    ),
    Rule(
        "copyright",
        "Copyright",
        ("copyright", "copyrighted", "intellectual property", "fair use"),
        ("trademarks",),
        "question",
        "Does the post use someone else's photos, music, writing or trademarks without their "
        "permission?",
        "Do not post material others own without their permission.",
    ),
    Rule(
        "discipline",
        "Discipline",
        ("disciplinary", "discipline", "disciplined", "termination", "dismissal"),
        (),
        "reminder",
    ),
    Rule(
        "legal-liability",
        "Personal responsibility and liability",
        ("liable", "liability", "personally responsible", "libel", "libelous", "defamation"),
        ("responsible for",),
        "reminder",
    ),
    Rule(
        "public-records",
        "Public records",
        ("public record", "records retention", "open records", "data practices"),
        (),
        "reminder",
    ),
    Rule(
        "legal-discovery",
        "Legal discovery",
        ("discovery", "subpoena", "legal proceedings", "litigation"),
        (),
        "reminder",
    ),
    Rule(
        "monitoring",
        "Monitoring",
        ("monitor", "monitored", "monitoring", "expectation of privacy"),
        (),
        "reminder",
    ),
    Rule(
        "permanence-and-audience",
        "What you post is public and lasting",
        (
            "permanent",
            "permanently",
            "forever",
            "for a long time",
            "larger audience",
            "wider audience",
        ),
        ("public",),
        "reminder",
    ),
)
RULES_BY_TOPIC = {rule.topic: rule for rule in RULES}

# Who a clause says must authorize (roles the approvals workflow knows), by the words naming them.
_ROLE_WORDS = (
    ("department_director", ("department director", "department head", "director")),
    (
        "social_media_administrator",
        (
            "administrator",
            "communications",
            "public information",
            "social media coordinator",
            "webmaster",
        ),
    ),
    ("supervisor", ("supervisor", "manager")),
)
_ROLE_NAMES = {
    "supervisor": "your supervisor or manager",
    "department_director": "your department director",
    "social_media_administrator": "the administrator of {employer}'s web site and social media",
}
_AUTHORIZATION = re.compile(
    r"\b(?:authoriz|authoris|approv|permission|permitted by|consent)\w*", re.IGNORECASE
)
_ROLE_WINDOW = 120  # characters after the authorization word where the role is named
_QUOTE = re.compile(r"[“\"]([^”\"]{20,400})[”\"]")


@dataclass(frozen=True)
class Link:
    """A clause linked to a rule by the built-in keyword linker."""

    topic: str
    clause_id: str
    strength: float


@dataclass(frozen=True)
class Proposal:
    """A checklist for HR to review, with why each item was proposed."""

    checklist: Checklist
    notes: dict[str, list[str]] = field(default_factory=dict)  # item key -> comments
    header: tuple[str, ...] = ()
    uncovered: tuple[str, ...] = ()  # labels of clauses no item cites

    def yaml(self) -> str:
        """The proposal as the YAML HR edits and publishes."""
        return checklist_yaml(self.checklist, header=self.header, notes=self.notes)


def keyword_links(policy: Policy) -> list[Link]:
    """Each clause linked to the rules whose policy words it contains."""
    keys = _rule_keys()
    links = []
    for clause in policy.clauses:
        stems = [stem(word) for word in words(clause.text)]
        present = set(stems)
        for rule, phrases in keys:
            score = sum(
                weight
                for key, weight in phrases
                if key[0] in present and (len(key) == 1 or _contains(stems, key))
            )
            strength = 1 - math.exp(-score)
            if strength >= MIN_STRENGTH:
                links.append(Link(rule.topic, clause.id, round(strength, 3)))
    return links


@lru_cache(maxsize=1)
def _rule_keys() -> tuple[tuple[Rule, tuple[tuple[tuple[str, ...], float], ...]], ...]:
    """Each rule's words and phrases as stem tuples with their weights, each stem tuple once."""
    keys = []
    for rule in RULES:
        seen: dict[tuple[str, ...], float] = {}
        for phrases, weight in ((rule.says, _SAYS), (rule.hints, _HINT)):
            for phrase in phrases:
                key = tuple(stem(word) for word in words(phrase))
                if key:
                    seen.setdefault(key, weight)
        keys.append((rule, tuple(seen.items())))
    return tuple(keys)


def with_topic_links(policy: Policy, topic_links: Iterable[TopicLink]) -> list[TopicLink]:
    """The keyword links and the topic map's links of a policy, the weak ones left out."""
    strong = [link for link in topic_links if link.strength >= MIN_TOPIC_STRENGTH]
    return [*keyword_links(policy), *strong]


def propose_checklist(
    policy: Policy, *, organization: str, linker: Linker = keyword_links
) -> Proposal:
    """A checklist for the policy from its clauses, validated like any checklist HR writes.

    Questions name the employer as the policy's title does ("City of Maple Falls Social Media
    Policy"), else as `organization`.
    """
    employer = _employer(_named_in_title(policy.title) or organization)
    strongest: dict[str, tuple[Clause, float]] = {}
    clause_ids = policy.clause_ids  # (a property that builds the set each time)
    for link in linker(policy):
        rule = RULES_BY_TOPIC.get(link.topic)
        if rule is None or link.clause_id not in clause_ids:
            continue
        best = strongest.get(rule.topic)
        if best is None or link.strength > best[1]:
            strongest[rule.topic] = (policy.clause(link.clause_id), link.strength)
    builder = _Builder(policy, employer)
    for rule in RULES:
        if rule.topic in strongest:
            builder.add(rule, *strongest[rule.topic])
    return builder.finish()


class _Builder:
    """Collects the proposed items, then writes and validates the checklist."""

    def __init__(self, policy: Policy, employer: str) -> None:
        self.policy, self.employer = policy, employer
        self.questions: list[dict[str, object]] = []
        self.outcomes: list[dict[str, object]] = []
        self.reminders: list[dict[str, object]] = []
        self.roles: dict[str, str] = {}
        self.titles: dict[str, str] = {}
        self.notes: dict[str, list[str]] = {}
        self.disclaimer: str | None = None

    def add(self, rule: Rule, clause: Clause, strength: float) -> None:
        why = f"Proposed because {clause.label} reads as a rule on {rule.title.lower()}"
        why += f" (link strength {strength:.2f}). Check the wording against the clause."
        if not clause.titled and rule.title not in self.titles.values():
            self.titles.setdefault(clause.id, rule.title)
        if rule.handling == "reminder":
            item = f"{rule.topic}"
            self.reminders.append({"id": item, "text": _quotable(clause), "clauses": [clause.id]})
            self.notes[f"reminder:{item}"] = [why]
            return
        qid = rule.topic.replace("-", "_")
        help_text = f"{_cap(clause.label)} says: “{_quotable(clause)}”"
        question: dict[str, object] = {
            "id": qid,
            "text": rule.question.format(employer=self.employer),
            "help": help_text,
            "clauses": [clause.id],
        }
        approvers = _approvers(clause.text)
        if approvers and rule.handling == "question":
            follow_up = f"{qid}_authorized"
            question |= {"if_yes": follow_up, "if_no": None}
            who = _join([self._role(role) for role in approvers])
            self.questions.append(question)
            self.questions.append(
                {
                    "id": follow_up,
                    "text": f"Has {who} already authorized it?",
                    "help": help_text,
                    "clauses": [clause.id],
                    "if_yes": {"add": [f"{rule.topic}-authorized"]},
                    "if_no": {"add": [f"{rule.topic}-needs-authorization"]},
                }
            )
            self.outcomes.append(
                {
                    "id": f"{rule.topic}-authorized",
                    "verdict": "ok",
                    "text": f"{_cap(who)} authorized it, as {clause.label} asks.",
                    "clauses": [clause.id],
                }
            )
            self.outcomes.append(
                {
                    "id": f"{rule.topic}-needs-authorization",
                    "verdict": "needs_authorization",
                    "approvers": list(approvers),
                    "text": f"{clause.label.capitalize()} asks for authorization from {who} "
                    "first. Get it before you post.",
                    "clauses": [clause.id],
                }
            )
            self.notes[f"question:{qid}"] = [
                why,
                f"{clause.label} names who authorizes ({who}), so a follow-up question asks "
                "whether they have.",
            ]
            return
        outcome = self._outcome(rule, clause, why)
        question |= {"if_yes": {"add": [outcome]}, "if_no": None}
        self.questions.append(question)
        self.notes[f"question:{qid}"] = [why]

    def _outcome(self, rule: Rule, clause: Clause, why: str) -> str:
        outcome_id = rule.topic
        verdict = rule.verdict
        text = rule.outcome.format(employer=self.employer)
        if rule.handling == "disclaimer":
            quoted = _QUOTE.search(clause.text)
            if quoted:
                self.disclaimer = re.sub(r"\[(\w)\]", lambda m: m.group(1).upper(), quoted[1])
            else:
                self.disclaimer = (
                    f"The opinions expressed here are my own and do not represent {self.employer}."
                )
                self.notes.setdefault("outcome:disclaimer", []).append(
                    f"{clause.label} gives no wording for the disclaimer: check the one above."
                )
        elif not negations(clause.text) and not re.search(r"\b(?:refrain|avoid)", clause.text):
            self.notes.setdefault(f"outcome:{outcome_id}", []).append(
                f"{clause.label} does not forbid this in so many words: choose the verdict "
                "(ok, ok_with_disclaimer, needs_authorization, do_not_post) it calls for."
            )
        self.outcomes.append(
            {"id": outcome_id, "verdict": verdict, "text": text, "clauses": [clause.id]}
        )
        self.notes.setdefault(f"outcome:{outcome_id}", []).insert(0, why)
        return outcome_id

    def _role(self, role: str) -> str:
        name = _ROLE_NAMES[role].format(employer=self.employer)
        self.roles[role] = name
        return name

    def finish(self) -> Proposal:
        if not self.questions:  # nothing linked: one question to start from
            first = self.policy.clauses[0]
            self.questions.append(
                {
                    "id": "about_work",
                    "text": f"Is the post related to {self.employer} or the work you do?",
                    "help": f"{_cap(first.label)} says: “{_quotable(first)}”",
                    "clauses": [first.id],
                    "if_yes": None,
                    "if_no": None,
                }
            )
            self.notes["question:about_work"] = [
                "No clause reads as one of the usual rules, so this is only a start: write the "
                "questions the policy calls for."
            ]
        for index, question in enumerate(self.questions):
            following = self._next_after(index)
            for answer in ("if_yes", "if_no"):
                branch = question[answer]
                if branch is None:
                    question[answer] = following
                elif isinstance(branch, dict):
                    question[answer] = {"next": following, **branch}
        default_clause = self._default_clause()
        self.outcomes.insert(
            0,
            {
                "id": "ok-personal",
                "verdict": "ok",
                "text": "Nothing in your answers goes against the policy.",
                "clauses": [default_clause.id],
            },
        )
        data: dict[str, object] = {
            "policy": self.policy.id,
            "title": f"Can I post this? ({self.policy.title})",
            "start": self.questions[0]["id"],
            "default_outcome": "ok-personal",
            "questions": self.questions,
            "outcomes": self.outcomes,
            "reminders": self.reminders,
        }
        if self.disclaimer:
            data["disclaimer"] = self.disclaimer
        if self.roles:
            data["roles"] = self.roles
        if self.titles:
            data["titles"] = self.titles
        checklist = checklist_from_data(
            data, f"proposal for {self.policy.id}", self.policy.clause_ids
        )
        cited = checklist.cited_clauses()
        uncovered = tuple(c.label for c in self.policy.clauses if c.id not in cited)
        header = [
            f"PROPOSED checklist for the {self.policy.title}, version {self.policy.version}.",
            "Written by PolicyBot from the policy's clauses: it is NOT live. Review every item",
            "(the comments say why each was proposed), change what does not fit, then publish:",
            f"  policybot checklist publish FILE --policy {self.policy.id}",
            "or press Publish on the dashboard's Checklist page.",
        ]
        if uncovered:
            header.append("No item cites: " + ", ".join(uncovered) + " (add one if they matter).")
        return Proposal(checklist, self.notes, tuple(header), uncovered)

    def _next_after(self, index: int) -> str:
        """The next rule's first question (a question's own follow-up is not next after it)."""
        own_follow_up = f"{self.questions[index]['id']}_authorized"
        for question in self.questions[index + 1 :]:
            if question["id"] != own_follow_up:
                return str(question["id"])
        return "end"

    def _default_clause(self) -> Clause:
        for clause in self.policy.clauses:
            text = clause.text.lower()
            if "right" in text or "personal" in text:
                return clause
        return self.policy.clauses[0]


def _approvers(text: str) -> tuple[str, ...]:
    """The roles a clause says must authorize, in the order it names them.

    A role counts when it is named in the same sentence part as the authorization word, just
    before ("unless their supervisor approves") or after it ("with the permission of the
    department director").
    """
    found: dict[str, int] = {}
    for match in _AUTHORIZATION.finditer(text):
        before = re.split(r"[.;:]", text[max(0, match.start() - _ROLE_WINDOW) : match.start()])
        after = re.split(r"[.;:]", text[match.end() : match.end() + _ROLE_WINDOW], maxsplit=1)
        window = f"{before[-1]} {match.group(0)} {after[0]}".lower()
        window = re.sub(r"\b(?:city|county|town|village) manager", " ", window)
        for role, names in _ROLE_WORDS:
            positions = [window.find(name) for name in names if name in window]
            if positions and role not in found:
                found[role] = match.start() * 1000 + min(positions)
    return tuple(sorted(found, key=found.__getitem__))


def _contains(stems: Sequence[str], phrase: tuple[str, ...]) -> bool:
    width = len(phrase)
    return any(tuple(stems[i : i + width]) == phrase for i in range(len(stems) - width + 1))


def _quotable(clause: Clause, max_words: int = 60) -> str:
    """The clause's words to quote: all of it when short, else its first sentence(s)."""
    if len(clause.text.split()) <= max_words:
        return clause.text
    chosen: list[str] = []
    for sentence in sentences(clause.text):
        if chosen and len(" ".join([*chosen, sentence]).split()) > max_words:
            break
        chosen.append(sentence)
    return " ".join(chosen)


_EMPLOYER_IN_TITLE = re.compile(
    r"^((?:city|county|town|village|township|district|state)\s+of\s+[^,#:()]+?)"
    r"(?:\s+(?:social\s+media|personal\s+communications|policy)\b|[,#:(]|$)",
    re.IGNORECASE,
)


def _named_in_title(title: str) -> str | None:
    match = _EMPLOYER_IN_TITLE.match(title.strip())
    return match.group(1).strip() if match else None


def _employer(organization: str) -> str:
    name = organization.strip() or "your employer"
    if re.match(r"(?:city|county|town|village|state|school|district|township)\b", name, re.I):
        return f"the {name}"
    return name


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

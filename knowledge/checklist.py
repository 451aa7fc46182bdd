""" "Can I post this?" checklists: the YAML schema, loading with validation, and the engine.

Each policy keeps a ``checklist.yaml`` beside its text, written for HR to read and edit. It
holds yes/no questions (each citing the clauses behind it), where each answer leads (the next
question or ``end``) and which outcomes it adds, the outcomes with their verdicts, reminders
shown with every verdict, the disclaimer text, approver roles, and draft signals.

The engine is pure: given the answers so far (question id -> yes/no) it says which question
comes next, or, once the path ends, the verdict with every reason and its citations. Answers to
questions that are no longer on the path (the person went back and changed an earlier answer)
are ignored, so the caller can keep a flat answers mapping.

Schema (see the seed checklists for full examples)::

    policy: la-crosse                 # the policy id, same as the folder name
    title: Can I post this?
    start: at_work                    # optional; the first question by default
    disclaimer: The opinions ...      # text to copy, required if an outcome needs it
    default_outcome: ok-personal      # an ``ok`` outcome given when no answer added any
    roles:                            # approver roles -> how to name them to an employee
      supervisor: your supervisor or manager
    questions:
      - id: at_work
        text: Will you post this during work hours or on a City computer or phone?
        help: Why we ask (optional).
        clauses: [clause-5]
        if_yes: work_related          # shorthand for {next: work_related}
        if_no: {next: end, add: [ok-personal]}
    outcomes:
      - id: needs-supervisor
        verdict: needs_authorization  # ok | ok_with_disclaimer | needs_authorization | do_not_post
        approvers: [supervisor]       # required for needs_authorization, roles from ``roles``
        text: What the employee is told.
        clauses: [clause-5]
    reminders:
      - {id: liability, text: ..., clauses: [clause-6]}
    signals:                          # draft pre-check, see knowledge.draft_check
      - id: city-name
        meaning: What finding it in a draft suggests.
        clauses: [clause-3]
        patterns: [city of la crosse, "re:\\bla\\s*crosse\\b"]
        link_hosts: [lacrosse]        # optional: web addresses whose host contains a word
        suggests: {question: about_city, answer: yes}   # optional pre-answer
        about_the_poster: true        # optional: words about someone else ("my coworker was on
                                      # the clock") do not count, only the poster's own
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from knowledge.draft_patterns import DraftPattern, PatternError, compile_pattern
from knowledge.titles import check_title

_T = TypeVar("_T")

CHECKLIST_FILENAME = "checklist.yaml"
END = "end"
VERDICTS = ("ok", "ok_with_disclaimer", "needs_authorization", "do_not_post")
"""The four verdicts, from least to most severe."""

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
STALE_REFERENCE = re.compile(r"(?P<clause>[a-z0-9][a-z0-9_-]*)@v(?P<version>\d{1,6})")
"""A reference HR must review: the clause as an older version had it (``clause-11@v1``)."""
_ROLE = re.compile(r"^[a-z][a-z0-9_]*$")
_TOP_FIELDS = {
    "policy": True,
    "title": False,
    "start": False,
    "disclaimer": False,
    "default_outcome": True,
    "roles": False,
    "questions": True,
    "outcomes": True,
    "reminders": False,
    "signals": False,
    "titles": False,
}
_QUESTION_FIELDS = {
    "id": True,
    "text": True,
    "help": False,
    "clauses": True,
    "if_yes": True,
    "if_no": True,
}
_BRANCH_FIELDS = {"next": True, "add": False}
_OUTCOME_FIELDS = {"id": True, "verdict": True, "text": True, "clauses": True, "approvers": False}
_REMINDER_FIELDS = {"id": True, "text": True, "clauses": True}
_SIGNAL_FIELDS = {
    "id": True,
    "meaning": True,
    "clauses": True,
    "patterns": False,
    "link_hosts": False,
    "suggests": False,
    "about_the_poster": False,
}
_SUGGEST_FIELDS = {"question": True, "answer": True}


class ChecklistError(ValueError):
    """A checklist file that cannot be used. The message names the file and every problem."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        count = "a problem" if len(problems) == 1 else f"{len(problems)} problems"
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"Checklist {source} has {count}:\n{lines}")


@dataclass(frozen=True)
class Branch:
    """Where one answer leads: the next question id (``None`` at the end) and outcomes it adds.

    ``review`` names the items HR has set aside that this answer passes over (a question skipped,
    an outcome not given), so the verdict can say which part to ask HR about.
    """

    next: str | None
    add: tuple[str, ...] = ()
    review: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    """One yes/no question, in plain words, with why it is asked and the clauses behind it."""

    id: str
    text: str
    clauses: tuple[str, ...]
    if_yes: Branch
    if_no: Branch
    help: str | None = None

    def branch(self, answer: bool) -> Branch:
        """The branch taken for this answer."""
        return self.if_yes if answer else self.if_no


@dataclass(frozen=True)
class Finding:
    """A reason (an outcome with its verdict) or a reminder (``verdict`` is ``None``)."""

    id: str
    text: str
    clauses: tuple[str, ...]
    verdict: str | None = None
    approvers: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        data: dict[str, Any] = {"id": self.id, "text": self.text, "clauses": list(self.clauses)}
        if self.verdict is not None:
            data["verdict"] = self.verdict
        if self.approvers:
            data["approvers"] = list(self.approvers)
        return data


@dataclass(frozen=True)
class Verdict:
    """The end of a checklist walk: the most severe verdict and everything behind it.

    ``reasons`` are all outcomes reached, most severe first; ``disclaimer`` is the text to copy
    whenever a disclaimer outcome was reached (even if the verdict is more severe);
    ``approvers`` are the machine-readable roles whose authorization is still needed.
    """

    verdict: str
    reasons: tuple[Finding, ...]
    reminders: tuple[Finding, ...]
    disclaimer: str | None
    approvers: tuple[str, ...]
    summary: str
    under_review: tuple[str, ...] = ()  # what HR is updating that this walk could not check

    @property
    def authorizations(self) -> tuple[Finding, ...]:
        """The reasons that need someone's authorization, each with its roles and clauses."""
        return tuple(r for r in self.reasons if r.verdict == "needs_authorization")

    @property
    def clauses(self) -> tuple[str, ...]:
        """Every clause cited by the reasons, in order, without repeats."""
        return _unique(clause for reason in self.reasons for clause in reason.clauses)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output and for storing a finished check."""
        return {
            "verdict": self.verdict,
            "summary": self.summary,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "reminders": [reminder.to_dict() for reminder in self.reminders],
            "disclaimer": self.disclaimer,
            "approvers": list(self.approvers),
            "under_review": list(self.under_review),
        }


@dataclass(frozen=True)
class SignalSpec:
    """A draft signal as defined in the checklist; ``knowledge.draft_check`` scans for it."""

    id: str
    meaning: str
    clauses: tuple[str, ...]
    patterns: tuple[DraftPattern, ...] = ()
    link_hosts: tuple[str, ...] = ()
    question: str | None = None
    answer: bool | None = None
    about_the_poster: bool = False  # only the poster's own situation counts ("I'm on the clock")


@dataclass(frozen=True)
class _Walk:
    path: tuple[str, ...]
    added: tuple[str, ...]
    current: Question | None
    review: tuple[str, ...] = ()


@dataclass(frozen=True)
class Checklist:
    """A validated checklist for one policy, and the engine that walks it."""

    policy: str
    title: str
    source: str
    start: str
    questions: Mapping[str, Question]
    outcomes: Mapping[str, Finding]
    reminders: tuple[Finding, ...]
    default_outcome: str
    disclaimer: str | None = None
    roles: Mapping[str, str] = field(default_factory=dict)
    signals: tuple[SignalSpec, ...] = ()
    titles: Mapping[str, str] = field(default_factory=dict)  # clause id -> HR's short title
    # Set by knowledge.checklist_review on the checklist employees walk while HR reviews part
    # of it: what each set-aside item was (key -> plain words), and those skipped at the start.
    review_notes: Mapping[str, str] = field(default_factory=dict)
    start_review: tuple[str, ...] = ()
    _longest: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)

    def cited_clauses(self) -> frozenset[str]:
        """Every clause a question, outcome, reminder or signal of the checklist cites."""
        groups: list[Iterable[tuple[str, ...]]] = [
            (q.clauses for q in self.questions.values()),
            (o.clauses for o in self.outcomes.values()),
            (r.clauses for r in self.reminders),
            (s.clauses for s in self.signals),
        ]
        return frozenset(clause for group in groups for clauses in group for clause in clauses)

    def first_question(self) -> Question:
        """The question every check starts with."""
        return self.questions[self.start]

    def next_step(self, answers: Mapping[str, bool]) -> Question | Verdict:
        """The next question to ask, or the verdict once the path has ended.

        ``answers`` maps question ids to yes/no; answers off the current path are ignored.
        """
        walk = self._walk(answers)
        if walk.current is not None:
            return walk.current
        return self._verdict(walk.added, walk.review)

    def path(self, answers: Mapping[str, bool]) -> list[str]:
        """Ids of the answered questions on the current path, in the order they were asked.

        The last one is the question to go back to; the pending question is not included.
        """
        return list(self._walk(answers).path)

    def relevant_answers(self, answers: Mapping[str, bool]) -> dict[str, bool]:
        """Only the answers still on the path, so stale answers can be dropped from storage."""
        return {qid: bool(answers[qid]) for qid in self._walk(answers).path}

    def progress(self, answers: Mapping[str, bool]) -> tuple[int, int]:
        """(number of the current question, most questions the path can still have).

        For "question 3 of at most 7". Once finished, both numbers are the path length.
        """
        walk = self._walk(answers)
        done = len(walk.path)
        if walk.current is None:
            return done, done
        return done + 1, done + self._longest[walk.current.id]

    def to_listing(self) -> dict[str, list[dict[str, Any]]]:
        """Questions and outcomes as plain data, for ``policybot check --list --json``."""
        return {
            "questions": [
                {"id": q.id, "text": q.text, "clauses": list(q.clauses)}
                for q in self.questions.values()
            ],
            "outcomes": [
                {"id": o.id, "verdict": o.verdict, "clauses": list(o.clauses)}
                for o in self.outcomes.values()
            ],
        }

    def verdict_for(self, outcome_ids: Iterable[str]) -> Verdict:
        """The verdict for a set of reached outcomes (the default outcome when there are none)."""
        return self._verdict(tuple(outcome_ids))

    def _walk(self, answers: Mapping[str, bool]) -> _Walk:
        path: list[str] = []
        added: list[str] = []
        review: list[str] = list(self.start_review)
        current: Question | None = self.questions.get(self.start)
        while current is not None and current.id in answers:
            branch = current.branch(bool(answers[current.id]))
            path.append(current.id)
            added.extend(branch.add)
            review.extend(branch.review)
            current = None if branch.next is None else self.questions[branch.next]
        return _Walk(tuple(path), tuple(added), current, tuple(review))

    def _verdict(self, added: Sequence[str], review: Sequence[str] = ()) -> Verdict:
        ids = _unique(added) or (self.default_outcome,)
        reached = [self.outcomes[oid] for oid in ids]
        reasons = tuple(sorted(reached, key=lambda r: -_severity(r.verdict)))
        verdict = reasons[0].verdict or "ok"
        approvers = _unique(
            role for r in reasons if r.verdict == "needs_authorization" for role in r.approvers
        )
        wants_disclaimer = any(r.verdict == "ok_with_disclaimer" for r in reasons)
        return Verdict(
            verdict=verdict,
            reasons=reasons,
            reminders=self.reminders,
            disclaimer=self.disclaimer if wants_disclaimer else None,
            approvers=approvers,
            summary=self._summary(verdict, approvers, len(reasons)),
            under_review=_unique(self.review_notes.get(key, key) for key in review),
        )

    def _summary(self, verdict: str, approvers: Sequence[str], count: int) -> str:
        if verdict == "do_not_post":
            return f"Do not post this as it is: {_count(count)} below."
        if verdict == "needs_authorization":
            who = _join([self.roles.get(role, role) for role in approvers])
            return f"Not yet: this needs authorization from {who} first."
        if verdict == "ok_with_disclaimer":
            return "OK to post, with the disclaimer below."
        return "OK to post."


def load_checklist(path: str | Path, clause_ids: Collection[str]) -> Checklist:
    """Load and validate a checklist file against the clause ids of its policy.

    Raises ``ChecklistError`` naming the file and each problem (missing field, unknown clause,
    dangling reference, bad verdict, loop, unreachable question or outcome, bad pattern).
    """
    path = Path(path)
    source = str(path)
    data = _read_yaml(path)
    return _build(data, source, frozenset(clause_ids))


def checklist_from_data(data: Any, source: str, clause_ids: Collection[str]) -> Checklist:
    """Validate a checklist given as plain data (what a YAML file reads as), like a file."""
    return _build(data, source, frozenset(clause_ids))


class _Everything:
    def __contains__(self, _item: object) -> bool:
        return True


ANY_STALE: Container[str] = _Everything()
"""Pass as ``stale_ok`` to accept every stale reference (a stored checklist being read)."""


def parse_checklist(
    text: str, source: str, clause_ids: Collection[str], *, stale_ok: Container[str] = ()
) -> Checklist:
    """Validate a checklist HR sends as text (a file to publish, a dashboard form).

    Bounded before it is read: at most ``MAX_CHECKLIST_CHARS`` characters, no YAML anchors or
    aliases (a few bytes of them can stand for millions of items), at most ``MAX_DEPTH`` levels
    of nesting. Stale references (``clause-11@v1``) are refused unless listed in `stale_ok`:
    HR may leave an item that is already set aside as it is, not make a new one. Raises
    ``ChecklistError`` listing every problem.
    """
    return _build(_parse_yaml(text, source), source, frozenset(clause_ids), stale_ok)


def load_policy_checklist(policy_dir: str | Path, clause_ids: Collection[str]) -> Checklist:
    """Load ``checklist.yaml`` from a policy's folder; its ``policy`` must match the folder."""
    policy_dir = Path(policy_dir)
    checklist = load_checklist(policy_dir / CHECKLIST_FILENAME, clause_ids)
    if checklist.policy != policy_dir.name:
        raise ChecklistError(
            checklist.source,
            [
                f"field 'policy' is '{checklist.policy}' but the file is in the folder of "
                f"policy '{policy_dir.name}'"
            ],
        )
    return checklist


# --- reading -----------------------------------------------------------------------------


MAX_CHECKLIST_CHARS = 200_000  # the seed checklists are 12-15 KB
MAX_DEPTH = 12  # the schema nests 5 levels (questions, an item, a branch, its add list)


# libyaml's parser when PyYAML has it: the pure-Python one took about 300 ms for a 10 KB
# checklist on this machine, and every worker reads the checklist again after a publication.
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_OPENINGS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSINGS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


class _UniqueKeyLoader(_SAFE_LOADER):  # type: ignore[misc]
    """A safe YAML loader that refuses a field written twice (the second would silently win)."""


def _check_shape(text: str) -> None:
    """Refuse anchors and aliases, and nesting deeper than the schema has any use for, from the
    parser's events, before anything is built from them."""
    depth = 0
    for event in yaml.parse(text, Loader=_SAFE_LOADER):
        mark: Any = event.start_mark
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases ('&' and '*') are not used in a checklist", mark
            )
        if isinstance(event, _OPENINGS):
            depth += 1
            if depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"it nests deeper than {MAX_DEPTH} levels", mark
                )
        elif isinstance(event, _CLOSINGS):
            depth -= 1


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            line = key_node.start_mark.line + 1
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"the field '{key}' is written twice (line {line})",
                key_node.start_mark,
            )
        seen.add(key)
    mapping: dict[Any, Any] = loader.construct_mapping(node)
    return mapping


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path) -> Any:
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ChecklistError(source, ["the file does not exist"]) from None
    except (OSError, UnicodeDecodeError) as err:
        raise ChecklistError(source, [f"the file cannot be read: {err}"]) from None
    return _parse_yaml(text, source)


def _parse_yaml(text: str, source: str) -> Any:
    if len(text) > MAX_CHECKLIST_CHARS:
        raise ChecklistError(
            source,
            [
                f"it is {len(text):,} characters long; a checklist has at most "
                f"{MAX_CHECKLIST_CHARS:,}"
            ],
        )
    try:
        _check_shape(text)
        return yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.YAMLError as err:
        raise ChecklistError(source, [f"it is not valid YAML: {err}"]) from None
    except RecursionError:
        raise ChecklistError(source, ["it nests too deeply to be a checklist"]) from None


# --- building and validating -------------------------------------------------------------


class _Problems:
    """Collects problems so an HR editor sees all of them at once, not one per attempt."""

    def __init__(
        self, source: str, clause_ids: frozenset[str], stale_ok: Container[str] = ()
    ) -> None:
        self.source = source
        self.clause_ids = clause_ids
        self.stale_ok = stale_ok
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}" if where else message)

    def raise_if_any(self) -> None:
        if self.items:
            raise ChecklistError(self.source, self.items)


def _build(
    data: Any, source: str, clause_ids: frozenset[str], stale_ok: Container[str] = ()
) -> Checklist:
    problems = _Problems(source, clause_ids, stale_ok)
    if not isinstance(data, dict):
        problems.add("", "the file must be a set of fields (policy, questions, outcomes, ...)")
        problems.raise_if_any()
    _check_fields(problems, "", data, _TOP_FIELDS)
    questions = _parse_all(problems, data.get("questions"), "questions", _parse_question)
    outcomes = _parse_all(problems, data.get("outcomes"), "outcomes", _parse_outcome)
    reminders = _parse_all(problems, data.get("reminders", []), "reminders", _parse_reminder)
    signals = _parse_all(problems, data.get("signals", []), "signals", _parse_signal)
    roles = _parse_roles(problems, data.get("roles", {}))
    titles = _parse_titles(problems, data.get("titles", {}))
    policy = _text_field(problems, "", data, "policy")
    if isinstance(data.get("questions"), list) and not data["questions"]:
        problems.add("field 'questions'", "the checklist needs at least one question")
    problems.raise_if_any()
    checklist = Checklist(
        policy=policy,
        title=_optional_text(problems, "", data, "title") or "Can I post this?",
        source=source,
        start=str(data.get("start") or next(iter(questions), "")),
        questions=questions,
        outcomes=outcomes,
        reminders=tuple(reminders.values()),
        default_outcome=str(data.get("default_outcome")),
        disclaimer=_optional_text(problems, "", data, "disclaimer"),
        roles=roles,
        signals=tuple(signals.values()),
        titles=titles,
    )
    _check_references(problems, checklist)
    problems.raise_if_any()
    _check_graph(problems, checklist)
    problems.raise_if_any()
    object.__setattr__(checklist, "_longest", _longest_paths(checklist))
    return checklist


def _parse_all(
    problems: _Problems, items: Any, section: str, parse: Callable[[_Problems, str, Any], _T]
) -> dict[str, _T]:
    """Parse a list section (questions, outcomes, ...) into id -> item, flagging duplicates."""
    if items is None:
        return {}
    if not isinstance(items, list):
        problems.add(f"field '{section}'", "must be a list, each item starting with '- '")
        return {}
    parsed: dict[str, _T] = {}
    for index, item in enumerate(items, start=1):
        where = _item_where(section, index, item)
        if not isinstance(item, dict):
            problems.add(where, "must be a set of fields (id, text, ...)")
            continue
        result = parse(problems, where, item)
        item_id = item.get("id")
        if not isinstance(item_id, str) or not _ID.match(item_id):
            problems.add(where, "field 'id' must be lower-case letters, digits, '-' or '_'")
        elif item_id in parsed:
            problems.add(where, f"the id '{item_id}' is used twice in '{section}'")
        else:
            parsed[item_id] = result
    return parsed


def _item_where(section: str, index: int, item: Any) -> str:
    singular = section.rstrip("s")
    item_id = item.get("id") if isinstance(item, dict) else None
    if isinstance(item_id, str) and item_id:
        return f"{singular} '{item_id}'"
    return f"{singular} #{index}"


def _parse_question(problems: _Problems, where: str, item: dict[str, Any]) -> Question:
    _check_fields(problems, where, item, _QUESTION_FIELDS)
    return Question(
        id=str(item.get("id")),
        text=_text_field(problems, where, item, "text"),
        help=_optional_text(problems, where, item, "help"),
        clauses=_clauses(problems, where, item),
        if_yes=_branch(problems, where, item, "if_yes"),
        if_no=_branch(problems, where, item, "if_no"),
    )


def _parse_outcome(problems: _Problems, where: str, item: dict[str, Any]) -> Finding:
    _check_fields(problems, where, item, _OUTCOME_FIELDS)
    verdict = item.get("verdict")
    if "verdict" in item and verdict not in VERDICTS:
        problems.add(
            where,
            f"field 'verdict': '{verdict}' is not a verdict; use one of: " + ", ".join(VERDICTS),
        )
    return Finding(
        id=str(item.get("id")),
        text=_text_field(problems, where, item, "text"),
        clauses=_clauses(problems, where, item),
        verdict=str(verdict),
        approvers=_id_list(problems, where, item, "approvers", _ROLE),
    )


def _parse_reminder(problems: _Problems, where: str, item: dict[str, Any]) -> Finding:
    _check_fields(problems, where, item, _REMINDER_FIELDS)
    return Finding(
        id=str(item.get("id")),
        text=_text_field(problems, where, item, "text"),
        clauses=_clauses(problems, where, item),
    )


def _parse_signal(problems: _Problems, where: str, item: dict[str, Any]) -> SignalSpec:
    _check_fields(problems, where, item, _SIGNAL_FIELDS)
    patterns = _patterns(problems, where, item)
    hosts = tuple(
        h.lower().replace(" ", "") for h in _text_list(problems, where, item, "link_hosts")
    )
    if not patterns and not hosts:
        problems.add(where, "needs 'patterns' or 'link_hosts' (what to look for in a draft)")
    question, answer = _suggestion(problems, where, item.get("suggests"))
    return SignalSpec(
        id=str(item.get("id")),
        meaning=_text_field(problems, where, item, "meaning"),
        clauses=_clauses(problems, where, item),
        patterns=patterns,
        link_hosts=hosts,
        question=question,
        answer=answer,
        about_the_poster=_flag(problems, where, item, "about_the_poster"),
    )


def _flag(problems: _Problems, where: str, item: dict[str, Any], name: str) -> bool:
    value = item.get(name, False)
    if not isinstance(value, bool):
        problems.add(where, f"field '{name}' must be true or false")
        return False
    return value


def _patterns(problems: _Problems, where: str, item: dict[str, Any]) -> tuple[DraftPattern, ...]:
    compiled: list[DraftPattern] = []
    for raw in _text_list(problems, where, item, "patterns"):
        try:
            compiled.append(compile_pattern(raw))
        except PatternError as err:
            problems.add(where, f"pattern '{raw}': {err}")
    return tuple(compiled)


def _suggestion(problems: _Problems, where: str, value: Any) -> tuple[str | None, bool | None]:
    if value is None:
        return None, None
    if not isinstance(value, dict):
        problems.add(where, "field 'suggests' must be {question: <question id>, answer: yes|no}")
        return None, None
    _check_fields(problems, f"{where}, field 'suggests'", value, _SUGGEST_FIELDS)
    answer = _yes_no(value.get("answer"))
    if "answer" in value and answer is None:
        problems.add(where, f"field 'suggests.answer' must be yes or no, not '{value['answer']}'")
    question = value.get("question")
    return (question if isinstance(question, str) else None), answer


def _yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("yes", "no"):
        return value.strip().lower() == "yes"
    return None


def _parse_roles(problems: _Problems, value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        problems.add("field 'roles'", "must map each role id to how it is named to an employee")
        return {}
    roles: dict[str, str] = {}
    for role, label in value.items():
        if not isinstance(role, str) or not _ROLE.match(role):
            problems.add("field 'roles'", f"'{role}' must be lower-case letters, digits or '_'")
        elif not isinstance(label, str) or not label.strip():
            problems.add(f"role '{role}'", "needs a name, such as 'your supervisor'")
        else:
            roles[role] = label.strip()
    return roles


def _parse_titles(problems: _Problems, value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        problems.add("field 'titles'", "must map clause ids to short titles, like clause-9: Logos")
        return {}
    titles: dict[str, str] = {}
    for clause_id, title in value.items():
        where = f"title of '{clause_id}'"
        if not isinstance(clause_id, str) or clause_id not in problems.clause_ids:
            problems.add(where, f"'{clause_id}' is not a clause of this policy")
            continue
        try:
            titles[clause_id] = check_title(title if isinstance(title, str) else "")
        except ValueError as err:
            problems.add(where, str(err))
    return titles


def _check_fields(
    problems: _Problems, where: str, item: dict[str, Any], spec: Mapping[str, bool]
) -> None:
    for name, required in spec.items():
        if required and item.get(name) is None:
            problems.add(where, f"missing required field '{name}'")
    for name in item:
        if name not in spec:
            problems.add(where, f"unknown field '{name}'{_did_you_mean(str(name), spec)}")


def _did_you_mean(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _text_field(problems: _Problems, where: str, item: dict[str, Any], name: str) -> str:
    value = item.get(name)
    if value is None:
        return ""
    if not isinstance(value, str) or not value.strip():
        problems.add(
            where,
            f"field '{name}' must be text; put it in quotes if it is a word "
            "like yes, no, on or off",
        )
        return ""
    return " ".join(value.split())


def _optional_text(problems: _Problems, where: str, item: dict[str, Any], name: str) -> str | None:
    if name not in item:
        return None
    return _text_field(problems, where, item, name) or None


def _text_list(problems: _Problems, where: str, item: dict[str, Any], name: str) -> list[str]:
    value = item.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.add(where, f"field '{name}' must be a list of texts, like [a, b]")
        return []
    return list(value)


def _id_list(
    problems: _Problems, where: str, item: dict[str, Any], name: str, shape: re.Pattern[str]
) -> tuple[str, ...]:
    values = _text_list(problems, where, item, name)
    for value in values:
        if not shape.match(value):
            problems.add(where, f"field '{name}': '{value}' is not a valid id")
    return tuple(values)


def _clauses(problems: _Problems, where: str, item: dict[str, Any]) -> tuple[str, ...]:
    if "clauses" not in item:
        return ()
    clauses = _text_list(problems, where, item, "clauses")
    if not clauses and isinstance(item.get("clauses"), list):
        problems.add(where, "field 'clauses' must cite at least one clause")
    known = ", ".join(sorted(problems.clause_ids, key=_natural))
    for clause in clauses:
        if stale := STALE_REFERENCE.fullmatch(clause):
            if clause in problems.stale_ok:
                continue
            problems.add(
                where,
                f"field 'clauses': '{clause}' is {stale['clause']} as version "
                f"{stale['version']} had it, which the current version removed or reworded: "
                f"cite a clause of the current version instead ({known}), or delete this item",
            )
        elif clause not in problems.clause_ids:
            problems.add(
                where,
                f"field 'clauses': '{clause}' is not a clause of this policy "
                f"(its clauses are: {known})",
            )
    return tuple(clauses)


def _natural(text: str) -> tuple[str, int]:
    match = re.match(r"^(.*?)(\d+)$", text)
    return (match.group(1), int(match.group(2))) if match else (text, -1)


def _branch(problems: _Problems, where: str, item: dict[str, Any], name: str) -> Branch:
    value = item.get(name)
    if value is None:
        return Branch(None)
    if isinstance(value, str):
        return Branch(_target(value))
    if not isinstance(value, dict):
        problems.add(
            where,
            f"field '{name}' must be a question id, 'end', or "
            "{next: <question id or end>, add: [<outcome ids>]}",
        )
        return Branch(None)
    _check_fields(problems, f"{where}, field '{name}'", value, _BRANCH_FIELDS)
    target = value.get("next")
    if target is not None and not isinstance(target, str):
        problems.add(where, f"field '{name}.next' must be a question id or 'end'")
        target = None
    add = _text_list(problems, where, value, "add")
    return Branch(_target(target) if target else None, tuple(add))


def _target(value: str) -> str | None:
    return None if value == END else value


# --- cross-references and the shape of the question graph --------------------------------


def _check_references(problems: _Problems, checklist: Checklist) -> None:
    questions, outcomes = checklist.questions, checklist.outcomes
    if checklist.start not in questions:
        problems.add("field 'start'", f"'{checklist.start}' is not a question id")
    for question in questions.values():
        _check_branch_refs(problems, checklist, question, "if_yes", question.if_yes)
        _check_branch_refs(problems, checklist, question, "if_no", question.if_no)
    default = outcomes.get(checklist.default_outcome)
    if default is None:
        problems.add(
            "field 'default_outcome'", f"'{checklist.default_outcome}' is not an outcome id"
        )
    elif default.verdict != "ok":
        problems.add("field 'default_outcome'", "must be an outcome with verdict 'ok'")
    for outcome in outcomes.values():
        _check_outcome_refs(problems, checklist, outcome)
    for signal in checklist.signals:
        if signal.question is not None and signal.question not in questions:
            problems.add(
                f"signal '{signal.id}'",
                f"field 'suggests.question': '{signal.question}' is not a question id",
            )


def _check_branch_refs(
    problems: _Problems, checklist: Checklist, question: Question, name: str, branch: Branch
) -> None:
    where = f"question '{question.id}'"
    if branch.next is not None and branch.next not in checklist.questions:
        problems.add(
            where,
            f"field '{name}' leads to '{branch.next}', which is not a question "
            f"id (use a question id or '{END}')",
        )
    for outcome in branch.add:
        if outcome not in checklist.outcomes:
            problems.add(where, f"field '{name}' adds '{outcome}', which is not an outcome id")


def _check_outcome_refs(problems: _Problems, checklist: Checklist, outcome: Finding) -> None:
    where = f"outcome '{outcome.id}'"
    if outcome.verdict == "needs_authorization" and not outcome.approvers:
        problems.add(where, "verdict 'needs_authorization' needs 'approvers' (who authorizes)")
    if outcome.verdict != "needs_authorization" and outcome.approvers:
        problems.add(where, "only a 'needs_authorization' outcome can have 'approvers'")
    for role in outcome.approvers:
        if role not in checklist.roles:
            problems.add(where, f"field 'approvers': '{role}' is not listed under 'roles'")
    if outcome.verdict == "ok_with_disclaimer" and not checklist.disclaimer:
        problems.add(
            where,
            "verdict 'ok_with_disclaimer' needs the field 'disclaimer' (the "
            "text to copy) at the top of the file",
        )


def _check_graph(problems: _Problems, checklist: Checklist) -> None:
    loop = _find_loop(checklist)
    if loop:
        problems.add(
            "questions",
            "the questions go round in a loop: "
            + " -> ".join(loop)
            + f". Every answer must lead to a later question or to '{END}'",
        )
        return
    reachable = _reachable(checklist)
    for qid in checklist.questions:
        if qid not in reachable:
            problems.add(
                f"question '{qid}'",
                "can never be asked: no answer leads to it "
                f"(the checklist starts at '{checklist.start}')",
            )
    given = {oid for qid in reachable for b in _branches(checklist.questions[qid]) for oid in b.add}
    for oid in checklist.outcomes:
        if oid not in given and oid != checklist.default_outcome:
            problems.add(f"outcome '{oid}'", "is never given: no reachable answer adds it")


def _branches(question: Question) -> tuple[Branch, Branch]:
    return question.if_yes, question.if_no


def _successors(question: Question) -> list[str]:
    return [b.next for b in _branches(question) if b.next is not None]


def _find_loop(checklist: Checklist) -> list[str]:
    """A loop of question ids (first id repeated at the end), or [] when there is none."""
    state: dict[str, int] = {}  # 1 = on the current route, 2 = fully explored
    for root in checklist.questions:
        if state.get(root):
            continue
        state[root] = 1
        stack: list[tuple[str, list[str]]] = [(root, _successors(checklist.questions[root]))]
        while stack:
            qid, todo = stack[-1]
            if not todo:
                state[qid] = 2
                stack.pop()
                continue
            nxt = todo.pop()
            if state.get(nxt) == 1:
                route = [q for q, _ in stack]
                return [*route[route.index(nxt) :], nxt]
            if not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, _successors(checklist.questions[nxt])))
    return []


def _reachable(checklist: Checklist) -> set[str]:
    seen: set[str] = set()
    todo = [checklist.start]
    while todo:
        qid = todo.pop()
        if qid not in seen:
            seen.add(qid)
            todo.extend(_successors(checklist.questions[qid]))
    return seen


def _longest_paths(checklist: Checklist) -> dict[str, int]:
    """For each question, the most questions a path from there can still ask, itself included."""
    longest: dict[str, int] = {}
    for qid in reversed(_topological_order(checklist)):
        nexts = _successors(checklist.questions[qid])
        longest[qid] = 1 + max((longest[n] for n in nexts), default=0)
    return longest


def _topological_order(checklist: Checklist) -> list[str]:
    order: list[str] = []
    seen: set[str] = set()
    for root in checklist.questions:
        _visit(checklist, root, seen, order)
    order.reverse()
    return order


def _visit(checklist: Checklist, root: str, seen: set[str], order: list[str]) -> None:
    stack: list[tuple[str, list[str]]] = []
    if root not in seen:
        seen.add(root)
        stack.append((root, _successors(checklist.questions[root])))
    while stack:
        qid, todo = stack[-1]
        if not todo:
            order.append(qid)
            stack.pop()
            continue
        nxt = todo.pop()
        if nxt not in seen:
            seen.add(nxt)
            stack.append((nxt, _successors(checklist.questions[nxt])))


# --- small helpers -----------------------------------------------------------------------


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _severity(verdict: str | None) -> int:
    return VERDICTS.index(verdict) if verdict in VERDICTS else 0


def _count(count: int) -> str:
    return "see the reason" if count == 1 else f"see the {count} reasons"


def _join(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]

"""The "can I post this?" dialog: one question at a time, state kept in the database.

Answers are saved after every step, per person and conversation, so a restart of the bot resumes
where the person was. A finished checklist is recorded (verdict, answers, policy version, time)
without the draft text unless the person asks to keep it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.checklists import progress
from bot.messages import Button, Incoming, Reply
from bot.storage import memory
from bot.storage.database import Database
from knowledge.checklist import Checklist, Question, Verdict
from knowledge.draft_check import DISCLAIMER_NOTE, Signal, scan_draft, suggested_answers
from knowledge.models import Policy
from knowledge.yesno import read_answer

_FINISHED_DRAFT = "finished_checklist_draft"
RESUMED_AFTER = timedelta(minutes=30)  # a pause after which an answer is said to resume
BUTTON_COMMAND = re.compile(r"checklist (?P<question>[a-z0-9_-]+) (?P<word>yes|no|back|cancel)")
_VERDICT_LABELS = {
    "ok": "Fine to post",
    "ok_with_disclaimer": "Fine to post, with the disclaimer",
    "needs_authorization": "Needs authorization first",
    "do_not_post": "Do not post",
}


@dataclass(frozen=True)
class _State:
    answers: dict[str, bool]
    draft_text: str | None
    updated_at: datetime | None = None


class ChecklistDialog:
    """Walks a person through a policy's checklist, one saved step at a time."""

    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        hr_contact: Callable[[Policy], str] = lambda _policy: "HR",
    ) -> None:
        self.db = db
        self.clock = clock
        self.hr_contact = hr_contact  # whom a verdict sends people to for what HR is updating
        self._suggestions: dict[tuple[str, str], tuple[Checklist, dict[str, bool]]] = {}

    def _suggested_answers(self, checklist: Checklist, draft: str) -> dict[str, bool]:
        """The answers a draft suggests, read once per draft rather than at every question (and
        again when HR has published another checklist meanwhile)."""
        key = (checklist.policy, draft)
        cached = self._suggestions.get(key)
        if cached is None or cached[0] is not checklist:
            if len(self._suggestions) >= 256:
                self._suggestions.clear()
            cached = (checklist, suggested_answers(scan_draft(checklist, draft)))
            self._suggestions[key] = cached
        return cached[1]

    def keep_draft(self, message: Incoming) -> Reply:
        """Keep the draft post with the checklist just finished, because the person asked to."""
        finished = memory.forget(self.db, message, _FINISHED_DRAFT)
        if finished is None:
            return Reply(
                kind="error",
                text="There is no finished checklist with a draft to keep in this conversation.",
            )
        kept = progress.keep_checklist_draft(
            self.db,
            result_id=int(finished["result_id"]),
            person=message.person,
            draft_text=str(finished["draft"]),
        )
        text = (
            "Done: your draft is kept with this checklist's record."
            if kept
            else "Sorry, I could not find that checklist's record any more."
        )
        return Reply(kind="draft_kept", text=text)

    def active(self, message: Incoming) -> bool:
        """Whether this conversation has an unfinished checklist."""
        return self._load(message) is not None

    def start(
        self, message: Incoming, policy: Policy, checklist: Checklist, draft: str | None
    ) -> list[Reply]:
        """Begin (or begin again) a checklist, pre-reading the pasted draft if there is one."""
        replies = []
        if draft:
            signals = scan_draft(checklist, draft)
            replies.append(_signals_reply(policy, signals))
        self._save(message, policy, {}, draft or None)
        return [*replies, self._ask(policy, checklist, {}, draft or None)]

    def step(
        self, message: Incoming, policy: Policy, checklist: Checklist, text: str
    ) -> list[Reply] | None:
        """Take one answer or control word; None when the text is not for the checklist."""
        state = self._load(message)
        if state is None:
            return None
        command = text.strip().lower().rstrip(".!")
        if pressed := BUTTON_COMMAND.fullmatch(command):
            current = checklist.next_step(state.answers)
            if not isinstance(current, Question) or current.id != pressed["question"]:
                note = "That button belongs to a question already answered; here is where you are."
                return [self._ask(policy, checklist, state.answers, state.draft_text, note=note)]
            command = text = pressed["word"]
        if command in ("cancel", "stop"):
            progress.delete_checklist_draft(
                self.db, message.platform, message.person, message.conversation
            )
            return [
                Reply(
                    kind="checklist_cancelled",
                    text="Checklist cancelled. Nothing was recorded; type 'check' to start again.",
                )
            ]
        if command in ("restart", "start over"):
            return self.start(message, policy, checklist, state.draft_text)
        if command in ("back", "undo"):
            return [self._back(message, policy, checklist, state)]
        answer = read_answer(text)
        if answer is None:
            return None
        return [self._answer(message, policy, checklist, state, answer)]

    def resumed(self, message: Incoming, policy: Policy, checklist: Checklist) -> Reply | None:
        """The unfinished checklist, said as such (a new session finds it where it was left)."""
        row = progress.load_checklist_draft(
            self.db, message.platform, message.person, message.conversation
        )
        if row is None:
            return None
        since = f" from {row.updated_at:%Y-%m-%d %H:%M UTC}" if row.updated_at else ""
        number, _ = checklist.progress(row.answers)
        note = (
            f'You have an unfinished "can I post this?" checklist{since}. It goes on at '
            f"question {number}; answer it, or type 'cancel' to drop it."
        )
        return self._ask(policy, checklist, dict(row.answers), row.draft_text, note=note)

    def reminder(self, message: Incoming, policy: Policy, checklist: Checklist) -> Reply | None:
        """Re-ask the current question, after the person asked something else mid-checklist."""
        state = self._load(message)
        if state is None:
            return None
        return self._ask(policy, checklist, state.answers, state.draft_text, resumed=True)

    def _answer(
        self, message: Incoming, policy: Policy, checklist: Checklist, state: _State, answer: bool
    ) -> Reply:
        step = checklist.next_step(state.answers)
        if isinstance(step, Verdict):  # finished already: a stray yes/no
            return self._finish(message, policy, checklist, state)
        answers = checklist.relevant_answers({**state.answers, step.id: answer})
        following = checklist.next_step(answers)
        if isinstance(following, Verdict):
            return self._finish(message, policy, checklist, _State(answers, state.draft_text))
        self._save(message, policy, answers, state.draft_text)
        note = self._picked_up(checklist, state, step)
        return self._ask(policy, checklist, answers, state.draft_text, note=note)

    def _picked_up(self, checklist: Checklist, state: _State, answered: Question) -> str | None:
        """After a long pause (a restart, the next day), say the answer went to the
        unfinished checklist, and to which question."""
        if state.updated_at is None or self.clock() - state.updated_at < RESUMED_AFTER:
            return None
        number, _ = checklist.progress(state.answers)
        return (
            f"Picking up your unfinished checklist from {state.updated_at:%Y-%m-%d %H:%M UTC}: "
            f"your answer went to question {number} (\u201c{answered.text}\u201d)."
        )

    def _back(
        self, message: Incoming, policy: Policy, checklist: Checklist, state: _State
    ) -> Reply:
        path = checklist.path(state.answers)
        if not path:
            return self._ask(
                policy,
                checklist,
                {},
                state.draft_text,
                note="This is the first question; there is nothing to go back to.",
            )
        answers = {k: v for k, v in state.answers.items() if k != path[-1]}
        self._save(message, policy, answers, state.draft_text)
        return self._ask(policy, checklist, answers, state.draft_text)

    def _finish(
        self, message: Incoming, policy: Policy, checklist: Checklist, state: _State
    ) -> Reply:
        verdict = checklist.next_step(state.answers)
        assert isinstance(verdict, Verdict)
        result_id = progress.record_checklist_result(
            self.db,
            platform=message.platform,
            person=message.person,
            policy_id=policy.id,
            version=policy.version,
            verdict=verdict.verdict,
            answers=state.answers,
            reasons=[finding.id for finding in verdict.reasons],
            draft_text=None,
            now=self.clock(),
        )
        progress.delete_checklist_draft(
            self.db, message.platform, message.person, message.conversation
        )
        reply = verdict_reply(policy, verdict, self.hr_contact(policy))
        requests = tuple(
            Button(
                "Request authorization",
                f"request authorization {finding.id} check {result_id}",
                "primary",
            )
            for finding in verdict.authorizations
        )
        reply = replace(reply, buttons=(*requests[:1], *reply.buttons))
        if not state.draft_text:
            return reply
        memory.remember(
            self.db,
            message,
            _FINISHED_DRAFT,
            {"result_id": result_id, "draft": state.draft_text},
            self.clock(),
        )
        return replace(
            reply,
            text=reply.text + "\nYour draft was not kept with this record. Type 'keep draft' "
            "if you want it kept.",
            buttons=(*reply.buttons, Button("Keep my draft with this record", "keep draft")),
        )

    def _ask(
        self,
        policy: Policy,
        checklist: Checklist,
        answers: dict[str, bool],
        draft: str | None,
        *,
        resumed: bool = False,
        note: str | None = None,
    ) -> Reply:
        step = checklist.next_step(answers)
        if isinstance(step, Verdict):
            return verdict_reply(policy, step, self.hr_contact(policy))
        number, at_most = checklist.progress(answers)
        hint = _suggestion(step, self._suggested_answers(checklist, draft) if draft else {})
        lines = [note] if note else []
        if resumed:
            lines.append("Back to your checklist:")
        lines += [f"Question {number} of at most {at_most}: {step.text}"]
        if step.help:
            lines.append(f"Why I ask: {step.help}")
        if hint:
            lines.append(hint)
        lines.append(
            "Answer yes or no (or 'back', 'restart', 'cancel'; you can also ask a question)."
        )
        return Reply(
            kind="checklist_question",
            text="\n".join(lines),
            title=checklist.title,
            buttons=(
                Button("Yes", f"checklist {step.id} yes", "primary", typeable=False),
                Button("No", f"checklist {step.id} no", typeable=False),
                Button("Back", f"checklist {step.id} back", typeable=False),
                Button("Cancel", f"checklist {step.id} cancel", "danger", typeable=False),
            ),
            data={
                "policy": policy.id,
                "question": step.id,
                "number": number,
                "at_most": at_most,
                "clauses": list(step.clauses),
            },
        )

    def _load(self, message: Incoming) -> _State | None:
        row = progress.load_checklist_draft(
            self.db, message.platform, message.person, message.conversation
        )
        if row is None:
            return None
        return _State(dict(row.answers), row.draft_text, row.updated_at)

    def _save(
        self, message: Incoming, policy: Policy, answers: dict[str, bool], draft: str | None
    ) -> None:
        progress.save_checklist_draft(
            self.db,
            platform=message.platform,
            person=message.person,
            conversation=message.conversation,
            policy_id=policy.id,
            version=policy.version,
            answers=answers,
            draft_text=draft,
            now=self.clock(),
        )


def verdict_reply(policy: Policy, verdict: Verdict, hr_contact: str = "HR") -> Reply:
    """The verdict, every reason with its citation, the disclaimer to copy, and reminders.

    When the walk passed over items HR has set aside (the policy changed under them), the
    verdict says so and who to ask: it never cites a clause that is gone, nor claims more than
    it checked.
    """
    label = _VERDICT_LABELS.get(verdict.verdict, verdict.verdict)
    if verdict.under_review and verdict.verdict in ("ok", "ok_with_disclaimer"):
        label += " as far as I could check"
    lines = [f"Verdict: {label}.", verdict.summary, "Reasons:"]
    lines += [
        f"  - {finding.text} ({_cite(policy, finding.clauses)})" for finding in verdict.reasons
    ]
    if verdict.under_review:
        lines.append(
            f"HR is updating part of this checklist after version {policy.version} of the "
            "policy, so I could not check:"
        )
        lines += [f"  - {note}" for note in verdict.under_review]
        lines.append(f"Ask {hr_contact} about that before you post.")
    if verdict.disclaimer:
        lines += ["Disclaimer to copy into your post or profile:", f"  {verdict.disclaimer}"]
    if verdict.reminders:
        lines.append("Keep in mind:")
        lines += [
            f"  - {finding.text} ({_cite(policy, finding.clauses)})"
            for finding in verdict.reminders
        ]
    return Reply(
        kind="checklist_verdict",
        text="\n".join(lines),
        title=_VERDICT_LABELS.get(verdict.verdict),
        buttons=(Button("Check another post", "check"),),
        data={"policy": policy.id, "verdict": verdict.to_dict()},
    )


def _signals_reply(policy: Policy, signals: list[Signal]) -> Reply:
    if not signals:
        text = f"I read your draft and found nothing to flag. {DISCLAIMER_NOTE}"
    else:
        lines = ["In your draft I noticed:"]
        lines += [
            f"  - “{signal.matched}”: {signal.meaning.rstrip(' .;:')} "
            f"({_cite(policy, signal.clauses)})."
            for signal in signals
        ]
        lines.append(DISCLAIMER_NOTE)
        text = "\n".join(lines)
    return Reply(
        kind="draft_signals", text=text, data={"signals": [signal.id for signal in signals]}
    )


def _suggestion(question: Question, suggested: dict[str, bool]) -> str | None:
    if question.id not in suggested:
        return None
    answer = "yes" if suggested[question.id] else "no"
    return f"From your draft I would answer {answer}. Please confirm."


def _cite(policy: Policy, clause_ids: tuple[str, ...]) -> str:
    labels = [
        policy.clause(clause_id).label for clause_id in clause_ids if clause_id in policy.clause_ids
    ]
    return f"{policy.title}, {', '.join(labels)}" if labels else policy.title

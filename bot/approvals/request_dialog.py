"""Asking for an authorization in chat: one question at a time, answers kept in the database.

What, why, where, from when, until when; then a summary to confirm before anything is sent.
The half-filled request survives a restart; 'cancel' drops it; nothing is sent without a yes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from bot.approvals import authorizations
from bot.approvals.approvers import role_phrase
from bot.approvals.authorizations import AuthorizationError, RequestFields
from bot.approvals.wording import policy_citation
from bot.messages import Button, Incoming, Reply
from bot.people.directory import PersonInfo
from bot.storage.database import Database
from bot.storage.models import ChecklistResult, RequestDraft
from bot.storage.rows import is_row_id, utc, with_retry
from knowledge.checklist import Checklist, Finding
from knowledge.dates import in_words, read_date
from knowledge.models import Policy
from knowledge.yesno import read_answer

TEXT_STEPS = {
    "what": "What will you do on social media? For example: post the department's event "
    "photos on its Facebook page from my work computer.",
    "why": "Why is it needed for your work?",
    "place": "Where: which site or account, and on which equipment?",
    "starts_on": "From when? A date such as 'August 31', '8/31', 'today' or 'tomorrow'.",
    "ends_on": "Until when? The authorization ends on this date (at most a year from the "
    "start), such as 'end of August' or 'December 15'.",
}
STEP_ORDER = ("what", "why", "place", "starts_on", "ends_on", "confirm")


def authorization_outcomes(checklist: Checklist | None) -> list[Finding]:
    """The checklist outcomes that need someone's authorization (the kinds of request)."""
    if checklist is None:
        return []
    return [o for o in checklist.outcomes.values() if o.verdict == "needs_authorization"]


class RequestDialog:
    """Collects a request's fields, then submits it on the person's yes."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.clock = clock

    def active(self, message: Incoming) -> bool:
        return self._load(message) is not None

    def start(
        self,
        message: Incoming,
        person: PersonInfo,
        policy: Policy,
        checklist: Checklist | None,
        outcome_id: str | None,
        checklist_result: int | None,
    ) -> Reply:
        """Begin a request: pick its kind (the policy's reason), check approvers exist, ask."""
        kinds = authorization_outcomes(checklist)
        if not kinds:
            return _notice(
                f"The {policy.title} does not ask anyone to authorize a use, so "
                "there is nothing to request."
            )
        chosen = next((k for k in kinds if k.id == outcome_id), None)
        if chosen is None and len(kinds) == 1:
            chosen = kinds[0]
        if chosen is None:
            return _choose_kind(kinds)
        problem = authorizations.check_can_request(self.db, person, chosen.approvers)
        if problem:
            return _notice(
                f"I cannot take this request yet: {problem}. Please ask HR to "
                "update the staff list."
            )
        fields = {
            "outcome": chosen.id,
            "step": "what",
            "checklist_result": self._own_result(message, checklist_result),
        }
        self._save(message, policy.id, fields)
        who = " and ".join(role_phrase(role, "your") for role in chosen.approvers)
        return _ask(
            "what",
            note=f"This request goes to {who} ({policy_citation(policy, chosen.clauses)}). "
            "Type 'cancel' at any time to stop.",
        )

    def step(
        self,
        message: Incoming,
        person: PersonInfo | None,
        policy: Policy,
        checklist: Checklist | None,
        text: str,
    ) -> Reply:
        """Take the answer to the current question."""
        fields = self._load(message)
        assert fields is not None
        if text.strip().lower().rstrip(".!") in ("cancel", "stop"):
            self._delete(message)
            return Reply(kind="request_cancelled", text="Request cancelled; nothing was sent.")
        step = str(fields["step"])
        if step == "confirm":
            return self._confirm(message, person, policy, checklist, fields, text)
        value, problem = _parse(step, text, fields, utc(self.clock()).date())
        if problem:
            return _ask(step, note=problem)
        fields[step] = value
        fields["step"] = STEP_ORDER[STEP_ORDER.index(step) + 1]
        self._save(message, policy.id, fields)
        read_as = (
            f"I read that as {in_words(date.fromisoformat(value))}."
            if step in ("starts_on", "ends_on")
            else None
        )
        if fields["step"] == "confirm":
            return _summary(fields, note=read_as)
        return _ask(str(fields["step"]), note=read_as)

    def _confirm(
        self,
        message: Incoming,
        person: PersonInfo | None,
        policy: Policy,
        checklist: Checklist | None,
        fields: dict[str, Any],
        text: str,
    ) -> Reply:
        answer = read_answer(text)
        if answer is None:
            return _summary(fields, note="Please answer yes to send it, or no to drop it.")
        if not answer:
            self._delete(message)
            return Reply(kind="request_cancelled", text="Not sent. Nothing was recorded.")
        outcome = next(
            (k for k in authorization_outcomes(checklist) if k.id == fields["outcome"]), None
        )
        if person is None or outcome is None:
            self._delete(message)
            return _notice(
                "Sorry, I can no longer send this request (the staff list or the "
                "policy changed). Please start again."
            )
        request_fields = RequestFields(
            outcome_id=outcome.id,
            clauses=outcome.clauses,
            roles=outcome.approvers,
            what=fields["what"],
            why=fields["why"],
            place=fields["place"],
            starts_on=date.fromisoformat(fields["starts_on"]),
            ends_on=date.fromisoformat(fields["ends_on"]),
            checklist_result_id=fields.get("checklist_result"),
        )
        try:
            view = authorizations.submit(
                self.db,
                requester=person,
                policy_id=policy.id,
                version=policy.version,
                fields=request_fields,
                now=self.clock(),
            )
        except AuthorizationError as error:
            return _notice(str(error))  # the draft is kept: nothing the person typed is lost
        self._delete(message)
        approvers = ", ".join(
            f"{a.assigned_to} ({role_phrase(a.role, 'your')})" for a in view.approvals
        )
        return Reply(
            kind="request_sent",
            text=f"Sent: request #{view.id} is waiting for {approvers}. I'll tell you when "
            f"they decide; type 'status' to see where it stands, or 'withdraw {view.id}'.",
            buttons=(Button("Withdraw it", f"withdraw {view.id}", "danger"),),
            data={"request": view.id},
        )

    def _own_result(self, message: Incoming, result_id: int | None) -> int | None:
        """The checklist result to link, only if it is this person's own."""
        if result_id is None or not is_row_id(result_id):
            return None
        with self.db.session() as session:
            row = session.get(ChecklistResult, result_id)
            mine = row is not None and (row.platform, row.person) == (
                message.platform,
                message.person,
            )
            return result_id if mine else None

    def _load(self, message: Incoming) -> dict[str, Any] | None:
        with self.db.autocommit() as session:
            row = session.scalars(_query(message)).first()
            return dict(row.fields) if row else None

    def _save(self, message: Incoming, policy_id: str, fields: dict[str, Any]) -> None:
        now = utc(self.clock())

        def work(session: Any) -> None:
            row = session.scalars(_query(message)).first()
            if row is None:
                row = RequestDraft(
                    platform=message.platform,
                    person=message.person,
                    conversation=message.conversation,
                )
                session.add(row)
            row.policy_id, row.fields, row.updated_at = policy_id, dict(fields), now

        with_retry(self.db, work)

    def _delete(self, message: Incoming) -> None:
        with self.db.session() as session:
            session.execute(
                delete(RequestDraft).where(
                    RequestDraft.platform == message.platform,
                    RequestDraft.person == message.person,
                    RequestDraft.conversation == message.conversation,
                )
            )


def _query(message: Incoming) -> Any:
    return select(RequestDraft).where(
        RequestDraft.platform == message.platform,
        RequestDraft.person == message.person,
        RequestDraft.conversation == message.conversation,
    )


def _parse(step: str, text: str, fields: dict[str, Any], today: date) -> tuple[Any, str | None]:
    """The value of an answer, or why it is not one."""
    text = text.strip()
    if step in ("what", "why", "place"):
        if len(text) < 3:
            return None, "Please say a little more (a few words at least)."
        if len(text) > 500:
            return None, "Please keep it under 500 characters."
        return text, None
    after = date.fromisoformat(fields["starts_on"]) if step == "ends_on" else None
    reading = read_date(text, today, after)
    if reading.ambiguous:
        options = " or ".join(in_words(day) for day in reading.candidates)
        return None, (
            f"{text!r} could be {options}. Please write the month's name, such as 'August 31'."
        )
    day = reading.day
    if day is None:
        return None, (
            f"I couldn't read {text!r} as a date. Please write it like 'August 31', '8/31' "
            "or 2026-08-31."
        )
    if step == "starts_on" and day < today:
        return None, f"The start cannot be in the past ({in_words(day)} has gone by)."
    if step == "ends_on":
        start = date.fromisoformat(fields["starts_on"])
        if day < start:
            return None, f"The end must be on or after the start ({in_words(start)})."
        if day > start + timedelta(days=366):
            return None, "An authorization can last at most a year; ask again after that."
    return day.isoformat(), None


def _ask(step: str, note: str | None = None) -> Reply:
    lines = [note] if note else []
    lines.append(TEXT_STEPS[step])
    return Reply(
        kind="request_question",
        text="\n".join(lines),
        data={"step": step},
        buttons=(Button("Cancel", "cancel", "danger"),),
    )


def _summary(fields: dict[str, Any], note: str | None = None) -> Reply:
    lines = [note] if note else []
    lines += [
        "Please check your request:",
        f"What: {fields['what']}",
        f"Why: {fields['why']}",
        f"Where: {fields['place']}",
        f"From {fields['starts_on']} to {fields['ends_on']}",
        "Send it? (yes or no)",
    ]
    return Reply(
        kind="request_confirm",
        text="\n".join(lines),
        data={"step": "confirm"},
        buttons=(Button("Send it", "yes", "primary"), Button("Don't send", "no")),
    )


def _choose_kind(kinds: list[Finding]) -> Reply:
    lines = ["Which authorization do you need?"]
    lines += [f"  {n}. {kind.text}" for n, kind in enumerate(kinds, 1)]
    lines.append("Reply with the number, or press a choice.")
    return Reply(
        kind="request_kind",
        text="\n".join(lines),
        data={"menu": [f"request authorization {kind.id}" for kind in kinds]},
        buttons=tuple(
            Button(
                f"{n}. From {' and '.join(role_phrase(r, 'your') for r in k.approvers)}",
                f"request authorization {k.id}",
            )
            for n, k in enumerate(kinds, 1)
        ),
    )


def _notice(text: str) -> Reply:
    return Reply(kind="request_refused", text=text)

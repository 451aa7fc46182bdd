"""The chat commands of the authorization workflow and of HR's people management.

request authorization [KIND]     approve N [comment]      deny N [comment]
withdraw N                       inbox                    requests
role add NAME ROLE               role remove NAME ROLE    supervisor set NAME to NAME
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from bot.approvals import authorizations
from bot.approvals.approvers import role_phrase
from bot.approvals.authorizations import AuthorizationError, RequestView
from bot.approvals.request_dialog import RequestDialog
from bot.config import ROLES, normalize_role
from bot.conversation.usage import usage_reply
from bot.messages import Button, Incoming, Reply
from bot.people import directory
from bot.people.directory import PeopleError, PersonInfo
from bot.policies.library import Library
from bot.storage.database import Database

_REQUEST = re.compile(
    r"(?:request|ask for)(?: an?)? authori[sz]ation(?: (?P<kind>[a-z0-9-]+))?"
    r"(?: check (?P<result>\d+))?|request",
    re.IGNORECASE,
)
_DECIDE = re.compile(
    r"(?P<verb>approve|deny|reject) #?(?P<id>\d+)(?:[\s:,-]+(?P<comment>.+))?",
    re.IGNORECASE | re.DOTALL,
)
_WITHDRAW = re.compile(r"withdraw(?: request)? #?(?P<id>\d+)", re.IGNORECASE)
_ROLE = re.compile(r"role (?P<verb>add|remove) (?P<name>.+) (?P<role>\S+)", re.IGNORECASE)
_SUPERVISOR = re.compile(
    r"supervisor set (?P<name>.+?)(?: to | = | )(?P<supervisor>[^ ]+(?: [^ ]+)?)$",
    re.IGNORECASE,
)
_SUPERVISOR_TO = re.compile(
    r"supervisor set (?P<name>.+?) (?:to|=) (?P<supervisor>.+)", re.IGNORECASE
)
NOT_ON_STAFF_LIST = (
    "I don't have you in the staff list yet, so I don't know your supervisor or roles. "
    "Please ask HR to add you."
)


class ApprovalCommands:
    """Routes the workflow's commands; `handle` returns None for anything else."""

    def __init__(
        self,
        db: Database,
        library: Library,
        requests: RequestDialog,
        clock: Callable[[], datetime],
    ) -> None:
        self.db, self.library, self.requests, self.clock = db, library, requests, clock

    def me(self, message: Incoming) -> PersonInfo | None:
        """The person behind this message, if they are on the staff list."""
        return directory.person_on(self.db, message.platform, message.person, self.clock())

    def handle(self, message: Incoming, policy_id: str, text: str) -> list[Reply] | None:
        """The replies to a workflow command, or None when the text is not one."""
        handlers = (
            (_REQUEST, self._request),
            (_DECIDE, self._decide),
            (_WITHDRAW, self._withdraw),
            (_ROLE, self._role),
            (_SUPERVISOR_TO, self._supervisor),
            (_SUPERVISOR, self._supervisor),
        )
        for pattern, handler in handlers:
            if match := pattern.fullmatch(text.strip()):
                return [handler(message, policy_id, match)]
        command = text.strip().lower()
        if command in ("inbox", "approvals", "my approvals"):
            return [self._inbox(message)]
        if command in ("requests", "my requests"):
            return [self._mine(message)]
        usage = usage_reply(text)
        return [usage] if usage else None

    def _request(self, message: Incoming, policy_id: str, match: re.Match[str]) -> Reply:
        me = self.me(message)
        if me is None:
            return _refusal(NOT_ON_STAFF_LIST)
        result = int(match["result"]) if match["result"] else None
        return self.requests.start(
            message,
            me,
            self.library.policy(policy_id),
            self.library.checklist(policy_id),
            (match["kind"] or "").lower() or None,
            result,
        )

    def _decide(self, message: Incoming, _policy_id: str, match: re.Match[str]) -> Reply:
        me = self.me(message)
        if me is None:
            return _refusal(NOT_ON_STAFF_LIST)
        comment = (match["comment"] or "").strip() or None
        try:
            return authorizations.decide(
                self.db,
                actor=me,
                request_id=int(match["id"]),
                approve=match["verb"].lower() == "approve",
                comment=comment,
                now=self.clock(),
            )
        except AuthorizationError as error:
            return _refusal(str(error))

    def _withdraw(self, message: Incoming, _policy_id: str, match: re.Match[str]) -> Reply:
        me = self.me(message)
        if me is None:
            return _refusal(NOT_ON_STAFF_LIST)
        try:
            return authorizations.withdraw(
                self.db, actor=me, request_id=int(match["id"]), now=self.clock()
            )
        except AuthorizationError as error:
            return _refusal(str(error))

    def _role(self, message: Incoming, _policy_id: str, match: re.Match[str]) -> Reply:
        me = self.me(message)
        role = normalize_role(match["role"])
        if me is None or not me.has("hr"):
            return _refusal("Only HR can change people's roles and supervisors.")
        if role is None:
            return _refusal(f"{match['role']!r} is not a role. Roles are: {', '.join(ROLES)}.")
        change = directory.add_role if match["verb"].lower() == "add" else directory.remove_role
        try:
            text = change(self.db, actor=me, name=match["name"], role=role, now=self.clock())
        except PeopleError as error:
            return _refusal(str(error))
        return Reply(kind="people_changed", text=text)

    def _supervisor(self, message: Incoming, _policy_id: str, match: re.Match[str]) -> Reply:
        me = self.me(message)
        if me is None or not me.has("hr"):
            return _refusal("Only HR can change people's roles and supervisors.")
        try:
            text = directory.set_supervisor(
                self.db,
                actor=me,
                name=match["name"],
                supervisor_name=match["supervisor"],
                now=self.clock(),
            )
        except PeopleError as error:
            return _refusal(str(error))
        return Reply(kind="people_changed", text=text)

    def _inbox(self, message: Incoming) -> Reply:
        me = self.me(message)
        if me is None:
            return _refusal(NOT_ON_STAFF_LIST)
        waiting = authorizations.inbox(self.db, me)
        if not waiting:
            return Reply(kind="inbox", text="Nothing is waiting for your decision.")
        lines = [f"{len(waiting)} request(s) wait for your decision:"]
        buttons: list[Button] = []
        for view in waiting:
            lines.append(
                f"  #{view.id} {view.requester}: {view.what} "
                f"({view.starts_on.isoformat()} to {view.ends_on.isoformat()})"
            )
            buttons += [
                Button(f"Approve #{view.id}", f"approve {view.id}", "primary"),
                Button(f"Deny #{view.id}", f"deny {view.id}", "danger"),
            ]
        lines.append("Type 'approve N' or 'deny N', with a comment after it if you like.")
        return Reply(kind="inbox", text="\n".join(lines), buttons=tuple(buttons[:10]))

    def _mine(self, message: Incoming) -> Reply:
        me = self.me(message)
        if me is None:
            return _refusal(NOT_ON_STAFF_LIST)
        return Reply(
            kind="requests", text=requests_text(authorizations.requests_of(self.db, me.id))
        )


def requests_text(views: list[RequestView]) -> str:
    """A person's requests, each with its approvals and who decided them."""
    if not views:
        return "You have no authorization requests."
    lines = ["Your authorization requests:"]
    for view in views:
        lines.append(
            f"  #{view.id} {view.what}: {view.status} "
            f"({view.starts_on.isoformat()} to {view.ends_on.isoformat()})"
        )
        for approval in view.approvals:
            who = role_phrase(approval.role, "your")
            if approval.decision in ("approved", "denied") and approval.decided_at:
                comment = f" (\u201c{approval.comment}\u201d)" if approval.comment else ""
                lines.append(
                    f"      {who}: {approval.decision} by {approval.decided_by} on "
                    f"{approval.decided_at.strftime('%Y-%m-%d %H:%M UTC')}{comment}"
                )
            elif approval.decision is None:
                lines.append(f"      {who}: waiting for {approval.assigned_to}")
    return "\n".join(lines)


def _refusal(text: str) -> Reply:
    return Reply(kind="refused", text=text)

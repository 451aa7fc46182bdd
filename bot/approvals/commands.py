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
from bot.approvals.approvers import possessive, role_phrase
from bot.approvals.authorizations import AuthorizationError, RequestView
from bot.approvals.request_dialog import RequestDialog
from bot.commands import Audience, Command, Turn, pattern, words
from bot.config import ROLES, Config, normalize_role
from bot.messages import Button, Incoming, Reply
from bot.people import directory
from bot.people.directory import PeopleError, PersonInfo
from bot.people.scope import hr_scope
from bot.policies.library import Library
from bot.storage.database import Database

_REQUEST = re.compile(
    r"(?:request|ask for)(?: an?)? authori[sz]ation(?: (?P<kind>[a-z0-9-]+))?"
    r"(?: check (?P<result>\d+))?|request",
    re.IGNORECASE,
)
_APPROVE = pattern(r"(?P<verb>approve) #?(?P<id>\d+)(?:[\s:,-]+(?P<comment>.+))?")
_DENY = pattern(r"(?P<verb>deny|reject) #?(?P<id>\d+)[\s:,-]+(?P<comment>.*\w.*)")
_DENY_WITHOUT_REASON = pattern(r"(?:deny|reject) #?(?P<id>\d+)[\s.!:,-]*")
DENY_FORM = "deny N REASON, for example 'deny 3 the page is not a City account'"
_WITHDRAW = re.compile(r"withdraw(?: request)? #?(?P<id>\d+)", re.IGNORECASE)
_ROLE = re.compile(r"role (?P<verb>add|remove) (?P<name>.+) (?P<role>\S+)", re.IGNORECASE)
_SUPERVISOR = re.compile(
    r"supervisor set (?P<name>.+?)(?: to | = | )(?P<supervisor>[^ ]+(?: [^ ]+)?)$",
    re.IGNORECASE,
)
_SUPERVISOR_TO = re.compile(
    r"supervisor set (?P<name>.+?) (?:to|=) (?P<supervisor>.+)", re.IGNORECASE
)
ONLY_HR = "Only HR can change people's roles and supervisors."
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
        config: Config,
    ) -> None:
        self.db, self.library, self.requests, self.clock = db, library, requests, clock
        self.config = config

    def me(self, message: Incoming) -> PersonInfo | None:
        """The person behind this message, if they are on the staff list."""
        return directory.person_on(self.db, message.platform, message.person, self.clock())

    def commands(self) -> list[Command]:
        """The workflow's entries in the command table, in the order they are tried."""
        decide_form = "approve N [comment], N being the request's number (see 'inbox')"
        return [
            Command(
                _REQUEST,
                self._request,
                name="request",
                summary="ask for authorization to use social media for work",
                listed=Audience.REQUESTERS,
            ),
            Command(
                words("requests", "my requests"),
                lambda turn, _: self._mine(turn),
                name="requests",
                summary="see your requests and where they stand",
                listed=Audience.REQUESTERS,
            ),
            Command(
                words("inbox", "approvals", "my approvals"),
                lambda turn, _: self._inbox(turn),
                name="inbox",
                summary="the requests waiting for your decision",
                listed=Audience.APPROVERS,
            ),
            Command(
                _APPROVE,
                self._decide,
                name="approve N",
                summary="approve request N (add a comment after it if you like)",
                listed=Audience.APPROVERS,
                usage=pattern(r"approve(?:\s.*)?"),
                form=decide_form,
            ),
            Command(
                _DENY,
                self._decide,
                name="deny N REASON",
                summary="deny request N, with the reason after it",
                listed=Audience.APPROVERS,
                usage=pattern(r"(?:deny|reject)(?:\s.*)?"),
                form=DENY_FORM,
            ),
            Command(_DENY_WITHOUT_REASON, self._deny_without_reason),
            Command(
                _WITHDRAW,
                self._withdraw,
                usage=pattern(r"withdraw(?: request)?(?: #?\d.*)?"),
                form="withdraw N, N being your request's number (see 'requests')",
            ),
            Command(
                _ROLE,
                self._role,
                Audience.HR,
                "role add NAME ROLE",
                "give someone a role (role remove takes it back)",
                refusal=ONLY_HR,
                usage=pattern(r"role(?: (?:add|remove)(?: .*)?)?"),
                form="role add NAME ROLE or role remove NAME ROLE",
            ),
            Command(
                _SUPERVISOR_TO,
                self._supervisor,
                Audience.HR,
                "supervisor set NAME to NAME",
                "set who approves someone's requests",
                refusal=ONLY_HR,
                usage=pattern(r"supervisor set(?: .*)?"),
                form="supervisor set NAME to NAME",
            ),
            Command(_SUPERVISOR, self._supervisor, Audience.HR, refusal=ONLY_HR),
        ]

    def _request(self, turn: Turn, match: re.Match[str]) -> Reply:
        me = turn.me
        if me is None:
            return _refusal(NOT_ON_STAFF_LIST)
        result = int(match["result"]) if match["result"] else None
        return self.requests.start(
            turn.message,
            me,
            self.library.policy(turn.policy_id),
            self.library.checklist(turn.policy_id),
            (match["kind"] or "").lower() or None,
            result,
        )

    def _decide(self, turn: Turn, match: re.Match[str]) -> Reply:
        me = turn.me
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

    def _deny_without_reason(self, turn: Turn, match: re.Match[str]) -> Reply:
        """A denial must say why (the requester is told the reason): ask for it; the next
        message is taken as the reason."""
        number = match["id"]
        me = turn.me
        if me is None:
            return _refusal(NOT_ON_STAFF_LIST)
        problem = authorizations.why_cannot_decide(
            self.db, actor=me, request_id=int(number), now=self.clock()
        )
        if problem:
            return _refusal(problem)
        return Reply(
            kind="deny_reason",
            text=f"Why do you deny request #{number}? Type the reason; the person who asked will "
            f"see it. (Or 'cancel' to leave it undecided. In one go: {DENY_FORM}.)",
            buttons=(Button("Cancel", "cancel"),),
            data={"awaiting": f"deny {number}", "request": int(number)},
        )

    def _withdraw(self, turn: Turn, match: re.Match[str]) -> Reply:
        me = turn.me
        if me is None:
            return _refusal(NOT_ON_STAFF_LIST)
        try:
            return authorizations.withdraw(
                self.db, actor=me, request_id=int(match["id"]), now=self.clock()
            )
        except AuthorizationError as error:
            return _refusal(str(error))

    def _role(self, turn: Turn, match: re.Match[str]) -> Reply:
        me = turn.me
        if me is None or not me.has("hr"):  # the table checks too; roles are worth two checks
            return _refusal(ONLY_HR)
        role = normalize_role(match["role"])
        if role is None:
            return _refusal(f"{match['role']!r} is not a role. Roles are: {', '.join(ROLES)}.")
        change = directory.add_role if match["verb"].lower() == "add" else directory.remove_role
        within = hr_scope(self.config, me).people()  # only the people of HR's organization
        try:
            text = change(
                self.db, actor=me, within=within, name=match["name"], role=role, now=self.clock()
            )
        except PeopleError as error:
            return _refusal(str(error))
        return Reply(kind="people_changed", text=text)

    def _supervisor(self, turn: Turn, match: re.Match[str]) -> Reply:
        me = turn.me
        if me is None or not me.has("hr"):  # the table checks too; roles are worth two checks
            return _refusal(ONLY_HR)
        try:
            text = directory.set_supervisor(
                self.db,
                actor=me,
                within=hr_scope(self.config, me).people(),  # only HR's organization's people
                name=match["name"],
                supervisor_name=match["supervisor"],
                now=self.clock(),
            )
        except PeopleError as error:
            return _refusal(str(error))
        return Reply(kind="people_changed", text=text)

    def _inbox(self, turn: Turn) -> Reply:
        me = turn.me
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
        lines.append(
            "Type 'approve N' (a comment after it if you like) or 'deny N' with the reason "
            "after it."
        )
        return Reply(kind="inbox", text="\n".join(lines), buttons=tuple(buttons[:10]))

    def _mine(self, turn: Turn) -> Reply:
        me = turn.me
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
                escalated = (
                    f", {possessive(approval.escalated_from)} supervisor, to whom it was escalated,"
                    if approval.escalated_from
                    else ""
                )
                lines.append(
                    f"      {who}: {approval.decision} by {approval.decided_by}{escalated} on "
                    f"{approval.decided_at.strftime('%Y-%m-%d %H:%M UTC')}{comment}"
                )
            elif approval.decision is None:
                lines.append(f"      {approval.waiting_phrase('your')}: has not decided yet")
            else:
                lines.append(f"      {who}: no decision needed any more (request {view.status})")
    return "\n".join(lines)


def _refusal(text: str) -> Reply:
    return Reply(kind="refused", text=text)

"""The platform-neutral bot: one message in, replies out, the same on every platform."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import exc as sa_exc

from bot.acknowledgements import acks
from bot.approvals import authorizations
from bot.approvals.commands import ApprovalCommands, requests_text
from bot.approvals.request_dialog import RequestDialog, authorization_outcomes
from bot.checklists.dialog import BUTTON_COMMAND, ChecklistDialog
from bot.commands import Command, CommandTable, Turn, pattern, words
from bot.config import Config
from bot.conversation import feedback, unanswered
from bot.conversation.answers import (
    answer_reply,
    clause_reply,
    not_understood_reply,
    unknown_reply,
)
from bot.conversation.help import help_reply
from bot.conversation.underway import AWAITING, MENU, Underway, read_underway
from bot.hr_access.links import DashboardCommand
from bot.messages import Button, Incoming, Reply, shown_as_typed
from bot.people import organizations
from bot.policies.library import Library, UnknownPolicy
from bot.policies.reading import PolicyReader
from bot.publishing.announcements import change_lines
from bot.publishing.checklists import review_command
from bot.publishing.dialog import PublishDialog
from bot.publishing.publisher import MIN_WORDS as MIN_DOCUMENT_WORDS
from bot.publishing.publisher import compare_versions
from bot.storage import memory
from bot.storage.database import Database, StorageError
from knowledge.matcher import MatchResult, Outcome
from knowledge.models import Policy
from knowledge.smalltalk import Smalltalk, looks_like_question, smalltalk
from knowledge.text import clean_control, collapse_spaces
from knowledge.yesno import parse_yes_no

MAX_INPUT_CHARS = 2000
_CHECK = pattern(r"\s*/?check(?:list)?\s*(?:[:\-]\s*(?P<draft>.*))?")
_MENU = MENU  # the numbered choices last offered in the conversation
_LAST_ANSWER = "last_answer"  # the clause last quoted, for "that helped" typed in words
_ANYTHING = re.compile(r".+", re.DOTALL)
_NONE_OF_THESE = words(
    "none of these", "none of them", "none of the above", "neither", "neither of these", "none"
)
_CANCEL = words("cancel", "stop", "never mind", "nevermind")
_PICK = re.compile(r"(?:number |option |#)?(?P<number>\d{1,6})[.!)]*", re.IGNORECASE)
_FEEDBACK = pattern(r"feedback (?P<clause>[a-z0-9-]+) (?P<vote>yes|no)[.!]*")
_ACK_POLICY = pattern(r"(?:ack|acknowledge) (?P<policy>[a-z0-9-]+)[.!]*")
_CHANGES = pattern(r"(?:changes|what changed)(?: (?:in |to )?(?P<policy>[a-z0-9-]+))?\??[.!]*")
_ACK_WORDS = ("ack", "acknowledge", "i acknowledge", "acknowledged", "i have read the policy")
_CHECKLIST_GONE = Reply(
    kind="checklist_gone",
    text="That checklist is already finished or cancelled, so the button does nothing now. "
    "Type 'check' to start a new one.",
)
_DATABASE_DOWN = (StorageError, sa_exc.OperationalError, sa_exc.InterfaceError)
log = logging.getLogger("policybot.core")


def utc_now() -> datetime:
    return datetime.now(UTC)


class PolicyBot:
    """Routes a person's message to the command or answer it asks for."""

    def __init__(
        self,
        config: Config,
        db: Database,
        library: Library,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.config = config
        self.db = db
        self.library = library
        self.clock = clock
        self.checklists = ChecklistDialog(db, clock, lambda policy: self._hr_contact(policy.id))
        self.requests = RequestDialog(db, clock)
        self.approvals = ApprovalCommands(db, library, self.requests, clock, config)
        self.publishing = PublishDialog(db, library, config, clock)
        self.dashboard = DashboardCommand(config, db, clock)
        self.reader = PolicyReader(db, library, clock)
        self.commands = CommandTable(
            [
                *self._own_commands(),
                *self.reader.commands(),
                *self.approvals.commands(),
                self.publishing.command_entry(),
                review_command(library),
                self.dashboard.command_entry(),
                self._help_command(),
            ]
        )

    def handle(self, message: Incoming) -> list[Reply]:
        """Everything the bot says in response to one message; an apology if the database
        cannot be reached (each change is its own transaction, so what was recorded stays)."""
        try:
            return [shown_as_typed(reply) for reply in self._handle(message)]
        except _DATABASE_DOWN as error:
            log.warning("the database is unavailable: %s", error)
            return [records_unavailable()]

    def awaits_document(self, message: Incoming) -> bool:
        """Whether a file this person sends here would be read (their publication waits for
        it); adapters download files only then. False when the database cannot say."""
        try:
            return self.publishing.awaits_document(message, self.approvals.me(message))
        except _DATABASE_DOWN as error:
            log.warning("the database is unavailable: %s", error)
            return False

    def _handle(self, message: Incoming) -> list[Reply]:
        underway = read_underway(self.db, message)
        self.library.refresh(self.db, underway.library_signature)
        if underway.remembers and (
            message.attachments or len(message.text.split()) >= MIN_DOCUMENT_WORDS
        ):
            waiting = self.publishing.waiting(message)
            if waiting is not None and waiting.get("step") == "document":
                return [self.publishing.receive(message, self.approvals.me(message), waiting)]
        text = clean_input(message.text)
        if text is None:
            return [
                _notice(
                    "too_long",
                    f"That message is too long. Please ask in a sentence or "
                    f"two (at most {MAX_INPUT_CHARS:,} characters).",
                )
            ]
        if not text:
            return [
                _notice(
                    "empty",
                    "I didn't catch a question. Type a question about the "
                    "policy, or 'help' to see what I can do.",
                )
            ]
        try:
            policy_id = self._policy_id(message, underway.organization)
        except UnknownPolicy as error:
            return [_notice("error", f"Sorry, {error.args[0]}.")]
        replies = self._route(self._turn(message, policy_id, text), underway)
        self._remember_menu(message, replies)
        return replies

    def _remember_menu(self, message: Incoming, replies: list[Reply]) -> None:
        """Keep the numbered choices a reply offers, so the next message can pick by number,
        and the command a reply asks the next message to complete (a denial's reason)."""
        menus = [reply.data for reply in replies if isinstance(reply.data.get("menu"), list)]
        if menus:
            memory.remember(self.db, message, _MENU, dict(menus[-1]), self.clock())
        awaiting = [reply.data["awaiting"] for reply in replies if "awaiting" in reply.data]
        if awaiting:
            value = {"command": str(awaiting[-1])}
            memory.remember(self.db, message, AWAITING, value, self.clock())

    def _turn(self, message: Incoming, policy_id: str, text: str) -> Turn:
        return Turn(
            message,
            policy_id,
            text,
            whoami=lambda: self.approvals.me(message),
            asks_authorizations=lambda: bool(
                authorization_outcomes(self.library.checklist(policy_id))
            ),
        )

    def help_for(self, message: Incoming) -> Reply:
        """What this person can do with their policy (the welcome card shows it too)."""
        return self._help(self._turn(message, self.policy_for(message), "help"))

    def policy_for(self, message: Incoming) -> str:
        """The policy this person's messages are about: the one they chose, else their
        organization's, else the channel's, else the deployment's default."""
        return self._policy_id(message, self._organization_of(message))

    def resumed_checklist(self, message: Incoming) -> Reply | None:
        """The unfinished checklist of this conversation, said as such, if there is one (a new
        terminal session shows it before anything else)."""
        policy_id = self.policy_for(message)
        checklist = self.library.checklist(policy_id)
        if checklist is None or not self.checklists.active(message):
            return None
        return self.checklists.resumed(message, self.library.policy(policy_id), checklist)

    def _route(self, turn: Turn, underway: Underway) -> list[Reply]:
        """The dialog under way takes the message first; then the commands; then an answer."""
        message, policy_id = turn.message, turn.policy_id
        if underway.awaiting and (pending := memory.forget(self.db, message, AWAITING)):
            completed = self._complete(turn, str(pending["command"]))
            if completed is not None:
                return completed
        if underway.request_draft and self.requests.active(message):
            return [
                self.requests.step(
                    message,
                    turn.me,
                    self.library.policy(policy_id),
                    self.library.checklist(policy_id),
                    turn.text,
                )
            ]
        found = self.commands.find(turn.text)
        if found is not None and found[0].interrupts:
            return self.commands.run(turn) or []
        if underway.checklist_draft and self.checklists.active(message):
            return self._checklist_turn(turn, underway)
        return self._dispatch(turn, underway)

    def _complete(self, turn: Turn, command: str) -> list[Reply] | None:
        """The message completes the command that asked for it ("deny 5" + the reason); None
        when the person typed a command instead (it runs as usual)."""
        if _CANCEL.fullmatch(turn.text.strip()):
            return [_notice("cancelled", f"OK: nothing was done ('{command}' was not sent).")]
        if self.commands.find(turn.text) is not None or turn.text.rstrip().endswith("?"):
            return None  # another command, or a question: it is answered as usual
        completed = Turn(
            turn.message,
            turn.policy_id,
            f"{command} {turn.text}",
            whoami=lambda: turn.me,
            asks_authorizations=lambda: turn.asks_authorizations,
        )
        return self.commands.run(completed) or []

    def _own_commands(self) -> list[Command]:
        """The conversation's own commands: the checklist, acknowledging, status, help."""
        return [
            Command(
                _CHECK,
                lambda turn, match: self.start_checklist(
                    turn.message, turn.policy_id, match["draft"]
                ),
                name="check",
                summary='walk the "can I post this?" checklist before you post',
                interrupts=True,
            ),
            Command(
                words("keep draft"),
                lambda turn, _: self.checklists.keep_draft(turn.message),
                interrupts=True,
            ),
            Command(BUTTON_COMMAND, lambda turn, _: _CHECKLIST_GONE),
            Command(
                words(*_ACK_WORDS),
                lambda turn, _: self.acknowledge(turn.message, turn.policy_id),
                name="ack",
                summary="acknowledge that you have read the current policy",
            ),
            Command(_ACK_POLICY, self._acknowledge_named),
            Command(
                words("status"),
                lambda turn, _: self.status(turn.message, turn.policy_id),
                name="status",
                summary="see what you have acknowledged and whether a new version awaits",
            ),
            Command(
                _CHANGES,
                lambda turn, match: self.changes((match["policy"] or turn.policy_id).lower()),
                name="changes",
                summary="see what changed in the newest version",
            ),
            Command(
                pattern(r"show (?P<clause>[a-z0-9-]+)[.!]*"),
                lambda turn, match: self._show(
                    turn.message, turn.policy_id, match["clause"].lower()
                ),
            ),
            Command(_NONE_OF_THESE, lambda turn, _: self._none_of_these(turn)),
            Command(
                _ANYTHING,
                lambda turn, _: self._feedback_in_words(turn),
                when=lambda text: smalltalk(text) in (Smalltalk.HELPFUL, Smalltalk.NOT_HELPFUL),
            ),
            Command(
                _ANYTHING,
                lambda turn, _: self._chitchat(turn),
                when=lambda text: smalltalk(text) in _CHITCHAT,
            ),
            Command(
                _FEEDBACK,
                lambda turn, match: self.feedback(
                    turn.message,
                    turn.policy_id,
                    match["clause"].lower(),
                    match["vote"].lower() == "yes",
                ),
                usage=pattern(r"feedback(?: \S+){0,2}"),
                form="feedback CLAUSE yes or feedback CLAUSE no",
            ),
        ]

    def _help_command(self) -> Command:
        return Command(
            words("help", "?", "/help", "menu"),
            lambda turn, _: self._help(turn),
            name="help",
            summary="show this list",
        )

    def _acknowledge_named(self, turn: Turn, match: re.Match[str]) -> Reply | None:
        policy_id = match["policy"].lower()
        if policy_id not in self.library.policy_ids:
            return None
        return self.acknowledge(turn.message, policy_id)

    def start_checklist(self, message: Incoming, policy_id: str, draft: str | None) -> list[Reply]:
        """Begin the "can I post this?" checklist, reading the pasted draft if any."""
        policy = self.library.policy(policy_id)
        checklist = self.library.checklist(policy_id)
        if checklist is None:
            return [self._no_checklist(policy)]
        return self.checklists.start(message, policy, checklist, (draft or "").strip() or None)

    def _no_checklist(self, policy: Policy) -> Reply:
        """Why there is no checklist to walk, and whom to ask meanwhile."""
        contact = self._hr_contact(policy.id)
        with self.db.session() as session:
            names = organizations.hr_names(session, self.config, policy.id)
        who = contact + (f" ({', '.join(names)})" if names else "")
        if self.library.checklist_state(policy.id).origin == "none":
            text = (
                f'HR has not published a "can I post this?" checklist for the {policy.title} '
                f"yet. Until they do, ask {who} before you post something you are unsure about; "
                "you can also ask me about the policy in your own words."
            )
        else:
            text = (
                f'HR is updating the "can I post this?" checklist after version '
                f"{policy.version} of the {policy.title}, so it is off for now. Until it is "
                f"back, ask {who} before you post; you can also ask me about the policy."
            )
        return Reply(kind="checklist_unavailable", text=text, data={"policy": policy.id})

    def _checklist_turn(self, turn: Turn, underway: Underway) -> list[Reply]:
        """An answer moves the checklist on; anything else is handled, then the question repeats."""
        message, text = turn.message, turn.text
        policy = self.library.policy(turn.policy_id)
        checklist = self.library.checklist(turn.policy_id)
        assert checklist is not None  # a checklist was started for this policy
        stepped = self.checklists.step(message, policy, checklist, text)
        if stepped is not None:
            return stepped
        if len(text.split()) < 2 and self.commands.find(text) is None:
            replies = [
                _notice(
                    "checklist_unclear",
                    f"Sorry, I didn't understand {text!r}. Please answer yes or no.",
                )
            ]
        else:
            replies = self._dispatch(turn, underway)
        reminder = self.checklists.reminder(message, policy, checklist)
        return [*replies, reminder] if reminder else replies

    def _dispatch(self, turn: Turn, underway: Underway) -> list[Reply]:
        """A command from the table; else a choice, a clause named outright, or an answer."""
        if (replies := self.commands.run(turn)) is not None:
            return replies
        message, policy_id, text = turn.message, turn.policy_id, turn.text
        command = text.lower().rstrip(".!")
        if picked := _PICK.fullmatch(command):
            offered = memory.recall(self.db, message, _MENU) if underway.menu else None
            if offered is None:
                return [_notice("no_menu", _NO_MENU)]
            return self._pick(turn, underway, offered, int(picked["number"]))
        if parse_yes_no(command) is not None and len(command.split()) <= 2:
            return [
                _notice(
                    "no_question_waiting",
                    "There is no question waiting for a yes or "
                    "no. Type 'check' to start the \"can I post this?\" checklist, or "
                    "ask me a question.",
                )
            ]
        if clause_id := self._named_clause(policy_id, command):
            return [self._show(message, policy_id, clause_id, question=text)]
        return [self.answer(message, policy_id, text, forget=underway.menu)]

    def _help(self, turn: Turn) -> Reply:
        return help_reply(self.library.policy(turn.policy_id), self.commands.help_lines(turn))

    def consult(self, policy_id: str, question: str, top_k: int | None = None) -> MatchResult:
        """Match a question against the policy; real questions it cannot answer are logged for
        HR (chit-chat, a stray word or number is not a question)."""
        result = self.library.matcher.ask(
            policy_id, question, top_k=top_k or self.config.matcher.top_k
        )
        if result.outcome is Outcome.UNKNOWN and looks_like_question(question):
            unanswered.log_unanswered(
                self.db,
                policy_id=policy_id,
                text=question,
                best_score=result.best_confidence,
                now=self.clock(),
            )
        return result

    def answer(
        self, message: Incoming, policy_id: str, question: str, *, forget: bool = True
    ) -> Reply:
        """Answer a question from the policy, offer a choice, or say it does not know.

        A choice offered before is forgotten (`forget` False: the caller knows there is none).
        """
        result = self.consult(policy_id, question)
        if forget:
            memory.forget(self.db, message, _MENU)
        if result.outcome is Outcome.UNKNOWN and not looks_like_question(question):
            return not_understood_reply(question)
        if result.outcome is Outcome.ANSWER:
            self._remember_answer(message, policy_id, result.matches[0].clause.id)
        return answer_reply(
            result,
            self.library.analyzer(policy_id),
            acknowledged=self._acknowledged(message, policy_id),
            hr_contact=self._hr_contact(policy_id),
        )

    def _hr_contact(self, policy_id: str) -> str:
        """Whom a policy's employees ask: its organization's contact, for a policy HR published
        under a new id too (app.yaml names only the policies it starts with)."""
        policy = self.library.policy(policy_id)
        return organizations.hr_contact_of(self.config, policy.id, policy.meta.organization)

    def _remember_answer(self, message: Incoming, policy_id: str, clause_id: str) -> None:
        if message.platform == "cli":  # `policybot ask` has no conversation to remember
            return
        value = {"policy_id": policy_id, "clause": clause_id}
        memory.keep(self.db, message, _LAST_ANSWER, value, self.clock())

    def acknowledge(self, message: Incoming, policy_id: str) -> Reply:
        """Record that the person has read the current version; harmless to repeat."""
        policy = self.library.policy(policy_id)
        result = acks.acknowledge(
            self.db,
            platform=message.platform,
            person=message.person,
            display_name=message.display_name,
            policy_id=policy.id,
            version=policy.version,
            sha256=policy.sha256,
            now=self.clock(),
        )
        when = result.acknowledged_at.strftime("%Y-%m-%d %H:%M UTC")
        if result.created:
            text = (
                f"Thank you. I recorded that you acknowledged the {policy.title}, "
                f"version {policy.version}, on {when}."
            )
        else:
            text = (
                f"You already acknowledged the {policy.title}, version {policy.version}, "
                f"on {when}. Nothing else to do."
            )
        return Reply(
            kind="ack",
            text=text,
            data={"policy": policy.id, "created": result.created, "version": policy.version},
        )

    def changes(self, policy_id: str) -> Reply:
        """What the current version changed from the one before, clause by clause."""
        try:
            policy = self.library.policy(policy_id)
        except UnknownPolicy as error:
            return _notice("error", f"Sorry, {error.args[0]}.")
        if policy.version == 1:
            return _notice(
                "changes", f"Version 1 is the first version of the {policy.title}; nothing changed."
            )
        diff = compare_versions(
            self.db, self.library, policy.id, policy.version - 1, policy.version
        )
        lines = "\n".join(change_lines(diff, limit=None))
        return Reply(
            kind="changes",
            title=f"{policy.title}: version {policy.version - 1} to {policy.version}",
            text=f"What changed in version {policy.version}: {diff.summary()}.\n{lines}",
            data={"policy": policy.id, "version": policy.version},
        )

    def feedback(self, message: Incoming, policy_id: str, clause_id: str, helpful: bool) -> Reply:
        """Record whether an answer quoting this clause helped; the latest vote counts."""
        policy = self.library.policy(policy_id)
        if clause_id not in policy.clause_ids:
            return _notice("error", f"The {policy.title} has no part called {clause_id!r}.")
        feedback.record_feedback(
            self.db,
            platform=message.platform,
            person=message.person,
            policy_id=policy.id,
            version=policy.version,
            clause_id=clause_id,
            helpful=helpful,
            now=self.clock(),
        )
        text = (
            "Thanks for telling me. I'm glad it helped."
            if helpful
            else "Thanks for telling me. HR reviews answers people found unhelpful; "
            f"for a direct answer, please ask {self._hr_contact(policy_id)}."
        )
        return Reply(
            kind="feedback",
            text=text,
            data={"policy": policy.id, "clause": clause_id, "helpful": helpful},
        )

    def status(self, message: Incoming, policy_id: str) -> Reply:
        """What the person has acknowledged, and whether a newer version awaits them."""
        policy = self.library.policy(policy_id)
        state = acks.ack_status(
            self.db, platform=message.platform, person=message.person, policy_id=policy.id
        )
        if state.acknowledged_version is None:
            text = (
                f"You have not acknowledged the {policy.title} yet (current version "
                f"{policy.version}). Type 'policy' to read it here, and 'ack' once you have "
                "read it."
            )
            buttons: tuple[Button, ...] = (
                Button("Read the policy", "policy"),
                Button("I acknowledge the policy", "ack", "primary"),
            )
        elif not state.up_to_date:
            text = (
                f"You acknowledged version {state.acknowledged_version}, but version "
                f"{state.current_version} of the {policy.title} is now current. Please read "
                "it ('policy', or 'changes' for what changed) and type 'ack' to acknowledge it."
            )
            buttons = (
                Button("Read the policy", "policy"),
                Button("I acknowledge the new version", "ack", "primary"),
            )
        else:
            assert state.acknowledged_at is not None
            text = (
                f"You're up to date: you acknowledged the {policy.title}, version "
                f"{state.acknowledged_version}, on "
                f"{state.acknowledged_at.strftime('%Y-%m-%d %H:%M UTC')}."
            )
            buttons = ()
        me = self.approvals.me(message)
        requests = authorizations.requests_of(self.db, me.id) if me else []
        if requests:
            text += "\n" + requests_text(requests)
        return Reply(
            kind="status",
            text=text,
            buttons=buttons,
            data={"policy": policy.id, "up_to_date": state.up_to_date},
        )

    def _named_clause(self, policy_id: str, text: str) -> str | None:
        """The clause a message names outright ("what does clause 9 say?"), if it names one."""
        policy = self.library.policy(policy_id)
        for clause in policy.clauses:
            if any(ch.isdigit() for ch in clause.label) and re.search(
                rf"\b{re.escape(clause.label)}\b", text, re.IGNORECASE
            ):
                return clause.id
        return None

    def _show(
        self, message: Incoming, policy_id: str, clause_id: str, question: str | None = None
    ) -> Reply:
        policy = self.library.policy(policy_id)
        if clause_id not in policy.clause_ids:
            return _notice("error", f"The {policy.title} has no part called {clause_id!r}.")
        pending = memory.forget(self.db, message, _MENU)
        question = question or (str(pending.get("question") or "") if pending else "")
        self._remember_answer(message, policy_id, clause_id)
        return clause_reply(
            policy,
            policy.clause(clause_id),
            question,
            self.library.analyzer(policy_id),
            acknowledged=self._acknowledged(message, policy_id),
        )

    def _pick(
        self, turn: Turn, underway: Underway, offered: dict[str, Any], number: int
    ) -> list[Reply]:
        """A number typed at a numbered menu: the choice it names, as if its command was typed."""
        commands = [str(command) for command in offered["menu"]]
        last = len(commands) + (1 if offered.get("none_of_these") else 0)
        if number == len(commands) + 1 and offered.get("none_of_these"):
            return [self._none_of_these(turn)]
        if not 1 <= number <= len(commands):
            return [_notice("error", f"Please pick a number from 1 to {last}.")]
        memory.forget(self.db, turn.message, _MENU)  # a choice is made once
        command = commands[number - 1]
        if command.startswith("show "):  # a "did you mean": quote it for the question asked
            policy_id = str(offered.get("policy") or turn.policy_id)
            question = str(offered.get("question") or "")
            shown = self._show(turn.message, policy_id, command.removeprefix("show "), question)
            return [shown]
        chosen = Turn(
            turn.message,
            turn.policy_id,
            command,
            whoami=lambda: turn.me,
            asks_authorizations=lambda: turn.asks_authorizations,
        )
        return self._dispatch(chosen, underway)

    def _none_of_these(self, turn: Turn) -> Reply:
        """ "None of these" at a "did you mean": the question goes to HR like an unanswered one."""
        offered = memory.forget(self.db, turn.message, _MENU)
        if offered is None or not offered.get("none_of_these"):
            return _notice("no_menu", _NO_MENU)
        policy_id = str(offered.get("policy") or turn.policy_id)
        question = str(offered.get("question") or "")
        if question:
            unanswered.log_unanswered(
                self.db,
                policy_id=policy_id,
                text=question,
                best_score=float(offered.get("best_score") or 0.0),
                now=self.clock(),
            )
        return unknown_reply(
            self.library.policy(policy_id),
            self._hr_contact(policy_id),
            lead="Sorry that none of those fit.",
        )

    def _feedback_in_words(self, turn: Turn) -> Reply:
        """ "That helped" or "that wasn't helpful": the same vote as the buttons, on the clause
        last quoted in this conversation."""
        helpful = smalltalk(turn.text) is Smalltalk.HELPFUL
        last = memory.recall(self.db, turn.message, _LAST_ANSWER)
        if last is None:
            return _notice(
                "feedback_nothing",
                "Thanks for telling me. I haven't quoted the policy in this conversation yet: "
                "ask me a question, then tell me whether the answer helped.",
            )
        return self.feedback(turn.message, str(last["policy_id"]), str(last["clause"]), helpful)

    def _chitchat(self, turn: Turn) -> Reply:
        """A greeting, thanks, goodbye, "ok", or keys a terminal typed as text: a kind word and
        what to do next; nothing is logged."""
        kind = smalltalk(turn.text)
        title = self.library.policy(turn.policy_id).title
        example = 'for example "can I post photos of my crew?"'
        texts = {
            Smalltalk.GREETING: f"Hello! I answer questions about the {title}. Ask me in your "
            f"own words, {example}, or type 'help' to see what else I can do.",
            Smalltalk.THANKS: "You're welcome. Ask me anything else about the policy whenever "
            "you like.",
            Smalltalk.GOODBYE: "Goodbye! Come back whenever you have a question about the policy.",
            Smalltalk.OKAY: "OK. Ask me anything else about the policy, or type 'help'.",
            Smalltalk.KEYS: "That looks like a key your terminal sent as text (an arrow key, "
            "perhaps), not a question. Type your question and press Enter, or type 'help'.",
        }
        assert kind is not None
        return _notice(kind.value, texts[kind])

    def _acknowledged(self, message: Incoming, policy_id: str) -> bool:
        state = acks.ack_status(
            self.db, platform=message.platform, person=message.person, policy_id=policy_id
        )
        return state.up_to_date

    def _policy_id(self, message: Incoming, organization: str | None) -> str:
        policy_id = (
            message.policy_id
            or self._organization_policy(organization)
            or message.default_policy_id
            or self.config.default_policy
        )
        self.library.policy(policy_id)  # raises UnknownPolicy with the known ids
        return policy_id

    def _organization_policy(self, organization: str | None) -> str | None:
        found = next((o for o in self.config.organizations if o.id == organization), None)
        return found.policy if found and found.policy in self.library.policy_ids else None

    def _organization_of(self, message: Incoming) -> str | None:
        return read_underway(self.db, message).organization


_CHITCHAT = frozenset(
    {Smalltalk.GREETING, Smalltalk.THANKS, Smalltalk.GOODBYE, Smalltalk.OKAY, Smalltalk.KEYS}
)
_NO_MENU = (
    "There is no list to pick from right now. Ask me a question about the policy, or type "
    "'help' to see what I can do."
)


def clean_input(text: str) -> str | None:
    """The message without control characters and extra spaces; None when it is far too long."""
    if len(text) > MAX_INPUT_CHARS * 4:
        return None
    cleaned = collapse_spaces(clean_control(text))
    if len(cleaned) > MAX_INPUT_CHARS:
        return None
    return cleaned if any(ch.isalnum() for ch in cleaned) or cleaned == "?" else ""


def records_unavailable() -> Reply:
    """The reply when the database cannot be reached: nothing was done, nothing was lost."""
    return _notice(
        "unavailable",
        "I can't reach my records right now, so I could not do that. Please try again in a "
        "minute; nothing you already did has been lost.",
    )


def _notice(kind: str, text: str) -> Reply:
    return Reply(kind=kind, text=text)

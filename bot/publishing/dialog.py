"""Publishing a policy version in chat: HR says `publish ID`, sends the file or pastes the text,
sees the preview and confirms.

The document waits in the conversation's memory (the database), so any worker can take the
confirmation, and it is compared with the current version again when confirmed: if someone
published meanwhile, HR is told instead of announcing a stale comparison.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.commands import Audience, Command
from bot.config import Config
from bot.messages import Attachment, Button, Incoming, Reply
from bot.people.directory import PersonInfo
from bot.people.scope import hr_scope
from bot.policies.library import Library, UnknownPolicy
from bot.publishing import publisher
from bot.publishing.draft import Draft
from bot.publishing.publisher import PublishError
from bot.storage import memory
from bot.storage.database import Database
from knowledge.documents import Document, DocumentError, read_document

KEY = "publish"
MAX_PASTED_CHARS = 200_000
COMMAND = re.compile(r"publish(?:\s+(?P<rest>.*))?", re.IGNORECASE | re.DOTALL)
_OPTION = re.compile(r"--(title|effective|note)\s+(\"[^\"]*\"|\S+)", re.IGNORECASE)
NOT_HR = "Only HR can publish policy versions. If the policy needs a change, please tell HR."


class PublishDialog:
    """HR's conversation to publish a version: the command, the document, the confirmation."""

    def __init__(
        self, db: Database, library: Library, config: Config, clock: Callable[[], datetime]
    ) -> None:
        self.db, self.library, self.config, self.clock = db, library, config, clock

    def waiting(self, message: Incoming) -> dict[str, Any] | None:
        """What a publication in this conversation is waiting for, if one is under way."""
        return memory.recall(self.db, message, KEY)

    def awaits_document(self, message: Incoming, me: PersonInfo | None) -> bool:
        """Whether this HR person's publication here waits for its document: the only time a
        file sent in chat is fetched."""
        if me is None or not me.has("hr"):
            return False
        state = self.waiting(message)
        return state is not None and state.get("step") == "document"

    def command_entry(self) -> Command:
        """`publish ...` in the command table: HR's alone."""
        return Command(
            COMMAND,
            lambda turn, match: self.command(turn.message, turn.me, match["rest"] or ""),
            Audience.HR,
            "publish ID",
            "publish a new version of a policy from a file",
            refusal=NOT_HR,
        )

    def command(self, message: Incoming, me: PersonInfo | None, rest: str) -> Reply:
        """`publish ID [--title T] [--effective D] [--note N]`, `publish confirm|cancel`."""
        if me is None or not me.has("hr"):  # the table checks too; publishing is worth two
            return Reply(kind="refused", text=NOT_HR)
        word = rest.strip().lower()
        if word in ("confirm", "yes"):
            return self._confirm(message, me)
        if word == "cancel":
            memory.forget(self.db, message, KEY)
            return Reply(kind="publish_cancelled", text="Cancelled. Nothing was published.")
        options = {key.lower(): value.strip('"') for key, value in _OPTION.findall(rest)}
        policy_id = _OPTION.sub("", rest).strip()
        if not policy_id:
            return Reply(
                kind="publish_help",
                text="Say which policy: 'publish la-crosse' (a new id creates a policy). "
                "Options: --title, --effective, --note.",
            )
        try:
            self._refuse_outside(me, policy_id.lower())
        except PublishError as error:
            return Reply(kind="refused", text=f"Sorry, {error}")
        state = {"policy_id": policy_id.lower(), "options": options, "step": "document"}
        memory.remember(self.db, message, KEY, state, self.clock())
        return Reply(
            kind="publish_waiting",
            text=f"Send the new version of {policy_id!r}: upload the file (.txt, .md, .html, "
            ".pdf or .docx) or paste its text. Type 'publish cancel' to stop.",
        )

    def receive(self, message: Incoming, me: PersonInfo | None, state: dict[str, Any]) -> Reply:
        """The document arrived (a file, or pasted text): show the preview and ask to confirm."""
        if me is None or not me.has("hr"):
            memory.forget(self.db, message, KEY)
            return Reply(kind="refused", text=NOT_HR)
        try:
            document = _document(message)
            draft = self._prepare(me, state, document)
        except (PublishError, DocumentError) as error:
            return Reply(
                kind="publish_refused",
                text=f"I can't publish that: {error}\nSend another file, or type 'publish cancel'.",
            )
        state = {
            **state,
            "step": "confirm",
            "document": {"name": document.name, "format": document.format, "text": document.text},
            "based_on": draft.based_on,
        }
        memory.remember(self.db, message, KEY, state, self.clock())
        return Reply(
            kind="publish_preview",
            title=f"Publish version {draft.number} of the {draft.title}?",
            text=publisher.preview_text(draft),
            buttons=(
                Button(f"Publish version {draft.number}", "publish confirm", "primary"),
                Button("Cancel", "publish cancel", "danger"),
            ),
            data={"policy": draft.policy_id, "version": draft.number},
        )

    def _confirm(self, message: Incoming, me: PersonInfo) -> Reply:
        state = memory.recall(self.db, message, KEY)
        if state is None or state.get("step") != "confirm":
            return Reply(
                kind="publish_nothing",
                text="There is nothing waiting to be published here. Start with "
                "'publish <policy id>'.",
            )
        stored = state["document"]
        document = Document(stored["name"], stored["format"], stored["text"])
        try:
            draft = self._prepare(me, state, document)
            if draft.based_on != state.get("based_on"):
                raise PublishError(
                    f"version {draft.based_on} was published while this one waited. Send the "
                    "document again to compare against it."
                )
            result = publisher.publish(
                self.db, self.library, draft, by=me.handle, by_person_id=me.id, now=self.clock()
            )
        except PublishError as error:
            memory.forget(self.db, message, KEY)
            return Reply(kind="publish_refused", text=f"Not published: {error}")
        memory.forget(self.db, message, KEY)
        return Reply(
            kind="published",
            text=publisher.outcome_text(result, draft),
            data={"policy": result.policy_id, "version": result.number},
        )

    def _refuse_outside(self, me: PersonInfo, policy_id: str) -> str | None:
        """PublishError if the policy is another organization's; for a new policy, the
        organization it will belong to (this HR person's), else None."""
        scope = hr_scope(self.config, me)
        try:
            policy = self.library.policy(policy_id)
        except UnknownPolicy:
            return scope.home
        if not scope.covers_policy(self.config, policy_id, policy.meta.organization):
            raise PublishError(
                f"the {policy.title} is another organization's policy, so you cannot publish "
                "it. Only its own organization's HR can."
            )
        return None

    def _prepare(self, me: PersonInfo, state: dict[str, Any], document: Document) -> Draft:
        options = state.get("options", {})
        policy_id = str(state["policy_id"])
        organization_id = self._refuse_outside(me, policy_id)  # checked again at each step
        return publisher.prepare(
            self.db,
            self.library,
            self.config,
            document,
            policy_id=policy_id,
            organization_id=organization_id,
            title=options.get("title"),
            effective=options.get("effective"),
            note=options.get("note"),
        )


def _document(message: Incoming) -> Document:
    """The uploaded file, or the pasted text as a text document."""
    files: tuple[Attachment, ...] = message.attachments
    if len(files) > 1:
        raise PublishError("please send one file at a time.")
    if files:
        return read_document(files[0].name, files[0].content)
    if len(message.text) > MAX_PASTED_CHARS:
        raise PublishError(f"the pasted text is longer than {MAX_PASTED_CHARS:,} characters.")
    return read_document("pasted text.txt", message.text.encode("utf-8"))

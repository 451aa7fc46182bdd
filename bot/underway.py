"""What a person has under way in a conversation, read in one statement as each message arrives.

Routing a message asks several questions of the database: is a request for authorization half
filled in, is a checklist unfinished, does the conversation remember a "did you mean" choice, has
HR published since the library was indexed? Most messages have nothing under way, and each of
those questions asked alone costs a statement; asked together they cost one. A message then
loads only what is actually there.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select

from bot.messages import Incoming
from bot.storage.database import Database
from bot.storage.models import ChecklistDraft, ConversationMemory, RequestDraft
from bot.versions import signature_columns


@dataclass(frozen=True)
class Underway:
    """A snapshot taken as the message arrived (nothing in one message writes before reading)."""

    library_signature: tuple[int | None, int | None]
    request_draft: bool
    checklist_draft: bool
    remembers: bool  # the conversation keeps something for its next message


def read_underway(db: Database, message: Incoming) -> Underway:
    """Everything the router needs to know before it routes, in one statement."""
    in_conversation = [
        (model.platform == message.platform)
        & (model.person == message.person)
        & (model.conversation == message.conversation)
        for model in (RequestDraft, ChecklistDraft, ConversationMemory)
    ]
    query = select(
        *signature_columns(),
        exists().where(in_conversation[0]),
        exists().where(in_conversation[1]),
        exists().where(in_conversation[2]),
    )
    with db.autocommit() as session:
        versions, phrasings, request, checklist, remembers = session.execute(query).one()
    return Underway((versions, phrasings), bool(request), bool(checklist), bool(remembers))

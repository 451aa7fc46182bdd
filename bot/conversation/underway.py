"""What a person has under way in a conversation, read in one statement as each message arrives.

Routing a message asks several questions of the database: is a request for authorization half
filled in, is a checklist unfinished, does the conversation remember a "did you mean" choice, has
HR published (a version, a phrasing, a checklist, a title) since the library was indexed, which
organization does the person work for (their policy follows it)? Most messages have nothing under
way, and each of those questions asked alone costs a statement; asked together they cost one. A
message then loads only what is actually there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, exists, select

from bot.messages import Incoming
from bot.policies.versions import Signature, signature_columns
from bot.storage.database import Database
from bot.storage.models import (
    ChecklistDraft,
    ConversationMemory,
    Person,
    PersonIdentity,
    RequestDraft,
)

AWAITING = "awaiting"  # memory key: the command the next message completes
MENU = "menu"  # memory key: the numbered choices last offered


@dataclass(frozen=True)
class Underway:
    """A snapshot taken as the message arrived (nothing in one message writes before reading)."""

    library_signature: Signature
    request_draft: bool
    checklist_draft: bool
    remembers: bool  # the conversation keeps something for its next message
    organization: str | None = None  # the person's organization on the staff list, if any
    awaiting: bool = False  # a command waits for this message to complete it (a reason)
    menu: bool = False  # numbered choices were offered (a number or a new question ends them)


def read_underway(db: Database, message: Incoming) -> Underway:
    """Everything the router needs to know before it routes, in one statement."""
    where = {
        "platform": message.platform,
        "person": message.person,
        "conversation": message.conversation,
    }
    with db.autocommit() as session:
        row = session.execute(_UNDERWAY, where).one()
    *library, request, checklist, remembers, organization, awaiting, menu = row
    return Underway(
        tuple(library),
        bool(request),
        bool(checklist),
        bool(remembers),
        organization,
        bool(awaiting),
        bool(menu),
    )


def _in_conversation(model: type[RequestDraft | ChecklistDraft | ConversationMemory]) -> Any:
    return (
        (model.platform == bindparam("platform"))
        & (model.person == bindparam("person"))
        & (model.conversation == bindparam("conversation"))
    )


# Built once: building and fingerprinting the statement cost more than running it.
_UNDERWAY = select(
    *signature_columns(),
    exists().where(_in_conversation(RequestDraft)),
    exists().where(_in_conversation(ChecklistDraft)),
    exists().where(_in_conversation(ConversationMemory)),
    select(Person.organization)
    .join(PersonIdentity, PersonIdentity.person_id == Person.id)
    .where(
        PersonIdentity.platform == bindparam("platform"),
        PersonIdentity.external_id == bindparam("person"),
    )
    .limit(1)
    .scalar_subquery(),
    exists().where(_in_conversation(ConversationMemory) & (ConversationMemory.key == AWAITING)),
    exists().where(_in_conversation(ConversationMemory) & (ConversationMemory.key == MENU)),
)

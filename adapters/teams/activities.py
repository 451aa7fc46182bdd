"""Inbound Teams activities (Bot Framework JSON) read into what the bot needs, or refused.

A message can be typed text (in a channel or group chat it starts with an @mention of the bot,
which is stripped) or an Adaptive Card's Action.Submit, whose data carries the command as
`{"policybot": "<command>"}`. Anything malformed raises MalformedActivity, answered with 400.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from adapters.teams.channel import Activity

HANDLED_TYPES = frozenset({"message", "conversationUpdate", "installationUpdate"})
MAX_ID_CHARS = 200
SUBMIT_KEY = "policybot"
_AT_TAG = re.compile(r"<at>(.*?)</at>", re.IGNORECASE | re.DOTALL)


class MalformedActivity(ValueError):
    """The request is not an activity the bot can act on; the message says what is wrong."""


@dataclass(frozen=True)
class Inbound:
    """One inbound activity, as the bot sees it."""

    type: str
    id: str | None
    person: str
    display_name: str | None
    conversation: str
    conversation_type: str  # "personal", "channel" or "groupChat"
    tenant: str | None
    text: str = ""
    card_kind: str | None = None  # the kind of reply whose card button was pressed
    reply_to_id: str | None = None
    unknown_submit: bool = False  # a card submit without PolicyBot's data
    welcome: bool = False  # the app was just installed here
    files: tuple[tuple[str, str], ...] = ()  # (name, download URL) of files sent in the chat

    @property
    def personal(self) -> bool:
        """A one-to-one chat with the bot."""
        return self.conversation_type == "personal"


FILE_INFO = "application/vnd.microsoft.teams.file.download.info"


def read_activity(body: Any) -> Inbound | None:
    """Check an inbound activity; None for a well-formed type the bot ignores (typing, ...)."""
    if not isinstance(body, dict):
        raise MalformedActivity("the body must be a JSON object (an activity)")
    kind = body.get("type")
    if not isinstance(kind, str) or not kind.strip():
        raise MalformedActivity("the activity has no 'type'")
    if kind not in HANDLED_TYPES:
        return None
    activity_id = _optional_text(body, "id")
    if kind == "message" and activity_id is None:
        raise MalformedActivity("a message activity needs an 'id'")
    _service_url(body)
    sender = _account(body, "from")
    bot = _account(body, "recipient")
    conversation = _account(body, "conversation")
    return Inbound(
        type=kind,
        id=activity_id,
        person=_person(sender),
        display_name=_text_or_none(sender.get("name")),
        conversation=conversation["id"],
        conversation_type=_text_or_none(conversation.get("conversationType")) or "personal",
        tenant=tenant_of(body),
        reply_to_id=_optional_text(body, "replyToId"),
        **(_message(body, bot["id"]) if kind == "message" else _install(body, bot["id"])),
    )


def tenant_of(body: Activity) -> str | None:
    """The Microsoft 365 tenant an activity comes from (channelData first, as Teams sends it)."""
    channel_data = body.get("channelData")
    if isinstance(channel_data, dict) and isinstance(channel_data.get("tenant"), dict):
        tenant = _text_or_none(channel_data["tenant"].get("id"))
        if tenant:
            return tenant
    conversation = body.get("conversation")
    return _text_or_none(conversation.get("tenantId")) if isinstance(conversation, dict) else None


def conversation_reference(body: Activity) -> dict[str, Any]:
    """Where to post to this person's conversation later, as Bot Framework JSON."""
    conversation = {
        key: body["conversation"][key]
        for key in ("id", "conversationType", "tenantId", "isGroup", "name")
        if key in body["conversation"]
    }
    tenant = tenant_of(body)
    if tenant:
        conversation["tenantId"] = tenant
    return {
        "channelId": body.get("channelId"),
        "serviceUrl": body["serviceUrl"],
        "conversation": conversation,
        "user": _plain_account(body["from"]),
        "bot": _plain_account(body["recipient"]),
    }


def strip_mentions(text: str, entities: Any, bot_id: str) -> str:
    """The message without the @mention of the bot; other mentions keep the person's name."""
    if isinstance(entities, list):
        for entity in entities:
            if (
                isinstance(entity, dict)
                and entity.get("type") == "mention"
                and isinstance(entity.get("mentioned"), dict)
                and entity["mentioned"].get("id") == bot_id
                and isinstance(entity.get("text"), str)
            ):
                text = text.replace(entity["text"], " ")
    text = _AT_TAG.sub(lambda match: match.group(1), text)
    return " ".join(html.unescape(text).split())


def _message(body: Activity, bot_id: str) -> dict[str, Any]:
    value = body.get("value")
    text = body.get("text")
    if text is not None and not isinstance(text, str):
        raise MalformedActivity("the message 'text' must be a string")
    if isinstance(value, dict) and isinstance(value.get(SUBMIT_KEY), str):
        card = value.get("card")
        return {"text": value[SUBMIT_KEY], "card_kind": card if isinstance(card, str) else None}
    files = _files(body.get("attachments"))
    if value is not None and not (text or "").strip() and not files:
        return {"unknown_submit": True}
    return {"text": strip_mentions(text or "", body.get("entities"), bot_id), "files": files}


def _files(attachments: Any) -> tuple[tuple[str, str], ...]:
    """Files uploaded in a personal chat: Teams sends a pre-authorized download URL for each."""
    if not isinstance(attachments, list):
        return ()
    found = []
    for attachment in attachments:
        if not isinstance(attachment, dict) or attachment.get("contentType") != FILE_INFO:
            continue
        content = attachment.get("content")
        url = content.get("downloadUrl") if isinstance(content, dict) else None
        name = attachment.get("name")
        if isinstance(url, str) and isinstance(name, str) and name.strip():
            found.append((name.strip()[:200], url))
    return tuple(found)


def _install(body: Activity, bot_id: str) -> dict[str, Any]:
    """Whether this update means the app was installed (for a person, a chat or a team)."""
    if body["type"] == "installationUpdate":
        return {}  # Teams sends conversationUpdate too; that one brings the welcome
    added = body.get("membersAdded")
    if not isinstance(added, list):
        return {}
    added_ids = {member.get("id") for member in added if isinstance(member, dict)}
    personal = body["conversation"].get("conversationType", "personal") == "personal"
    sender = body["from"].get("id")
    return {"welcome": bot_id in added_ids or (personal and sender in added_ids)}


def _person(account: dict[str, Any]) -> str:
    """The person's stable id: the Entra (AAD) object id when Teams sends it."""
    return _text_or_none(account.get("aadObjectId")) or account["id"]


def _account(body: Activity, key: str) -> dict[str, Any]:
    account = body.get(key)
    if not isinstance(account, dict) or not _text_or_none(account.get("id")):
        raise MalformedActivity(f"the activity needs '{key}' with an 'id'")
    if len(account["id"]) > 1000:
        raise MalformedActivity(f"'{key}.id' is too long")
    return account


def _plain_account(account: dict[str, Any]) -> dict[str, Any]:
    return {key: account[key] for key in ("id", "name", "aadObjectId") if key in account}


def _service_url(body: Activity) -> str:
    url = body.get("serviceUrl")
    try:
        parts = urlsplit(url) if isinstance(url, str) else None
        valid = parts is not None and parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        valid = False
    if not valid:
        raise MalformedActivity("the activity needs an http(s) 'serviceUrl' with a host")
    assert isinstance(url, str)
    return url


def _optional_text(body: Activity, key: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID_CHARS:
        raise MalformedActivity(f"'{key}' must be a string of 1 to {MAX_ID_CHARS} characters")
    return value


def _text_or_none(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None

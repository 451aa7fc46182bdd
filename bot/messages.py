"""Platform-neutral messages: what an adapter hands the core and what the core hands back.

Adapters translate their platform's events into `Incoming` and render `Reply` as Block Kit,
Adaptive Cards or terminal text. A button press is the same as typing its command, so every
path through the bot can be driven from the keyboard as well.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from knowledge.text import without_direction_controls


@dataclass(frozen=True)
class Attachment:
    """A file a person sent with their message (a policy document HR publishes)."""

    name: str
    content: bytes


@dataclass(frozen=True)
class Incoming:
    """One thing a person said or pressed, on one platform, in one conversation."""

    platform: str
    person: str
    conversation: str
    text: str
    display_name: str | None = None
    policy_id: str | None = None  # the policy the person chose (`chat --policy`): it wins
    attachments: tuple[Attachment, ...] = ()
    # The channel's policy (a Slack workspace's or a Teams tenant's organization), used for
    # someone whose own organization the staff list does not give.
    default_policy_id: str | None = None


@dataclass(frozen=True)
class Button:
    """A choice offered with a reply; pressing it sends `command` as if typed."""

    label: str
    command: str
    style: str = "default"  # "default", "primary" or "danger"
    typeable: bool = True  # False when the command is meant for buttons only (not suggested)


@dataclass(frozen=True)
class Quote:
    """A quoted clause: its sentences in the policy's order, which of them answer the question
    (`marked`, indexes into `sentences`), its citation and version."""

    sentences: tuple[str, ...]
    citation: str
    version: int
    clause_title: str
    marked: tuple[int, ...] = ()


@dataclass(frozen=True)
class Reply:
    """What the bot says: always a plain-text fallback, plus structure adapters can render."""

    kind: str
    text: str
    title: str | None = None
    quote: Quote | None = None
    notes: tuple[str, ...] = ()
    buttons: tuple[Button, ...] = ()
    data: dict[str, object] = field(default_factory=dict)
    feedback: tuple[Button, ...] = ()  # "Was this helpful?" choices, shown apart from `buttons`


FEEDBACK_PROMPT = "Was this helpful?"


def shown_as_typed(reply: Reply) -> Reply:
    """The reply without bidirectional controls in anything a person reads (text, title,
    notes, button labels): people's words and names shown to someone else read in the order
    they were typed, whatever controls they carried."""
    clean = without_direction_controls
    return replace(
        reply,
        text=clean(reply.text),
        title=None if reply.title is None else clean(reply.title),
        notes=tuple(clean(note) for note in reply.notes),
        buttons=tuple(replace(b, label=clean(b.label)) for b in reply.buttons),
    )


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    """A reply as plain JSON data, to keep in the outbox until it is delivered (to someone
    else than the person whose words it may carry: without direction controls)."""
    reply = shown_as_typed(reply)
    return {
        "kind": reply.kind,
        "text": reply.text,
        "title": reply.title,
        "quote": None if reply.quote is None else asdict(reply.quote),
        "notes": list(reply.notes),
        "buttons": [asdict(button) for button in reply.buttons],
        "data": dict(reply.data),
        "feedback": [asdict(button) for button in reply.feedback],
    }


def reply_from_dict(data: dict[str, Any]) -> Reply:
    """The reply `reply_to_dict` stored."""
    quote = data.get("quote")
    return Reply(
        kind=str(data["kind"]),
        text=str(data["text"]),
        title=data.get("title"),
        quote=None
        if quote is None
        else Quote(
            tuple(quote["sentences"]),
            quote["citation"],
            quote["version"],
            quote["clause_title"],
            tuple(quote.get("marked", ())),
        ),
        notes=tuple(data.get("notes", ())),
        buttons=tuple(Button(**button) for button in data.get("buttons", ())),
        data=dict(data.get("data", {})),
        feedback=tuple(Button(**button) for button in data.get("feedback", ())),
    )

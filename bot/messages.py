"""Platform-neutral messages: what an adapter hands the core and what the core hands back.

Adapters translate their platform's events into `Incoming` and render `Reply` as Block Kit,
Adaptive Cards or terminal text. A button press is the same as typing its command, so every
path through the bot can be driven from the keyboard as well.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Incoming:
    """One thing a person said or pressed, on one platform, in one conversation."""

    platform: str
    person: str
    conversation: str
    text: str
    display_name: str | None = None
    policy_id: str | None = None


@dataclass(frozen=True)
class Button:
    """A choice offered with a reply; pressing it sends `command` as if typed."""

    label: str
    command: str
    style: str = "default"  # "default", "primary" or "danger"
    typeable: bool = True  # False when the command is meant for buttons only (not suggested)


@dataclass(frozen=True)
class Quote:
    """A quoted clause: its sentences (those that matter first), citation and version."""

    sentences: tuple[str, ...]
    citation: str
    version: int
    clause_title: str


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

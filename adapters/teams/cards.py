"""Replies rendered as Teams users expect: Adaptive Cards with buttons, or plain text.

A reply with structure (a title, a quoted clause, buttons, "Was this helpful?") becomes an
Adaptive Card whose buttons are Action.Submit with `{"policybot": "<command>"}`; a short notice
stays a plain message. Every card carries the reply's full text as its fallback. Teams renders a
Markdown subset in TextBlocks, so every text put in a card is neutralised first: people's own
words (echoed back from a draft or a question) must not turn into links or formatting.
"""

from __future__ import annotations

import re
from typing import Any

from adapters.teams.activities import SUBMIT_KEY
from adapters.teams.channel import Activity
from bot.messages import FEEDBACK_PROMPT, Button, Reply
from knowledge.quoting import quotation

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.4"
_MARKDOWN = re.compile(r"([\\`*_\[\]~])")
_BULLET = re.compile(r"(?m)^(\s*)([-+])(?=\s|$)")
_NUMBERED = re.compile(r"(?m)^(\s*\d+)([.)])(?=\s|$)")
_STYLES = {"primary": "positive", "danger": "destructive"}


def render(reply: Reply, *, as_card: bool = False) -> Activity:
    """The message activity for a reply: a card when it has structure (or `as_card`)."""
    if as_card or reply.title or reply.quote or reply.buttons or reply.feedback or reply.notes:
        return {
            "type": "message",
            "summary": _summary(reply.text),
            "attachments": [{"contentType": CARD_CONTENT_TYPE, "content": adaptive_card(reply)}],
        }
    return {"type": "message", "text": reply.text, "textFormat": "plain"}


def adaptive_card(reply: Reply) -> dict[str, Any]:
    """The reply as an Adaptive Card: title, quote or text, citation, notes, buttons, feedback."""
    body: list[dict[str, Any]] = []
    if reply.title:
        body.append(_text(reply.title, weight="Bolder", size="Medium"))
    if reply.quote:
        quote = reply.quote
        body.append(
            {
                "type": "Container",
                "style": "emphasis",
                "items": [
                    _text(sentence, weight="Bolder") if index in quote.marked else _text(sentence)
                    for index, sentence in enumerate(quotation(quote.sentences))
                ],
            }
        )
        body.append(
            _text(f"{quote.citation} · version {quote.version}", isSubtle=True, size="Small")
        )
    else:
        body += [_text(line.strip()) for line in reply.text.splitlines() if line.strip()]
    body += [_text(note, isSubtle=True) for note in reply.notes]
    if reply.buttons:
        body.append(_actions(reply.buttons, reply.kind))
    if reply.feedback:
        body.append(
            {
                "type": "Container",
                "separator": True,
                "items": [
                    _text(FEEDBACK_PROMPT, isSubtle=True, size="Small"),
                    _actions(reply.feedback, reply.kind),
                ],
            }
        )
    return {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "fallbackText": reply.text,
        "msteams": {"width": "Full"},
        "body": body,
    }


def neutralise(text: str) -> str:
    """Text that Teams shows as typed: Markdown and date functions escaped, never rendered."""
    text = _MARKDOWN.sub(r"\\\1", text)
    text = _BULLET.sub(r"\1\\\2", text)
    text = _NUMBERED.sub(r"\1\\\2", text)
    return text.replace("{{", "{\u200b{")


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": neutralise(text), "wrap": True, **style}


def _actions(buttons: tuple[Button, ...], kind: str) -> dict[str, Any]:
    return {"type": "ActionSet", "actions": [_submit(button, kind) for button in buttons]}


def _submit(button: Button, kind: str) -> dict[str, Any]:
    """A button that sends its command back, with the kind of card it was pressed on."""
    action: dict[str, Any] = {
        "type": "Action.Submit",
        "title": button.label,
        "data": {SUBMIT_KEY: button.command, "card": kind},
    }
    if button.style in _STYLES:
        action["style"] = _STYLES[button.style]
    return action


def _summary(text: str) -> str:
    """A one-line summary for notifications and the chat list."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if len(first) <= 120 else first[:119] + "…"

"""Replies as Slack messages: Block Kit blocks with a plain-text fallback, and the App Home.

Block ids name what a block is for (`policybot:<reply kind>` for a reply's buttons,
`policybot:feedback` for "Was this helpful?"), so a button press says what it was pressed on.
"""

from __future__ import annotations

import re
from typing import Any

from bot.messages import FEEDBACK_PROMPT, Button, Reply
from knowledge.quoting import quotation

Block = dict[str, Any]
BLOCK_PREFIX = "policybot:"
FEEDBACK_BLOCK = "policybot:feedback"
ACTION_PREFIX = "policybot:"
_SECTION_LIMIT = 2900  # Slack allows 3,000 characters in a section
_HEADER_LIMIT = 150
_BUTTON_LABEL_LIMIT = 75
_MAX_BLOCKS = 50
_REMOVED = re.compile(r"\[-(.+?)-\]")
_ADDED = re.compile(r"\{\+(.+?)\+\}")


def escape(text: str) -> str:
    """Text safe to show in mrkdwn: no accidental mentions, links or broadcasts."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def marked_words(text: str) -> str:
    """Escaped text with the diff's [-removed-] and {+added+} marks as ~struck~ and *bold*."""
    text = escape(text)
    text = _REMOVED.sub(lambda m: f"~{m.group(1)}~", text)
    return _ADDED.sub(lambda m: f"*{m.group(1)}*", text)


def message(reply: Reply) -> dict[str, Any]:
    """The `text` and `blocks` of a chat.postMessage (or response_url) for one reply."""
    return {"text": reply.text[:39000], "blocks": blocks(reply)}


def blocks(reply: Reply) -> list[Block]:
    """The Block Kit layout of a reply: title, body or quote, notes, buttons, feedback."""
    result: list[Block] = []
    if reply.title:
        result.append(_header(reply.title))
    if reply.quote:
        result += _quote_blocks(reply)
    else:
        result += _sections(marked_words(reply.text), escaped=True)
    if reply.notes:
        result.append(_context(" · ".join(escape(note) for note in reply.notes)))
    if reply.buttons:
        result.append(_actions(f"{BLOCK_PREFIX}{reply.kind}", reply.buttons))
    if reply.feedback:
        result.append(_context(FEEDBACK_PROMPT))
        result.append(_actions(FEEDBACK_BLOCK, reply.feedback))
    return result[:_MAX_BLOCKS]


def feedback_given(original: list[Block], reply: Reply) -> list[Block]:
    """The original message's blocks with "Was this helpful?" replaced by the thanks."""
    kept = [block for block in original if block.get("block_id") != FEEDBACK_BLOCK]
    if kept and kept[-1].get("type") == "context" and _is_prompt(kept[-1]):
        kept.pop()
    return [*kept, _context(escape(reply.text))]


def home_view(status: Reply, buttons: tuple[Button, ...]) -> dict[str, Any]:
    """The App Home tab: the person's acknowledgement status and what to do next."""
    view_blocks: list[Block] = [
        _header("PolicyBot"),
        *_sections(status.text),
        _actions(f"{BLOCK_PREFIX}home", buttons),
        _context(
            "Ask me anything about the policy in a direct message, mention me in a channel, "
            "or use /policy."
        ),
    ]
    return {"type": "home", "blocks": view_blocks}


def _quote_blocks(reply: Reply) -> list[Block]:
    assert reply.quote is not None
    quote = reply.quote
    lines = "\n".join(
        f"> *{escape(sentence)}*" if index in quote.marked else f"> {escape(sentence)}"
        for index, sentence in enumerate(quotation(quote.sentences))
    )
    heading = f"*{escape(quote.clause_title)}*\n" if quote.clause_title != reply.title else ""
    sections = _sections(heading + lines, escaped=True)
    return [*sections, _context(f"{escape(quote.citation)} · version {quote.version}")]


def _sections(text: str, *, escaped: bool = False) -> list[Block]:
    body = text if escaped else escape(text)
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
        for chunk in _chunks(body, _SECTION_LIMIT)
    ]


def _chunks(text: str, limit: int) -> list[str]:
    """Split text at line ends into pieces no longer than `limit`."""
    pieces: list[str] = []
    current = ""
    for line in text.splitlines() or [""]:
        while len(line) > limit:
            pieces.append(line[:limit])
            line = line[limit:]
        if current and len(current) + 1 + len(line) > limit:
            pieces.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    pieces.append(current or " ")
    return pieces


def _header(title: str) -> Block:
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": _shorten(title, _HEADER_LIMIT), "emoji": True},
    }


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:_SECTION_LIMIT]}]}


def _is_prompt(block: Block) -> bool:
    elements = block.get("elements") or [{}]
    return bool(elements[0].get("text") == FEEDBACK_PROMPT)


def _actions(block_id: str, buttons: tuple[Button, ...]) -> Block:
    elements = []
    for number, button in enumerate(buttons[:25]):
        element: Block = {
            "type": "button",
            "action_id": f"{ACTION_PREFIX}{number}",
            "text": {"type": "plain_text", "text": _shorten(button.label, _BUTTON_LABEL_LIMIT)},
            "value": button.command[:2000],
        }
        if button.style in ("primary", "danger"):
            element["style"] = button.style
        elements.append(element)
    return {"type": "actions", "block_id": block_id, "elements": elements}


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

"""What Slack sends, checked before slack-bolt sees it, and the fields the bot reads from it.

Bolt parses a body before it verifies it, and answers a malformed one with a 500; a request
that is not one of the payloads below is refused here with a 400 and a reason instead.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs

from adapters.json_body import JsonRefused, load_json
from bot.storage.events import MAX_EVENT_ID_CHARS

EVENT_TYPES = {"url_verification", "event_callback", "app_rate_limited"}
HANDLED_EVENTS = {"message", "app_mention", "app_home_opened"}
# Fields bolt or the listeners read as text: when present (and not null) they must be strings.
_TEXT_FIELDS = ("team_id", "api_app_id", "enterprise_id", "token", "user_id", "channel_id")
_EVENT_TEXT_FIELDS = ("user", "channel", "text", "ts", "thread_ts", "channel_type", "subtype",
                      "bot_id", "tab", "team")  # fmt: skip
INTERACTIVE_TYPES = {"block_actions", "view_submission", "view_closed", "block_suggestion"}
COMMAND = "/policy"
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


def payload_problem(content_type: str, body: str) -> str | None:
    """Why this body is not a payload the bot handles, or None when it is one."""
    if content_type == "application/json":
        return _event_problem(body)
    if content_type == "application/x-www-form-urlencoded":
        form = parse_qs(body, keep_blank_values=True)
        if any("\x00" in value for values in form.values() for value in values):
            return "a form field holds a NUL character"
        if "payload" in form:
            return _interactive_problem(form["payload"][0])
        if "command" in form:
            return _command_problem(form)
        if form.get("ssl_check") == ["1"]:
            return None
        return "a form body must carry a slash command or an interactive payload"
    return f"unsupported content type {content_type or 'none'!r}"


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        value = load_json(text)
    except JsonRefused:
        return None
    return value if isinstance(value, dict) else None


def _event_problem(body: str) -> str | None:
    data = _json_object(body)
    if data is None:
        return "the body is not a JSON object"
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in EVENT_TYPES:
        return f"unknown Events API payload type {kind!r}"
    if kind == "event_callback":
        event = data.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return "an event_callback needs an event with a type"
        if not isinstance(data.get("event_id"), str) or not data["event_id"]:
            return "an event_callback needs an event_id"
        if len(data["event_id"]) > MAX_EVENT_ID_CHARS:
            return f"an event_id has at most {MAX_EVENT_ID_CHARS} characters"
        if event["type"] in HANDLED_EVENTS and (wrong := _not_text(event, _EVENT_TEXT_FIELDS)):
            return f"the event's {wrong} must be text"
    if wrong := _not_text(data, _TEXT_FIELDS):
        return f"the payload's {wrong} must be text"
    if kind == "url_verification" and not isinstance(data.get("challenge"), str):
        return "a url_verification needs a challenge"
    return None


def _interactive_problem(payload: str) -> str | None:
    data = _json_object(payload)
    if data is None:
        return "the interactive payload is not a JSON object"
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in INTERACTIVE_TYPES:
        return f"unknown interactive payload type {kind!r}"
    user = data.get("user")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str):
        return "an interactive payload needs a user"
    if kind == "block_actions" and not _actions_ok(data.get("actions")):
        return "block_actions needs a list of actions"
    container = data.get("container")
    from_view = isinstance(container, dict) and container.get("type") == "view"
    if kind == "block_actions" and not from_view and not _text_field(data, "response_url"):
        return "block_actions on a message needs a response_url"
    return None


def _not_text(data: dict[str, Any], fields: tuple[str, ...]) -> str | None:
    """The first of these fields that is present but not a string, if any."""
    return next((f for f in fields if data.get(f) is not None and not isinstance(data[f], str)),
                None)  # fmt: skip


def _text_field(data: dict[str, Any], key: str) -> bool:
    return isinstance(data.get(key), str) and bool(data[key])


def _actions_ok(actions: Any) -> bool:
    return (
        isinstance(actions, list)
        and bool(actions)
        and all(isinstance(action, dict) for action in actions)
    )


def _command_problem(form: dict[str, list[str]]) -> str | None:
    if form["command"][0] != COMMAND:
        return f"unknown slash command {form['command'][0]!r}; this app offers {COMMAND}"
    for field in ("user_id", "channel_id", "response_url"):
        if not form.get(field, [""])[0]:
            return f"a slash command needs {field}"
    return None


def strip_mentions(text: str) -> str:
    """The message without @-mentions (the bot's own, in a channel) and extra spaces."""
    return " ".join(_MENTION.sub(" ", text).split())


def unescape(text: str) -> str:
    """Slack's message text with its three escaped characters restored."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")

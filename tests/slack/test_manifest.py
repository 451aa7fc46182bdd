"""The Slack app manifest asks for exactly what the adapter uses, at the adapter's own URL."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from adapters.slack.http import PATH
from adapters.slack.payloads import COMMAND

SLACK = Path(__file__).resolve().parents[2] / "adapters" / "slack"
MANIFEST = yaml.safe_load((SLACK / "manifest.yaml").read_text())

# Each Web API method the adapter calls, and the bot scope it needs (None: no scope needed).
SCOPE_OF_METHOD = {
    "chat_postMessage": "chat:write",
    "chat_update": "chat:write",
    "conversations_open": "im:write",
    "conversations_history": "im:history",
    "files_info": "files:read",
    "users_info": "users:read",
    "views_publish": None,
    "auth_test": None,
}
EVENT_SCOPES = {"app_mention": "app_mentions:read", "message.im": "im:history"}


def _called_methods() -> set[str]:
    """Every Web API method the adapter calls: `client.<method>(...)` in its source."""
    methods = set()
    for path in SLACK.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            receiver = node.func.value
            if (isinstance(receiver, ast.Name) and receiver.id == "client") or (
                isinstance(receiver, ast.Attribute) and receiver.attr == "client"
            ):
                methods.add(node.func.attr)
    return methods


def test_scopes_are_exactly_those_the_adapter_needs() -> None:
    methods = _called_methods()
    assert methods <= set(SCOPE_OF_METHOD), f"add the scope of {methods - set(SCOPE_OF_METHOD)}"
    needed = {SCOPE_OF_METHOD[m] for m in methods} | set(EVENT_SCOPES.values()) | {"commands"}
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == needed - {None}


def test_events_command_and_interactivity_point_at_the_request_url() -> None:
    settings = MANIFEST["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_home_opened",
        *EVENT_SCOPES,
    }
    [command] = MANIFEST["features"]["slash_commands"]
    assert command["command"] == COMMAND
    for url in (
        command["url"],
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
    ):
        assert url.endswith(PATH)
    assert settings["interactivity"]["is_enabled"] is True
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True

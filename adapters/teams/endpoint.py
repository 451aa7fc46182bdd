"""`POST /api/messages`: every request answered with a status that says what happened.

botbuilder 4.17's own endpoint answers invalid JSON, bad tokens and expired tokens with 500.
Here each malformed request gets a 4xx (400 bad activity, 415 not JSON, 413 too large, 405 not a
POST) and each authentication failure 401, all before anything is recorded. A reply Teams
refuses even after retries is a 502; the activity stays claimed, so a redelivery cannot repeat
what the bot already recorded.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from adapters.json_body import JsonRefused, load_json
from adapters.teams.activities import MalformedActivity, read_activity
from adapters.teams.channel import Gateway, Unauthorized
from adapters.teams.retry import ConnectorError
from adapters.teams.turns import TeamsTurns

ROUTE = "/api/messages"
log = logging.getLogger(__name__)


class MessagesEndpoint:
    """The Bot Framework messaging endpoint for Teams."""

    def __init__(self, gateway: Gateway, turns: TeamsTurns) -> None:
        self.gateway = gateway
        self.turns = turns

    async def handle(self, request: web.Request) -> web.Response:
        """Check, authenticate and process one activity."""
        try:
            body = await _read_json(request)
            inbound = read_activity(body)  # refuse what the bot cannot act on, before the token
            ticket = await self.gateway.authenticate(body, request.headers.get("Authorization"))
        except MalformedActivity as error:
            log.info("Teams request refused as malformed: %s", error)
            return _error(400, str(error))
        except Unauthorized:
            return _error(401, "the request is not authorized for this bot")
        try:
            if inbound is not None:  # a type the bot ignores (typing, reactions): no turn at all
                await self.gateway.process(ticket, body, self.turns.on_activity)
        except ConnectorError as error:  # handled, but the reply could not be posted
            log.error("Teams reply not delivered: %s", error)
            return _error(502, f"the reply could not be delivered to Teams ({error})")
        if body["type"] == "invoke":  # cards use Action.Submit; invokes are acknowledged only
            return web.json_response({}, status=200)
        return web.Response(status=201)


async def _read_json(request: web.Request) -> Any:
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(text="send the activity as application/json")
    try:
        return load_json((await request.read()).decode("utf-8"))
    except UnicodeDecodeError:
        raise MalformedActivity("the body is not UTF-8 text") from None
    except JsonRefused as error:
        raise MalformedActivity(str(error)) from None


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)

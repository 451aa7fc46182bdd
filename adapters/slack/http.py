"""Slack's request URL (`/slack/events`): verify, check, then hand the request to bolt.

Every request is checked for Slack's signature first (forged or stale: 401), then for being a
payload this app handles (otherwise 400 with the reason), and only then dispatched. Bolt's own
500 for unparseable bodies therefore never happens, and nothing is recorded for a bad request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import Clock, SignatureVerifier

from adapters.slack.payloads import payload_problem

log = logging.getLogger("policybot.slack")
PATH = "/slack/events"
MAX_AGE_SECONDS = 5 * 60  # Slack's rule: a request more than five minutes old is a replay


def events_handler(
    bolt: AsyncApp, signing_secret: str, now: Callable[[], float] | None = None
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The aiohttp handler for Slack's request URL (`now`: the clock a request's age is
    measured on, the system's by default, read at each request)."""
    clock = _Clock(now or (lambda: time.time()))
    verifier = SignatureVerifier(signing_secret, clock=clock)

    async def handle(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not timestamp.isdigit() or len(timestamp) > 12:
            return _refuse(401, "missing or malformed request timestamp")
        age = clock.now() - int(timestamp)
        if abs(age) > MAX_AGE_SECONDS:
            return _refuse(
                401, f"stale request: signed {int(age)} seconds ago, more than five minutes"
            )
        if not verifier.is_valid(body, timestamp, signature):
            return _refuse(401, "invalid request signature")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return _refuse(400, "the body is not UTF-8 text")
        problem = payload_problem(request.content_type, text)
        if problem is not None:
            return _refuse(400, problem)
        try:  # bolt reads ids (team, user, channel) out of the body as it builds its context
            bolt_request = AsyncBoltRequest(
                body=text, query=request.query_string, headers=dict(request.headers)
            )
        except (TypeError, ValueError, AttributeError, KeyError) as error:
            return _refuse(400, f"the payload's fields are not of Slack's types ({error})")
        response = await bolt.async_dispatch(bolt_request)
        if response.status == 404 and request.content_type == "application/json":
            return web.Response(status=200)  # an event nobody listens to: acknowledge, ignore
        return await to_aiohttp_response(response)

    return handle


def _refuse(status: int, reason: str) -> web.Response:
    log.info("refused a Slack request (%d): %s", status, reason)
    return web.json_response({"ok": False, "error": reason}, status=status)


class _Clock(Clock):
    """The clock the signature check measures a request's age with."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now

    def now(self) -> float:
        return self._now()

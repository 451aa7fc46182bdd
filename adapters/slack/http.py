"""Slack's request URL (`/slack/events`): verify, check, then hand the request to bolt.

Every request is checked for Slack's signature first (missing, forged or stale: 401), then for
being a payload this app handles (otherwise 400 with the reason), and only then dispatched.
Bolt's own 500 for unparseable bodies therefore never happens, and nothing is recorded for a bad
request. The signature is checked here rather than by slack_sdk's `SignatureVerifier`, which
raised (a 500 with a traceback) on a missing or non-numeric timestamp, a non-UTF-8 body or a
non-ASCII signature.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.slack.payloads import payload_problem

log = logging.getLogger("policybot.slack")
PATH = "/slack/events"
MAX_AGE_SECONDS = 300  # Slack's own advice: older requests may be replays
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


def events_handler(
    bolt: AsyncApp, signing_secret: str, now: Callable[[], float] | None = None
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The aiohttp handler for Slack's request URL (`now`: the clock a request's age is
    measured on, the system's by default, read at each request)."""
    secret = signing_secret.encode("utf-8")
    clock = now or (lambda: time.time())  # looked up at each request (tests hold it still)

    async def handle(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        problem = signature_problem(
            secret,
            body,
            request.headers.get("X-Slack-Request-Timestamp"),
            request.headers.get("X-Slack-Signature"),
            clock(),
        )
        if problem is not None:
            return _refuse(401, problem)
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


def signature_problem(
    secret: bytes, body: bytes, timestamp: str | None, signature: str | None, now: float
) -> str | None:
    """Why the request is not Slack's, signed with `secret` in the last five minutes; or None.

    Slack signs `v0:<timestamp>:<body bytes>` with HMAC-SHA256 (api.slack.com, "Verifying
    requests from Slack"). Every header is checked for its form before it is used.
    """
    if not timestamp or not signature:
        return "the request is not signed (no X-Slack-Request-Timestamp or X-Slack-Signature)"
    if not _TIMESTAMP.fullmatch(timestamp):
        return "the request timestamp is not a number of seconds"
    if abs(now - int(timestamp)) > MAX_AGE_SECONDS:
        return "the request is more than five minutes old (or from the future)"
    if not _SIGNATURE.fullmatch(signature):
        return "the signature is not of Slack's form (v0= and 64 hex digits)"
    expected = hmac.new(secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256)
    if not hmac.compare_digest(f"v0={expected.hexdigest()}".encode(), signature.encode()):
        return "the signature does not match the body"
    return None

"""Requests to /slack/events that are not Slack's get a 4xx and one log line, never a 500.

Each case below was a 500 with a traceback in the log, raised before the signature check
(slack_sdk's verifier choking on the headers or body) or while parsing the body.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from urllib.parse import urlencode

import pytest

from bot.app import App
from tests.slack.conftest import SECRET, Served


def sign(body: bytes, stamp: str, secret: str = SECRET) -> str:
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256)
    return "v0=" + digest.hexdigest()


def malformed_cases() -> list[tuple[str, bytes, dict[str, str], int, str]]:
    """(name, body, headers, status, reason) for every request that once got a 500."""
    now = str(int(time.time()))
    plain = b'{"type": "url_verification", "challenge": "c"}'
    not_utf8 = b'{"type": "url_verification", "challenge": "\xff\xfe"}'
    nested = b'{"type": "event_callback", "event": ' + b"[" * 20_000 + b"]" * 20_000 + b"}"
    nested_form = urlencode({"payload": "[" * 20_000 + "]" * 20_000}).encode()
    json_type = {"Content-Type": "application/json"}
    form_type = {"Content-Type": "application/x-www-form-urlencoded"}
    return [
        ("no signature headers", plain, json_type, 401, "not signed"),
        ("timestamp only", plain, {**json_type, "X-Slack-Request-Timestamp": now}, 401,
         "not signed"),
        ("non-numeric timestamp", plain, {**json_type, "X-Slack-Request-Timestamp": "soon",
                                          "X-Slack-Signature": sign(plain, "soon")}, 401,
         "not a number"),
        ("huge timestamp", plain, {**json_type, "X-Slack-Request-Timestamp": "9" * 40,
                                   "X-Slack-Signature": sign(plain, "9" * 40)}, 401,
         "not a number"),
        ("stale", plain, {**json_type, "X-Slack-Request-Timestamp": str(int(now) - 301),
                          "X-Slack-Signature": sign(plain, str(int(now) - 301))}, 401,
         "more than five minutes old"),
        ("non-hex signature", plain, {**json_type, "X-Slack-Request-Timestamp": now,
                                      "X-Slack-Signature": "v0=" + "é" * 64}, 401,
         "not of Slack's form"),
        ("wrong secret", plain, {**json_type, "X-Slack-Request-Timestamp": now,
                                 "X-Slack-Signature": sign(plain, now, "other")}, 401,
         "does not match"),
        ("non-UTF-8 body", not_utf8, {**json_type, "X-Slack-Request-Timestamp": now,
                                      "X-Slack-Signature": sign(not_utf8, now)}, 400,
         "not UTF-8"),
        ("deeply nested JSON", nested, {**json_type, "X-Slack-Request-Timestamp": now,
                                        "X-Slack-Signature": sign(nested, now)}, 400,
         "not a JSON object"),
        ("deeply nested payload", nested_form, {**form_type, "X-Slack-Request-Timestamp": now,
                                                "X-Slack-Signature": sign(nested_form, now)},
         400, "not a JSON object"),
    ]  # fmt: skip


NAMES = [case[0] for case in malformed_cases()]  # built again in each test: signed just now


@pytest.mark.parametrize("name", NAMES)
async def test_a_malformed_request_gets_a_4xx_with_the_reason_and_one_log_line(
    served: Served, app: App, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    [(_, body, headers, status, reason)] = [c for c in malformed_cases() if c[0] == name]
    caplog.set_level(logging.INFO)
    async with served.session.post(
        f"{served.url}/slack/events", data=body, headers=headers
    ) as response:
        assert response.status == status, name
        assert reason in (await response.json())["error"]
    refusals = [r for r in caplog.records if r.getMessage().startswith("refused a Slack")]
    assert len(refusals) == 1 and reason in refusals[0].getMessage()
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert served.fake.calls == []


async def test_a_request_signed_299_seconds_ago_is_still_accepted(served: Served) -> None:
    response = await served.post(
        '{"type": "url_verification", "challenge": "c"}',
        "application/json",
        timestamp=int(time.time()) - 299,
    )
    assert response.status == 200


async def test_a_nul_character_in_an_event_or_a_command_is_refused(served: Served) -> None:
    """PostgreSQL stores no NUL: an id holding one would fail there after the ack."""
    event = await served.event(
        {"type": "message", "channel_type": "im", "channel": "D1", "user": "U1\u0000",
         "text": "ack", "ts": "1.0"}, "EvNul1",
    )  # fmt: skip
    assert event.status == 400
    form = {"command": "/policy", "text": "ack", "user_id": "U1\x00", "channel_id": "C1",
            "response_url": served.fake.response_url()}  # fmt: skip
    command = await served.post(urlencode(form), "application/x-www-form-urlencoded")
    assert command.status == 400
    await served.idle()
    assert served.fake.of("chat.postMessage") == [] and served.fake.responses == []

"""What Teams (or anyone else) can throw at /api/messages, and a connector that says "later"."""

from __future__ import annotations

import json

import pytest

from bot.acknowledgements import acks
from bot.app import App
from tests.teams.conftest import Teams, nothing_recorded


def without(activity: dict[str, object], key: str) -> dict[str, object]:
    return {name: value for name, value in activity.items() if name != key}


async def post_raw(teams: Teams, body: bytes, content_type: str = "application/json") -> int:
    response = await teams.client.post(
        "/api/messages", data=body, headers={"Content-Type": content_type}
    )
    await response.read()
    return response.status


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"\xff\xfe{}", "application/json", 400),
        (b"[1, 2, 3]", "application/json", 400),
        (b'"ack"', "application/json", 400),
        (b'{"text": "ack"}', "application/json", 400),
        (b'{"type": 7, "text": "ack"}', "application/json", 400),
        (b"type=message&text=ack", "application/x-www-form-urlencoded", 415),
        (b'{"type": "message", "text": "ack"}', "text/plain", 415),
        (b'{"type": "message", "text": "' + b"a" * 1_100_000 + b'"}', "application/json", 413),
    ],
    ids=[
        "invalid-json",
        "not-utf8",
        "array",
        "string",
        "no-type",
        "type-not-text",
        "form",
        "text-plain",
        "too-large",
    ],
)
async def test_malformed_bodies_get_a_4xx_and_nothing_is_recorded(
    teams: Teams, app: App, body: bytes, content_type: str, status: int
) -> None:
    assert await post_raw(teams, body, content_type) == status
    assert nothing_recorded(app, teams.connector)


@pytest.mark.parametrize(
    "breakage",
    [
        "no-id",
        "no-conversation",
        "no-from",
        "no-service-url",
        "ftp-service-url",
        "broken-service-url",
        "text-not-text",
        "bad-timestamp",
    ],
)
async def test_activities_missing_what_the_bot_needs_get_400(
    teams: Teams, app: App, breakage: str
) -> None:
    ack = teams.activity("ack")
    broken = {
        "no-id": without(ack, "id"),
        "no-conversation": without(ack, "conversation"),
        "no-from": without(ack, "from"),
        "no-service-url": without(ack, "serviceUrl"),
        "ftp-service-url": {**ack, "serviceUrl": "ftp://127.0.0.1/"},
        "broken-service-url": {**ack, "serviceUrl": "http://[::1/"},
        "text-not-text": {**ack, "text": ["ack"]},
        "bad-timestamp": {**ack, "timestamp": "yesterday-ish"},
    }[breakage]
    response = await teams.client.post(
        "/api/messages",
        data=json.dumps(broken).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 400
    assert "error" in await response.json()
    assert nothing_recorded(app, teams.connector)


async def test_only_post_is_accepted(teams: Teams, app: App) -> None:
    for method in ("GET", "PUT", "DELETE"):
        response = await teams.client.request(method, "/api/messages")
        assert response.status == 405
    assert nothing_recorded(app, teams.connector)


async def test_a_429_from_the_connector_is_retried_after_retry_after(teams: Teams) -> None:
    teams.connector.refuse(429, times=2, **{"Retry-After": "0"})
    calls = await teams.say("status")
    assert [call.shown[:30] for call in calls] == ["You have not acknowledged the "] * 3
    assert all(call.assigned_id is None for call in calls[:2]) and calls[2].assigned_id


async def test_502_504_and_412_are_retried_with_backoff(teams: Teams) -> None:
    for status in (502, 504, 412):
        teams.connector.refuse(status)
    calls = await teams.say("status")
    assert len(calls) == 4 and calls[-1].assigned_id


async def test_a_connector_that_keeps_refusing_fails_the_request_after_the_last_attempt(
    teams: Teams, app: App
) -> None:
    teams.connector.refuse(429, times=10, **{"Retry-After": "0"})
    assert await teams.post(teams.activity("ack")) == 502
    assert len(teams.connector.calls) == 4  # POLICYBOT_TEAMS_SEND_ATTEMPTS defaults to 4
    assert len(acks.list_acknowledgements(app.db, "la-crosse")) == 1  # done, not undone


async def test_a_final_refusal_is_not_retried(teams: Teams) -> None:
    teams.connector.refuse(403)
    assert await teams.post(teams.activity("status")) == 502
    assert len(teams.connector.calls) == 1


async def test_a_retry_after_longer_than_the_limit_is_not_waited_for(teams: Teams) -> None:
    teams.connector.refuse(429, **{"Retry-After": "120"})
    assert await teams.post(teams.activity("status")) == 502
    assert len(teams.connector.calls) == 1


@pytest.mark.parametrize(
    "where",
    ["from.aadObjectId", "from.id", "from.name", "conversation.id", "conversation.name",
     "recipient.name", "text", "channelData.tenant.id"],
)  # fmt: skip
async def test_a_nul_character_anywhere_is_refused_before_anything_is_stored(
    teams: Teams, app: App, where: str
) -> None:
    """PostgreSQL stores no NUL: one in a Teams identity or name was a 500 there."""
    activity = teams.activity("ack", name="Alice Example")
    activity["conversation"]["name"] = "Parks crew"
    *path, last = where.split(".")
    holder = activity
    for key in path:
        holder = holder[key]
    holder[last] = str(holder.get(last, "x")) + "\x00"
    status = await post_raw(teams, json.dumps(activity).encode())
    assert status == 400
    assert nothing_recorded(app, teams.connector)

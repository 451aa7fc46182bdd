"""`POLICYBOT_LOG_FORMAT=json`: one JSON object a line, request ids, and nothing private."""

from __future__ import annotations

import json
import time

import aiohttp

from tests.ops.conftest import WorkersFactory, teams_message
from tests.slack.conftest import SECRET
from tests.slack.fake_slack import FakeSlack
from tests.teams.conftest import FakeConnector

PHRASE = "zanzibar-marmalade"
FIELDS = {"time", "level", "logger", "message", "request_id", "platform"}


async def test_json_logs_carry_request_ids_into_the_answer_and_keep_words_and_secrets_out(
    workers: WorkersFactory, fake: FakeSlack, connector: FakeConnector
) -> None:
    async with workers(1, POLICYBOT_LOG_FORMAT="json") as [worker], aiohttp.ClientSession() as s:
        event = {
            "type": "message", "channel_type": "im", "channel": "D-U1", "user": "U1",
            "text": f"can I post {PHRASE} photos of my crew?", "ts": f"{time.time():.6f}",
        }  # fmt: skip
        slack = worker.slack(s, fake)
        answered = await slack.event(event, "EvLog1", headers={"X-Request-Id": "req-slack-1"})
        assert answered.status == 200 and answered.headers["X-Request-Id"] == "req-slack-1"
        await fake.wait_for(lambda: fake.of("chat.postMessage"))
        activity = teams_message(connector, f"can I tweet about {PHRASE}?", "teams-log-1")
        headers = {"X-Request-Id": "req-teams-1"}
        async with s.post(f"{worker.url}/api/messages", json=activity, headers=headers) as teams:
            assert teams.status == 201 and teams.headers["X-Request-Id"] == "req-teams-1"
        insane = {"X-Request-Id": "x" * 300}
        async with s.get(f"{worker.url}/healthz", headers=insane) as health:
            generated = health.headers["X-Request-Id"]
        assert len(generated) == 32 and generated != "x" * 300
        assert await worker.stop() == 0
    entries = [json.loads(line) for line in worker.lines if line.strip()]  # every line is JSON
    assert all(set(entry) >= FIELDS for entry in entries)
    slack_lines = [e for e in entries if e["request_id"] == "req-slack-1"]
    assert {e["platform"] for e in slack_lines} == {"slack"}
    assert any(e["message"].startswith("answered a Slack message") for e in slack_lines)
    teams_lines = [e for e in entries if e["request_id"] == "req-teams-1"]
    assert any(e["message"].startswith("answered a Teams message") for e in teams_lines)
    assert any(e["request_id"] == generated for e in entries)
    whole = "\n".join(worker.lines)
    for private in (PHRASE, SECRET, "xoxb-test-token", "photos of my crew"):
        assert private not in whole

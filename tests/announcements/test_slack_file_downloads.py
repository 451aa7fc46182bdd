"""Slack's bot token goes only to Slack's file hosts, never across a redirect to another
origin, and a shared file is fetched only while HR's publication waits for it (issue 15)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.announcements.file_hosts import Host
from tests.announcements.helpers import reworded_la_crosse
from tests.slack.conftest import Served
from tests.slack.fake_slack import FakeSlack


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n  - {id: lax, name: City of La Crosse, policy: la-crosse}\n"
        "slack:\n  enabled: true\n  default_organization: lax\n"
        "people:\n"
        "  - {handle: hana, name: Hana Ito, department: HR, roles: [hr], slack: U-HANA}\n"
    )
    return path


async def share(served: Served, url: str, event_id: str, user: str = "U-HANA") -> str:
    """Share a file in the bot's DM; what the bot answered there last."""
    event = {
        "type": "message", "subtype": "file_share", "channel_type": "im", "channel": f"D-{user}",
        "user": user, "text": "", "ts": f"{time.time():.6f}",
        "files": [{"id": "F1", "name": "policy-v2.txt", "url_private_download": url}],
    }  # fmt: skip
    assert (await served.event(event, event_id)).status == 200
    await served.idle()
    posts = [c.args for c in served.fake.of("chat.postMessage") if c.args["channel"] == f"D-{user}"]
    return str(posts[-1]["text"]) if posts else ""


async def test_slack_sends_its_token_only_to_slacks_file_hosts(
    served: Served, fake: FakeSlack, internal: Host
) -> None:
    await served.dm("publish la-crosse", "Ev1", user="U-HANA")
    await served.idle()
    shown = await share(served, internal.url("admin"), "Ev2")
    assert "not on a host I may fetch files from" in shown
    assert internal.requests == []  # the token went nowhere


async def test_slack_fetches_nothing_when_no_publication_waits(
    served: Served, fake: FakeSlack, internal: Host
) -> None:
    fake.files["policy-v2.txt"] = reworded_la_crosse().encode()
    await share(served, fake.file_url("policy-v2.txt"), "Ev1")
    assert fake.downloads == []
    assert "This becomes version" not in str(fake.of("chat.postMessage"))


async def test_slack_does_not_follow_a_redirect_to_another_origin(
    served: Served, fake: FakeSlack, internal: Host
) -> None:
    fake.redirects["policy-v2.txt"] = internal.url("collect")
    await served.dm("publish la-crosse", "Ev1", user="U-HANA")
    await served.idle()
    shown = await share(served, fake.file_url("policy-v2.txt"), "Ev2")
    assert "I did not follow" in shown or "not on a host" in shown
    assert internal.requests == []

"""HR publishes a new version by sharing the file with the bot in Slack, then pressing Publish."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.app import App
from bot.delivery.outbox import QUEUED
from bot.policies import versions
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
        "  - {handle: pat, name: Pat Lee, department: Parks, slack: U-PAT}\n"
    )
    return path


async def share_file(served: Served, user: str, name: str, event_id: str) -> None:
    event = {
        "type": "message",
        "subtype": "file_share",
        "channel_type": "im",
        "channel": f"D-{user}",
        "user": user,
        "text": "",
        "ts": f"{time.time():.6f}",
        "files": [{"id": "F1", "name": name, "url_private_download": served.fake.file_url(name)}],
    }
    assert (await served.event(event, event_id)).status == 200
    await served.idle()


def last_to(fake: FakeSlack, user: str) -> dict[str, object]:
    return [c.args for c in fake.of("chat.postMessage") if c.args["channel"] == f"D-{user}"][-1]


async def test_hr_shares_the_file_sees_the_changes_and_publishes(
    served: Served, app: App, fake: FakeSlack
) -> None:
    fake.files["policy-v2.txt"] = reworded_la_crosse().encode()
    await served.dm("publish la-crosse", "Ev1", user="U-HANA")
    await served.idle()
    assert "upload the file" in str(last_to(fake, "U-HANA")["text"])
    await share_file(served, "U-HANA", "policy-v2.txt", "Ev2")
    preview = last_to(fake, "U-HANA")
    assert "This becomes version 2" in str(preview["text"])
    assert "~shall~ *must*" in str(preview["blocks"])  # the changed words, marked for Slack
    assert [v.number for v in versions.history(app.db, "la-crosse")] == [1]
    shown_when_delivery_woke: list[list[str]] = []
    app.db.subscribe(
        QUEUED,
        lambda: shown_when_delivery_woke.append(
            [str(c.args["text"]) for c in fake.of("chat.postMessage")]
        ),
    )
    response = await served.press(
        {**preview, "ts": "1700000000.000009"}, "Publish version 2", user="U-HANA"
    )
    assert response.status == 200
    await served.idle()
    assert [v.number for v in versions.history(app.db, "la-crosse")] == [1, 2]
    [told] = [
        c.args["text"]
        for c in fake.of("chat.postMessage")
        if "Published version 2" in str(c.args["text"])
    ]
    assert "Announced to 2 people" in str(told) and "clause-3" in str(told)
    [shown] = shown_when_delivery_woke  # the announcements were queued once...
    assert "Published version 2" in shown[-1]  # ...and sent only after HR's own reply


async def test_someone_without_the_hr_role_cannot_publish(
    served: Served, app: App, fake: FakeSlack
) -> None:
    await served.dm("publish la-crosse", "Ev1", user="U-PAT")
    await served.idle()
    assert "Only HR can publish" in str(last_to(fake, "U-PAT")["text"])
    fake.files["policy-v2.txt"] = reworded_la_crosse().encode()
    await share_file(served, "U-PAT", "policy-v2.txt", "Ev2")
    assert [v.number for v in versions.history(app.db, "la-crosse")] == [1]

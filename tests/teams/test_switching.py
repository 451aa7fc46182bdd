"""A city switches `teams.sdk` with one line and no migration: what one gateway stored (people's
conversation references, the claims on activities already handled, the outbox) the other uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.outbox_worker import OutboxWorker
from adapters.teams.mount import teams_sender
from bot.app import App
from bot.delivery.contacts import contact_for
from bot.messages import Reply
from tests.announcements.helpers import publish_change
from tests.teams.conftest import (
    AUTH_OFF,
    QUIET_RETRIES,
    TENANT_LAX,
    FakeConnector,
    Teams,
    on_sdk,
    start_teams,
)

CHANNEL = {"conversation": "19:parks@thread.tacv2;messageid=7", "conversation_type": "channel"}
REMINDER = Reply(kind="reminder", text="Please acknowledge the policy.", title="Reminder")


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n  - {id: lax, name: City of La Crosse, policy: la-crosse}\n"
        f"teams:\n  enabled: true\n  tenants: {{{TENANT_LAX}: lax}}\n"
        "people:\n"
        "  - {handle: alice, name: Alice Example, department: Parks, teams: aad-alice}\n"
        "  - {handle: bob, name: Bob Example, department: Parks, teams: aad-bob}\n"
    )
    return path


async def serve_on(app: App, connector: FakeConnector, sdk: str) -> Teams:
    """The server on `sdk`, without its own delivery loop (the test delivers, with a worker
    of its own: a stopped one stays stopped)."""
    teams = await start_teams(on_sdk(app, sdk), connector, {**AUTH_OFF, **QUIET_RETRIES})
    assert teams.mount.outbox is not None
    await teams.mount.outbox.stop()
    return teams


@pytest.mark.parametrize(
    ("before", "after"),
    [("botbuilder", "agents"), ("agents", "botbuilder")],
    ids=["botbuilder-to-agents", "agents-to-botbuilder"],
)
async def test_what_one_gateway_stored_the_other_uses(
    app: App, connector: FakeConnector, before: str, after: str
) -> None:
    first = await serve_on(app, connector, before)
    hello = first.activity("hello", activity_id="in-hello")
    assert await first.post(hello) == 201
    await first.say("status", person="aad-bob", name="Bob Example", **CHANNEL)
    published = publish_change(app)  # queued for Alice and Bob, not delivered yet
    assert published.announced == 2
    await first.client.close()

    second = await serve_on(app, connector, after)
    try:
        calls = len(connector.calls)
        assert await second.post(hello) == 201  # Teams redelivers what the first one handled
        assert connector.calls[calls:] == []  # claimed already: no second answer

        assert second.mount.notifier is not None
        worker = OutboxWorker(app, "teams", teams_sender(second.mount.notifier))
        await worker.deliver_due()  # the outbox the first one filled
        bob = contact_for(app.db, platform="teams", person="aad-bob")
        assert bob is not None  # seen only in a channel: a one-to-one chat was opened for him
        bobs_chat = bob.reference["conversation"]["id"]
        assert bobs_chat.startswith("a:personal-")
        announced = [c for c in connector.posted()[calls:] if "version 2" in c.shown]
        assert sorted(c.path.split("/")[3] for c in announced) == ["a:alice-personal", bobs_chat]

        delivery = await second.mount.notifier.send("aad-alice", [REMINDER])
        assert delivery.delivered
        assert connector.posted()[-1].path == "/v3/conversations/a:alice-personal/activities"
    finally:
        await second.client.close()

"""Records the chat platforms rely on: claimed event ids and people's conversation references."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.delivery.contacts import contact_for, list_contacts, remember_contact
from bot.storage import Database
from bot.storage.events import claim_event, prune_events, release_event

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "bot.sqlite3"


def test_an_event_is_claimed_once_per_platform(db: Database) -> None:
    assert claim_event(db, platform="slack", event_id="Ev1", now=NOW)
    assert not claim_event(db, platform="slack", event_id="Ev1", now=NOW)
    assert claim_event(db, platform="teams", event_id="Ev1", now=NOW)


def test_eight_threads_racing_for_one_event_yield_one_winner(db: Database) -> None:
    with ThreadPoolExecutor(8) as pool:
        wins = list(
            pool.map(lambda _: claim_event(db, platform="slack", event_id="Ev2", now=NOW), range(8))
        )
    assert wins.count(True) == 1


def test_a_released_claim_can_be_claimed_again_and_old_claims_are_pruned(db: Database) -> None:
    claim_event(db, platform="slack", event_id="Ev3", now=NOW)
    release_event(db, platform="slack", event_id="Ev3")
    assert claim_event(db, platform="slack", event_id="Ev3", now=NOW)
    later = NOW + timedelta(days=2)
    assert prune_events(db, older_than=timedelta(days=1), now=later) == 1
    assert claim_event(db, platform="slack", event_id="Ev3", now=later)


def test_an_empty_or_huge_event_id_is_refused(db: Database) -> None:
    for event_id in ("", "x" * 201):
        with pytest.raises(ValueError):
            claim_event(db, platform="slack", event_id=event_id, now=NOW)


def test_the_newest_conversation_reference_replaces_the_old_one(db: Database) -> None:
    remember_contact(
        db,
        platform="teams",
        person="29:a",
        reference={"v": 1},
        now=NOW,
        display_name="Ann",
        workspace="tenant-1",
    )
    remember_contact(
        db, platform="teams", person="29:a", reference={"v": 2}, now=NOW + timedelta(hours=1)
    )
    contact = contact_for(db, platform="teams", person="29:a")
    assert contact is not None
    assert (contact.reference, contact.display_name, contact.workspace) == (
        {"v": 2},
        "Ann",
        "tenant-1",
    )
    assert contact_for(db, platform="slack", person="29:a") is None
    remember_contact(
        db, platform="teams", person="29:a", reference={"v": 2}, now=NOW + timedelta(hours=5)
    )
    again = contact_for(db, platform="teams", person="29:a")
    assert again is not None and again.updated_at == contact.updated_at  # nothing rewritten
    assert [c.person for c in list_contacts(db, "teams")] == ["29:a"]

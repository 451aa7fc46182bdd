"""The record-keeping services on real databases, SQLite files or PostgreSQL (no mocks)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect

from bot.acknowledgements import acks
from bot.acknowledgements.acks import AckResult
from bot.checklists import progress
from bot.conversation import unanswered
from bot.policies import versions
from bot.policies.versions import VersionInfo
from bot.storage import Database, rows

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
LATER = NOW + timedelta(days=30)
TEXT_V1 = "1. Employees shall not post confidential information.\n"
TEXT_V2 = TEXT_V1 + "2. Employees shall identify personal opinions as their own.\n"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """Where the test's database file lives."""
    return tmp_path / "policybot.sqlite3"


def _sync(db: Database, text: str = TEXT_V1, now: datetime = NOW) -> VersionInfo:
    """Sync the test policy with ``text``."""
    return versions.sync_policy_version(
        db,
        policy_id="la-crosse",
        organization="City of La Crosse",
        title="Social Media Policy",
        text=text,
        source="knowledge/policies/la-crosse/policy.txt",
        now=now,
    )


def _ack(db: Database, version: VersionInfo, person: str = "U1", now: datetime = NOW) -> AckResult:
    """Acknowledge ``version`` as ``person`` on Slack."""
    return acks.acknowledge(
        db,
        platform="slack",
        person=person,
        display_name="Pat",
        policy_id=version.policy_id,
        version=version.number,
        sha256=version.sha256,
        now=now,
    )


# --- policy versions -------------------------------------------------------------------------


def test_sync_stores_version_one_then_is_stable_for_the_same_text(db: Database) -> None:
    first = _sync(db)
    again = _sync(db, now=LATER)
    assert first.created and first.number == 1
    assert first.sha256 == rows.sha256_hex(TEXT_V1)
    assert not again.created
    assert (again.number, again.sha256, again.published_at) == (1, first.sha256, NOW)
    assert versions.current_version(db, "la-crosse") == again


def test_sync_creates_version_two_for_edited_text(db: Database) -> None:
    _sync(db)
    second = _sync(db, TEXT_V2, now=LATER)
    assert second.created and second.number == 2 and second.published_at == LATER
    assert versions.version_text(db, "la-crosse", 1) == TEXT_V1
    assert versions.version_text(db, "la-crosse", 2) == TEXT_V2
    assert versions.version_text(db, "la-crosse", 3) is None
    assert not _sync(db, TEXT_V2).created


def test_versions_are_numbered_per_policy(db: Database) -> None:
    _sync(db)
    other = versions.sync_policy_version(
        db,
        policy_id="lake-elmo",
        organization="Lake Elmo",
        title="t",
        text="x",
        source="s",
        now=NOW,
    )
    assert other.number == 1
    assert versions.current_version(db, "nowhere") is None


def test_versions_survive_reopening_the_database(db: Database, database_url: str) -> None:
    stored = _sync(db)
    db.dispose()
    with Database(database_url) as reopened:
        reopened.migrate()
        assert not _sync(reopened).created
        assert versions.current_version(reopened, "la-crosse") == replace(stored, created=False)


# --- acknowledgements ------------------------------------------------------------------------


def test_acknowledging_twice_records_once(db: Database) -> None:
    version = _sync(db)
    first = _ack(db, version)
    second = _ack(db, version, now=LATER)
    assert first == AckResult(created=True, acknowledged_at=NOW, version=1)
    assert second == AckResult(created=False, acknowledged_at=NOW, version=1)
    rows = acks.list_acknowledgements(db, "la-crosse")
    assert [(r.platform, r.person, r.display_name, r.version) for r in rows] == [
        ("slack", "U1", "Pat", 1)
    ]
    assert rows[0].sha256 == version.sha256 and rows[0].acknowledged_at == NOW


def test_acknowledging_an_unknown_version_or_other_text_is_refused(db: Database) -> None:
    version = _sync(db)
    with pytest.raises(ValueError, match="no version 7"):
        _ack(db, VersionInfo("la-crosse", 7, version.sha256, "t", NOW, False))
    with pytest.raises(ValueError, match="different text"):
        _ack(db, VersionInfo("la-crosse", 1, "0" * 64, "t", NOW, False))
    assert acks.list_acknowledgements(db, "la-crosse") == []


def test_ack_status_says_a_newer_version_awaits(db: Database) -> None:
    v1 = _sync(db)

    def status() -> acks.AckStatus:
        return acks.ack_status(db, platform="slack", person="U1", policy_id="la-crosse")

    assert status() == acks.AckStatus("la-crosse", 1, None, None, up_to_date=False)
    _ack(db, v1)
    assert status() == acks.AckStatus("la-crosse", 1, 1, NOW, up_to_date=True)
    v2 = _sync(db, TEXT_V2, now=LATER)
    assert status() == acks.AckStatus("la-crosse", 2, 1, NOW, up_to_date=False)
    _ack(db, v2, now=LATER)
    assert status() == acks.AckStatus("la-crosse", 2, 2, LATER, up_to_date=True)


def test_list_acknowledgements_filters_by_version_and_orders_by_time(db: Database) -> None:
    v1 = _sync(db)
    _ack(db, v1, person="U2", now=NOW + timedelta(minutes=5))
    _ack(db, v1, person="U1", now=NOW)
    v2 = _sync(db, TEXT_V2, now=LATER)
    _ack(db, v2, person="U1", now=LATER)
    everyone = acks.list_acknowledgements(db, "la-crosse")
    assert [(r.person, r.version) for r in everyone] == [("U1", 1), ("U2", 1), ("U1", 2)]
    assert [r.person for r in acks.list_acknowledgements(db, "la-crosse", 2)] == ["U1"]


def test_two_threads_acknowledging_at_once_give_exactly_one_row(db: Database) -> None:
    version = _sync(db)
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    results: list[AckResult] = []
    errors: list[BaseException] = []

    def run() -> None:
        barrier.wait()
        try:
            results.append(_ack(db, version))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(result.created for result in results) == [False] * 7 + [True]
    assert len(acks.list_acknowledgements(db, "la-crosse")) == 1


# --- unanswered questions --------------------------------------------------------------------


def test_unanswered_questions_keep_no_identity_and_are_truncated(db: Database) -> None:
    _sync(db)
    unanswered.log_unanswered(
        db, policy_id="la-crosse", text="x" * 100_000, best_score=0.2, now=NOW
    )
    columns = {column["name"] for column in inspect(db.engine).get_columns("unanswered_questions")}
    # Who asked is never kept; who dismissed it (HR, "not a policy question") is.
    assert columns == {
        "id",
        "policy_id",
        "text",
        "best_score",
        "asked_at",
        "dismissed_at",
        "dismissed_by_id",
    }
    [row] = unanswered.list_unanswered(db)
    assert len(row.text) == unanswered.MAX_QUESTION_CHARS == 2_000
    assert (row.policy_id, row.best_score, row.asked_at) == ("la-crosse", 0.2, NOW)


def test_unanswered_questions_are_listed_newest_first(db: Database) -> None:
    _sync(db)
    versions.sync_policy_version(
        db, policy_id="lake-elmo", organization="o", title="t", text="x", source="s", now=NOW
    )
    for minutes, policy in [(0, "la-crosse"), (2, "lake-elmo"), (1, "la-crosse")]:
        when = NOW + timedelta(minutes=minutes)
        unanswered.log_unanswered(
            db, policy_id=policy, text=f"q{minutes}", best_score=0.1, now=when
        )
    assert [r.text for r in unanswered.list_unanswered(db)] == ["q2", "q1", "q0"]
    assert [r.text for r in unanswered.list_unanswered(db, "la-crosse")] == ["q1", "q0"]
    assert [r.text for r in unanswered.list_unanswered(db, limit=1)] == ["q2"]


def test_a_score_that_is_not_a_number_is_refused(db: Database) -> None:
    _sync(db)
    with pytest.raises(ValueError, match="finite"):
        unanswered.log_unanswered(
            db, policy_id="la-crosse", text="q", best_score=float("nan"), now=NOW
        )


# --- checklists ------------------------------------------------------------------------------


def _save_draft(db: Database, answers: dict[str, bool], now: datetime) -> progress.DraftRow:
    """Save the test person's draft in conversation C1."""
    return progress.save_checklist_draft(
        db,
        platform="teams",
        person="A1",
        conversation="C1",
        policy_id="la-crosse",
        version=1,
        answers=answers,
        draft_text="Proud of our crews today!",
        now=now,
    )


def test_drafts_upsert_and_survive_reopening(db: Database, database_url: str) -> None:
    _sync(db)
    first = _save_draft(db, {"q1": True}, NOW)
    second = _save_draft(db, {"q1": True, "q2": False}, LATER)
    assert first.started_at == second.started_at == NOW
    assert second.updated_at == LATER and second.answers == {"q1": True, "q2": False}
    db.dispose()
    with Database(database_url) as reopened:
        reopened.migrate()
        assert progress.load_checklist_draft(reopened, "teams", "A1", "C1") == second
        assert progress.load_checklist_draft(reopened, "teams", "A1", "C2") is None
        with reopened.engine.connect() as connection:
            count = connection.exec_driver_sql("SELECT COUNT(*) FROM checklist_drafts").scalar()
        assert count == 1


def test_deleting_a_draft(db: Database) -> None:
    _sync(db)
    _save_draft(db, {"q1": True}, NOW)
    assert progress.delete_checklist_draft(db, "teams", "A1", "C1") is True
    assert progress.delete_checklist_draft(db, "teams", "A1", "C1") is False
    assert progress.load_checklist_draft(db, "teams", "A1", "C1") is None


def test_checklist_results_are_recorded_and_listed(db: Database) -> None:
    _sync(db)
    result_id = progress.record_checklist_result(
        db,
        platform="console",
        person="alice",
        policy_id="la-crosse",
        version=1,
        verdict="revise",
        answers={"q1": True, "q2": False},
        reasons=["Identify the opinion as your own."],
        draft_text=None,
        now=NOW,
    )
    [row] = progress.list_checklist_results(db, "la-crosse")
    assert row == progress.ResultRow(
        result_id,
        "console",
        "alice",
        "la-crosse",
        1,
        "revise",
        {"q1": True, "q2": False},
        ["Identify the opinion as your own."],
        None,
        NOW,
    )
    assert progress.list_checklist_results(db, "lake-elmo") == []


def test_malformed_answers_and_reasons_are_refused(db: Database) -> None:
    _sync(db)
    with pytest.raises(ValueError, match="booleans"):
        _save_draft(db, {"q1": "yes"}, NOW)  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="list of strings"):
        progress.record_checklist_result(
            db,
            platform="console",
            person="alice",
            policy_id="la-crosse",
            version=1,
            verdict="ok",
            answers={},
            reasons="not a list",
            draft_text=None,
            now=NOW,
        )


# --- the clock -------------------------------------------------------------------------------


def test_aware_times_in_other_zones_come_back_as_the_same_instant_in_utc(db: Database) -> None:
    chicago = NOW.astimezone(timezone(timedelta(hours=-6)))
    stored = _sync(db, now=chicago)
    assert stored.published_at == NOW and stored.published_at.tzinfo is UTC


NAIVE = datetime(2025, 1, 2, 3, 4, 5)
CALLS: dict[str, Callable[[Database], Any]] = {
    "sync": lambda db: _sync(db, now=NAIVE),
    "acknowledge": lambda db: _ack(db, _sync(db), now=NAIVE),
    "log_unanswered": lambda db: unanswered.log_unanswered(
        db, policy_id="la-crosse", text="q", best_score=0.0, now=NAIVE
    ),
    "save_draft": lambda db: _save_draft(db, {}, NAIVE),
    "record_result": lambda db: progress.record_checklist_result(
        db,
        platform="console",
        person="a",
        policy_id="la-crosse",
        version=1,
        verdict="ok",
        answers={},
        reasons=[],
        draft_text=None,
        now=NAIVE,
    ),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_naive_datetimes_are_rejected(db: Database, name: str) -> None:
    _sync(db)
    with pytest.raises(ValueError, match="naive"):
        CALLS[name](db)

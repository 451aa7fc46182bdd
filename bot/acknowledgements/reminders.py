"""Reminding people who have not acknowledged the current version, and telling their supervisors.

Reminders start `remind_after_days` after a person was asked and repeat every
`remind_every_days`. Each reminder and each supervisor's summary is queued with a key naming its
round, so running the rounds twice, or on two workers at once, queues each message once.
HR can also remind on demand (`policybot remind`, the dashboard's "remind now").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.acknowledgements import acks
from bot.acknowledgements.report import AckReport, PersonStatus, ack_report
from bot.config import Config
from bot.delivery import outbox
from bot.messages import Button, Reply
from bot.storage import audit, rows
from bot.storage.database import Database
from bot.storage.models import Policy


@dataclass(frozen=True)
class Reminded:
    """How many reminders and supervisor summaries a pass queued."""

    people: int = 0
    supervisors: int = 0

    def __add__(self, other: Reminded) -> Reminded:
        return Reminded(self.people + other.people, self.supervisors + other.supervisors)


def run_due(db: Database, config: Config, now: datetime) -> Reminded:
    """Queue every reminder and supervisor summary whose time has come, for every policy."""
    with db.session() as session:
        policy_ids = list(session.scalars(select(Policy.id).order_by(Policy.id)))
    done = Reminded()
    for policy_id in policy_ids:
        done += _due_for(db, config, ack_report(db, config, policy_id), now)
    return done


def remind_now(
    db: Database,
    config: Config,
    policy_id: str,
    *,
    person_ids: Collection[int] | None = None,
    actor_id: int | None = None,
    now: datetime,
) -> Reminded:
    """Remind pending people now (all, or those listed) and summarize to their supervisors.

    Pressing twice within the same minute queues nothing more.
    """
    report = ack_report(db, config, policy_id)
    pending = [p for p in report.pending if person_ids is None or p.person_id in person_ids]
    tag = f"now-{rows.utc(now):%Y%m%dT%H%M}"
    rounds = {person.person_id: tag for person in pending}

    def work(session: Session) -> Reminded:
        done = _queue(session, report, pending, rounds, tag, now)
        audit.append(
            session,
            at=now,
            action="ack_reminded",
            actor_id=actor_id,
            policy=policy_id,
            version=report.version,
            people=done.people,
        )
        return done

    return rows.with_retry(db, work)


def _due_for(db: Database, config: Config, report: AckReport, now: datetime) -> Reminded:
    settings = config.acknowledgements
    after, every = (
        timedelta(days=settings.remind_after_days),
        timedelta(days=settings.remind_every_days),
    )
    rounds = {
        person.person_id: f"r{number}"
        for person in report.pending
        if (number := _round(person.pending_since, now, after, every))
    }
    due = [person for person in report.pending if person.person_id in rounds]
    summary_round = _round(report.asked_since, now, after, every)
    if not due:
        return Reminded()
    return rows.with_retry(
        db, lambda session: _queue(session, report, due, rounds, f"r{summary_round}", now)
    )


def _round(since: datetime | None, now: datetime, after: timedelta, every: timedelta) -> int:
    """Which reminder round is due (1, 2, ...) for someone asked at `since`; 0 for none yet."""
    if since is None or now < since + after:
        return 0
    return (now - since - after) // every + 1


def _queue(
    session: Session,
    report: AckReport,
    due: Sequence[PersonStatus],
    rounds: dict[int, str],
    summary_round: str,
    now: datetime,
) -> Reminded:
    """Queue each due person's reminder and each of their supervisors' summary, once per round."""
    title = session.get(Policy, report.policy_id)
    name = title.title if title else report.policy_id
    key = f"{report.policy_id}:{report.basis}"
    queued = outbox.enqueue_many(
        session,
        person_ids=[person.person_id for person in due],
        topic=f"ack_reminder:{report.policy_id}:{report.version}",
        reply=_reminder(report, name),
        now=now,
        dedupe_keys={
            p.person_id: f"ack-reminder:{key}:{p.person_id}:{rounds[p.person_id]}" for p in due
        },
    )
    teams = _teams(report, {person.supervisor_id for person in due})
    summaries = 0
    for supervisor_id, members in sorted(teams.items()):
        summaries += outbox.enqueue_many(
            session,
            person_ids=[supervisor_id],
            topic=f"ack_summary:{report.policy_id}:{report.version}",
            reply=_summary(report, name, members),
            now=now,
            dedupe_keys={supervisor_id: f"ack-summary:{key}:{supervisor_id}:{summary_round}"},
        ).queued
    return Reminded(queued.queued + queued.unreachable, summaries)


def _teams(report: AckReport, supervisors: set[int | None]) -> dict[int, list[PersonStatus]]:
    """Every pending person of each supervisor who has someone due, whoever was due now."""
    teams: dict[int, list[PersonStatus]] = defaultdict(list)
    for person in report.pending:
        if person.supervisor_id is not None and person.supervisor_id in supervisors:
            teams[person.supervisor_id].append(person)
    return teams


def _reminder(report: AckReport, title: str) -> Reply:
    asked = f"{report.asked_since:%Y-%m-%d}"
    return Reply(
        kind="ack_reminder",
        title=f"Reminder: {title}",
        text=(
            f"A reminder: please read version {report.version} of the {title} and "
            f"acknowledge it. You were asked on {asked}. Type 'changes {report.policy_id}' to "
            "see what changed."
        ),
        buttons=(
            Button(f"I acknowledge version {report.version}", f"ack {report.policy_id}", "primary"),
        ),
        data={"policy": report.policy_id, "version": report.version},
    )


def obsolete_reminder(session: Session, person_id: int, reply: Reply) -> str | None:
    """Why a reminder to acknowledge is no longer wanted at send time: the person acknowledged
    since it was queued, or a newer version overtook it (its own reminders will come), or the
    policy is gone."""
    policy_id, version = str(reply.data.get("policy")), reply.data.get("version")
    current = acks.current_version(session, policy_id)
    if current is None:
        return f"the policy {policy_id} is no longer on record"
    if isinstance(version, int) and version < current:
        return f"version {version} was overtaken by version {current}"
    if acks.person_up_to_date(session, person_id, policy_id):
        return "the person acknowledged the policy after the reminder was queued"
    return None


def obsolete_summary(session: Session, person_id: int, reply: Reply) -> str | None:
    """A supervisor's summary is no longer wanted once a newer version overtook it."""
    policy_id, version = str(reply.data.get("policy")), reply.data.get("version")
    current = acks.current_version(session, policy_id)
    if current is None:
        return f"the policy {policy_id} is no longer on record"
    if isinstance(version, int) and version < current:
        return f"version {version} was overtaken by version {current}"
    return None


def _summary(report: AckReport, title: str, members: list[PersonStatus]) -> Reply:
    lines = "\n".join(
        f"• {person.name} (asked {person.pending_since:%Y-%m-%d})"
        for person in sorted(members, key=lambda p: p.name)
        if person.pending_since is not None
    )
    count = len(members)
    who = "person on your team has" if count == 1 else "people on your team have"
    return Reply(
        kind="ack_team_summary",
        title=f"Your team and the {title}",
        text=(
            f"{count} {who} not acknowledged version {report.version} of the {title} yet:\n"
            f"{lines}\nThey have been reminded; a word from you helps."
        ),
        data={"policy": report.policy_id, "version": report.version, "pending": count},
    )

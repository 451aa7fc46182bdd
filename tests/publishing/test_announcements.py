"""Announcements to the organization, HR's review flags, scheduled and on-demand reminders with
supervisor summaries, and the acknowledgement and feedback reports."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bot.acknowledgements import reminders
from bot.app import App
from tests.conftest import Clock
from tests.publishing.conftest import (
    ELMO_PEOPLE,
    LA_CROSSE,
    LA_CROSSE_PHOTOS,
    LAX_PEOPLE,
    outbox,
    publish,
    say,
)
from tests.publishing.test_cli import run


def test_everyone_of_the_organization_is_told_once(app: App) -> None:
    _, result = publish(app, "policy.txt", LA_CROSSE_PHOTOS, effective="2026-12-01")
    rows = outbox(app, "policy_update")
    assert Counter(who for who, _, _ in rows) == Counter(LAX_PEOPLE)  # once each
    assert not ELMO_PEOPLE & {who for who, _, _ in rows}  # Lake Elmo's people are not told
    assert result.announced == len(LAX_PEOPLE)
    reply = rows[0][2]
    assert reply.title == "City of La Crosse Social Media Policy: version 2"
    assert "What changed: 1 clause reworded." in reply.text
    assert [(b.label, b.command) for b in reply.buttons] == [
        ("I acknowledge version 2", "ack la-crosse")
    ]


def test_hr_is_asked_to_review_curated_phrasings_and_the_checklist(app: App) -> None:
    _, result = publish(app, "policy.txt", LA_CROSSE_PHOTOS)  # adds an exception: "unless"
    assert result.flags == (
        "the alternate phrasings of clause-9 may no longer fit",
        "the checklist's question 'city_material', question 'work_photos', outcome "
        "'city-material', outcome 'work-photos', signal 'confidential', signal 'city-logo', "
        "signal 'work-photos' cite clause-9, which version 2 rewords (adds a condition "
        "('unless')): set aside until HR re-points, edits or retires them",
    )
    [(who, _, notice)] = outbox(app, "review_flags")
    assert who == "hana"  # HR of La Crosse only, not Lake Elmo's HR
    assert "• the alternate phrasings of clause-9 may no longer fit" in notice.text
    assert not outbox(app, "review_flags:lake-elmo")
    everyone = {who for who, _, _ in outbox(app)}
    assert {who for who, topic, _ in outbox(app) if topic.startswith("review_flags")} == {"hana"}
    assert everyone == LAX_PEOPLE  # the announcement; HR's notice went to HR alone


def test_a_slight_rewording_is_followed_and_only_flagged(app: App) -> None:
    _, result = publish(app, "policy.txt", LA_CROSSE.replace("company-privileged", "privileged"))
    assert "the checklist's questions about clause-9 may need rewording" in result.flags
    assert app.library.checklist_state("la-crosse").set_aside == ()


def _pending_reminders(app: App) -> Counter[str]:
    return Counter(who for who, _, _ in outbox(app, "ack_reminder:la-crosse"))


def test_reminders_follow_the_schedule_and_supervisors_get_one_summary(
    app: App, clock: Clock
) -> None:
    publish(app, "policy.txt", LA_CROSSE_PHOTOS)
    assert say(app, "kim", "ack la-crosse").data["version"] == 2
    clock.advance(days=6, hours=23)
    assert reminders.run_due(app.db, app.config, clock()) == reminders.Reminded()
    assert _pending_reminders(app) == Counter()
    clock.advance(hours=1)  # 7 days after the announcement: round 1
    reminders.run_due(app.db, app.config, clock())
    assert _pending_reminders(app) == Counter(LAX_PEOPLE - {"kim"})
    summaries = {who: reply for who, _, reply in outbox(app, "ack_summary:la-crosse")}
    assert set(summaries) == {"sam", "max"}
    assert "1 person on your team has not acknowledged version 2" in summaries["sam"].text
    assert "• Pat Lee (asked 2026-11-02)" in summaries["sam"].text
    assert "Kim Ray" not in summaries["sam"].text  # Kim acknowledged
    assert "• Lou Park" in summaries["max"].text
    clock.advance(days=3)  # the same round again, as a second worker would: nothing more
    assert reminders.run_due(app.db, app.config, clock()) == reminders.Reminded()
    assert say(app, "pat", "ack la-crosse").kind == "ack"
    clock.advance(days=4)  # 14 days: round 2, without Pat now
    reminders.run_due(app.db, app.config, clock())
    assert _pending_reminders(app) == Counter(LAX_PEOPLE - {"kim"}) + Counter(
        LAX_PEOPLE - {"kim", "pat"}
    )
    assert Counter(who for who, _, _ in outbox(app, "ack_summary:la-crosse")) == Counter(
        {"sam": 1, "max": 2}
    )  # Sam's team is done; Max gets one summary per round


def test_remind_now_twice_in_a_minute_queues_once(app: App, clock: Clock) -> None:
    publish(app, "policy.txt", LA_CROSSE_PHOTOS)
    first = reminders.remind_now(app.db, app.config, "la-crosse", now=clock())
    clock.advance(seconds=30)
    again = reminders.remind_now(app.db, app.config, "la-crosse", now=clock())
    assert first.people == len(LAX_PEOPLE) and again.people == 0
    assert _pending_reminders(app) == Counter(LAX_PEOPLE)
    clock.advance(minutes=1)
    later = reminders.remind_now(app.db, app.config, "la-crosse", now=clock())
    assert later.people == len(LAX_PEOPLE)


def test_ack_report_by_department_and_per_person(app: App, config_file: Path) -> None:
    say(app, "pat", "ack")  # version 1
    publish(app, "policy.txt", LA_CROSSE_PHOTOS)
    say(app, "lou", "ack la-crosse")  # version 2
    say(app, "pat", "can I post photos of my crew?")
    say(app, "pat", "feedback clause-9 no")
    table = run("report", "acks", "--policy", "la-crosse", "--version", "2", config=config_file)
    assert table.returncode == 0, table.stderr
    assert (
        "City of La Crosse Social Media Policy, version 2: 1 of 6 people acknowledged (version 2 "
        "or later counts;" in table.stdout
    )
    departments = {line.split()[0]: line.split()[1:] for line in table.stdout.splitlines()[2:6]}
    assert departments["Library"][:3] == ["2", "1", "50%"]
    assert departments["Parks"][:3] == ["3", "0", "0%"]
    old = run("report", "acks", "--policy", "la-crosse", "--version", "1", "--csv",
              config=config_file)  # fmt: skip
    rows = {line.split(",")[0]: line.split(",") for line in old.stdout.splitlines()[1:]}
    assert rows["pat"][3:5] == ["acknowledged", "1"]
    current = run("report", "acks", "--policy", "la-crosse", "--csv", config=config_file)
    rows = {line.split(",")[0]: line.split(",") for line in current.stdout.splitlines()[1:]}
    assert set(rows) == LAX_PEOPLE
    assert rows["pat"][3:5] == ["pending", "1"] and rows["lou"][3:5] == ["acknowledged", "2"]
    feedback = run("report", "feedback", "--policy", "la-crosse", "--csv", config=config_file)
    assert feedback.stdout.splitlines() == ["policy,clause,helpful,not_helpful",
                                            "la-crosse,clause-9,0,1"]  # fmt: skip

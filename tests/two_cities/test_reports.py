"""`policybot report ...` in the terminal: every city by default (the operator's view), and
exactly one city's share with `--organization`, the same as that city's HR sees."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import update

from bot.app import App
from bot.conversation import feedback, unanswered
from bot.delivery import outbox
from bot.messages import Reply
from bot.storage.models import OutboxMessage
from tests.publishing.test_cli import run
from tests.two_cities.conftest import person, say, submit_request

LAX_ASKED = "can the parks crew livestream the fishing derby"
ELMO_ASKED = "may the snowplow drivers post route maps"


def _seed(app: App) -> None:
    """A request, a question, a vote, an undelivered message and an audited change per city."""
    now = app.bot.clock()
    submit_request(app, "pat", "la-crosse", "Post crew photos")
    submit_request(app, "lee", "lake-elmo", "Post snowplow route maps")
    for policy_id, text in (("la-crosse", LAX_ASKED), ("lake-elmo", ELMO_ASKED)):
        unanswered.log_unanswered(app.db, policy_id=policy_id, text=text, best_score=0.1, now=now)
    for policy_id, who in (("la-crosse", "pat"), ("lake-elmo", "lee")):
        feedback.record_feedback(
            app.db,
            platform="console",
            person=who,
            policy_id=policy_id,
            version=1,
            clause_id="clause-5",
            helpful=False,
            now=now,
        )
    with app.db.session() as session:
        for handle in ("pat", "lee"):
            outbox.enqueue(
                session,
                person_id=person(app, handle).id,
                topic=f"note:{handle}",
                reply=Reply(kind="note", text="hello"),
                now=now,
            )
        session.execute(update(OutboxMessage).values(status="unreachable"))
    assert say(app, "hal", "role add pat supervisor").kind == "people_changed"
    assert say(app, "erin", "role add lee supervisor").kind == "people_changed"


def test_reports_cover_every_city_unless_one_is_named(app: App, config_file: Path) -> None:
    _seed(app)

    def report(*args: str) -> str:
        done = run("report", *args, config=config_file)
        assert done.returncode == 0, done.stderr
        return done.stdout

    everything = report("authorizations", "--csv")
    assert "Post crew photos" in everything and "Post snowplow route maps" in everything
    la_crosse = report("authorizations", "--csv", "--organization", "lax")
    assert "Post crew photos" in la_crosse and "snowplow" not in la_crosse
    lake_elmo = report("authorizations", "--csv", "--organization", "elmo")
    assert "snowplow" in lake_elmo and "crew photos" not in lake_elmo

    audit = report("authorizations", "--audit", "--csv", "--organization", "lax")
    assert "Pat Lee" in audit and "Lee Moss" not in audit and "Erin Lind" not in audit
    assert "Lee Moss" in report("authorizations", "--audit", "--csv")

    questions = report("unanswered", "--csv", "--organization", "elmo")
    assert ELMO_ASKED in questions and LAX_ASKED not in questions
    assert LAX_ASKED in report("unanswered", "--csv")

    votes = report("feedback", "--csv", "--organization", "lax").splitlines()
    assert [row.split(",")[0] for row in votes[1:]] == ["la-crosse"]
    assert "lake-elmo" in report("feedback", "--csv")

    undelivered = report("undelivered", "--csv", "--organization", "lax")
    assert "Pat Lee" in undelivered and "Lee Moss" not in undelivered
    assert "Lee Moss" in report("undelivered", "--csv")

    people = report("acks", "--policy", "lake-elmo", "--csv", "--organization", "elmo")
    assert {line.split(",")[0] for line in people.splitlines()[1:]} == {"erin", "lou", "lee"}


def test_a_report_of_another_city_s_policy_or_an_unknown_city_is_refused(
    app: App, config_file: Path
) -> None:
    done = run("report", "acks", "--policy", "lake-elmo", "--organization", "lax",
               config=config_file)  # fmt: skip
    assert done.returncode == 2 and done.stdout == ""
    assert "'lake-elmo' is not one of that organization's" in done.stderr
    done = run("report", "unanswered", "--organization", "nowhere", config=config_file)
    assert done.returncode == 2
    assert "no organization 'nowhere' in app.yaml (known: lax, elmo)" in done.stderr

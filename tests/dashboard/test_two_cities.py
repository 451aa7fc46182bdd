"""La Crosse's HR on the dashboard, in a real Chromium against a real `policybot serve`: only
La Crosse is there. Lake Elmo's policy, people, requests, questions and exports are "not found"
(the same answer as for something that does not exist), whatever address or form is tried.
Lake Elmo's HR sees the mirror image, and the county HR named in `deployment_hr` sees both."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import APIResponse, BrowserContext, Page, expect
from sqlalchemy import select, update

from bot.acknowledgements import reminders
from bot.app import App, open_app
from bot.conversation import feedback, unanswered
from bot.delivery import outbox
from bot.hr_access.links import dashboard_secret, mint_link, read_token
from bot.hr_access.sessions import start_session
from bot.messages import Reply
from bot.storage.models import AlternatePhrasing, OutboxMessage, Person, UnansweredQuestion
from tests.dashboard import served
from tests.dashboard.served import sign_in, sign_in_link
from tests.two_cities.conftest import TWO_CITIES, say, submit_request

LAX_ASKED = "can the parks crew livestream the fishing derby"
ELMO_ASKED = "may the snowplow drivers post route maps"


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        f"dashboard: {{enabled: true, base_url: '{served.PENDING_BASE_URL}'}}\n" + TWO_CITIES
    )
    return path


@pytest.fixture
def app(config_file: Path, server: served.Server) -> Iterator[App]:
    application = open_app(str(config_file))
    yield application
    application.close()


def _seed(app: App) -> dict[str, int]:
    """In each city: a pending request, a question, a vote, an undelivered message, audited
    changes (a role, a reminder round, a dashboard sign-in); and a Lake Elmo employee's request
    under La Crosse's policy (his, so Lake Elmo's). Returns the ids of Lake Elmo's."""
    now = app.bot.clock()
    submit_request(app, "pat", "la-crosse", "Post crew photos")
    elmo_request = submit_request(app, "lee", "lake-elmo", "Post snowplow route maps")
    submit_request(app, "lee", "la-crosse", "Share the La Crosse parade stream")
    for policy_id, text in (("la-crosse", LAX_ASKED), ("lake-elmo", ELMO_ASKED)):
        unanswered.log_unanswered(app.db, policy_id=policy_id, text=text, best_score=0.1, now=now)
    feedback.record_feedback(
        app.db,
        platform="console",
        person="lee",
        policy_id="lake-elmo",
        version=1,
        clause_id="guideline-5",
        helpful=False,
        now=now,
    )
    assert say(app, "erin", "role add lee supervisor").kind == "people_changed"
    erin = _person_id(app, "erin")
    yesterday = now - timedelta(days=1)  # a reminder round of its own
    reminders.remind_now(app.db, app.config, "lake-elmo", actor_id=erin, now=yesterday)
    secret = dashboard_secret()
    link = mint_link(app.db, app.config, secret, erin, now=now)
    claim = read_token(secret, link.split("token=")[1], now=now, valid_for=timedelta(minutes=5))
    start_session(app.db, app.config, claim, now=now)
    with app.db.session() as session:
        outbox.enqueue(
            session,
            person_id=_person_id(app, "lee"),
            topic="note",
            reply=Reply(kind="note", text="hello"),
            now=now,
        )
        session.execute(update(OutboxMessage).values(status="unreachable"))
    with app.db.session() as session:
        question = session.scalars(
            select(UnansweredQuestion.id).where(UnansweredQuestion.text == ELMO_ASKED)
        ).one()
    return {"request": elmo_request, "question": question}


def _csrf(page: Page) -> str:
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    assert token
    return token


def _not_found(response: APIResponse) -> None:
    assert response.status == 404, (response.status, response.text()[:300])
    assert "Not found" in response.text()


def _reminders(app: App) -> list[str]:
    """Everyone a reminder was queued for, once per reminder."""
    query = select(Person.handle).join(OutboxMessage, OutboxMessage.person_id == Person.id)
    with app.db.session() as session:
        reminded = session.scalars(query.where(OutboxMessage.topic.startswith("ack_reminder:")))
        return sorted(reminded)


def test_la_crosse_hr_sees_and_acts_only_for_la_crosse(
    config_file: Path, server: served.Server, app: App, context: BrowserContext
) -> None:
    elmo = _seed(app)
    page = sign_in(context, sign_in_link(config_file, "hal"))
    main = page.get_by_role("main")
    policy = main.get_by_role("heading", name="City of La Crosse Social Media Policy")
    expect(policy).to_be_visible()
    expect(main).not_to_contain_text("Lake Elmo")
    expect(main.get_by_role("link", name="0 of 5 people (0%)")).to_be_visible()
    expect(main.get_by_role("region", name="Requests waiting for a decision")).to_contain_text(
        "1 request waits"
    )
    expect(main).not_to_contain_text("parade stream")
    served.screenshot(page, "20-two-cities-la-crosse-home")

    get, url = page.request.get, server.url
    for path in ("", "/acks", "/feedback", "/questions", "/questions?show=dismissed"):
        _not_found(get(f"{url}/dashboard/policies/lake-elmo{path}"))
    page.goto(f"{url}/dashboard/policies/lake-elmo/acks")
    expect(main).to_contain_text("there is no policy 'lake-elmo' (known: la-crosse)")

    page.goto(f"{url}/dashboard/approvals")
    requests = page.get_by_role("region", name="Pending requests")
    expect(requests).to_contain_text("Post crew photos")
    expect(requests).not_to_contain_text("snowplow")
    expect(requests).not_to_contain_text("parade stream")
    expect(page.get_by_role("link", name="Pending (1)")).to_be_visible()
    _not_found(get(f"{url}/dashboard/approvals/{elmo['request']}"))
    _not_found(get(f"{url}/dashboard/approvals?policy=lake-elmo"))

    exports = get(f"{url}/dashboard/exports").text()
    assert "lake-elmo" not in exports and "Lake Elmo" not in exports
    assert "snowplow" not in get(f"{url}/dashboard/exports/approvals.csv").text()
    audit = get(f"{url}/dashboard/exports/audit.csv").text()
    assert "Pat Lee" in audit and "Lee Moss" not in audit and "Erin Lind" not in audit
    assert "lake-elmo" not in audit
    assert "Lee Moss" not in get(f"{url}/dashboard/exports/undelivered.csv").text()
    for table in ("people", "pending", "unanswered", "feedback", "acknowledgements", "versions"):
        _not_found(get(f"{url}/dashboard/exports/{table}.csv?policy=lake-elmo"))

    csrf = _csrf(page)
    post = page.request.post
    reminded = _reminders(app)  # Lake Elmo's own round, yesterday
    _not_found(post(f"{url}/dashboard/policies/lake-elmo/remind", form={"csrf_token": csrf}))
    lee = str(_person_id(app, "lee"))
    post(f"{url}/dashboard/policies/la-crosse/remind", form={"csrf_token": csrf, "person_id": lee})
    assert _reminders(app) == reminded
    dismiss = {"csrf_token": csrf, "question_id": str(elmo["question"])}
    _not_found(post(f"{url}/dashboard/policies/lake-elmo/questions/dismiss", form=dismiss))
    post(f"{url}/dashboard/policies/la-crosse/questions/dismiss", form=dismiss)
    assert _dismissed(app) == []
    phrasing = {"csrf_token": csrf, "clause_id": "guideline-6", "text": ELMO_ASKED}
    _not_found(post(f"{url}/dashboard/policies/lake-elmo/phrasings", form=phrasing))
    with app.db.session() as session:
        assert session.scalars(select(AlternatePhrasing.id)).all() == []  # nothing taught


def test_lake_elmo_hr_sees_lake_elmo_and_county_hr_sees_both(
    config_file: Path, server: served.Server, app: App, context: BrowserContext
) -> None:
    _seed(app)
    page = sign_in(context, sign_in_link(config_file, "erin"))
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=2)).to_have_text([re.compile("Lake Elmo")])
    expect(main.get_by_role("link", name="0 of 3 people (0%)")).to_be_visible()
    page.goto(f"{server.url}/dashboard/policies/lake-elmo/questions")
    expect(main).to_contain_text(ELMO_ASKED)
    page.goto(f"{server.url}/dashboard/approvals")
    expect(page.get_by_role("region", name="Pending requests")).to_contain_text("snowplow")
    _not_found(page.request.get(f"{server.url}/dashboard/policies/la-crosse"))

    county = sign_in(context, sign_in_link(config_file, "cora"))
    headings = county.get_by_role("main").get_by_role("heading", level=2)
    expect(headings).to_have_text([re.compile("La Crosse"), re.compile("Lake Elmo")])
    county.goto(f"{server.url}/dashboard/approvals")
    pending = county.get_by_role("region", name="Pending requests")
    expect(pending).to_contain_text("snowplow")
    expect(pending).to_contain_text("crew photos")
    served.screenshot(county, "21-two-cities-county-approvals")


def _person_id(app: App, handle: str) -> int:
    with app.db.session() as session:
        return session.scalars(select(Person.id).where(Person.handle == handle)).one()


def _dismissed(app: App) -> list[str]:
    query = select(UnansweredQuestion.text).where(UnansweredQuestion.dismissed_at.is_not(None))
    with app.db.session() as session:
        return list(session.scalars(query))

"""HR's dashboard in a real headless Chromium, against a real `policybot serve` process.

Sign-in links come from the terminal bot (`policybot chat --user hal`, typing `dashboard`);
what the pages change is checked in the database and through `policybot ask`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, expect
from sqlalchemy import select

from bot.app import App, open_app
from bot.approvals import authorizations
from bot.config import load_config
from bot.conversation import feedback
from bot.hr_access.links import dashboard_secret, mint_link
from bot.people import directory
from bot.people.scope import hr_scope
from bot.storage.models import OutboxMessage, Person
from tests.dashboard import served
from tests.dashboard.served import chat, policybot, screenshot, sign_in, sign_in_link

QUESTION = "is a bumper sticker for my kid's team ok on the plow truck"
SAME_QUESTION = "is a sports bumper sticker ok on the plow truck"


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n"
        "  - {id: lax, name: City of La Crosse, policy: la-crosse, hr_contact: HR at City Hall}\n"
        f"dashboard: {{enabled: true, base_url: '{served.PENDING_BASE_URL}'}}\n"
        "people:\n"
        "  - {handle: hal, name: Hal Ortiz, department: Human Resources, roles: [employee, hr]}\n"
        "  - {handle: hana, name: Hana Berg, department: Human Resources, roles: [hr]}\n"
        "  - {handle: pat, name: Pat Lee, department: Parks, supervisor: sam}\n"
        "  - {handle: sam, name: Sam Ortiz, department: Parks, roles: [supervisor]}\n"
        "  - {handle: ada, name: Ada Moss, department: Communications,"
        " roles: [social_media_administrator]}\n"
    )
    return path


@pytest.fixture
def app(config_file: Path, server: served.Server) -> Iterator[App]:
    """The same deployment, opened in the test to check and seed the database."""
    application = open_app(str(config_file))
    yield application
    application.close()


def asked(config: Path, question: str) -> dict[str, object]:
    done = policybot(config, "ask", "--policy", "la-crosse", "--json", question)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_hr_signs_in_from_chat_reminds_and_teaches_the_bot(
    config_file: Path, server: served.Server, app: App, context: BrowserContext, tmp_path: Path
) -> None:
    _seed_history(config_file, app, tmp_path)
    assert asked(config_file, QUESTION)["answered"] is False
    assert "I've noted the question" in chat(config_file, "pat", SAME_QUESTION)

    page = sign_in(context, sign_in_link(config_file, "hal"))
    expect(page.get_by_text("Signed in as Hal Ortiz")).to_be_visible()
    screenshot(page, "01-home")

    page.goto(f"{server.url}/dashboard/policies/la-crosse")
    expect(
        page.get_by_role("heading", name="Version 1 to version 2: 1 clause reworded")
    ).to_be_visible()
    expect(page.locator("del").filter(has_text="encouraged")).to_be_visible()
    expect(page.locator("ins").filter(has_text="expected")).to_be_visible()
    screenshot(page, "02-versions")

    page.get_by_role("link", name="Acknowledgements").click()
    pending = page.get_by_role("region", name="People not acknowledged yet")
    expect(pending.get_by_role("row", name="Pat Lee")).to_be_visible()
    expect(page.get_by_role("cell", name="Parks")).to_be_visible()
    screenshot(page, "03-acknowledgements")
    page.get_by_role("button", name="Remind now Pat Lee").click()
    expect(page.get_by_role("status")).to_contain_text("1 reminder(s) queued")
    queued = page.get_by_role("region", name="Reminders queued")
    expect(queued.get_by_role("row", name="Pat Lee")).to_be_visible()
    screenshot(page, "04-reminded")
    assert _reminders(app) == ["pat"]

    page.get_by_role("link", name="Unanswered questions").click()
    group = page.get_by_role("region", name=re.compile(r"^2 questions like .*bumper sticker"))
    expect(group).to_be_visible()
    screenshot(page, "05-questions")
    group.get_by_label("Clause that answers it").select_option("clause-4")
    group.get_by_role("button", name="Add as a phrasing").click()
    expect(page.get_by_role("status")).to_contain_text("Phrasing added")
    expect(page.get_by_text("The bot now answers this with clause 4")).to_be_visible()
    screenshot(page, "06-phrasing-added")
    answer = asked(config_file, QUESTION)
    assert answer["answered"] is True
    assert answer["matches"][0]["clause"] == "clause-4"  # type: ignore[index]

    page.get_by_role("link", name="Helpful or not").click()
    expect(page.get_by_role("row", name="clause 9")).to_contain_text("1")
    screenshot(page, "07-feedback")

    page.get_by_role("link", name="Approvals").click()
    page.get_by_role("link", name="#1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request #1: pending")
    trail = page.get_by_role("region", name="Audit trail")
    expect(trail.get_by_role("row", name="requested")).to_contain_text("Pat Lee")
    # in words, as the chat says them: never a clause's or a role's id
    # Request #2 needed two approvals and was denied by the first: the other is shown in words
    page.goto(f"{server.url}/dashboard/approvals/2")
    expect(page.get_by_role("heading", level=1)).to_have_text("Request #2: denied")
    expect(
        page.get_by_text("social media administrator: not needed (request denied)")
    ).to_be_visible()
    expect(page.get_by_text("supervisor: denied by Sam Ortiz")).to_be_visible()
    screenshot(page, "08-approval")

    csv = page.request.get(f"{server.url}/dashboard/exports/unanswered.csv?policy=la-crosse")
    assert csv.ok and "'=cmd" in csv.text() and QUESTION in csv.text()

    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("link", name="Policies").click()
    screenshot(page, "09-home-phone")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Signed out")).to_be_visible()
    page.goto(f"{server.url}/dashboard/")
    expect(page.get_by_role("heading", name="Please sign in")).to_be_visible()


def test_links_cookies_and_forms_that_do_not_get_in(
    config_file: Path, server: served.Server, app: App, context: BrowserContext, browser: Browser
) -> None:
    assert "for HR staff" in chat(config_file, "pat", "dashboard")
    page = context.new_page()

    for link, complaint in [
        (_minted(app, "hal", datetime.now(UTC) - timedelta(minutes=11)), "has expired"),
        (_minted(app, "pat", datetime.now(UTC)), "for HR staff only"),
        (sign_in_link(config_file, "hal")[:-3] + "AAA", "not one PolicyBot made"),
    ]:
        response = page.goto(link)
        assert response is not None and response.status == 403
        expect(page.get_by_role("main")).to_contain_text(complaint)
    screenshot(page, "10-refused-link")

    link = sign_in_link(config_file, "hal")
    signed_in = sign_in(context, link)
    other = browser.new_context()
    try:
        reused = other.new_page()
        reused.goto(link)
        expect(reused.get_by_role("main")).to_contain_text("already used")
        other.add_cookies([{"name": "policybot_session", "value": "forged", "url": server.url}])
        response = reused.goto(f"{server.url}/dashboard/")
        assert response is not None and response.status == 401
    finally:
        other.close()

    remind = f"{server.url}/dashboard/policies/la-crosse/remind"
    for form in ({}, {"csrf_token": "guessed"}):
        refused = signed_in.request.post(remind, form=form)
        assert refused.status == 403 and "did not come from your dashboard" in refused.text()
    assert _reminders(app) == []


def test_a_role_removed_mid_session_loses_access(
    config_file: Path, server: served.Server, app: App, context: BrowserContext
) -> None:
    page = sign_in(context, sign_in_link(config_file, "hana"))
    hal = _person(app, "hal")
    within = hr_scope(app.config, hal).people()
    directory.remove_role(
        app.db, actor=hal, within=within, name="hana", role="hr", now=datetime.now(UTC)
    )
    response = page.goto(f"{server.url}/dashboard/policies/la-crosse/acks")
    assert response is not None and response.status == 403
    expect(page.get_by_role("main")).to_contain_text("no longer have the HR role")
    directory.add_role(
        app.db, actor=hal, within=within, name="hana", role="hr", now=datetime.now(UTC)
    )
    response = page.goto(f"{server.url}/dashboard/")
    assert response is not None and response.status == 401  # that session ended for good


def _seed_history(config: Path, app: App, tmp_path: Path) -> None:
    """A second version, an acknowledgement, a vote, a pending request, a formula question."""
    text = (Path("knowledge/policies/la-crosse/policy.txt")).read_text()
    changed = tmp_path / "policy-v2.txt"
    changed.write_text(text.replace("encouraged to be careful", "expected to be careful"))
    published = policybot(
        config, "policy", "publish", str(changed), "--policy", "la-crosse", "--yes", "--by", "hal"
    )
    assert published.returncode == 0, published.stderr
    chat(config, "sam", "ack", '=cmd|" /C calc"!A0')
    now = datetime.now(UTC)
    feedback.record_feedback(
        app.db,
        platform="console",
        person="sam",
        policy_id="la-crosse",
        version=2,
        clause_id="clause-9",
        helpful=True,
        now=now,
    )
    fields = authorizations.RequestFields(
        outcome_id="needs_supervisor",
        clauses=("clause-5",),
        roles=("supervisor",),
        what="Post crew photos",
        why="Recruiting",
        place="Facebook",
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=30),
    )
    authorizations.submit(
        app.db,
        requester=_person(app, "pat"),
        policy_id="la-crosse",
        version=2,
        fields=fields,
        now=now,
    )
    both = replace(fields, roles=("supervisor", "social_media_administrator"))
    second = authorizations.submit(
        app.db,
        requester=_person(app, "pat"),
        policy_id="la-crosse",
        version=2,
        fields=both,
        now=now,
    )
    authorizations.decide(
        app.db,
        actor=_person(app, "sam"),
        request_id=second.id,
        approve=False,
        comment="Not this month",
        now=now,
    )


def _minted(app: App, handle: str, issued: datetime) -> str:
    secret = dashboard_secret()
    config = load_config(Path(app.config.source))
    return mint_link(app.db, config, secret, _person(app, handle).id, now=issued)


def _person(app: App, handle: str) -> directory.PersonInfo:
    found = directory.person_on(app.db, "console", handle, datetime.now(UTC))
    assert found is not None
    return found


def _reminders(app: App) -> list[str]:
    query = (
        select(Person.handle)
        .join(OutboxMessage, OutboxMessage.person_id == Person.id)
        .where(OutboxMessage.topic.startswith("ack_reminder:la-crosse:"))
    )
    with app.db.session() as session:
        return sorted(session.scalars(query))

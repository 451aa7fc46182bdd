"""HR's home page and unanswered questions, as HR meets them in a real Chromium.

The home page shows each policy at a glance (completion, who is overdue, requests waiting and
for how long, this week's questions), each linking to its page; the questions come newest
first in groups with their counts, and chit-chat is dismissed as "not a policy question":
gone from the list and the counts, kept on record (audited) and restorable. Clauses appear by
citation and title, never by id. Dates are relative to today, as the server runs on the real
clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect
from sqlalchemy import update

from bot.app import App, open_app
from bot.approvals import authorizations
from bot.conversation import feedback, unanswered
from bot.people import directory
from bot.storage import audit
from bot.storage.models import AuthorizationRequest, Person, PolicyVersion
from tests.dashboard import served
from tests.dashboard.served import policybot, sign_in, sign_in_link

CHIT_CHAT = [("hi", timedelta(days=2)), ("thanks!", timedelta(days=1)), ("1", timedelta(0))]
PARADE = [
    ("can I post photos of the parade on instagram", timedelta(days=3)),
    ("could I put parade photos on my instagram", timedelta(hours=5)),
]
OLD = ("is tiktok allowed at my desk", timedelta(days=20))


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n"
        "  - {id: lax, name: City of La Crosse, policy: la-crosse, hr_contact: HR at City Hall}\n"
        "  - {id: elmo, name: City of Lake Elmo, policy: lake-elmo}\n"
        f"dashboard: {{enabled: true, base_url: '{served.PENDING_BASE_URL}'}}\n"
        "acknowledgements: {remind_after_days: 7, remind_every_days: 7}\n"
        "people:\n"
        "  - {handle: hal, name: Hal Ortiz, department: Human Resources, roles: [hr]}\n"
        "  - {handle: sam, name: Sam Ortiz, department: Parks, roles: [supervisor]}\n"
        "  - {handle: pat, name: Pat Lee, department: Parks, supervisor: sam}\n"
        "  - {handle: kim, name: Kim Ray, department: Library, supervisor: sam}\n"
        "  - {handle: lou, name: Lou Park, department: Library, supervisor: sam}\n"
    )
    return path


@pytest.fixture
def app(config_file: Path, server: served.Server) -> Iterator[App]:
    application = open_app(str(config_file))
    yield application
    application.close()


def _seed(app: App, config_file: Path) -> None:
    """Asked ten days ago: Pat and Kim (overdue), Sam acknowledged; Lou joined two days ago.
    Pat's request has waited three days; questions over the last weeks; a vote on clause 9."""
    now = datetime.now(UTC)
    with app.db.session() as session:
        session.execute(update(PolicyVersion).values(published_at=now - timedelta(days=10)))
        for handle, joined in (("pat", 10), ("kim", 9), ("sam", 10), ("hal", 1), ("lou", 2)):
            session.execute(
                update(Person)
                .where(Person.handle == handle)
                .values(created_at=now - timedelta(days=joined))
            )
    served.chat(config_file, "sam", "ack")
    for text, ago in [*CHIT_CHAT, *PARADE, OLD]:
        unanswered.log_unanswered(
            app.db, policy_id="la-crosse", text=text, best_score=0.1, now=now - ago
        )
    feedback.record_feedback(
        app.db,
        platform="console",
        person="sam",
        policy_id="la-crosse",
        version=1,
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
        starts_on=now.date(),
        ends_on=now.date() + timedelta(days=30),
    )
    pat = directory.person_on(app.db, "console", "pat", now)
    assert pat is not None
    view = authorizations.submit(
        app.db, requester=pat, policy_id="la-crosse", version=1, fields=fields, now=now
    )
    with app.db.session() as session:
        session.execute(
            update(AuthorizationRequest)
            .where(AuthorizationRequest.id == view.id)
            .values(created_at=now - timedelta(days=3, hours=2))
        )


def test_home_shows_each_policy_at_a_glance_with_links(
    config_file: Path, server: served.Server, app: App, context: BrowserContext
) -> None:
    _seed(app, config_file)
    page = sign_in(context, sign_in_link(config_file, "hal"))
    policy = page.get_by_role("region", name="City of La Crosse Social Media Policy")
    expect(policy.get_by_role("link", name="1 of 5 people (20%)")).to_be_visible()
    expect(policy).to_contain_text("2 people have not acknowledged 7 days after being asked")
    overdue = policy.get_by_role("region", name="Overdue")
    expect(overdue).to_contain_text("Pat Lee (Parks)")
    expect(overdue).to_contain_text("Kim Ray (Library)")
    expect(overdue).not_to_contain_text("Lou Park")  # asked two days ago: pending, not overdue
    expect(policy).to_contain_text(
        "#1 Pat Lee: Post crew photos, waiting 3 days for Sam Ortiz (Pat Lee's supervisor)"
    )
    week = policy.get_by_role("link", name="5 questions in the last 7 days, in 2 groups")
    expect(week).to_be_visible()
    expect(policy).to_contain_text("3 like “1”")
    served.screenshot(page, "11-home-at-a-glance")

    policy.get_by_role("link", name=re.compile("^Remind them")).click()
    expect(page).to_have_url(re.compile(r"/dashboard/policies/la-crosse/acks#pending$"))
    pending = page.get_by_role("region", name="People not acknowledged yet")
    expect(pending.get_by_role("row", name="Pat Lee")).to_contain_text("overdue")
    expect(pending.get_by_role("row", name="Lou Park")).not_to_contain_text("overdue")

    page.goto(f"{server.url}/dashboard/")
    page.get_by_role("link", name="#1 Pat Lee: Post crew photos").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request #1: pending")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(
        "City of La Crosse Social Media Policy, clause 5: Social media during work hours or on "
        "city equipment"
    )
    expect(page.get_by_role("main")).not_to_contain_text("clause-5")
    trail = page.get_by_role("region", name="Audit trail")
    expect(trail.get_by_role("row", name="requested")).to_contain_text("roles: supervisor")

    page.goto(f"{server.url}/dashboard/policies/la-crosse/feedback")
    expect(
        page.get_by_role("row", name=re.compile("^clause 9: City name and logo"))
    ).to_be_visible()
    page.goto(f"{server.url}/dashboard/")
    page.get_by_role("link", name="All requests waiting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Authorization requests: City of La Crosse Social Media Policy"
    )


def test_questions_newest_first_in_groups_and_chit_chat_dismissed(
    config_file: Path, server: served.Server, app: App, context: BrowserContext
) -> None:
    _seed(app, config_file)
    page = sign_in(context, sign_in_link(config_file, "hal"))
    page.get_by_role("link", name="5 questions in the last 7 days, in 2 groups").click()
    tabs = page.get_by_role("navigation", name="Which questions")
    expect(tabs.get_by_role("link", name="Last 7 days (5)")).to_have_attribute(
        "aria-current", "page"
    )
    expect(tabs.get_by_role("link", name="All (6)")).to_be_visible()
    groups = page.locator("section.group h3")
    expect(groups).to_have_text(
        ["3 questions like “1”", f"2 questions like “{PARADE[1][0]}”"]
    )  # the newest group first, each led by its newest question
    chit_chat = page.get_by_role("region", name="3 questions like “1”")
    expect(chit_chat.get_by_role("listitem")).to_have_text(
        [re.compile("^“1”"), re.compile("^“thanks!”"), re.compile("^“hi”")]
    )
    served.screenshot(page, "12-questions-this-week")

    chit_chat.get_by_role("button", name="Dismiss all 3 like “1” as not policy questions").click()
    expect(page.get_by_role("status")).to_have_text(
        "3 question(s) dismissed as not policy questions."
    )
    expect(tabs.get_by_role("link", name="Last 7 days (2)")).to_be_visible()
    expect(tabs.get_by_role("link", name="All (3)")).to_be_visible()
    expect(groups).to_have_text([f"2 questions like “{PARADE[1][0]}”"])

    parade = page.get_by_role("region", name=f"2 questions like “{PARADE[1][0]}”")
    parade.get_by_role("button", name=f"Not a policy question: “{PARADE[0][0]}”").click()
    expect(groups).to_have_text([f"1 question like “{PARADE[1][0]}”"])

    tabs.get_by_role("link", name="Dismissed (4)").click()
    dismissed = page.get_by_role("region", name="Dismissed questions")
    expect(dismissed.get_by_role("row", name="“thanks!”")).to_contain_text("by Hal Ortiz")
    served.screenshot(page, "13-questions-dismissed")
    dismissed.get_by_role("button", name="Restore “hi”").click()
    expect(page.get_by_role("status")).to_have_text("1 question(s) restored to the list.")
    expect(tabs.get_by_role("link", name="Dismissed (3)")).to_be_visible()
    expect(dismissed).not_to_contain_text("“hi”")

    page.goto(f"{server.url}/dashboard/")
    expect(
        page.get_by_role("link", name="2 questions in the last 7 days, in 2 groups")
    ).to_be_visible()

    actions = [(e.actor, e.action, e.details["count"]) for e in audit.entries(app.db)
               if e.action.startswith("questions_")]  # fmt: skip
    assert actions == [
        ("Hal Ortiz", "questions_dismissed", 3),
        ("Hal Ortiz", "questions_dismissed", 1),
        ("Hal Ortiz", "questions_restored", 1),
    ]
    report = policybot(config_file, "report", "unanswered")
    assert report.returncode == 0, report.stderr
    assert "thanks!" not in report.stdout and PARADE[1][0] in report.stdout
    assert "3 dismissed by HR as not policy questions are not listed" in report.stdout
    exported = page.request.get(f"{server.url}/dashboard/exports/unanswered.csv?policy=la-crosse")
    rows = [line for line in exported.text().splitlines() if "thanks!" in line]
    assert len(rows) == 1 and rows[0].endswith(",Hal Ortiz")  # the record is kept

"""Clause titles HR gives (follow their clause; a cut-off sentence is never a title), HR's
`checklist review` in chat, and `check` while HR has published no checklist."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import App
from bot.messages import Incoming, Reply
from bot.people import directory
from bot.policies.titles import TitleError, set_title
from bot.publishing.checklists import editable_text, publish_checklist
from tests.checklists.policies import MAPLE_FALLS, MAPLE_FALLS_TITLE, la_crosse_version_2
from tests.conftest import Clock
from tests.publishing.conftest import publish


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n"
        "  - {id: lax, name: City of La Crosse, policy: la-crosse, hr_contact: HR at City Hall}\n"
        "people:\n"
        "  - {handle: hana, name: Hana Ito, department: HR, roles: [hr], console: hana}\n"
        "  - {handle: pat, name: Pat Lee, department: Parks, console: pat}\n"
    )
    return path


def say(app: App, who: str, text: str, policy: str = "la-crosse") -> list[Reply]:
    return app.bot.handle(Incoming("console", who, f"console:{who}", text, who, policy))


def test_a_title_follows_its_clause_and_shows_in_answers_and_choices(
    app: App, clock: Clock
) -> None:
    hana = directory.person_on(app.db, "console", "hana", clock())
    pat = directory.person_on(app.db, "console", "pat", clock())
    assert hana is not None and pat is not None
    with pytest.raises(TitleError, match="Only HR"):
        set_title(app.db, app.library, actor=pat, policy_id="la-crosse", clause_id="clause-10",
                  title="Links", now=clock())  # fmt: skip
    with pytest.raises(TitleError, match="at most 12 words"):
        set_title(app.db, app.library, actor=hana, policy_id="la-crosse", clause_id="clause-10",
                  title="word " * 13, now=clock())  # fmt: skip
    set_title(app.db, app.library, actor=hana, policy_id="la-crosse", clause_id="clause-10",
              title="Linking a City site to your page", now=clock())  # fmt: skip
    answer = say(app, "pat", "can I link the parks website to my blog?")[-1]
    assert answer.text.startswith("Linking a City site to your page:")
    assert answer.quote is not None and answer.quote.clause_title == answer.title

    publish(app, "policy-v2.txt", la_crosse_version_2())  # clause 10 is now clause 11
    policy = app.library.policy("la-crosse")
    assert policy.clause("clause-11").title == "Linking a City site to your page"
    new = policy.clause("clause-10")  # the AI clause: no title, a long first sentence
    assert not new.titled and new.caption == "Clause 10"
    again = say(app, "pat", "can I link the parks website to my blog?")[-1]
    assert again.text.startswith("Linking a City site to your page:")


def test_untitled_clauses_are_never_headed_by_a_cut_off_sentence(app: App) -> None:
    publish(app, "maple.md", MAPLE_FALLS, policy_id="maple-falls", title=MAPLE_FALLS_TITLE)
    policy = app.library.policy("maple-falls")
    for clause in policy.clauses:
        assert not clause.caption.endswith("…")
        assert clause.caption == clause.label.capitalize() or clause.text.startswith(clause.caption)
    answer = say(app, "pat", "can I share a pending contract online?", "maple-falls")[-1]
    assert not answer.text.splitlines()[0].rstrip(":").endswith("…")


def test_titles_in_a_published_checklist_file_become_the_clauses_titles(
    app: App, clock: Clock
) -> None:
    text = editable_text(app.library, "la-crosse")
    assert "titles:\n  preamble: Employees' right to use social media\n" in text
    edited = text.replace(
        "  clause-11: Social media and legal discovery", "  clause-11: Subpoenas and discovery"
    )
    done = publish_checklist(
        app.db,
        app.library,
        policy_id="la-crosse",
        text=edited,
        source="checklist.yaml",
        by="hana",
        by_person_id=None,
        now=clock(),
    )
    assert done.titles == ("clause-11",)
    assert app.library.policy("la-crosse").clause("clause-11").caption == "Subpoenas and discovery"


def test_hr_reviews_in_chat_and_employees_are_told_whom_to_ask(app: App) -> None:
    publish(app, "policy-v2.txt", la_crosse_version_2())
    review = say(app, "hana", "checklist review")[-1]
    assert review.kind == "checklist_review"
    assert "1 item(s) set aside" in review.text
    assert "reminder 'legal-discovery'" in review.text and "Version 2 removed it." in review.text
    assert say(app, "pat", "checklist review")[-1].kind == "refused"
    assert "checklist review" in say(app, "hana", "help")[-1].text
    assert "checklist review" not in say(app, "pat", "help")[-1].text

    publish(app, "maple.md", MAPLE_FALLS, policy_id="maple-falls", title=MAPLE_FALLS_TITLE)
    early = say(app, "pat", "check", "maple-falls")[-1]
    assert early.kind == "checklist_unavailable"
    assert "HR has not published" in early.text and "Hana Ito" in early.text
    assert "proposed" in say(app, "hana", "checklist review maple-falls")[-1].text

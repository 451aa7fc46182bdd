"""A city the bot has never seen: a single-city deployment (no `organizations` in app.yaml)
publishes its own policy, gets a proposed checklist, HR reviews and publishes it, and an
employee walks it to a verdict citing that city's clauses."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import open_app
from bot.messages import Incoming, reply_from_dict
from bot.storage.models import OutboxMessage, Person
from tests.checklists.policies import MAPLE_FALLS, MAPLE_FALLS_TITLE
from tests.publishing.test_cli import run

CITATION = f"{MAPLE_FALLS_TITLE}, clause"


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "default_policy: maple-falls\n"
        "people:\n"
        "  - {handle: hana, name: Hana Ito, department: Human Resources, roles: [hr]}\n"
        "  - {handle: sam, name: Sam Ortiz, department: Streets, roles: [supervisor]}\n"
        "  - {handle: pat, name: Pat Lee, department: Streets, supervisor: sam}\n"
    )
    return path


def chat(config: Path, user: str, *lines: str) -> str:
    done = run("chat", "--user", user, config=config, stdin="".join(f"{x}\n" for x in lines))
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_new_city_gets_a_proposed_checklist_that_goes_live_when_hr_publishes_it(
    config_file: Path, database_url: str, tmp_path: Path
) -> None:
    document = tmp_path / "maple-falls-social-media.md"
    document.write_text(MAPLE_FALLS, encoding="utf-8")
    published = run("policy", "publish", str(document), "--policy", "maple-falls", "--title",
                    MAPLE_FALLS_TITLE, "--yes", "--by", "hana", config=config_file)  # fmt: skip
    assert published.returncode == 0, published.stderr  # no --organization, no app.yaml edit
    assert "Everyone at City of Maple Falls will be asked to acknowledge it." in published.stdout
    assert "a checklist was proposed from the clauses of the new" in published.stdout

    # Until HR publishes it, `check` says so and whom to ask; nothing goes to employees' chats
    # but the announcement.
    early = chat(config_file, "pat", "check")
    assert 'HR has not published a "can I post this?" checklist for the ' in early
    assert "(Hana Ito)" in early and "Question 1" not in early
    app = open_app(str(config_file))
    try:
        with app.db.session() as session:
            queued = [
                (handle, topic, reply_from_dict(reply))
                for handle, topic, reply in session.execute(
                    select(Person.handle, OutboxMessage.topic, OutboxMessage.reply)
                    .join(Person, Person.id == OutboxMessage.person_id)
                    .order_by(OutboxMessage.id)
                )
            ]
    finally:
        app.close()
    assert {h for h, t, _ in queued if t.startswith("policy_update:maple-falls")} == {
        "hana", "sam", "pat"
    }  # fmt: skip
    review = [(h, r) for h, t, r in queued if t.startswith("review_flags")]
    assert [h for h, _ in review] == ["hana"]
    assert "checklist show --policy maple-falls" in review[0][1].text

    # HR reviews the proposal: every usual rule the policy states has its question.
    shown = run("checklist", "show", "--policy", "maple-falls", config=config_file)
    assert "NOT LIVE" in shown.stdout
    proposal = run("checklist", "show", "--policy", "maple-falls", "--yaml",
                   config=config_file).stdout  # fmt: skip
    assert proposal.startswith("# PROPOSED checklist for the City of Maple Falls")
    for question, clause in [
        ("work_time_and_devices", "clause-1"),
        ("confidential_information", "clause-2"),
        ("disclaimer", "clause-3"),
        ("official_capacity", "clause-4"),
        ("city_name_and_logo", "clause-5"),
        ("harassment_and_discrimination", "clause-6"),
        ("political_activity", "clause-7"),
    ]:
        assert f"- id: {question}\n" in proposal
        block = proposal.split(f"- id: {question}\n", 1)[1].split("\n\n", 1)[0]
        assert f"clauses: [{clause}]" in block, question
    assert "disclaimer: These views are my own and not those of the City of Maple Falls." in (
        proposal
    )
    assert "approvers: [supervisor]" in proposal  # clause 1: "unless their supervisor approves"
    edited = tmp_path / "checklist.yaml"
    edited.write_text(
        proposal.replace(
            "Does the post share confidential, privileged or non-public information",
            "Does the post share confidential information, a personnel matter, a pending "
            "contract, or information",
        ),
        encoding="utf-8",
    )
    done = run("checklist", "publish", str(edited), "--policy", "maple-falls", "--by", "hana",
               config=config_file)  # fmt: skip
    assert done.returncode == 0, done.stderr

    # An employee walks it: sharing a pending contract is "do not post", citing clause 2.
    app = open_app(str(config_file))
    try:
        reply = app.bot.handle(_typed("check"))[-1]
        asked = []
        while reply.kind == "checklist_question":
            asked.append(reply.data["question"])
            yes = "a personnel matter, a pending contract" in reply.text
            reply = app.bot.handle(_typed("yes" if yes else "no"))[-1]
    finally:
        app.close()
    assert "confidential_information" in asked and len(asked) >= 7
    assert reply.text.startswith("Verdict: Do not post.")
    assert f"({CITATION} 2)" in reply.text
    assert f"({CITATION} 8)" in reply.text  # the discipline reminder
    assert "La Crosse" not in reply.text


def _typed(text: str) -> Incoming:
    """What pat types in the terminal (no --policy: the deployment's default policy)."""
    return Incoming("console", "pat", "console:pat", text, "pat")

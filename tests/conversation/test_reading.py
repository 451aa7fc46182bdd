"""Reading the whole policy in chat before acknowledging it: page by page, every clause once,
in the document's order, with its number; the acknowledgement prompt offers it."""

from __future__ import annotations

from pathlib import Path

from bot.app import App
from bot.messages import Incoming, Reply
from tests.console.test_cli import run


def say(app: App, text: str, policy: str = "la-crosse", person: str = "ana") -> Reply:
    return app.bot.handle(Incoming("console", person, f"c-{person}", text, person, policy))[-1]


def read_all(app: App, policy: str) -> list[Reply]:
    pages = [say(app, "show me the whole policy", policy)]
    while "Next page" in " ".join(button.label for button in pages[-1].buttons):
        pages.append(say(app, "more", policy))
        assert len(pages) < 50, "the pages never end"
    return pages


def test_every_clause_is_shown_once_in_order_with_its_number(app: App) -> None:
    for policy_id in ("la-crosse", "lake-elmo"):
        policy = app.library.policy(policy_id)
        pages = read_all(app, policy_id)
        text = "\n".join(page.text for page in pages)
        positions = [text.find(clause.text[:60]) for clause in policy.clauses]
        assert -1 not in positions, policy_id
        assert positions == sorted(positions), "clauses out of the document's order"
        assert all(text.count(clause.text[:60]) == 1 for clause in policy.clauses)
        assert len(pages) > 1 and pages[0].title and "page 1 of" in pages[0].title
        assert "That is the whole policy" in pages[-1].text
        assert [b.command for b in pages[-1].buttons] == ["ack"]
    la_crosse = "\n".join(page.text for page in read_all(app, "la-crosse"))
    assert "Clause 9" in la_crosse and "Clause 11" in la_crosse
    lake_elmo = "\n".join(page.text for page in read_all(app, "lake-elmo"))
    assert "Guideline 6" in lake_elmo


def test_more_with_nothing_being_read_says_how_to_start(app: App) -> None:
    reply = say(app, "more")
    assert reply.kind == "policy_page_none" and "'policy'" in reply.text


def test_the_acknowledgement_prompt_offers_reading(app: App) -> None:
    status = say(app, "status")
    assert "policy" in [button.command for button in status.buttons]
    assert "'policy'" in status.text


def test_the_terminal_pages_through_the_policy(config_file: Path) -> None:
    result = run("chat", "--user", "ana", config=config_file, stdin="policy\nmore\nmore\n")
    assert result.returncode == 0, result.stderr
    assert "Page 1 of" in result.stdout and "Clause 1" in result.stdout
    assert "Clause 11" in result.stdout and "That is the whole policy" in result.stdout

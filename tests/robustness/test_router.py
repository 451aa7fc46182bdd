"""PolicyBot.handle on arbitrary sequences of messages: replies, never an exception, and a
refused command writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.app import App
from bot.messages import Incoming, Reply
from bot.storage.models import Base
from tests.approvals.conftest import STAFF

COMMANDS = [
    "approve", "deny", "reject", "approve #", "withdraw", "withdraw request", "feedback",
    "role add", "role remove", "supervisor set", "request authorization",
    "request authorization needs-supervisor check", "request", "check", "check:", "ack",
    "status", "inbox", "requests", "show", "keep draft", "cancel", "back", "restart", "yes",
    "no", "help", "1", "2", "0", "choose", "show clause-9",
]  # fmt: skip
JUNK = [
    "99999999999999999999", "-1", "0", "1", "2", "x maybe", "pat", "sam to pat", "pat hr",
    "pat supervisor", "pat to pat", "stranger to pat", "clause-9 yes", "clause-99 no", "to",
    "= =", "#", "1 looks fine", "2026-13-45", "", "🙂", "\u0000", "'; DROP TABLE people; --",
]  # fmt: skip
PEOPLE = ["pat", "sam", "max", "dana", "alex", "hana", "lou", "stranger"]
REFUSED = {"refused", "request_refused", "error", "no_question_waiting", "checklist_gone", "usage"}

arguments = st.one_of(
    st.sampled_from(JUNK),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(max_size=40),
)
messages = st.one_of(
    st.builds(lambda word, junk: f"{word} {junk}", st.sampled_from(COMMANDS), arguments),
    st.sampled_from(COMMANDS),
    st.text(max_size=120),
)
conversations = st.lists(st.tuples(st.sampled_from(PEOPLE), messages), min_size=1, max_size=8)


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n"
        "  - {id: lax, name: City of La Crosse, policy: la-crosse, hr_contact: HR at City Hall}\n"
        + STAFF
    )
    return path


def row_counts(app: App) -> dict[str, int]:
    """How many rows each table holds."""
    with app.db.session() as session:
        return {
            table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


def send(app: App, person: str, text: str) -> list[Reply]:
    return app.bot.handle(Incoming("console", person, f"console:{person}", text, person))


def test_any_conversation_gets_replies_and_refusals_write_nothing(app: App) -> None:
    @given(conversations)
    def conversation(turns: list[tuple[str, str]]) -> None:
        for person, text in turns:
            before = row_counts(app)
            replies = send(app, person, text)
            assert replies and all(isinstance(reply, Reply) and reply.text for reply in replies)
            if replies[-1].kind in REFUSED:
                assert row_counts(app) == before, (person, text, replies[-1].text)

    conversation()


@pytest.mark.parametrize(
    ("person", "text", "says"),
    [
        ("pat", "approve 99999999999999999999", "There is no request #99999999999999999999"),
        ("sam", "deny #99999999999999999999 no", "There is no request #99999999999999999999"),
        ("pat", "withdraw 99999999999999999999", "There is no request #99999999999999999999"),
        ("pat", "feedback x maybe", "feedback CLAUSE yes"),
        ("pat", "approve 12abc", "approve N [comment]"),
        ("hana", "role add", "role add NAME ROLE"),
        ("hana", "role add stranger hr", "I don't know anyone called"),
        ("hana", "supervisor set", "supervisor set NAME to NAME"),
        ("lou", "supervisor set pat to sam", "Only HR"),
    ],
)
def test_junk_command_arguments_are_refused_and_change_nothing(
    app: App, person: str, text: str, says: str
) -> None:
    """Found by the property above: a request number beyond any id overflowed the driver;
    command words with missing arguments were taken for questions and logged for HR."""
    before = row_counts(app)
    [reply] = send(app, person, text)
    assert says in reply.text
    assert row_counts(app) == before


def test_a_checklist_result_number_beyond_any_id_is_not_linked(app: App) -> None:
    """`request authorization KIND check N` with a huge N starts the request, unlinked."""
    [reply] = send(app, "pat", "request authorization needs-supervisor check 99999999999999999999")
    assert reply.kind == "request_question"

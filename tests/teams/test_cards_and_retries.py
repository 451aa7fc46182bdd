"""Card rendering and the retry policy, as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.teams.cards import neutralise, render
from adapters.teams.retry import ConnectorError, RetryPolicy, parse_retry_after, with_retries
from bot.messages import Button, Reply


def test_peoples_words_in_a_card_cannot_become_links_or_formatting() -> None:
    echoed = "Sorry, I didn't understand '[win](https://evil.example) **now** _x_'."
    card = render(Reply(kind="error", text=echoed, title="Oops"))["attachments"][0]["content"]
    [title, text] = card["body"]
    assert title["text"] == "Oops"
    assert text["text"] == (
        "Sorry, I didn't understand '\\[win\\](https://evil.example) \\*\\*now\\*\\* \\_x\\_'."
    )
    assert card["fallbackText"] == echoed  # the plain-text fallback keeps the words as typed


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("- not a list", "\\- not a list"),
        ("1. not a list", "1\\. not a list"),
        ("{{DATE(2026-11-02T15:30:00Z)}}", "{\u200b{DATE(2026-11-02T15:30:00Z)}}"),
        ("plain words (clause 9), 1.5 hours, -5 degrees", None),
    ],
)
def test_markdown_and_card_functions_are_neutralised(typed: str, shown: str | None) -> None:
    assert neutralise(typed) == (shown or typed)


def test_a_short_notice_is_a_plain_text_message_not_a_card() -> None:
    activity = render(Reply(kind="ack", text="Thank you. I recorded **that**."))
    assert activity == {
        "type": "message",
        "text": "Thank you. I recorded **that**.",
        "textFormat": "plain",  # shown as typed: no Markdown
    }


def test_button_styles_follow_the_reply() -> None:
    reply = Reply(
        kind="checklist_question",
        text="Question 1",
        buttons=(Button("Yes", "checklist q yes", "primary"), Button("Cancel", "x", "danger")),
    )
    card = render(reply)["attachments"][0]["content"]
    [actions] = [element for element in card["body"] if element["type"] == "ActionSet"]
    assert [action.get("style") for action in actions["actions"]] == ["positive", "destructive"]


def test_backoff_grows_with_jitter_and_stops_after_the_last_attempt() -> None:
    policy = RetryPolicy(attempts=4, base_seconds=1, max_seconds=5)
    assert policy.delay(1, None, rand=lambda: 0.5) == 1
    assert policy.delay(2, None, rand=lambda: 0.5) == 2
    assert policy.delay(3, None, rand=lambda: 0.99) == pytest.approx(5)  # capped
    assert policy.delay(3, None, rand=lambda: 0.0) == 2
    assert policy.delay(4, None) is None


def test_retry_after_is_honoured_unless_longer_than_the_limit() -> None:
    policy = RetryPolicy(attempts=4, base_seconds=1, max_seconds=5)
    assert policy.delay(1, 3.0) == 3.0
    assert policy.delay(1, 60.0) is None


def test_retry_after_is_read_as_seconds_or_an_http_date() -> None:
    now = datetime(2026, 11, 2, 15, 30, tzinfo=UTC)
    assert parse_retry_after("7", now) == 7.0
    assert parse_retry_after("Mon, 02 Nov 2026 15:30:12 GMT", now) == 12.0
    assert parse_retry_after("Mon, 02 Nov 2026 15:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


async def test_only_try_again_answers_are_retried() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    answers = [ConnectorError(429, "slow down", 2.0), ConnectorError(502, "bad gateway")]

    async def call() -> str:
        if answers:
            raise answers.pop(0)
        return "posted"

    policy = RetryPolicy(attempts=4, base_seconds=0.5, max_seconds=10)
    assert await with_retries(call, policy, sleep) == "posted"
    assert waits[0] == 2.0  # as Retry-After said
    assert 0.5 <= waits[1] <= 1.5  # second attempt: 2 x 0.5 s, with jitter

    async def forbidden() -> str:
        raise ConnectorError(403, "the bot is not in this conversation")

    with pytest.raises(ConnectorError, match="403"):
        await with_retries(forbidden, policy, sleep)
    assert len(waits) == 2


def test_the_faster_msrest_retry_policy_retries_exactly_the_same_status_codes() -> None:
    """gateway.py makes msrest's safe codes a frozenset (5 ms less per connector client);
    the retry policy built from them must be the one msrest's list gives."""
    from msrest.universal_http.requests import ClientRetryPolicy

    import adapters.teams.gateway  # noqa: F401  (applies the change)

    assert isinstance(ClientRetryPolicy.safe_codes, frozenset)
    safe_as_msrest_lists_them = [i for i in range(500) if i != 408] + [501, 505]
    expected = [i for i in range(999) if i not in safe_as_msrest_lists_them]
    assert ClientRetryPolicy().policy.status_forcelist == expected
    assert expected[:4] == [408, 500, 502, 503]

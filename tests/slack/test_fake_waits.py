"""The fake Slack's `wait_for` sees what the bot posts after the first thing it waited for, so
a duplicate reply cannot hide behind the first one."""

from __future__ import annotations

from tests.slack.fake_slack import FakeSlack


async def test_wait_for_returns_what_arrived_until_the_bot_was_done() -> None:
    fake = FakeSlack()
    posted: list[str] = ["the answer"]

    async def bot_finishing() -> None:
        posted.append("the same answer again")  # a duplicate, sent before the bot is idle

    fake.settle = bot_finishing
    seen = await fake.wait_for(lambda: list(posted))
    assert seen == ["the answer", "the same answer again"]


async def test_wait_for_fails_when_a_count_awaited_is_overtaken() -> None:
    fake = FakeSlack()
    posted: list[str] = ["one", "two"]

    async def bot_finishing() -> None:
        posted.append("three")

    fake.settle = bot_finishing
    try:
        await fake.wait_for(lambda: len(posted) == 2)
    except AssertionError as error:
        assert "no longer holds" in str(error)
    else:
        raise AssertionError("a third message after the two awaited went unnoticed")

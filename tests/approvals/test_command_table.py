"""Help is the command table: what someone is offered they may use, and what they may not use
gets a polite reason instead of an answer (and is not logged as an unanswered question)."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.conversation import unanswered
from bot.messages import Incoming
from tests.approvals.conftest import say

# What a person would type for each help line: a name with its placeholders filled in.
TYPED = {
    "approve N": "approve 42",
    "deny N": "deny 42 not now",
    "publish ID": "publish la-crosse",
    "role add NAME ROLE": "role add Lou Park supervisor",
    "supervisor set NAME to NAME": "supervisor set Lou Park to Sam Ortiz",
}


def listed(text: str) -> list[str]:
    """The command names a help text lists (two-space indented lines)."""
    names = []
    for line in text.splitlines():
        name = line.strip().split("  ")[0]
        if line.startswith("  ") and name and name != "a question":
            names.append(name)
    return names


@pytest.mark.parametrize("who", ["pat", "sam", "hana", "lou", "visitor"])
def test_every_command_offered_is_one_the_person_may_use(app: App, who: str) -> None:
    offered = listed(say(app, who, "help").text)
    assert offered, "help lists no commands"
    for name in offered:
        reply = say(app, who, TYPED.get(name, name))
        refusals = {c.refusal for c in app.bot.commands.commands if c.name == name}
        assert reply.text not in refusals, (who, name, reply.text)
        assert reply.kind not in ("answer", "unknown", "did_you_mean"), (who, name, reply.kind)


def test_hr_commands_typed_by_an_employee_are_refused_with_the_reason(app: App) -> None:
    for text, reason in [
        ("publish la-crosse", "Only HR can publish"),
        ("role add Lou Park hr", "Only HR can change people's roles"),
        ("supervisor set Lou Park to Pat Lee", "Only HR can change"),
        ("dashboard", "The dashboard is for HR staff"),
    ]:
        reply = say(app, "pat", text)
        assert reply.kind == "refused" and reason in reply.text, (text, reply.text)
    assert unanswered.list_unanswered(app.db) == []


def test_hr_is_offered_what_no_employee_is(app: App) -> None:
    employee = set(listed(say(app, "pat", "help").text))
    hr = set(listed(say(app, "hana", "help").text))
    assert {"publish ID", "dashboard", "role add NAME ROLE"} <= hr - employee


def test_a_command_typed_wrong_gets_its_form(app: App) -> None:
    for text, form in [
        ("approve", "approve N [comment]"),
        ("withdraw", "withdraw N"),
        ("role add", "role add NAME ROLE"),
        ("feedback clause-9 maybe", "feedback CLAUSE yes"),
    ]:
        reply = app.bot.handle(Incoming("console", "hana", "console:hana", text, "hana"))[-1]
        assert reply.kind == "usage" and form in reply.text, (text, reply.text)

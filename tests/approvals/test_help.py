"""Help lists what each person can do: approvers and HR also see their own commands."""

from __future__ import annotations

from bot.app import App
from bot.messages import Incoming
from tests.approvals.conftest import say


def test_an_employee_sees_the_employee_commands_only(app: App) -> None:
    text = say(app, "pat", "help").text
    for command in ("check", "ack", "status", "changes", "request", "requests"):
        assert f"  {command} " in text, command
    assert "inbox" not in text and "publish" not in text and "dashboard" not in text


def test_a_supervisor_also_sees_how_to_decide(app: App) -> None:
    text = say(app, "sam", "help").text
    assert "As an approver:" in text and "approve N" in text and "deny N" in text
    assert "As HR:" not in text


def test_hr_also_sees_publishing_the_dashboard_and_the_staff_commands(app: App) -> None:
    text = say(app, "hana", "help").text
    for command in ("publish ID", "dashboard", "role add NAME ROLE", "supervisor set NAME"):
        assert command in text, command


def test_someone_not_on_the_staff_list_gets_the_employee_help(app: App) -> None:
    text = say(app, "visitor", "help").text
    assert "request" in text and "As HR:" not in text


def test_requests_are_not_offered_for_a_policy_that_authorizes_nothing(app: App) -> None:
    reply = app.bot.handle(Incoming("console", "hana", "console:hana", "help", "hana", "lake-elmo"))
    text = reply[-1].text
    assert "Lake Elmo" in text and "  request " not in text and "inbox" not in text
    assert "publish ID" in text  # HR publishes whatever the policy

"""A staff list for the approval tests: an employee, their supervisor and the link approvers."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import App
from bot.messages import Incoming, Reply

STAFF = """
people:
  - {handle: pat, name: Pat Lee, department: Parks, supervisor: sam, slack: U-PAT}
  - {handle: sam, name: Sam Ortiz, department: Parks, supervisor: max, roles: [supervisor]}
  - {handle: max, name: Max Chen, department: Parks, roles: [supervisor, department_director]}
  - {handle: dana, name: Dana Fox, department: Parks, roles: [department_director]}
  - {handle: alex, name: Alex Kim, department: IT, roles: [social_media_administrator]}
  - {handle: hana, name: Hana Ito, department: HR, roles: [hr]}
  - {handle: lou, name: Lou Park, department: Library}
approvals: {remind_after_hours: 48, escalate_after_hours: 120}
"""


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


def say(app: App, who: str, text: str) -> Reply:
    """What the bot answers `who` in their terminal (the last reply)."""
    return app.bot.handle(Incoming("console", who, f"console:{who}", text, who, "la-crosse"))[-1]


def request(
    app: App,
    who: str = "pat",
    kind: str = "needs-supervisor",
    start: str = "2026-11-10",
    end: str = "2026-12-31",
) -> int:
    """Walk the request dialog to the end and return the new request's number."""
    say(app, who, f"request authorization {kind}")
    say(app, who, "Post the pool reopening photos on the Parks Facebook page")
    say(app, who, "The pool reopens and residents ask when")
    say(app, who, "Parks Facebook page, from my work computer")
    say(app, who, start)
    say(app, who, end)
    sent = say(app, who, "yes")
    assert sent.kind == "request_sent", sent.text
    return int(sent.data["request"])  # type: ignore[call-overload]

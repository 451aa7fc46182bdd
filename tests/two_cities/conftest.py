"""Two cities on one deployment: La Crosse and Lake Elmo, each with its HR, a supervisor and an
employee; one La Crosse employee with no organization on record (the default one's); and a
county HR person app.yaml names as deployment-wide."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.approvals import authorizations
from bot.messages import Incoming, Reply
from bot.people import directory

TWO_CITIES = """
organizations:
  - {id: lax, name: City of La Crosse, policy: la-crosse, hr_contact: HR at City Hall}
  - {id: elmo, name: City of Lake Elmo, policy: lake-elmo, hr_contact: the Lake Elmo City Clerk}
deployment_hr: [cora]
people:
  - {handle: hal, name: Hal Ortiz, department: Human Resources, roles: [hr], organization: lax}
  - {handle: sam, name: Sam Ortiz, department: Parks, roles: [supervisor], organization: lax}
  - {handle: pat, name: Pat Lee, department: Parks, supervisor: sam, organization: lax}
  - {handle: una, name: Una Field, department: Parks, supervisor: sam}
  - {handle: erin, name: Erin Lind, department: Administration, roles: [hr], organization: elmo}
  - {handle: lou, name: Lou Berg, department: Public Works, roles: [supervisor], organization: elmo}
  - {handle: lee, name: Lee Moss, department: Public Works, supervisor: lou, organization: elmo}
  - {handle: cora, name: Cora Vance, department: County HR, roles: [hr], organization: lax}
"""
LA_CROSSE_PEOPLE = {"hal", "sam", "pat", "una", "cora"}
LAKE_ELMO_PEOPLE = {"erin", "lou", "lee"}


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text("database:\n  path: data/bot.sqlite3\n" + TWO_CITIES)
    return path


def say(app: App, who: str, text: str, policy: str | None = None) -> Reply:
    """What the bot answers `who` in their terminal (the last reply)."""
    return app.bot.handle(Incoming("console", who, f"console:{who}", text, who, policy))[-1]


def person(app: App, handle: str) -> directory.PersonInfo:
    found = directory.person_on(app.db, "console", handle, app.bot.clock())
    assert found is not None, handle
    return found


def roles(app: App, handle: str) -> set[str]:
    return set(person(app, handle).roles)


def submit_request(app: App, requester: str, policy_id: str, what: str) -> int:
    """A pending authorization request, as the request dialog would record it."""
    today = app.bot.clock().date()
    fields = authorizations.RequestFields(
        outcome_id="needs_supervisor",
        clauses=("clause-5",),
        roles=("supervisor",),
        what=what,
        why="Recruiting",
        place="Facebook",
        starts_on=today,
        ends_on=today + timedelta(days=30),
    )
    view = authorizations.submit(
        app.db,
        requester=person(app, requester),
        policy_id=policy_id,
        version=1,
        fields=fields,
        now=app.bot.clock(),
    )
    return view.id

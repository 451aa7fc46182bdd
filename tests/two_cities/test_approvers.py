"""One city's directors and social media administrator never decide another city's requests;
people with no organization on record are the default city's, for approvals as for HR."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.approvals import authorizations
from tests.two_cities.conftest import TWO_CITIES, person

APPROVERS = """
  - {handle: ada, name: Ada Lund, department: Administration, roles: [social_media_administrator], organization: elmo}
  - {handle: max, name: Max Ruiz, department: IT, roles: [social_media_administrator]}
  - {handle: dot, name: Dot Kerr, department: Parks, roles: [department_director], organization: elmo}
"""  # noqa: E501


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text("database:\n  path: data/bot.sqlite3\n" + TWO_CITIES + APPROVERS)
    return path


def request_needing(app: App, requester: str, roles: tuple[str, ...]) -> authorizations.RequestView:
    today = app.bot.clock().date()
    fields = authorizations.RequestFields(
        outcome_id="needs_link_permission",
        clauses=("clause-10",),
        roles=roles,
        what="Link my blog from the Parks page",
        why="Event photos",
        place="parks page",
        starts_on=today,
        ends_on=today + timedelta(days=30),
    )
    return authorizations.submit(
        app.db,
        requester=person(app, requester),
        policy_id="la-crosse",
        version=1,
        fields=fields,
        now=app.bot.clock(),
    )


def test_the_administrator_comes_from_the_requesters_city(app: App) -> None:
    for requester, expected in [("pat", "Max Ruiz"), ("una", "Max Ruiz"), ("lee", "Ada Lund")]:
        view = request_needing(app, requester, ("social_media_administrator",))
        assert [a.assigned_to for a in view.approvals] == [expected], requester


def test_another_citys_administrator_cannot_decide(app: App) -> None:
    view = request_needing(app, "pat", ("social_media_administrator",))
    with pytest.raises(authorizations.AuthorizationError):
        authorizations.decide(
            app.db,
            actor=person(app, "ada"),
            request_id=view.id,
            approve=True,
            comment=None,
            now=app.bot.clock(),
        )
    [approval] = authorizations.requests_of(app.db, person(app, "pat").id)[0].approvals
    assert approval.decision is None


def test_a_director_of_a_same_named_department_elsewhere_is_no_director_here(app: App) -> None:
    problem = authorizations.check_can_request(app.db, person(app, "pat"), ("department_director",))
    assert problem is not None and "Parks" in problem

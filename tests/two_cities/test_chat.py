"""HR's chat commands act only on their own city: roles, supervisors and publishing.

La Crosse's HR cannot change a Lake Elmo person's roles or supervisor, nor make a Lake Elmo
person anyone's supervisor, nor publish Lake Elmo's policy; to them, Lake Elmo's people are
people they do not know. Lake Elmo's HR can do each of these for Lake Elmo, and the county HR
app.yaml names in `deployment_hr` for both cities.
"""

from __future__ import annotations

from sqlalchemy import update

from bot.app import App
from bot.storage.models import Person, Policy
from tests.publishing.conftest import LAKE_ELMO, version_numbers
from tests.two_cities.conftest import person, roles, say

UNKNOWN = "I don't know anyone called"


def test_la_crosse_hr_cannot_change_lake_elmo_roles(app: App) -> None:
    refused = say(app, "hal", "role add lee supervisor")
    assert refused.kind == "refused" and UNKNOWN in refused.text
    assert roles(app, "lee") == {"employee"}
    refused = say(app, "hal", "role add Lee Moss department_director")  # by name, too
    assert refused.kind == "refused" and UNKNOWN in refused.text
    refused = say(app, "hal", "role remove lou supervisor")
    assert refused.kind == "refused" and UNKNOWN in refused.text
    refused = say(app, "hal", "role remove erin hr")
    assert refused.kind == "refused" and UNKNOWN in refused.text
    assert roles(app, "lou") == {"supervisor"} and roles(app, "erin") == {"hr"}

    done = "Done: Pat Lee now has the role supervisor"
    assert done in say(app, "hal", "role add pat supervisor").text
    # Una has no organization on record: she is the default organization's, La Crosse's.
    assert "Done: Una Field now has" in say(app, "hal", "role add una director").text
    assert "Done: Lee Moss now has" in say(app, "erin", "role add lee supervisor").text
    assert UNKNOWN in say(app, "erin", "role add una supervisor").text
    assert "Done: Lee Moss no longer has" in say(app, "cora", "role remove lee supervisor").text
    assert "Done: Pat Lee no longer has" in say(app, "cora", "role remove pat supervisor").text


def test_la_crosse_hr_cannot_set_lake_elmo_supervisors(app: App) -> None:
    refused = say(app, "hal", "supervisor set lee to sam")
    assert refused.kind == "refused" and UNKNOWN in refused.text
    refused = say(app, "hal", "supervisor set pat to lou")  # a Lake Elmo supervisor for Pat
    assert refused.kind == "refused" and UNKNOWN in refused.text
    assert person(app, "lee").supervisor_id == person(app, "lou").id
    assert person(app, "pat").supervisor_id == person(app, "sam").id

    assert "Done: Hal Ortiz is now Pat Lee's" in say(app, "hal", "supervisor set pat to hal").text
    assert UNKNOWN in say(app, "erin", "supervisor set lee to sam").text
    done = "Done: Cora Vance is now Lee Moss's"
    assert done in say(app, "cora", "supervisor set lee to cora").text


def test_la_crosse_hr_cannot_publish_lake_elmo_policy(app: App) -> None:
    refused = say(app, "hal", "publish lake-elmo")
    assert refused.kind == "refused"
    assert "another organization's policy" in refused.text
    pasted = say(app, "hal", LAKE_ELMO.replace("personal", "private"))
    assert pasted.kind != "publish_preview"  # nothing was waiting for a document
    assert version_numbers(app, "lake-elmo") == [(1, "seed")]

    assert say(app, "erin", "publish lake-elmo").kind == "publish_waiting"
    assert say(app, "erin", LAKE_ELMO.replace("personal", "private")).kind == "publish_preview"
    assert say(app, "erin", "publish confirm").kind == "published"
    assert version_numbers(app, "lake-elmo") == [(1, "seed"), (2, "published")]


def test_a_publication_is_checked_again_when_confirmed(app: App) -> None:
    """Erin starts publishing Lake Elmo's policy, then moves to La Crosse (a staff-list
    import): the confirmation is refused, because the policy is no longer her city's."""
    assert say(app, "erin", "publish lake-elmo").kind == "publish_waiting"
    assert say(app, "erin", LAKE_ELMO.replace("personal", "private")).kind == "publish_preview"
    with app.db.session() as session:
        session.execute(update(Person).where(Person.handle == "erin").values(organization="lax"))
    refused = say(app, "erin", "publish confirm")
    assert refused.kind == "publish_refused" and "another organization's policy" in refused.text
    assert version_numbers(app, "lake-elmo") == [(1, "seed")]


def test_a_new_policy_published_in_chat_belongs_to_the_hr_person_s_city(app: App) -> None:
    handbook = LAKE_ELMO.replace("Lake Elmo", "Lake Elmo Parks")
    assert say(app, "erin", 'publish elmo-parks --title "Lake Elmo Parks Handbook"').kind == (
        "publish_waiting"
    )
    preview = say(app, "erin", handbook)
    assert preview.kind == "publish_preview" and "City of Lake Elmo" in preview.text
    assert say(app, "erin", "publish confirm").kind == "published"
    with app.db.session() as session:
        stored = session.get(Policy, "elmo-parks")
        assert stored is not None and stored.organization == "City of Lake Elmo"
    refused = say(app, "hal", "publish elmo-parks")
    assert refused.kind == "refused" and "another organization's policy" in refused.text

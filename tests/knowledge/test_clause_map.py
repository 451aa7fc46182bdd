"""Clauses followed from one version to the next, and which rewordings change the rule.

The rewordings are written here by hand, the way HR edits a policy: tidy-ups that keep the rule
(follow silently) and changes of force, negation, exception, number or subject (need HR).
"""

from __future__ import annotations

import pytest

from knowledge.clause_map import content_kept, follow_clauses, material_change
from knowledge.models import PolicyMetadata
from knowledge.parser import parse_clauses
from knowledge.text import words

META = PolicyMetadata("toy", "Toy Policy", "Town of Toy", "test")
LINK = (
    "Employees should not link from a City internal or external web site to a personal social "
    "media site without the permission of their Department director and the assigned "
    "administrator."
)
PHOTOS = (
    "Employees cannot post the name, trademark or logo of the City, company-privileged "
    "information, including copyrighted information or city-issued documents, or photographs "
    "of other employees taken in their capacity as City employees."
)


@pytest.mark.parametrize(
    "new",
    [
        PHOTOS.replace("company-privileged", "privileged"),
        PHOTOS.replace("or photographs", "or photographs or video"),
        PHOTOS.replace("city-issued documents,", "City-issued documents;"),
        # one negation for another: still one rule against it
        LINK.replace("Employees should not link", "Employees should never link"),
    ],
)
def test_tidy_rewordings_keep_the_rule(new: str) -> None:
    old = PHOTOS if new.startswith("Employees cannot") else LINK
    assert material_change(old, new) is None


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (PHOTOS, PHOTOS.replace("employees.", "employees, unless they agree in writing."),
         "adds a condition ('unless')"),
        (LINK, LINK.replace("should not link", "should link"), "drops a negation ('not')"),
        (LINK, LINK.replace("should not", "must not"), "'should' became 'must'"),
        ("Employees are encouraged to be careful.", "Employees are required to be careful.",
         "'encouraged' became 'required'"),
        ("Approvals expire after 30 days.", "Approvals expire after 90 days.",
         "changes a number ('30' became '90')"),
        (LINK, "Employees should not post photos of residents taken at City events without "
               "written consent.", "keeps only"),
    ],
)  # fmt: skip
def test_rewordings_that_change_the_rule_say_how(old: str, new: str, reason: str) -> None:
    found = material_change(old, new)
    assert found is not None and reason in found


def test_content_kept_is_one_for_the_same_words_and_low_for_another_rule() -> None:
    assert content_kept(words(LINK), words(LINK)) == 1.0
    assert content_kept(words(LINK), words(PHOTOS)) < 0.4


def test_inserting_rewording_and_removing_clauses_are_each_followed() -> None:
    old = parse_clauses(
        f"Preamble text of the toy policy.\n\n1. {PHOTOS}\n2. {LINK}\n3. Be kind.", META
    )
    new = parse_clauses(
        "Preamble text of the toy policy.\n\n"
        f"1. {PHOTOS.replace('company-privileged', 'privileged')}\n"
        "2. Do not post images made with artificial intelligence.\n"
        f"3. {LINK}\n",
        META,
    )
    followed = follow_clauses(old, new)
    assert followed.get("preamble").kind == "same"  # type: ignore[union-attr]
    photos = followed.get("clause-1")
    assert photos is not None and photos.kind == "reworded" and photos.new_id == "clause-1"
    link = followed.get("clause-2")
    assert link is not None and link.kind == "renumbered" and link.new_id == "clause-3"
    kind = followed.get("clause-3")
    assert kind is not None and kind.kind == "removed" and kind.new_id is None
    assert [clause.id for clause in followed.added] == ["clause-2"]
    assert followed.get("clause-9") is None

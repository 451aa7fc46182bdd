"""Real situations walked through the seed checklists, question by question, to their verdicts.

Each scenario lists the questions the employee is asked, in order, with their answers; the walk
fails if the engine asks anything else, so the branching is checked along with the verdict.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.checklist import Checklist, Question, Verdict, load_policy_checklist

POLICIES = Path(__file__).resolve().parents[2] / "knowledge" / "policies"
LA_CROSSE_CLAUSES = frozenset({"preamble", *(f"clause-{n}" for n in range(1, 12))})
LAKE_ELMO_CLAUSES = frozenset({"introduction", "scope", *(f"guideline-{n}" for n in range(1, 7))})
LA_CROSSE_DISCLAIMER = (
    "The opinions expressed on this site are my own and do not reflect the "
    "opinions of the City of La Crosse."
)
LAKE_ELMO_DISCLAIMER = (
    "I am an employee of the City of Lake Elmo. However, these are my own "
    "opinions and do not represent those of the City of Lake Elmo."
)
YES, NO = True, False


@pytest.fixture(scope="module")
def la_crosse() -> Checklist:
    return load_policy_checklist(POLICIES / "la-crosse", LA_CROSSE_CLAUSES)


@pytest.fixture(scope="module")
def lake_elmo() -> Checklist:
    return load_policy_checklist(POLICIES / "lake-elmo", LAKE_ELMO_CLAUSES)


def walk(checklist: Checklist, steps: list[tuple[str, bool]]) -> Verdict:
    """Answer the questions in order, checking each is the one the engine asks next."""
    answers: dict[str, bool] = {}
    for question_id, answer in steps:
        step = checklist.next_step(answers)
        assert isinstance(step, Question), f"expected question {question_id!r}, got a verdict"
        assert step.id == question_id
        answers[question_id] = answer
    verdict = checklist.next_step(answers)
    assert isinstance(verdict, Verdict), f"expected the end, got question {verdict.id!r}"
    return verdict


def reasons(verdict: Verdict) -> dict[str, tuple[str | None, tuple[str, ...]]]:
    return {r.id: (r.verdict, r.clauses) for r in verdict.reasons}


LC_PERSONAL_POST = [
    ("at_work", NO),
    ("about_city", YES),
    ("sounds_official", NO),
    ("city_material", NO),
    ("work_photos", NO),
    ("identifies_employee", NO),
    ("city_site_link", NO),
    ("city_email", NO),
    ("respect", NO),
]


# --- La Crosse ---------------------------------------------------------------------------


def test_la_crosse_photo_of_the_crew_on_the_job_is_not_postable(la_crosse: Checklist) -> None:
    steps = [s if s[0] != "work_photos" else ("work_photos", YES) for s in LC_PERSONAL_POST]
    verdict = walk(la_crosse, steps)
    assert verdict.verdict == "do_not_post"
    assert reasons(verdict)["work-photos"] == ("do_not_post", ("clause-9",))
    assert verdict.reasons[0].id == "work-photos"  # the blocking reason comes first
    # It is about the City, so the disclaimer finding is still listed with its exact text.
    assert verdict.disclaimer == LA_CROSSE_DISCLAIMER


def test_la_crosse_tweet_about_a_council_decision_needs_the_disclaimer(
    la_crosse: Checklist,
) -> None:
    verdict = walk(la_crosse, LC_PERSONAL_POST)
    assert verdict.verdict == "ok_with_disclaimer"
    assert verdict.disclaimer == LA_CROSSE_DISCLAIMER
    assert reasons(verdict) == {"disclaimer": ("ok_with_disclaimer", ("clause-3",))}
    assert [r.clauses for r in verdict.reminders] == [("clause-6",), ("clause-7",), ("clause-11",)]
    assert "disclaimer" in verdict.summary


def test_la_crosse_tweet_that_reads_like_the_city_speaking_must_be_reworded(
    la_crosse: Checklist,
) -> None:
    steps = [s if s[0] != "sounds_official" else ("sounds_official", YES) for s in LC_PERSONAL_POST]
    verdict = walk(la_crosse, steps)
    assert verdict.verdict == "do_not_post"
    assert reasons(verdict)["official-appearance"] == ("do_not_post", ("clause-1", "clause-3"))


def test_la_crosse_linkedin_profile_naming_the_city_as_employer(la_crosse: Checklist) -> None:
    verdict = walk(
        la_crosse,
        [
            ("at_work", NO),
            ("about_city", YES),
            ("sounds_official", NO),
            ("city_material", NO),
            ("work_photos", NO),
            ("identifies_employee", YES),
            ("city_site_link", NO),
            ("city_email", NO),
            ("respect", NO),
        ],
    )
    # Identifying yourself is allowed; keep the profile consistent (2), add the disclaimer (3).
    assert verdict.verdict == "ok_with_disclaimer"
    assert reasons(verdict) == {
        "disclaimer": ("ok_with_disclaimer", ("clause-3",)),
        "profile-consistent": ("ok", ("clause-2",)),
    }
    assert verdict.disclaimer == LA_CROSSE_DISCLAIMER


def test_la_crosse_profile_registered_with_city_email_is_not_allowed(
    la_crosse: Checklist,
) -> None:
    verdict = walk(
        la_crosse,
        [
            ("at_work", NO),
            ("about_city", NO),
            ("identifies_employee", YES),
            ("city_site_link", NO),
            ("city_email", YES),
            ("respect", NO),
        ],
    )
    assert verdict.verdict == "do_not_post"
    assert reasons(verdict)["city-email"] == ("do_not_post", ("clause-4",))
    assert "personal email" in verdict.reasons[0].text
    assert verdict.disclaimer is None  # nothing about the City or the job in it


def test_la_crosse_tiktok_at_the_desk_for_an_approved_work_campaign(la_crosse: Checklist) -> None:
    verdict = walk(
        la_crosse,
        [
            ("at_work", YES),
            ("work_related", YES),
            ("supervisor_authorized", YES),
            ("official_account", YES),
        ],
    )
    assert verdict.verdict == "ok"
    assert reasons(verdict)["work-use-authorized"] == ("ok", ("clause-5",))
    assert "already authorized" in verdict.reasons[0].text
    assert verdict.approvers == ()


def test_la_crosse_tiktok_for_a_work_campaign_not_yet_approved(la_crosse: Checklist) -> None:
    verdict = walk(
        la_crosse,
        [
            ("at_work", YES),
            ("work_related", YES),
            ("supervisor_authorized", NO),
            ("official_account", YES),
        ],
    )
    assert verdict.verdict == "needs_authorization"
    assert verdict.approvers == ("supervisor",)
    [request] = verdict.authorizations
    assert request.clauses == ("clause-5",) and request.approvers == ("supervisor",)
    assert "your supervisor or manager" in verdict.summary


def test_la_crosse_unapproved_work_post_from_a_personal_account_lists_both_findings(
    la_crosse: Checklist,
) -> None:
    verdict = walk(
        la_crosse,
        [
            ("at_work", YES),
            ("work_related", YES),
            ("supervisor_authorized", NO),
            ("official_account", NO),
            *LC_PERSONAL_POST[1:],
        ],
    )
    assert verdict.verdict == "needs_authorization"
    assert list(reasons(verdict)) == ["needs-supervisor", "disclaimer"]
    assert verdict.disclaimer == LA_CROSSE_DISCLAIMER
    assert verdict.approvers == ("supervisor",)


def test_la_crosse_personal_scrolling_at_the_desk_waits_until_after_work(
    la_crosse: Checklist,
) -> None:
    verdict = walk(
        la_crosse,
        [
            ("at_work", YES),
            ("work_related", NO),
            ("about_city", NO),
            ("identifies_employee", NO),
            ("city_site_link", NO),
            ("city_email", NO),
            ("respect", NO),
        ],
    )
    assert verdict.verdict == "do_not_post"
    assert "clause-5" in reasons(verdict)["personal-use-at-work"][1]


def test_la_crosse_link_from_the_city_web_site_needs_director_and_administrator(
    la_crosse: Checklist,
) -> None:
    steps = [
        ("at_work", NO),
        ("about_city", NO),
        ("identifies_employee", YES),
        ("city_site_link", YES),
        ("link_permission", NO),
        ("city_email", NO),
        ("respect", NO),
    ]
    verdict = walk(la_crosse, steps)
    assert verdict.verdict == "needs_authorization"
    assert verdict.approvers == ("department_director", "social_media_administrator")
    assert reasons(verdict)["needs-link-permission"][1] == ("clause-10",)
    assert "your department director and the administrator" in verdict.summary

    steps[4] = ("link_permission", YES)
    verdict = walk(la_crosse, steps)
    assert verdict.verdict == "ok"
    assert "link-permitted" in reasons(verdict)


def test_la_crosse_harassing_complaint_is_not_postable(la_crosse: Checklist) -> None:
    verdict = walk(
        la_crosse,
        [
            ("at_work", NO),
            ("about_city", NO),
            ("identifies_employee", NO),
            ("city_site_link", NO),
            ("city_email", NO),
            ("respect", YES),
        ],
    )
    assert verdict.verdict == "do_not_post"
    assert reasons(verdict) == {"disrespectful": ("do_not_post", ("clause-8",))}


def test_la_crosse_purely_personal_post_is_fine(la_crosse: Checklist) -> None:
    verdict = walk(
        la_crosse,
        [
            ("at_work", NO),
            ("about_city", NO),
            ("identifies_employee", NO),
            ("city_site_link", NO),
            ("city_email", NO),
            ("respect", NO),
        ],
    )
    assert verdict.verdict == "ok"
    assert reasons(verdict) == {"ok-personal": ("ok", ("preamble",))}
    assert verdict.disclaimer is None
    # No disclaimer question was asked for a post that has nothing to do with the City.


def test_la_crosse_changing_an_answer_drops_the_branch_it_opened(la_crosse: Checklist) -> None:
    answers = {
        "at_work": YES,
        "work_related": YES,
        "supervisor_authorized": NO,
        "official_account": YES,
    }
    assert isinstance(la_crosse.next_step(answers), Verdict)
    answers["at_work"] = NO  # went back: it is from home after all
    step = la_crosse.next_step(answers)
    assert isinstance(step, Question) and step.id == "about_city"
    assert la_crosse.relevant_answers(answers) == {"at_work": NO}
    answers.update(
        {
            "about_city": NO,
            "identifies_employee": NO,
            "city_site_link": NO,
            "city_email": NO,
            "respect": NO,
        }
    )
    verdict = la_crosse.next_step(answers)
    assert isinstance(verdict, Verdict)
    assert verdict.verdict == "ok" and verdict.approvers == ()


# --- Lake Elmo ---------------------------------------------------------------------------


def test_lake_elmo_sharing_a_confidential_memo(lake_elmo: Checklist) -> None:
    verdict = walk(
        lake_elmo,
        [
            ("confidential", YES),
            ("city_business", YES),
            ("disruptive", NO),
            ("respect", NO),
            ("newspaper", NO),
            ("profit_or_politics", NO),
        ],
    )
    assert verdict.verdict == "do_not_post"
    assert verdict.reasons[0].id == "confidential-info"
    assert verdict.reasons[0].clauses == ("guideline-1",)


def test_lake_elmo_campaigning_for_a_friend_from_city_hall(lake_elmo: Checklist) -> None:
    verdict = walk(
        lake_elmo,
        [
            ("confidential", NO),
            ("city_business", NO),
            ("disruptive", NO),
            ("respect", NO),
            ("newspaper", NO),
            ("profit_or_politics", YES),
            ("city_resources", YES),
        ],
    )
    assert verdict.verdict == "do_not_post"
    assert reasons(verdict) == {"city-resources-misuse": ("do_not_post", ("guideline-6",))}


def test_lake_elmo_campaigning_on_own_time_with_own_means_is_fine(lake_elmo: Checklist) -> None:
    verdict = walk(
        lake_elmo,
        [
            ("confidential", NO),
            ("city_business", NO),
            ("disruptive", NO),
            ("respect", NO),
            ("newspaper", NO),
            ("profit_or_politics", YES),
            ("city_resources", NO),
        ],
    )
    assert verdict.verdict == "ok"
    assert reasons(verdict) == {"own-time-own-means": ("ok", ("guideline-6",))}


def test_lake_elmo_post_about_city_business_needs_the_exact_disclaimer(
    lake_elmo: Checklist,
) -> None:
    verdict = walk(
        lake_elmo,
        [
            ("confidential", NO),
            ("city_business", YES),
            ("disruptive", NO),
            ("respect", NO),
            ("newspaper", NO),
            ("profit_or_politics", NO),
        ],
    )
    assert verdict.verdict == "ok_with_disclaimer"
    assert verdict.disclaimer == LAKE_ELMO_DISCLAIMER
    assert reasons(verdict) == {"disclaimer": ("ok_with_disclaimer", ("guideline-5",))}
    assert {r.id for r in verdict.reminders} >= {"public-long-time"}
    assert any("long time" in r.text and r.clauses == ("guideline-3",) for r in verdict.reminders)


def test_lake_elmo_retweeting_a_post_that_attacks_a_department(lake_elmo: Checklist) -> None:
    verdict = walk(
        lake_elmo,
        [
            ("confidential", NO),
            ("city_business", YES),
            ("disruptive", YES),
            ("respect", NO),
            ("newspaper", NO),
            ("profit_or_politics", NO),
        ],
    )
    assert verdict.verdict == "do_not_post"
    assert reasons(verdict)["disruption"] == ("do_not_post", ("guideline-2",))
    assert "sharing" in verdict.reasons[0].text


def test_lake_elmo_harassing_a_coworker_after_hours(lake_elmo: Checklist) -> None:
    verdict = walk(
        lake_elmo,
        [
            ("confidential", NO),
            ("city_business", NO),
            ("disruptive", NO),
            ("respect", YES),
            ("newspaper", YES),
            ("profit_or_politics", NO),
        ],
    )
    assert verdict.verdict == "do_not_post"
    assert set(reasons(verdict)) == {"disrespectful", "newspaper-test"}
    assert "after hours" in reasons_text(verdict, "disrespectful")


def test_lake_elmo_personal_post_is_fine_without_disclaimer_questions(
    lake_elmo: Checklist,
) -> None:
    verdict = walk(
        lake_elmo,
        [
            ("confidential", NO),
            ("city_business", NO),
            ("disruptive", NO),
            ("respect", NO),
            ("newspaper", NO),
            ("profit_or_politics", NO),
        ],
    )
    assert verdict.verdict == "ok"
    assert verdict.disclaimer is None


def reasons_text(verdict: Verdict, reason_id: str) -> str:
    return next(r.text for r in verdict.reasons if r.id == reason_id)

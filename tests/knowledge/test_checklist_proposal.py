"""A checklist proposed from a policy nobody wrote one for: which questions, which clause each
cites, which outcomes need whose authorization; and how a topic map can link clauses instead."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.checklist import Question
from knowledge.checklist_proposal import keyword_links, propose_checklist
from knowledge.models import Policy, PolicyMetadata
from knowledge.parser import parse_clauses
from knowledge.sources import build_policy, seed_sources
from tests.checklists.policies import MAPLE_FALLS, MAPLE_FALLS_TITLE


def policy_of(text: str, policy_id: str = "maple-falls", title: str = MAPLE_FALLS_TITLE) -> Policy:
    meta = PolicyMetadata(policy_id, title, "City of Maple Falls", "test")
    return Policy(meta, text, tuple(parse_clauses(text, meta)))


def test_each_rule_the_policy_states_becomes_a_question_citing_its_clause() -> None:
    proposal = propose_checklist(policy_of(MAPLE_FALLS), organization="City of Maple Falls")
    checklist = proposal.checklist
    cited = {qid: q.clauses for qid, q in checklist.questions.items()}
    assert cited == {
        "work_time_and_devices": ("clause-1",),
        "work_time_and_devices_authorized": ("clause-1",),
        "official_capacity": ("clause-4",),
        "disclaimer": ("clause-3",),
        "confidential_information": ("clause-2",),
        "city_name_and_logo": ("clause-5",),
        "political_activity": ("clause-7",),
        "harassment_and_discrimination": ("clause-6",),
    }
    assert [(r.id, r.clauses) for r in checklist.reminders] == [
        ("discipline", ("clause-8",)),
        ("public-records", ("clause-9",)),
    ]
    needs = checklist.outcomes["work-time-and-devices-needs-authorization"]
    assert needs.verdict == "needs_authorization" and needs.approvers == ("supervisor",)
    assert checklist.roles == {"supervisor": "your supervisor or manager"}
    assert (
        checklist.disclaimer == "These views are my own and not those of the City of Maple Falls."
    )
    assert checklist.outcomes["disclaimer"].verdict == "ok_with_disclaimer"
    assert checklist.outcomes["confidential-information"].verdict == "do_not_post"
    first = checklist.first_question()
    assert "the City of Maple Falls provides" in first.text
    assert first.help is not None and first.help.startswith("Clause 1 says: “Personal use")
    assert proposal.uncovered == ()  # the preamble is the default outcome's clause
    text = proposal.yaml()
    assert text.startswith("# PROPOSED checklist for the City of Maple Falls Social Media Policy")
    assert "# Proposed because clause 2 reads as a rule on confidential information" in text


def test_the_walk_reaches_a_verdict_citing_the_clause_of_the_answer() -> None:
    checklist = propose_checklist(
        policy_of(MAPLE_FALLS), organization="City of Maple Falls"
    ).checklist
    answers: dict[str, bool] = {}
    while isinstance(step := checklist.next_step(answers), Question):
        answers[step.id] = step.id == "political_activity"
    assert step.verdict == "do_not_post"
    assert [(r.id, r.clauses) for r in step.reasons] == [("political-activity", ("clause-7",))]


def test_a_topic_map_can_link_the_clauses_instead() -> None:
    """The matcher's topic map gives links with the same fields; passing it as the linker is
    how it will improve proposals (here a stand-in that knows one more way of saying photos)."""

    @dataclass(frozen=True)
    class TopicLink:
        topic: str
        clause_id: str
        strength: float

    text = MAPLE_FALLS + "10. Snapshots of colleagues at work stay off personal feeds.\n"
    policy = policy_of(text)
    plain = propose_checklist(policy, organization="City of Maple Falls")
    assert "photos_and_recordings" not in plain.checklist.questions  # no photo word it knows

    def with_topic_map(policy: Policy) -> list[TopicLink]:
        found = [
            TopicLink(link.topic, link.clause_id, link.strength) for link in keyword_links(policy)
        ]
        return [*found, TopicLink("photos-and-recordings", "clause-10", 0.9)]

    better = propose_checklist(policy, organization="City of Maple Falls", linker=with_topic_map)
    assert better.checklist.questions["photos_and_recordings"].clauses == ("clause-10",)


def test_a_policy_with_no_usual_rule_still_gets_a_start() -> None:
    text = (
        "Employees of the Village enjoy their gardens.\n\n"
        "1. The garden club meets monthly.\n2. Tomatoes are planted in May.\n"
    )
    proposal = propose_checklist(policy_of(text, "village"), organization="Village of Greenway")
    assert list(proposal.checklist.questions) == ["about_work"]
    assert "write the questions the policy calls for" in proposal.yaml()


def test_proposals_for_the_shipped_policies_are_valid_checklists() -> None:
    for source in seed_sources():
        policy = build_policy(source)
        proposal = propose_checklist(policy, organization=policy.meta.organization)
        assert proposal.checklist.questions
        assert proposal.checklist.cited_clauses() <= policy.clause_ids

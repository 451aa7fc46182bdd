"""Which sentence opens the list a clause belongs to, and which items a clause's list holds: what
an answer quotes with an item so that it keeps its meaning (bot/conversation/answers.py)."""

from __future__ import annotations

import dataclasses

from knowledge.models import Policy
from tests.knowledge.test_unseen_policy import publish


def lead_ins(policy: Policy) -> dict[str, str | None]:
    return {clause.text: policy.lead_in(clause) for clause in policy.clauses}


def test_a_sub_item_does_not_end_its_parents_list() -> None:
    policy = publish(
        "Staff must not:\n"
        "• share passwords;\n"
        "    • including with family members;\n"
        "• post photographs of coworkers without consent.\n"
    )
    read = lead_ins(policy)
    assert read["post photographs of coworkers without consent."] == "Staff must not: …"
    [opening] = [c for c in policy.clauses if c.text == "Staff must not:"]
    assert [c.text for c in policy.list_items(opening)] == [
        "share passwords;",
        "post photographs of coworkers without consent.",
    ]


def test_a_sentence_that_lists_its_items_itself_opens_no_list() -> None:
    policy = publish(
        "The City may remove comments for the following reasons: profanity, threats or spam.\n"
        "• Removed comments are archived for three years.\n"
    )
    assert lead_ins(policy)["Removed comments are archived for three years."] is None


def test_items_under_a_heading_that_says_dont_are_quoted_after_it() -> None:
    policy = publish(
        "Do:\n• thank residents for their comments.\nDon't:\n• argue with them.\n"
        "• post their names.\n\nProhibited Uses\n1. posting while driving;\n"
        "2. posting from a crime scene.\n\nAccounts\n1. The Clerk keeps the passwords.\n"
    )
    read = lead_ins(policy)
    assert read["argue with them."] == "Don't:" and read["post their names."] == "Don't: …"
    assert read["posting from a crime scene."] == "Prohibited Uses: …"
    assert read["The Clerk keeps the passwords."] is None  # a heading that says no rule


def test_a_long_lead_in_is_quoted_by_its_last_words() -> None:
    opening = " ".join(["Employees who use social media for any purpose"] * 8) + " must not:"
    read = lead_ins(publish(f"{opening}\n• post photographs of coworkers.\n"))
    lead = read["post photographs of coworkers."]
    assert lead is not None and lead.startswith("… ") and lead.endswith(" must not:")
    assert len(lead.split()) == 31  # the ellipsis and the last 30 words


def test_a_copied_policy_reads_its_own_clauses() -> None:
    policy = publish("Staff must not:\n• share passwords.\n• post photographs.\n")
    fewer = dataclasses.replace(policy, clauses=policy.clauses[:2])
    assert fewer.children(0) == [1] and policy.children(0) == [1, 2]
    assert fewer.list_items(fewer.clauses[0]) == (fewer.clauses[1],)

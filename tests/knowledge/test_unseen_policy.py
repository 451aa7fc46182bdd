"""A policy the bot has never seen, published with no phrasings: questions in other words find
their clause through the domain's topic map, questions beside the policy are refused, and a
clause removed by a new version is never answered again."""

from __future__ import annotations

import pytest

from knowledge.matcher import Matcher, Outcome, Thresholds
from knowledge.models import Policy, PolicyMetadata
from knowledge.parser import parse_clauses
from knowledge.text import words
from knowledge.topics import TopicMap, describe_links

# Written for these tests: a fictional town's rules, worded unlike any shipped policy.
MAPLE_RIDGE = """Town of Maple Ridge - Employee Online Conduct

1. Staff may not conceal their identity or use a false name to comment on Town matters.

2. The Town seal, logo and uniforms may not appear in personal posts without written consent \
from the Town Manager.

3. Employees must not disclose nonpublic information learned through their work.

4. Using Town computers or phones for personal browsing during working hours is prohibited.

5. Violations of this policy may result in disciplinary action, up to and including termination.

6. Employees who take part in partisan political activity must do so on their own time and must \
not imply that the Town endorses a candidate.

7. Photographs of coworkers or members of the public taken on duty may be shared only with \
their consent.

8. Remarks on the Town's official pages that contain profanity, threats or spam may be removed \
by the page administrator.

9. Messages sent from Town accounts may be requested in court proceedings through a subpoena.
"""


def publish(text: str, version: int = 1, town: str = "Maple Ridge") -> Policy:
    """The text as a new policy of `town` (id: its name in lowercase, hyphenated), no curation."""
    policy_id = town.lower().replace(" ", "-")
    meta = PolicyMetadata(policy_id, f"{town} Online Conduct", town, "t", version)
    return Policy(meta, text, tuple(parse_clauses(text, meta)))


def town_matcher(text: str, town: str = "Maple Ridge") -> Matcher:
    """A matcher for the town's newly published policy, at the shipped thresholds."""
    return Matcher([publish(text, town=town)], thresholds=Thresholds(0.4, 0.08))


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return town_matcher(MAPLE_RIDGE)


@pytest.mark.parametrize(
    ("question", "clause"),
    [
        ("can I use a fake account to argue with people about the new park?", "clause-1"),
        ("is it ok to put our crest on my profile picture", "clause-2"),
        ("can i spill what was said in the closed session last night", "clause-3"),
        ("is scrolling instagram on my shift ok", "clause-4"),
        ("could i lose my job over a tweet?", "clause-5"),
        ("can i campaign for my neighbor who is running for mayor", "clause-6"),
        ("can i upload a selfie with my crew from the job site", "clause-7"),
        ("somebody keeps cussing in the comments on our page, can we delete it", "clause-8"),
        ("could a lawyer get hold of my work messages", "clause-9"),
        # Opening as a fact question does, but asking what is allowed (knowledge/question_form.py)
        ("when is it ok to share photos of coworkers taken on duty", "clause-7"),
        ("who has to give consent before the town logo goes in my post", "clause-2"),
    ],
)
def test_a_question_in_other_words_finds_its_clause(
    matcher: Matcher, question: str, clause: str
) -> None:
    result = matcher.ask("maple-ridge", question)
    assert result.answered, f"refused: {question!r} (in scope {result.in_scope})"
    assert result.matches[0].clause.id == clause


@pytest.mark.parametrize(
    "question",
    [
        "what is the town manager's phone number",
        "how many followers do the town's official pages have",
        "how do I request vacation days for next month",
        "when is open enrollment for dental insurance",
        # Counts, dates and who runs what are not in a policy (knowledge/question_form.py)
        "who runs the town's official pages",
        "how many comments did our last post on the official page get",
        "when is the town manager back in the office",
    ],
)
def test_a_question_beside_the_policy_is_refused_even_with_its_words(
    matcher: Matcher, question: str
) -> None:
    result = matcher.ask("maple-ridge", question)
    assert result.outcome is Outcome.UNKNOWN, [(m.clause.id, m.confidence) for m in result.matches]


def test_matches_are_listed_best_first_by_the_confidence_reported(matcher: Matcher) -> None:
    for question in ["can i post pictures of coworkers", "fake name online", "lose my job"]:
        result = matcher.ask("maple-ridge", question, top_k=5)
        confidences = [match.confidence for match in result.matches]
        assert confidences == sorted(confidences, reverse=True)
        assert all(0 <= value <= 1 for value in confidences)
        assert 0 <= result.in_scope <= 1 and 0 <= result.closeness <= 1


def test_a_clause_removed_by_a_new_version_is_never_answered() -> None:
    without_subpoenas = MAPLE_RIDGE.split("\n9. ")[0]
    matcher = Matcher([publish(MAPLE_RIDGE)])
    before = matcher.ask("maple-ridge", "can my work messages get subpoenaed")
    assert before.matches[0].clause.id == "clause-9"
    matcher.replace_policy(publish(without_subpoenas, version=2))
    after = matcher.ask("maple-ridge", "can my work messages get subpoenaed", top_k=5)
    assert all("subpoena" not in match.clause.text for match in after.matches)
    assert all(match.clause.id != "clause-9" for match in after.matches)
    links = matcher.index("maple-ridge").links
    assert links and all(link.clause_id != "clause-9" for link in links)


def test_hr_can_list_which_clauses_each_topic_is_linked_to() -> None:
    lines = describe_links(TopicMap.load(), publish(MAPLE_RIDGE))
    text = "\n".join(lines)
    assert "identity-and-anonymity:" in text
    assert "clause 1 (" in text.split("identity-and-anonymity:")[1].split(":\n")[0]
    assert "discipline:" in text and "clause 5 (" in text
    assert text.splitlines()[-1].startswith("not in this policy: ")


def test_a_question_sharing_no_word_and_no_topic_with_its_clause_is_offered_it() -> None:
    """Word meanings (knowledge/embeddings): "broadcast video from the squad car" is what a clause
    on livestreaming from a police cruiser forbids, though the two share no word and the topic
    map lists neither phrase."""
    text = (
        "Town of Birch Hollow - Staff Use of Online Services\n\n"
        "1. Staff who keep a weblog or podcast about their hobbies may continue to do so.\n\n"
        "2. Employees shall not livestream from inside a firehouse, ambulance or police "
        "cruiser.\n\n"
        "3. Before responding to a journalist about Town business, refer the reporter to the "
        "communications office.\n"
    )
    birch_hollow = town_matcher(text, town="Birch Hollow")
    result = birch_hollow.ask("birch-hollow", "can I broadcast video from the squad car")
    assert result.outcome in (Outcome.ANSWER, Outcome.DID_YOU_MEAN)
    assert result.matches[0].clause.id == "clause-2"
    # The topic map knows that talking to the press is what such a clause governs.
    press = birch_hollow.ask("birch-hollow", "someone from the paper wants a quote from me")
    assert press.outcome is Outcome.ANSWER and press.matches[0].clause.id == "clause-3"


def test_a_question_about_whether_the_rules_apply_finds_the_scope_clause() -> None:
    """Asking whether "these rules" cover something shares few words with any clause; naming
    the policy's rules is itself a sign of a question about the policy."""
    text = (
        "Willow Bend School District - Staff Online Communication\n\n"
        "1. Purpose. Staff are trusted to model good conduct for students in every setting.\n\n"
        "2. Scope. These standards govern staff whether on or off duty, including their "
        "personal accounts and devices.\n\n"
        "3. Staff shall not exchange private messages with enrolled students on personal "
        "accounts.\n\n"
        "4. Posts that disclose student records are prohibited.\n"
    )
    willow_bend = town_matcher(text, town="Willow Bend")
    result = willow_bend.ask("willow-bend", "do these rules cover me on weekends")
    assert result.answered, f"refused (in scope {result.in_scope})"
    assert result.matches[0].clause.id == "clause-2"


ALDER_BAY = """Town of Alder Bay - Employee Online Conduct

1. Employees shall not post hate speech, slurs or content that demeans any group.

2. Door codes, alarm codes and other security details of Town buildings must never be posted.

3. Video clips and music owned by others may be used only with the owner's permission.

4. Town pages may not promote goods or services of any business.

5. Employees are cautioned that anything they post may be seen by anyone.
"""


def test_a_correctly_spelled_word_is_never_read_as_a_typo_of_the_policys_words() -> None:
    index = town_matcher(ALDER_BAY, "Alder Bay").index("alder-bay")
    read = index.analyzer.tokens(
        "the gate code got posted, can i clap back, is it good to chip in, i captioned it"
    )
    assert {"gate", "clap", "good", "chip", "captioned"} <= set(read), read  # not hate, clip,
    # goods, clip, cautioned ("captioned" is an inflection of a word the vectors know)
    assert index.analyzer.tokens("can i post muisc or vidoe clips") == [
        "can", "i", "post", "music", "or", "video", "clips"
    ]  # fmt: skip
    asked = index.analyzer.units("aren't we allowed to post it if the town doesn't mind")
    assert [unit.surface for unit in asked] == ["post", "town", "mind"]  # not "rent", "doesnt"
    matcher = town_matcher(ALDER_BAY, "Alder Bay")
    [first, *_] = matcher.ask("alder-bay", "someone posted the gate code on our page").matches
    assert first.clause.id == "clause-2"


@pytest.mark.parametrize(
    ("question", "topics"),
    [
        ("can i get fired for this", {"discipline"}),  # fired: let go, not the fire service
        ("online at the office", set()),  # an office, not an officer
        ("can a police officer post from the crime scene", {"police-and-fire"}),
        ("the fire department page", {"police-and-fire"}),
    ],
)
def test_words_that_share_a_stem_keep_their_own_topics(question: str, topics: set[str]) -> None:
    mentioned = {mention.topic for mention in TopicMap.load().mentions(words(question))}
    assert topics <= mentioned and ("police-and-fire" in mentioned) == (
        "police-and-fire" in topics
    ), mentioned


@pytest.mark.parametrize(
    ("typed", "spelled_out"),
    [
        ("can i put pics of ppl from my dept on my page",
         "can i put pictures of people from my department on my page"),
        ("is it ok to share nonpublic info from a mtg w my supv",
         "is it ok to share nonpublic information from a meeting w my supervisor"),
    ],
)  # fmt: skip
def test_chat_shorthand_gets_the_answer_the_words_spelled_out_get(
    matcher: Matcher, typed: str, spelled_out: str
) -> None:
    short, full = matcher.ask("maple-ridge", typed), matcher.ask("maple-ridge", spelled_out)
    assert [(m.clause.id, m.confidence) for m in short.matches] == [
        (m.clause.id, m.confidence) for m in full.matches
    ]
    assert short.outcome is Outcome.ANSWER

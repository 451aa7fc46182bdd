"""Quotes as a person reads them: the whole clause in the policy's order, the answering
sentences marked, a quotation inside a clause never split, and never two closing marks.

The same reply is read in the terminal (its text), in Slack (its blocks) and in Teams (its card).
"""

from __future__ import annotations

from adapters.console.ask import to_json
from adapters.console.render import render
from adapters.slack.blocks import blocks
from adapters.teams.cards import adaptive_card
from bot.app import App
from bot.conversation.answers import MARK, did_you_mean_reply
from bot.messages import Incoming, Reply
from knowledge.matcher import Match, MatchResult, Outcome
from tests.publishing.conftest import publish

LAKE_ELMO_SAMPLE = (
    "‘I am an employee of the City of Lake Elmo. However, these are my own opinions and do "
    "not represent those of the City of Lake Elmo.’"
)


def answer(app: App, question: str, policy: str) -> Reply:
    replies = app.bot.handle(Incoming("console", "alice", "c1", question, "alice", policy))
    assert replies[-1].kind == "answer", replies[-1].text
    return replies[-1]


def _slack_text(reply: Reply) -> str:
    return "\n".join(block["text"]["text"] for block in blocks(reply) if block["type"] == "section")


def _teams_quote(reply: Reply) -> list[str]:
    container = next(
        item for item in adaptive_card(reply)["body"] if item.get("type") == "Container"
    )
    return [item["text"] for item in container["items"]]


def test_a_sample_disclaimer_of_two_sentences_is_quoted_whole(app: App) -> None:
    reply = answer(app, "what disclaimer should I use for city business", "lake-elmo")
    text = render(reply)
    lines = [line for line in text.splitlines() if "I am an employee" in line]
    assert len(lines) == 1 and LAKE_ELMO_SAMPLE in lines[0], text
    assert LAKE_ELMO_SAMPLE in _slack_text(reply).replace("&amp;", "&")
    assert any(LAKE_ELMO_SAMPLE in line for line in _teams_quote(reply))


def test_a_clause_ending_in_a_quotation_closes_with_one_mark(app: App) -> None:
    reply = answer(app, "do i need a disclaimer on my facebook", "la-crosse")
    for shown in (render(reply), _slack_text(reply), "\n".join(_teams_quote(reply))):
        assert "La Crosse.’”" in shown, shown
        assert "””" not in shown and '”"' not in shown


def test_sentences_keep_the_policys_order_and_the_answering_ones_are_marked(app: App) -> None:
    reply = answer(app, "can I be fired for malicious gossip about coworkers", "la-crosse")
    assert reply.quote is not None and reply.quote.citation.endswith("clause 8")
    clause = app.library.policy("la-crosse").clause("clause-8")
    assert list(reply.quote.sentences) == clause.sentences  # the document's order
    gossip = next(i for i, s in enumerate(clause.sentences) if "gossip" in s)
    assert gossip in reply.quote.marked and len(reply.quote.marked) < len(clause.sentences)
    text = render(reply)
    marked_lines = [line for line in text.splitlines() if line.lstrip().startswith(MARK)]
    assert any("gossip" in line for line in marked_lines)
    assert not any("fair and respectful" in line for line in marked_lines)
    positions = [text.index(sentence[:40]) for sentence in clause.sentences]
    assert positions == sorted(positions)
    assert "*Malicious gossip" in _slack_text(reply)
    card = adaptive_card(reply)
    container = next(item for item in card["body"] if item.get("type") == "Container")
    bold = [item["text"] for item in container["items"] if item.get("weight") == "Bolder"]
    assert any("gossip" in text for text in bold)


# A city's own policy, written for this test: two lists, each opened by a sentence that says
# whether its items are allowed or forbidden.
LISTS_POLICY = """Maple Ridge Social Media Policy

1. Comments. The City may remove the following kinds of comments from its pages:
(a) spam and advertising;
(b) threats of violence;
(c) personal information about residents.
2. Personal accounts. On their personal accounts, employees shall not:
(a) post photographs of coworkers taken at work without their consent;
(b) use the City's logo.
3. Conduct. The following rules of courtesy apply to every reply employees write for the City.
(a) answer residents within two business days;
(b) never argue with a resident in public.
"""


def test_a_list_item_is_quoted_after_the_sentence_that_opens_its_list(app: App) -> None:
    publish(app, "maple-ridge.txt", LISTS_POLICY)
    reply = answer(app, "can the city delete spam and advertising from its page", "la-crosse")
    assert reply.quote is not None and reply.quote.citation.endswith("(a)"), reply.text
    opening = "The City may remove the following kinds of comments from its pages:"
    assert reply.quote.sentences == (opening, "spam and advertising;")
    assert reply.quote.marked == (1,)  # the item answers; the lead-in gives it its meaning
    lines = render(reply).splitlines()
    assert any(opening in line and MARK not in line for line in lines), lines
    assert any("spam and advertising" in line and MARK in line for line in lines), lines
    assert opening in _slack_text(reply) and "*spam and advertising;”*" in _slack_text(reply)
    assert any(opening in line for line in _teams_quote(reply))
    scripted = to_json(app.bot.consult("la-crosse", "can the city delete spam from its page"))
    assert scripted["matches"][0]["lead_in"] == opening  # type: ignore[index]


def test_an_item_further_down_its_list_says_items_were_left_out(app: App) -> None:
    publish(app, "maple-ridge.txt", LISTS_POLICY)
    reply = answer(app, "may I use the city logo on my personal account", "la-crosse")
    assert reply.quote is not None and "logo" in reply.quote.sentences[-1], reply.text
    assert reply.quote.sentences[0] == "On their personal accounts, employees shall not: …"
    assert "employees shall not" in render(reply)


def test_a_clause_opening_a_list_is_quoted_with_its_items(app: App) -> None:
    publish(app, "maple-ridge.txt", LISTS_POLICY)
    reply = answer(app, "what comments can the city remove from its pages", "la-crosse")
    assert reply.quote is not None and reply.quote.citation.endswith("clause 1"), reply.text
    assert reply.quote.sentences[-3:] == (
        "(a) spam and advertising;",
        "(b) threats of violence;",
        "(c) personal information about residents.",
    )
    assert "threats of violence" in render(reply) and "threats of violence" in _slack_text(reply)
    announced = answer(
        app, "what rules of courtesy apply to replies written for the city", "la-crosse"
    )
    assert announced.quote is not None and announced.quote.sentences[-2:] == (
        "(a) answer residents within two business days;",
        "(b) never argue with a resident in public.",
    ), announced.text  # a list announced by "The following …" and a full stop, not a colon


def test_a_did_you_mean_tells_short_items_apart_by_their_lists(app: App) -> None:
    publish(app, "maple-ridge.txt", LISTS_POLICY)
    policy = app.library.policy("la-crosse")
    offered = (policy.clause("clause-1-a"), policy.clause("clause-2-b"))
    result = MatchResult(
        "spam or the logo",
        policy,
        tuple(Match(clause, 1.0, 0.5) for clause in offered),
        Outcome.DID_YOU_MEAN,
    )
    lines = did_you_mean_reply(result).text.splitlines()
    assert "“… kinds of comments from its pages: spam and advertising” (clause 1(a))" in lines[1]
    assert "personal accounts, employees shall not: use the City's logo” (clause 2(b))" in lines[2]


BULLETS_POLICY = """Maple Ridge Social Media Policy

Staff who run a Town page must:
● register the page with a Town e-mail address;
● give the communications office administrator access.
Staff must not:
● message residents about their cases from a personal account;
● post photographs of children without a signed media release.
"""


def test_bullets_typed_at_the_paragraphs_level_are_quoted_after_it(app: App) -> None:
    publish(app, "maple-ridge.txt", BULLETS_POLICY)
    reply = answer(app, "may I post photographs of children at the library", "la-crosse")
    assert reply.quote is not None, reply.text
    assert reply.quote.sentences == (
        "Staff must not: …",
        "post photographs of children without a signed media release.",
    ), reply.text  # alone, the bullet would read as something staff may do


NESTED_POLICY = """Maple Ridge Social Media Policy

1. Restrictions. Employees who run a Town page must observe the following rules:
a. Staff must not:
i. share the page's password with volunteers;
ii. reply to residents' complaints about other staff.
b. Staff may:
i. thank residents for their comments.
"""


def test_a_list_is_quoted_with_the_items_of_its_own_items(app: App) -> None:
    publish(app, "maple-ridge.txt", NESTED_POLICY)
    reply = answer(app, "what rules must employees who run a town page observe", "la-crosse")
    assert reply.quote is not None and reply.quote.citation.endswith("clause 1"), reply.text
    shown = reply.quote.sentences[-5:]
    assert shown[0] == "a. Staff must not:" and shown[3] == "b. Staff may:", shown
    assert "share the page's password with volunteers;" in shown[1], shown

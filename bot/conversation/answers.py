"""Turn the matcher's decision into replies: a quoted answer, a choice, or "I don't know"."""

from __future__ import annotations

from bot.messages import Button, Quote, Reply
from knowledge.analysis import Analyzer
from knowledge.matcher import MatchResult, Outcome
from knowledge.models import Clause, Policy
from knowledge.quoting import matching_sentences, quotation

_MAX_ITEMS = 12  # a list quoted after its opening sentence; a longer one ends with "…"


def quote_clause(policy: Policy, clause: Clause, question: str, analyzer: Analyzer) -> Quote:
    """The whole clause quoted in the policy's order, the sentences answering the question
    marked.

    An item of a list is quoted after the sentence that opens its list ("… may delete the
    following types of content: … Spam;"), and then it is the item that is marked: on its own
    it would not say whether the thing it names is allowed, required or forbidden. A clause
    that opens a list is quoted with the list's items, so the answer does not stop at a colon.
    """
    sentences = tuple(clause.sentences)
    marked = matching_sentences(clause, question, analyzer)
    lead = policy.lead_in(clause)
    if lead is not None:
        marked = tuple(n + 1 for n in marked or range(len(sentences)))
        sentences = (lead, *sentences)
    sentences += tuple(_listed(policy, clause))
    return Quote(
        sentences=sentences,
        citation=policy.citation(clause),
        version=policy.version,
        clause_title=clause.caption,
        marked=marked,
    )


MARK = "►"


def _listed(policy: Policy, clause: Clause) -> list[str]:
    """The items of the list a clause opens, each with its marker, and the items of the lists
    those open in turn ("a. Staff must not:" then its own items), at most `_MAX_ITEMS` in all;
    "…" ends a list cut short."""
    shown: list[str] = []
    pending = list(reversed(policy.list_items(clause)))
    while pending:
        if len(shown) == _MAX_ITEMS:
            return [*shown, "…"]
        item = pending.pop()
        shown.append(f"{item.marker} {item.text}".strip())
        pending.extend(reversed(policy.list_items(item)))
    return shown


def quote_lines(quote: Quote) -> list[str]:
    """The quotation as terminal lines: one sentence a line, the answering ones marked."""
    lines = [
        f"  {MARK} {sentence}" if index in quote.marked else f"    {sentence}"
        for index, sentence in enumerate(quotation(quote.sentences))
    ]
    source = f"Source: {quote.citation} (version {quote.version})."
    if quote.marked:
        source += f" {MARK} marks what answers your question."
    return [*lines, source]


def answer_reply(
    result: MatchResult, analyzer: Analyzer, *, acknowledged: bool, hr_contact: str
) -> Reply:
    """The reply for a question, following the matcher's outcome."""
    if result.outcome is Outcome.ANSWER:
        return clause_reply(
            result.policy,
            result.matches[0].clause,
            result.question,
            analyzer,
            acknowledged=acknowledged,
        )
    if result.outcome is Outcome.DID_YOU_MEAN:
        return did_you_mean_reply(result)
    return unknown_reply(result.policy, hr_contact)


def clause_reply(
    policy: Policy, clause: Clause, question: str, analyzer: Analyzer, *, acknowledged: bool
) -> Reply:
    """Quote one clause, cite it, and offer the next steps."""
    quote = quote_clause(policy, clause, question, analyzer)
    lines = [f"{clause.caption}:", *quote_lines(quote)]
    buttons = [Button("Start the checklist", "check")]
    if not acknowledged:
        buttons.insert(0, Button("I acknowledge the policy", "ack", style="primary"))
    return Reply(
        kind="answer",
        text="\n".join(lines),
        title=clause.caption,
        quote=quote,
        buttons=tuple(buttons),
        data={"policy": policy.id, "clause": clause.id, "version": policy.version},
        feedback=(
            Button("Yes, helpful", f"feedback {clause.id} yes", typeable=False),
            Button("Not helpful", f"feedback {clause.id} no", typeable=False),
        ),
    )


def did_you_mean_reply(result: MatchResult) -> Reply:
    """Two or more clauses fit about equally well: let the person pick, or say none fits."""
    choices = [match.clause for match in result.matches]
    none = len(choices) + 1
    lines = ["I found more than one part of the policy that might answer that. Did you mean:"]
    lines += [f"  {n}. {_choice(result.policy, clause)}" for n, clause in enumerate(choices, 1)]
    lines.append(f"  {none}. None of these")
    lines.append("Reply with the number, or press a choice.")
    return Reply(
        kind="did_you_mean",
        text="\n".join(lines),
        title="Did you mean…",
        buttons=(
            *(Button(clause.caption, f"show {clause.id}") for clause in choices),
            Button("None of these", "none of these"),
        ),
        data={
            "policy": result.policy.id,
            "choices": [clause.id for clause in choices],
            "menu": [f"show {clause.id}" for clause in choices],
            "none_of_these": True,
            "question": result.question,
            "best_score": result.best_confidence,
        },
    )


def _choice(policy: Policy, clause: Clause) -> str:
    """A choice names the clause by its title, or (untitled) quotes its first words; a list's
    item follows the end of the sentence opening its list ("… types of content: Spam"), which
    is what tells one short item from another."""
    words = clause.text.split()
    preview = " ".join(words[:10]) + (" …" if len(words) > 10 else "")
    lead = policy.lead_in(clause)
    if lead is not None and not clause.titled:
        opening = " ".join(lead.removesuffix(" …").split()[-_LEAD_WORDS:])
        return f"“… {opening} {clause.display_title or preview}” ({clause.label})"
    if clause.display_title:
        return f"{clause.display_title} ({clause.label})"
    return f"{clause.caption}: “{preview}”"


_LEAD_WORDS = 6  # enough to say what the list is ("the following types of content:")


def unknown_reply(policy: Policy, hr_contact: str, lead: str = "I don't know:") -> Reply:
    """The policy does not cover the question: say so and say who can help."""
    text = (
        f"{lead} I couldn't find that in the {policy.title}. "
        f"For questions outside it, please ask {hr_contact}. "
        "I've noted the question (without your name) so HR can improve my answers."
    )
    return Reply(kind="unknown", text=text, data={"policy": policy.id})


def not_understood_reply(text: str) -> Reply:
    """A word or two that is no question (nothing is logged): say what the bot can do."""
    shown = text if len(text) <= 40 else text[:39] + "…"
    return Reply(
        kind="not_understood",
        text=f"I'm not sure what you mean by \u201c{shown}\u201d. Ask me a question about the "
        "policy in a few words, for example \u201ccan I post photos of my crew?\u201d, or type "
        "'help' to see what I can do.",
    )
